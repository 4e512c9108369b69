/* server/cmd_stream.c - XADD, XTRIM, XDEL, XLEN, XRANGE and XREVRANGE,
 * with Redis 7.0's order of checks, replies and error texts.  Unlike the
 * other types, a stream stays when its last entry goes (Redis keeps it,
 * with its last ID). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "stream.h"

#define KEY(i) argv[i].ptr, argv[i].len

#define ERR_INVALID_ID "ERR Invalid stream ID specified as stream command argument"
/* Redis refuses an entry whose fields and values pass 1 GiB together. */
#define ELEMENTS_MAX ((size_t)1 << 30)

/* ---- IDs as Redis reads and writes them ---- */

/* Redis's string2ull: a plain decimal first (a negative one refused),
 * else whatever strtoull reads in full (so " 5", "+5" and "007" pass). */
static int read_ull(const char *s, unsigned long long *v) {
    long long ll;
    if (resp_parse_integer(s, strlen(s), &ll)) {
        if (ll < 0) return 0;
        *v = (unsigned long long)ll;
        return 1;
    }
    char *end = NULL;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return errno != EINVAL && errno != ERANGE && *s != '\0' && *end == '\0';
}

/* Redis's streamGenericParseIDOrReply: "ms-seq", "ms" (seq missing_seq),
 * "-" and "+" unless strict, and with seq_given "ms-*" (*seq_given 0).
 * The text is read as a C string of at most 127 bytes. */
