/* tests/support/testutil.c */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- counting allocator ---- */

static int take_call(test_alloc *ta) {
    ta->calls++;
    if (ta->fail_at != 0 && ta->calls == ta->fail_at) {
        ta->failed = 1;
        return 0;
    }
    return 1;
}

static void *ta_malloc(void *ctx, size_t size) {
    test_alloc *ta = ctx;
    if (!take_call(ta)) return NULL;
    void *p = malloc(size);
    if (p != NULL) ta->live++;
    return p;
}

static void *ta_realloc(void *ctx, void *ptr, size_t size) {
    test_alloc *ta = ctx;
    if (!take_call(ta)) return NULL;
    void *p = realloc(ptr, size);
    if (p != NULL && ptr == NULL) ta->live++;
    return p;
}

static void ta_free(void *ctx, void *ptr) {
    test_alloc *ta = ctx;
    if (ptr != NULL) ta->live--;
    free(ptr);
}

void test_alloc_init(test_alloc *ta) {
    memset(ta, 0, sizeof *ta);
    ta->base.malloc = ta_malloc;
    ta->base.realloc = ta_realloc;
    ta->base.free = ta_free;
    ta->base.ctx = ta;
}

long test_alloc_each_failure(int (*body)(void *ctx, test_alloc *ta), void *ctx) {
    for (long n = 1;; n++) {
        test_alloc ta;
        test_alloc_init(&ta);
        ta.fail_at = n;
        if (body(ctx, &ta) != 0) {
            fprintf(stderr, "allocation failure %ld: bad outcome\n", n);
            return -1;
        }
        if (ta.live != 0) {
            fprintf(stderr, "allocation failure %ld: %ld blocks leaked\n", n, ta.live);
            return -1;
        }
        if (!ta.failed) return n;
        if (n > 100000) {
            fprintf(stderr, "allocation failure loop does not end\n");
            return -1;
        }
    }
}

/* ---- guard memory ---- */

static char *guard_base;
static size_t guard_size; /* readable bytes before the guard page */

const char *guard_place(const void *data, size_t len) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (len > guard_size || guard_base == NULL) {
        if (guard_base != NULL) munmap(guard_base, guard_size + page);
        guard_size = (len + page - 1) / page * page;
        if (guard_size == 0) guard_size = page;
        guard_base = mmap(NULL, guard_size + page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (guard_base == MAP_FAILED) {
            perror("mmap");
            abort();
        }
        if (mprotect(guard_base + guard_size, page, PROT_NONE) != 0) {
            perror("mprotect");
            abort();
        }
    }
    char *dst = guard_base + guard_size - len;
    if (len > 0) memcpy(dst, data, len);
    return dst;
}

/* ---- chunk plans ---- */

void bufprintf(resp_buf *b, const char *fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    if ((size_t)n < sizeof small) {
        resp_buf_append(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) abort();
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    resp_buf_append(b, big, (size_t)n);
    free(big);
}

static char *run_plan(transcript_fn fn, void *ctx, const char *in, size_t len,
                      const size_t *cuts, size_t ncuts) {
    resp_buf out;
    resp_buf_init(&out, NULL);
    fn(ctx, in, len, cuts, ncuts, &out);
    resp_buf_append(&out, "", 1);
    if (resp_buf_status(&out) != RESP_OK) abort();
    return out.data; /* ownership moves to the caller (plain malloc) */
}

static void describe_input(const char *in, size_t len) {
    fprintf(stderr, "input (%zu bytes): ", len);
    for (size_t i = 0; i < len && i < 400; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

char *check_all_chunkings(transcript_fn fn, void *ctx, const char *in, size_t len) {
    char *whole = run_plan(fn, ctx, in, len, NULL, 0);

    size_t *cuts = malloc((len + 1) * sizeof *cuts);
    assert_non_null(cuts);
    for (size_t i = 1; i < len; i++) cuts[i - 1] = i;
    char *bytewise = run_plan(fn, ctx, in, len, cuts, len > 0 ? len - 1 : 0);
    if (strcmp(whole, bytewise) != 0) {
        describe_input(in, len);
        fprintf(stderr, "whole:\n%s\nbyte by byte:\n%s\n", whole, bytewise);
        fail_msg("byte-by-byte feeding differs from whole input");
    }
    free(bytewise);

    for (size_t i = 1; i < len; i++) {
        size_t cut = i;
        char *split = run_plan(fn, ctx, in, len, &cut, 1);
        if (strcmp(whole, split) != 0) {
            describe_input(in, len);
            fprintf(stderr, "whole:\n%s\nsplit at %zu:\n%s\n", whole, i, split);
            fail_msg("split input differs from whole input");
        }
        free(split);
    }
    free(cuts);
    return whole;
}
