/* server/zset.c - the sorted set value (zset.h). */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pack.h"
#include "zset.h"

/* Bytes order as Redis's sdscmp: the common prefix, then the length. */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r != 0) return r;
    return an < bn ? -1 : an > bn;
}

/* Whether (s1, m1) comes before (s2, m2) in the order. */
static int before(double s1, const char *m1, size_t n1, double s2, const char *m2, size_t n2) {
    return s1 < s2 || (s1 == s2 && cmp_bytes(m1, n1, m2, n2) < 0);
}

int mr_zset_lex_cmp(const char *m, size_t mn, const mr_zset_lex *b) {
    switch ((mr_zset_lex_kind)b->kind) {
    case MR_LEX_MIN: return 1;
    case MR_LEX_MAX: return -1;
    case MR_LEX_BYTES: return cmp_bytes(m, mn, b->s, b->n);
    }
    return 0;
}

/* Whether a member is still below a bound: under it, or (inclusive) at it. */
static int lex_below(const char *m, size_t mn, const mr_zset_lex *b, int inclusive) {
    int r = mr_zset_lex_cmp(m, mn, b);
    return r < 0 || (inclusive && r == 0);
}

static int score_below(double s, double v, int inclusive) {
    return s < v || (inclusive && s == v);
}

/* ---- the listpack ---- */

#define SCORE_SIZE sizeof(double)

/* The member and score of the pair at off; returns the pair's size. */
static size_t lp_read(const unsigned char *lp, size_t off, const char **m, size_t *mn,
                      double *score) {
    const char *s;
    size_t n, sz = mr_pack_read(lp, off, m, mn);
    sz += mr_pack_read(lp, off + sz, &s, &n);
    memcpy(score, s, SCORE_SIZE);
    return sz;
}

/* The offset of the pair before the one at off (off > 0). */
static size_t lp_prev(const unsigned char *lp, size_t off) {
    return mr_pack_prev(lp, mr_pack_prev(lp, off));
}

/* The offset of a member's pair, or z->used. */
static size_t lp_find(const mr_zsetval *z, const char *m, size_t mn, double *score) {
    for (size_t off = 0; off < z->used;) {
        const char *s;
        size_t n, sz = lp_read(z->lp, off, &s, &n, score);
        if (n == mn && (mn == 0 || memcmp(s, m, mn) == 0)) return off;
        off += sz;
    }
    return z->used;
}

static void lp_delete(mr_zsetval *z, size_t off) {
    const char *s;
    size_t n;
    double score;
    size_t sz = lp_read(z->lp, off, &s, &n, &score);
    memmove(z->lp + off, z->lp + off + sz, z->used - off - sz);
    z->used -= sz;
    z->count--;
}

static void lp_insert(mr_zsetval *z, const char *m, size_t mn, double score) {
    /* Redis's listpack keeps a score as text that may be stored as an
     * integer: -0 comes back as 0. */
    if (score == 0) score = 0;
    size_t off = 0;
    while (off < z->used) {
        const char *s;
        size_t n;
        double sc;
        size_t sz = lp_read(z->lp, off, &s, &n, &sc);
        if (before(score, m, mn, sc, s, n)) break;
        off += sz;
    }
    size_t need = mr_pack_size(mn) + mr_pack_size(SCORE_SIZE);
    if (z->used + need > z->cap) {
        size_t cap = z->cap != 0 ? z->cap : 64;
        while (cap < z->used + need) cap *= 2;
        z->lp = mr_xrealloc(z->lp, cap);
        z->cap = cap;
    }
    memmove(z->lp + off + need, z->lp + off, z->used - off);
    mr_pack_write(z->lp + off, m, mn);
    char sb[SCORE_SIZE];
    memcpy(sb, &score, SCORE_SIZE);
    mr_pack_write(z->lp + off + mr_pack_size(mn), sb, SCORE_SIZE);
    z->used += need;
    z->count++;
}

/* ---- the skip list ---- */

/* Levels are drawn from a generator of the module's own: they change no
 * reply, so they need not follow the server's seed. */
static int random_level(void) {
    static uint64_t state = 0x9E3779B97F4A7C15u;
    int level = 1;
    for (;;) {
        mr_rng_step(&state);
        if ((state & 0xFFFF) >= 0xFFFF / 4 || level == MR_ZSET_MAX_LEVEL) return level;
        level++;
    }
}

static mr_zset_node *node_new(int level, double score, const char *m, size_t mn) {
    mr_zset_node *x = mr_xcalloc(1, sizeof *x + (size_t)level * sizeof x->level[0]);
    x->score = score;
    x->member = m;
    x->len = mn;
    return x;
}

