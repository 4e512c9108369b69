/* harness/src/util.c - small helpers shared by the harness modules. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void rh_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("respect: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    /* A fatal error ends the process at once: no cleanup to run. */
    fflush(NULL);
    _exit(2);
}

char *rh_strndup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d == NULL) rh_die("out of memory");
    if (n > 0) memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *rh_strdup(const char *s) {
    return rh_strndup(s, strlen(s));
}

int rh_parse_ll(const char *s, size_t len, long long *out) {
    if (len == 0 || len > 20) return 0;
    char tmp[24];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno != 0 || *end != '\0' || tmp[0] == ' ') return 0;
    *out = v;
    return 1;
}

int rh_hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *rh_unquote(const char *s, size_t len, char quote, size_t *used, size_t *outlen, char *why,
                 size_t whylen) {
    if (len == 0 || s[0] != quote) {
        snprintf(why, whylen, "expected %c", quote);
        return NULL;
    }
    char *out = malloc(len + 1);
    if (out == NULL) rh_die("out of memory");
    size_t n = 0, i = 1;
    for (;;) {
        if (i >= len) {
            free(out);
            snprintf(why, whylen, "unterminated string");
            return NULL;
        }
        char c = s[i++];
        if (c == quote) break;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        if (i >= len) continue; /* reported as unterminated above */
        char e = s[i++];
        switch (e) {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'a': out[n++] = '\a'; break;
        case 'b': out[n++] = '\b'; break;
        case '\\': out[n++] = '\\'; break;
        case '"': out[n++] = '"'; break;
        case '\'': out[n++] = '\''; break;
        case 'x': {
            int hi = i < len ? rh_hexval((unsigned char)s[i]) : -1;
            int lo = i + 1 < len ? rh_hexval((unsigned char)s[i + 1]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                snprintf(why, whylen, "\\x needs two hex digits");
                return NULL;
            }
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
            break;
        }
        default:
            free(out);
            snprintf(why, whylen, "unknown escape \\%c", e);
            return NULL;
        }
    }
    out[n] = '\0';
    *used = i;
    *outlen = n;
    return out;
}

static int is_word(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void rh_expand(resp_buf *out, const char *text, size_t len, const char *ns) {
    size_t nslen = strlen(ns);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '@' && i + 1 < len && text[i + 1] == '@') {
            resp_buf_append(out, "@", 1);
            i++;
        } else if (text[i] == '@' && i + 1 < len && is_word((unsigned char)text[i + 1])) {
            resp_buf_append(out, ns, nslen);
        } else {
            resp_buf_append(out, text + i, 1);
        }
    }
}

void rh_unexpand(resp_buf *out, const char *text, size_t len, const char *ns) {
    size_t nslen = strlen(ns);
    for (size_t i = 0; i < len; i++) {
        if (nslen != 0 && len - i >= nslen && memcmp(text + i, ns, nslen) == 0) {
            resp_buf_append(out, "@", 1);
            i += nslen - 1;
        } else if (text[i] == '@' && i + 1 < len &&
                   (text[i + 1] == '@' || is_word((unsigned char)text[i + 1]))) {
            resp_buf_append(out, "@@", 2);
        } else {
            resp_buf_append(out, text + i, 1);
        }
    }
}

void rh_bufprintf(resp_buf *b, const char *fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        resp_buf_append(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) rh_die("out of memory");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    resp_buf_append(b, big, (size_t)n);
    free(big);
}

char *rh_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    resp_buf b;
    resp_buf_init(&b, NULL);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) resp_buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    resp_buf_append(&b, "", 1);
    if (bad || resp_buf_status(&b) != RESP_OK) {
        resp_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    *len = b.len - 1;
    return b.data;
}

long long rh_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rh_sleep_ms(long long ms) {
    if (ms <= 0) return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

const char *rh_cut_reason(char *line) {
    char *hash = strstr(line, " #");
    if (hash == NULL) return NULL;
    *hash = '\0';
    const char *why = hash + 2;
    while (*why == ' ' || *why == '#') why++;
    return *why != '\0' ? why : NULL;
}

/* HOST:PORT, [V6]:PORT, PORT, or @FILE holding one of those. */
void rh_parse_address(const char *spec, char **host, char **port) {
    char *owned = NULL;
    if (spec[0] == '@') {
        size_t len;
        owned = rh_read_file(spec + 1, &len);
        if (owned == NULL) rh_die("%s: %s", spec + 1, strerror(errno));
        while (len > 0 && (owned[len - 1] == '\n' || owned[len - 1] == ' ')) owned[--len] = '\0';
        spec = owned;
    }
    const char *colon = strrchr(spec, ':');
    if (colon == NULL) {
        *host = rh_strdup("127.0.0.1");
        *port = rh_strdup(spec);
    } else {
        const char *h = spec;
        size_t hl = (size_t)(colon - spec);
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') h++, hl -= 2;
        *host = rh_strndup(h, hl);
        *port = rh_strdup(colon + 1);
    }
    long long number;
    if (!rh_parse_ll(*port, strlen(*port), &number) || number < 1 || number > 65535)
        rh_die("bad server address '%s' (want HOST:PORT)", spec);
    free(owned);
}

int rh_parse_file(const char *path, rh_text_parser parse, void *out, char *err, size_t errlen) {
    size_t len;
    char *text = rh_read_file(path, &len);
    if (text == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char inner[400];
    int rc = parse(out, text, len, inner, sizeof inner);
    if (rc != 0) snprintf(err, errlen, "%s: %.380s", path, inner);
    free(text);
    return rc;
}

int rh_each_entry(const char *text, size_t len, rh_entry_fn each, void *ctx) {
    int lineno = 0, rc = 0;
    for (size_t pos = 0; pos < len && rc == 0;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char *ln = rh_strndup(text + pos, l);
        pos += l + (nl != NULL);
        lineno++;
        char *s = ln;
        while (*s == ' ' || *s == '\t') s++;
        if (*s != '\0' && *s != '#') rc = each(s, lineno, ctx);
        free(ln);
    }
    return rc;
}
