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
    char **anywhere; /* the '<~' lines a reply met, as the author wrote them */
    size_t nany;
    int closed;
    int conn;
} block;

static int is_block(const rh_step *st) {
    return st->kind == RH_STEP_EXPECT || st->kind == RH_STEP_CLOSED;
}

/* The protocol-p expectations of the block that starts at step idx: its
 * '<' lines, or (anywhere) its '<~' lines. */
static size_t old_patterns(const rh_case *c, size_t idx, int p, int anywhere,
                           const rh_step **out, size_t max) {
    size_t n = 0;
    int bit = p == 2 ? RH_PROTO_2 : RH_PROTO_3;
    for (size_t i = idx; i < c->nsteps && is_block(&c->steps[i]) && n < max; i++) {
        const rh_step *st = &c->steps[i];
        if (st->kind == RH_STEP_EXPECT && (st->protos & bit) && st->anywhere == anywhere)
            out[n++] = st;
    }
    return n;
}

/* Whether the author's line (expanded in o's namespace) matches the reply;
 * exact_too: an exact expectation counts, not only a matcher. */
static int still_matches(const rh_outcome *o, const rh_observation *ob, const rh_step *old,
                         int exact_too) {
    if (old == NULL || ob->reply.value == NULL) return 0;
    resp_buf t;
    resp_buf_init(&t, NULL);
    rh_expand(&t, old->text, old->len, o->ns);
    char why[200];
    rh_pattern *p = t.len ? rh_pattern_parse(t.data, t.len, why, sizeof why) : NULL;
    int ok = p != NULL && (exact_too || !rh_pattern_is_exact(p)) && rh_pattern_match(p, ob->reply.value);
    rh_pattern_free(p);
    resp_buf_free(&t);
    return ok;
}

static char *author_text(const rh_step *old) {
    const char *s = old->text;
    while (*s == ' ') s++;
    return rh_strdup(s);
}

/* Keeps an author's matcher when it still matches the recorded reply. */
static char *text_for(const rh_outcome *o, const rh_observation *ob, const rh_step *old) {
    if (still_matches(o, ob, old, 0)) return author_text(old);
    return rh_strdup(ob->printed != NULL ? ob->printed : "any");
}

static void add_text(char ***texts, size_t *n, char *text) {
    *texts = realloc(*texts, (*n + 1) * sizeof **texts);
    if (*texts == NULL) rh_die("out of memory");
    (*texts)[(*n)++] = text;
}

/* A '<~' line of the block still unmet that the reply meets: it stays a
 * '<~' line, and the reply takes no '<' line. */
static int meets_anywhere(const rh_outcome *o, const rh_observation *ob, const rh_step **any,
                          unsigned char *met, size_t nany, block *b) {
    for (size_t j = 0; j < nany; j++) {
        if (met[j] || !still_matches(o, ob, any[j], 1)) continue;
        met[j] = 1;
        add_text(&b->anywhere, &b->nany, author_text(any[j]));
        return 1;
    }
    return 0;
}

static block gather(const rh_outcome *o, size_t step) {
    block b = {0};
    b.conn = -1;
    if (o == NULL) return b;
    const rh_step *olds[256], *any[256];
    unsigned char met[256] = {0};
    int in_block = is_block(&o->c->steps[step]);
    size_t nold = in_block ? old_patterns(o->c, step, o->proto, 0, olds, 256) : 0;
    size_t nany = in_block ? old_patterns(o->c, step, o->proto, 1, any, 256) : 0;
    for (size_t i = 0; i < o->nobs; i++) {
        const rh_observation *ob = &o->obs[i];
        if (ob->step != step) continue;
        b.conn = ob->conn;
        if (ob->closed) {
            b.closed = 1;
            continue;
        }
        if (meets_anywhere(o, ob, any, met, nany, &b)) continue;
        add_text(&b.texts, &b.n, text_for(o, ob, b.n < nold ? olds[b.n] : NULL));
    }
    return b;
}

static void block_free(block *b) {
    for (size_t i = 0; i < b->n; i++) free(b->texts[i]);
    free(b->texts);
    for (size_t i = 0; i < b->nany; i++) free(b->anywhere[i]);
    free(b->anywhere);
}

static int has_block(const rh_outcome *o, size_t step) {
    if (o == NULL) return 0;
    for (size_t i = 0; i < o->nobs; i++)
        if (o->obs[i].step == step) return 1;
    return 0;
}

/* Lines of one kind ("<" or "<~") from both protocols: one line where
 * they agree, a <2 and a <3 line where they differ. */
static void emit_lines(resp_buf *out, const char *indent, const char *mark, char **t2s,
                       size_t n2, char **t3s, size_t n3, int both) {
    size_t n = n2 > n3 ? n2 : n3;
    for (size_t i = 0; i < n; i++) {
        const char *t2 = i < n2 ? t2s[i] : NULL;
        const char *t3 = i < n3 ? t3s[i] : NULL;
        if (!both || (t2 && t3 && strcmp(t2, t3) == 0)) {
            rh_bufprintf(out, "%s%s %s\n", indent, mark, t2 ? t2 : t3);
            continue;
        }
        if (t2) rh_bufprintf(out, "%s%s2 %s\n", indent, mark, t2);
        if (t3) rh_bufprintf(out, "%s%s3 %s\n", indent, mark, t3);
    }
}

/* Expectation lines for one block from both protocols: the replies in the
 * order they arrived, then the '<~' lines some reply met. */
