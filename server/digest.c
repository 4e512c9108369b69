/* server/digest.c - value digests as Redis 7.0's DEBUG DIGEST computes
 * them (see digest.h). */
#include "digest.h"

#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "list.h"
#include "set.h"
#include "sha1.h"
#include "stream.h"
#include "zset.h"

/* digest ^= SHA1(data): the order of such strings does not count. */
static void xor_in(unsigned char *d, const void *data, size_t len) {
    unsigned char h[MR_SHA1_LEN];
    mr_sha1_of(data, len, h);
    for (int i = 0; i < MR_DIGEST_LEN; i++) d[i] ^= h[i];
}

/* digest = SHA1(digest ^ SHA1(data)): the order counts. */
static void mix_in(unsigned char *d, const void *data, size_t len) {
    xor_in(d, data, len);
    unsigned char h[MR_SHA1_LEN];
    mr_sha1_of(d, MR_DIGEST_LEN, h);
    memcpy(d, h, MR_DIGEST_LEN);
}

/* Redis's own type numbers, hashed first (OBJ_STRING .. OBJ_STREAM). */
static uint32_t redis_type_code(mr_type t) {
    switch (t) {
    case MR_TYPE_STRING: return 0;
    case MR_TYPE_LIST: return 1;
    case MR_TYPE_SET: return 2;
    case MR_TYPE_ZSET: return 3;
    case MR_TYPE_HASH: return 4;
    case MR_TYPE_STREAM: return 6;
    }
    return 0;
}

static void mix_list(unsigned char *d, mr_list *l) {
    mr_list_iter it;
    const char *s;
    size_t n;
    if (l->len == 0) return;
    mr_list_iter_init(&it, l, 0, 1);
    while (mr_list_iter_next(&it, &s, &n)) mix_in(d, s, n);
}

static void mix_set(unsigned char *d, const mr_setval *set) {
    mr_set_iter it;
    const char *m;
    size_t n;
    mr_set_iter_init(&it, set);
    while (mr_set_iter_next(&it, &m, &n)) xor_in(d, m, n);
    mr_set_iter_done(&it);
}

/* Each pair gets a digest of its own, whose SHA-1 is XORed in. */
static void xor_pair(unsigned char *d, const char *a, size_t an, const char *b, size_t bn) {
    unsigned char pair[MR_DIGEST_LEN] = {0};
    mix_in(pair, a, an);
    mix_in(pair, b, bn);
    xor_in(d, pair, sizeof pair);
}

static void mix_zset(unsigned char *d, const mr_zsetval *z) {
    size_t len = mr_zset_len(z);
    if (len == 0) return;
    mr_zset_pos p;
    mr_zset_at(z, 0, &p);
    const char *m;
    size_t n;
    double score;
    for (; mr_zset_get(&p, &m, &n, &score); mr_zset_next(&p)) {
        char buf[64];
        int bn = snprintf(buf, sizeof buf, "%.17g", score);
        xor_pair(d, m, n, buf, (size_t)bn);
    }
}

static void mix_hash(unsigned char *d, const mr_hashval *h) {
    mr_hash_iter it;
    const char *f, *v;
    size_t fn, vn;
    mr_hash_iter_init(&it, h);
    while (mr_hash_iter_next(&it, &f, &fn, &v, &vn)) xor_pair(d, f, fn, v, vn);
    mr_hash_iter_done(&it);
}

/* Each entry's ID as "ms.seq", then its fields and values. */
static void mix_stream(unsigned char *d, const mr_stream *s) {
    mr_stream_iter it;
    mr_stream_entry e;
    mr_stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    mr_stream_iter_init(&it, s, &lo, &hi, 0);
    while (mr_stream_iter_next(&it, &e)) {
        char id[48];
        int n = snprintf(id, sizeof id, "%llu.%llu", (unsigned long long)e.id.ms,
                         (unsigned long long)e.id.seq);
        mix_in(d, id, (size_t)n);
        const char *f, *v;
        size_t fn, vn;
        while (mr_stream_entry_pair(&e, &f, &fn, &v, &vn)) {
            mix_in(d, f, fn);
            mix_in(d, v, vn);
        }
    }
}

static void mix_value(unsigned char *d, mr_obj *o) {
    unsigned char code[4];
    uint32_t t = redis_type_code((mr_type)o->type);
    for (int i = 0; i < 4; i++) code[i] = (unsigned char)(t >> (24 - 8 * i)); /* htonl */
    mix_in(d, code, sizeof code);
    switch ((mr_type)o->type) {
    case MR_TYPE_STRING: {
        const mr_str *s = (const mr_str *)o;
        mix_in(d, s->data, s->len);
        break;
    }
    case MR_TYPE_LIST: mix_list(d, (mr_list *)o); break;
    case MR_TYPE_SET: mix_set(d, (const mr_setval *)o); break;
    case MR_TYPE_ZSET: mix_zset(d, (const mr_zsetval *)o); break;
    case MR_TYPE_HASH: mix_hash(d, (const mr_hashval *)o); break;
    case MR_TYPE_STREAM: mix_stream(d, (const mr_stream *)o); break;
    }
}

static void key_digest(mr_db *db, const char *key, size_t klen, mr_obj *o,
                       unsigned char d[MR_DIGEST_LEN]) {
    mix_value(d, o);
    if (mr_dict_find(db->expires, key, klen) != NULL) xor_in(d, "!!expire!!", 10);
}

void mr_digest_key(mr_conn *c, const resp_span *key, unsigned char out[MR_DIGEST_LEN]) {
    memset(out, 0, MR_DIGEST_LEN);
    mr_db *db = &c->srv->dbs[c->db];
    mr_dict_entry *e = mr_dict_find(db->keys, key->ptr, key->len);
    if (e != NULL) key_digest(db, key->ptr, key->len, e->v.ptr, out);
}

/* Each database with keys mixes in its number, then XORs in the SHA-1 of
 * each key's digest (the key's name mixed in first). */
void mr_digest_dataset(mr_server *srv, unsigned char out[MR_DIGEST_LEN]) {
    memset(out, 0, MR_DIGEST_LEN);
    for (int n = 0; n < srv->cfg.databases; n++) {
        mr_db *db = &srv->dbs[n];
        if (mr_dict_size(db->keys) == 0) continue;
        unsigned char num[4];
        for (int i = 0; i < 4; i++) num[i] = (unsigned char)((uint32_t)n >> (24 - 8 * i));
        mix_in(out, num, sizeof num);
        mr_dict_iter it;
        mr_dict_iter_init(&it, db->keys);
        for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
            unsigned char d[MR_DIGEST_LEN] = {0};
            mix_in(d, e->key, e->klen);
            key_digest(db, e->key, e->klen, e->v.ptr, d);
            xor_in(out, d, sizeof d);
        }
        mr_dict_iter_done(&it);
    }
}

void mr_digest_hex(const unsigned char d[MR_DIGEST_LEN], char out[2 * MR_DIGEST_LEN]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < MR_DIGEST_LEN; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
}
