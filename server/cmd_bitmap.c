/* server/cmd_bitmap.c - strings as arrays of bits: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP.  Bit 0 is the most significant bit of the
 * first byte.  Ranges take Redis 7.0's BYTE and BIT units, negative
 * indexes and clamping, and its order of checks (a missing key answers
 * before the range is read). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#define KEY(i) argv[i].ptr, argv[i].len

static const char E_BIT[] = "ERR bit is not an integer or out of range";

static int bit_at(const unsigned char *p, size_t off) {
    return (p[off >> 3] >> (7 - (off & 7))) & 1;
}

void mr_cmd_setbit(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    uint64_t off;
    long long on;
    if (!mr_arg_bit_offset(c, &argv[2], 0, &off)) return;
    if (!mr_parse_ll(&argv[3], &on) || (on != 0 && on != 1)) {
        mr_add_error(c, E_BIT);
        return;
    }
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    int grown = v == NULL || v->len <= (off >> 3);
    v = mr_db_string_at_least(c->srv, c->db, KEY(1), (off >> 3) + 1);
    unsigned char *p = (unsigned char *)v->data;
    int old = bit_at(p, off);
    unsigned char mask = (unsigned char)(1u << (7 - (off & 7)));
    p[off >> 3] = on ? (unsigned char)(p[off >> 3] | mask) : (unsigned char)(p[off >> 3] & ~mask);
    /* As in Redis, a SETBIT that changes nothing is no write for WATCH. */
    if (grown || old != on) {
        mr_db_changed(c->srv, c->db, KEY(1));
        mr_notify(c->srv, MR_NOTIFY_STRING, "setbit", c->db, KEY(1));
    }
    mr_add_integer(c, old);
}

void mr_cmd_getbit(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    uint64_t off;
    if (!mr_arg_bit_offset(c, &argv[2], 0, &off)) return;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    int bit = v != NULL && (off >> 3) < v->len ? bit_at((const unsigned char *)v->data, off) : 0;
    mr_add_integer(c, bit);
}

/* ---- ranges of bits ---- */

/* A range of bit positions, both ends included; empty when first > last. */
typedef struct bit_range {
    long long first, last;
} bit_range;

/* Reads an optional unit argument: 1 for BIT, 0 for BYTE; 0 after a
 * syntax error. */
