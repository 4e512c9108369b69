/* harness/src/pattern.c - the expectation notation: parser and matcher. */
#include "pattern.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PATTERN_DEPTH_MAX 64

typedef struct parser {
    const char *s;
    size_t len, pos;
    int depth;
    char *err;
    size_t errlen;
    int failed;
} parser;

static void fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(parser *ps, const char *fmt, ...) {
    if (ps->failed) return;
    ps->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "column %zu: %s", ps->pos + 1, msg);
}

static int peek(const parser *ps) {
    return ps->pos < ps->len ? (unsigned char)ps->s[ps->pos] : -1;
}

static void skip_blanks(parser *ps) {
    while (ps->pos < ps->len && (ps->s[ps->pos] == ' ' || ps->s[ps->pos] == '\t')) ps->pos++;
}

static int accept(parser *ps, const char *word) {
    size_t n = strlen(word);
    if (ps->len - ps->pos >= n && memcmp(ps->s + ps->pos, word, n) == 0) {
        ps->pos += n;
        return 1;
    }
    return 0;
}

/* A quoted string, in the printer's escapes (rh_unquote). */
static int parse_quoted(parser *ps, char **out, size_t *outlen) {
    size_t used;
    char why[120];
    *out = rh_unquote(ps->s + ps->pos, ps->len - ps->pos, '"', &used, outlen, why, sizeof why);
    if (*out == NULL) {
        fail(ps, "%s", why);
        return 0;
    }
    ps->pos += used;
    return 1;
}

/* /regex/ with \/ for a slash. */
static int parse_regex(parser *ps, rh_pattern *p) {
    ps->pos++; /* '/' */
    size_t start = ps->pos;
    char *src = malloc(ps->len - start + 1);
    if (src == NULL) rh_die("out of memory");
    size_t n = 0;
    while (ps->pos < ps->len && ps->s[ps->pos] != '/') {
        char c = ps->s[ps->pos++];
        int next = ps->pos < ps->len ? (unsigned char)ps->s[ps->pos] : -1;
        if (c == '\\' && next == '/') {
            c = '/';
            ps->pos++;
        } else if (c == '\\' && (next == 'r' || next == 'n' || next == 't')) {
            c = next == 'r' ? '\r' : next == 'n' ? '\n' : '\t';
            ps->pos++;
        } else if (c == '\\' && next == 'x' && ps->len - ps->pos >= 3) {
            int hi = rh_hexval((unsigned char)ps->s[ps->pos + 1]);
            int lo = rh_hexval((unsigned char)ps->s[ps->pos + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(src);
                fail(ps, "\\x in a regex needs two hex digits, not 00");
                return 0;
            }
            c = (char)(hi * 16 + lo);
            ps->pos += 3;
        } else if (c == '\\' && next >= 0) {
            src[n++] = c; /* a regex escape such as \. stays */
            c = (char)next;
            ps->pos++;
        }
        src[n++] = c;
    }
    src[n] = '\0';
    if (peek(ps) != '/') {
        free(src);
        fail(ps, "unterminated regex");
        return 0;
    }
    ps->pos++;
    int rc = regcomp(&p->re, src, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[120];
        regerror(rc, &p->re, why, sizeof why);
        free(src);
        fail(ps, "bad regex: %s", why);
        return 0;
    }
    p->kind = RH_PAT_REGEX;
    p->str = src;
    p->len = n;
    return 1;
}

/* Bytes one string expectation may stand for, written with *N. */
#define REPEAT_MAX (64 << 20)

/* Quoted pieces back to back, each optionally repeated with *N, as in a
 * case's arguments: $"x"*9000"y" is 9000 x's then a y. */
static int parse_pieces(parser *ps, char **out, size_t *outlen) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    while (peek(ps) == '"') {
        char *piece;
        size_t n;
        if (!parse_quoted(ps, &piece, &n)) {
            resp_buf_free(&b);
            return 0;
        }
        long long times = 1;
        if (accept(ps, "*")) {
            size_t start = ps->pos;
            while (peek(ps) >= '0' && peek(ps) <= '9') ps->pos++;
            if (!rh_parse_ll(ps->s + start, ps->pos - start, &times) || times < 1 ||
                times * (long long)(n ? n : 1) > REPEAT_MAX) {
                free(piece);
                resp_buf_free(&b);
                fail(ps, "'*' takes a count from 1 to %d bytes' worth", REPEAT_MAX);
                return 0;
            }
        }
        for (long long k = 0; k < times; k++) resp_buf_append(&b, piece, n);
        free(piece);
    }
    *out = malloc(b.len + 1);
    if (*out == NULL) rh_die("out of memory");
    if (b.len != 0) memcpy(*out, b.data, b.len);
    (*out)[b.len] = '\0';
    *outlen = b.len;
    resp_buf_free(&b);
    return 1;
}

