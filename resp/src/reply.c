/* resp/src/reply.c - the incremental RESP2/RESP3 reply parser.
 *
 * The parser works element by element.  Every call starts at the first
 * byte not yet consumed, which is always the first byte of an element
 * (the header of a bulk string and its payload count as one element), so
 * the only state kept between calls is the aggregate stack, two flags
 * (inside a streamed string; an attribute awaits its value) and `scan`,
 * the part of a pending line already searched.  An element is reported,
 * and its bytes consumed, once all of them are there; an incomplete
 * element is parsed again by the next call, which is cheap because only
 * simple-string-like lines can be long and for those `scan` skips what
 * was already searched.
 *
 * Every check looks at the bytes in order and fails at the first one that
 * can no longer be part of a valid element.  That makes the outcome, and
 * the error offset, independent of how the input was split into chunks.
 *
 * Decisions the header leaves open:
 * - Integers and lengths are written as Redis writes them: no leading
 *   zeros, no signed zero, no '+' on lengths ("0", "12", "-3", "+3").
 *   A number line is therefore at most 20 characters and is rejected at
 *   the first byte that breaks this form, without waiting for its CR.
 * - Doubles follow the RESP3 grammar: [+-]digits[.digits][(e|E)[+-]digits],
 *   "inf", "-inf", "nan" or "-nan" (Redis 7.0 sends ",-nan" for a NaN
 *   with the sign bit set).  "+inf", ".5" and "5." are rejected.
 *   The text may be at most DOUBLE_TEXT_MAX bytes (%.17f of DBL_MAX needs
 *   327); longer is RESP_EBAD_DOUBLE, unless max_bulk_len is smaller, in
 *   which case RESP_ELIMIT_SIZE applies as for other lines.  Values beyond
 *   the range of double saturate to +-inf, as strtod does.
 * - Big numbers may have leading zeros; their text is not interpreted.
 * - Any aggregate may be streamed ('?'), push and attribute included; a
 *   streamed attribute, like a streamed map, needs an even element count.
 *   The element limit applies to streamed aggregates as elements arrive.
 *   A streamed string's total size is not limited, only each chunk.
 * - Push ('>') is accepted at any depth, not only at the top level.
 * - An attribute must be followed by a value at its own level: a '.'
 *   right after one is RESP_EBAD_STREAM.
 * - Option values <= 0 mean the default; max_depth is capped at
 *   RESP_REPLY_DEPTH_MAX.
 * - ev.data holds the digits of an integer as written, "t" or "f" for a
 *   boolean, and is empty (length 0, pointing into the buffer) for nulls,
 *   BEGIN and END.
 * - CHUNK events and the END of a streamed string carry the string's own
 *   depth.  END events carry the offset just past the aggregate's (or
 *   streamed string's) last byte; the frame does not record where the
 *   aggregate began.  ev.integer is 0 for END.
 * - Inside a streamed string anything but ';' is RESP_EBAD_STREAM.
 * - A NULL buffer with a non-zero length is RESP_EINVAL (sticky).
 * - Error offsets: the byte that made the input invalid; for an exceeded
 *   length or count, the digit that pushed the number over the limit; for
 *   a line without CR, the first byte beyond max_bulk_len; for depth, the
 *   aggregate's type byte; for a too-short verbatim string, the length's
 *   first digit; for a misplaced or premature '.', the '.' itself. */
#include <resp/reply.h>

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_ELEMENTS 2147483647LL
#define DEFAULT_MAX_DEPTH 64
#define DOUBLE_TEXT_MAX 400
#define FAST_LINE 64 /* simple lines this short skip read_line */

/* Returned by the readers for malformed input (they return 0 for "need
 * more bytes" and a length otherwise). */
#define BAD ((size_t)-1)

/* Forms a length line may take besides plain digits. */
#define LEN_NULL 1u   /* "-1" */
#define LEN_STREAM 2u /* "?" */
#define LEN_IS_NULL (-1LL)
#define LEN_IS_STREAM (-2LL)