static void emit_block(resp_buf *out, const char *indent, const rh_outcome *o2,
                       const rh_outcome *o3, size_t step) {
    block b2 = gather(o2, step), b3 = gather(o3, step);
    int both = o2 != NULL && o3 != NULL;
    emit_lines(out, indent, "<", b2.texts, b2.n, b3.texts, b3.n, both);
    emit_lines(out, indent, "<~", b2.anywhere, b2.nany, b3.anywhere, b3.nany, both);
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

static line *split_lines(const char *text, size_t len, size_t *nlines) {
    size_t n = 0, cap = 256;
    line *lines = malloc(cap * sizeof *lines);
    if (lines == NULL) rh_die("out of memory");
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            if (lines == NULL) rh_die("out of memory");
        }
        lines[n++] = (line){text + pos, end - pos};
        pos = end + 1;
    }
    *nlines = n;
    return lines;
}

/* What becomes of each line of the file: dropped (an old block), and what
 * is written before it (the new block) and after it (a block new there). */
typedef struct edits {
    size_t n;
    unsigned char *drop;
    resp_buf *before, *after;
} edits;

static void edits_init(edits *ed, size_t nlines) {
    ed->n = nlines;
    ed->drop = calloc(nlines + 1, 1);
    ed->after = calloc(nlines + 1, sizeof *ed->after);
    ed->before = calloc(nlines + 1, sizeof *ed->before);
    if (ed->drop == NULL || ed->after == NULL || ed->before == NULL) rh_die("out of memory");
    for (size_t i = 0; i <= nlines; i++) {
        resp_buf_init(&ed->after[i], NULL);
        resp_buf_init(&ed->before[i], NULL);
    }
}

static void edits_free(edits *ed) {
    for (size_t i = 0; i <= ed->n; i++) {
        resp_buf_free(&ed->after[i]);
        resp_buf_free(&ed->before[i]);
    }
    free(ed->drop);
    free(ed->after);
    free(ed->before);
}

/* A line's leading blanks (at most 60), to indent what is written there. */
static void indent_of(const line *l, char *out, size_t cap) {
    size_t n = 0;
    while (n < l->len && (l->text[n] == ' ' || l->text[n] == '\t')) n++;
    snprintf(out, cap, "%.*s", (int)(n < 60 ? n : 60), l->text);
}

/* A new block after step s, which is not a block step; on another
 * connection than the one in use there, between two 'conn' lines. */
static void add_block_after(resp_buf *out, const char *indent, const rh_case *c,
                            const rh_outcome *o2, const rh_outcome *o3, size_t s) {
    const rh_outcome *any = o2 ? o2 : o3;
    int conn = -1;
    for (size_t i = 0; i < any->nobs; i++)
        if (any->obs[i].step == s) conn = any->obs[i].conn;
    const char *here = conn_at(c, s);
    const char *there = conn >= 0 ? any->conn_names[conn] : here;
    int other = strcmp(here, there) != 0;
    if (other) rh_bufprintf(out, "%sconn %s\n", indent, there);
    emit_block(out, indent, o2, o3, s);
    if (other) rh_bufprintf(out, "%sconn %s\n", indent, here);
}

/* One case's recorded blocks, from its RESP2 and RESP3 runs (either NULL). */
static void plan_case(edits *ed, const line *lines, const rh_case *c, const rh_outcome *o2,
                      const rh_outcome *o3) {
    for (size_t s = 0; s < c->nsteps; s++) {
        const rh_step *st = &c->steps[s];
        size_t ln = (size_t)st->line - 1;
        char indent[64];
        indent_of(&lines[ln], indent, sizeof indent);
        if (is_block(st)) {
            ed->drop[ln] = 1;
            if (s == 0 || !is_block(&c->steps[s - 1])) emit_block(&ed->before[ln], indent, o2, o3, s);
        } else if (has_block(o2, s) || has_block(o3, s)) {
            add_block_after(&ed->after[ln], indent, c, o2, o3, s);
        }
    }
}

/* Plans every case that has outcomes (each once); returns how many. */
static int plan_all(edits *ed, const line *lines, rh_outcome *const *outcomes, size_t n) {
    int planned = 0;
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
        plan_case(ed, lines, c, o2, o3);
        planned++;
    }
    return planned;
}

static void assemble(resp_buf *out, const line *lines, const edits *ed, const char *text,
                     size_t len) {
    for (size_t i = 0; i < ed->n; i++) {
        resp_buf_append(out, ed->before[i].data, ed->before[i].len);
        if (!ed->drop[i]) {
            resp_buf_append(out, lines[i].text, lines[i].len);
            if (i + 1 < ed->n || (len > 0 && text[len - 1] == '\n')) resp_buf_append(out, "\n", 1);
        }
        resp_buf_append(out, ed->after[i].data, ed->after[i].len);
    }
}

/* Replaces the file through a temporary one. */
static int replace_file(const char *path, const resp_buf *out) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (f == NULL || fwrite(out->data, 1, out->len, f) != out->len || fclose(f) != 0 ||
        rename(tmp, path) != 0) {
        fprintf(stderr, "respect: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int rh_record_write(const char *path, rh_outcome *const *outcomes, size_t n) {
    size_t len;
    char *text = rh_read_file(path, &len);
    if (text == NULL) {
        fprintf(stderr, "respect: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t nlines;
    line *lines = split_lines(text, len, &nlines);
    edits ed;
    edits_init(&ed, nlines);
    int changed = plan_all(&ed, lines, outcomes, n);
    resp_buf out;
    resp_buf_init(&out, NULL);
    assemble(&out, lines, &ed, text, len);
    int rc = 0;
    int same = out.len == len && (len == 0 || memcmp(out.data, text, len) == 0);
    if (!same) rc = replace_file(path, &out);
    else changed = 0;
    resp_buf_free(&out);
    edits_free(&ed);
    free(lines);
    free(text);
    return rc == 0 ? changed : -1;
}
