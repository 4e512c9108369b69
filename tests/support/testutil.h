/* tests/support/testutil.h - shared helpers for the unit tests.
 *
 * - A counting allocator that can be told to fail its Nth allocation.
 * - Guard memory: a copy of some bytes placed right before an unreadable
 *   page, so that reading one byte too far crashes.
 * - Chunk plans: run a parser over an input whole, one byte at a time and
 *   split in two at every position, and require the same transcript. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>

#include <resp/alloc.h>
#include <resp/writer.h>

/* ---- counting allocator ---- */
typedef struct test_alloc {
    resp_allocator base;  /* pass &ta.base where a resp_allocator is wanted */
    long calls;           /* malloc + realloc calls so far */
    long live;            /* blocks allocated and not yet freed */
    long fail_at;         /* fail the call numbered fail_at (1-based); 0 = never */
    int failed;           /* set once a call has been failed */
} test_alloc;

void test_alloc_init(test_alloc *ta);
/* Runs body(ctx, alloc) with failure injected at call 1, 2, 3... until a
 * run completes without an injected failure.  After each run, no block may
 * be live.  body returns 0 when it observed the failure cleanly (or had
 * none), non-zero on a bad outcome.  Returns the number of runs, or -1
 * after printing what went wrong. */
long test_alloc_each_failure(int (*body)(void *ctx, test_alloc *ta), void *ctx);

/* ---- guard memory ---- */
/* Copies data so that its last byte is the last readable byte before a
 * PROT_NONE page.  The copy stays valid until the next call. */
const char *guard_place(const void *data, size_t len);

/* ---- chunk plans ---- */
/* Feeds input in the chunks given by cuts (ascending positions inside
 * the input) and appends a transcript of what the parser produced to
 * out.  The driver is responsible for keeping unconsumed bytes and for
 * passing each buffer through guard_place(). */
typedef void (*transcript_fn)(void *ctx, const char *in, size_t len,
                              const size_t *cuts, size_t ncuts, resp_buf *out);

/* Runs fn whole, byte by byte, and split at every position; fails the
 * test (via cmocka) on any difference.  Returns the whole-input transcript
 * as a NUL-terminated malloc'd string. */
char *check_all_chunkings(transcript_fn fn, void *ctx, const char *in, size_t len);

/* Appends printf-style text to a resp_buf. */
void bufprintf(resp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* TESTUTIL_H */