/* After a string sigil: "..." (optionally followed by ...), or /re/. */
static int parse_string_body(parser *ps, rh_pattern *p) {
    if (peek(ps) == '/') return parse_regex(ps, p);
    if (peek(ps) != '"') {
        fail(ps, "expected '\"' or '/' after '%c'", (char)p->type);
        return 0;
    }
    if (!parse_pieces(ps, &p->str, &p->len)) return 0;
    if (accept(ps, "...")) p->kind = RH_PAT_PREFIX;
    return 1;
}

static int parse_ll(parser *ps, long long *out) {
    size_t start = ps->pos;
    if (peek(ps) == '-' || peek(ps) == '+') ps->pos++;
    while (peek(ps) >= '0' && peek(ps) <= '9') ps->pos++;
    if (!rh_parse_ll(ps->s + start, ps->pos - start, out)) {
        ps->pos = start;
        fail(ps, "expected an integer");
        return 0;
    }
    return 1;
}

/* A bare token up to a blank or a closing bracket: doubles, big numbers. */
static int parse_token(parser *ps, rh_pattern *p) {
    size_t start = ps->pos;
    while (ps->pos < ps->len && strchr(" \t]}=", ps->s[ps->pos]) == NULL) ps->pos++;
    if (ps->pos == start) {
        fail(ps, "expected a number after '%c'", (char)p->type);
        return 0;
    }
    p->str = rh_strndup(ps->s + start, ps->pos - start);
    p->len = ps->pos - start;
    return 1;
}

static int parse_value(parser *ps, rh_pattern *p);

static int parse_elements(parser *ps, rh_pattern *p, int is_map) {
    char close = is_map ? '}' : ']';
    size_t cap = 0;
    ps->pos++; /* '[' or '{' */
    for (;;) {
        skip_blanks(ps);
        if (peek(ps) == close) {
            ps->pos++;
            return 1;
        }
        if (peek(ps) < 0) {
            fail(ps, "missing '%c'", close);
            return 0;
        }
        if (p->count + 2 > cap) {
            cap = cap ? cap * 2 : 8;
            p->elems = realloc(p->elems, cap * sizeof *p->elems);
            if (p->elems == NULL) rh_die("out of memory");
        }
        memset(&p->elems[p->count], 0, 2 * sizeof *p->elems);
        if (!parse_value(ps, &p->elems[p->count++])) return 0;
        if (is_map) {
            skip_blanks(ps);
            if (!accept(ps, "=>")) {
                fail(ps, "expected '=>' after a map key");
                return 0;
            }
            skip_blanks(ps);
            if (!parse_value(ps, &p->elems[p->count++])) return 0;
        }
    }
}

static int parse_aggregate(parser *ps, rh_pattern *p) {
    int is_map = p->type == RESP_MAP || p->type == RESP_ATTRIBUTE;
    if (peek(ps) == '?') ps->pos++; /* streamed: same value */
    if (peek(ps) != (is_map ? '{' : '[')) {
        fail(ps, "expected '%c' after '%c'", is_map ? '{' : '[', (char)p->type);
        return 0;
    }
    if (++ps->depth > PATTERN_DEPTH_MAX) {
        fail(ps, "nested deeper than %d", PATTERN_DEPTH_MAX);
        return 0;
    }
    int ok = parse_elements(ps, p, is_map);
    ps->depth--;
    return ok;
}

