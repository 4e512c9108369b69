/* resp/src/writer.c - encoders for every RESP type, and RESP3 -> RESP2.
 *
 * Each writer reserves the room its element needs once, then fills it
 * directly; integers and lengths are converted by hand because snprintf
 * dominates the cost of small replies.
 *
 * Choices the protocol leaves open:
 * - NaN is written "nan" whatever its sign bit.  Redis 7.0 prints
 *   glibc's "-nan" for a negative NaN, but RESP3 only names "nan".
 * - Streamed values are written in their non-streamed form.
 * - resp_write_null() under RESP3 always writes "_"; resp_write_value()
 *   under RESP3 keeps a RESP2 null's "$-1" / "*-1" so trees round-trip.
 * - A value of type RESP_ATTRIBUTE inside an aggregate is not counted as
 *   an element: under RESP3 it is written before the next element, under
 *   RESP2 it is dropped with everything in it.
 * - Invalid arguments (proto other than 2 or 3, unknown types or null
 *   kinds, NULL pointers with a length, malformed trees) return
 *   RESP_EINVAL, write nothing and leave the buffer usable. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <resp/writer.h>

#include "internal.h"

#define HEADER_MAX 23 /* type byte, up to 20 digits, CR LF */

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static unsigned count_digits(unsigned long long v) {
    unsigned n = 1;
    for (;;) {
        if (v < 10) return n;
        if (v < 100) return n + 1;
        if (v < 1000) return n + 2;
        if (v < 10000) return n + 3;
        v /= 10000;
        n += 4;
    }
}

/* Writes v in decimal at p; returns the end. */
static char *put_unsigned(char *p, unsigned long long v) {
    unsigned n = count_digits(v);
    char *end = p + n;
    char *q = end;
    while (v >= 100) {
        unsigned i = (unsigned)(v % 100) * 2;
        v /= 100;
        *--q = digit_pairs[i + 1];
        *--q = digit_pairs[i];
    }
    if (v >= 10) {
        unsigned i = (unsigned)v * 2;
        *--q = digit_pairs[i + 1];
        *--q = digit_pairs[i];
    } else {
        *--q = (char)('0' + v);
    }
    return end;
}

static char *put_signed(char *p, long long v) {
    if (v < 0) {
        *p++ = '-';
        /* Negate in unsigned arithmetic: -LLONG_MIN overflows a long long. */
        return put_unsigned(p, 0ULL - (unsigned long long)v);
    }
    return put_unsigned(p, (unsigned long long)v);
}

static char *put_crlf(char *p) {
    p[0] = '\r';
    p[1] = '\n';
    return p + 2;
}

static char *put_header(char *p, char type, size_t n) {
    *p++ = type;
    return put_crlf(put_unsigned(p, n));
}

/* Copies s, turning CR and LF into spaces. */
static char *put_sanitized(char *p, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        *p++ = (c == '\r' || c == '\n') ? ' ' : c;
    }
    return p;
}

/* len plus a small overhead; a length near SIZE_MAX saturates so that
 * the reservation fails (and marks the buffer) instead of wrapping. */
static size_t with_overhead(size_t len, size_t extra) {
    return len > SIZE_MAX / 2 ? SIZE_MAX : len + extra;
}

/* Room for `extra` bytes at the end of b, or NULL (buffer marked failed). */
static char *room(resp_buf *b, size_t extra) {
    if (resp__buf_reserve(b, extra) != RESP_OK) return NULL;
    return b->data + b->len;
}

static void commit(resp_buf *b, const char *end) {
    b->len = (size_t)(end - b->data);
}

static int has_crlf(const char *s, size_t len) {
    return len != 0 && (memchr(s, '\r', len) != NULL || memchr(s, '\n', len) != NULL);
}

/* %.17g with Redis's spellings of the non-finite values; returns the
 * length.  out must hold 32 bytes. */
static size_t format_double(char *out, double d) {
    if (isnan(d)) {
        memcpy(out, "nan", 3);
        return 3;
    }
    if (isinf(d)) {
        if (d > 0) {
            memcpy(out, "inf", 3);
            return 3;
        }
        memcpy(out, "-inf", 4);
        return 4;
    }
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.17g", d);
    if (n <= 0 || (size_t)n >= sizeof tmp) n = 0;
    /* The C locale's decimal point may not be '.': normalise whatever
     * the locale put between the digits to RESP's '.'. */
    size_t len = 0;
    int in_point = 0;
    for (int i = 0; i < n && len < 31; i++) {
        char c = tmp[i];
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
            out[len++] = c;
            in_point = 0;
        } else if (!in_point) {
            out[len++] = '.';
            in_point = 1;
        }
    }
    return len;
}

/* ---- element writers shared by the public functions ---- */

