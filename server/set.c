/* server/set.c - the set value (set.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <resp/request.h>

#include "mem.h"
#include "set.h"

mr_setval *mr_set_new(void) {
    mr_setval *s = mr_xcalloc(1, sizeof *s);
    s->hdr.type = MR_TYPE_SET;
    s->hdr.encoding = MR_ENC_INTSET;
    return s;
}

void mr_set_free(mr_setval *s) {
    free(s->ints);
    if (s->table != NULL) mr_dict_free(s->table);
    free(s);
}

size_t mr_set_len(const mr_setval *s) {
    return s->table != NULL ? mr_dict_size(s->table) : s->n;
}

/* Whether a member is an integer as Redis's string2ll reads one. */
static int as_int(const char *m, size_t mn, int64_t *v) {
    long long ll;
    if (!resp_parse_integer(m, mn, &ll)) return 0;
    *v = (int64_t)ll;
    return 1;
}

/* The position of v in the intset, or where it would go; *found says. */
static size_t ints_find(const mr_setval *s, int64_t v, int *found) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ints[mid] == v) {
            *found = 1;
            return mid;
        }
        if (s->ints[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

static int print_int(int64_t v, char buf[24]) {
    return snprintf(buf, 24, "%lld", (long long)v);
}

static void to_table(mr_setval *s) {
    s->table = mr_dict_create(NULL);
    for (size_t i = 0; i < s->n; i++) {
        char buf[24];
        int created;
        mr_dict_upsert(s->table, buf, (size_t)print_int(s->ints[i], buf), &created);
    }
    free(s->ints);
    s->ints = NULL;
    s->n = s->cap = 0;
    s->hdr.encoding = MR_ENC_HASHTABLE;
}

int mr_set_add(mr_setval *s, const char *m, size_t mn) {
    int64_t v = 0;
    if (s->table == NULL && !as_int(m, mn, &v)) to_table(s);
    if (s->table != NULL) {
        int created;
        mr_dict_upsert(s->table, m, mn, &created);
        return created;
    }
    int found;
    size_t at = ints_find(s, v, &found);
    if (found) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap != 0 ? s->cap * 2 : 4;
        s->ints = mr_xrealloc(s->ints, s->cap * sizeof *s->ints);
    }
    memmove(&s->ints[at + 1], &s->ints[at], (s->n - at) * sizeof *s->ints);
    s->ints[at] = v;
    unsigned w = v >= INT16_MIN && v <= INT16_MAX ? 2 : v >= INT32_MIN && v <= INT32_MAX ? 4 : 8;
    if (w > s->width) s->width = w;
    if (++s->n > MR_SET_INTSET_ENTRIES) to_table(s);
    return 1;
}

int mr_set_remove(mr_setval *s, const char *m, size_t mn) {
    if (s->table != NULL) return mr_dict_delete(s->table, m, mn);
    int64_t v;
    int found;
    if (!as_int(m, mn, &v)) return 0;
    size_t at = ints_find(s, v, &found);
    if (!found) return 0;
    memmove(&s->ints[at], &s->ints[at + 1], (s->n - at - 1) * sizeof *s->ints);
    s->n--;
    return 1;
}

int mr_set_has(const mr_setval *s, const char *m, size_t mn) {
    if (s->table != NULL) return mr_dict_find(s->table, m, mn) != NULL;
    int64_t v;
    int found = 0;
    if (as_int(m, mn, &v)) ints_find(s, v, &found);
    return found;
}

void mr_set_iter_init(mr_set_iter *it, const mr_setval *s) {
    it->s = s;
    it->i = 0;
    if (s->table != NULL) mr_dict_iter_init(&it->it, s->table);
}

int mr_set_iter_next(mr_set_iter *it, const char **m, size_t *mn) {
    if (it->s->table != NULL) {
        mr_dict_entry *e = mr_dict_iter_next(&it->it);
        if (e == NULL) return 0;
        *m = e->key;
        *mn = e->klen;
        return 1;
    }
    if (it->i >= it->s->n) return 0;
    *mn = (size_t)print_int(it->s->ints[it->i++], it->buf);
    *m = it->buf;
    return 1;
}

void mr_set_iter_done(mr_set_iter *it) {
    if (it->s->table != NULL) mr_dict_iter_done(&it->it);
}

void mr_set_random(const mr_setval *s, uint64_t *rng, char buf[24], const char **m, size_t *mn) {
    if (s->table != NULL) {
        mr_dict_entry *e = mr_dict_random(s->table, rng);
        *m = e->key;
        *mn = e->klen;
        return;
    }
    mr_rng_step(rng);
    *mn = (size_t)print_int(s->ints[*rng % s->n], buf);
    *m = buf;
}
