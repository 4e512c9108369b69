/* harness/src/case.c - case files: parsing and validation. */
#define _DEFAULT_SOURCE
#include "case.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pattern.h"
#include "util.h"

/* Stands in for a real namespace when a case is checked at load time. */
#define CHECK_NAMESPACE "ns:"
/* Bytes one repeated raw string may produce. */
#define RAW_REPEAT_MAX (64 << 20)

static int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int rh_encode_send(resp_buf *out, const char *text, size_t len, char *err, size_t errlen) {
    size_t argc = 0, cap = 8;
    char **argv = malloc(cap * sizeof *argv);
    size_t *lens = malloc(cap * sizeof *lens);
    if (argv == NULL || lens == NULL) rh_die("out of memory");
    int rc = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
        if (i >= len) break;
        if (argc == cap) {
            cap *= 2;
            argv = realloc(argv, cap * sizeof *argv);
            lens = realloc(lens, cap * sizeof *lens);
            if (argv == NULL || lens == NULL) rh_die("out of memory");
        }
        if (text[i] == '"') {
            /* One argument: quoted pieces, each optionally repeated with
             * *N, written back to back ("a"*1000"b"). */
            resp_buf arg;
            resp_buf_init(&arg, NULL);
            while (rc == 0 && i < len && text[i] == '"') {
                size_t used, n;
                char why[120];
                char *piece = rh_unquote(text + i, len - i, '"', &used, &n, why, sizeof why);
                if (piece == NULL) {
                    rc = errf(err, errlen, "argument %zu: %s", argc + 1, why);
                    break;
                }
                i += used;
                long long times = 1;
                if (i < len && text[i] == '*') {
                    size_t start = ++i;
                    while (i < len && text[i] >= '0' && text[i] <= '9') i++;
                    if (!rh_parse_ll(text + start, i - start, &times) || times < 1 ||
                        times * (long long)(n ? n : 1) > RAW_REPEAT_MAX)
                        rc = errf(err, errlen,
                                  "argument %zu: '*' takes a count from 1 to %d bytes' worth",
                                  argc + 1, RAW_REPEAT_MAX);
                }
                for (long long k = 0; rc == 0 && k < times; k++) resp_buf_append(&arg, piece, n);
                free(piece);
            }
            if (rc == 0 && i < len && text[i] != ' ' && text[i] != '\t')
                rc = errf(err, errlen, "argument %zu: text right after a closing quote", argc + 1);
            if (rc != 0) {
                resp_buf_free(&arg);
                break;
            }
            lens[argc] = arg.len;
            argv[argc] = rh_strndup(arg.data != NULL ? arg.data : "", arg.len);
            resp_buf_free(&arg);
        } else {
            size_t start = i;
            while (i < len && text[i] != ' ' && text[i] != '\t') {
                if (text[i] == '"') break;
                i++;
            }
            if (i < len && text[i] == '"') {
                rc = errf(err, errlen, "argument %zu: a quote inside a bare word", argc + 1);
                break;
            }
            argv[argc] = rh_strndup(text + start, i - start);
            lens[argc] = i - start;
        }
        argc++;
    }
    if (rc == 0 && argc == 0) rc = errf(err, errlen, "'>' needs at least one argument");
    if (rc == 0) resp_write_command(out, argc, (const char *const *)argv, lens);
    for (size_t k = 0; k < argc; k++) free(argv[k]);
    free(argv);
    free(lens);
    return rc;
}

int rh_decode_raw(resp_buf *out, const char *text, size_t len, char *err, size_t errlen) {
    size_t i = 0, pieces = 0;
    for (;;) {
        while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
        if (i >= len) break;
        size_t used, n;
        char why[120];
        char *bytes = rh_unquote(text + i, len - i, '"', &used, &n, why, sizeof why);
        if (bytes == NULL) return errf(err, errlen, "raw: %s", why);
        i += used;
        /* "text"*N: the text N times, for long inputs written briefly. */
        long long times = 1;
        if (i < len && text[i] == '*') {
            size_t start = ++i;
            while (i < len && text[i] >= '0' && text[i] <= '9') i++;
            if (!rh_parse_ll(text + start, i - start, &times) || times < 1 ||
                times * (long long)(n ? n : 1) > RAW_REPEAT_MAX) {
                free(bytes);
                return errf(err, errlen, "raw: '*' takes a count from 1 to %d bytes' worth",
                            RAW_REPEAT_MAX);
            }
        }
        for (long long k = 0; k < times; k++) resp_buf_append(out, bytes, n);
        free(bytes);
        if (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '"')
            return errf(err, errlen, "raw: text right after a string");
        pieces++;
    }
    if (pieces == 0) return errf(err, errlen, "raw needs a quoted string");
    return 0;
}

