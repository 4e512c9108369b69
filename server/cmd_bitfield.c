/* server/cmd_bitfield.c - BITFIELD and BITFIELD_RO: integers of 1 to 64
 * bits at any bit offset of a string (i1..i64, u1..u63), read, set or
 * incremented with a chosen overflow rule.
 *
 * Every operation is parsed before any runs (one bad argument and nothing
 * happens).  A write first lengthens the string to its farthest field,
 * even when the write then fails under OVERFLOW FAIL, as in Redis.  The
 * overflow tests keep Redis 7.0's arithmetic, including what it does with
 * a SET value far below a signed type's range (taken as an overflow
 * upwards). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

typedef enum { OP_GET, OP_SET, OP_INCRBY } field_opcode;
typedef enum { OW_WRAP, OW_SAT, OW_FAIL } overflow_rule;

typedef struct field_op {
    field_opcode code;
    overflow_rule overflow;
    int sign;
    unsigned bits;
    uint64_t offset; /* in bits */
    int64_t value;   /* SET's value, INCRBY's increment */
} field_op;

static const char E_TYPE[] =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";

/* ---- parsing ---- */

/* Two's complement reading of a 64-bit pattern (Redis's int64 casts). */
static int64_t as_signed(uint64_t v) {
    int64_t s;
    memcpy(&s, &v, sizeof s);
    return s;
}


/* "i8", "u16": the letter in lower case, then a plain decimal width. */
static int parse_type(mr_conn *c, const resp_span *a, field_op *op) {
    long long bits;
    resp_span width = {a->ptr + 1, a->len > 0 ? a->len - 1 : 0};
    int sign = a->len > 0 && a->ptr[0] == 'i';
    if (a->len == 0 || (a->ptr[0] != 'i' && a->ptr[0] != 'u') || !mr_parse_ll(&width, &bits) ||
        bits < 1 || bits > (sign ? 64 : 63)) {
        mr_add_error(c, E_TYPE);
        return 0;
    }
    op->sign = sign;
    op->bits = (unsigned)bits;
    return 1;
}

static int parse_overflow(mr_conn *c, const resp_span *a, overflow_rule *rule) {
    if (mr_arg_is(a, "wrap")) *rule = OW_WRAP;
    else if (mr_arg_is(a, "sat")) *rule = OW_SAT;
    else if (mr_arg_is(a, "fail")) *rule = OW_FAIL;
    else {
        mr_add_error(c, "ERR Invalid OVERFLOW type specified");
        return 0;
    }
    return 1;
}

/* Parses every operation into ops (argc entries are enough); returns how
 * many, or -1 after replying an error. */
static long parse_ops(mr_conn *c, size_t argc, const resp_span *argv, field_op *ops) {
    overflow_rule rule = OW_WRAP;
    long n = 0;
    for (size_t j = 2; j < argc; j++) {
        size_t left = argc - j - 1;
        field_op *op = &ops[n];
        if (mr_arg_is(&argv[j], "get") && left >= 2) op->code = OP_GET;
        else if (mr_arg_is(&argv[j], "set") && left >= 3) op->code = OP_SET;
        else if (mr_arg_is(&argv[j], "incrby") && left >= 3) op->code = OP_INCRBY;
        else if (mr_arg_is(&argv[j], "overflow") && left >= 1) {
            if (!parse_overflow(c, &argv[++j], &rule)) return -1;
            continue;
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return -1;
        }
        op->overflow = rule;
        op->value = 0;
        if (!parse_type(c, &argv[j + 1], op) ||
            !mr_arg_bit_offset(c, &argv[j + 2], op->bits, &op->offset))
            return -1;
        if (op->code != OP_GET) {
            long long v;
            if (!mr_arg_ll(c, &argv[j + 3], &v)) return -1;
            op->value = v;
        }
        j += op->code == OP_GET ? 2 : 3;
        n++;
    }
    return n;
}

/* ---- fields ---- */

/* The unsigned field of bits at offset; bytes past len read as zero. */
static uint64_t read_field(const unsigned char *p, size_t len, uint64_t offset, unsigned bits) {
    uint64_t v = 0;
    for (unsigned i = 0; i < bits; i++) {
        uint64_t pos = offset + i, byte = pos >> 3;
        unsigned bit = byte < len ? (p[byte] >> (7 - (pos & 7))) & 1 : 0;
        v = (v << 1) | bit;
    }
    return v;
}

static void write_field(unsigned char *p, uint64_t offset, unsigned bits, uint64_t v) {
    for (unsigned i = 0; i < bits; i++) {
        uint64_t pos = offset + i;
        unsigned char mask = (unsigned char)(1u << (7 - (pos & 7)));
        if ((v >> (bits - 1 - i)) & 1) p[pos >> 3] |= mask;
        else p[pos >> 3] &= (unsigned char)~mask;
    }
}

static int64_t sign_extend(uint64_t v, unsigned bits) {
    if (bits < 64 && (v >> (bits - 1)) & 1) v |= ~(uint64_t)0 << bits;
    return as_signed(v);
}

/* value + incr in the field: 0 when it fits (*out the result), 1 or -1
 * when it overflows up or down (*out what WRAP or SAT stores). */
static int unsigned_add(uint64_t value, int64_t incr, unsigned bits, overflow_rule rule,
                        uint64_t *out) {
    uint64_t max = ((uint64_t)1 << bits) - 1;
    int64_t maxincr = as_signed(max - value), minincr = as_signed(0 - value);
    int dir = 0;
    if (value > max || (incr > 0 && incr > maxincr)) dir = 1;
    else if (incr < 0 && incr < minincr) dir = -1;
    if (dir == 0 || rule == OW_WRAP) *out = (value + (uint64_t)incr) & max;
    else *out = dir > 0 ? max : 0;
    return dir;
}

