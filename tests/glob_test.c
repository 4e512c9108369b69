/* tests/glob_test.c - glob matching, against Redis 7.0's answers.
 *
 * Every row of the table below was confirmed against redis-server 7.0.15:
 * with KEYS on keys and patterns both prefixed "globtest:" (non-empty
 * strings; the prefix is literal, so the answer is the same), with PUBSUB
 * CHANNELS on unprefixed channels (every nocase=0 row, including the empty
 * string), and, for the nocase rows, with COMMAND LIST FILTERBY PATTERN
 * (which matches command names ignoring case). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "glob.h"

#define B(s) s, sizeof(s) - 1

typedef struct glob_case {
    const char *p;
    size_t plen;
    const char *s;
    size_t slen;
    int nocase;
    int expect;
} glob_case;

static const glob_case redis_cases[] = {
    /* empty pattern / empty string */
    {B(""), B(""), 0, 1},
    {B(""), B("a"), 0, 0},
    {B("a"), B(""), 0, 0},
    {B("*"), B(""), 0, 0},
    {B("**"), B(""), 0, 0},
    {B("?"), B(""), 0, 0},
    {B("[a]"), B(""), 0, 0},
    {B("\\"), B(""), 0, 0},
    {B("\000"), B(""), 0, 0},
    /* literals */
    {B("abc"), B("abc"), 0, 1},
    {B("abc"), B("abd"), 0, 0},
    {B("abc"), B("ab"), 0, 0},
    {B("ab"), B("abc"), 0, 0},
    {B("abc"), B("ABC"), 0, 0},
    /* star */
    {B("*"), B("a"), 0, 1},
    {B("*"), B("abc"), 0, 1},
    {B("**"), B("abc"), 0, 1},
    {B("a*"), B("a"), 0, 1},
    {B("a*"), B("abc"), 0, 1},
    {B("a*"), B("ba"), 0, 0},
    {B("*a"), B("ba"), 0, 1},
    {B("*a"), B("ab"), 0, 0},
    {B("a*b"), B("ab"), 0, 1},
    {B("a*b"), B("axxb"), 0, 1},
    {B("a*b"), B("axxbc"), 0, 0},
    {B("a*b*c"), B("abc"), 0, 1},
    {B("a*b*c"), B("aXbYbZc"), 0, 1},
    {B("*a*"), B("xyz"), 0, 0},
    {B("*a*"), B("xaz"), 0, 1},
    {B("a**b"), B("ab"), 0, 1},
    {B("ab*"), B("a"), 0, 0},
    {B("a*?"), B("a"), 0, 0},
    {B("a*?"), B("ab"), 0, 1},
    {B("*?*"), B("a"), 0, 1},
    {B("*a*b"), B("abab"), 0, 1},
    {B("*ab"), B("aab"), 0, 1},
    {B("a*a"), B("a"), 0, 0},
    /* ? */
    {B("?"), B("a"), 0, 1},
    {B("?"), B("ab"), 0, 0},
    {B("?\?"), B("ab"), 0, 1},
    {B("a?c"), B("abc"), 0, 1},
    {B("a?c"), B("ac"), 0, 0},
    /* escapes outside a set */
    {B("\\*"), B("*"), 0, 1},
    {B("\\*"), B("a"), 0, 0},
    {B("\\?"), B("?"), 0, 1},
    {B("\\?"), B("a"), 0, 0},
    {B("\\[a]"), B("[a]"), 0, 1},
    {B("\\[a]"), B("a"), 0, 0},
    {B("\\a"), B("a"), 0, 1},
    {B("\\\\"), B("\\"), 0, 1},
    {B("a\\"), B("a\\"), 0, 1},
    {B("a\\"), B("a"), 0, 0},
    {B("\\"), B("\\"), 0, 1},
    {B("*\\*"), B("ab*"), 0, 1},
    {B("*\\*"), B("ab"), 0, 0},
    {B("a\\*b"), B("a*b"), 0, 1},
    {B("a\\*b"), B("axb"), 0, 0},
    /* sets */
    {B("[abc]"), B("a"), 0, 1},
    {B("[abc]"), B("d"), 0, 0},
    {B("[abc]"), B("ab"), 0, 0},
    {B("[^abc]"), B("d"), 0, 1},
    {B("[^abc]"), B("a"), 0, 0},
    {B("[^]"), B("a"), 0, 1},
    {B("[^]"), B("]"), 0, 1},
    {B("[]"), B("a"), 0, 0},
    {B("[]"), B("]"), 0, 0},
    {B("[]a]"), B("]a]"), 0, 0},
    {B("[]a]"), B("a"), 0, 0},
    {B("[*]"), B("*"), 0, 1},
    {B("[*]"), B("a"), 0, 0},
    {B("[?]"), B("?"), 0, 1},
    {B("[?]"), B("a"), 0, 0},
    {B("[[]"), B("["), 0, 1},
    {B("x[a]*"), B("xa"), 0, 1},
    {B("x[a]*"), B("xab"), 0, 1},
    {B("[a]*[b]"), B("ab"), 0, 1},
    {B("[a]*[b]"), B("axxb"), 0, 1},
    /* ranges */
    {B("[a-z]"), B("m"), 0, 1},
    {B("[a-z]"), B("A"), 0, 0},
    {B("[a-z]"), B("-"), 0, 0},
    {B("[z-a]"), B("m"), 0, 1},
    {B("[z-a]"), B("A"), 0, 0},
    {B("[a-a]"), B("a"), 0, 1},
    {B("[0-9a-f]"), B("c"), 0, 1},
    {B("[0-9a-f]"), B("g"), 0, 0},
    {B("[-a]"), B("-"), 0, 1},
    {B("[a-c-e]"), B("d"), 0, 0},
    {B("[a-c-e]"), B("-"), 0, 1},
    {B("[a-c-e]"), B("e"), 0, 1},
    {B("[Z-a]"), B("_"), 0, 1},
    {B("[Z-a]"), B("b"), 0, 0},
    /* a range swallows a following ']' */
    {B("[a-]"), B("b"), 0, 0},
    {B("[a-]"), B("_"), 0, 1},
    {B("[a-]"), B("]"), 0, 1},
    {B("[a-]"), B("-"), 0, 0},
    {B("[a-]x"), B("x"), 0, 1},
    {B("[a-]x"), B("ax"), 0, 0},
    {B("[a-\\]"), B("\\"), 0, 1},
    {B("[a-\\]"), B("^"), 0, 1},
    {B("[a-\\]"), B("b"), 0, 0},
    /* escapes inside a set */
    {B("[\\]]"), B("]"), 0, 1},
    {B("[\\]]"), B("\\"), 0, 0},
    {B("[\\^a]"), B("^"), 0, 1},
    {B("[^\\]]"), B("]"), 0, 0},
    {B("[^\\]]"), B("a"), 0, 1},
    {B("[\\a-z]"), B("m"), 0, 0},
    {B("[\\a-z]"), B("-"), 0, 1},
    {B("[a\\-z]"), B("m"), 0, 0},
    {B("[a\\-z]"), B("-"), 0, 1},
    {B("[\\-]"), B("-"), 0, 1},
    {B("[\\\\]"), B("\\"), 0, 1},
    /* unterminated sets run to the end of the pattern */
    {B("["), B("["), 0, 0},
    {B("["), B("a"), 0, 0},
    {B("[a"), B("a"), 0, 1},
    {B("[a"), B("[a"), 0, 0},
    {B("[ab"), B("b"), 0, 1},
    {B("a[b"), B("a[b"), 0, 0},
    {B("a[b"), B("ab"), 0, 1},
    {B("a\\[b"), B("a[b"), 0, 1},
    {B("[^"), B("a"), 0, 1},
    {B("[^"), B("ab"), 0, 0},
    {B("[^a"), B("b"), 0, 1},
    {B("[^a"), B("a"), 0, 0},
    {B("[a-"), B("-"), 0, 1},
    {B("[a-"), B("a"), 0, 1},
    {B("[a-"), B("b"), 0, 0},
    {B("[\\"), B("\\"), 0, 1},
    {B("[a\\"), B("\\"), 0, 1},
    {B("*["), B("a["), 0, 0},
    {B("*[^"), B("ab"), 0, 1},
    {B("[a*"), B("*"), 0, 1},
    {B("[a*"), B("ab"), 0, 0},
    /* bytes */
    {B("a\000b"), B("a\000b"), 0, 1},
    {B("a?b"), B("a\000b"), 0, 1},
    {B("a*"), B("a\000\000"), 0, 1},
    {B("a\000"), B("a"), 0, 0},
    {B("[\000]"), B("\000"), 0, 1},
    {B("[^\000]"), B("\000"), 0, 0},
    {B("?"), B("\377"), 0, 1},
    {B("[^\200]"), B("\200"), 0, 0},
    {B("\303\251*"), B("\303\251t\303\251"), 0, 1},
    /* bytes >= 0x80 compare as negative numbers in ranges */
    {B("[\200-\377]"), B("\220"), 0, 1},
    {B("[a-\377]"), B("\220"), 0, 0},
    {B("[a-\377]"), B("\000"), 0, 1},
    {B("[a-\377]"), B("b"), 0, 0},
    {B("[a-\377]"), B("\377"), 0, 1},
    {B("[\001-\177]"), B("\200"), 0, 0},
    {B("[\377-\001]"), B("\000"), 0, 1},
    {B("[\377-\001]"), B("\376"), 0, 0},
    /* many stars (no blowup) */
    {B("*a*a*a*a*a*a*b"), B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0, 0},
    {B("*a*a*a*a*a*a*b"), B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"), 0, 1},
    {B("a*a*a*a*a*a*a*a*a*a*a*a*b"), B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac"), 0, 0},
    /* nocase (confirmed with COMMAND LIST FILTERBY PATTERN, which folds case) */
    {B("GET"), B("get"), 1, 1},
    {B("G?T"), B("get"), 1, 1},
    {B("g*"), B("get"), 1, 1},
    {B("[G]et"), B("get"), 1, 1},
    {B("[^G]et"), B("get"), 1, 0},
    {B("[A-Z]et"), B("get"), 1, 1},
    {B("\\Get"), B("get"), 1, 1},
    {B("[\\G]et"), B("get"), 1, 0},
    {B("[\\g]et"), B("get"), 1, 1},
    {B("[Z-a]cl"), B("acl"), 1, 0},
    {B("[Z-a]cl"), B("acl"), 0, 1},
    {B("[a-Z]cl"), B("acl"), 1, 0},
    {B("[A-c]cl"), B("acl"), 1, 1},
    {B("CONFIG|G*"), B("config|get"), 1, 1},
    {B("*|GET"), B("config|get"), 1, 1},
    {B("*|GET"), B("config|get"), 0, 0},
    {B("CONFIG|G*"), B("config|get"), 0, 0},
    {B("[^A-F]et"), B("get"), 1, 1},
    {B("[^A-G]et"), B("get"), 1, 0},
};

static void show(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127 && c != '\\') putchar(c);
        else printf("\\x%02x", c);
    }
}