static void sl_init(mr_zsetval *z) {
    z->dict = mr_dict_create(NULL);
    z->head = node_new(MR_ZSET_MAX_LEVEL, 0, NULL, 0);
    z->tail = NULL;
    z->length = 0;
    z->level = 1;
}

static mr_zset_node *sl_insert(mr_zsetval *z, double score, const char *m, size_t mn) {
    mr_zset_node *update[MR_ZSET_MAX_LEVEL], *x = z->head;
    size_t rank[MR_ZSET_MAX_LEVEL];
    for (int i = z->level - 1; i >= 0; i--) {
        rank[i] = i == z->level - 1 ? 0 : rank[i + 1];
        while (x->level[i].forward != NULL &&
               before(x->level[i].forward->score, x->level[i].forward->member,
                      x->level[i].forward->len, score, m, mn)) {
            rank[i] += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    int level = random_level();
    for (int i = z->level; i < level; i++) {
        rank[i] = 0;
        update[i] = z->head;
        update[i]->level[i].span = z->length;
    }
    if (level > z->level) z->level = level;
    x = node_new(level, score, m, mn);
    for (int i = 0; i < level; i++) {
        x->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = x;
        x->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = rank[0] - rank[i] + 1;
    }
    for (int i = level; i < z->level; i++) update[i]->level[i].span++;
    x->backward = update[0] == z->head ? NULL : update[0];
    if (x->level[0].forward != NULL) x->level[0].forward->backward = x;
    else z->tail = x;
    z->length++;
    return x;
}

/* Unlinks x, whose predecessors at each level are in update. */
static void sl_unlink(mr_zsetval *z, mr_zset_node *x, mr_zset_node **update) {
    for (int i = 0; i < z->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span--;
        }
    }
    if (x->level[0].forward != NULL) x->level[0].forward->backward = x->backward;
    else z->tail = x->backward;
    while (z->level > 1 && z->head->level[z->level - 1].forward == NULL) z->level--;
    z->length--;
}

/* Unlinks and frees a node (its member is freed with its dict entry). */
static void sl_delete(mr_zsetval *z, mr_zset_node *node) {
    mr_zset_node *update[MR_ZSET_MAX_LEVEL], *x = z->head;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL && x->level[i].forward != node &&
               before(x->level[i].forward->score, x->level[i].forward->member,
                      x->level[i].forward->len, node->score, node->member, node->len))
            x = x->level[i].forward;
        update[i] = x;
    }
    sl_unlink(z, node, update);
    free(node);
}

/* The node of a rank from 1. */
static mr_zset_node *sl_at(const mr_zsetval *z, size_t rank) {
    mr_zset_node *x = z->head;
    size_t traversed = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL && traversed + x->level[i].span <= rank) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == rank) return x;
    }
    return NULL;
}

/* The rank from 1 of a node in the list. */
static size_t sl_rank(const mr_zsetval *z, const mr_zset_node *node) {
    mr_zset_node *x = z->head;
    size_t rank = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward != NULL &&
               (x->level[i].forward == node ||
                before(x->level[i].forward->score, x->level[i].forward->member,
                       x->level[i].forward->len, node->score, node->member, node->len))) {
            rank += x->level[i].span;
            x = x->level[i].forward;
        }
        if (x == node) return rank;
    }
    return rank;
}

/* Whether the walk goes on past a member: it is still below a bound. */
typedef int zset_below(const char *m, size_t mn, double score, const void *arg, int inclusive);

static int below_score(const char *m, size_t mn, double score, const void *arg, int inclusive) {
    (void)m, (void)mn;
    return score_below(score, *(const double *)arg, inclusive);
}

static int below_lex(const char *m, size_t mn, double score, const void *arg, int inclusive) {
    (void)score;
    return lex_below(m, mn, arg, inclusive);
}

/* Any member but the one sought (arg: an mr_zset_lex of its bytes). */
static int not_member(const char *m, size_t mn, double score, const void *arg, int inclusive) {
    (void)score, (void)inclusive;
    const mr_zset_lex *w = arg;
    return mn != w->n || (mn != 0 && memcmp(m, w->s, mn) != 0);
}

/* How many members a descent passes while `below` holds. */
static size_t sl_count(const mr_zsetval *z, zset_below *below, const void *arg, int inclusive) {
    mr_zset_node *x = z->head;
    size_t rank = 0;
    for (int i = z->level - 1; i >= 0; i--)
        while (x->level[i].forward != NULL &&
               below(x->level[i].forward->member, x->level[i].forward->len,
                     x->level[i].forward->score, arg, inclusive)) {
            rank += x->level[i].span;
            x = x->level[i].forward;
        }
    return rank;
}

