/* resp/src/request.c - the request parser (what a server reads).
 *
 * Mirrors how Redis 7.0 frames requests, including where it is lenient:
 * - a header line ends at the first CR; the byte after it is required but
 *   not checked, and neither are the two bytes after a bulk payload;
 * - line searches stop at a NUL byte (Redis uses strchr), so a NUL before
 *   the line end means the line never completes: it waits until more than
 *   64 KiB are buffered and then fails with the "too big" error;
 * - the 64 KiB line limits apply to what is buffered when no line end has
 *   been found, so a longer line that arrives whole is accepted.
 * Strict mode turns each leniency into an error, and applies the line
 * limits whatever the chunking. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <resp/request.h>

#include "internal.h"

enum state {
    ST_START,      /* between commands */
    ST_INLINE,     /* waiting for an inline line's LF */
    ST_COUNT,      /* waiting for the multibulk count line */
    ST_BULK_LEN,   /* waiting for a "$len" line */
    ST_BULK_DATA   /* waiting for a payload and its two trailing bytes */
};

/* What a state's step did.  The first three are resp_request_status
 * values, which the call returns. */
typedef enum step {
    STEP_ERROR = RESP_REQ_ERROR,
    STEP_MORE = RESP_REQ_INCOMPLETE,
    STEP_COMMAND = RESP_REQ_COMMAND,
    STEP_NEXT /* the state moved on: go on reading */
} step;

/* One call's input; the command being read starts at buf + base. */
typedef struct input {
    const char *buf;
    size_t len;
    size_t base;
    resp_command *cmd;
} input;

/* A line whose search met a NUL first can never complete. */
#define SCAN_BLOCKED ((size_t)-1)

/* While a multibulk command is incomplete its arguments are kept as
 * offsets (the caller may move its buffer between calls); when it
 * completes they are turned into spans in place. */
union resp__request_slot {
    resp_span span;
    struct {
        size_t off;
        size_t len;
    } raw;
};

_Static_assert(sizeof(union resp__request_slot) == sizeof(resp_span),
               "argv is exposed as an array of the slots' span members");

void resp_request_init(resp_request_parser *p, const resp_request_options *opts) {
    memset(p, 0, sizeof *p);
    if (opts != NULL) p->opts = *opts;
    if (p->opts.max_bulk_len <= 0) p->opts.max_bulk_len = RESP_BULK_MAX_DEFAULT;
    p->bulk_len = -1;
}

void resp_request_free(resp_request_parser *p) {
    resp__free(p->opts.alloc, p->slots);
    resp__free(p->opts.alloc, p->scratch);
    p->slots = NULL;
    p->slots_cap = 0;
    p->scratch = NULL;
    p->scratch_cap = 0;
    resp_request_reset(p);
}

void resp_request_reset(resp_request_parser *p) {
    p->error = RESP_OK;
    p->error_offset = 0;
    p->error_byte = 0;
    p->stream_offset = 0;
    p->state = ST_START;
    p->pos = 0;
    p->scan = 0;
    p->remaining = 0;
    p->bulk_len = -1;
    p->nslots = 0;
}

void resp_request_set_require_auth(resp_request_parser *p, int on) {
    p->opts.require_auth = on;
}

resp_request_progress resp_request_partial(const resp_request_parser *p) {
    resp_request_progress r = {0, 0, -1};
    if (p->state != ST_BULK_LEN && p->state != ST_BULK_DATA) return r;
    r.parsed = p->pos;
    for (size_t i = 0; i < p->nslots; i++) r.args += p->slots[i].raw.len;
    if (p->state == ST_BULK_DATA) r.bulk = p->bulk_len;
    return r;
}

resp_error resp_request_error(const resp_request_parser *p) {
    return p->error;
}

uint64_t resp_request_error_offset(const resp_request_parser *p) {
    return p->error_offset;
}

size_t resp_request_format_error(const resp_request_parser *p, char *out, size_t cap) {
    int n;
    if (p->error == RESP_EEXPECTED_DOLLAR) {
        /* Redis turns CR and LF in error texts into spaces. */
        char c = (char)p->error_byte;
        if (c == '\r' || c == '\n') c = ' ';
        n = snprintf(out, cap, "ERR Protocol error: expected '$', got '%c'", c);
    } else {
        n = snprintf(out, cap, "ERR Protocol error: %s", resp_strerror(p->error));
    }
    return n < 0 ? 0 : (size_t)n;
}