/* type byte, s with CR/LF as spaces, CR LF */
static resp_error write_line_sanitized(resp_buf *b, char type, const char *s, size_t len) {
    char *p = room(b, with_overhead(len, 3));
    if (p == NULL) return RESP_ENOMEM;
    *p++ = type;
    p = put_sanitized(p, s, len);
    commit(b, put_crlf(p));
    return RESP_OK;
}

/* type byte, s as is, CR LF (the caller has checked s for CR/LF) */
static resp_error write_line(resp_buf *b, char type, const char *s, size_t len) {
    char *p = room(b, with_overhead(len, 3));
    if (p == NULL) return RESP_ENOMEM;
    *p++ = type;
    if (len != 0) memcpy(p, s, len);
    commit(b, put_crlf(p + len));
    return RESP_OK;
}

/* $len CR LF prefix payload CR LF: bulk strings, bulk errors, verbatim. */
static resp_error write_blob(resp_buf *b, char type, const char *prefix, size_t plen,
                             const char *s, size_t len) {
    char *p = room(b, with_overhead(len, HEADER_MAX + plen + 2));
    if (p == NULL) return RESP_ENOMEM;
    p = put_header(p, type, len + plen);
    if (plen != 0) memcpy(p, prefix, plen);
    p += plen;
    if (len != 0) memcpy(p, s, len);
    commit(b, put_crlf(p + len));
    return RESP_OK;
}

static resp_error write_header(resp_buf *b, char type, size_t n) {
    char *p = room(b, HEADER_MAX);
    if (p == NULL) return RESP_ENOMEM;
    commit(b, put_header(p, type, n));
    return RESP_OK;
}

static resp_error write_integer_value(resp_buf *b, long long v) {
    char *p = room(b, HEADER_MAX);
    if (p == NULL) return RESP_ENOMEM;
    *p++ = ':';
    commit(b, put_crlf(put_signed(p, v)));
    return RESP_OK;
}

static resp_error write_null_checked(resp_buf *b, int proto, resp_null_kind kind) {
    static const char resp3[] = "_\r\n", bulk[] = "$-1\r\n", array[] = "*-1\r\n";
    switch (kind) {
    case RESP_NULL_RESP3:
    case RESP_NULL_BULK:
        break;
    case RESP_NULL_ARRAY:
        if (proto == 2) return resp_buf_append(b, array, sizeof array - 1);
        break;
    default:
        return RESP_EINVAL;
    }
    if (proto == 3) return resp_buf_append(b, resp3, sizeof resp3 - 1);
    return resp_buf_append(b, bulk, sizeof bulk - 1);
}

static resp_error write_boolean_checked(resp_buf *b, int proto, int v) {
    const char *t = proto == 3 ? (v ? "#t\r\n" : "#f\r\n") : (v ? ":1\r\n" : ":0\r\n");
    return resp_buf_append(b, t, 4);
}

/* A double's text: RESP3 ",text", RESP2 a bulk string of it. */
static resp_error write_double_text(resp_buf *b, int proto, const char *s, size_t len) {
    if (proto == 3) return write_line(b, ',', s, len);
    return write_blob(b, '$', NULL, 0, s, len);
}

static resp_error write_big_number_checked(resp_buf *b, int proto, const char *s, size_t len) {
    if (proto == 3) return write_line(b, '(', s, len);
    return write_blob(b, '$', NULL, 0, s, len);
}

static resp_error write_bulk_error_checked(resp_buf *b, int proto, const char *s, size_t len) {
    if (proto == 3) return write_blob(b, '!', NULL, 0, s, len);
    return write_line_sanitized(b, '-', s, len);
}

/* Header of an aggregate with n elements (pairs for map and attribute). */
static resp_error write_aggregate_checked(resp_buf *b, int proto, resp_type type, size_t n) {
    switch (type) {
    case RESP_ARRAY:
        return write_header(b, '*', n);
    case RESP_MAP:
        if (proto == 3) return write_header(b, '%', n);
        if (n > SIZE_MAX / 2) return RESP_EINVAL;
        return write_header(b, '*', n * 2);
    case RESP_SET:
        return write_header(b, proto == 3 ? '~' : '*', n);
    case RESP_PUSH:
        return write_header(b, proto == 3 ? '>' : '*', n);
    case RESP_ATTRIBUTE:
        if (proto == 3) return write_header(b, '|', n);
        return resp_buf_status(b);
    default:
        return RESP_EINVAL;
    }
}

static int proto_ok(int proto) {
    return proto == 2 || proto == 3;
}

/* ---- public element writers ---- */

resp_error resp_write_simple_string(resp_buf *b, const char *s, size_t len) {
    if (s == NULL && len != 0) return RESP_EINVAL;
    return write_line_sanitized(b, '+', s, len);
}

