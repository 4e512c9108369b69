/* server/number.c - numbers as Redis reads and prints them (number.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "number.h"

/* Redis reads a long double from a buffer of 5 KiB (MAX_LONG_DOUBLE_CHARS)
 * with room for the terminating NUL: 5119 characters at most. */
#define LONG_DOUBLE_CHARS (5 * 1024)

int mr_parse_long_double(const char *s, size_t len, long double *out) {
    char buf[LONG_DOUBLE_CHARS];
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n' || buf[0] == '\r' || buf[0] == '\v' ||
        buf[0] == '\f')
        return 0;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if ((size_t)(end - buf) != len || isnan(v)) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO))
        return 0;
    *out = v;
    return 1;
}

size_t mr_format_long_double(long double v, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "%.17Lf", v);
    if (n < 0 || (size_t)n >= cap) return 0;
    if (strchr(buf, '.') != NULL) {
        while (n > 0 && buf[n - 1] == '0') n--;
        if (n > 0 && buf[n - 1] == '.') n--;
    }
    if (n == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        n = 1;
    }
    return (size_t)n;
}

/* strtod over a NUL-terminated copy (arguments may hold NULs, as Redis's
 * do: strtod stops at the first).  Returns the characters read. */
static size_t strtod_copy(const char *s, size_t len, double *out) {
    char small[128];
    char *buf = len < sizeof small ? small : mr_xmalloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    size_t used = (size_t)(end - buf);
    if (*end != '\0') used = (size_t)-1; /* stopped before a NUL: not a number */
    else if (used != len) used = (size_t)-2; /* stopped at a NUL inside */
    if (buf != small) free(buf);
    return used;
}

int mr_parse_double(const char *s, size_t len, double *out) {
    if (len == 0 || isspace((unsigned char)s[0])) return 0;
    int saved = errno;
    size_t used = strtod_copy(s, len, out);
    int range = errno == ERANGE;
    errno = saved;
    if (used != len || isnan(*out)) return 0;
    if (range && (*out == HUGE_VAL || *out == -HUGE_VAL || fpclassify(*out) == FP_ZERO)) return 0;
    return 1;
}

int mr_parse_double_bound(const char *s, size_t len, double *out) {
    size_t used = strtod_copy(s, len, out);
    return used != (size_t)-1 && !isnan(*out);
}
