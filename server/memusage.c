/* server/memusage.c - MEMORY USAGE's estimate (memusage.h).
 *
 * Exact where Redis's is deterministic: strings (with the room APPEND and
 * SETRANGE leave), listpacks (small hashes and sorted sets, each list
 * node), intsets.  Where Redis samples a hash table or a skiplist it
 * averages the first elements in its own (seeded) order, counts both
 * tables while it rehashes, and draws skiplist levels at random; here the
 * table is taken as settled at its power-of-two size and each node at
 * level 1, so those figures match Redis's only for elements of one size
 * class and a table that is not rehashing.  List nodes are this server's
 * (split at 8 KiB of its own entries), which may group elements
 * differently from Redis's quicklist. */
#include "memusage.h"

#include <stdio.h>

#include "hash.h"
#include "list.h"
#include "set.h"
#include "sizes.h"
#include "stream.h"
#include "zset.h"

/* The sizes of Redis 7.0's structures (x86_64). */
enum {
    ROBJ = 16,          /* robj */
    DICT_ENTRY = 24,    /* dictEntry */
    DICT = 56,          /* dict */
    SLOT = 8,           /* a bucket pointer */
    QUICKLIST = 40,     /* quicklist */
    ZSET = 16,          /* zset: dict and skiplist pointers */
    ZSKIPLIST = 32,     /* zskiplist */
    ZSKIPLIST_NODE = 24, /* zskiplistNode without its levels */
    ZSKIPLIST_LEVEL = 16,
    ZSKIPLIST_MAXLEVEL = 32,
    INTSET_HEADER = 8,
    STREAM = 80,        /* stream */
    STREAM_ID = 16,
    RAX_NODE = 4,
};

/* An sds string made to hold len bytes exactly (sdsnewlen). */
static size_t sds_exact(size_t len) {
    return mr_jemalloc_size(mr_sds_header(len, len > 0) + len + 1);
}

static size_t string_usage(const mr_str *s) {
    switch ((mr_encoding)s->hdr.encoding) {
    case MR_ENC_INT: return ROBJ;
    case MR_ENC_EMBSTR: return mr_jemalloc_size(ROBJ + 3 + s->len + 1);
    default: break;
    }
    if (!s->hdr.sds_grown) return ROBJ + sds_exact(s->alloc);
    return ROBJ + mr_jemalloc_size(mr_sds_header(s->alloc, 0) + s->alloc + 1);
}

/* A hash table's buckets for n entries: at least 4, doubled as it fills. */
static size_t table_slots(size_t n) {
    size_t slots = 4;
    while (slots < n) slots *= 2;
    return slots;
}

/* Redis's average of the sampled elements, times their count. */
static size_t scaled(size_t sum, size_t sampled, size_t count) {
    return sampled == 0 ? 0 : (size_t)((double)sum / (double)sampled * (double)count);
}

static size_t list_usage(const mr_list *l, size_t samples) {
    size_t sampled;
    size_t sum = mr_list_sample_nodes(l, samples, &sampled);
    return ROBJ + QUICKLIST + scaled(sum, sampled, mr_list_nodes(l));
}

static size_t hash_usage(const mr_hashval *h, size_t samples) {
    mr_hash_iter it;
    const char *f, *v;
    size_t fn, vn, sum = 0, n = 0;
    int packed = h->hdr.encoding == MR_ENC_LISTPACK;
    mr_hash_iter_init(&it, h);
    while ((packed || n < samples) && mr_hash_iter_next(&it, &f, &fn, &v, &vn)) {
        sum += packed ? mr_lp_str_size(f, fn) + mr_lp_str_size(v, vn)
                      : sds_exact(fn) + sds_exact(vn) + DICT_ENTRY;
        n++;
    }
    mr_hash_iter_done(&it);
    if (packed) return ROBJ + mr_jemalloc_size(MR_LP_EMPTY_BYTES + sum);
    size_t len = mr_hash_len(h);
    return ROBJ + DICT + SLOT * table_slots(len) + scaled(sum, n, len);
}