/* How many members a walk from the first passes while `below` holds. */
static size_t lp_count(const mr_zsetval *z, zset_below *below, const void *arg, int inclusive) {
    size_t r = 0;
    for (size_t off = 0; off < z->used; r++) {
        const char *s;
        size_t n;
        double score;
        off += lp_read(z->lp, off, &s, &n, &score);
        if (!below(s, n, score, arg, inclusive)) break;
    }
    return r;
}

static void sl_free(mr_zsetval *z) {
    mr_zset_node *x = z->head->level[0].forward;
    while (x != NULL) {
        mr_zset_node *next = x->level[0].forward;
        free(x);
        x = next;
    }
    free(z->head);
    mr_dict_free(z->dict);
}

static void sl_add(mr_zsetval *z, const char *m, size_t mn, double score) {
    int created;
    mr_dict_entry *e = mr_dict_upsert(z->dict, m, mn, &created);
    e->v.ptr = sl_insert(z, score, e->key, e->klen);
}

/* The one-way conversion to a skip list. */
static void to_skiplist(mr_zsetval *z) {
    unsigned char *lp = z->lp;
    size_t used = z->used;
    z->lp = NULL;
    z->used = z->cap = z->count = 0;
    sl_init(z);
    z->hdr.encoding = MR_ENC_SKIPLIST;
    for (size_t off = 0; off < used;) {
        const char *m;
        size_t mn;
        double score;
        off += lp_read(lp, off, &m, &mn, &score);
        sl_add(z, m, mn, score);
    }
    free(lp);
}

/* ---- the value ---- */

mr_zsetval *mr_zset_new(size_t entries, size_t longest) {
    mr_zsetval *z = mr_xcalloc(1, sizeof *z);
    z->hdr.type = MR_TYPE_ZSET;
    z->hdr.encoding = MR_ENC_LISTPACK;
    if (entries > MR_ZSET_LISTPACK_ENTRIES || longest > MR_ZSET_LISTPACK_VALUE) {
        z->hdr.encoding = MR_ENC_SKIPLIST;
        sl_init(z);
    }
    return z;
}

void mr_zset_free(mr_zsetval *z) {
    if (z->dict != NULL) sl_free(z);
    free(z->lp);
    free(z);
}

size_t mr_zset_len(const mr_zsetval *z) {
    return z->dict != NULL ? z->length : z->count;
}

int mr_zset_score(const mr_zsetval *z, const char *m, size_t mn, double *score) {
    if (z->dict != NULL) {
        mr_dict_entry *e = mr_dict_find(z->dict, m, mn);
        if (e == NULL) return 0;
        *score = ((const mr_zset_node *)e->v.ptr)->score;
        return 1;
    }
    return lp_find(z, m, mn, score) != z->used;
}

int mr_zset_set(mr_zsetval *z, const char *m, size_t mn, double score) {
    if (z->dict == NULL) {
        double old;
        size_t off = lp_find(z, m, mn, &old);
        if (off != z->used) {
            if (old == score) return 0;
            lp_delete(z, off);
            lp_insert(z, m, mn, score);
            return 0;
        }
        if (z->count + 1 > MR_ZSET_LISTPACK_ENTRIES || mn > MR_ZSET_LISTPACK_VALUE) {
            to_skiplist(z);
        } else {
            lp_insert(z, m, mn, score);
            return 1;
        }
    }
    mr_dict_entry *e = mr_dict_find(z->dict, m, mn);
    if (e == NULL) {
        sl_add(z, m, mn, score);
        return 1;
    }
    mr_zset_node *x = e->v.ptr;
    if (x->score != score) {
        sl_delete(z, x);
        e->v.ptr = sl_insert(z, score, e->key, e->klen);
    }
    return 0;
}

int mr_zset_remove(mr_zsetval *z, const char *m, size_t mn) {
    if (z->dict == NULL) {
        double score;
        size_t off = lp_find(z, m, mn, &score);
        if (off == z->used) return 0;
        lp_delete(z, off);
        return 1;
    }
    mr_dict_entry *e = mr_dict_find(z->dict, m, mn);
    if (e == NULL) return 0;
    sl_delete(z, e->v.ptr);
    mr_dict_delete(z->dict, m, mn);
    return 1;
}

int mr_zset_rank(const mr_zsetval *z, const char *m, size_t mn, size_t *rank) {
    if (z->dict != NULL) {
        mr_dict_entry *e = mr_dict_find(z->dict, m, mn);
        if (e == NULL) return 0;
        *rank = sl_rank(z, e->v.ptr) - 1;
        return 1;
    }
    mr_zset_lex w = {MR_LEX_BYTES, m, mn};
    *rank = lp_count(z, not_member, &w, 0);
    return *rank < z->count;
}

