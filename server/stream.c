/* server/stream.c - streams in nodes that split where Redis's listpacks
 * split.  A node's entries lie one after another in one buffer: a header
 * (ID, deleted flag, pair count), then the fields and values as packed
 * entries (pack.h).  Besides them the node keeps the size the same
 * entries take in a Redis 7.0 listpack, which is what decides where Redis
 * starts a new node, and so what "~" trimming removes. */
#include "stream.h"

#include <stdlib.h>
#include <string.h>


#include "mem.h"
#include "pack.h"
#include "sizes.h"

/* Redis's defaults for stream-node-max-entries and stream-node-max-bytes. */
#define NODE_MAX_ENTRIES 100
#define NODE_MAX_BYTES 4096
/* A listpack's header (total bytes, element count) and end byte. */
/* The entry flags Redis writes. */
#define FLAG_SAMEFIELDS 2

typedef struct entry_head {
    uint64_t ms, seq;
    uint32_t npairs;
    uint32_t deleted;
} entry_head;

struct mr_stream_node {
    uint32_t live, deleted;
    size_t lp_rest;  /* emulated listpack bytes, but for the two counters */
    uint32_t *offs;  /* where each entry (deleted ones too) starts in buf */
    size_t nentries, offs_cap;
    unsigned char *buf;
    size_t used, cap;
};

static size_t node_lp_bytes(const mr_stream_node *n) {
    return MR_LP_EMPTY_BYTES + mr_lp_int_size(n->live) + mr_lp_int_size(n->deleted) + n->lp_rest;
}

/* ---- nodes ---- */

static mr_stream_node *node_new(void) {
    return mr_xcalloc(1, sizeof(mr_stream_node));
}

static void node_free(mr_stream_node *n) {
    free(n->offs);
    free(n->buf);
    free(n);
}

static entry_head node_head(const mr_stream_node *n, size_t i) {
    entry_head h;
    memcpy(&h, n->buf + n->offs[i], sizeof h);
    return h;
}

static mr_stream_id head_id(const entry_head *h) {
    return (mr_stream_id){h->ms, h->seq};
}

static mr_stream_id node_first_id(const mr_stream_node *n) {
    entry_head h = node_head(n, 0);
    return head_id(&h);
}

static mr_stream_id node_last_id(const mr_stream_node *n) {
    entry_head h = node_head(n, n->nentries - 1);
    return head_id(&h);
}

static void node_set_deleted(mr_stream_node *n, size_t i) {
    entry_head h = node_head(n, i);
    h.deleted = 1;
    memcpy(n->buf + n->offs[i], &h, sizeof h);
}

static void node_reserve(mr_stream_node *n, size_t more) {
    if (n->used + more > n->cap) {
        n->cap = n->cap * 2 > n->used + more ? n->cap * 2 : n->used + more;
        n->buf = mr_xrealloc(n->buf, n->cap);
    }
    if (n->nentries == n->offs_cap) {
        n->offs_cap = n->offs_cap ? n->offs_cap * 2 : 8;
        n->offs = mr_xrealloc(n->offs, n->offs_cap * sizeof *n->offs);
    }
}

static void node_write(mr_stream_node *n, const mr_stream_id *id, const resp_span *fv,
                       size_t npairs) {
    size_t size = sizeof(entry_head);
    for (size_t i = 0; i < 2 * npairs; i++) size += mr_pack_size(fv[i].len);
    node_reserve(n, size);
    entry_head h = {id->ms, id->seq, (uint32_t)npairs, 0};
    n->offs[n->nentries++] = (uint32_t)n->used;
    memcpy(n->buf + n->used, &h, sizeof h);
    n->used += sizeof h;
    for (size_t i = 0; i < 2 * npairs; i++) {
        mr_pack_write(n->buf + n->used, fv[i].ptr, fv[i].len);
        n->used += mr_pack_size(fv[i].len);
    }
}

/* Whether the entry has the fields of the node's first entry (Redis's
 * master entry), in the same order. */
static int same_fields(const mr_stream_node *n, const resp_span *fv, size_t npairs) {
    entry_head h = node_head(n, 0);
    if (h.npairs != npairs) return 0;
    size_t off = n->offs[0] + sizeof h;
    for (size_t i = 0; i < npairs; i++) {
        const char *f, *v;
        size_t fn, vn;
        off += mr_pack_read(n->buf, off, &f, &fn);
        off += mr_pack_read(n->buf, off, &v, &vn);
        if (fn != fv[2 * i].len || memcmp(f, fv[2 * i].ptr, fn) != 0) return 0;
    }
    return 1;
}

