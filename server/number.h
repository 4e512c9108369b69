/* server/number.h - numbers read and printed as Redis reads and prints
 * them: INCRBYFLOAT's long doubles, sorted sets' doubles. */
#ifndef MR_NUMBER_H
#define MR_NUMBER_H

#include <stddef.h>

/* Room for any printed long double (Redis's MAX_LONG_DOUBLE_CHARS, 5 KiB,
 * and a margin). */
#define MR_LD_BUF (5 * 1024 + 64)

/* Redis's string2ld: the whole text, no leading blank, not NaN, not out
 * of range, at most 5 KiB.  Returns 0 when the text is not such a number. */
int mr_parse_long_double(const char *s, size_t len, long double *out);
/* Redis's humanfriendly form: 17 decimals, trailing zeros and point
 * dropped, -0 as 0.  Returns the length, or 0 when it does not fit. */
size_t mr_format_long_double(long double v, char *buf, size_t cap);

/* Redis's string2d (a score, a weight): the whole text, no leading
 * blank, not NaN, neither overflowing nor underflowing to zero. */
int mr_parse_double(const char *s, size_t len, double *out);
/* A range bound as Redis's zslParseRange reads it with strtod: leading
 * blanks pass, text after a NUL is ignored, "" reads 0, an overflow reads
 * as an infinity; only NaN and trailing characters are refused. */
int mr_parse_double_bound(const char *s, size_t len, double *out);

#endif /* MR_NUMBER_H */
