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

enum {
    ST_START,      /* between commands */
    ST_INLINE,     /* waiting for an inline line's LF */
    ST_COUNT,      /* waiting for the multibulk count line */
    ST_BULK_LEN,   /* waiting for a "$len" line */
    ST_BULK_DATA   /* waiting for a payload and its two trailing bytes */
};

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

static resp_request_status fail(resp_request_parser *p, resp_error err, size_t at) {
    p->error = err;
    p->error_offset = p->stream_offset + at;
    return RESP_REQ_ERROR;
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

/* Splits line[0..n) into arguments with Redis's rules (sdssplitargs).
 * Tokens without quotes are spans into the line; tokens with quotes are
 * unescaped into p->scratch.  Returns RESP_OK, RESP_EUNBALANCED_QUOTES or
 * RESP_ENOMEM. */
static resp_error split_inline(resp_request_parser *p, const char *line, size_t n) {
    size_t i = 0;
    size_t scratch_used = 0;
    p->nslots = 0;
    /* The byte at index n reads as NUL, as at the end of a C string. */
#define AT(k) ((k) < n ? (unsigned char)line[(k)] : 0u)
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
        int double_quoted = AT(i) == '"';
        i++;
        for (;;) {
            unsigned char c = AT(i);
            if (c == 0) return RESP_EUNBALANCED_QUOTES; /* line ended inside quotes */
            if (double_quoted && c == '\\' && AT(i + 1) == 'x' && hex_value(AT(i + 2)) >= 0 &&
                hex_value(AT(i + 3)) >= 0) {
                out[olen++] = (char)(hex_value(AT(i + 2)) * 16 + hex_value(AT(i + 3)));
                i += 4;
            } else if (double_quoted && c == '\\' && AT(i + 1) != 0) {
                unsigned char e = AT(i + 1);
                switch (e) {
                case 'n': e = '\n'; break;
                case 'r': e = '\r'; break;
                case 't': e = '\t'; break;
                case 'b': e = '\b'; break;
                case 'a': e = '\a'; break;
                default: break;
                }
                out[olen++] = (char)e;
                i += 2;
            } else if (!double_quoted && c == '\\' && AT(i + 1) == '\'') {
                out[olen++] = '\'';
                i += 2;
            } else if (c == (double_quoted ? '"' : '\'')) {
                /* The closing quote must end the token. */
                if (AT(i + 1) != 0 && !is_blank(AT(i + 1))) return RESP_EUNBALANCED_QUOTES;
                i++;
                break;
            } else {
                out[olen++] = (char)c;
                i++;
            }
        }
        p->slots[p->nslots].span.ptr = out;
        p->slots[p->nslots].span.len = olen;
        p->nslots++;
        scratch_used += olen;
    }
#undef AT
    return RESP_OK;
}

/* ---- the parser ---- */

/* The line-limit check shared by the three kinds of header line. */
static int line_too_big(size_t buffered) {
    return buffered > RESP_INLINE_MAX;
}