resp_error resp_write_simple_error(resp_buf *b, const char *s, size_t len) {
    if (s == NULL && len != 0) return RESP_EINVAL;
    return write_line_sanitized(b, '-', s, len);
}

resp_error resp_write_integer(resp_buf *b, long long v) {
    return write_integer_value(b, v);
}

resp_error resp_write_bulk_string(resp_buf *b, const void *s, size_t len) {
    if (s == NULL && len != 0) return RESP_EINVAL;
    return write_blob(b, '$', NULL, 0, s, len);
}

resp_error resp_write_null(resp_buf *b, int proto, resp_null_kind kind) {
    if (!proto_ok(proto)) return RESP_EINVAL;
    return write_null_checked(b, proto, kind);
}

resp_error resp_write_aggregate(resp_buf *b, int proto, resp_type type, size_t count) {
    if (!proto_ok(proto)) return RESP_EINVAL;
    return write_aggregate_checked(b, proto, type, count);
}

resp_error resp_write_double(resp_buf *b, int proto, double d) {
    if (!proto_ok(proto)) return RESP_EINVAL;
    char text[32];
    size_t n = format_double(text, d);
    return write_double_text(b, proto, text, n);
}

resp_error resp_write_boolean(resp_buf *b, int proto, int v) {
    if (!proto_ok(proto)) return RESP_EINVAL;
    return write_boolean_checked(b, proto, v);
}

/* The digits are written as given; CR or LF would break the framing. */
resp_error resp_write_big_number(resp_buf *b, int proto, const char *digits, size_t len) {
    if (!proto_ok(proto) || (digits == NULL && len != 0)) return RESP_EINVAL;
    if (has_crlf(digits, len)) return RESP_EINVAL;
    return write_big_number_checked(b, proto, digits, len);
}

resp_error resp_write_verbatim(resp_buf *b, int proto, const char *format, const char *s,
                               size_t len) {
    if (!proto_ok(proto) || format == NULL || (s == NULL && len != 0)) return RESP_EINVAL;
    if (proto == 2) return write_blob(b, '$', NULL, 0, s, len);
    char prefix[4] = {format[0], format[1], format[2], ':'};
    return write_blob(b, '=', prefix, 4, s, len);
}

resp_error resp_write_bulk_error(resp_buf *b, int proto, const char *s, size_t len) {
    if (!proto_ok(proto) || (s == NULL && len != 0)) return RESP_EINVAL;
    return write_bulk_error_checked(b, proto, s, len);
}

/* lens may be NULL for NUL-terminated arguments.  The whole command is
 * sized first so the buffer grows at most once. */
resp_error resp_write_command(resp_buf *b, size_t argc, const char *const *argv,
                              const size_t *lens) {
    if (argc != 0 && argv == NULL) return RESP_EINVAL;
    size_t total = HEADER_MAX;
    for (size_t i = 0; i < argc; i++) {
        size_t len = lens != NULL ? lens[i] : (argv[i] != NULL ? strlen(argv[i]) : 0);
        if (argv[i] == NULL && len != 0) return RESP_EINVAL;
        size_t need = with_overhead(len, HEADER_MAX + 2);
        total = need > SIZE_MAX - total ? SIZE_MAX : total + need;
    }
    char *p = room(b, total);
    if (p == NULL) return RESP_ENOMEM;
    p = put_header(p, '*', argc);
    for (size_t i = 0; i < argc; i++) {
        size_t len = lens != NULL ? lens[i] : (argv[i] != NULL ? strlen(argv[i]) : 0);
        p = put_header(p, '$', len);
        if (len != 0) memcpy(p, argv[i], len);
        p = put_crlf(p + len);
    }
    commit(b, p);
    return RESP_OK;
}

/* ---- whole trees ---- */

/* Text usable as a number's wire form: present and unable to break the
 * framing.  Values built by the reader always qualify. */
static int text_usable(const resp_value *v) {
    return v->str != NULL && v->len != 0 && !has_crlf(v->str, v->len);
}

