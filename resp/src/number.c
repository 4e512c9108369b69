/* resp/src/number.c - decimal parsing with Redis's rules. */
#include <limits.h>

#include <resp/request.h>

#include "internal.h"

int resp__strict_ll(const char *s, size_t len, long long *out) {
    /* Redis's LONG_STR_SIZE is 21: longer text is never a number. */
    if (len == 0 || len >= 21) return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    size_t i = 0;
    int negative = 0;
    if (s[0] == '-') {
        negative = 1;
        if (++i == len) return 0;
    }
    if (s[i] < '1' || s[i] > '9') return 0;
    /* At most 20 digits; 19 cannot overflow an unsigned long long, so
     * only a 20th needs a check. */
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (i >= 19 && v > (ULLONG_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (negative) {
        /* -LLONG_MIN does not fit in a long long; compare unsigned. */
        if (v > (unsigned long long)LLONG_MAX + 1) return 0;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX) return 0;
        *out = (long long)v;
    }
    return 1;
}

int resp_parse_integer(const char *s, size_t len, long long *out) {
    return resp__strict_ll(s, len, out);
}
