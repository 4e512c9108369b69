/* resp/src/printer.c - canonical one-line rendering of replies.
 *
 * The notation is described in printer.h.  Integers print their value,
 * doubles and big numbers the wire text they carry (a double without
 * text prints as the writer would send it).  A verbatim string's format
 * is printed outside the quotes, its bytes outside 0x21..0x7e (and '"',
 * '\\') as \xhh so the format cannot be confused with the payload. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <resp/printer.h>

#include "internal.h"

static const char hex_digits[] = "0123456789abcdef";

/* The escape for byte c inside quotes, or 0 when c prints as itself
 * (the caller then checks for \xhh). */
static char escape_letter(unsigned char c) {
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    case '\a': return 'a';
    case '\b': return 'b';
    default: return 0;
    }
}

static size_t quoted_size(const char *s, size_t len) {
    size_t n = 2;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (escape_letter(c) != 0) n += 2;
        else if (c < 0x20 || c > 0x7e) n += 4;
        else n += 1;
    }
    return n;
}

static char *put_hex(char *p, unsigned char c) {
    p[0] = '\\';
    p[1] = 'x';
    p[2] = hex_digits[c >> 4];
    p[3] = hex_digits[c & 15];
    return p + 4;
}

resp_error resp_print_quoted(resp_buf *out, const char *s, size_t len) {
    if (s == NULL && len != 0) return RESP_EINVAL;
    /* The exact size is computed first so the buffer grows once. */
    size_t need = len > SIZE_MAX / 8 ? SIZE_MAX : quoted_size(s, len);
    if (resp__buf_reserve(out, need) != RESP_OK) return RESP_ENOMEM;
    char *p = out->data + out->len;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char e = escape_letter(c);
        if (e != 0) {
            *p++ = '\\';
            *p++ = e;
        } else if (c < 0x20 || c > 0x7e) {
            p = put_hex(p, c);
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    out->len = (size_t)(p - out->data);
    return RESP_OK;
}

/* %.17g with Redis's spellings of the non-finite values, as the writer
 * sends a double that has no wire text; out must hold 32 bytes. */
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
    /* Whatever the locale uses as decimal point becomes '.'. */
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

static resp_error put(resp_buf *out, const char *s, size_t len) {
    return resp_buf_append(out, s, len);
}

/* Type sigil, then '?' for a streamed value. */
static resp_error put_sigil(resp_buf *out, const resp_value *v) {
    char s[2] = {(char)v->type, '?'};
    return put(out, s, v->streamed ? 2 : 1);
}

static resp_error print_verbatim(resp_buf *out, const resp_value *v) {
    resp_error err = put_sigil(out, v);
    if (err != RESP_OK) return err;
    if (v->len < 4 || v->str[3] != ':') return resp_print_quoted(out, v->str, v->len);
    char fmt[16];
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        unsigned char c = (unsigned char)v->str[i];
        if (c <= 0x20 || c > 0x7e || c == '"' || c == '\\') {
            put_hex(fmt + n, c);
            n += 4;
        } else {
            fmt[n++] = (char)c;
        }
    }
    fmt[n++] = ':';
    err = put(out, fmt, n);
    if (err != RESP_OK) return err;
    return resp_print_quoted(out, v->str + 4, v->len - 4);
}