static void test_redis_table(void **state) {
    (void)state;
    size_t n = sizeof redis_cases / sizeof redis_cases[0], bad = 0;
    for (size_t i = 0; i < n; i++) {
        const glob_case *c = &redis_cases[i];
        int got = mr_glob_match(c->p, c->plen, c->s, c->slen, c->nocase);
        if (got != c->expect) {
            printf("case %zu: pattern '", i);
            show(c->p, c->plen);
            printf("' string '");
            show(c->s, c->slen);
            printf("' nocase %d: got %d, Redis says %d\n", c->nocase, got, c->expect);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* The pattern and string are read only within their lengths: both are
 * given as exact-size heap copies, so ASan/valgrind catch any overread
 * (Redis itself reads the NUL after the pattern). */
static void test_reads_stay_in_bounds(void **state) {
    (void)state;
    size_t n = sizeof redis_cases / sizeof redis_cases[0];
    for (size_t i = 0; i < n; i++) {
        const glob_case *c = &redis_cases[i];
        char *p = malloc(c->plen + 1), *s = malloc(c->slen + 1);
        assert_non_null(p);
        assert_non_null(s);
        if (c->plen != 0) memcpy(p, c->p, c->plen);
        if (c->slen != 0) memcpy(s, c->s, c->slen);
        assert_int_equal(mr_glob_match(p, c->plen, s, c->slen, c->nocase), c->expect);
        /* A prefix of a pattern must not look past its own end. */
        for (size_t k = 0; k < c->plen; k++) {
            char *q = malloc(k + 1);
            assert_non_null(q);
            if (k != 0) memcpy(q, c->p, k);
            (void)mr_glob_match(q, k, s, c->slen, c->nocase);
            free(q);
        }
        free(p);
        free(s);
    }
}

/* Redis 7.0.15 answers these instantly too (it cuts the search short);
 * a naive backtracking matcher would not finish. */
static void test_many_stars_do_not_blow_up(void **state) {
    (void)state;
    enum { STARS = 300, LEN = 20000 };
    char *p = malloc(2 * STARS + 1), *s = malloc(LEN + 1);
    assert_non_null(p);
    assert_non_null(s);
    for (int i = 0; i < STARS; i++) {
        p[2 * i] = 'a';
        p[2 * i + 1] = '*';
    }
    p[2 * STARS] = 'b';
    memset(s, 'a', LEN);
    assert_false(mr_glob_match(p, 2 * STARS + 1, s, LEN, 0));
    s[LEN] = 'b';
    assert_true(mr_glob_match(p, 2 * STARS + 1, s, LEN + 1, 0));
    assert_true(mr_glob_match(p, 2 * STARS, s, LEN, 0));
    free(p);
    free(s);
}

/* ---- a slow reference: recursion at every star ---- */

static int fold(int c, int nocase) {
    return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int as_signed(char c) {
    unsigned char u = (unsigned char)c;
    return u < 128 ? u : (int)u - 256;
}

/* One non-star element at p[0..plen): whether it takes byte c, and its
 * length in *used. */
static int ref_element(const char *p, size_t plen, char c, int nocase, size_t *used) {
    if (p[0] == '?') {
        *used = 1;
        return 1;
    }
    if (p[0] == '\\' && plen >= 2) {
        *used = 2;
        return fold(as_signed(p[1]), nocase) == fold(as_signed(c), nocase);
    }
    if (p[0] != '[') {
        *used = 1;
        return fold(as_signed(p[0]), nocase) == fold(as_signed(c), nocase);
    }
    size_t i = 1;
    int neg = i < plen && p[i] == '^', hit = 0;
    if (neg) i++;
    while (i < plen && p[i] != ']') {
        if (p[i] == '\\' && i + 1 < plen) {
            hit |= p[i + 1] == c;
            i += 2;
        } else if (i + 2 < plen && p[i + 1] == '-') {
            int lo = as_signed(p[i]), hi = as_signed(p[i + 2]);
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            int x = fold(as_signed(c), nocase);
            hit |= x >= fold(lo, nocase) && x <= fold(hi, nocase);
            i += 3;
        } else {
            hit |= fold(as_signed(p[i]), nocase) == fold(as_signed(c), nocase);
            i++;
        }
    }
    *used = i < plen ? i + 1 : plen;
    return neg ? !hit : hit;
}

static int ref_rest(const char *p, size_t plen, const char *s, size_t slen, int nocase) {
    if (plen == 0) return slen == 0;
    if (p[0] == '*') {
        for (size_t k = 0; k <= slen; k++)
            if (ref_rest(p + 1, plen - 1, s + k, slen - k, nocase)) return 1;
        return 0;
    }
    if (slen == 0) return 0;
    size_t used;
    if (!ref_element(p, plen, s[0], nocase, &used)) return 0;
    return ref_rest(p + used, plen - used, s + 1, slen - 1, nocase);
}

static int ref_match(const char *p, size_t plen, const char *s, size_t slen, int nocase) {
    if (slen == 0) return plen == 0; /* Redis never looks at the pattern */
    return ref_rest(p, plen, s, slen, nocase);
}

static uint64_t rng_next(uint64_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void test_random_against_reference(void **state) {
    (void)state;
    static const char alpha[] = "abAB*?[]^-\\z\0\200\377";
    const size_t na = sizeof alpha - 1;
    uint64_t rng = 0x2545f4914f6cdd1dull;
    char p[10], s[8];
    long matches = 0;
    for (int iter = 0; iter < 200000; iter++) {
        size_t plen = (size_t)(rng_next(&rng) % (sizeof p + 1));
        size_t slen = (size_t)(rng_next(&rng) % (sizeof s + 1));
        for (size_t i = 0; i < plen; i++) p[i] = alpha[rng_next(&rng) % na];
        for (size_t i = 0; i < slen; i++) s[i] = alpha[rng_next(&rng) % na];
        int nocase = (int)(rng_next(&rng) & 1);
        int want = ref_match(p, plen, s, slen, nocase);
        int got = mr_glob_match(p, plen, s, slen, nocase);
        if (got != want) {
            printf("pattern '");
            show(p, plen);
            printf("' string '");
            show(s, slen);
            printf("' nocase %d: got %d, reference %d\n", nocase, got, want);
            fail();
        }
        matches += got;
    }
    /* The alphabet is small enough for a fair share of matches. */
    assert_true(matches > 2000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redis_table),
        cmocka_unit_test(test_reads_stay_in_bounds),
        cmocka_unit_test(test_many_stars_do_not_blow_up),
        cmocka_unit_test(test_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