/* `at` is an index into the call's buffer. */
static step fail(resp_request_parser *p, resp_error err, size_t at) {
    p->error = err;
    p->error_offset = p->stream_offset + at;
    return STEP_ERROR;
}

static int grow_slots(resp_request_parser *p) {
    if (p->nslots < p->slots_cap) return 1;
    size_t cap = p->slots_cap != 0 ? p->slots_cap * 2 : 8;
    if (cap > SIZE_MAX / sizeof *p->slots) return 0;
    union resp__request_slot *s = resp__realloc(p->opts.alloc, p->slots, cap * sizeof *s);
    if (s == NULL) return 0;
    p->slots = s;
    p->slots_cap = cap;
    return 1;
}

/* Looks for `term` in line[scan..avail), stopping at a NUL as strchr
 * would.  Returns the terminator's index, or -1 with *scan advanced (or
 * set to SCAN_BLOCKED when a NUL was met). */
static long long find_line_end(const char *line, size_t avail, size_t *scan, char term) {
    if (*scan == SCAN_BLOCKED) return -1;
    size_t i = *scan;
    /* Header lines ("$16") are short: one plain loop beats two memchr. */
    size_t quick = avail - i < 32 ? avail : i + 32;
    for (; i < quick; i++) {
        if (line[i] == term) return (long long)i;
        if (line[i] == '\0') {
            *scan = SCAN_BLOCKED;
            return -1;
        }
    }
    const char *from = line + i;
    size_t n = avail - i;
    const char *t = memchr(from, term, n);
    size_t upto = t != NULL ? (size_t)(t - from) : n;
    if (memchr(from, '\0', upto) != NULL) {
        *scan = SCAN_BLOCKED;
        return -1;
    }
    if (t == NULL) {
        *scan = avail;
        return -1;
    }
    return (long long)(t - line);
}

/* ---- inline commands ---- */

static int is_blank(unsigned char c) {
    /* isspace() in the C locale, which is what Redis's splitter uses. */
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* What "\c" stands for inside double quotes. */
static unsigned char unescape(unsigned char c) {
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
    }
}

/* The byte at index n reads as NUL, as at the end of a C string. */
#define AT(k) ((k) < n ? (unsigned char)line[(k)] : 0u)

/* The quoted part of a token, from its opening quote at line[i]: appends
 * it unescaped to out[*olen..].  Returns the index after the closing
 * quote, or 0 when the quotes do not balance. */
static size_t unquote(const char *line, size_t n, size_t i, char *out, size_t *olen) {
    const int double_quoted = AT(i) == '"';
    size_t k = *olen;
    i++;
    for (;;) {
        unsigned char c = AT(i);
        if (c == 0) return 0; /* line ended inside quotes */
        if (double_quoted && c == '\\' && AT(i + 1) == 'x' && hex_value(AT(i + 2)) >= 0 &&
            hex_value(AT(i + 3)) >= 0) {
            out[k++] = (char)(hex_value(AT(i + 2)) * 16 + hex_value(AT(i + 3)));
            i += 4;
        } else if (double_quoted && c == '\\' && AT(i + 1) != 0) {
            out[k++] = (char)unescape(AT(i + 1));
            i += 2;
        } else if (!double_quoted && c == '\\' && AT(i + 1) == '\'') {
            out[k++] = '\'';
            i += 2;
        } else if (c == (double_quoted ? '"' : '\'')) {
            /* The closing quote must end the token. */
            if (AT(i + 1) != 0 && !is_blank(AT(i + 1))) return 0;
            *olen = k;
            return i + 1;
        } else {
            out[k++] = (char)c;
            i++;
        }
    }
}

/* Splits line[0..n) into arguments with Redis's rules (sdssplitargs).
 * Tokens without quotes are spans into the line; tokens with quotes are
 * unescaped into p->scratch.  Returns RESP_OK, RESP_EUNBALANCED_QUOTES or
 * RESP_ENOMEM. */
