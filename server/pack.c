/* server/pack.c - packed entries (pack.h). */
#include <string.h>

#include "pack.h"

static size_t varint_size(size_t n) {
    size_t h = 1;
    while (n >= 128) {
        n >>= 7;
        h++;
    }
    return h;
}

size_t mr_pack_size(size_t n) {
    return 2 * varint_size(n) + n;
}

void mr_pack_write(unsigned char *p, const char *s, size_t n) {
    size_t h = varint_size(n), v = n;
    for (size_t i = 0; i < h; i++) {
        unsigned char b = (unsigned char)(v & 127);
        v >>= 7;
        if (i + 1 < h) b |= 128;
        p[i] = b;
        p[h + n + h - 1 - i] = b;
    }
    if (n != 0) memcpy(p + h, s, n);
}

size_t mr_pack_read(const unsigned char *buf, size_t off, const char **s, size_t *n) {
    const unsigned char *p = buf + off;
    size_t v = 0, h = 0;
    unsigned shift = 0;
    unsigned char b;
    do {
        b = p[h++];
        v |= (size_t)(b & 127) << shift;
        shift += 7;
    } while (b & 128);
    *s = (const char *)p + h;
    *n = v;
    return 2 * h + v;
}

size_t mr_pack_prev(const unsigned char *buf, size_t end) {
    size_t v = 0, h = 0;
    unsigned shift = 0;
    unsigned char b;
    do {
        b = buf[end - 1 - h++];
        v |= (size_t)(b & 127) << shift;
        shift += 7;
    } while (b & 128);
    return end - (2 * h + v);
}