/* =fmt:"text" (the payload keeps "fmt:" as resp_value does) or =fmt:/re/. */
static int parse_verbatim(parser *ps, rh_pattern *p) {
    if (ps->len - ps->pos < 4 || ps->s[ps->pos + 3] != ':') {
        fail(ps, "expected a three-letter format and ':' after '='");
        return 0;
    }
    char fmt[4];
    memcpy(fmt, ps->s + ps->pos, 4);
    ps->pos += 4;
    if (peek(ps) == '/') {
        memcpy(p->vfmt, fmt, 4);
        return parse_regex(ps, p);
    }
    char *text;
    size_t n;
    if (!parse_quoted(ps, &text, &n)) return 0;
    p->str = malloc(n + 5);
    if (p->str == NULL) rh_die("out of memory");
    memcpy(p->str, fmt, 4);
    memcpy(p->str + 4, text, n);
    p->str[n + 4] = '\0';
    p->len = n + 4;
    free(text);
    if (accept(ps, "...")) p->kind = RH_PAT_PREFIX;
    return 1;
}

/* :N, or the range :LO..HI. */
static int parse_integer(parser *ps, rh_pattern *p) {
    if (!parse_ll(ps, &p->lo)) return 0;
    p->hi = p->lo;
    if (!accept(ps, "..")) return 1;
    if (!parse_ll(ps, &p->hi)) return 0;
    if (p->hi < p->lo) {
        fail(ps, "empty range");
        return 0;
    }
    p->kind = RH_PAT_RANGE;
    return 1;
}

static int parse_boolean(parser *ps, rh_pattern *p) {
    if (accept(ps, "t")) p->lo = 1;
    else if (accept(ps, "f")) p->lo = 0;
    else {
        fail(ps, "expected #t or #f");
        return 0;
    }
    return 1;
}

/* $-1 and *-1: RESP2's nulls; else the bulk string or array. */
static int parse_null_or(parser *ps, rh_pattern *p, resp_null_kind kind) {
    if (!accept(ps, "-1")) return 0;
    p->type = RESP_NULL;
    p->null_kind = kind;
    return 1;
}

/* |{...} VALUE: an attribute, then the value it describes. */
static int parse_attributed(parser *ps, rh_pattern *p) {
    rh_pattern *attr = calloc(1, sizeof *attr);
    if (attr == NULL) rh_die("out of memory");
    attr->type = RESP_ATTRIBUTE;
    if (!parse_aggregate(ps, attr)) {
        rh_pattern_free(attr);
        return 0;
    }
    skip_blanks(ps);
    if (!parse_value(ps, p)) {
        rh_pattern_free(attr);
        return 0;
    }
    if (p->attribute != NULL) rh_pattern_free(attr); /* cannot happen twice in a row */
    else p->attribute = attr;
    return 1;
}

/* "any", or "unordered" before an aggregate; 0 when neither word is
 * there, with *ok the outcome when one is. */
static int parse_word(parser *ps, rh_pattern *p, int *ok) {
    if (accept(ps, "any")) {
        p->kind = RH_PAT_ANY;
        *ok = 1;
        return 1;
    }
    if (!accept(ps, "unordered")) return 0;
    skip_blanks(ps);
    *ok = parse_value(ps, p);
    if (*ok && (!resp_type_is_aggregate(p->type) || p->kind != RH_PAT_EXACT)) {
        fail(ps, "'unordered' applies to an aggregate");
        *ok = 0;
    }
    if (*ok) p->unordered = 1;
    return 1;
}

