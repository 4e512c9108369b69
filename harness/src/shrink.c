/* harness/src/shrink.c - delta debugging over generated traffic. */
#include "shrink.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct shrinker {
    rh_still_differs still;
    void *ctx;
    long long deadline; /* 0: none */
    rh_shrink_stats *st;
} shrinker;

static int out_of_time(shrinker *s) {
    if (s->deadline == 0 || rh_now_ms() < s->deadline) return 0;
    s->st->out_of_time = 1;
    return 1;
}

static int test(shrinker *s, const rh_program *p) {
    s->st->tests++;
    return s->still(p, s->ctx);
}

/* Tests p with only the operations keep marks; on success p becomes that. */
static int try_keep(shrinker *s, rh_program *p, const unsigned char *keep) {
    rh_program q;
    rh_program_copy(&q, p, keep);
    if (!test(s, &q)) {
        rh_program_free(&q);
        return 0;
    }
    rh_program_free(p);
    *p = q;
    return 1;
}

/* Keeps the shortest tail of p, of 1, 2, 4, ... operations, that still
 * shows the difference.  A replay costs in proportion to its length, and
 * what causes a difference is most often a few operations before it, so
 * these cheap tries usually leave ddmin a short program.  Returns 1 when
 * the last operation alone shows it. */
static int keep_short_tail(shrinker *s, rh_program *p) {
    unsigned char *keep = malloc(p->count);
    if (keep == NULL) rh_die("out of memory");
    size_t tail = 1;
    int found = 0;
    while (tail < p->count && !found && !out_of_time(s)) {
        memset(keep, 0, p->count);
        memset(keep + (p->count - tail), 1, tail);
        found = try_keep(s, p, keep);
        if (!found) tail *= 2;
    }
    free(keep);
    return found && tail == 1;
}

/* ddmin's complement steps over every operation but the last: remove a
 * chunk, keep the result when the difference stays, refine when none can
 * go.  Starts from the shortest tail that shows the difference. */
static void reduce_ops(shrinker *s, rh_program *p) {
    if (p->count < 2 || keep_short_tail(s, p)) return;
    size_t gran = 2;
    while (p->count > 1 && !out_of_time(s)) {
        size_t n = p->count - 1; /* candidates: all but the last */
        if (gran > n) gran = n;
        size_t chunk = (n + gran - 1) / gran;
        int reduced = 0;
        unsigned char *keep = malloc(p->count);
        if (keep == NULL) rh_die("out of memory");
        for (size_t start = 0; start < n && !reduced && !out_of_time(s); start += chunk) {
            memset(keep, 1, p->count);
            for (size_t i = start; i < start + chunk && i < n; i++) keep[i] = 0;
            reduced = try_keep(s, p, keep);
        }
        free(keep);
        if (reduced) {
            gran = gran > 2 ? gran - 1 : 2;
        } else {
            if (gran >= n) break;
            gran = gran * 2 < n ? gran * 2 : n;
        }
    }
}

/* Tries p with one change made by edit(op); keeps it when the difference
 * stays.  edit returns 0 when there is nothing to change. */
static void try_edit(shrinker *s, rh_program *p, size_t i, size_t k,
                     int (*edit)(rh_op *op, size_t k)) {
    rh_program q;
    rh_program_copy(&q, p, NULL);
    if (!edit(&q.ops[i], k) || !test(s, &q)) {
        rh_program_free(&q);
        return;
    }
    rh_program_free(p);
    *p = q;
}

static int drop_arg(rh_op *op, size_t k) {
    if (op->kind == RH_OP_RAW || k >= op->argc || k == 0) return 0;
    rh_op_remove_arg(op, k);
    return 1;
}

static int send_whole(rh_op *op, size_t k) {
    (void)k;
    if (op->chunk == 0) return 0;
    op->chunk = 0;
    return 1;
}

static int as_multibulk(rh_op *op, size_t k) {
    (void)k;
    if (op->kind != RH_OP_INLINE) return 0;
    op->kind = RH_OP_COMMAND;
    return 1;
}

static int unpipeline(rh_op *op, size_t k) {
    (void)k;
    if (op->batch_end) return 0;
    op->batch_end = 1;
    return 1;
}

void rh_shrink(rh_program *p, rh_still_differs still, void *ctx, long long budget_ms,
               rh_shrink_stats *st) {
    memset(st, 0, sizeof *st);
    long long start = rh_now_ms();
    shrinker s = {still, ctx, budget_ms > 0 ? start + budget_ms : 0, st};
    st->ops_before = p->count;
    reduce_ops(&s, p);
    for (size_t i = p->count; i-- > 0 && !out_of_time(&s);)
        for (size_t k = p->ops[i].argc; k-- > 1 && !out_of_time(&s);)
            try_edit(&s, p, i, k, drop_arg);
    for (size_t i = 0; i < p->count && !out_of_time(&s); i++) {
        try_edit(&s, p, i, 0, send_whole);
        try_edit(&s, p, i, 0, as_multibulk);
        try_edit(&s, p, i, 0, unpipeline);
    }
    st->ops_after = p->count;
    st->ms = rh_now_ms() - start;
}
