/* server/args.c - reading a command's arguments as Redis does. */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "server.h"

size_t mr_cstr_len(const char *s, size_t len) {
    const char *nul = memchr(s, '\0', len);
    return nul != NULL ? (size_t)(nul - s) : len;
}

size_t mr_arg_len(const resp_span *a) {
    return mr_cstr_len(a->ptr, a->len);
}

int mr_arg_is(const resp_span *a, const char *word) {
    size_t n = strlen(word);
    return mr_cstr_len(a->ptr, a->len) == n && strncasecmp(word, a->ptr, n) == 0;
}

int mr_parse_ll(const resp_span *a, long long *out) {
    return resp_parse_integer(a->ptr, a->len, out);
}

int mr_arg_ll(mr_conn *c, const resp_span *a, long long *out) {
    if (mr_parse_ll(a, out)) return 1;
    mr_add_error(c, MR_ERR_NOT_INT);
    return 0;
}

int mr_arg_int(mr_conn *c, const resp_span *a, const char *msg, int *out) {
    long long v;
    int ok = mr_parse_ll(a, &v);
    if (ok && v >= INT_MIN && v <= INT_MAX) {
        *out = (int)v;
        return 1;
    }
    if (msg != NULL) mr_add_error(c, msg);
    else if (!ok) mr_add_error(c, MR_ERR_NOT_INT);
    else mr_add_error(c, "ERR value is out of range, value must between -2147483648 and 2147483647");
    return 0;
}

int mr_arg_db(mr_conn *c, const resp_span *a, const char *msg, int *out) {
    if (!mr_arg_int(c, a, msg, out)) return 0;
    if (*out >= 0 && *out < c->srv->cfg.databases) return 1;
    mr_add_error(c, "ERR DB index is out of range");
    return 0;
}

int mr_arg_bit_offset(mr_conn *c, const resp_span *a, unsigned field_bits, uint64_t *out) {
    int hash = field_bits > 0 && a->len > 0 && a->ptr[0] == '#';
    resp_span n = {a->ptr + hash, a->len - (size_t)hash};
    long long off;
    int ok = mr_parse_ll(&n, &off);
    if (ok && hash) {
        uint64_t wrapped = (uint64_t)off * field_bits;
        memcpy(&off, &wrapped, sizeof off);
    }
    if (!ok || off < 0 || (off >> 3) >= c->srv->cfg.proto_max_bulk_len) {
        mr_add_error(c, "ERR bit offset is not an integer or out of range");
        return 0;
    }
    *out = (uint64_t)off;
    return 1;
}

int mr_arg_mpop(mr_conn *c, size_t argc, const resp_span *argv, size_t numkeys_at,
                const char *const ends[2], mr_mpop_args *out) {
    long long numkeys;
    if (!mr_parse_ll(&argv[numkeys_at], &numkeys) || numkeys < 1) {
        mr_add_error(c, "ERR numkeys should be greater than 0");
        return 0;
    }
    if ((unsigned long long)numkeys >= argc - numkeys_at - 1) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    out->first_key = numkeys_at + 1;
    out->nkeys = (size_t)numkeys;
    out->count = -1;
    size_t where = out->first_key + out->nkeys;
    if (mr_arg_is(&argv[where], ends[0])) out->end = 0;
    else if (mr_arg_is(&argv[where], ends[1])) out->end = 1;
    else {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    for (size_t j = where + 1; j < argc; j++) {
        if (out->count != -1 || !mr_arg_is(&argv[j], "count") || j + 1 == argc) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
        if (!mr_parse_ll(&argv[++j], &out->count) || out->count < 1) {
            mr_add_error(c, "ERR count should be greater than 0");
            return 0;
        }
    }
    if (out->count == -1) out->count = 1;
    return 1;
}

int mr_arg_rand_count(mr_conn *c, size_t argc, const resp_span *argv, const char *with_word,
                      long long *count, int *with) {
    if (!mr_arg_ll(c, &argv[2], count)) return 0;
    if (*count == LLONG_MIN) {
        mr_add_error(c, "ERR value is out of range, value must between -9223372036854775807 and "
                        "9223372036854775807");
        return 0;
    }
    *with = argc == 4;
    if (argc > 4 || (*with && !mr_arg_is(&argv[3], with_word))) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    if (*with && (*count < -LLONG_MAX / 2 || *count > LLONG_MAX / 2)) {
        mr_add_error(c, "ERR value is out of range");
        return 0;
    }
    return 1;
}

int mr_arg_pop_count(mr_conn *c, size_t argc, const resp_span *argv, long long *count) {
    *count = -1;
    if (argc > 3) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    if (argc == 3 && (!mr_parse_ll(&argv[2], count) || *count < 0)) {
        mr_add_error(c, "ERR value is out of range, must be positive");
        return 0;
    }
    return 1;
}
