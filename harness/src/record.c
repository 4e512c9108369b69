/* harness/src/record.c - writing recorded replies back into case files. */
#define _POSIX_C_SOURCE 200809L
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "util.h"

typedef struct line {
    const char *text;
    size_t len;
} line;

/* One block's lines as recorded under one protocol. */
typedef struct block {
    char **texts; /* expectation texts (printer notation, or a kept matcher) */
    size_t n;
    int closed;
    int conn;
} block;

static int is_block(const rh_step *st) {
    return st->kind == RH_STEP_EXPECT || st->kind == RH_STEP_CLOSED;
}

/* The protocol-p expectations of the block that starts at step idx. */
static size_t old_patterns(const rh_case *c, size_t idx, int p, const rh_step **out, size_t max) {
    size_t n = 0;
    int bit = p == 2 ? RH_PROTO_2 : RH_PROTO_3;
    for (size_t i = idx; i < c->nsteps && is_block(&c->steps[i]) && n < max; i++)
        if (c->steps[i].kind == RH_STEP_EXPECT && (c->steps[i].protos & bit))
            out[n++] = &c->steps[i];
    return n;
}

/* Keeps an author's matcher when it still matches the recorded reply. */
static char *text_for(const rh_outcome *o, const rh_observation *ob, const rh_step *old) {
    if (old != NULL && ob->reply.value != NULL) {
        resp_buf t;
        resp_buf_init(&t, NULL);
        rh_expand(&t, old->text, old->len, o->ns);
        char why[200];
        rh_pattern *p = t.len ? rh_pattern_parse(t.data, t.len, why, sizeof why) : NULL;
        int keep = p != NULL && !rh_pattern_is_exact(p) && rh_pattern_match(p, ob->reply.value);
        rh_pattern_free(p);
        resp_buf_free(&t);
        if (keep) {
            const char *s = old->text;
            while (*s == ' ') s++;
            return rh_strdup(s);
        }
    }
    return rh_strdup(ob->printed != NULL ? ob->printed : "any");
}

static block gather(const rh_outcome *o, size_t step) {
    block b = {0};
    b.conn = -1;
    if (o == NULL) return b;
    const rh_step *olds[256];
    size_t nold = is_block(&o->c->steps[step]) ? old_patterns(o->c, step, o->proto, olds, 256) : 0;
    for (size_t i = 0; i < o->nobs; i++) {
        const rh_observation *ob = &o->obs[i];
        if (ob->step != step) continue;
        b.conn = ob->conn;
        if (ob->closed) {
            b.closed = 1;
            continue;
        }
        b.texts = realloc(b.texts, (b.n + 1) * sizeof *b.texts);
        if (b.texts == NULL) rh_die("out of memory");
        b.texts[b.n] = text_for(o, ob, b.n < nold ? olds[b.n] : NULL);
        b.n++;
    }
    return b;
}

static void block_free(block *b) {
    for (size_t i = 0; i < b->n; i++) free(b->texts[i]);
    free(b->texts);
}

static int has_block(const rh_outcome *o, size_t step) {
    if (o == NULL) return 0;
    for (size_t i = 0; i < o->nobs; i++)
        if (o->obs[i].step == step) return 1;
    return 0;
}

/* Expectation lines for one block from both protocols. */
static void emit_block(resp_buf *out, const char *indent, const rh_outcome *o2,
                       const rh_outcome *o3, size_t step) {
    block b2 = gather(o2, step), b3 = gather(o3, step);
    size_t n = b2.n > b3.n ? b2.n : b3.n;
    for (size_t i = 0; i < n; i++) {
        const char *t2 = i < b2.n ? b2.texts[i] : NULL;
        const char *t3 = i < b3.n ? b3.texts[i] : NULL;
        if (o2 == NULL || o3 == NULL || (t2 && t3 && strcmp(t2, t3) == 0)) {
            rh_bufprintf(out, "%s< %s\n", indent, t2 ? t2 : t3);
            continue;
        }
        if (t2) rh_bufprintf(out, "%s<2 %s\n", indent, t2);
        if (t3) rh_bufprintf(out, "%s<3 %s\n", indent, t3);
    }
    if (b2.closed || b3.closed) rh_bufprintf(out, "%sclosed\n", indent);
    block_free(&b2);
    block_free(&b3);
}

/* The connection in use after step idx. */
static const char *conn_at(const rh_case *c, size_t idx) {
    const char *name = "main";
    for (size_t i = 0; i <= idx && i < c->nsteps; i++)
        if (c->steps[i].kind == RH_STEP_CONN) name = c->steps[i].text;
    return name;
}

