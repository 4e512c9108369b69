/* server/dict.c - chained hash table with incremental rehashing.
 *
 * Two tables of power-of-two size.  A resize allocates table 1 and then
 * moves table 0's buckets over one at a time: every find, upsert and
 * delete (and mr_dict_random) moves one bucket, mr_dict_rehash moves
 * more.  While rehashing, new entries go to table 1 and lookups search
 * both.  Open iterators (and mr_dict_scan while it runs its callback)
 * pause the moves, so entries stay where an iterator expects them.
 *
 * The table grows (to the next power of two above the size) when an
 * insert finds size >= buckets, and shrinks (to the smallest power of two
 * holding the size, at least 4) when a delete leaves size < buckets/8. */
#include "dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"

#define MIN_BUCKETS 4
/* A rehash step gives up after this many empty buckets per bucket it was
 * asked to move, so one call stays cheap on a sparse table. */
#define EMPTY_VISITS_PER_STEP 10

typedef struct table {
    mr_dict_entry **b;
    size_t n; /* buckets: 0 or a power of two */
    size_t used;
} table;

struct mr_dict {
    table t[2];       /* t[1].b != NULL while rehashing */
    size_t rehash_idx; /* next bucket of t[0] to move */
    unsigned paused;   /* open iterators and running scans */
    void (*free_val)(void *);
};

static mr_dict_entry **alloc_buckets(size_t n) {
    return mr_xcalloc(n, sizeof(mr_dict_entry *));
}

/* ---- hashing: SipHash-1-3 with a per-process key ---- */

static uint64_t hash_k0, hash_k1;
static int hash_seeded;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* MR_HASH_SEED (a number, decimal or 0x-hex) fixes the key so that runs
 * repeat; otherwise it comes from /dev/urandom, or failing that from the
 * clock and addresses (ASLR). */