int rh_case_has_tag(const rh_case *c, const char *tag) {
    for (size_t i = 0; i < c->ntags; i++)
        if (strcmp(c->tags[i], tag) == 0) return 1;
    return 0;
}

static void case_free(rh_case *c) {
    free(c->file);
    free(c->family);
    free(c->name);
    free(c->desc);
    for (size_t i = 0; i < c->ntags; i++) free(c->tags[i]);
    free(c->tags);
    free(c->server_args);
    for (size_t i = 0; i < c->nsteps; i++) free(c->steps[i].text);
    free(c->steps);
}

void rh_suite_free(rh_suite *s) {
    for (size_t i = 0; i < s->count; i++) case_free(&s->cases[i]);
    free(s->cases);
    memset(s, 0, sizeof *s);
}

static char *family_of(const char *file) {
    const char *slash = strrchr(file, '/');
    if (slash == NULL) return rh_strdup(".");
    const char *start = slash;
    while (start > file && start[-1] != '/') start--;
    if (start == slash) return rh_strdup("/");
    return rh_strndup(start, (size_t)(slash - start));
}

static int valid_name(const char *s, size_t n) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static rh_step *add_step(rh_case *c, rh_step_kind kind, int line) {
    c->steps = realloc(c->steps, (c->nsteps + 1) * sizeof *c->steps);
    if (c->steps == NULL) rh_die("out of memory");
    rh_step *st = &c->steps[c->nsteps++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->line = line;
    st->protos = RH_PROTO_2 | RH_PROTO_3;
    return st;
}

static int parse_ms(const char *s, size_t n, long long *out) {
    return rh_parse_ll(s, n, out) && *out >= 0 && *out <= 600000;
}

static int is_blank(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ') return 0;
    return 1;
}

/* Checks what can be checked before a server is involved. */
static int check_step(const rh_step *st, char *why, size_t whylen) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    resp_buf text;
    resp_buf_init(&text, NULL);
    rh_expand(&text, st->text, st->len, CHECK_NAMESPACE);
    int rc = 0;
    if (st->kind == RH_STEP_SEND) {
        rc = rh_encode_send(&b, text.data, text.len, why, whylen);
    } else if (st->kind == RH_STEP_RAW) {
        rc = rh_decode_raw(&b, text.data, text.len, why, whylen);
    } else if (st->kind == RH_STEP_EXPECT && st->anywhere && is_blank(text.data, text.len)) {
        rc = errf(why, whylen, "'<~' needs the reply it waits for ('respect record' writes only '<')");
    } else if (st->kind == RH_STEP_EXPECT && st->len > 0) {
        /* A bare '<' is a placeholder that `respect record` fills in. */
        rh_pattern *p = rh_pattern_parse(text.data, text.len, why, whylen);
        if (p == NULL) rc = -1;
        rh_pattern_free(p);
    }
    resp_buf_free(&b);
    resp_buf_free(&text);
    return rc;
}