static int arg_unit(mr_conn *c, const resp_span *a, int *isbit) {
    if (mr_arg_is(a, "bit")) *isbit = 1;
    else if (mr_arg_is(a, "byte")) *isbit = 0;
    else {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    return 1;
}

/* Redis's clamping of start and end (in the unit's terms) over a string
 * of len bytes, turned into bit positions. */
static bit_range clamp_range(long long start, long long end, size_t len, int isbit) {
    long long total = isbit ? (long long)len * 8 : (long long)len;
    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    bit_range r = {start, end};
    if (!isbit && start <= end) r = (bit_range){start * 8, end * 8 + 7};
    return r;
}

/* Bits set in the range (not empty, inside the string). */
static long long count_bits(const unsigned char *p, bit_range r) {
    size_t fb = (size_t)r.first >> 3, lb = (size_t)r.last >> 3;
    long long n = 0;
    size_t i = fb;
    for (; i + 8 <= lb + 1; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        n += __builtin_popcountll(w);
    }
    for (; i <= lb; i++) n += __builtin_popcount(p[i]);
    /* Take off the bits of the end bytes that lie outside the range. */
    unsigned head = (unsigned)(r.first & 7), tail = 7 - (unsigned)(r.last & 7);
    n -= __builtin_popcount(p[fb] >> (8 - head) << (8 - head) & 0xff);
    n -= __builtin_popcount(p[lb] & ((1u << tail) - 1));
    return n;
}

void mr_cmd_bitcount(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    long long start = 0, end = -1;
    int isbit = 0;
    if (argc == 4 || argc == 5) {
        if (!mr_arg_ll(c, &argv[2], &start) || !mr_arg_ll(c, &argv[3], &end)) return;
        /* Redis answers an empty negative range before it reads the unit. */
        if (start < 0 && end < 0 && start > end) {
            mr_add_integer(c, 0);
            return;
        }
        if (argc == 5 && !arg_unit(c, &argv[4], &isbit)) return;
    } else if (argc != 2) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    bit_range r = clamp_range(start, end, v->len, isbit);
    mr_add_integer(c, r.first > r.last ? 0 : count_bits((const unsigned char *)v->data, r));
}

/* The first bit equal to bit in the range (not empty), or -1. */
static long long find_bit(const unsigned char *p, bit_range r, int bit) {
    unsigned char skip = bit ? 0x00 : 0xff;
    long long pos = r.first;
    while (pos <= r.last) {
        /* Whole bytes that cannot hold the bit are stepped over. */
        if ((pos & 7) == 0 && pos + 7 <= r.last && p[pos >> 3] == skip) {
            pos += 8;
            continue;
        }
        if (bit_at(p, (size_t)pos) == bit) return pos;
        pos++;
    }
    return -1;
}

void mr_cmd_bitpos(mr_conn *c, size_t argc, const resp_span *argv) {
    long long bit;
    if (!mr_arg_ll(c, &argv[2], &bit)) return;
    if (bit != 0 && bit != 1) {
        mr_add_error(c, "ERR The bit argument must be 1 or 0.");
        return;
    }
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    /* A missing key is an endless run of zero bits. */
    if (v == NULL) {
        mr_add_integer(c, bit ? -1 : 0);
        return;
    }
    if (argc > 6) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    long long start = 0, end = -1;
    int isbit = 0, end_given = argc >= 5;
    if (argc >= 4 && !mr_arg_ll(c, &argv[3], &start)) return;
    if (argc == 6 && !arg_unit(c, &argv[5], &isbit)) return;
    if (end_given && !mr_arg_ll(c, &argv[4], &end)) return;
    bit_range r = clamp_range(start, end, v->len, isbit);
    if (r.first > r.last) {
        mr_add_integer(c, -1);
        return;
    }
    long long pos = find_bit((const unsigned char *)v->data, r, (int)bit);
    /* Without an end, the string reads as followed by zero bits: the
     * first clear bit past a range of ones is the one after it. */
    if (pos < 0 && bit == 0 && !end_given) pos = r.last + 1;
    mr_add_integer(c, pos);
}

/* ---- BITOP ---- */

typedef enum { BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT } bitop_kind;

static int parse_bitop(const resp_span *a, bitop_kind *op) {
    if (mr_arg_is(a, "and")) *op = BITOP_AND;
    else if (mr_arg_is(a, "or")) *op = BITOP_OR;
    else if (mr_arg_is(a, "xor")) *op = BITOP_XOR;
    else if (mr_arg_is(a, "not")) *op = BITOP_NOT;
    else return 0;
    return 1;
}

/* Byte i of the result; a source shorter than i reads as zero there. */
static unsigned char combine(bitop_kind op, mr_str *const *src, size_t n, size_t i) {
    unsigned char acc = src[0] != NULL && i < src[0]->len ? (unsigned char)src[0]->data[i] : 0;
    if (op == BITOP_NOT) return (unsigned char)~acc;
    for (size_t k = 1; k < n; k++) {
        unsigned char b = src[k] != NULL && i < src[k]->len ? (unsigned char)src[k]->data[i] : 0;
        switch (op) {
        case BITOP_AND: acc &= b; break;
        case BITOP_OR: acc |= b; break;
        case BITOP_XOR: acc ^= b; break;
        case BITOP_NOT: break;
        }
    }
    return acc;
}

void mr_cmd_bitop(mr_conn *c, size_t argc, const resp_span *argv) {
    bitop_kind op;
    if (!parse_bitop(&argv[1], &op)) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    size_t n = argc - 3;
    if (op == BITOP_NOT && n != 1) {
        mr_add_error(c, "ERR BITOP NOT must be called with a single source key.");
        return;
    }
    mr_str **src = mr_xmalloc(n * sizeof *src);
    size_t maxlen = 0;
    for (size_t k = 0; k < n; k++) {
        if (!mr_db_lookup_string(c, &argv[3 + k], &src[k])) {
            free(src);
            return;
        }
        if (src[k] == NULL) mr_db_read_miss(c, KEY(3 + k));
        if (src[k] != NULL && src[k]->len > maxlen) maxlen = src[k]->len;
    }
    if (maxlen == 0) {
        free(src);
        if (mr_db_delete(c->srv, c->db, KEY(2)))
            mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, KEY(2));
        mr_add_integer(c, 0);
        return;
    }
    mr_str *out = mr_str_alloc(maxlen);
    for (size_t i = 0; i < maxlen; i++) out->data[i] = (char)combine(op, src, n, i);
    free(src);
    mr_db_set(c->srv, c->db, KEY(2), &out->hdr, 0);
    mr_notify(c->srv, MR_NOTIFY_STRING, "set", c->db, KEY(2));
    mr_add_integer(c, (long long)maxlen);
}
