/* server/scan.c - the shared parts of SCAN and HSCAN (scan.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "glob.h"
#include "scan.h"

/* Redis reads the cursor with strtoull: no leading blank, all of it (up
 * to a NUL), in range.  So "" is 0, "+5" is 5, zero padding of any
 * length is fine and "-1" wraps as strtoull does. */
int mr_scan_cursor(mr_conn *c, const resp_span *a, uint64_t *out) {
    int ok = !(a->len > 0 && isspace((unsigned char)a->ptr[0]));
    if (ok) {
        char *buf = mr_xstrndup(a->ptr, a->len);
        char *end;
        errno = 0;
        unsigned long long v = strtoull(buf, &end, 10);
        ok = *end == '\0' && errno != ERANGE;
        free(buf);
        if (ok) *out = v;
    }
    if (!ok) mr_add_error(c, "ERR invalid cursor");
    return ok;
}

int mr_scan_options(mr_conn *c, size_t argc, const resp_span *argv, size_t first, int with_type,
                    mr_scan *o) {
    o->count = 10;
    o->match = NULL;
    o->type = NULL;
    for (size_t j = first; j < argc; j += 2) {
        if (j + 1 >= argc) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
        if (mr_arg_is(&argv[j], "count")) {
            if (!mr_arg_ll(c, &argv[j + 1], &o->count)) return 0;
            if (o->count < 1) {
                mr_add_error(c, MR_ERR_SYNTAX);
                return 0;
            }
        } else if (mr_arg_is(&argv[j], "match")) {
            o->match = &argv[j + 1];
            if (o->match->len == 1 && o->match->ptr[0] == '*') o->match = NULL;
        } else if (with_type && mr_arg_is(&argv[j], "type")) {
            o->type = &argv[j + 1];
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
    }
    return 1;
}

int mr_scan_matches(const mr_scan *o, const char *name, size_t len) {
    return o->match == NULL || mr_glob_match(o->match->ptr, o->match->len, name, len, 0);
}

typedef struct walk {
    const mr_scan *o;
    mr_scan_emit *emit;
    void *ud;
    resp_buf body;
    size_t items;
} walk;

static void visit(void *ud, mr_dict_entry *e) {
    walk *w = ud;
    if (mr_scan_matches(w->o, e->key, e->klen)) w->items += w->emit(w->ud, e, &w->body);
}

void mr_scan_reply(mr_conn *c, uint64_t cursor, const resp_buf *body, size_t items) {
    char num[32];
    int nl = snprintf(num, sizeof num, "%llu", (unsigned long long)cursor);
    mr_add_array(c, 2);
    mr_add_bulk(c, num, (size_t)nl);
    mr_add_array(c, items);
    mr_add_raw(c, body->data, body->len);
}

void mr_scan_dict(mr_conn *c, mr_dict *d, uint64_t cursor, const mr_scan *o, mr_scan_emit *emit,
                  void *ud) {
    walk w = {.o = o, .emit = emit, .ud = ud};
    resp_buf_init(&w.body, NULL);
    /* Like Redis: visit buckets until `count` items were gathered or a
     * bounded amount of work was done. */
    long long budget = o->count > LLONG_MAX / 10 ? LLONG_MAX : o->count * 10;
    do {
        cursor = mr_dict_scan(d, cursor, visit, &w);
    } while (cursor != 0 && budget-- > 0 && (long long)w.items < o->count);
    mr_scan_reply(c, cursor, &w.body, w.items);
    resp_buf_free(&w.body);
}