static int signed_add(int64_t value, int64_t incr, unsigned bits, overflow_rule rule,
                      int64_t *out) {
    int64_t max = bits == 64 ? INT64_MAX : (int64_t)(((uint64_t)1 << (bits - 1)) - 1);
    int64_t min = -max - 1;
    int64_t maxincr = as_signed((uint64_t)max - (uint64_t)value);
    int64_t minincr = as_signed((uint64_t)min - (uint64_t)value);
    int dir = 0;
    if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr))
        dir = 1;
    else if (value < min || (bits != 64 && incr < minincr) ||
             (value < 0 && incr < 0 && incr < minincr))
        dir = -1;
    if (dir == 0 || rule == OW_WRAP) {
        uint64_t sum = (uint64_t)value + (uint64_t)incr;
        *out = sign_extend(bits < 64 ? sum & (((uint64_t)1 << bits) - 1) : sum, bits);
    } else {
        *out = dir > 0 ? max : min;
    }
    return dir;
}

/* Runs one SET or INCRBY on the string; replies its result.  Returns 1
 * when it changed the field's bits. */
static int run_write(mr_conn *c, mr_str *s, const field_op *op) {
    unsigned char *p = (unsigned char *)s->data;
    uint64_t raw = read_field(p, s->len, op->offset, op->bits);
    int dir;
    uint64_t store;
    long long reply;
    if (op->sign) {
        int64_t old = sign_extend(raw, op->bits), res;
        dir = op->code == OP_SET ? signed_add(op->value, 0, op->bits, op->overflow, &res)
                                 : signed_add(old, op->value, op->bits, op->overflow, &res);
        store = (uint64_t)res;
        reply = op->code == OP_SET ? old : res;
    } else {
        uint64_t res;
        dir = op->code == OP_SET
                  ? unsigned_add((uint64_t)op->value, 0, op->bits, op->overflow, &res)
                  : unsigned_add(raw, op->value, op->bits, op->overflow, &res);
        store = res;
        reply = (long long)(op->code == OP_SET ? raw : res);
    }
    if (dir != 0 && op->overflow == OW_FAIL) {
        mr_add_null(c);
        return 0;
    }
    write_field(p, op->offset, op->bits, store);
    mr_add_integer(c, reply);
    /* Writing the bits already there is no change (WATCH is not told). */
    uint64_t mask = op->bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << op->bits) - 1;
    return (store & mask) != raw;
}

static void run_get(mr_conn *c, const mr_str *s, const field_op *op) {
    uint64_t raw = s != NULL ? read_field((const unsigned char *)s->data, s->len, op->offset,
                                          op->bits)
                             : 0;
    mr_add_integer(c, op->sign ? sign_extend(raw, op->bits) : (long long)raw);
}

/* ---- the commands ---- */

static void bitfield(mr_conn *c, size_t argc, const resp_span *argv, int readonly_cmd) {
    field_op *ops = mr_xmalloc(argc * sizeof *ops);
    long n = parse_ops(c, argc, argv, ops);
    uint64_t farthest = 0;
    int writes = 0;
    for (long i = 0; i < n; i++) {
        if (ops[i].code == OP_GET) continue;
        writes = 1;
        if (ops[i].offset + ops[i].bits > farthest) farthest = ops[i].offset + ops[i].bits;
    }
    if (n >= 0 && writes && readonly_cmd) {
        mr_add_error(c, "ERR BITFIELD_RO only supports the GET subcommand");
        n = -1;
    }
    mr_obj *o = NULL;
    if (n < 0 || !mr_db_lookup_typed(c, argv[1].ptr, argv[1].len, MR_TYPE_STRING, &o)) {
        free(ops);
        return;
    }
    /* Only GETs read the key as lookupKeyRead does (a miss is told). */
    if (o == NULL && !writes) mr_db_read_miss(c, argv[1].ptr, argv[1].len);
    mr_str *s = (mr_str *)o;
    size_t before = s != NULL ? s->len : 0;
    /* As in Redis, creating or lengthening the string is a change even
     * when no field's bits change. */
    int changes = 0;
    if (writes) {
        s = mr_db_string_at_least(c->srv, c->db, argv[1].ptr, argv[1].len,
                                  (size_t)((farthest + 7) >> 3));
        changes = o == NULL || s->len > before;
    }
    mr_add_array(c, (size_t)n);
    for (long i = 0; i < n; i++) {
        if (ops[i].code == OP_GET) run_get(c, s, &ops[i]);
        else changes += run_write(c, s, &ops[i]);
    }
    if (changes) {
        mr_db_changed(c->srv, c->db, argv[1].ptr, argv[1].len);
        mr_notify(c->srv, MR_NOTIFY_STRING, "setbit", c->db, argv[1].ptr, argv[1].len);
    }
    free(ops);
}

void mr_cmd_bitfield(mr_conn *c, size_t argc, const resp_span *argv) {
    bitfield(c, argc, argv, 0);
}

void mr_cmd_bitfield_ro(mr_conn *c, size_t argc, const resp_span *argv) {
    bitfield(c, argc, argv, 1);
}

/* BITFIELD only reads its key when every operation is a complete GET or
 * OVERFLOW; a SET, an INCRBY or anything it cannot read counts as a
 * write. */
const char *mr_bitfield_key_flags(size_t argc, const resp_span *argv) {
    for (size_t i = 2; i < argc; i++) {
        size_t left = argc - i - 1;
        if (mr_arg_is(&argv[i], "get") && left >= 2) i += 2;
        else if (mr_arg_is(&argv[i], "overflow") && left >= 1) i += 1;
        else return "RW access update";
    }
    return "RO access";
}