static int parse_value(parser *ps, rh_pattern *p) {
    skip_blanks(ps);
    p->kind = RH_PAT_EXACT;
    int ok;
    if (parse_word(ps, p, &ok)) return ok;
    int c = peek(ps);
    if (c < 0) {
        fail(ps, "expected a value");
        return 0;
    }
    ps->pos++;
    p->type = (resp_type)c;
    switch (c) {
    case '+': case '-': case '!': return parse_string_body(ps, p);
    case '$':
        if (parse_null_or(ps, p, RESP_NULL_BULK)) return 1;
        if (peek(ps) == '?') ps->pos++;
        return parse_string_body(ps, p);
    case '=': return parse_verbatim(ps, p);
    case ':': return parse_integer(ps, p);
    case '_':
        p->type = RESP_NULL;
        p->null_kind = RESP_NULL_RESP3;
        return 1;
    case '#': return parse_boolean(ps, p);
    case ',': case '(': return parse_token(ps, p);
    case '*':
        if (parse_null_or(ps, p, RESP_NULL_ARRAY)) return 1;
        return parse_aggregate(ps, p);
    case '~': case '%': case '>': return parse_aggregate(ps, p);
    case '|': return parse_attributed(ps, p);
    default:
        ps->pos--;
        fail(ps, "unexpected '%c'", c);
        return 0;
    }
}

static void pattern_clear(rh_pattern *p) {
    for (size_t i = 0; i < p->count; i++) pattern_clear(&p->elems[i]);
    free(p->elems);
    if (p->kind == RH_PAT_REGEX) regfree(&p->re);
    free(p->str);
    if (p->attribute != NULL) rh_pattern_free(p->attribute);
}

void rh_pattern_free(rh_pattern *p) {
    if (p == NULL) return;
    pattern_clear(p);
    free(p);
}

rh_pattern *rh_pattern_parse(const char *text, size_t len, char *err, size_t errlen) {
    parser ps = {.s = text, .len = len, .err = err, .errlen = errlen};
    rh_pattern *p = calloc(1, sizeof *p);
    if (p == NULL) rh_die("out of memory");
    if (parse_value(&ps, p)) {
        skip_blanks(&ps);
        if (ps.pos != ps.len) fail(&ps, "unexpected text after the value");
    }
    if (ps.failed) {
        rh_pattern_free(p);
        return NULL;
    }
    return p;
}

int rh_pattern_is_exact(const rh_pattern *p) {
    if (p->kind != RH_PAT_EXACT || p->unordered) return 0;
    if (p->attribute != NULL && !rh_pattern_is_exact(p->attribute)) return 0;
    for (size_t i = 0; i < p->count; i++)
        if (!rh_pattern_is_exact(&p->elems[i])) return 0;
    return 1;
}

static int is_string_type(resp_type t) {
    return t == RESP_SIMPLE_STRING || t == RESP_SIMPLE_ERROR || t == RESP_BULK_STRING ||
           t == RESP_BULK_ERROR || t == RESP_VERBATIM_STRING;
}

typedef int (*pair_fn)(const rh_pattern *p, const resp_value *a, const resp_value *b);

/* Elements of two aggregates, or of a pattern and a value, matched in any
 * order by backtracking (aggregates in replies are small).  For a map,
 * key and value move together. */
static int match_any_order(const rh_pattern *p, const resp_value *a, const resp_value *b,
                           pair_fn fn, size_t step, size_t i, unsigned char *used) {
    size_t n = b->count;
    if (i >= n) return 1;
    for (size_t j = 0; j < n; j += step) {
        if (used[j]) continue;
        int ok = 1;
        for (size_t k = 0; k < step && ok; k++) {
            const rh_pattern *pe = p != NULL && p->count == n ? &p->elems[i + k] : NULL;
            const resp_value *ae = a != NULL ? &a->elems[i + k] : NULL;
            ok = fn(pe, ae, &b->elems[j + k]);
        }
        if (!ok) continue;
        used[j] = 1;
        if (match_any_order(p, a, b, fn, step, i + step, used)) return 1;
        used[j] = 0;
    }
    return 0;
}