/* The master entry's bytes: the field count, the fields, a terminator. */
static size_t master_lp_bytes(const resp_span *fv, size_t npairs) {
    size_t size = mr_lp_int_size((int64_t)npairs) + mr_lp_int_size(0);
    for (size_t i = 0; i < npairs; i++) size += mr_lp_str_size(fv[2 * i].ptr, fv[2 * i].len);
    return size;
}

/* An entry's bytes, its ID written as differences from the master's. */
static size_t entry_lp_bytes(const mr_stream_id *id, const mr_stream_id *master,
                             const resp_span *fv, size_t npairs, int same) {
    int64_t lp_count = (int64_t)npairs + 3 + (same ? 0 : (int64_t)npairs + 1);
    size_t size = mr_lp_int_size(same ? FLAG_SAMEFIELDS : 0) +
                  mr_lp_int_size((int64_t)(id->ms - master->ms)) +
                  mr_lp_int_size((int64_t)(id->seq - master->seq)) + mr_lp_int_size(lp_count);
    if (!same) size += mr_lp_int_size((int64_t)npairs);
    for (size_t i = 0; i < npairs; i++) {
        if (!same) size += mr_lp_str_size(fv[2 * i].ptr, fv[2 * i].len);
        size += mr_lp_str_size(fv[2 * i + 1].ptr, fv[2 * i + 1].len);
    }
    return size;
}

/* ---- the stream ---- */

int mr_stream_id_cmp(const mr_stream_id *a, const mr_stream_id *b) {
    if (a->ms != b->ms) return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}

mr_stream *mr_stream_new(void) {
    mr_stream *s = mr_xcalloc(1, sizeof *s);
    s->hdr.type = MR_TYPE_STREAM;
    s->hdr.encoding = MR_ENC_STREAM;
    return s;
}

mr_stream *mr_stream_dup(const mr_stream *s) {
    mr_stream *d = mr_stream_new();
    *d = *s;
    d->cap = s->nnodes;
    d->nodes = s->nnodes ? mr_xmalloc(s->nnodes * sizeof *d->nodes) : NULL;
    for (size_t i = 0; i < s->nnodes; i++) {
        const mr_stream_node *n = s->nodes[i];
        mr_stream_node *c = node_new();
        *c = *n;
        c->offs_cap = n->nentries;
        c->offs = mr_xmalloc(n->nentries * sizeof *c->offs);
        memcpy(c->offs, n->offs, n->nentries * sizeof *c->offs);
        c->cap = n->used;
        c->buf = mr_xmalloc(n->used);
        memcpy(c->buf, n->buf, n->used);
        d->nodes[i] = c;
    }
    return d;
}

void mr_stream_free(mr_stream *s) {
    for (size_t i = 0; i < s->nnodes; i++) node_free(s->nodes[i]);
    free(s->nodes);
    free(s);
}

size_t mr_stream_node_count(const mr_stream *s) {
    return s->nnodes;
}

/* Redis allocates a node's listpack with 4096 bytes up front and grows
 * it only past that; a node closed for holding 100 entries is shrunk to
 * fit, one closed for its bytes is not. */
#define NODE_PREALLOC 4096

static size_t node_alloc(const mr_stream *s, size_t i) {
    const mr_stream_node *n = s->nodes[i];
    size_t bytes = mr_jemalloc_size(node_lp_bytes(n));
    int shrunk = i + 1 < s->nnodes && n->live + n->deleted >= NODE_MAX_ENTRIES;
    return shrunk || bytes > NODE_PREALLOC ? bytes : NODE_PREALLOC;
}

static void id_key(const mr_stream_id *id, unsigned char key[16]) {
    for (int b = 0; b < 8; b++) {
        key[b] = (unsigned char)(id->ms >> (56 - 8 * b));
        key[8 + b] = (unsigned char)(id->seq >> (56 - 8 * b));
    }
}

/* The nodes of Redis's radix tree over the keys [lo, hi) (sorted, 16
 * bytes each), below a node at byte depth: a leaf at the end; else a
 * compressed node over the bytes all keys share, or a branch on the next
 * byte. */
