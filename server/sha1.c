/* server/sha1.c - SHA-1 as FIPS 180-4 specifies it: 512-bit blocks of
 * sixteen big-endian words, expanded to eighty, four rounds of twenty. */
#include "sha1.h"

#include <string.h>

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void compress(uint32_t h[5], const unsigned char *p) {
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 80; t++) w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6u;
        }
        uint32_t tmp = rol(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void mr_sha1_init(mr_sha1 *s) {
    static const uint32_t iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u,
                                   0xc3d2e1f0u};
    memcpy(s->h, iv, sizeof iv);
    s->bytes = 0;
}

void mr_sha1_update(mr_sha1 *s, const void *data, size_t len) {
    const unsigned char *p = data;
    size_t used = (size_t)(s->bytes % 64);
    s->bytes += len;
    if (used > 0) {
        size_t take = 64 - used < len ? 64 - used : len;
        memcpy(s->block + used, p, take);
        p += take;
        len -= take;
        if (used + take < 64) return;
        compress(s->h, s->block);
    }
    for (; len >= 64; p += 64, len -= 64) compress(s->h, p);
    memcpy(s->block, p, len);
}

void mr_sha1_final(mr_sha1 *s, unsigned char out[MR_SHA1_LEN]) {
    uint64_t bits = s->bytes * 8;
    static const unsigned char pad[64] = {0x80};
    size_t used = (size_t)(s->bytes % 64);
    /* 0x80, zeros up to 56 mod 64, then the length in 64 bits. */
    mr_sha1_update(s, pad, used < 56 ? 56 - used : 120 - used);
    unsigned char len[8];
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
    mr_sha1_update(s, len, 8);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
}

void mr_sha1_of(const void *data, size_t len, unsigned char out[MR_SHA1_LEN]) {
    mr_sha1 s;
    mr_sha1_init(&s);
    mr_sha1_update(&s, data, len);
    mr_sha1_final(&s, out);
}