static resp_error write_scalar(resp_buf *b, int proto, const resp_value *v) {
    const char *s = v->str;
    size_t len = v->len;
    if (s == NULL && len != 0) return RESP_EINVAL;
    switch (v->type) {
    case RESP_SIMPLE_STRING:
        return write_line_sanitized(b, '+', s, len);
    case RESP_SIMPLE_ERROR:
        return write_line_sanitized(b, '-', s, len);
    case RESP_INTEGER:
        if (text_usable(v)) return write_line(b, ':', s, len);
        return write_integer_value(b, v->integer);
    case RESP_BULK_STRING:
        return write_blob(b, '$', NULL, 0, s, len);
    case RESP_NULL:
        /* Under RESP3 a tree keeps its null's spelling: the output must
         * parse back to an equal tree, and null kinds are compared. */
        if (proto == 3 && v->null_kind == RESP_NULL_BULK) return resp_buf_append(b, "$-1\r\n", 5);
        if (proto == 3 && v->null_kind == RESP_NULL_ARRAY) return resp_buf_append(b, "*-1\r\n", 5);
        return write_null_checked(b, proto, v->null_kind);
    case RESP_BOOLEAN:
        return write_boolean_checked(b, proto, v->integer != 0);
    case RESP_DOUBLE: {
        if (text_usable(v)) return write_double_text(b, proto, s, len);
        char text[32];
        size_t n = format_double(text, v->dbl);
        return write_double_text(b, proto, text, n);
    }
    case RESP_BIG_NUMBER:
        if (has_crlf(s, len)) return RESP_EINVAL;
        return write_big_number_checked(b, proto, s, len);
    case RESP_BULK_ERROR:
        return write_bulk_error_checked(b, proto, s, len);
    case RESP_VERBATIM_STRING:
        /* The payload carries its "fmt:" prefix. */
        if (len < 4 || s[3] != ':') return RESP_EINVAL;
        if (proto == 3) return write_blob(b, '=', NULL, 0, s, len);
        return write_blob(b, '$', NULL, 0, s + 4, len - 4);
    default:
        return RESP_EINVAL;
    }
}

/* The count an aggregate's header carries: elements, or pairs when
 * `pairs`.  Attribute-typed elements are not elements on the wire, so
 * they are left out. */
static resp_error wire_count(const resp_value *v, int pairs, size_t *out) {
    if (v->elems == NULL && v->count != 0) return RESP_EINVAL;
    size_t n = v->count;
    for (size_t i = 0; i < v->count; i++)
        if (v->elems[i].type == RESP_ATTRIBUTE) n--;
    if (pairs) {
        if (n % 2 != 0) return RESP_EINVAL;
        n /= 2;
    }
    *out = n;
    return RESP_OK;
}

static resp_error write_value_header(resp_buf *b, int proto, const resp_value *v) {
    size_t n;
    resp_error err = wire_count(v, v->type == RESP_MAP || v->type == RESP_ATTRIBUTE, &n);
    if (err != RESP_OK) return err;
    return write_aggregate_checked(b, proto, v->type, n);
}

/* One open aggregate: its elements, the next to write, and for an
 * attribute the value it describes (written once the attribute ends). */
typedef struct write_frame {
    const resp_value *elems;
    size_t next, count;
    const resp_value *after;
} write_frame;

/* Iterative, on a fixed stack: each frame is one aggregate open on the
 * wire, so RESP_REPLY_DEPTH_MAX frames hold any tree the reader builds.
 * Deeper trees are refused with RESP_EINVAL. */
resp_error resp_write_value(resp_buf *b, int proto, const resp_value *v) {
    if (!proto_ok(proto) || v == NULL) return RESP_EINVAL;
    if (b->failed) return RESP_ENOMEM;
    size_t start = b->len;
    write_frame stack[RESP_REPLY_DEPTH_MAX];
    int depth = 0;
    const resp_value *cur = v;
    int attribute_written = 0;
    resp_error err = RESP_OK;

    for (;;) {
        /* Write cur: its attribute first (RESP3), then cur itself. */
        const resp_value *open = NULL;
        const resp_value *after = NULL;
        if (cur->attribute != NULL && !attribute_written && proto == 3) {
            open = cur->attribute;
            after = cur;
            /* The reader merges consecutive attributes, so an attribute
             * that has one of its own is malformed. */
            size_t pairs = 0;
            if (open->attribute != NULL) err = RESP_EINVAL;
            else err = wire_count(open, 1, &pairs);
            if (err == RESP_OK) err = write_header(b, '|', pairs);
        } else if (resp_type_is_aggregate(cur->type)) {
            err = write_value_header(b, proto, cur);
            /* Under RESP2 an attribute disappears with its contents. */
            if (!(proto == 2 && cur->type == RESP_ATTRIBUTE)) open = cur;
        } else {
            err = write_scalar(b, proto, cur);
        }
        if (err != RESP_OK) break;
        if (open != NULL && (open->count != 0 || after != NULL)) {
            if (depth == RESP_REPLY_DEPTH_MAX) {
                err = RESP_EINVAL;
                break;
            }
            stack[depth++] = (write_frame){open->elems, 0, open->count, after};
        }

        /* Move to the next value to write. */
        cur = NULL;
        while (depth > 0) {
            write_frame *f = &stack[depth - 1];
            if (f->next < f->count) {
                cur = &f->elems[f->next++];
                attribute_written = 0;
                break;
            }
            depth--;
            if (f->after != NULL) {
                cur = f->after;
                attribute_written = 1;
                break;
            }
        }
        if (cur == NULL) break;
    }
    if (err == RESP_EINVAL) b->len = start;
    return err;
}
