/* harness/src/json.c - a small JSON reader (RFC 8259, depth-limited). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define JSON_DEPTH_MAX 64

typedef struct jp {
    const char *s;
    size_t len, pos;
    int depth;
    const char *err;
} jp;

static void ws(jp *p) {
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) != NULL) p->pos++;
}

static int hex4(const char *s, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static void put_utf8(resp_buf *b, unsigned cp) {
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xf0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    resp_buf_append(b, u, n);
}

static char *string(jp *p) {
    p->pos++; /* '"' */
    resp_buf b;
    resp_buf_init(&b, NULL);
    for (;;) {
        if (p->pos >= p->len) {
            p->err = "unterminated string";
            break;
        }
        char c = p->s[p->pos++];
        if (c == '"') {
            resp_buf_append(&b, "", 1);
            if (resp_buf_status(&b) != RESP_OK) rh_die("out of memory");
            return b.data;
        }
        if ((unsigned char)c < 0x20) {
            p->err = "control character in a string";
            break;
        }
        if (c != '\\') {
            resp_buf_append(&b, &c, 1);
            continue;
        }
        if (p->pos >= p->len) continue;
        char e = p->s[p->pos++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = strchr(from, e);
        if (hit != NULL && e != '\0') {
            resp_buf_append(&b, to + (hit - from), 1);
            continue;
        }
        unsigned cp;
        if (e != 'u' || p->len - p->pos < 4 || !hex4(p->s + p->pos, &cp) || cp == 0) {
            p->err = "bad escape";
            break;
        }
        p->pos += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && p->len - p->pos >= 6 && p->s[p->pos] == '\\' &&
            p->s[p->pos + 1] == 'u') {
            unsigned lo;
            if (hex4(p->s + p->pos + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p->pos += 6;
            }
        }
        put_utf8(&b, cp);
    }
    resp_buf_free(&b);
    return NULL;
}

static int value(jp *p, rh_json *out);

static int members(jp *p, rh_json *out, int object) {
    char close = object ? '}' : ']';
    size_t cap = 0;
    p->pos++;
    ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 1;
    }
    for (;;) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = realloc(out->items, cap * sizeof *out->items);
            if (out->items == NULL) rh_die("out of memory");
        }
        rh_json *it = &out->items[out->count];
        memset(it, 0, sizeof *it);
        out->count++;
        ws(p);
        if (object) {
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                p->err = "expected a member name";
                return 0;
            }
            it->key = string(p);
            if (it->key == NULL) return 0;
            ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                p->err = "expected ':'";
                return 0;
            }
            p->pos++;
        }
        if (!value(p, it)) return 0;
        ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return 1;
        }
        p->err = object ? "expected ',' or '}'" : "expected ',' or ']'";
        return 0;
    }
}

static int value(jp *p, rh_json *out) {
    ws(p);
    if (p->pos >= p->len) {
        p->err = "expected a value";
        return 0;
    }
    char c = p->s[p->pos];
    if (c == '{' || c == '[') {
        if (++p->depth > JSON_DEPTH_MAX) {
            p->err = "nested too deep";
            return 0;
        }
        out->kind = c == '{' ? RH_JSON_OBJECT : RH_JSON_ARRAY;
        int ok = members(p, out, c == '{');
        p->depth--;
        return ok;
    }
    if (c == '"') {
        out->kind = RH_JSON_STRING;
        out->str = string(p);
        return out->str != NULL;
    }
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[i], n) == 0) {
            p->pos += n;
            out->kind = i == 2 ? RH_JSON_NULL : RH_JSON_BOOL;
            out->number = i == 0;
            return 1;
        }
    }
    size_t start = p->pos;
    while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]) != NULL) p->pos++;
    if (p->pos == start || p->pos - start > 60) {
        p->err = "unexpected character";
        return 0;
    }
    char tmp[64];
    memcpy(tmp, p->s + start, p->pos - start);
    tmp[p->pos - start] = '\0';
    char *end;
    out->kind = RH_JSON_NUMBER;
    out->number = strtod(tmp, &end);
    if (*end != '\0') {
        p->err = "bad number";
        return 0;
    }
    return 1;
}

static void clear(rh_json *j) {
    for (size_t i = 0; i < j->count; i++) clear(&j->items[i]);
    free(j->items);
    free(j->str);
    free(j->key);
}

void rh_json_free(rh_json *j) {
    if (j == NULL) return;
    clear(j);
    free(j);
}

rh_json *rh_json_parse(const char *text, size_t len, char *why, size_t whylen) {
    jp p = {.s = text, .len = len};
    rh_json *j = calloc(1, sizeof *j);
    if (j == NULL) rh_die("out of memory");
    if (value(&p, j)) {
        ws(&p);
        if (p.pos != p.len) p.err = "text after the value";
    } else if (p.err == NULL) {
        p.err = "malformed";
    }
    if (p.err != NULL) {
        snprintf(why, whylen, "%s at byte %zu", p.err, p.pos);
        rh_json_free(j);
        return NULL;
    }
    return j;
}

const rh_json *rh_json_get(const rh_json *obj, const char *key) {
    if (obj == NULL || obj->kind != RH_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < obj->count; i++)
        if (strcmp(obj->items[i].key, key) == 0) return &obj->items[i];
    return NULL;
}

const char *rh_json_str(const rh_json *j) {
    return j != NULL && j->kind == RH_JSON_STRING ? j->str : NULL;
}