static void set_options(resp_reply_options *o, const resp_reply_options *in) {
    o->max_bulk_len = RESP_BULK_MAX_DEFAULT;
    o->max_elements = DEFAULT_MAX_ELEMENTS;
    o->max_depth = DEFAULT_MAX_DEPTH;
    if (in == NULL) return;
    if (in->max_bulk_len > 0) o->max_bulk_len = in->max_bulk_len;
    if (in->max_elements > 0) o->max_elements = in->max_elements;
    if (in->max_depth > 0)
        o->max_depth = in->max_depth < RESP_REPLY_DEPTH_MAX ? in->max_depth : RESP_REPLY_DEPTH_MAX;
}

void resp_reply_init(resp_reply_parser *p, const resp_reply_options *opts) {
    memset(p, 0, sizeof *p);
    set_options(&p->opts, opts);
}

void resp_reply_reset(resp_reply_parser *p) {
    /* The stack needs no clearing: a frame is written before it is read. */
    p->error = RESP_OK;
    p->error_offset = 0;
    p->stream_offset = 0;
    p->scan = 0;
    p->in_stream_string = 0;
    p->depth = 0;
    p->pending_attribute = 0;
}

resp_error resp_reply_error(const resp_reply_parser *p) {
    return p->error;
}

uint64_t resp_reply_error_offset(const resp_reply_parser *p) {
    return p->error_offset;
}

/* ---- readers ----
 * Each takes the element at s[0..n) (s[0] is its type byte) and returns
 * its length, 0 when more bytes are needed, or BAD with *err and *at (an
 * index into s) set. */

/* The CR LF that must start at s[i]; another byte than the CR is `no_cr`.
 * Returns i + 2, 0 when more bytes are needed, or BAD. */
static inline size_t line_end(const char *s, size_t n, size_t i, resp_error no_cr,
                              resp_error *err, size_t *at) {
    if (i >= n) return 0;
    if (s[i] != '\r') {
        *err = no_cr;
        *at = i;
        return BAD;
    }
    if (i + 1 >= n) return 0;
    if (s[i + 1] != '\n') {
        *err = RESP_EBAD_LINE_END;
        *at = i + 1;
        return BAD;
    }
    return i + 2;
}

/* The digits after s[first], itself a digit already in *v, while there
 * are any and at most 19 in all (which cannot overflow 64 unsigned bits).
 * Returns the index after them. */
static inline size_t scan_digits(const char *s, size_t first, size_t n, unsigned long long *v) {
    const size_t stop = n - first > 19 ? first + 19 : n;
    unsigned long long w = *v;
    size_t i = first + 1;
    for (; i < stop; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9u) break;
        w = w * 10 + d;
    }
    *v = w;
    return i;
}

/* Out of the hot path: the digit at which the number starting at s[1]
 * (known to exceed `limit` within its first 19 digits) first exceeds it. */
static size_t len_over(const char *s, long long limit, resp_error over, resp_error *err,
                       size_t *at) {
    unsigned long long w = 0;
    for (size_t i = 1;; i++) {
        w = w * 10 + ((unsigned)(unsigned char)s[i] - '0');
        if (w > (unsigned long long)limit) {
            *err = w > (unsigned long long)LLONG_MAX ? RESP_EBAD_LENGTH : over;
            *at = i;
            return BAD;
        }
    }
}

/* A length or count line: "0" | [1-9][0-9]*, plus the forms in `flags`.
 * Values above `limit` fail with `over` at the digit that exceeds it.
 * *out is the number, LEN_IS_NULL or LEN_IS_STREAM. */
static inline size_t read_len(const char *s, size_t n, unsigned flags, long long limit,
                              resp_error over, long long *out, resp_error *err, size_t *at) {
    size_t i;
    long long v;
    if (n < 2) return 0;
    unsigned c = (unsigned char)s[1];
    if (c - '1' < 9u) {
        unsigned long long w = c - '0';
        i = scan_digits(s, 1, n, &w);
        if (w > (unsigned long long)limit) return len_over(s, limit, over, err, at);
        if (i >= n) return 0;
        if (i == 20 && (unsigned)(unsigned char)s[i] - '0' < 10u) {
            /* A 20th digit: at least 10^19, beyond any limit. */
            *err = RESP_EBAD_LENGTH;
            *at = i;
            return BAD;
        }
        v = (long long)w;
    } else if (c == '0') {
        v = 0;
        i = 2;
    } else if (c == '-' && (flags & LEN_NULL)) {
        if (n < 3) return 0;
        if (s[2] != '1') {
            *err = RESP_EBAD_LENGTH;
            *at = 2;
            return BAD;
        }
        v = LEN_IS_NULL;
        i = 3;
    } else if (c == '?' && (flags & LEN_STREAM)) {
        v = LEN_IS_STREAM;
        i = 2;
    } else {
        *err = RESP_EBAD_LENGTH;
        *at = 1;
        return BAD;
    }
    *out = v;
    return line_end(s, n, i, RESP_EBAD_LENGTH, err, at);
}

