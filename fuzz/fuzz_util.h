/* fuzz/fuzz_util.h - what the fuzz targets share: failing an oracle, and
 * feeding an input to a parser in pieces. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Aborts, naming the file, line and what failed, unless ok holds. */
#define fuzz_check(ok, what) ((ok) ? (void)0 : fuzz_fail(__FILE__, __LINE__, (what)))
_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* A function that prints a target's own context when a check fails
 * (NULL for none). */
void fuzz_on_failure(void (*explain)(void));

/* What one parse step over the bytes not yet consumed tells fuzz_feed. */
typedef enum fuzz_step {
    FUZZ_MORE, /* parse again: more may be complete */
    FUZZ_WAIT, /* feed the next chunk */
    FUZZ_STOP  /* done with this input (an error) */
} fuzz_step;
typedef fuzz_step (*fuzz_parse_fn)(void *ud, const char *buf, size_t len, size_t *used);

/* Feeds in[0..len) to parse in chunks: with plan 0 the whole input at
 * once, otherwise sizes from 1 to 2^(plan & 7) drawn from a generator that
 * seed starts.  parse sees the bytes received and not yet consumed, and
 * sets *used.  Under ASan the bytes after them are poisoned, so a parser
 * that reads past its length is caught.  Not reentrant. */
void fuzz_feed(const uint8_t *in, size_t len, unsigned plan, uint32_t seed, fuzz_parse_fn parse,
               void *ud);

#endif
