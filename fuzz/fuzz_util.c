/* fuzz/fuzz_util.c - see fuzz_util.h. */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#define HIDE(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define SHOW(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define HIDE(p, n) ((void)(p), (void)(n))
#define SHOW(p, n) ((void)(p), (void)(n))
#endif

static void (*explain_failure)(void);

void fuzz_on_failure(void (*explain)(void)) {
    explain_failure = explain;
}

void fuzz_fail(const char *file, int line, const char *what) {
    if (explain_failure != NULL) explain_failure();
    fprintf(stderr, "%s:%d: oracle failed: %s\n", file, line, what);
    abort();
}

static size_t next_chunk(unsigned plan, uint32_t *rng, size_t left) {
    if (plan == 0) return left;
    *rng = *rng * 1103515245u + 12345u;
    size_t max = (size_t)1 << (plan & 7);
    size_t c = 1 + (*rng >> 16) % max;
    return c < left ? c : left;
}

/* Kept from input to input: fuzzers run millions of small inputs, and an
 * allocation per input would cost more than parsing it. */
static char *pending;
static size_t pending_cap;

static void reserve(size_t len) {
    if (len <= pending_cap) return;
    char *grown = realloc(pending, len);
    fuzz_check(grown != NULL, "malloc");
    pending = grown;
    pending_cap = len;
}

void fuzz_feed(const uint8_t *in, size_t len, unsigned plan, uint32_t seed, fuzz_parse_fn parse,
               void *ud) {
    reserve(len + 1);
    HIDE(pending, pending_cap);
    uint32_t rng = seed;
    size_t npending = 0, fed = 0;
    fuzz_step step = FUZZ_WAIT;
    while (fed < len && step != FUZZ_STOP) {
        size_t chunk = next_chunk(plan, &rng, len - fed);
        SHOW(pending + npending, chunk);
        memcpy(pending + npending, in + fed, chunk);
        npending += chunk;
        fed += chunk;
        do {
            size_t used = 0;
            step = parse(ud, pending, npending, &used);
            fuzz_check(used <= npending, "consumed within the buffer");
            memmove(pending, pending + used, npending - used);
            npending -= used;
            HIDE(pending + npending, used);
        } while (step == FUZZ_MORE);
    }
    SHOW(pending, pending_cap);
}