/* An integer line: [+-]?("0" | [1-9][0-9]*) within 64 bits; a signed zero
 * is rejected like any other leading zero. */
static inline size_t read_int(const char *s, size_t n, long long *out, resp_error *err,
                              size_t *at) {
    size_t i = 1;
    int neg = 0;
    unsigned long long v;
    if (n < 2) return 0;
    unsigned c = (unsigned char)s[1];
    if (c == '-' || c == '+') {
        neg = c == '-';
        if (n < 3) return 0;
        c = (unsigned char)s[2];
        i = 2;
    }
    if (c - '1' < 9u) {
        const size_t first = i;
        const unsigned long long lim =
            neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
        v = c - '0';
        i = scan_digits(s, first, n, &v);
        /* Only a 19-digit number can exceed the range; a 20th digit always
         * does. */
        if (v > lim || (i == first + 19 && i < n && (unsigned)(unsigned char)s[i] - '0' < 10u)) {
            *err = RESP_EBAD_INTEGER;
            *at = v > lim ? first + 18 : i;
            return BAD;
        }
    } else if (c == '0' && i == 1) {
        v = 0;
        i = 2;
    } else {
        *err = RESP_EBAD_INTEGER;
        *at = i;
        return BAD;
    }
    const size_t e = line_end(s, n, i, RESP_EBAD_INTEGER, err, at);
    if (e == 0 || e == BAD) return e;
    if (!neg) *out = (long long)v;
    else if (v == (unsigned long long)LLONG_MAX + 1) *out = LLONG_MIN;
    else *out = -(long long)v;
    return e;
}

/* The `len` payload bytes after a header of `hdr` bytes, then CR LF.
 * Returns the element's length, 0 or BAD (always RESP_EBAD_LINE_END). */
static inline size_t read_payload(const char *s, size_t n, size_t hdr, long long len,
                                  resp_error *err, size_t *at) {
    /* Compared as unsigned long long: len may not fit a 32-bit size_t. */
    if ((unsigned long long)(n - hdr) <= (unsigned long long)len) return 0;
    return line_end(s, n, hdr + (size_t)len, RESP_EBAD_LINE_END, err, at);
}

/* Checks t[0..n) as the beginning of a double.  Returns the index of the
 * first byte that cannot belong to one, or n; *complete tells whether
 * t[0..n) is a whole double. */
static size_t check_double(const char *t, size_t n, int *complete) {
    static const char *const literals[] = {"inf", "-inf", "nan", "-nan"};
    size_t i = 0, d0;
    *complete = 0;
    if (n == 0) return 0;
    if (t[0] == 'i' || t[0] == 'n' || (t[0] == '-' && n > 1 && (t[1] == 'i' || t[1] == 'n'))) {
        int neg = t[0] == '-';
        const char *lit = literals[(t[neg] == 'n' ? 2 : 0) + neg];
        size_t m = strlen(lit);
        for (i = 0; i < n && i < m; i++)
            if (t[i] != lit[i]) return i;
        if (n > m) return m;
        *complete = n == m;
        return n;
    }
    if (t[0] == '+' || t[0] == '-') i = 1;
    d0 = i;
    while (i < n && (unsigned)(unsigned char)t[i] - '0' < 10u) i++;
    if (i == n) {
        *complete = i > d0;
        return n;
    }
    if (i == d0) return i;
    if (t[i] == '.') {
        d0 = ++i;
        while (i < n && (unsigned)(unsigned char)t[i] - '0' < 10u) i++;
        if (i == n) {
            *complete = i > d0;
            return n;
        }
        if (i == d0) return i;
    }
    if (t[i] == 'e' || t[i] == 'E') {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        d0 = i;
        while (i < n && (unsigned)(unsigned char)t[i] - '0' < 10u) i++;
        if (i == n) {
            *complete = i > d0;
            return n;
        }
        if (i == d0) return i;
    }
    return i;
}