static void seed_hash(void) {
    if (hash_seeded) return;
    uint64_t s = 0;
    const char *env = getenv("MR_HASH_SEED");
    int have = 0;
    if (env != NULL && *env != '\0') {
        char *end;
        s = (uint64_t)strtoull(env, &end, 0);
        have = *end == '\0';
    }
    if (!have) {
        unsigned char buf[8];
        FILE *f = fopen("/dev/urandom", "rb");
        if (f != NULL) {
            if (fread(buf, 1, sizeof buf, f) == sizeof buf) {
                for (size_t i = 0; i < sizeof buf; i++) s = s << 8 | buf[i];
                have = 1;
            }
            fclose(f);
        }
    }
    if (!have) {
        int local = 0;
        s = (uint64_t)time(NULL) ^ (uint64_t)clock() << 32 ^ (uint64_t)(uintptr_t)&local ^
            (uint64_t)(uintptr_t)&hash_k0 << 16;
    }
    hash_k0 = splitmix64(&s);
    hash_k1 = splitmix64(&s);
    hash_seeded = 1;
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4]) {
    v[0] += v[1];
    v[1] = ROTL(v[1], 13);
    v[1] ^= v[0];
    v[0] = ROTL(v[0], 32);
    v[2] += v[3];
    v[3] = ROTL(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = ROTL(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = ROTL(v[1], 17);
    v[1] ^= v[2];
    v[2] = ROTL(v[2], 32);
}

static uint64_t load_le64(const unsigned char *p) {
    uint64_t m = 0;
    for (int i = 7; i >= 0; i--) m = m << 8 | p[i];
    return m;
}

uint64_t mr_hash(const char *key, size_t len) {
    /* Seeded from mr_dict_create (the main thread) before any use in
     * practice; this covers direct callers. */
    if (!hash_seeded) seed_hash();
    const unsigned char *p = (const unsigned char *)key;
    uint64_t v[4] = {hash_k0 ^ 0x736f6d6570736575ull, hash_k1 ^ 0x646f72616e646f6dull,
                     hash_k0 ^ 0x6c7967656e657261ull, hash_k1 ^ 0x7465646279746573ull};
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t m = load_le64(p + i);
        v[3] ^= m;
        sip_round(v);
        v[0] ^= m;
    }
    uint64_t last = (uint64_t)len << 56;
    for (size_t j = 0; i + j < len; j++) last |= (uint64_t)p[i + j] << (8 * j);
    v[3] ^= last;
    sip_round(v);
    v[0] ^= last;
    v[2] ^= 0xff;
    sip_round(v);
    sip_round(v);
    sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- the table ---- */

static int rehashing(const mr_dict *d) {
    return d->t[1].b != NULL;
}

mr_dict *mr_dict_create(void (*free_val)(void *)) {
    seed_hash();
    mr_dict *d = mr_xmalloc(sizeof *d);
    memset(d, 0, sizeof *d);
    d->free_val = free_val;
    return d;
}

static void free_entry(mr_dict *d, mr_dict_entry *e) {
    if (d->free_val != NULL) d->free_val(e->v.ptr);
    free(e);
}

static void free_table(mr_dict *d, table *t) {
    for (size_t i = 0; i < t->n && t->used > 0; i++) {
        mr_dict_entry *e = t->b[i];
        t->b[i] = NULL;
        while (e != NULL) {
            mr_dict_entry *next = e->next;
            t->used--;
            free_entry(d, e);
            e = next;
        }
    }
    free(t->b);
    memset(t, 0, sizeof *t);
}

void mr_dict_clear(mr_dict *d) {
    free_table(d, &d->t[0]);
    free_table(d, &d->t[1]);
    d->rehash_idx = 0;
}

void mr_dict_free(mr_dict *d) {
    if (d == NULL) return;
    mr_dict_clear(d);
    free(d);
}

size_t mr_dict_size(const mr_dict *d) {
    return d != NULL ? d->t[0].used + d->t[1].used : 0;
}

int mr_dict_is_rehashing(const mr_dict *d) {
    return rehashing(d);
}

static void finish_rehash(mr_dict *d) {
    free(d->t[0].b);
    d->t[0] = d->t[1];
    memset(&d->t[1], 0, sizeof d->t[1]);
    d->rehash_idx = 0;
}

int mr_dict_rehash(mr_dict *d, int n) {
    if (!rehashing(d)) return 0;
    if (d->paused > 0) return 1;
    table *from = &d->t[0], *to = &d->t[1];
    size_t steps = n > 0 ? (size_t)n : 0;
    size_t empty_left = steps <= SIZE_MAX / EMPTY_VISITS_PER_STEP
                            ? steps * EMPTY_VISITS_PER_STEP
                            : SIZE_MAX;
    for (; n > 0 && from->used > 0; n--) {
        /* Buckets below rehash_idx are empty, so one holding entries lies
         * ahead while from->used > 0. */
        while (from->b[d->rehash_idx] == NULL) {
            d->rehash_idx++;
            if (empty_left-- == 0) return 1;
        }
        mr_dict_entry *e = from->b[d->rehash_idx];
        from->b[d->rehash_idx++] = NULL;
        while (e != NULL) {
            mr_dict_entry *next = e->next;
            size_t i = (size_t)e->hash & (to->n - 1);
            e->next = to->b[i];
            to->b[i] = e;
            from->used--;
            to->used++;
            e = next;
        }
    }
    if (from->used > 0) return 1;
    finish_rehash(d);
    return 0;
}

static void rehash_step(mr_dict *d) {
    if (rehashing(d) && d->paused == 0) mr_dict_rehash(d, 1);
}

/* Smallest power of two >= n, at least MIN_BUCKETS. */
static size_t buckets_for(size_t n) {
    size_t b = MIN_BUCKETS;
    while (b < n) {
        if (b > SIZE_MAX / 2) break; /* mr_xcalloc refuses it: out of memory */
        b *= 2;
    }
    return b;
}

static void start_resize(mr_dict *d, size_t n) {
    if (rehashing(d) || n == d->t[0].n) return;
    if (d->t[0].used == 0) {
        /* Nothing to move: swap tables at once. */
        free(d->t[0].b);
        d->t[0].b = alloc_buckets(n);
        d->t[0].n = n;
        return;
    }
    d->t[1].b = alloc_buckets(n);
    d->t[1].n = n;
    d->t[1].used = 0;
    d->rehash_idx = 0;
}

static void grow_if_needed(mr_dict *d) {
    if (rehashing(d)) return;
    if (d->t[0].n == 0) {
        start_resize(d, MIN_BUCKETS);
    } else if (d->t[0].used >= d->t[0].n) {
        start_resize(d, buckets_for(d->t[0].used + 1));
    }
}

/* Not while paused: an empty table is swapped at once, which would pull
 * the buckets from under an iterator. */
static void shrink_if_needed(mr_dict *d) {
    if (rehashing(d) || d->paused > 0 || d->t[0].n <= MIN_BUCKETS) return;
    if (d->t[0].used < d->t[0].n / 8) start_resize(d, buckets_for(d->t[0].used));
}

static int same_key(const mr_dict_entry *e, uint64_t h, const char *key, size_t klen) {
    return e->hash == h && e->klen == klen && (klen == 0 || memcmp(e->key, key, klen) == 0);
}

/* The link pointing at the entry for key (in table *which), or NULL. */
static mr_dict_entry **find_link(mr_dict *d, uint64_t h, const char *key, size_t klen,
                                 int *which) {
    for (int t = 0; t <= 1; t++) {
        table *tb = &d->t[t];
        if (tb->n != 0) {
            mr_dict_entry **link = &tb->b[(size_t)h & (tb->n - 1)];
            for (; *link != NULL; link = &(*link)->next) {
                if (same_key(*link, h, key, klen)) {
                    if (which != NULL) *which = t;
                    return link;
                }
            }
        }
        if (!rehashing(d)) break;
    }
    return NULL;
}

mr_dict_entry *mr_dict_find(mr_dict *d, const char *key, size_t klen) {
    if (mr_dict_size(d) == 0) return NULL;
    rehash_step(d);
    mr_dict_entry **link = find_link(d, mr_hash(key, klen), key, klen, NULL);
    return link != NULL ? *link : NULL;
}

mr_dict_entry *mr_dict_upsert(mr_dict *d, const char *key, size_t klen, int *created) {
    rehash_step(d);
    uint64_t h = mr_hash(key, klen);
    mr_dict_entry **link = find_link(d, h, key, klen, NULL);
    if (link != NULL) {
        if (created != NULL) *created = 0;
        return *link;
    }
    grow_if_needed(d);
    mr_dict_entry *e = mr_xmalloc(sizeof *e + klen + 1);
    e->hash = h;
    memset(&e->v, 0, sizeof e->v);
    e->klen = klen;
    if (klen != 0) memcpy(e->key, key, klen);
    e->key[klen] = '\0';
    table *t = rehashing(d) ? &d->t[1] : &d->t[0];
    size_t i = (size_t)h & (t->n - 1);
    e->next = t->b[i];
    t->b[i] = e;
    t->used++;
    if (created != NULL) *created = 1;
    return e;
}

/* Unlinks the entry for key; NULL if absent. */
static mr_dict_entry *unlink_key(mr_dict *d, const char *key, size_t klen) {
    if (mr_dict_size(d) == 0) return NULL;
    rehash_step(d);
    int which = 0;
    mr_dict_entry **link = find_link(d, mr_hash(key, klen), key, klen, &which);
    if (link == NULL) return NULL;
    mr_dict_entry *e = *link;
    *link = e->next;
    d->t[which].used--;
    return e;
}

int mr_dict_delete(mr_dict *d, const char *key, size_t klen) {
    mr_dict_entry *e = unlink_key(d, key, klen);
    if (e == NULL) return 0;
    shrink_if_needed(d);
    free_entry(d, e);
    return 1;
}

int mr_dict_take(mr_dict *d, const char *key, size_t klen, void **val) {
    mr_dict_entry *e = unlink_key(d, key, klen);
    if (e == NULL) return 0;
    shrink_if_needed(d);
    if (val != NULL) *val = e->v.ptr;
    free(e);
    return 1;
}

/* ---- random, scan, iteration ---- */

/* Steps the caller's xorshift64 state and returns a scrambled output
 * (xorshift64*, high half folded down).  The raw state will not do:
 * the low bits of consecutive states are linearly related (bit 0 of the
 * next is bit 0 ^ bit 7 of this one), so with the bucket taken from one
 * draw and the chain position from the next, some entries of two-entry
 * chains were never picked. */
static uint64_t draw(uint64_t *s) {
    if (*s == 0) *s = 0x9e3779b97f4a7c15ull; /* 0 is a fixed point */
    uint64_t x = mr_rng_step(s);
    x *= 0x2545f4914f6cdd1dull;
    return x ^ x >> 32;
}

mr_dict_entry *mr_dict_random(mr_dict *d, uint64_t *rng) {
    if (mr_dict_size(d) == 0) return NULL;
    rehash_step(d);
    mr_dict_entry *e;
    if (rehashing(d)) {
        /* Buckets of t[0] below rehash_idx are empty: draw from the rest
         * of t[0] followed by t[1]. */
        size_t first = d->rehash_idx, span = d->t[0].n + d->t[1].n - first;
        do {
            size_t i = first + (size_t)(draw(rng) % span);
            e = i < d->t[0].n ? d->t[0].b[i] : d->t[1].b[i - d->t[0].n];
        } while (e == NULL);
    } else {
        do {
            e = d->t[0].b[(size_t)draw(rng) & (d->t[0].n - 1)];
        } while (e == NULL);
    }
    size_t len = 0;
    for (mr_dict_entry *x = e; x != NULL; x = x->next) len++;
    for (size_t k = (size_t)(draw(rng) % len); k > 0; k--) e = e->next;
    return e;
}

static uint64_t rev64(uint64_t v) {
    v = (v >> 1 & 0x5555555555555555ull) | (v & 0x5555555555555555ull) << 1;
    v = (v >> 2 & 0x3333333333333333ull) | (v & 0x3333333333333333ull) << 2;
    v = (v >> 4 & 0x0f0f0f0f0f0f0f0full) | (v & 0x0f0f0f0f0f0f0f0full) << 4;
    v = (v >> 8 & 0x00ff00ff00ff00ffull) | (v & 0x00ff00ff00ff00ffull) << 8;
    v = (v >> 16 & 0x0000ffff0000ffffull) | (v & 0x0000ffff0000ffffull) << 16;
    return v >> 32 | v << 32;
}

/* Increments the cursor's bits under mask from the most significant down,
 * so a cursor names the same slice of the hash space for every table size:
 * bucket i of a table of n buckets becomes buckets i, i+n, i+2n... of a
 * larger one, and those are visited consecutively. */
static uint64_t next_cursor(uint64_t v, uint64_t mask) {
    v |= ~mask;
    return rev64(rev64(v) + 1);
}

static void scan_bucket(mr_dict_entry *e, void (*fn)(void *ud, mr_dict_entry *e), void *ud) {
    while (e != NULL) {
        mr_dict_entry *next = e->next; /* fn may delete e */
        fn(ud, e);
        e = next;
    }
}

uint64_t mr_dict_scan(mr_dict *d, uint64_t cursor, void (*fn)(void *ud, mr_dict_entry *e),
                      void *ud) {
    if (mr_dict_size(d) == 0) return 0;
    d->paused++;
    if (!rehashing(d)) {
        uint64_t m = (uint64_t)d->t[0].n - 1;
        scan_bucket(d->t[0].b[cursor & m], fn, ud);
        cursor = next_cursor(cursor, m);
    } else {
        /* The small table's bucket, then every bucket of the large table
         * that it expands to (the cursor's bits above the small mask). */
        const table *s = &d->t[0], *l = &d->t[1];
        if (s->n > l->n) {
            const table *t = s;
            s = l;
            l = t;
        }
        uint64_t ms = (uint64_t)s->n - 1, ml = (uint64_t)l->n - 1;
        scan_bucket(s->b[cursor & ms], fn, ud);
        do {
            scan_bucket(l->b[cursor & ml], fn, ud);
            cursor = next_cursor(cursor, ml);
        } while (cursor & (ms ^ ml));
    }
    d->paused--;
    return cursor;
}

void mr_dict_iter_init(mr_dict_iter *it, mr_dict *d) {
    it->d = d;
    it->table = 0;
    it->bucket = 0;
    it->next = NULL;
    it->started = 0; /* 1 while holding the pause, -1 once finished */
}

mr_dict_entry *mr_dict_iter_next(mr_dict_iter *it) {
    mr_dict *d = it->d;
    if (it->started < 0) return NULL;
    if (it->started == 0) {
        it->started = 1;
        d->paused++;
    }
    for (;;) {
        if (it->next != NULL) {
            mr_dict_entry *e = it->next;
            it->next = e->next; /* taken now: the caller may delete e */
            return e;
        }
        const table *t = &d->t[it->table];
        if (it->bucket < t->n) {
            it->next = t->b[it->bucket++];
        } else if (it->table == 0 && rehashing(d)) {
            it->table = 1;
            it->bucket = 0;
        } else {
            /* The end releases the pause; mr_dict_iter_done is then a
             * no-op. */
            mr_dict_iter_done(it);
            return NULL;
        }
    }
}

void mr_dict_iter_done(mr_dict_iter *it) {
    if (it->started == 1) it->d->paused--;
    it->started = -1;
}
