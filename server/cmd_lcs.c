/* server/cmd_lcs.c - LCS: the longest common subsequence of two strings,
 * its length, or the ranges that match.
 *
 * The table is the classic one (cell (i, j) holds the length for the
 * first i bytes of a and the first j of b), and the walk back from its
 * far corner is Redis 7.0's, so that among equally long subsequences the
 * same one is chosen: on a tie it drops a byte of b first.  Ranges are
 * emitted as the walk finds them, from the ends of the strings back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

typedef struct lcs_opts {
    int len, idx, withmatchlen;
    long long minmatchlen;
} lcs_opts;

/* Returns 0 after replying an error. */
static int parse_opts(mr_conn *c, size_t argc, const resp_span *argv, lcs_opts *o) {
    memset(o, 0, sizeof *o);
    for (size_t j = 3; j < argc; j++) {
        if (mr_arg_is(&argv[j], "idx")) {
            o->idx = 1;
        } else if (mr_arg_is(&argv[j], "len")) {
            o->len = 1;
        } else if (mr_arg_is(&argv[j], "withmatchlen")) {
            o->withmatchlen = 1;
        } else if (mr_arg_is(&argv[j], "minmatchlen") && j + 1 < argc) {
            if (!mr_arg_ll(c, &argv[++j], &o->minmatchlen)) return 0;
            if (o->minmatchlen < 0) o->minmatchlen = 0;
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
    }
    if (o->idx && o->len) {
        mr_add_error(c, "ERR If you want both the length and indexes, please just use IDX.");
        return 0;
    }
    return 1;
}

/* The string value at argv[i] ("" when missing); 0 when the key holds
 * another type. */
static int operand(mr_conn *c, const resp_span *key, const char **p, size_t *n) {
    mr_obj *o = mr_db_lookup(c->srv, c->db, key->ptr, key->len);
    if (o == NULL) mr_db_keymiss(c, key->ptr, key->len);
    if (o != NULL && o->type != MR_TYPE_STRING) return 0;
    *p = o != NULL ? ((mr_str *)o)->data : "";
    *n = o != NULL ? ((mr_str *)o)->len : 0;
    return 1;
}

typedef struct lcs_table {
    uint32_t *cell;
    size_t cols; /* blen + 1 */
} lcs_table;

#define CELL(t, i, j) ((t)->cell[(size_t)(i) * (t)->cols + (size_t)(j)])

static void fill(lcs_table *t, const char *a, size_t alen, const char *b, size_t blen) {
    for (size_t i = 0; i <= alen; i++) {
        for (size_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0) CELL(t, i, j) = 0;
            else if (a[i - 1] == b[j - 1]) CELL(t, i, j) = CELL(t, i - 1, j - 1) + 1;
            else if (CELL(t, i - 1, j) > CELL(t, i, j - 1)) CELL(t, i, j) = CELL(t, i - 1, j);
            else CELL(t, i, j) = CELL(t, i, j - 1);
        }
    }
}

static void add_range(mr_conn *c, size_t from, size_t to) {
    mr_add_array(c, 2);
    mr_add_integer(c, (long long)from);
    mr_add_integer(c, (long long)to);
}

/* Walks back from (alen, blen): fills out (the subsequence) and, with
 * reply set, replies each matching range of at least minmatchlen bytes.
 * Returns how many ranges it replied. */
static size_t walk(mr_conn *c, const lcs_table *t, const char *a, size_t alen, const char *b,
                   size_t blen, char *out, const lcs_opts *o, int reply) {
    size_t i = alen, j = blen, k = CELL(t, alen, blen), emitted = 0;
    int open = 0; /* a range is being extended backwards */
    size_t a_from = 0, a_to = 0, b_from = 0, b_to = 0;
    while (i > 0 && j > 0) {
        int emit = 0;
        if (a[i - 1] == b[j - 1]) {
            out[--k] = a[i - 1];
            if (!open) {
                open = 1;
                a_from = a_to = i - 1;
                b_from = b_to = j - 1;
            } else {
                a_from--, b_from--;
            }
            emit = a_from == 0 || b_from == 0;
            i--, j--;
        } else {
            if (CELL(t, i - 1, j) > CELL(t, i, j - 1)) i--;
            else j--;
            emit = open;
        }
        if (!emit) continue;
        size_t matchlen = a_to - a_from + 1;
        if (o->minmatchlen == 0 || (long long)matchlen >= o->minmatchlen) {
            if (reply) {
                mr_add_array(c, o->withmatchlen ? 3 : 2);
                add_range(c, a_from, a_to);
                add_range(c, b_from, b_to);
                if (o->withmatchlen) mr_add_integer(c, (long long)matchlen);
            }
            emitted++;
        }
        open = 0;
    }
    return emitted;
}

/* Ranges are replied as found, but the array's header comes first: the
 * walk runs once to count them, then again to reply. */
static void reply_idx(mr_conn *c, const lcs_table *t, const char *a, size_t alen, const char *b,
                      size_t blen, char *out, const lcs_opts *o) {
    mr_add_map(c, 2);
    mr_add_bulk_cstr(c, "matches");
    mr_add_array(c, walk(c, t, a, alen, b, blen, out, o, 0));
    walk(c, t, a, alen, b, blen, out, o, 1);
    mr_add_bulk_cstr(c, "len");
    mr_add_integer(c, (long long)CELL(t, alen, blen));
}

void mr_cmd_lcs(mr_conn *c, size_t argc, const resp_span *argv) {
    const char *a, *b;
    size_t alen, blen;
    if (!operand(c, &argv[1], &a, &alen) || !operand(c, &argv[2], &b, &blen)) {
        mr_add_error(c, "ERR The specified keys must contain string values");
        return;
    }
    lcs_opts o;
    if (!parse_opts(c, argc, argv, &o)) return;
    /* The table is transient memory, bounded as Redis bounds it. */
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    if (cells > (unsigned long long)c->srv->cfg.proto_max_bulk_len / sizeof(uint32_t)) {
        mr_add_error(c,
                     "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    lcs_table t = {mr_xmalloc((size_t)cells * sizeof(uint32_t)), blen + 1};
    fill(&t, a, alen, b, blen);
    size_t n = CELL(&t, alen, blen);
    char *out = mr_xmalloc(n + 1);
    if (o.idx) {
        reply_idx(c, &t, a, alen, b, blen, out, &o);
    } else if (o.len) {
        mr_add_integer(c, (long long)n);
    } else {
        walk(c, &t, a, alen, b, blen, out, &o, 0);
        mr_add_bulk(c, out, n);
    }
    free(out);
    free(t.cell);
}