size_t mr_zset_count_below(const mr_zsetval *z, double v, int inclusive) {
    if (z->dict != NULL) return sl_count(z, below_score, &v, inclusive);
    return lp_count(z, below_score, &v, inclusive);
}

size_t mr_zset_lex_below(const mr_zsetval *z, const mr_zset_lex *m, int inclusive) {
    if (z->dict != NULL) return sl_count(z, below_lex, m, inclusive);
    return lp_count(z, below_lex, m, inclusive);
}

void mr_zset_remove_ranks(mr_zsetval *z, size_t start, size_t end) {
    if (start >= end) return;
    if (z->dict == NULL) {
        mr_zset_pos a, b;
        mr_zset_at(z, start, &a);
        size_t to = z->used;
        if (end < z->count) {
            mr_zset_at(z, end, &b);
            to = b.off;
        }
        memmove(z->lp + a.off, z->lp + to, z->used - to);
        z->used -= to - a.off;
        z->count -= end - start;
        return;
    }
    mr_zset_node *x = sl_at(z, start + 1);
    for (size_t i = start; i < end && x != NULL; i++) {
        mr_zset_node *next = x->level[0].forward;
        const char *m = x->member;
        size_t mn = x->len;
        sl_delete(z, x);
        mr_dict_delete(z->dict, m, mn);
        x = next;
    }
}

/* ---- positions ---- */

void mr_zset_at(const mr_zsetval *z, size_t rank, mr_zset_pos *p) {
    p->z = z;
    p->node = NULL;
    p->off = 0;
    if (z->dict != NULL) {
        p->node = sl_at(z, rank + 1);
        return;
    }
    for (size_t r = 0; r < rank && p->off < z->used; r++) {
        const char *s;
        size_t n;
        double score;
        p->off += lp_read(z->lp, p->off, &s, &n, &score);
    }
}

int mr_zset_get(const mr_zset_pos *p, const char **m, size_t *mn, double *score) {
    if (p->z->dict != NULL) {
        if (p->node == NULL) return 0;
        *m = p->node->member;
        *mn = p->node->len;
        *score = p->node->score;
        return 1;
    }
    if (p->off >= p->z->used) return 0;
    lp_read(p->z->lp, p->off, m, mn, score);
    return 1;
}

void mr_zset_next(mr_zset_pos *p) {
    if (p->z->dict != NULL) {
        if (p->node != NULL) p->node = p->node->level[0].forward;
        return;
    }
    if (p->off >= p->z->used) return;
    const char *s;
    size_t n;
    double score;
    p->off += lp_read(p->z->lp, p->off, &s, &n, &score);
}

void mr_zset_prev(mr_zset_pos *p) {
    if (p->z->dict != NULL) {
        if (p->node != NULL) p->node = p->node->backward;
        return;
    }
    /* Before the first pair is past the end too. */
    p->off = p->off == 0 || p->off > p->z->used ? p->z->used : lp_prev(p->z->lp, p->off);
}

/* ---- the rest ---- */

size_t mr_zset_random_rank(const mr_zsetval *z, uint64_t *rng) {
    mr_rng_step(rng);
    return (size_t)(*rng % mr_zset_len(z));
}

mr_zsetval *mr_zset_dup(const mr_zsetval *z) {
    mr_zsetval *d = mr_zset_new(0, 0);
    if (z->dict == NULL) {
        d->lp = mr_xmalloc(z->used != 0 ? z->used : 1);
        memcpy(d->lp, z->lp, z->used);
        d->used = d->cap = z->used;
        d->count = z->count;
        return d;
    }
    d->hdr.encoding = MR_ENC_SKIPLIST;
    sl_init(d);
    for (mr_zset_node *x = z->head->level[0].forward; x != NULL; x = x->level[0].forward)
        sl_add(d, x->member, x->len, x->score);
    return d;
}

void mr_zset_shrink_if_small(mr_zsetval *z) {
    if (z->dict == NULL || z->length > MR_ZSET_LISTPACK_ENTRIES) return;
    for (mr_zset_node *x = z->head->level[0].forward; x != NULL; x = x->level[0].forward)
        if (x->len > MR_ZSET_LISTPACK_VALUE) return;
    mr_zsetval tmp = {.hdr = z->hdr};
    tmp.hdr.encoding = MR_ENC_LISTPACK;
    for (mr_zset_node *x = z->head->level[0].forward; x != NULL; x = x->level[0].forward)
        lp_insert(&tmp, x->member, x->len, x->score);
    sl_free(z);
    *z = tmp;
}