static resp_error split_inline(resp_request_parser *p, const char *line, size_t n) {
    size_t i = 0;
    size_t scratch_used = 0;
    p->nslots = 0;
    for (;;) {
        while (i < n && is_blank(AT(i))) i++;
        if (i == n) break;
        if (!grow_slots(p)) return RESP_ENOMEM;

        /* Fast path: a token with no quote is taken as it stands. */
        size_t start = i;
        while (i < n) {
            unsigned char c = AT(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '"' || c == '\'') break;
            i++;
        }
        if (i == n || (AT(i) != '"' && AT(i) != '\'')) {
            p->slots[p->nslots].span.ptr = line + start;
            p->slots[p->nslots].span.len = i - start;
            p->nslots++;
            continue;
        }

        /* Quoted: unescape into scratch.  It is sized for the whole line
         * before the line's first quoted token, so it never moves while
         * spans point into it. */
        if (p->scratch_cap < n) {
            char *s = resp__realloc(p->opts.alloc, p->scratch, n);
            if (s == NULL) return RESP_ENOMEM;
            p->scratch = s;
            p->scratch_cap = n;
        }
        char *out = p->scratch + scratch_used;
        size_t olen = i - start;
        memcpy(out, line + start, olen);
        i = unquote(line, n, i, out, &olen);
        if (i == 0) return RESP_EUNBALANCED_QUOTES;
        p->slots[p->nslots].span.ptr = out;
        p->slots[p->nslots].span.len = olen;
        p->nslots++;
        scratch_used += olen;
    }
    return RESP_OK;
}
#undef AT

/* ---- the parser: one function per state ---- */

/* Finds the end of the header line at the command's byte p->pos: the LF
 * of an inline line, or a CR and the byte after it (which may be
 * anything).  Returns STEP_NEXT with *end the terminator's index in the
 * line, STEP_MORE, or STEP_ERROR: a NUL met in strict mode, or more than
 * RESP_INLINE_MAX bytes buffered without a line end (`too_big`; strict
 * mode applies the limit to a whole line too). */
static step header_line(resp_request_parser *p, const input *in, char term, resp_error too_big,
                        size_t *end) {
    const size_t at = in->base + p->pos;
    const char *line = in->buf + at;
    const size_t avail = in->len - at;
    long long e = find_line_end(line, avail, &p->scan, term);
    if (e >= 0 && term == '\r' && (size_t)e + 1 >= avail) {
        p->scan = (size_t)e; /* the CR's next byte is due */
        e = -1;
    }
    if (e < 0) {
        if (p->scan == SCAN_BLOCKED && p->opts.strict) {
            const char *nul = memchr(line, '\0', avail);
            return fail(p, RESP_ESTRICT_NUL, at + (size_t)(nul - line));
        }
        if (avail > RESP_INLINE_MAX) return fail(p, too_big, at + RESP_INLINE_MAX);
        return STEP_MORE;
    }
    if (p->opts.strict && (size_t)e > RESP_INLINE_MAX)
        return fail(p, too_big, at + RESP_INLINE_MAX);
    *end = (size_t)e;
    return STEP_NEXT;
}

static step start_command(resp_request_parser *p, const input *in) {
    if (in->base == in->len) return STEP_MORE;
    p->pos = 0;
    p->scan = 0;
    p->nslots = 0;
    p->state = in->buf[in->base] == '*' ? ST_COUNT : ST_INLINE;
    return STEP_NEXT;
}

static step inline_command(resp_request_parser *p, input *in) {
    const char *line = in->buf + in->base;
    size_t n;
    step st = header_line(p, in, '\n', RESP_EINLINE_TOO_BIG, &n);
    if (st != STEP_NEXT) return st;
    const size_t line_len = n + 1;
    if (n > 0 && line[n - 1] == '\r') n--;
    resp_error err = split_inline(p, line, n);
    if (err != RESP_OK) return fail(p, err, in->base);
    in->base += line_len;
    p->state = ST_START;
    if (p->nslots == 0) return STEP_NEXT; /* empty command: no reply */
    in->cmd->argc = p->nslots;
    in->cmd->argv = &p->slots[0].span;
    in->cmd->is_inline = 1;
    return STEP_COMMAND;
}