/* The value of a double already checked by check_double(). */
static double to_double(const char *t, size_t n) {
    char tmp[DOUBLE_TEXT_MAX + 16];
    char *end;
    if (t[0] == 'i') return HUGE_VAL;
    if (t[0] == 'n') return (double)NAN;
    if (t[0] == '-' && t[1] == 'i') return -HUGE_VAL;
    memcpy(tmp, t, n);
    tmp[n] = '\0';
    double d = strtod(tmp, &end);
    if (end == tmp + n) return d;
    /* strtod stopped early: the locale's decimal point is not '.'.  Only
     * then is localeconv() consulted, so C-locale programs never call it. */
    const char *dp = localeconv()->decimal_point;
    size_t dplen = strlen(dp);
    char *dot = memchr(tmp, '.', n);
    if (dot == NULL || dplen == 0 || dplen > 8) return d;
    size_t head = (size_t)(dot - tmp);
    memmove(dot + dplen, dot + 1, n - head); /* the tail and its NUL */
    memcpy(dot, dp, dplen);
    return strtod(tmp, NULL);
}

/* The longest line payload allowed, kept small enough to add 2 to. */
static inline size_t line_cap(const resp_reply_parser *p) {
    unsigned long long m = (unsigned long long)p->opts.max_bulk_len;
    return m > SIZE_MAX - 2 ? SIZE_MAX - 2 : (size_t)m;
}

/* The first byte of s[from..end) that cannot be in a simple string or
 * error (an LF), or 0. */
static inline size_t simple_bad(const char *s, size_t from, size_t end) {
    const char *lf = end > from ? memchr(s + from, '\n', end - from) : NULL;
    return lf != NULL ? (size_t)(lf - s) : 0;
}

/* The same for a big number, [+-]?[0-9]+; `whole`: s[end] is its CR. */
static size_t bignum_bad(const char *s, size_t from, size_t end, int whole) {
    for (size_t i = from; i < end; i++) {
        if ((unsigned)(unsigned char)s[i] - '0' < 10u) continue;
        if (i == 1 && (s[1] == '-' || s[1] == '+')) continue;
        return i;
    }
    if (whole && (end == 1 || (end == 2 && (s[1] == '-' || s[1] == '+')))) return end;
    return 0;
}

/* The same for a double, which is short: its whole text is checked each
 * time. */
static size_t double_bad(const char *s, size_t end, int whole) {
    int complete;
    size_t bad = 1 + check_double(s + 1, end - 1, &complete);
    return bad < end || (whole && !complete) ? bad : 0;
}

/* Finds the CR ending a '+', '-', ',' or '(' line and checks the bytes
 * before it.  Returns the CR's index, 0 when more bytes are needed
 * (p->scan then records how far the line has been checked), or BAD. */
static size_t read_line(resp_reply_parser *p, const char *s, size_t n, resp_type t,
                        resp_error *err, size_t *at) {
    size_t cap = line_cap(p);
    if (t == RESP_DOUBLE && cap > DOUBLE_TEXT_MAX) cap = DOUBLE_TEXT_MAX;
    /* The CR may come at index cap + 1 at the latest. */
    size_t stop = n - 1 > cap ? cap + 2 : n;
    size_t from = p->scan;
    if (from < 1 || from > stop) from = 1;
    const char *cr = from < stop ? memchr(s + from, '\r', stop - from) : NULL;
    size_t end = cr != NULL ? (size_t)(cr - s) : stop;

    size_t bad = t == RESP_DOUBLE       ? double_bad(s, end, cr != NULL)
                 : t == RESP_BIG_NUMBER ? bignum_bad(s, from, end, cr != NULL)
                                        : simple_bad(s, from, end);
    if (bad != 0) {
        *err = t == RESP_DOUBLE       ? RESP_EBAD_DOUBLE
               : t == RESP_BIG_NUMBER ? RESP_EBAD_BIGNUM
                                      : RESP_EBAD_STRING;
        *at = bad;
        return BAD;
    }
    if (cr == NULL) {
        if (stop == cap + 2) {
            *err = t == RESP_DOUBLE && cap < line_cap(p) ? RESP_EBAD_DOUBLE : RESP_ELIMIT_SIZE;
            *at = cap + 1;
            return BAD;
        }
        p->scan = stop;
        return 0;
    }
    if (end + 1 >= n) {
        p->scan = end;
        return 0;
    }
    if (s[end + 1] != '\n') {
        *err = RESP_EBAD_LINE_END;
        *at = end + 1;
        return BAD;
    }
    return end;
}