static int header_line(rh_case *c, const char *key, const char *val, size_t vlen, char *why,
                       size_t whylen) {
    if (strcmp(key, "desc") == 0) {
        free(c->desc);
        c->desc = rh_strndup(val, vlen);
    } else if (strcmp(key, "tags") == 0) {
        size_t i = 0;
        while (i < vlen) {
            while (i < vlen && (val[i] == ' ' || val[i] == ',')) i++;
            size_t start = i;
            while (i < vlen && val[i] != ' ' && val[i] != ',') i++;
            if (i == start) break;
            if (!valid_name(val + start, i - start))
                return errf(why, whylen, "bad tag '%.*s'", (int)(i - start), val + start);
            c->tags = realloc(c->tags, (c->ntags + 1) * sizeof *c->tags);
            if (c->tags == NULL) rh_die("out of memory");
            c->tags[c->ntags++] = rh_strndup(val + start, i - start);
        }
    } else if (strcmp(key, "proto") == 0) {
        c->protos = 0;
        for (size_t i = 0; i < vlen; i++) {
            if (val[i] == '2') c->protos |= RH_PROTO_2;
            else if (val[i] == '3') c->protos |= RH_PROTO_3;
            else if (val[i] != ' ')
                return errf(why, whylen, "proto: takes 2, 3 or '2 3'");
        }
        if (c->protos == 0) return errf(why, whylen, "proto: takes 2, 3 or '2 3'");
    } else if (strcmp(key, "server") == 0) {
        free(c->server_args);
        c->server_args = rh_strndup(val, vlen);
    } else if (strcmp(key, "prelude") == 0) {
        if (vlen == 4 && memcmp(val, "none", 4) == 0) c->prelude = 0;
        else return errf(why, whylen, "prelude: takes only 'none'");
    } else if (strcmp(key, "timeout") == 0) {
        if (!parse_ms(val, vlen, &c->timeout_ms) || c->timeout_ms == 0)
            return errf(why, whylen, "timeout: takes milliseconds (1..600000)");
    } else {
        return errf(why, whylen, "unknown header '%s:'", key);
    }
    return 0;
}

/* One line inside a case. */
static int case_line(rh_case *c, const char *s, size_t n, int lineno, char *why, size_t whylen) {
    size_t w = 0;
    while (w < n && s[w] != ' ' && s[w] != '\t') w++;
    const char *rest = s + w;
    size_t rlen = n - w;
    while (rlen > 0 && (*rest == ' ' || *rest == '\t')) rest++, rlen--;
    char word[16];
    if (w >= sizeof word) w = sizeof word - 1;
    memcpy(word, s, w);
    word[w] = '\0';

    if (w > 1 && word[w - 1] == ':' && !(word[0] == '<' || word[0] == '>')) {
        if (c->nsteps != 0) return errf(why, whylen, "headers go before the first step");
        word[w - 1] = '\0';
        return header_line(c, word, rest, rlen, why, whylen);
    }
    rh_step *st;
    if (s[0] == '>') {
        st = add_step(c, RH_STEP_SEND, lineno);
        st->text = rh_strndup(s + 1, n - 1);
        st->len = n - 1;
    } else if (s[0] == '<') {
        st = add_step(c, RH_STEP_EXPECT, lineno);
        size_t skip = 1;
        if (n > 1 && s[1] == '~') {
            st->anywhere = 1;
            skip = 2;
        }
        if (n > skip && (s[skip] == '2' || s[skip] == '3')) {
            st->protos = s[skip] == '2' ? RH_PROTO_2 : RH_PROTO_3;
            skip++;
        }
        st->text = rh_strndup(s + skip, n - skip);
        st->len = n - skip;
    } else if (strcmp(word, "raw") == 0) {
        st = add_step(c, RH_STEP_RAW, lineno);
        st->text = rh_strndup(rest, rlen);
        st->len = rlen;
    } else if (strcmp(word, "closed") == 0 || strcmp(word, "close") == 0) {
        st = add_step(c, word[5] == 'd' ? RH_STEP_CLOSED : RH_STEP_CLOSE, lineno);
        if (rlen != 0) return errf(why, whylen, "%s takes no argument", word);
    } else if (strcmp(word, "silent") == 0 || strcmp(word, "pause") == 0) {
        st = add_step(c, word[0] == 's' ? RH_STEP_SILENT : RH_STEP_PAUSE, lineno);
        if (!parse_ms(rest, rlen, &st->num))
            return errf(why, whylen, "%s takes milliseconds (0..600000)", word);
    } else if (strcmp(word, "conn") == 0) {
        st = add_step(c, RH_STEP_CONN, lineno);
        if (!valid_name(rest, rlen)) return errf(why, whylen, "conn takes a name");
        st->text = rh_strndup(rest, rlen);
        st->len = rlen;
    } else if (strcmp(word, "chunk") == 0) {
        st = add_step(c, RH_STEP_CHUNK, lineno);
        const char *sp = memchr(rest, ' ', rlen);
        size_t first = sp != NULL ? (size_t)(sp - rest) : rlen;
        st->num2 = 2;
        if (!rh_parse_ll(rest, first, &st->num) || st->num < 0 ||
            (sp != NULL && !parse_ms(sp + 1, rlen - first - 1, &st->num2)))
            return errf(why, whylen, "chunk takes a size in bytes (0 = whole) and optional ms");
    } else {
        return errf(why, whylen, "unknown step '%s'", word);
    }
    return check_step(st, why, whylen);
}