static step count_line(resp_request_parser *p, input *in) {
    const char *line = in->buf + in->base;
    size_t cr;
    step st = header_line(p, in, '\r', RESP_EMBULK_COUNT_TOO_BIG, &cr);
    if (st != STEP_NEXT) return st;
    if (p->opts.strict && line[cr + 1] != '\n')
        return fail(p, RESP_ESTRICT_LINE_END, in->base + cr + 1);
    long long count;
    if (!resp__strict_ll(line + 1, cr - 1, &count) || count > INT_MAX)
        return fail(p, RESP_EMBULK_LEN, in->base);
    if (p->opts.require_auth && count > RESP_UNAUTH_MBULK_MAX)
        return fail(p, RESP_EUNAUTH_MBULK_LEN, in->base);
    p->pos = cr + 2;
    if (count <= 0) { /* empty command: no reply */
        in->base += p->pos;
        p->state = ST_START;
        return STEP_NEXT;
    }
    p->remaining = count;
    p->scan = 0;
    p->state = ST_BULK_LEN;
    return STEP_NEXT;
}

static step bulk_len_line(resp_request_parser *p, const input *in) {
    const size_t at = in->base + p->pos;
    const char *line = in->buf + at;
    size_t cr;
    step st = header_line(p, in, '\r', RESP_EBULK_COUNT_TOO_BIG, &cr);
    if (st != STEP_NEXT) return st;
    /* Redis checks the '$' only once the whole line is there. */
    if (line[0] != '$') {
        p->error_byte = (unsigned char)line[0];
        return fail(p, RESP_EEXPECTED_DOLLAR, at);
    }
    if (p->opts.strict && line[cr + 1] != '\n') return fail(p, RESP_ESTRICT_LINE_END, at + cr + 1);
    long long blen;
    if (!resp__strict_ll(line + 1, cr - 1, &blen) || blen < 0 || blen > p->opts.max_bulk_len)
        return fail(p, RESP_EBULK_LEN, at);
    if (p->opts.require_auth && blen > RESP_UNAUTH_BULK_MAX)
        return fail(p, RESP_EUNAUTH_BULK_LEN, at);
    p->pos += cr + 2;
    p->bulk_len = blen;
    p->state = ST_BULK_DATA;
    return STEP_NEXT;
}

/* The last argument is in: the offsets become spans into the buffer. */
static step multibulk_command(resp_request_parser *p, input *in) {
    const char *c0 = in->buf + in->base;
    for (size_t i = 0; i < p->nslots; i++) {
        size_t off = p->slots[i].raw.off, n = p->slots[i].raw.len;
        p->slots[i].span.ptr = c0 + off;
        p->slots[i].span.len = n;
    }
    in->cmd->argc = p->nslots;
    in->cmd->argv = &p->slots[0].span;
    in->cmd->is_inline = 0;
    in->base += p->pos;
    p->state = ST_START;
    return STEP_COMMAND;
}

static step bulk_data(resp_request_parser *p, input *in) {
    const char *c0 = in->buf + in->base;
    const size_t blen = (size_t)p->bulk_len;
    if (in->len - in->base - p->pos < blen + 2) return STEP_MORE;
    if (p->opts.strict && (c0[p->pos + blen] != '\r' || c0[p->pos + blen + 1] != '\n'))
        return fail(p, RESP_ESTRICT_BULK_END, in->base + p->pos + blen);
    if (!grow_slots(p)) return fail(p, RESP_ENOMEM, in->base + p->pos);
    p->slots[p->nslots].raw.off = p->pos;
    p->slots[p->nslots].raw.len = blen;
    p->nslots++;
    p->pos += blen + 2;
    p->bulk_len = -1;
    p->scan = 0;
    if (--p->remaining > 0) {
        p->state = ST_BULK_LEN;
        return STEP_NEXT;
    }
    return multibulk_command(p, in);
}

static step next_step(resp_request_parser *p, input *in) {
    switch ((enum state)p->state) {
    case ST_START: return start_command(p, in);
    case ST_INLINE: return inline_command(p, in);
    case ST_COUNT: return count_line(p, in);
    case ST_BULK_LEN: return bulk_len_line(p, in);
    case ST_BULK_DATA: return bulk_data(p, in);
    }
    return fail(p, RESP_EINVAL, in->base); /* not a state: corrupted */
}

resp_request_status resp_request_parse(resp_request_parser *p, const char *buf, size_t len,
                                       size_t *consumed, resp_command *cmd) {
    input in = {buf, len, 0, cmd};
    step st;
    *consumed = 0;
    if (p->error != RESP_OK) return RESP_REQ_ERROR;
    do st = next_step(p, &in);
    while (st == STEP_NEXT);
    *consumed = in.base;
    p->stream_offset += in.base;
    return (resp_request_status)st;
}