/* Type bytes that start a value (an element of an aggregate). */
static inline int is_value_type(unsigned char t) {
    switch ((resp_type)t) {
    case RESP_SIMPLE_STRING:
    case RESP_SIMPLE_ERROR:
    case RESP_INTEGER:
    case RESP_BULK_STRING:
    case RESP_ARRAY:
    case RESP_NULL:
    case RESP_BOOLEAN:
    case RESP_DOUBLE:
    case RESP_BIG_NUMBER:
    case RESP_BULK_ERROR:
    case RESP_VERBATIM_STRING:
    case RESP_MAP:
    case RESP_SET:
    case RESP_PUSH:
        return 1;
    case RESP_ATTRIBUTE: /* describes the value after it */
        return 0;
    }
    return 0;
}

/* A value starts at the current level: it counts in the open aggregate
 * (streamed frames count down from -1), and satisfies a pending
 * attribute. */
static inline void note_value(resp_reply_parser *p) {
    if (p->depth > 0) p->stack[p->depth - 1].remaining--;
    p->pending_attribute = 0;
}

/* ---- elements ----
 * One function per kind of element.  Each reads the element at c->s and
 * returns a step; when it consumed the element, c->used is its length. */

typedef struct cursor {
    resp_reply_parser *p;
    resp_event_cb cb;
    void *ud;
    const char *s;    /* the element's first byte */
    size_t n;         /* bytes from s to the end of the buffer */
    uint64_t off;     /* stream offset of s */
    size_t used;      /* the element's length */
    resp_error err;   /* STEP_ERROR: the error and its stream offset */
    uint64_t err_off;
} cursor;

typedef enum step {
    STEP_MORE,  /* the element is not all there yet */
    STEP_NEXT,  /* consumed; it completes no aggregate */
    STEP_CLOSE, /* consumed; aggregates it completes are to be closed */
    STEP_ERROR
} step;

static step fail(cursor *c, resp_error err, size_t at) {
    c->err = err;
    c->err_off = c->off + at;
    return STEP_ERROR;
}

/* An event at the current depth and the element's offset; the fields not
 * given are 0. */
static inline resp_event event(const cursor *c, resp_event_kind kind, resp_type type,
                               const char *ptr, size_t len) {
    resp_event ev = {.kind = kind, .type = type, .depth = c->p->depth, .data = {ptr, len},
                     .offset = c->off};
    return ev;
}

/* Reports an event; a refusal becomes the error, at the event's offset. */
static inline int emit(cursor *c, const resp_event *ev) {
    if (c->cb == NULL) return 1;
    resp_error rc = c->cb(c->ud, ev);
    if (rc == RESP_OK) return 1;
    c->err = rc;
    c->err_off = ev->offset;
    return 0;
}

static inline step scalar(cursor *c, resp_type type, const char *ptr, size_t len) {
    resp_event ev = event(c, RESP_EV_SCALAR, type, ptr, len);
    return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
}

/* A string value of `len` bytes after a header of `hdr` bytes. */
static inline step payload_item(cursor *c, resp_type type, size_t hdr, long long len) {
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t used = read_payload(c->s, c->n, hdr, len, &err, &at);
    if (used == 0) return STEP_MORE;
    if (used == BAD) return fail(c, err, at);
    note_value(c->p);
    c->used = used;
    return scalar(c, type, c->s + hdr, (size_t)len);
}

/* '$': a bulk string, its RESP2 null, or the start of a streamed one. */
static inline step bulk_item(cursor *c) {
    resp_reply_parser *p = c->p;
    long long v = 0;
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t h = read_len(c->s, c->n, LEN_NULL | LEN_STREAM, p->opts.max_bulk_len,
                        RESP_ELIMIT_SIZE, &v, &err, &at);
    if (h == 0) return STEP_MORE;
    if (h == BAD) return fail(c, err, at);
    if (v >= 0) return payload_item(c, RESP_BULK_STRING, h, v);
    note_value(p);
    c->used = h;
    if (v == LEN_IS_NULL) {
        resp_event ev = event(c, RESP_EV_SCALAR, RESP_NULL, c->s, 0);
        ev.null_kind = RESP_NULL_BULK;
        return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
    }
    resp_event ev = event(c, RESP_EV_BEGIN, RESP_BULK_STRING, c->s, 0);
    ev.streamed = 1;
    ev.integer = -1;
    if (!emit(c, &ev)) return STEP_ERROR;
    p->in_stream_string = 1;
    return STEP_NEXT;
}