static rh_case *add_case(rh_suite *s) {
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->cases = realloc(s->cases, s->cap * sizeof *s->cases);
        if (s->cases == NULL) rh_die("out of memory");
    }
    rh_case *c = &s->cases[s->count++];
    memset(c, 0, sizeof *c);
    return c;
}

static int finish_case(const rh_case *c, char *why, size_t whylen) {
    if (c->desc == NULL) return errf(why, whylen, "case %s has no desc:", c->name);
    int sends = 0;
    for (size_t i = 0; i < c->nsteps; i++)
        if (c->steps[i].kind == RH_STEP_SEND || c->steps[i].kind == RH_STEP_RAW) sends++;
    if (sends == 0) return errf(why, whylen, "case %s sends nothing", c->name);
    return 0;
}

int rh_suite_parse(rh_suite *s, const char *file, const char *text, size_t len, char *err,
                   size_t errlen) {
    rh_case *c = NULL;
    size_t first = s->count;
    int lineno = 0;
    char why[300];
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        const char *line = text + pos;
        size_t n = end - pos;
        pos = end + 1;
        lineno++;
        while (n > 0 && (*line == ' ' || *line == '\t')) line++, n--;
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r')) n--;
        if (n == 0 || line[0] == '#') continue;
        if (n > 5 && memcmp(line, "case ", 5) == 0) {
            if (c != NULL && finish_case(c, why, sizeof why) != 0)
                return errf(err, errlen, "%s:%d: %s", file, c->line, why);
            const char *name = line + 5;
            size_t nlen = n - 5;
            while (nlen > 0 && *name == ' ') name++, nlen--;
            if (!valid_name(name, nlen))
                return errf(err, errlen, "%s:%d: bad case name", file, lineno);
            for (size_t i = first; i < s->count; i++)
                if (strlen(s->cases[i].name) == nlen && memcmp(s->cases[i].name, name, nlen) == 0)
                    return errf(err, errlen, "%s:%d: case '%.*s' defined twice", file, lineno,
                                (int)nlen, name);
            c = add_case(s);
            c->file = rh_strdup(file);
            c->line = lineno;
            c->family = family_of(file);
            c->name = rh_strndup(name, nlen);
            c->protos = RH_PROTO_2 | RH_PROTO_3;
            c->prelude = 1;
            c->server_args = rh_strdup("");
            continue;
        }
        if (c == NULL) return errf(err, errlen, "%s:%d: expected 'case NAME'", file, lineno);
        if (case_line(c, line, n, lineno, why, sizeof why) != 0)
            return errf(err, errlen, "%s:%d: %s", file, lineno, why);
    }
    if (c != NULL && finish_case(c, why, sizeof why) != 0)
        return errf(err, errlen, "%s:%d: %s", file, c->line, why);
    return 0;
}

static int load_file(rh_suite *s, const char *path, char *err, size_t errlen) {
    size_t len;
    char *text = rh_read_file(path, &len);
    if (text == NULL) return errf(err, errlen, "%s: %s", path, strerror(errno));
    int rc = rh_suite_parse(s, path, text, len, err, errlen);
    free(text);
    return rc;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int rh_suite_load(rh_suite *s, const char *path, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) != 0) return errf(err, errlen, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return load_file(s, path, err, errlen);
    DIR *d = opendir(path);
    if (d == NULL) return errf(err, errlen, "%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t need = strlen(path) + strlen(e->d_name) + 2;
        char *full = malloc(need);
        if (full == NULL) rh_die("out of memory");
        snprintf(full, need, "%s/%s", path, e->d_name);
        struct stat est;
        if (stat(full, &est) != 0 || (!S_ISDIR(est.st_mode) && !ends_with(full, ".case"))) {
            free(full);
            continue;
        }
        names = realloc(names, (n + 1) * sizeof *names);
        if (names == NULL) rh_die("out of memory");
        names[n++] = full;
    }
    closedir(d);
    if (n > 0) qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) rc = rh_suite_load(s, names[i], err, errlen);
        free(names[i]);
    }
    free(names);
    return rc;
}
