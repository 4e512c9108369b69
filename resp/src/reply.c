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

#define DEFAULT_MAX_BULK (512LL * 1024 * 1024)
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
    o->max_bulk_len = DEFAULT_MAX_BULK;
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
    if (i >= n) return 0;
    if (s[i] != '\r') {
        *err = RESP_EBAD_LENGTH;
        *at = i;
        return BAD;
    }
    if (i + 1 >= n) return 0;
    if (s[i + 1] != '\n') {
        *err = RESP_EBAD_LINE_END;
        *at = i + 1;
        return BAD;
    }
    *out = v;
    return i + 2;
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
    if (i >= n) return 0;
    if (s[i] != '\r') {
        *err = RESP_EBAD_INTEGER;
        *at = i;
        return BAD;
    }
    if (i + 1 >= n) return 0;
    if (s[i + 1] != '\n') {
        *err = RESP_EBAD_LINE_END;
        *at = i + 1;
        return BAD;
    }
    if (!neg) *out = (long long)v;
    else if (v == (unsigned long long)LLONG_MAX + 1) *out = LLONG_MIN;
    else *out = -(long long)v;
    return i + 2;
}

/* The `len` payload bytes after a header of `hdr` bytes, then CR LF.
 * Returns the element's length, 0 or BAD (always RESP_EBAD_LINE_END). */