/* Inside a streamed string: a ';' chunk, or the ";0" that ends it. */
static step stream_chunk(cursor *c) {
    resp_reply_parser *p = c->p;
    long long v = 0;
    resp_error err = RESP_OK;
    size_t at = 0;
    if (c->s[0] != ';') return fail(c, RESP_EBAD_STREAM, 0);
    size_t h = read_len(c->s, c->n, 0, p->opts.max_bulk_len, RESP_ELIMIT_SIZE, &v, &err, &at);
    if (h == 0) return STEP_MORE;
    if (h == BAD) return fail(c, err, at);
    if (v == 0) {
        p->in_stream_string = 0;
        resp_event ev = event(c, RESP_EV_END, RESP_BULK_STRING, c->s, 0);
        ev.streamed = 1;
        ev.offset = c->off + h;
        c->used = h;
        return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
    }
    size_t used = read_payload(c->s, c->n, h, v, &err, &at);
    if (used == 0) return STEP_MORE;
    if (used == BAD) return fail(c, err, at);
    resp_event ev = event(c, RESP_EV_CHUNK, RESP_BULK_STRING, c->s + h, (size_t)v);
    ev.streamed = 1;
    c->used = used;
    return emit(c, &ev) ? STEP_NEXT : STEP_ERROR;
}

/* '!' and '=': a length and that many bytes.  A verbatim string's bytes
 * start with a three-byte format and a colon ("txt:", "mkd:"), then the
 * text. */
static step blob_item(cursor *c, resp_type type) {
    const char *s = c->s;
    long long v = 0;
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t h = read_len(s, c->n, 0, c->p->opts.max_bulk_len, RESP_ELIMIT_SIZE, &v, &err, &at);
    if (h == 0) return STEP_MORE;
    if (h == BAD) return fail(c, err, at);
    if (type == RESP_VERBATIM_STRING) {
        if (v < 4) return fail(c, RESP_EBAD_VERBATIM, 1);
        if (c->n - h > 3 && s[h + 3] != ':') return fail(c, RESP_EBAD_VERBATIM, h + 3);
    }
    return payload_item(c, type, h, v);
}

/* An aggregate's header opens a frame (or is a RESP2 null array). */
static inline step aggregate_item(cursor *c, resp_type type) {
    resp_reply_parser *p = c->p;
    const int pairs = type == RESP_MAP || type == RESP_ATTRIBUTE;
    long long v = 0;
    resp_error err = RESP_OK;
    size_t at = 0;
    /* Pairs: 2 * count elements must stay within the limit. */
    size_t h = read_len(c->s, c->n, type == RESP_ARRAY ? LEN_NULL | LEN_STREAM : LEN_STREAM,
                        pairs ? p->opts.max_elements / 2 : p->opts.max_elements,
                        RESP_ELIMIT_COUNT, &v, &err, &at);
    if (h == 0) return STEP_MORE;
    if (h == BAD) return fail(c, err, at);
    c->used = h;
    if (v == LEN_IS_NULL) {
        note_value(p);
        resp_event ev = event(c, RESP_EV_SCALAR, RESP_NULL, c->s, 0);
        ev.null_kind = RESP_NULL_ARRAY;
        return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
    }
    if (p->depth >= p->opts.max_depth) return fail(c, RESP_ELIMIT_DEPTH, 0);
    const int streamed = v == LEN_IS_STREAM;
    if (type != RESP_ATTRIBUTE) note_value(p);
    resp_event ev = event(c, RESP_EV_BEGIN, type, c->s, 0);
    ev.streamed = streamed;
    ev.integer = streamed ? -1 : v;
    if (!emit(c, &ev)) return STEP_ERROR;
    resp__reply_frame *f = &p->stack[p->depth++];
    f->type = (unsigned char)type;
    f->streamed = (unsigned char)streamed;
    f->is_attribute = type == RESP_ATTRIBUTE;
    f->remaining = streamed ? -1 : pairs ? 2 * v : v;
    return STEP_CLOSE; /* an empty aggregate ends at once */
}