static int parse_id(const resp_span *a, mr_stream_id *id, uint64_t missing_seq, int strict,
                    int *seq_given) {
    char buf[128];
    if (a->len > sizeof buf - 1) return 0;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') return 0;
    if (seq_given != NULL) *seq_given = 1;
    if ((buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') {
        id->ms = id->seq = buf[0] == '-' ? 0 : UINT64_MAX;
        return 1;
    }
    unsigned long long ms, seq = missing_seq;
    char *dash = strchr(buf, '-');
    if (dash != NULL) *dash = '\0';
    if (!read_ull(buf, &ms)) return 0;
    if (dash != NULL) {
        if (seq_given != NULL && strcmp(dash + 1, "*") == 0) {
            seq = 0;
            *seq_given = 0;
        } else if (!read_ull(dash + 1, &seq)) {
            return 0;
        }
    }
    id->ms = ms;
    id->seq = seq;
    return 1;
}

static int parse_id_or_reply(mr_conn *c, const resp_span *a, mr_stream_id *id,
                             uint64_t missing_seq, int strict, int *seq_given) {
    if (parse_id(a, id, missing_seq, strict, seq_given)) return 1;
    mr_add_error(c, ERR_INVALID_ID);
    return 0;
}

static void add_id(mr_conn *c, const mr_stream_id *id) {
    char buf[48];
    int n = snprintf(buf, sizeof buf, "%llu-%llu", (unsigned long long)id->ms,
                     (unsigned long long)id->seq);
    mr_add_bulk(c, buf, (size_t)n);
}

/* Redis's streamIncrID and streamDecrID: 0 when there is no next (or
 * previous) ID. */
static int id_incr(mr_stream_id *id) {
    if (id->seq == UINT64_MAX) {
        if (id->ms == UINT64_MAX) return 0;
        id->ms++;
    }
    id->seq++; /* wraps to 0 with a new millisecond */
    return 1;
}

static int id_decr(mr_stream_id *id) {
    if (id->seq == 0) {
        if (id->ms == 0) return 0;
        id->ms--;
    }
    id->seq--; /* wraps to the last of the millisecond before */
    return 1;
}

/* The stream at a key: 1 with *s (NULL when the key is missing), or 0
 * after replying WRONGTYPE. */
static int get_stream(mr_conn *c, const resp_span *key, mr_stream **s) {
    mr_obj *o;
    if (!mr_db_lookup_typed(c, key->ptr, key->len, MR_TYPE_STREAM, &o)) return 0;
    *s = (mr_stream *)o;
    return 1;
}

/* ---- XADD's and XTRIM's options ---- */

typedef struct add_args {
    mr_stream_trim trim;
    int nomkstream;
    int id_given, seq_given;
    mr_stream_id id;
} add_args;

/* An argument that is exactly one character, read as a C string. */
static int arg_is_char(const resp_span *a, char ch) {
    return a->len >= 1 && a->ptr[0] == ch && (a->len == 1 || a->ptr[1] == '\0');
}

/* MAXLEN or MINID at argv[i], with its optional "=" or "~": the index of
 * its last argument, or 0 after replying an error. */
static size_t parse_strategy(mr_conn *c, size_t argc, const resp_span *argv, size_t i,
                             add_args *a) {
    if (a->trim.kind != MR_TRIM_NONE) {
        mr_add_error(c, "ERR syntax error, MAXLEN and MINID options at the same time are not "
                        "compatible");
        return 0;
    }
    int maxlen = mr_arg_is(&argv[i], "maxlen");
    a->trim.approx = 0;
    if (argc - 1 - i >= 2 && arg_is_char(&argv[i + 1], '~')) {
        a->trim.approx = 1;
        i++;
    } else if (argc - 1 - i >= 2 && arg_is_char(&argv[i + 1], '=')) {
        i++;
    }
    i++;
    if (maxlen) {
        if (!mr_arg_ll(c, &argv[i], &a->trim.maxlen)) return 0;
        if (a->trim.maxlen < 0) {
            mr_add_error(c, "ERR The MAXLEN argument must be >= 0.");
            return 0;
        }
    } else if (!parse_id_or_reply(c, &argv[i], &a->trim.minid, 0, 1, NULL)) {
        return 0;
    }
    a->trim.kind = maxlen ? MR_TRIM_MAXLEN : MR_TRIM_MINID;
    return i;
}

/* The LIMIT the options leave: Redis's checks after its option loop. */
static int settle_limit(mr_conn *c, add_args *a, int limit_given, int xadd) {
    if (a->trim.limit && a->trim.kind == MR_TRIM_NONE) {
        mr_add_error(c, "ERR syntax error, LIMIT cannot be used without specifying a trimming "
                        "strategy");
        return 0;
    }
    if (!xadd && a->trim.kind == MR_TRIM_NONE) {
        mr_add_error(c, "ERR syntax error, XTRIM must be called with a trimming strategy");
        return 0;
    }
    if (limit_given && !a->trim.approx) {
        mr_add_error(c, "ERR syntax error, LIMIT cannot be used without the special ~ option");
        return 0;
    }
    /* "~" alone is limited to 100 nodes of 100 entries' work; "=" never. */
    if (!limit_given) a->trim.limit = a->trim.approx ? 100 * 100 : 0;
    return 1;
}

/* Redis's streamParseAddOrTrimArgsOrReply: the index of XADD's ID (argc
 * when the options run to the end), or 0 after replying an error. */
static size_t parse_add_args(mr_conn *c, size_t argc, const resp_span *argv, int xadd,
                             add_args *a) {
    memset(a, 0, sizeof *a);
    int limit_given = 0;
    size_t i = 2;
    for (; i < argc; i++) {
        int more = i + 1 < argc;
        if (xadd && arg_is_char(&argv[i], '*')) {
            break;
        } else if ((mr_arg_is(&argv[i], "maxlen") || mr_arg_is(&argv[i], "minid")) && more) {
            if ((i = parse_strategy(c, argc, argv, i, a)) == 0) return 0;
        } else if (mr_arg_is(&argv[i], "limit") && more) {
            if (!mr_arg_ll(c, &argv[++i], &a->trim.limit)) return 0;
            if (a->trim.limit < 0) {
                mr_add_error(c, "ERR The LIMIT argument must be >= 0.");
                return 0;
            }
            limit_given = 1;
        } else if (xadd && mr_arg_is(&argv[i], "nomkstream")) {
            a->nomkstream = 1;
        } else if (xadd) {
            if (!parse_id_or_reply(c, &argv[i], &a->id, 0, 1, &a->seq_given)) return 0;
            a->id_given = 1;
            break;
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
    }
    return settle_limit(c, a, limit_given, xadd) ? i : 0;
}

/* ---- XADD ---- */

#define ERR_NOT_GREATER                                                                        \
    "ERR The ID specified in XADD is equal or smaller than the target stream top item"

/* The ID an entry gets (Redis's streamAppendItem), or the error text
 * when there is none above the stream's last. */
static const char *next_id(mr_conn *c, const mr_stream *s, const add_args *a,
                           mr_stream_id *id) {
    if (a->id_given && a->seq_given) {
        *id = a->id;
    } else if (a->id_given) {
        /* "ms-*": the next sequence number in the last ID's millisecond.
         * When there is none Redis 7.0 leaves its error code unset and
         * reports the cause that code then holds. */
        if (s->last_id.ms != a->id.ms) *id = a->id;
        else if (s->last_id.seq == UINT64_MAX) return "ERR Elements are too large to be stored";
        else *id = (mr_stream_id){s->last_id.ms, s->last_id.seq + 1};
    } else {
        uint64_t now = (uint64_t)c->srv->now_ms;
        *id = (mr_stream_id){now, 0};
        if (now <= s->last_id.ms) {
            *id = s->last_id;
            id_incr(id);
        }
    }
    return mr_stream_id_cmp(id, &s->last_id) > 0 ? NULL : ERR_NOT_GREATER;
}

static size_t elements_len(size_t argc, const resp_span *argv, size_t from) {
    size_t len = 0;
    for (size_t i = from; i < argc; i++) len += argv[i].len;
    return len;
}

void mr_cmd_xadd(mr_conn *c, size_t argc, const resp_span *argv) {
    add_args a;
    size_t idpos = parse_add_args(c, argc, argv, 1, &a);
    if (idpos == 0) return;
    size_t fields = idpos + 1;
    if (fields > argc || argc - fields < 2 || (argc - fields) % 2 == 1) {
        mr_add_errorf(c, MR_ERR_ARITY_FMT, "xadd");
        return;
    }
    /* Refused before the key is created. */
    if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0) {
        mr_add_error(c, "ERR The ID specified in XADD must be greater than 0-0");
        return;
    }
    mr_stream *s;
    if (!get_stream(c, &argv[1], &s)) return;
    if (s == NULL && a.nomkstream) {
        mr_add_null(c);
        return;
    }
    if (s == NULL) {
        s = mr_stream_new();
        mr_db_set(c->srv, c->db, KEY(1), &s->hdr, 1);
    }
    if (s->last_id.ms == UINT64_MAX && s->last_id.seq == UINT64_MAX) {
        mr_add_error(c, "ERR The stream has exhausted the last possible ID, unable to add more "
                        "items");
        return;
    }
    mr_stream_id id;
    const char *err = next_id(c, s, &a, &id);
    if (err != NULL) {
        mr_add_error(c, err);
        return;
    }
    if (elements_len(argc, argv, fields) > ELEMENTS_MAX) {
        mr_add_error(c, "ERR Elements are too large to be stored");
        return;
    }
    mr_stream_append(s, &id, &argv[fields], (argc - fields) / 2);
    add_id(c, &id);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_notify(c->srv, MR_NOTIFY_STREAM, "xadd", c->db, KEY(1));
    if (mr_stream_trim_entries(s, &a.trim) > 0)
        mr_notify(c->srv, MR_NOTIFY_STREAM, "xtrim", c->db, KEY(1));
}

/* ---- XTRIM, XDEL, XLEN ---- */

void mr_cmd_xtrim(mr_conn *c, size_t argc, const resp_span *argv) {
    add_args a;
    if (parse_add_args(c, argc, argv, 0, &a) == 0) return;
    mr_stream *s;
    if (!get_stream(c, &argv[1], &s)) return;
    long long deleted = s != NULL ? mr_stream_trim_entries(s, &a.trim) : 0;
    if (deleted > 0) {
        mr_notify(c->srv, MR_NOTIFY_STREAM, "xtrim", c->db, KEY(1));
        mr_db_changed(c->srv, c->db, KEY(1));
    }
    mr_add_integer(c, deleted);
}

void mr_cmd_xdel(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_stream *s;
    if (!get_stream(c, &argv[1], &s)) return;
    if (s == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    /* Every ID is read before any entry goes. */
    mr_stream_id *ids = mr_xmalloc((argc - 2) * sizeof *ids);
    for (size_t i = 2; i < argc; i++) {
        if (!parse_id_or_reply(c, &argv[i], &ids[i - 2], 0, 1, NULL)) {
            free(ids);
            return;
        }
    }
    long long deleted = 0;
    for (size_t i = 0; i < argc - 2; i++) deleted += mr_stream_delete(s, &ids[i]);
    free(ids);
    if (deleted > 0) {
        mr_db_changed(c->srv, c->db, KEY(1));
        mr_notify(c->srv, MR_NOTIFY_STREAM, "xdel", c->db, KEY(1));
    }
    mr_add_integer(c, deleted);
}

void mr_cmd_xlen(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_stream *s;
    if (!get_stream(c, &argv[1], &s)) return;
    mr_add_integer(c, s != NULL ? (long long)s->length : 0);
}

/* ---- XRANGE, XREVRANGE ---- */

/* Redis's streamParseIntervalIDOrReply: "(" before an ID excludes it. */
static int parse_bound(mr_conn *c, const resp_span *a, mr_stream_id *id, uint64_t missing_seq,
                       int *exclusive) {
    *exclusive = a->len > 1 && a->ptr[0] == '(';
    if (!*exclusive) return parse_id_or_reply(c, a, id, missing_seq, 0, NULL);
    resp_span rest = {a->ptr + 1, a->len - 1};
    return parse_id_or_reply(c, &rest, id, missing_seq, 1, NULL);
}

/* COUNT's value, -1 without it (a negative one reads 0); 0 after an
 * error reply. */
static int parse_count(mr_conn *c, size_t argc, const resp_span *argv, long long *count) {
    *count = -1;
    for (size_t j = 4; j < argc; j++) {
        if (!mr_arg_is(&argv[j], "count") || j + 1 >= argc) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
        if (!mr_arg_ll(c, &argv[++j], count)) return 0;
        if (*count < 0) *count = 0;
    }
    return 1;
}

static void add_entry(mr_conn *c, mr_stream_entry *e) {
    const char *f, *v;
    size_t fn, vn;
    mr_add_array(c, 2);
    add_id(c, &e->id);
    mr_add_array(c, 2 * e->npairs);
    while (mr_stream_entry_pair(e, &f, &fn, &v, &vn)) {
        mr_add_bulk(c, f, fn);
        mr_add_bulk(c, v, vn);
    }
}

/* The entries from start to end, at most count of them (0: all). */
static void add_range(mr_conn *c, const mr_stream *s, const mr_stream_id *start,
                      const mr_stream_id *end, long long count, int rev) {
    mr_stream_iter it;
    mr_stream_entry e;
    size_t n = 0;
    mr_stream_iter_init(&it, s, start, end, rev);
    while ((count == 0 || (long long)n < count) && mr_stream_iter_next(&it, &e)) n++;
    mr_add_array(c, n);
    mr_stream_iter_init(&it, s, start, end, rev);
    for (size_t i = 0; i < n && mr_stream_iter_next(&it, &e); i++) add_entry(c, &e);
}

static void range_generic(mr_conn *c, size_t argc, const resp_span *argv, int rev) {
    mr_stream_id start, end;
    int start_ex, end_ex;
    if (!parse_bound(c, &argv[rev ? 3 : 2], &start, 0, &start_ex)) return;
    if (start_ex && !id_incr(&start)) {
        mr_add_error(c, "ERR invalid start ID for the interval");
        return;
    }
    if (!parse_bound(c, &argv[rev ? 2 : 3], &end, UINT64_MAX, &end_ex)) return;
    if (end_ex && !id_decr(&end)) {
        mr_add_error(c, "ERR invalid end ID for the interval");
        return;
    }
    long long count;
    if (!parse_count(c, argc, argv, &count)) return;
    mr_stream *s;
    if (!get_stream(c, &argv[1], &s)) return;
    if (s == NULL) mr_add_array(c, 0);
    else if (count == 0) mr_add_null_array(c);
    else add_range(c, s, &start, &end, count < 0 ? 0 : count, rev);
}

void mr_cmd_xrange(mr_conn *c, size_t argc, const resp_span *argv) {
    range_generic(c, argc, argv, 0);
}

void mr_cmd_xrevrange(mr_conn *c, size_t argc, const resp_span *argv) {
    range_generic(c, argc, argv, 1);
}