static inline size_t read_payload(const char *s, size_t n, size_t hdr, long long len,
                                  size_t *at) {
    size_t have = n - hdr;
    /* Compared as unsigned long long: len may not fit a 32-bit size_t. */
    if ((unsigned long long)have <= (unsigned long long)len) return 0;
    size_t e = hdr + (size_t)len;
    if (s[e] != '\r') {
        *at = e;
        return BAD;
    }
    if (e + 1 >= n) return 0;
    if (s[e + 1] != '\n') {
        *at = e + 1;
        return BAD;
    }
    return e + 2;
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

/* Finds the CR ending a '+', '-', ',' or '(' line and checks the bytes
 * before it.  Returns the CR's index, 0 when more bytes are needed
 * (p->scan then records how far the line has been checked), or BAD. */
static size_t read_line(resp_reply_parser *p, const char *s, size_t n, unsigned char t,
                        resp_error *err, size_t *at) {
    size_t cap = line_cap(p);
    if (t == ',' && cap > DOUBLE_TEXT_MAX) cap = DOUBLE_TEXT_MAX;
    /* The CR may come at index cap + 1 at the latest. */
    size_t stop = n - 1 > cap ? cap + 2 : n;
    size_t from = p->scan;
    if (from < 1 || from > stop) from = 1;
    const char *cr = from < stop ? memchr(s + from, '\r', stop - from) : NULL;
    size_t end = cr != NULL ? (size_t)(cr - s) : stop;

    switch (t) {
    case '+':
    case '-': {
        const char *lf = end > from ? memchr(s + from, '\n', end - from) : NULL;
        if (lf != NULL) {
            *err = RESP_EBAD_STRING;
            *at = (size_t)(lf - s);
            return BAD;
        }
        break;
    }
    case '(': {
        for (size_t i = from; i < end; i++) {
            if ((unsigned)(unsigned char)s[i] - '0' < 10u) continue;
            if (i == 1 && (s[1] == '-' || s[1] == '+')) continue;
            *err = RESP_EBAD_BIGNUM;
            *at = i;
            return BAD;
        }
        if (cr != NULL && (end == 1 || (end == 2 && (s[1] == '-' || s[1] == '+')))) {
            *err = RESP_EBAD_BIGNUM;
            *at = end;
            return BAD;
        }
        break;
    }
    default: { /* ',': short, so the whole text is checked each time */
        int complete;
        size_t bad = 1 + check_double(s + 1, end - 1, &complete);
        if (bad < end || (cr != NULL && !complete)) {
            *err = RESP_EBAD_DOUBLE;
            *at = bad;
            return BAD;
        }
        break;
    }
    }

    if (cr == NULL) {
        if (stop == cap + 2) {
            *err = t == ',' && cap < line_cap(p) ? RESP_EBAD_DOUBLE : RESP_ELIMIT_SIZE;
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
static int is_value_type(unsigned char t) {
    switch (t) {
    case '+': case '-': case ':': case '$': case '*': case '_': case '#':
    case ',': case '(': case '!': case '=': case '%': case '~': case '>':
        return 1;
    default:
        return 0;
    }
}

/* A value starts at the current level: it counts in the open aggregate
 * (streamed frames count down from -1), and satisfies a pending
 * attribute. */
static inline void note_value(resp_reply_parser *p) {
    if (p->depth > 0) p->stack[p->depth - 1].remaining--;
    p->pending_attribute = 0;
}

/* Reports an event; on a refusal the callback's code becomes the error
 * and the event's offset the error offset.  The arguments are evaluated
 * only when there is a callback (a double is converted only then). */
#define EMIT(kind_, type_, depth_, streamed_, null_, ptr_, len_, int_, dbl_, off_) \
    do {                                                                            \
        if (cb != NULL) {                                                           \
            resp_event ev_;                                                         \
            ev_.kind = (kind_);                                                     \
            ev_.type = (resp_type)(type_);                                          \
            ev_.depth = (depth_);                                                   \
            ev_.streamed = (streamed_);                                             \
            ev_.null_kind = (null_);                                                \
            ev_.data.ptr = (ptr_);                                                  \
            ev_.data.len = (len_);                                                  \
            ev_.integer = (int_);                                                   \
            ev_.dbl = (dbl_);                                                       \
            ev_.offset = (off_);                                                    \
            resp_error rc_ = cb(ud, &ev_);                                          \
            if (rc_ != RESP_OK) {                                                   \
                err = rc_;                                                          \
                err_off = ev_.offset;                                               \
                goto refused;                                                       \
            }                                                                       \
        }                                                                           \
    } while (0)

resp_reply_status resp_reply_parse(resp_reply_parser *p, const char *buf, size_t len,
                                   size_t *consumed, resp_event_cb cb, void *ud) {
    const uint64_t base = p->stream_offset;
    size_t pos = 0;  /* start of the element being read */
    size_t used = 0; /* its length, once known */
    size_t at = 0;   /* error: index of the bad byte within the element */
    uint64_t err_off = 0;
    resp_error err = RESP_OK;
    long long v = 0;

    *consumed = 0;
    if (p->error != RESP_OK) return RESP_REPLY_ERROR;
    if (buf == NULL && len != 0) {
        err = RESP_EINVAL;
        goto fail;
    }

    for (;;) {
        if (pos == len) goto more;
        const char *s = buf + pos;
        const size_t n = len - pos;
        const uint64_t off = base + pos;
        const unsigned char t = (unsigned char)s[0];
        const int depth = p->depth;
        size_t h;

        if (p->in_stream_string) {
            if (t != ';') {
                err = RESP_EBAD_STREAM;
                goto fail;
            }
            h = read_len(s, n, 0, p->opts.max_bulk_len, RESP_ELIMIT_SIZE, &v, &err, &at);
            if (h == 0) goto more;
            if (h == BAD) goto fail;
            if (v == 0) {
                p->in_stream_string = 0;
                EMIT(RESP_EV_END, RESP_BULK_STRING, depth, 1, RESP_NULL_RESP3, s, 0, 0, 0.0,
                     off + h);
                used = h;
                goto value_done;
            }
            used = read_payload(s, n, h, v, &at);
            if (used == 0) goto more;
            if (used == BAD) {
                err = RESP_EBAD_LINE_END;
                goto fail;
            }
            EMIT(RESP_EV_CHUNK, RESP_BULK_STRING, depth, 1, RESP_NULL_RESP3, s + h, (size_t)v,
                 0, 0.0, off);
            pos += used;
            p->scan = 0;
            continue;
        }

        /* A streamed aggregate has no declared count to check against, so
         * its limit is enforced as soon as one element too many starts. */
        if (depth > 0) {
            const resp__reply_frame *f = &p->stack[depth - 1];
            if (f->remaining < 0 && -1 - f->remaining >= p->opts.max_elements &&
                is_value_type(t)) {
                err = RESP_ELIMIT_COUNT;
                goto fail;
            }
        }

        switch (t) {
        case '$':
            h = read_len(s, n, LEN_NULL | LEN_STREAM, p->opts.max_bulk_len, RESP_ELIMIT_SIZE, &v,
                         &err, &at);
            if (h == 0) goto more;
            if (h == BAD) goto fail;
            if (v >= 0) {
                used = read_payload(s, n, h, v, &at);
                if (used == 0) goto more;
                if (used == BAD) {
                    err = RESP_EBAD_LINE_END;
                    goto fail;
                }
                note_value(p);
                EMIT(RESP_EV_SCALAR, RESP_BULK_STRING, depth, 0, RESP_NULL_RESP3, s + h,
                     (size_t)v, 0, 0.0, off);
                goto value_done;
            }
            note_value(p);
            if (v == LEN_IS_NULL) {
                EMIT(RESP_EV_SCALAR, RESP_NULL, depth, 0, RESP_NULL_BULK, s, 0, 0, 0.0, off);
                used = h;
                goto value_done;
            }
            EMIT(RESP_EV_BEGIN, RESP_BULK_STRING, depth, 1, RESP_NULL_RESP3, s, 0, -1, 0.0, off);
            p->in_stream_string = 1;
            pos += h;
            p->scan = 0;
            continue;

        case '*':
            h = read_len(s, n, LEN_NULL | LEN_STREAM, p->opts.max_elements, RESP_ELIMIT_COUNT,
                         &v, &err, &at);
            goto aggregate;
        case '%':
        case '|':
            /* Pairs: 2 * count elements must stay within the limit. */
            h = read_len(s, n, LEN_STREAM, p->opts.max_elements / 2, RESP_ELIMIT_COUNT, &v, &err,
                         &at);
            goto aggregate;
        case '~':
        case '>':
            h = read_len(s, n, LEN_STREAM, p->opts.max_elements, RESP_ELIMIT_COUNT, &v, &err,
                         &at);
        aggregate:
            if (h == 0) goto more;
            if (h == BAD) goto fail;
            if (v == LEN_IS_NULL) {
                note_value(p);
                EMIT(RESP_EV_SCALAR, RESP_NULL, depth, 0, RESP_NULL_ARRAY, s, 0, 0, 0.0, off);
                used = h;
                goto value_done;
            }
            if (depth >= p->opts.max_depth) {
                err = RESP_ELIMIT_DEPTH;
                at = 0;
                goto fail;
            }
            {
                const int streamed = v == LEN_IS_STREAM;
                const int attribute = t == '|';
                if (!attribute) note_value(p);
                EMIT(RESP_EV_BEGIN, t, depth, streamed, RESP_NULL_RESP3, s, 0, streamed ? -1 : v,
                     0.0, off);
                resp__reply_frame *f = &p->stack[depth];
                f->type = t;
                f->streamed = (unsigned char)streamed;
                f->is_attribute = (unsigned char)attribute;
                f->remaining = streamed ? -1 : (t == '%' || attribute) ? 2 * v : v;
                p->depth = depth + 1;
            }
            pos += h;
            p->scan = 0;
            goto cascade; /* an empty aggregate ends at once */

        case ':': {
            long long iv = 0;
            used = read_int(s, n, &iv, &err, &at);
            if (used == 0) goto more;
            if (used == BAD) goto fail;
            note_value(p);
            EMIT(RESP_EV_SCALAR, RESP_INTEGER, depth, 0, RESP_NULL_RESP3, s + 1, used - 3, iv, 0.0,
                 off);
            goto value_done;
        }

        case '+':
        case '-':
            /* Fast path for short, well-formed lines ("+OK"): a byte loop
             * beats two memchr calls.  Anything else (long, bad, partial)
             * goes through read_line, which decides the outcome. */
            if (p->scan == 0 && p->opts.max_bulk_len >= FAST_LINE) {
                size_t lim = n < FAST_LINE ? n : FAST_LINE, i = 1;
                while (i < lim && s[i] != '\r' && s[i] != '\n') i++;
                if (i < lim && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
                    h = i;
                    goto line_done;
                }
            }
            goto any_line;
        case ',':
        case '(':
        any_line:
            h = read_line(p, s, n, t, &err, &at);
            if (h == 0) goto more;
            if (h == BAD) goto fail;
        line_done:
            note_value(p);
            EMIT(RESP_EV_SCALAR, t, depth, 0, RESP_NULL_RESP3, s + 1, h - 1, 0,
                 t == ',' ? to_double(s + 1, h - 1) : 0.0, off);
            used = h + 2;
            goto value_done;

        case '!':
        case '=':
            h = read_len(s, n, 0, p->opts.max_bulk_len, RESP_ELIMIT_SIZE, &v, &err, &at);
            if (h == 0) goto more;
            if (h == BAD) goto fail;
            if (t == '=') {
                /* "xxx:" comes first: the format, then the text. */
                if (v < 4) {
                    err = RESP_EBAD_VERBATIM;
                    at = 1;
                    goto fail;
                }
                if (n - h > 3 && s[h + 3] != ':') {
                    err = RESP_EBAD_VERBATIM;
                    at = h + 3;
                    goto fail;
                }
            }
            used = read_payload(s, n, h, v, &at);
            if (used == 0) goto more;
            if (used == BAD) {
                err = RESP_EBAD_LINE_END;
                goto fail;
            }
            note_value(p);
            EMIT(RESP_EV_SCALAR, t, depth, 0, RESP_NULL_RESP3, s + h, (size_t)v, 0, 0.0, off);
            goto value_done;

        case '_':
            if (n < 2) goto more;
            if (s[1] != '\r') {
                err = RESP_EBAD_NULL;
                at = 1;
                goto fail;
            }
            if (n < 3) goto more;
            if (s[2] != '\n') {
                err = RESP_EBAD_LINE_END;
                at = 2;
                goto fail;
            }
            note_value(p);
            EMIT(RESP_EV_SCALAR, RESP_NULL, depth, 0, RESP_NULL_RESP3, s, 0, 0, 0.0, off);
            used = 3;
            goto value_done;

        case '#':
            if (n < 2) goto more;
            if (s[1] != 't' && s[1] != 'f') {
                err = RESP_EBAD_BOOLEAN;
                at = 1;
                goto fail;
            }
            if (n < 3) goto more;
            if (s[2] != '\r') {
                err = RESP_EBAD_BOOLEAN;
                at = 2;
                goto fail;
            }
            if (n < 4) goto more;
            if (s[3] != '\n') {
                err = RESP_EBAD_LINE_END;
                at = 3;
                goto fail;
            }
            note_value(p);
            EMIT(RESP_EV_SCALAR, RESP_BOOLEAN, depth, 0, RESP_NULL_RESP3, s + 1, 1, s[1] == 't',
                 0.0, off);
            used = 4;
            goto value_done;

        case '.': {
            resp__reply_frame *f = depth > 0 ? &p->stack[depth - 1] : NULL;
            /* Checked at the '.', before its line end: each depends only
             * on what came before it. */
            if (f == NULL || !f->streamed || p->pending_attribute ||
                ((f->type == '%' || f->is_attribute) && ((-1 - f->remaining) & 1))) {
                err = RESP_EBAD_STREAM;
                goto fail;
            }
            if (n < 2) goto more;
            if (s[1] != '\r') {
                err = RESP_EBAD_STREAM;
                at = 1;
                goto fail;
            }
            if (n < 3) goto more;
            if (s[2] != '\n') {
                err = RESP_EBAD_LINE_END;
                at = 2;
                goto fail;
            }
            p->depth = depth - 1;
            EMIT(RESP_EV_END, f->type, depth - 1, 1, RESP_NULL_RESP3, s, 0, 0, 0.0, off + 3);
            pos += 3;
            p->scan = 0;
            if (f->is_attribute) {
                p->pending_attribute = 1;
                continue;
            }
            goto cascade;
        }

        case ';':
            err = RESP_EBAD_STREAM;
            goto fail;

        default:
            err = RESP_EBAD_TYPE;
            goto fail;
        }

    value_done:
        pos += used;
        p->scan = 0;
    cascade:
        /* Close every counted aggregate whose last element just ended. */
        for (;;) {
            if (p->depth == 0) goto complete;
            resp__reply_frame *f = &p->stack[p->depth - 1];
            if (f->remaining != 0) break;
            p->depth--;
            EMIT(RESP_EV_END, f->type, p->depth, 0, RESP_NULL_RESP3, buf + pos, 0, 0, 0.0,
                 base + pos);
            if (f->is_attribute) {
                /* Not a value: the parent waits for the one it describes. */
                p->pending_attribute = 1;
                break;
            }
        }
    }

complete:
    *consumed = pos;
    p->stream_offset = base + pos;
    p->scan = 0;
    return RESP_REPLY_COMPLETE;

more:
    *consumed = pos;
    p->stream_offset = base + pos;
    return RESP_REPLY_INCOMPLETE;

fail:
    err_off = base + pos + at;
refused:
    p->error = err;
    p->error_offset = err_off;
    p->stream_offset = base + pos;
    *consumed = pos;
    return RESP_REPLY_ERROR;
}