static inline step integer_item(cursor *c) {
    long long v = 0;
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t used = read_int(c->s, c->n, &v, &err, &at);
    if (used == 0) return STEP_MORE;
    if (used == BAD) return fail(c, err, at);
    note_value(c->p);
    c->used = used;
    resp_event ev = event(c, RESP_EV_SCALAR, RESP_INTEGER, c->s + 1, used - 3);
    ev.integer = v;
    return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
}

/* A line whose CR is at s[cr]; a double is converted only for a
 * callback. */
static inline step line_value(cursor *c, resp_type type, size_t cr) {
    note_value(c->p);
    c->used = cr + 2;
    resp_event ev = event(c, RESP_EV_SCALAR, type, c->s + 1, cr - 1);
    if (type == RESP_DOUBLE && c->cb != NULL) ev.dbl = to_double(c->s + 1, cr - 1);
    return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
}

/* '+', '-', ',' and '(' lines. */
static step line_item(cursor *c, resp_type type) {
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t cr = read_line(c->p, c->s, c->n, type, &err, &at);
    if (cr == 0) return STEP_MORE;
    if (cr == BAD) return fail(c, err, at);
    return line_value(c, type, cr);
}

/* '+' and '-': short, well-formed lines ("+OK") take a byte loop, which
 * beats two memchr calls.  Anything else (long, bad, partial) goes
 * through read_line, which decides the outcome. */
