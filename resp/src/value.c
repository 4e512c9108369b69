/* resp/src/value.c - reply trees: freeing, comparing, and the reader that
 * builds them from the reply parser's events.
 *
 * Building: each value is created when its event arrives.  Top-level
 * values and attributes get their own block; every other value is a slot
 * in its parent's `elems`, which grows geometrically as elements arrive
 * (a declared count only caps the first allocation, so a header claiming
 * 2^31 elements costs nothing until they come).  Slots are counted as
 * soon as they exist, so a tree abandoned half-way frees cleanly.
 *
 * The reader's stack holds the open aggregates.  A parent's `elems` only
 * grows while it is the innermost open aggregate, so pointers to open
 * children stay valid.  A streamed string needs no frame: it is always
 * the newest value of the innermost aggregate (or the root), and marks
 * itself open with a non-zero `cap` (its buffer capacity) until its END
 * event.
 *
 * Attributes: a finished attribute waits in r->attribute and is handed to
 * the next value created.  Consecutive attributes are merged into one map
 * (the pairs of both, in wire order), so the `attribute` of an attribute
 * is always NULL in a tree the reader builds; the writer and the printer
 * refuse hand-built trees that nest them, and resp_value_equal() finds
 * such trees unequal unless they are the same object. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <resp/value.h>

#include "internal.h"

/* ---- freeing ---- */

/* Iterative with no stack: while the tree is torn down, each visited
 * value's `str` (already freed) holds its parent, so the walk can climb
 * back.  A value is always the last live element of its parent or the
 * parent's (detached) attribute, which tells how to release it. */
void resp_value_free(resp_value *v, const resp_allocator *alloc) {
    if (v == NULL) return;
    resp__free(alloc, v->str);
    v->str = NULL;
    resp_value *cur = v;
    for (;;) {
        resp_value *child = NULL;
        if (cur->attribute != NULL) {
            child = cur->attribute;
            cur->attribute = NULL;
        } else if (cur->count != 0 && cur->elems != NULL) {
            child = &cur->elems[cur->count - 1];
        }
        if (child != NULL) {
            resp__free(alloc, child->str);
            child->str = (char *)(void *)cur;
            cur = child;
            continue;
        }
        /* cur has nothing left below it. */
        resp__free(alloc, cur->elems);
        resp_value *parent = (resp_value *)(void *)cur->str;
        if (parent == NULL) {
            resp__free(alloc, cur);
            return;
        }
        if (parent->count != 0 && parent->elems != NULL &&
            cur == &parent->elems[parent->count - 1])
            parent->count--;
        else
            resp__free(alloc, cur); /* a detached attribute */
        cur = parent;
    }
}

/* ---- equality ---- */