static size_t set_usage(const mr_setval *s, size_t samples) {
    if (s->hdr.encoding == MR_ENC_INTSET)
        return ROBJ + mr_jemalloc_size(INTSET_HEADER + s->width * s->n);
    mr_set_iter it;
    const char *m;
    size_t mn, sum = 0, n = 0;
    mr_set_iter_init(&it, s);
    while (n < samples && mr_set_iter_next(&it, &m, &mn)) {
        sum += sds_exact(mn) + DICT_ENTRY;
        n++;
    }
    mr_set_iter_done(&it);
    size_t len = mr_set_len(s);
    return ROBJ + DICT + SLOT * table_slots(len) + scaled(sum, n, len);
}

/* A score as a listpack holds it (Redis's d2string). */
static size_t score_lp_size(double score) {
    char buf[64];
    int n;
    if (score == 0) n = snprintf(buf, sizeof buf, "%s", 1.0 / score < 0 ? "-0" : "0");
    else if (score > -4503599627370495.0 && score < 4503599627370496.0 &&
             score == (double)(long long)score)
        n = snprintf(buf, sizeof buf, "%lld", (long long)score);
    else n = snprintf(buf, sizeof buf, "%.17g", score);
    return mr_lp_str_size(buf, (size_t)n);
}

static size_t zset_usage(const mr_zsetval *z, size_t samples) {
    int packed = z->hdr.encoding == MR_ENC_LISTPACK;
    size_t len = mr_zset_len(z), sum = 0, n = 0;
    mr_zset_pos p;
    if (len > 0) mr_zset_at(z, 0, &p);
    const char *m;
    size_t mn;
    double score;
    while (len > 0 && (packed || n < samples) && mr_zset_get(&p, &m, &mn, &score)) {
        sum += packed ? mr_lp_str_size(m, mn) + score_lp_size(score)
                      : sds_exact(mn) + DICT_ENTRY +
                            mr_jemalloc_size(ZSKIPLIST_NODE + ZSKIPLIST_LEVEL);
        n++;
        mr_zset_next(&p);
    }
    if (packed) return ROBJ + mr_jemalloc_size(MR_LP_EMPTY_BYTES + sum);
    size_t header = mr_jemalloc_size(ZSKIPLIST_NODE + ZSKIPLIST_LEVEL * ZSKIPLIST_MAXLEVEL);
    return ROBJ + ZSET + ZSKIPLIST + DICT + SLOT * table_slots(len) + header +
           scaled(sum, n, len);
}

/* Redis's estimate of its radix tree: an ID per listpack node, and a
 * node header plus 30 words per tree node. */
static size_t stream_usage(const mr_stream *s, size_t samples) {
    size_t rax = mr_stream_node_count(s) * STREAM_ID + mr_stream_rax_nodes(s) * (RAX_NODE + 8 * 30);
    return ROBJ + STREAM + rax + mr_stream_sample_lp_bytes(s, samples);
}

size_t mr_memory_usage(size_t klen, const mr_obj *o, size_t samples) {
    size_t usage = 0;
    switch ((mr_type)o->type) {
    case MR_TYPE_STRING: usage = string_usage((const mr_str *)o); break;
    case MR_TYPE_LIST: usage = list_usage((const mr_list *)o, samples); break;
    case MR_TYPE_HASH: usage = hash_usage((const mr_hashval *)o, samples); break;
    case MR_TYPE_SET: usage = set_usage((const mr_setval *)o, samples); break;
    case MR_TYPE_ZSET: usage = zset_usage((const mr_zsetval *)o, samples); break;
    case MR_TYPE_STREAM: usage = stream_usage((const mr_stream *)o, samples); break;
    }
    return usage + sds_exact(klen) + DICT_ENTRY;
}
