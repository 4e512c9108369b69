/* server/sizes.c - jemalloc's size classes and sds capacities (sizes.h). */
#include "sizes.h"

#include <stdint.h>

#include <resp/request.h>

size_t mr_jemalloc_size(size_t n) {
    if (n <= 8) return 8;
    if (n <= 128) return (n + 15) / 16 * 16;
    /* Above 128 bytes each doubling [2^k, 2^(k+1)) holds four classes. */
    int k = 0;
    for (size_t v = n - 1; v > 1; v >>= 1) k++;
    size_t spacing = (size_t)1 << (k - 2);
    return (n + spacing - 1) / spacing * spacing;
}

size_t mr_sds_header(size_t len, int allow_type5) {
    if (len < 32 && allow_type5) return 1;
    if (len < 256) return 3;
    if (len < 65536) return 5;
    if ((uint64_t)len < UINT64_C(1) << 32) return 9;
    return 17;
}

size_t mr_sds_capacity(size_t len) {
    size_t hdr = mr_sds_header(len, 0);
    size_t cap = mr_jemalloc_size(hdr + len + 1) - hdr - 1;
    size_t max = hdr == 3 ? 255 : hdr == 5 ? 65535 : hdr == 9 ? 4294967295u : SIZE_MAX;
    return cap < max ? cap : max;
}

/* Bytes of an element's back-length, for an encoding of n bytes. */
static size_t lp_backlen(size_t n) {
    if (n <= 127) return 1;
    if (n < 16383) return 2;
    if (n < 2097151) return 3;
    if (n < 268435455) return 4;
    return 5;
}

size_t mr_lp_int_size(int64_t v) {
    size_t enc;
    if (v >= 0 && v <= 127) enc = 1;
    else if (v >= -4096 && v <= 4095) enc = 2;
    else if (v >= -32768 && v <= 32767) enc = 3;
    else if (v >= -8388608 && v <= 8388607) enc = 4;
    else if (v >= INT32_MIN && v <= INT32_MAX) enc = 5;
    else enc = 9;
    return enc + lp_backlen(enc);
}

size_t mr_lp_str_size(const char *s, size_t n) {
    long long v;
    if (resp_parse_integer(s, n, &v)) return mr_lp_int_size(v);
    size_t enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
    return enc + lp_backlen(enc);
}