resp_request_status resp_request_parse(resp_request_parser *p, const char *buf, size_t len,
                                       size_t *consumed, resp_command *cmd) {
    size_t base = 0; /* start of the current command in buf */
    resp_request_status status = RESP_REQ_INCOMPLETE;
    *consumed = 0;
    if (p->error != RESP_OK) return RESP_REQ_ERROR;

    for (;;) {
        const char *c0 = buf + base;
        size_t avail = len - base;
        switch (p->state) {
        case ST_START:
            if (avail == 0) goto out;
            p->pos = 0;
            p->scan = 0;
            p->nslots = 0;
            p->state = c0[0] == '*' ? ST_COUNT : ST_INLINE;
            continue;

        case ST_INLINE: {
            long long nl = find_line_end(c0, avail, &p->scan, '\n');
            if (nl < 0) {
                if (p->scan == SCAN_BLOCKED && p->opts.strict) {
                    size_t at = (size_t)((const char *)memchr(c0, '\0', avail) - c0);
                    status = fail(p, RESP_ESTRICT_NUL, base + at);
                } else if (line_too_big(avail)) {
                    status = fail(p, RESP_EINLINE_TOO_BIG, base + RESP_INLINE_MAX);
                }
                goto out;
            }
            if (p->opts.strict && line_too_big((size_t)nl)) {
                status = fail(p, RESP_EINLINE_TOO_BIG, base + RESP_INLINE_MAX);
                goto out;
            }
            size_t n = (size_t)nl;
            size_t line_end = n + 1;
            if (n > 0 && c0[n - 1] == '\r') n--;
            resp_error err = split_inline(p, c0, n);
            if (err != RESP_OK) {
                status = fail(p, err, base);
                goto out;
            }
            base += line_end;
            p->state = ST_START;
            if (p->nslots == 0) continue; /* empty command: no reply */
            cmd->argc = p->nslots;
            cmd->argv = &p->slots[0].span;
            cmd->is_inline = 1;
            status = RESP_REQ_COMMAND;
            goto out;
        }

        case ST_COUNT: {
            long long cr = find_line_end(c0, avail, &p->scan, '\r');
            if (cr < 0 || (size_t)cr + 1 >= avail) {
                if (cr >= 0) p->scan = (size_t)cr; /* the CR's next byte is due */
                if (p->scan == SCAN_BLOCKED && p->opts.strict) {
                    size_t at = (size_t)((const char *)memchr(c0, '\0', avail) - c0);
                    status = fail(p, RESP_ESTRICT_NUL, base + at);
                } else if (line_too_big(avail)) {
                    status = fail(p, RESP_EMBULK_COUNT_TOO_BIG, base + RESP_INLINE_MAX);
                }
                goto out;
            }
            if (p->opts.strict && line_too_big((size_t)cr)) {
                status = fail(p, RESP_EMBULK_COUNT_TOO_BIG, base + RESP_INLINE_MAX);
                goto out;
            }
            if (p->opts.strict && c0[cr + 1] != '\n') {
                status = fail(p, RESP_ESTRICT_LINE_END, base + (size_t)cr + 1);
                goto out;
            }
            long long count;
            if (!resp__strict_ll(c0 + 1, (size_t)cr - 1, &count) || count > INT_MAX) {
                status = fail(p, RESP_EMBULK_LEN, base);
                goto out;
            }
            if (p->opts.require_auth && count > RESP_UNAUTH_MBULK_MAX) {
                status = fail(p, RESP_EUNAUTH_MBULK_LEN, base);
                goto out;
            }
            p->pos = (size_t)cr + 2;
            if (count <= 0) { /* empty command: no reply */
                base += p->pos;
                p->state = ST_START;
                continue;
            }
            p->remaining = count;
            p->scan = 0;
            p->state = ST_BULK_LEN;
            continue;
        }

        case ST_BULK_LEN: {
            const char *line = c0 + p->pos;
            size_t line_avail = avail - p->pos;
            long long cr = find_line_end(line, line_avail, &p->scan, '\r');
            if (cr < 0 || (size_t)cr + 1 >= line_avail) {
                if (cr >= 0) p->scan = (size_t)cr;
                if (p->scan == SCAN_BLOCKED && p->opts.strict) {
                    size_t at = (size_t)((const char *)memchr(line, '\0', line_avail) - line);
                    status = fail(p, RESP_ESTRICT_NUL, base + p->pos + at);
                } else if (line_too_big(line_avail)) {
                    status = fail(p, RESP_EBULK_COUNT_TOO_BIG, base + p->pos + RESP_INLINE_MAX);
                }
                goto out;
            }
            if (p->opts.strict && line_too_big((size_t)cr)) {
                status = fail(p, RESP_EBULK_COUNT_TOO_BIG, base + p->pos + RESP_INLINE_MAX);
                goto out;
            }
            /* Redis checks the '$' only once the whole line is there. */
            if (line[0] != '$') {
                p->error_byte = (unsigned char)line[0];
                status = fail(p, RESP_EEXPECTED_DOLLAR, base + p->pos);
                goto out;
            }
            if (p->opts.strict && line[cr + 1] != '\n') {
                status = fail(p, RESP_ESTRICT_LINE_END, base + p->pos + (size_t)cr + 1);
                goto out;
            }
            long long blen;
            if (!resp__strict_ll(line + 1, (size_t)cr - 1, &blen) || blen < 0 ||
                blen > p->opts.max_bulk_len) {
                status = fail(p, RESP_EBULK_LEN, base + p->pos);
                goto out;
            }
            if (p->opts.require_auth && blen > RESP_UNAUTH_BULK_MAX) {
                status = fail(p, RESP_EUNAUTH_BULK_LEN, base + p->pos);
                goto out;
            }
            p->pos += (size_t)cr + 2;
            p->bulk_len = blen;
            p->state = ST_BULK_DATA;
            continue;
        }

        case ST_BULK_DATA: {
            size_t blen = (size_t)p->bulk_len;
            if (avail - p->pos < blen + 2) goto out;
            if (p->opts.strict && (c0[p->pos + blen] != '\r' || c0[p->pos + blen + 1] != '\n')) {
                status = fail(p, RESP_ESTRICT_BULK_END, base + p->pos + blen);
                goto out;
            }
            if (!grow_slots(p)) {
                status = fail(p, RESP_ENOMEM, base + p->pos);
                goto out;
            }
            p->slots[p->nslots].raw.off = p->pos;
            p->slots[p->nslots].raw.len = blen;
            p->nslots++;
            p->pos += blen + 2;
            p->bulk_len = -1;
            p->scan = 0;
            if (--p->remaining > 0) {
                p->state = ST_BULK_LEN;
                continue;
            }
            for (size_t i = 0; i < p->nslots; i++) {
                size_t off = p->slots[i].raw.off, n = p->slots[i].raw.len;
                p->slots[i].span.ptr = c0 + off;
                p->slots[i].span.len = n;
            }
            cmd->argc = p->nslots;
            cmd->argv = &p->slots[0].span;
            cmd->is_inline = 0;
            base += p->pos;
            p->state = ST_START;
            status = RESP_REQ_COMMAND;
            goto out;
        }

        default:
            return fail(p, RESP_EINVAL, base);
        }
    }
out:
    *consumed = base;
    p->stream_offset += base;
    return status;
}