static inline step simple_item(cursor *c, resp_type type) {
    const char *s = c->s;
    const size_t n = c->n;
    if (c->p->scan == 0 && c->p->opts.max_bulk_len >= FAST_LINE) {
        size_t lim = n < FAST_LINE ? n : FAST_LINE, i = 1;
        while (i < lim && s[i] != '\r' && s[i] != '\n') i++;
        if (i < lim && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            return line_value(c, type, i);
    }
    return line_item(c, type);
}

static step null_item(cursor *c) {
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t used = line_end(c->s, c->n, 1, RESP_EBAD_NULL, &err, &at);
    if (used == 0) return STEP_MORE;
    if (used == BAD) return fail(c, err, at);
    note_value(c->p);
    c->used = used;
    return scalar(c, RESP_NULL, c->s, 0);
}

static step boolean_item(cursor *c) {
    const char *s = c->s;
    resp_error err = RESP_OK;
    size_t at = 0;
    if (c->n < 2) return STEP_MORE;
    if (s[1] != 't' && s[1] != 'f') return fail(c, RESP_EBAD_BOOLEAN, 1);
    size_t used = line_end(s, c->n, 2, RESP_EBAD_BOOLEAN, &err, &at);
    if (used == 0) return STEP_MORE;
    if (used == BAD) return fail(c, err, at);
    note_value(c->p);
    c->used = used;
    resp_event ev = event(c, RESP_EV_SCALAR, RESP_BOOLEAN, s + 1, 1);
    ev.integer = s[1] == 't';
    return emit(c, &ev) ? STEP_CLOSE : STEP_ERROR;
}

/* '.' ends a streamed aggregate.  Checked at the '.', before its line
 * end: each condition depends only on what came before it. */
static step stream_end(cursor *c) {
    resp_reply_parser *p = c->p;
    const resp__reply_frame *f = p->depth > 0 ? &p->stack[p->depth - 1] : NULL;
    if (f == NULL || !f->streamed || p->pending_attribute ||
        ((f->type == RESP_MAP || f->is_attribute) && ((-1 - f->remaining) & 1)))
        return fail(c, RESP_EBAD_STREAM, 0);
    resp_error err = RESP_OK;
    size_t at = 0;
    size_t used = line_end(c->s, c->n, 1, RESP_EBAD_STREAM, &err, &at);
    if (used == 0) return STEP_MORE;
    if (used == BAD) return fail(c, err, at);
    p->depth--;
    resp_event ev = event(c, RESP_EV_END, (resp_type)f->type, c->s, 0);
    ev.streamed = 1;
    ev.offset = c->off + used;
    if (!emit(c, &ev)) return STEP_ERROR;
    c->used = used;
    if (!f->is_attribute) return STEP_CLOSE;
    p->pending_attribute = 1; /* not a value: the parent waits for one */
    return STEP_NEXT;
}

/* A streamed aggregate has no declared count to check against, so its
 * limit is enforced as soon as one element too many starts. */
static inline int over_stream_limit(const resp_reply_parser *p, unsigned char t) {
    if (p->depth == 0) return 0;
    const resp__reply_frame *f = &p->stack[p->depth - 1];
    return f->remaining < 0 && -1 - f->remaining >= p->opts.max_elements && is_value_type(t);
}

/* The element at c->s, by its type byte. */
static inline step element(cursor *c) {
    const unsigned char t = (unsigned char)c->s[0];
    if (over_stream_limit(c->p, t)) return fail(c, RESP_ELIMIT_COUNT, 0);
    switch ((resp_type)t) {
    case RESP_BULK_STRING: return bulk_item(c);
    case RESP_INTEGER: return integer_item(c);
    case RESP_SIMPLE_STRING:
    case RESP_SIMPLE_ERROR: return simple_item(c, (resp_type)t);
    case RESP_DOUBLE:
    case RESP_BIG_NUMBER: return line_item(c, (resp_type)t);
    case RESP_ARRAY:
    case RESP_MAP:
    case RESP_SET:
    case RESP_ATTRIBUTE:
    case RESP_PUSH: return aggregate_item(c, (resp_type)t);
    case RESP_BULK_ERROR:
    case RESP_VERBATIM_STRING: return blob_item(c, (resp_type)t);
    case RESP_NULL: return null_item(c);
    case RESP_BOOLEAN: return boolean_item(c);
    }
    /* Not a type byte. */
    if (t == '.') return stream_end(c);
    return fail(c, t == ';' ? RESP_EBAD_STREAM : RESP_EBAD_TYPE, 0);
}

/* Closes every counted aggregate whose last element has just ended; `at`
 * and `off` are where the next element would start.  Returns whether
 * the top-level reply is complete, or RESP_REPLY_ERROR for a refusal. */
static inline resp_reply_status close_finished(cursor *c, const char *at, uint64_t off) {
    resp_reply_parser *p = c->p;
    while (p->depth > 0) {
        const resp__reply_frame *f = &p->stack[p->depth - 1];
        if (f->remaining != 0) return RESP_REPLY_INCOMPLETE;
        p->depth--;
        resp_event ev = {.kind = RESP_EV_END, .type = (resp_type)f->type, .depth = p->depth,
                         .data = {at, 0}, .offset = off};
        if (!emit(c, &ev)) return RESP_REPLY_ERROR;
        if (f->is_attribute) {
            /* Not a value: the parent waits for the one it describes. */
            p->pending_attribute = 1;
            return RESP_REPLY_INCOMPLETE;
        }
    }
    return RESP_REPLY_COMPLETE;
}

resp_reply_status resp_reply_parse(resp_reply_parser *p, const char *buf, size_t len,
                                   size_t *consumed, resp_event_cb cb, void *ud) {
    const uint64_t base = p->stream_offset;
    cursor c = {.p = p, .cb = cb, .ud = ud};
    size_t pos = 0; /* start of the element being read */
    resp_reply_status status = RESP_REPLY_INCOMPLETE;

    *consumed = 0;
    if (p->error != RESP_OK) return RESP_REPLY_ERROR;
    if (buf == NULL && len != 0) {
        c.err = RESP_EINVAL;
        c.err_off = base;
        status = RESP_REPLY_ERROR;
    }
    while (status == RESP_REPLY_INCOMPLETE && pos < len) {
        c.s = buf + pos;
        c.n = len - pos;
        c.off = base + pos;
        const step st = p->in_stream_string ? stream_chunk(&c) : element(&c);
        if (st == STEP_MORE) break;
        if (st == STEP_ERROR) {
            status = RESP_REPLY_ERROR;
            break;
        }
        pos += c.used;
        p->scan = 0;
        if (st == STEP_CLOSE) status = close_finished(&c, buf + pos, base + pos);
    }
    *consumed = pos;
    p->stream_offset = base + pos;
    if (status == RESP_REPLY_ERROR) {
        p->error = c.err;
        p->error_offset = c.err_off;
    }
    return status;
}