static size_t rax_nodes(unsigned char (*keys)[16], size_t lo, size_t hi, int depth) {
    if (depth == 16) return 1;
    int common = 0;
    while (depth + common < 16 && keys[lo][depth + common] == keys[hi - 1][depth + common])
        common++;
    if (common > 0) return 1 + rax_nodes(keys, lo, hi, depth + common);
    size_t n = 1;
    for (size_t i = lo; i < hi;) {
        size_t j = i;
        while (j < hi && keys[j][depth] == keys[i][depth]) j++;
        n += rax_nodes(keys, i, j, depth + 1);
        i = j;
    }
    return n;
}

size_t mr_stream_rax_nodes(const mr_stream *s) {
    if (s->nnodes == 0) return 1;
    unsigned char (*keys)[16] = mr_xmalloc(s->nnodes * sizeof *keys);
    for (size_t i = 0; i < s->nnodes; i++) {
        mr_stream_id first = node_first_id(s->nodes[i]);
        id_key(&first, keys[i]);
    }
    size_t n = rax_nodes(keys, 0, s->nnodes, 0);
    free(keys);
    return n;
}

size_t mr_stream_sample_lp_bytes(const mr_stream *s, size_t samples) {
    size_t sum = 0, n = 0;
    for (; n < s->nnodes && n < samples; n++) sum += node_alloc(s, n);
    if (s->nnodes <= n) return sum;
    return sum / n * (s->nnodes - 1) + node_alloc(s, s->nnodes - 1);
}

