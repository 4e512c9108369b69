/* server/hash.c - the hash value (hash.h). */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "pack.h"

mr_hashval *mr_hash_new(void) {
    mr_hashval *h = mr_xcalloc(1, sizeof *h);
    h->hdr.type = MR_TYPE_HASH;
    h->hdr.encoding = MR_ENC_LISTPACK;
    return h;
}

void mr_hash_free(mr_hashval *h) {
    free(h->lp);
    if (h->table != NULL) mr_dict_free(h->table);
    free(h);
}

size_t mr_hash_len(const mr_hashval *h) {
    return h->table != NULL ? mr_dict_size(h->table) : h->count;
}

/* ---- the listpack ---- */

/* The offset of a field's entry in the listpack, or h->used. */
static size_t lp_find(const mr_hashval *h, const char *f, size_t fn) {
    size_t off = 0;
    while (off < h->used) {
        const char *s, *v;
        size_t n, vn;
        size_t fsz = mr_pack_read(h->lp, off, &s, &n);
        if (n == fn && (fn == 0 || memcmp(s, f, fn) == 0)) return off;
        off += fsz + mr_pack_read(h->lp, off + fsz, &v, &vn);
    }
    return h->used;
}

static void lp_reserve(mr_hashval *h, size_t more) {
    if (h->used + more <= h->cap) return;
    size_t cap = h->cap != 0 ? h->cap : 64;
    while (cap < h->used + more) cap *= 2;
    h->lp = mr_xrealloc(h->lp, cap);
    h->cap = cap;
}

/* Replaces the entry at off (old bytes long) with s. */
static void lp_replace(mr_hashval *h, size_t off, size_t old, const char *s, size_t n) {
    size_t sz = mr_pack_size(n);
    if (sz > old) lp_reserve(h, sz - old);
    memmove(h->lp + off + sz, h->lp + off + old, h->used - off - old);
    mr_pack_write(h->lp + off, s, n);
    h->used = h->used - old + sz;
}

static void lp_append(mr_hashval *h, const char *s, size_t n) {
    lp_replace(h, h->used, 0, s, n);
}

/* The one-way conversion to a table. */
static void to_table(mr_hashval *h) {
    h->table = mr_dict_create(free);
    for (size_t off = 0; off < h->used;) {
        const char *f, *v;
        size_t fn, vn;
        off += mr_pack_read(h->lp, off, &f, &fn);
        off += mr_pack_read(h->lp, off, &v, &vn);
        int created;
        mr_dict_entry *e = mr_dict_upsert(h->table, f, fn, &created);
        e->v.ptr = mr_str_new(v, vn);
    }
    free(h->lp);
    h->lp = NULL;
    h->used = h->cap = h->count = 0;
    h->hdr.encoding = MR_ENC_HASHTABLE;
}

/* ---- fields ---- */

int mr_hash_get(const mr_hashval *h, const char *f, size_t fn, const char **v, size_t *vn) {
    if (h->table != NULL) {
        mr_dict_entry *e = mr_dict_find(h->table, f, fn);
        if (e == NULL) return 0;
        const mr_str *s = e->v.ptr;
        *v = s->data;
        *vn = s->len;
        return 1;
    }
    size_t off = lp_find(h, f, fn);
    if (off == h->used) return 0;
    const char *s;
    size_t n;
    off += mr_pack_read(h->lp, off, &s, &n);
    mr_pack_read(h->lp, off, v, vn);
    return 1;
}

int mr_hash_set(mr_hashval *h, const char *f, size_t fn, const char *v, size_t vn) {
    if (h->table == NULL && (fn > MR_HASH_LISTPACK_VALUE || vn > MR_HASH_LISTPACK_VALUE))
        to_table(h);
    if (h->table != NULL) {
        int created;
        mr_dict_entry *e = mr_dict_upsert(h->table, f, fn, &created);
        if (!created) free(e->v.ptr);
        e->v.ptr = mr_str_new(v, vn);
        return created;
    }
    size_t off = lp_find(h, f, fn);
    if (off != h->used) {
        const char *s;
        size_t n;
        off += mr_pack_read(h->lp, off, &s, &n);
        lp_replace(h, off, mr_pack_read(h->lp, off, &s, &n), v, vn);
        return 0;
    }
    lp_append(h, f, fn);
    lp_append(h, v, vn);
    if (++h->count > MR_HASH_LISTPACK_ENTRIES) to_table(h);
    return 1;
}

int mr_hash_delete(mr_hashval *h, const char *f, size_t fn) {
    if (h->table != NULL) return mr_dict_delete(h->table, f, fn);
    size_t off = lp_find(h, f, fn);
    if (off == h->used) return 0;
    const char *s;
    size_t n, end = off;
    end += mr_pack_read(h->lp, end, &s, &n);
    end += mr_pack_read(h->lp, end, &s, &n);
    memmove(h->lp + off, h->lp + end, h->used - end);
    h->used -= end - off;
    h->count--;
    return 1;
}

/* ---- walks ---- */

void mr_hash_iter_init(mr_hash_iter *it, const mr_hashval *h) {
    it->h = h;
    it->off = 0;
    if (h->table != NULL) mr_dict_iter_init(&it->it, h->table);
}

int mr_hash_iter_next(mr_hash_iter *it, const char **f, size_t *fn, const char **v, size_t *vn) {
    const mr_hashval *h = it->h;
    if (h->table != NULL) {
        mr_dict_entry *e = mr_dict_iter_next(&it->it);
        if (e == NULL) return 0;
        const mr_str *s = e->v.ptr;
        *f = e->key;
        *fn = e->klen;
        *v = s->data;
        *vn = s->len;
        return 1;
    }
    if (it->off >= h->used) return 0;
    it->off += mr_pack_read(h->lp, it->off, f, fn);
    it->off += mr_pack_read(h->lp, it->off, v, vn);
    return 1;
}

void mr_hash_iter_done(mr_hash_iter *it) {
    if (it->h->table != NULL) mr_dict_iter_done(&it->it);
}

void mr_hash_random(const mr_hashval *h, uint64_t *rng, const char **f, size_t *fn, const char **v,
                    size_t *vn) {
    if (h->table != NULL) {
        mr_dict_entry *e = mr_dict_random(h->table, rng);
        const mr_str *s = e->v.ptr;
        *f = e->key;
        *fn = e->klen;
        *v = s->data;
        *vn = s->len;
        return;
    }
    mr_rng_step(rng);
    size_t pick = (size_t)(*rng % h->count), off = 0;
    for (size_t i = 0; i < pick; i++) {
        off += mr_pack_read(h->lp, off, f, fn);
        off += mr_pack_read(h->lp, off, v, vn);
    }
    off += mr_pack_read(h->lp, off, f, fn);
    mr_pack_read(h->lp, off, v, vn);
}