static resp_error print_scalar(resp_buf *out, const resp_value *v) {
    resp_error err;
    if (v->str == NULL && v->len != 0) return RESP_EINVAL;
    switch (v->type) {
    case RESP_SIMPLE_STRING:
    case RESP_SIMPLE_ERROR:
    case RESP_BULK_STRING:
    case RESP_BULK_ERROR:
        err = put_sigil(out, v);
        if (err != RESP_OK) return err;
        return resp_print_quoted(out, v->str, v->len);
    case RESP_VERBATIM_STRING:
        return print_verbatim(out, v);
    case RESP_INTEGER: {
        char text[32];
        int n = snprintf(text, sizeof text, ":%lld", v->integer);
        return put(out, text, (size_t)n);
    }
    case RESP_NULL:
        switch (v->null_kind) {
        case RESP_NULL_RESP3: return put(out, "_", 1);
        case RESP_NULL_BULK: return put(out, "$-1", 3);
        case RESP_NULL_ARRAY: return put(out, "*-1", 3);
        default: return RESP_EINVAL;
        }
    case RESP_BOOLEAN:
        return put(out, v->integer != 0 ? "#t" : "#f", 2);
    case RESP_DOUBLE: {
        char text[32];
        text[0] = ',';
        if (v->str != NULL) {
            err = put(out, text, 1);
            if (err != RESP_OK) return err;
            return put(out, v->str, v->len);
        }
        size_t n = format_double(text + 1, v->dbl);
        return put(out, text, n + 1);
    }
    case RESP_BIG_NUMBER:
        err = put(out, "(", 1);
        if (err != RESP_OK) return err;
        return put(out, v->str, v->len);
    default:
        return RESP_EINVAL;
    }
}

/* One open aggregate.  `after` is the value an attribute describes: it
 * prints once the attribute's closing brace is out. */
typedef struct print_frame {
    const resp_value *elems;
    size_t next, count;
    const resp_value *after;
    int is_map;
} print_frame;

static int map_like(resp_type t) {
    return t == RESP_MAP || t == RESP_ATTRIBUTE;
}

/* Iterative on a fixed stack of RESP_REPLY_DEPTH_MAX frames, one per
 * aggregate open on the wire: enough for any tree the reader builds.
 * Deeper trees are refused with RESP_EINVAL. */
resp_error resp_print_value(resp_buf *out, const resp_value *v) {
    if (v == NULL) return RESP_EINVAL;
    if (out->failed) return RESP_ENOMEM;
    size_t start = out->len;
    print_frame stack[RESP_REPLY_DEPTH_MAX];
    int depth = 0;
    const resp_value *cur = v;
    int attribute_printed = 0;
    resp_error err = RESP_OK;

    for (;;) {
        const resp_value *open = NULL;
        const resp_value *after = NULL;
        if (cur->attribute != NULL && !attribute_printed) {
            open = cur->attribute;
            after = cur;
            /* The reader merges consecutive attributes: an attribute
             * with an attribute of its own is malformed. */
            if (open->attribute != NULL) err = RESP_EINVAL;
            else err = put(out, open->streamed ? "|?{" : "|{", open->streamed ? 3 : 2);
        } else if (resp_type_is_aggregate(cur->type)) {
            open = cur;
            err = put_sigil(out, cur);
            if (err == RESP_OK) err = put(out, map_like(cur->type) ? "{" : "[", 1);
        } else {
            err = print_scalar(out, cur);
        }
        if (err != RESP_OK) break;
        if (open != NULL) {
            if (depth == RESP_REPLY_DEPTH_MAX || (open->elems == NULL && open->count != 0)) {
                err = RESP_EINVAL;
                break;
            }
            /* An attribute is printed as a map whatever its type says. */
            int is_map = after != NULL || map_like(open->type);
            stack[depth++] = (print_frame){open->elems, 0, open->count, after, is_map};
        }

        /* Close finished aggregates until there is a next value. */
        cur = NULL;
        while (depth > 0 && err == RESP_OK) {
            print_frame *f = &stack[depth - 1];
            if (f->next < f->count) {
                if (f->next > 0) {
                    /* map pairs: key=>value, pairs separated by a space */
                    int arrow = f->is_map && f->next % 2 == 1;
                    err = put(out, arrow ? "=>" : " ", arrow ? 2 : 1);
                }
                cur = &f->elems[f->next++];
                attribute_printed = 0;
                break;
            }
            depth--;
            err = put(out, f->is_map ? "}" : "]", 1);
            if (f->after != NULL) {
                if (err == RESP_OK) err = put(out, " ", 1);
                cur = f->after;
                attribute_printed = 1;
                break;
            }
        }
        if (err != RESP_OK || cur == NULL) break;
    }
    if (err == RESP_EINVAL) out->len = start;
    return err;
}