/* How many nodes start at or before id. */
static size_t nodes_upto(const mr_stream *s, const mr_stream_id *id) {
    size_t lo = 0, hi = s->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        mr_stream_id first = node_first_id(s->nodes[mid]);
        if (mr_stream_id_cmp(&first, id) <= 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void remove_node(mr_stream *s, size_t i) {
    node_free(s->nodes[i]);
    memmove(&s->nodes[i], &s->nodes[i + 1], (s->nnodes - i - 1) * sizeof *s->nodes);
    s->nnodes--;
}

/* The tail node when the entry fits in it, else a new one (the old tail
 * then gives back its spare room, as Redis shrinks a full listpack). */
static mr_stream_node *node_for(mr_stream *s, size_t elements_len) {
    if (s->nnodes > 0) {
        mr_stream_node *tail = s->nodes[s->nnodes - 1];
        if (node_lp_bytes(tail) + elements_len < NODE_MAX_BYTES &&
            tail->live + tail->deleted < NODE_MAX_ENTRIES)
            return tail;
        tail->buf = mr_xrealloc(tail->buf, tail->used);
        tail->cap = tail->used;
    }
    if (s->nnodes == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->nodes = mr_xrealloc(s->nodes, s->cap * sizeof *s->nodes);
    }
    return s->nodes[s->nnodes++] = node_new();
}

void mr_stream_append(mr_stream *s, const mr_stream_id *id, const resp_span *fv, size_t npairs) {
    size_t elements_len = 0;
    for (size_t i = 0; i < 2 * npairs; i++) elements_len += fv[i].len;
    mr_stream_node *n = node_for(s, elements_len);
    int same = 1;
    mr_stream_id master = *id;
    if (n->nentries == 0) n->lp_rest = master_lp_bytes(fv, npairs);
    else {
        same = same_fields(n, fv, npairs);
        master = node_first_id(n);
    }
    n->lp_rest += entry_lp_bytes(id, &master, fv, npairs, same);
    node_write(n, id, fv, npairs);
    n->live++;
    s->length++;
    s->last_id = *id;
}

int mr_stream_delete(mr_stream *s, const mr_stream_id *id) {
    size_t upto = nodes_upto(s, id);
    if (upto == 0) return 0;
    mr_stream_node *n = s->nodes[upto - 1];
    for (size_t i = 0; i < n->nentries; i++) {
        entry_head h = node_head(n, i);
        mr_stream_id cur = head_id(&h);
        int cmp = mr_stream_id_cmp(&cur, id);
        if (cmp > 0) return 0;
        if (cmp < 0 || h.deleted) continue;
        s->length--;
        /* The last live entry takes its node with it. */
        if (n->live == 1) {
            remove_node(s, upto - 1);
            return 1;
        }
        node_set_deleted(n, i);
        n->live--;
        n->deleted++;
        return 1;
    }
    return 0;
}

/* ---- trimming, as Redis's streamTrim ---- */

static int node_goes_whole(const mr_stream *s, const mr_stream_node *n,
                           const mr_stream_trim *t) {
    if (t->kind == MR_TRIM_MAXLEN) return s->length - n->live >= (uint64_t)t->maxlen;
    mr_stream_id last = node_last_id(n);
    return mr_stream_id_cmp(&last, &t->minid) < 0;
}

static int trim_reached(const mr_stream *s, const mr_stream_trim *t, const entry_head *h) {
    if (t->kind == MR_TRIM_MAXLEN) return s->length <= (uint64_t)t->maxlen;
    mr_stream_id cur = head_id(h);
    return mr_stream_id_cmp(&cur, &t->minid) >= 0;
}

/* Marks the node's first entries deleted until the threshold is reached
 * (the node never empties: it would have gone whole). */
static long long trim_inside(mr_stream *s, mr_stream_node *n, const mr_stream_trim *t) {
    long long deleted = 0;
    for (size_t i = 0; i < n->nentries; i++) {
        entry_head h = node_head(n, i);
        if (trim_reached(s, t, &h)) break;
        if (h.deleted) continue;
        node_set_deleted(n, i);
        deleted++;
        s->length--;
    }
    n->live -= (uint32_t)deleted;
    n->deleted += (uint32_t)deleted;
    return deleted;
}

long long mr_stream_trim_entries(mr_stream *s, const mr_stream_trim *t) {
    long long deleted = 0;
    if (t->kind == MR_TRIM_NONE) return 0;
    while (s->nnodes > 0) {
        if (t->kind == MR_TRIM_MAXLEN && s->length <= (uint64_t)t->maxlen) break;
        mr_stream_node *n = s->nodes[0];
        if (t->limit && deleted + n->live > t->limit) break;
        if (node_goes_whole(s, n, t)) {
            s->length -= n->live;
            deleted += n->live;
            remove_node(s, 0);
            continue;
        }
        if (!t->approx) deleted += trim_inside(s, n, t);
        break;
    }
    return deleted;
}

/* ---- iteration ---- */

void mr_stream_iter_init(mr_stream_iter *it, const mr_stream *s, const mr_stream_id *start,
                         const mr_stream_id *end, int rev) {
    *it = (mr_stream_iter){.s = s, .start = *start, .end = *end, .rev = rev};
    size_t upto = nodes_upto(s, rev ? end : start);
    if (!rev) {
        it->node = upto > 0 ? upto - 1 : 0;
        return;
    }
    if (upto == 0) it->done = 1;
    else {
        it->node = upto - 1;
        it->entry = s->nodes[upto - 1]->nentries;
    }
}

/* The next entry position in the walk's direction: 0 past the end. */
static int step(mr_stream_iter *it) {
    const mr_stream *s = it->s;
    if (!it->rev) {
        while (it->node < s->nnodes && it->entry == s->nodes[it->node]->nentries) {
            it->node++;
            it->entry = 0;
        }
        return it->node < s->nnodes;
    }
    while (it->entry == 0) {
        if (it->node == 0) return 0;
        it->entry = s->nodes[--it->node]->nentries;
    }
    return 1;
}

int mr_stream_iter_next(mr_stream_iter *it, mr_stream_entry *e) {
    while (!it->done && step(it)) {
        const mr_stream_node *n = it->s->nodes[it->node];
        size_t i = it->rev ? --it->entry : it->entry++;
        entry_head h = node_head(n, i);
        mr_stream_id id = head_id(&h);
        if (h.deleted) continue;
        int before = mr_stream_id_cmp(&id, &it->start) < 0;
        int after = mr_stream_id_cmp(&id, &it->end) > 0;
        if (it->rev ? after : before) continue;
        if (it->rev ? before : after) break;
        *e = (mr_stream_entry){.id = id, .npairs = h.npairs,
                               .pairs = n->buf + n->offs[i] + sizeof h,
                               .left = 2 * (size_t)h.npairs};
        return 1;
    }
    it->done = 1;
    return 0;
}

int mr_stream_entry_pair(mr_stream_entry *e, const char **f, size_t *fn, const char **v,
                         size_t *vn) {
    if (e->left == 0) return 0;
    e->off += mr_pack_read(e->pairs, e->off, f, fn);
    e->off += mr_pack_read(e->pairs, e->off, v, vn);
    e->left -= 2;
    return 1;
}
