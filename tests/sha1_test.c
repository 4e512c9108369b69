/* tests/sha1_test.c - SHA-1 against the test vectors of FIPS 180-4's
 * examples, whole and fed at every split point, and the padding edges
 * (55, 56, 63, 64 and 65 bytes) against a one-shot digest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sha1.h"

static void hex(const unsigned char d[MR_SHA1_LEN], char out[2 * MR_SHA1_LEN + 1]) {
    for (int i = 0; i < MR_SHA1_LEN; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check(const char *msg, size_t len, const char *want) {
    unsigned char d[MR_SHA1_LEN];
    char got[2 * MR_SHA1_LEN + 1];
    mr_sha1_of(msg, len, d);
    hex(d, got);
    assert_string_equal(got, want);
}

static void known_vectors(void **state) {
    (void)state;
    check("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    check("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(two, strlen(two), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

static void million_a(void **state) {
    (void)state;
    static char block[1000];
    memset(block, 'a', sizeof block);
    mr_sha1 s;
    mr_sha1_init(&s);
    for (int i = 0; i < 1000; i++) mr_sha1_update(&s, block, sizeof block);
    unsigned char d[MR_SHA1_LEN];
    char got[2 * MR_SHA1_LEN + 1];
    mr_sha1_final(&s, d);
    hex(d, got);
    assert_string_equal(got, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

/* Any split of the input gives the one-shot digest, around every length
 * where the padding changes shape. */
static void splits_agree(void **state) {
    (void)state;
    unsigned char msg[130];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 7 + 1);
    static const size_t lens[] = {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 130};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        size_t len = lens[k];
        unsigned char whole[MR_SHA1_LEN];
        mr_sha1_of(msg, len, whole);
        for (size_t cut = 0; cut <= len; cut++) {
            mr_sha1 s;
            mr_sha1_init(&s);
            mr_sha1_update(&s, msg, cut);
            mr_sha1_update(&s, msg + cut, len - cut);
            unsigned char d[MR_SHA1_LEN];
            mr_sha1_final(&s, d);
            assert_memory_equal(d, whole, MR_SHA1_LEN);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(million_a),
        cmocka_unit_test(splits_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
