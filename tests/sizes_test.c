/* tests/sizes_test.c - jemalloc's size classes and sds capacities, at the
 * sizes whose results redis-server 7.0.15 shows in CLIENT LIST (qbuf-free
 * 20474 for a fresh client's 16 KiB read, 40954 for a 40000-byte
 * argument) and at the edges of the classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sizes.h"

static void size_classes(void **state) {
    (void)state;
    static const size_t rows[][2] = {
        {1, 8},        {8, 8},         {9, 16},        {16, 16},       {17, 32},
        {33, 48},      {128, 128},     {129, 160},     {160, 160},     {161, 192},
        {256, 256},    {257, 320},     {4096, 4096},   {4097, 5120},   {16384, 16384},
        {16390, 20480}, {40008, 40960}, {65536, 65536}, {65537, 81920},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(mr_jemalloc_size(rows[i][0]), rows[i][1]);
}

static void sds_headers_and_capacities(void **state) {
    (void)state;
    assert_int_equal(mr_sds_header(31, 1), 1);
    assert_int_equal(mr_sds_header(31, 0), 3);
    assert_int_equal(mr_sds_header(255, 0), 3);
    assert_int_equal(mr_sds_header(256, 0), 5);
    assert_int_equal(mr_sds_header(65536, 0), 9);
    assert_int_equal(mr_sds_capacity(16384), 20474);
    assert_int_equal(mr_sds_capacity(40002), 40954);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(size_classes),
        cmocka_unit_test(sds_headers_and_capacities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