/* %.17g with Redis's spellings, for a double that carries no wire text;
 * the same text the writer would send.  out must hold 32 bytes. */
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

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen) {
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int same_double(const resp_value *a, const resp_value *b) {
    char ta[32], tb[32];
    const char *sa = a->str, *sb = b->str;
    size_t la = a->len, lb = b->len;
    if (sa == NULL) {
        la = format_double(ta, a->dbl);
        sa = ta;
    }
    if (sb == NULL) {
        lb = format_double(tb, b->dbl);
        sb = tb;
    }
    return same_bytes(sa, la, sb, lb);
}

/* Everything but the elements and the attribute's contents: the same
 * facts the printer shows.  Integers compare by value, doubles and big
 * numbers by their wire text. */
static int same_node(const resp_value *a, const resp_value *b) {
    if (a->type != b->type) return 0;
    if ((a->attribute == NULL) != (b->attribute == NULL)) return 0;
    switch (a->type) {
    case RESP_NULL:
        return a->null_kind == b->null_kind;
    case RESP_INTEGER:
        return a->integer == b->integer;
    case RESP_BOOLEAN:
        return (a->integer != 0) == (b->integer != 0);
    case RESP_DOUBLE:
        return same_double(a, b);
    case RESP_ARRAY:
    case RESP_MAP:
    case RESP_SET:
    case RESP_ATTRIBUTE:
    case RESP_PUSH:
        return a->count == b->count;
    default:
        return same_bytes(a->str, a->len, b->str, b->len);
    }
}

/* A pair of open aggregates being compared element by element; for a
 * pair of attributes, the values they describe come next. */
typedef struct equal_frame {
    const resp_value *a, *b;
    size_t next, count;
    const resp_value *after_a, *after_b;
} equal_frame;

/* Iterative on a fixed stack of RESP_REPLY_DEPTH_MAX frames, one per open
 * aggregate, which covers every tree the reader builds.  Deeper trees
 * (only hand-built ones) compare unequal unless they are the same tree. */
int resp_value_equal(const resp_value *a, const resp_value *b) {
    if (a == b) return 1;
    if (a == NULL || b == NULL) return 0;
    equal_frame stack[RESP_REPLY_DEPTH_MAX];
    int depth = 0;
    int attribute_done = 0;
    for (;;) {
        if (!attribute_done && !same_node(a, b)) return 0;
        const resp_value *open_a = NULL, *open_b = NULL, *after_a = NULL, *after_b = NULL;
        if (a->attribute != NULL && !attribute_done) {
            open_a = a->attribute;
            open_b = b->attribute;
            if (!same_node(open_a, open_b) || open_a->attribute != NULL) return 0;
            after_a = a;
            after_b = b;
        } else if (resp_type_is_aggregate(a->type) && a->count != 0) {
            open_a = a;
            open_b = b;
        }
        if (open_a != NULL && (open_a->count != 0 || after_a != NULL)) {
            if (depth == RESP_REPLY_DEPTH_MAX) return 0;
            if (open_a->count != 0 && (open_a->elems == NULL || open_b->elems == NULL))
                return 0;
            stack[depth++] = (equal_frame){open_a, open_b, 0, open_a->count, after_a, after_b};
        }

        a = NULL;
        while (depth > 0) {
            equal_frame *f = &stack[depth - 1];
            if (f->next < f->count) {
                a = &f->a->elems[f->next];
                b = &f->b->elems[f->next];
                f->next++;
                attribute_done = 0;
                break;
            }
            depth--;
            if (f->after_a != NULL) {
                a = f->after_a;
                b = f->after_b;
                attribute_done = 1;
                break;
            }
        }
        if (a == NULL) return 1;
    }
}

/* ---- the reader ---- */

void resp_reader_init(resp_reader *r, const resp_reply_options *opts,
                      const resp_allocator *alloc) {
    resp_reply_init(&r->parser, opts);
    r->alloc = alloc;
    r->root = NULL;
    r->attribute = NULL;
    r->depth = 0;
}

void resp_reader_free(resp_reader *r) {
    /* Open attributes are not attached to anything yet: they are owned by
     * their frames.  Everything else hangs off the root. */
    for (int i = 0; i < r->depth; i++)
        if (r->stack[i].is_attribute) resp_value_free(r->stack[i].value, r->alloc);
    resp_value_free(r->root, r->alloc);
    resp_value_free(r->attribute, r->alloc);
    r->root = NULL;
    r->attribute = NULL;
    r->depth = 0;
}

resp_error resp_reader_error(const resp_reader *r) {
    return resp_reply_error(&r->parser);
}

static resp_value *new_block(resp_reader *r) {
    resp_value *v = resp__malloc(r->alloc, sizeof *v);
    if (v != NULL) memset(v, 0, sizeof *v);
    return v;
}

/* Room for one more element in v; geometric growth. */
static resp_error grow_elems(resp_reader *r, resp_value *v) {
    if (v->count < v->cap) return RESP_OK;
    size_t cap = v->cap != 0 ? v->cap * 2 : 4;
    if (cap > SIZE_MAX / sizeof *v->elems) return RESP_ENOMEM;
    resp_value *elems = resp__realloc(r->alloc, v->elems, cap * sizeof *elems);
    if (elems == NULL) return RESP_ENOMEM;
    v->elems = elems;
    v->cap = cap;
    return RESP_OK;
}

/* Creates the value an event announces, where it belongs, and hands it
 * the attribute that preceded it. */
static resp_error new_value(resp_reader *r, resp_type type, int is_attribute, resp_value **out) {
    resp_value *v;
    if (is_attribute) {
        v = new_block(r);
        if (v == NULL) return RESP_ENOMEM;
    } else if (r->depth == 0) {
        v = new_block(r);
        if (v == NULL) return RESP_ENOMEM;
        resp_value_free(r->root, r->alloc); /* only after an unfinished reply */
        r->root = v;
    } else {
        resp_value *parent = r->stack[r->depth - 1].value;
        resp_error err = grow_elems(r, parent);
        if (err != RESP_OK) return err;
        v = &parent->elems[parent->count++];
        memset(v, 0, sizeof *v);
    }
    v->type = type;
    v->attribute = r->attribute;
    r->attribute = NULL;
    *out = v;
    return RESP_OK;
}

static char *copy_bytes(resp_reader *r, const char *s, size_t len) {
    if (len == SIZE_MAX) return NULL;
    char *p = resp__malloc(r->alloc, len + 1);
    if (p == NULL) return NULL;
    if (len != 0) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static resp_error on_scalar(resp_reader *r, const resp_event *ev) {
    resp_value *v;
    resp_error err = new_value(r, ev->type, 0, &v);
    if (err != RESP_OK) return err;
    v->null_kind = ev->null_kind;
    v->integer = ev->integer;
    v->dbl = ev->dbl;
    if (ev->type == RESP_NULL || ev->type == RESP_BOOLEAN) return RESP_OK;
    v->str = copy_bytes(r, ev->data.ptr, ev->data.len);
    if (v->str == NULL) return RESP_ENOMEM;
    v->len = ev->data.len;
    return RESP_OK;
}

static resp_error on_begin(resp_reader *r, const resp_event *ev) {
    int is_attribute = ev->type == RESP_ATTRIBUTE;
    resp_value *v;
    if (!resp_type_is_aggregate(ev->type)) {
        /* A streamed string: open until its END (see the top comment). */
        resp_error err = new_value(r, ev->type, 0, &v);
        if (err != RESP_OK) return err;
        v->streamed = 1;
        v->str = resp__malloc(r->alloc, 16);
        if (v->str == NULL) return RESP_ENOMEM;
        v->str[0] = '\0';
        v->cap = 16;
        return RESP_OK;
    }
    if (r->depth == RESP_REPLY_DEPTH_MAX) return RESP_ELIMIT_DEPTH;
    if (is_attribute && r->attribute != NULL) {
        /* Consecutive attributes describe the same value: their pairs
         * go into one map, so an attribute never has an attribute. */
        v = r->attribute;
        r->attribute = NULL;
        r->stack[r->depth].value = v;
        r->stack[r->depth].is_attribute = 1;
        r->depth++;
        if (ev->streamed) v->streamed = 1;
        return RESP_OK;
    }
    resp_error err = new_value(r, ev->type, is_attribute, &v);
    if (err != RESP_OK) return err;
    /* Owned by its frame until it ends (attributes), or by the tree. */
    r->stack[r->depth].value = v;
    r->stack[r->depth].is_attribute = is_attribute;
    r->depth++;
    v->streamed = ev->streamed != 0;
    if (!ev->streamed && ev->integer > 0) {
        /* The declared count only bounds the first allocation. */
        long long n = ev->integer;
        if (ev->type == RESP_MAP || ev->type == RESP_ATTRIBUTE) n = n > 4 ? 8 : n * 2;
        size_t cap = n > 8 ? 8 : (size_t)n;
        v->elems = resp__malloc(r->alloc, cap * sizeof *v->elems);
        if (v->elems == NULL) return RESP_ENOMEM;
        v->cap = cap;
    }
    return RESP_OK;
}

/* The streamed string being built, if any. */
static resp_value *open_string(resp_reader *r) {
    resp_value *last = r->root;
    if (r->depth > 0) {
        resp_value *top = r->stack[r->depth - 1].value;
        last = top->count != 0 ? &top->elems[top->count - 1] : NULL;
    }
    if (last == NULL || resp_type_is_aggregate(last->type) || last->cap == 0) return NULL;
    return last;
}

static resp_error on_chunk(resp_reader *r, const resp_event *ev) {
    resp_value *s = open_string(r);
    if (s == NULL) return RESP_EBAD_STREAM;
    size_t n = ev->data.len;
    if (n > SIZE_MAX / 2 - s->len) return RESP_ENOMEM;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap * 2;
        if (cap < s->len + n + 1) cap = s->len + n + 1;
        char *str = resp__realloc(r->alloc, s->str, cap);
        if (str == NULL) return RESP_ENOMEM;
        s->str = str;
        s->cap = cap;
    }
    if (n != 0) memcpy(s->str + s->len, ev->data.ptr, n);
    s->len += n;
    s->str[s->len] = '\0';
    return RESP_OK;
}

static resp_error on_end(resp_reader *r) {
    resp_value *s = open_string(r);
    if (s != NULL) {
        s->cap = 0; /* closed; cap means nothing for a string */
        return RESP_OK;
    }
    if (r->depth == 0) return RESP_EBAD_STREAM;
    resp__tree_frame *f = &r->stack[--r->depth];
    /* An attribute that describes nothing (the aggregate ended right
     * after it) is dropped rather than leaked. */
    resp_value_free(r->attribute, r->alloc);
    r->attribute = f->is_attribute ? f->value : NULL;
    return RESP_OK;
}

static resp_error on_event(void *ud, const resp_event *ev) {
    resp_reader *r = ud;
    switch (ev->kind) {
    case RESP_EV_SCALAR: return on_scalar(r, ev);
    case RESP_EV_BEGIN: return on_begin(r, ev);
    case RESP_EV_CHUNK: return on_chunk(r, ev);
    case RESP_EV_END: return on_end(r);
    }
    return RESP_EINVAL;
}

resp_reply_status resp_reader_parse(resp_reader *r, const char *buf, size_t len,
                                    size_t *consumed, resp_value **out) {
    if (out != NULL) *out = NULL;
    resp_reply_status st = resp_reply_parse(&r->parser, buf, len, consumed, on_event, r);
    if (st == RESP_REPLY_COMPLETE) {
        if (out != NULL) *out = r->root;
        else resp_value_free(r->root, r->alloc);
        r->root = NULL;
        r->depth = 0;
    }
    return st;
}
