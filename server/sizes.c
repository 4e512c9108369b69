/* server/sizes.c - jemalloc's size classes and sds capacities (sizes.h). */
#include "sizes.h"

#include <stdint.h>

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
    return mr_jemalloc_size(hdr + len + 1) - hdr - 1;
}