static int pattern_pair(const rh_pattern *p, const resp_value *unused, const resp_value *v) {
    (void)unused;
    return rh_pattern_match(p, v);
}

int rh_pattern_match(const rh_pattern *p, const resp_value *v) {
    if (p->kind == RH_PAT_ANY) return 1;
    if (p->type != v->type) return 0;
    if (p->attribute != NULL || v->attribute != NULL) {
        if (p->attribute == NULL || v->attribute == NULL) return 0;
        if (!rh_pattern_match(p->attribute, v->attribute)) return 0;
    }
    switch (p->kind) {
    case RH_PAT_RANGE:
        return v->integer >= p->lo && v->integer <= p->hi;
    case RH_PAT_PREFIX:
        return is_string_type(v->type) && v->len >= p->len && memcmp(v->str, p->str, p->len) == 0;
    case RH_PAT_REGEX: {
        if (!is_string_type(v->type)) return 0;
        const char *text = v->str;
        size_t len = v->len;
        if (v->type == RESP_VERBATIM_STRING) {
            /* Matched after "fmt:", so that ^ anchors at the text. */
            if (len < 4 || memcmp(text, p->vfmt, 4) != 0) return 0;
            text += 4;
            len -= 4;
        }
        regmatch_t m = {.rm_so = 0, .rm_eo = (regoff_t)len};
        return regexec(&p->re, text, 1, &m, REG_STARTEND) == 0;
    }
    default:
        break;
    }
    switch (v->type) {
    case RESP_INTEGER:
    case RESP_BOOLEAN:
        return v->integer == p->lo;
    case RESP_NULL:
        return v->null_kind == p->null_kind;
    default:
        break;
    }
    if (!resp_type_is_aggregate(v->type))
        return v->len == p->len && memcmp(v->str, p->str, p->len) == 0;
    if (v->count != p->count) return 0;
    if (p->unordered) {
        unsigned char *used = calloc(v->count + 1, 1);
        if (used == NULL) rh_die("out of memory");
        size_t step = v->type == RESP_MAP ? 2 : 1;
        /* Pattern elements are placed against value elements. */
        int ok = match_any_order(p, NULL, v, pattern_pair, step, 0, used);
        free(used);
        return ok;
    }
    for (size_t i = 0; i < v->count; i++)
        if (!rh_pattern_match(&p->elems[i], &v->elems[i])) return 0;
    return 1;
}

static int same_pair(const rh_pattern *p, const resp_value *a, const resp_value *b) {
    return rh_pattern_same(p, a, b);
}

int rh_pattern_same(const rh_pattern *p, const resp_value *a, const resp_value *b) {
    if (p == NULL || rh_pattern_is_exact(p)) return resp_value_equal(a, b);
    if (p->kind == RH_PAT_ANY) return 1;
    if (a->type != b->type) return 0;
    if (p->kind != RH_PAT_EXACT) return 1; /* a declared matcher: same type is enough */
    if ((a->attribute == NULL) != (b->attribute == NULL)) return 0;
    if (a->attribute != NULL && !rh_pattern_same(p->attribute, a->attribute, b->attribute))
        return 0;
    if (!resp_type_is_aggregate(a->type)) return resp_value_equal(a, b);
    if (a->count != b->count) return 0;
    const int fits = p->count == a->count && p->type == a->type;
    if (p->unordered) {
        unsigned char *used = calloc(b->count + 1, 1);
        if (used == NULL) rh_die("out of memory");
        size_t step = a->type == RESP_MAP ? 2 : 1;
        int ok = match_any_order(fits ? p : NULL, a, b, same_pair, step, 0, used);
        free(used);
        return ok;
    }
    for (size_t i = 0; i < a->count; i++)
        if (!rh_pattern_same(fits ? &p->elems[i] : NULL, &a->elems[i], &b->elems[i])) return 0;
    return 1;
}