int rh_record_write(const char *path, rh_outcome *const *outcomes, size_t n) {
    size_t len;
    char *text = rh_read_file(path, &len);
    if (text == NULL) {
        fprintf(stderr, "respect: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t nlines = 0, cap = 256;
    line *lines = malloc(cap * sizeof *lines);
    if (lines == NULL) rh_die("out of memory");
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (nlines == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            if (lines == NULL) rh_die("out of memory");
        }
        lines[nlines++] = (line){text + pos, end - pos};
        pos = end + 1;
    }
    /* Per line: drop it, and what to write after it. */
    unsigned char *drop = calloc(nlines + 1, 1);
    resp_buf *after = calloc(nlines + 1, sizeof *after);
    resp_buf *before = calloc(nlines + 1, sizeof *before);
    if (drop == NULL || after == NULL || before == NULL) rh_die("out of memory");
    for (size_t i = 0; i <= nlines; i++) {
        resp_buf_init(&after[i], NULL);
        resp_buf_init(&before[i], NULL);
    }
    int changed = 0;
    for (size_t k = 0; k < n; k++) {
        const rh_outcome *o = outcomes[k];
        if (o == NULL || o->c == NULL) continue;
        const rh_case *c = o->c;
        int seen = 0;
        for (size_t j = 0; j < k; j++) seen |= outcomes[j] != NULL && outcomes[j]->c == c;
        if (seen) continue;
        const rh_outcome *o2 = NULL, *o3 = NULL;
        for (size_t j = k; j < n; j++) {
            if (outcomes[j] == NULL || outcomes[j]->c != c) continue;
            if (outcomes[j]->proto == 2) o2 = outcomes[j];
            else o3 = outcomes[j];
        }
        for (size_t s = 0; s < c->nsteps; s++) {
            const rh_step *st = &c->steps[s];
            size_t ln = (size_t)st->line - 1;
            const char *ind = lines[ln].text;
            size_t indlen = 0;
            while (indlen < lines[ln].len && (ind[indlen] == ' ' || ind[indlen] == '\t')) indlen++;
            char indent[64];
            snprintf(indent, sizeof indent, "%.*s", (int)(indlen < 60 ? indlen : 60), ind);
            if (is_block(st)) {
                drop[ln] = 1;
                if (s == 0 || !is_block(&c->steps[s - 1])) emit_block(&before[ln], indent, o2, o3, s);
            } else if (has_block(o2, s) || has_block(o3, s)) {
                /* A new block after a step; on another connection, say so. */
                const rh_outcome *any = o2 ? o2 : o3;
                int conn = -1;
                for (size_t i = 0; i < any->nobs; i++)
                    if (any->obs[i].step == s) conn = any->obs[i].conn;
                const char *here = conn_at(c, s);
                const char *there = conn >= 0 ? any->conn_names[conn] : here;
                int other = strcmp(here, there) != 0;
                if (other) rh_bufprintf(&after[ln], "%sconn %s\n", indent, there);
                emit_block(&after[ln], indent, o2, o3, s);
                if (other) rh_bufprintf(&after[ln], "%sconn %s\n", indent, here);
            }
        }
        changed++;
    }
    resp_buf out;
    resp_buf_init(&out, NULL);
    for (size_t i = 0; i < nlines; i++) {
        resp_buf_append(&out, before[i].data, before[i].len);
        if (!drop[i]) {
            resp_buf_append(&out, lines[i].text, lines[i].len);
            if (i + 1 < nlines || (len > 0 && text[len - 1] == '\n')) resp_buf_append(&out, "\n", 1);
        }
        resp_buf_append(&out, after[i].data, after[i].len);
    }
    int rc = 0;
    if (out.len != len || memcmp(out.data, text, len) != 0) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        FILE *f = fopen(tmp, "wb");
        if (f == NULL || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0 ||
            rename(tmp, path) != 0) {
            fprintf(stderr, "respect: %s: %s\n", path, strerror(errno));
            rc = -1;
        }
    } else {
        changed = 0;
    }
    for (size_t i = 0; i <= nlines; i++) {
        resp_buf_free(&after[i]);
        resp_buf_free(&before[i]);
    }
    resp_buf_free(&out);
    free(drop);
    free(after);
    free(before);
    free(lines);
    free(text);
    return rc == 0 ? changed : -1;
}
