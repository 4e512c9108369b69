/* harness/src/runner.c - running one case under one protocol. */
#define _POSIX_C_SOURCE 200809L
#include "runner.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <resp/printer.h>

#include "pattern.h"
#include "util.h"

#define MAX_CONNS 32

typedef struct exec {
    const rh_case *c;
    const rh_target *t;
    int proto;
    rh_mode mode;
    rh_outcome *out;
    rh_conn conns[MAX_CONNS];
    int opened[MAX_CONNS];
    int pending[MAX_CONNS]; /* record: sent since this connection's last block */
    size_t last_send[MAX_CONNS];
    long long ids[MAX_CONNS]; /* CLIENT ID of each, asked when the case uses $id(NAME) */
    size_t nconns;
    size_t cur;
    long long timeout;
    int stop;
    unsigned char *found; /* per step: a '<~' step that has met its reply */
} exec;

char *rh_print(const resp_value *v, const char *ns) {
    resp_buf b, u;
    resp_buf_init(&b, NULL);
    resp_buf_init(&u, NULL);
    resp_print_value(&b, v);
    rh_unexpand(&u, b.data, b.len, ns);
    resp_buf_append(&u, "", 1);
    resp_buf_free(&b);
    if (resp_buf_status(&u) != RESP_OK) rh_die("out of memory");
    return u.data;
}

static void normalise_spaces(resp_buf *b, const char *s) {
    int space = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t') {
            space = b->len > 0;
            continue;
        }
        if (space) resp_buf_append(b, " ", 1);
        space = 0;
        resp_buf_append(b, s, 1);
    }
    resp_buf_append(b, "", 1);
}

const char *rh_case_skip_reason(const rh_case *c, int proto, const rh_target *t) {
    static _Thread_local char why[300];
    if (!(c->protos & (proto == 2 ? RH_PROTO_2 : RH_PROTO_3))) return "not written for this protocol";
    resp_buf a, b;
    resp_buf_init(&a, NULL);
    resp_buf_init(&b, NULL);
    normalise_spaces(&a, c->server_args);
    normalise_spaces(&b, t->server_args != NULL ? t->server_args : "");
    int same = strcmp(a.data, b.data) == 0;
    resp_buf_free(&a);
    resp_buf_free(&b);
    if (!same) {
        snprintf(why, sizeof why, "needs a server started with '%s'", c->server_args);
        return why;
    }
    if (rh_case_has_tag(c, "flush") && !t->allow_flush)
        return "flushes the server: needs --allow-flush";
    return NULL;
}

static void message(exec *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void message(exec *e, const char *fmt, ...) {
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    resp_buf_append(&e->out->message, tmp, strlen(tmp));
}

/* Keeps text as a part of the run's first failure, unless one is kept. */
static void keep(char **part, const char *text, size_t len) {
    if (*part == NULL) *part = rh_strndup(text, len);
}

/* The "expected:" line of a failure. */
static void expect_line(exec *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect_line(exec *e, const char *fmt, ...) {
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    message(e, "  expected: %s\n", tmp);
    keep(&e->out->first.expected, tmp, strlen(tmp));
}

static void fail(exec *e, rh_status st) {
    if (e->out->status == RH_PASS) e->out->status = st;
    e->stop = 1;
}

/* The reply's bytes, quoted. */
static void quoted_bytes(resp_buf *b, const char *raw, size_t len) {
    size_t show = len > 400 ? 400 : len;
    resp_print_quoted(b, raw, show);
    if (show < len) rh_bufprintf(b, "... (%zu bytes)", len);
}

static const char *read_status_text(rh_read_status st) {
    switch (st) {
    case RH_READ_TIMEOUT: return "no reply in time";
    case RH_READ_CLOSED: return "the connection closed";
    case RH_READ_PROTOCOL: return "not valid RESP";
    case RH_READ_DISAGREE: return "the two readers disagree";
    default: return "a reply";
    }
}

/* expected: exact expectation text to mark the first difference against. */
static void describe_actual(exec *e, const rh_reply *r, const char *expected) {
    rh_failure *first = &e->out->first;
    resp_buf b;
    resp_buf_init(&b, NULL);
    if (r->status == RH_READ_OK || r->status == RH_READ_DISAGREE) {
        char *p = rh_print(r->value, e->out->ns);
        rh_bufprintf(&b, "  actual:   %s\n", p);
        keep(&first->actual, p, strlen(p));
        if (expected != NULL) {
            size_t i = 0;
            while (expected[i] != '\0' && expected[i] == p[i]) i++;
            rh_bufprintf(&b, "            %*s^ first difference at column %zu\n", (int)i, "",
                         i + 1);
        }
        free(p);
    } else {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "(%s)", read_status_text(r->status));
        rh_bufprintf(&b, "  actual:   %s\n", tmp);
        keep(&first->actual, tmp, strlen(tmp));
    }
    if (r->why != NULL) rh_bufprintf(&b, "  why:      %s\n", r->why);
    if (r->rawlen > 0) {
        resp_buf q;
        resp_buf_init(&q, NULL);
        quoted_bytes(&q, r->raw, r->rawlen);
        rh_bufprintf(&b, "  bytes:    %.*s\n", (int)q.len, q.data);
        keep(&first->bytes, q.data, q.len);
        resp_buf_free(&q);
    }
    resp_buf_append(&e->out->message, b.data, b.len);
    resp_buf_free(&b);
}

static void where(exec *e, const rh_step *st) {
    message(e, "  at:       %s:%d (connection %s)\n", e->c->file, st->line,
            e->conns[e->cur].name);
    size_t ls = e->last_send[e->cur];
    if (ls != (size_t)-1) {
        const rh_step *s = &e->c->steps[ls];
        message(e, "  after:    %s%.*s (line %d)\n", s->kind == RH_STEP_RAW ? "raw " : ">",
                (int)s->len, s->text, s->line);
    }
}

/* The first "$id(" in len bytes, or NULL. */
static const char *find_id_token(const char *s, size_t len) {
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(s + i, "$id(", 4) == 0) return s + i;
    return NULL;
}

/* Whether a case names connections' ids ($id(NAME) in a send). */
static int uses_ids(const rh_case *c) {
    for (size_t i = 0; i < c->nsteps; i++)
        if (c->steps[i].kind == RH_STEP_SEND && c->steps[i].len >= 4 &&
            find_id_token(c->steps[i].text, c->steps[i].len) != NULL)
            return 1;
    return 0;
}

/* Asks a new connection its CLIENT ID, when the case needs it: part of
 * the prelude, so not of a reproducer. */
static int ask_id(exec *e, size_t i) {
    if (!uses_ids(e->c)) return 0;
    rh_conn *c = &e->conns[i];
    static const char cmd[] = "*2\r\n$6\r\nCLIENT\r\n$2\r\nID\r\n";
    rh_conn_send(c, cmd, sizeof cmd - 1, 0, 0);
    rh_reply r;
    rh_conn_read(c, e->timeout, &r);
    int ok = r.status == RH_READ_OK && r.value->type == RESP_INTEGER;
    if (ok) e->ids[i] = r.value->integer;
    else {
        message(e, "  error:    the connection's CLIENT ID failed\n");
        keep(&e->out->first.expected, "CLIENT ID succeeds", 17);
        describe_actual(e, &r, NULL);
        fail(e, RH_ERROR);
    }
    rh_reply_clear(&r);
    resp_buf_clear(&c->sent);
    return ok ? 0 : -1;
}

static int open_conn(exec *e, size_t i) {
    if (e->opened[i]) return 0;
    rh_conn *c = &e->conns[i];
    char err[300];
    char *name = c->name;
    if (rh_conn_open(c, e->t->host, e->t->port, e->timeout, err, sizeof err) != 0) {
        c->name = name;
        message(e, "  error:    %s\n", err);
        keep(&e->out->first.actual, err, strlen(err));
        fail(e, RH_ERROR);
        return -1;
    }
    c->name = name;
    e->opened[i] = 1;
    if (!e->c->prelude) return 0;
    if (e->t->password == NULL && e->proto != 3) return ask_id(e, i);
    const char *argv[6];
    size_t n = 0;
    if (e->proto == 3) {
        argv[n++] = "HELLO";
        argv[n++] = "3";
        if (e->t->password != NULL) {
            argv[n++] = "AUTH";
            argv[n++] = e->t->user != NULL ? e->t->user : "default";
            argv[n++] = e->t->password;
        }
    } else if (e->t->password != NULL) {
        argv[n++] = "AUTH";
        if (e->t->user != NULL) argv[n++] = e->t->user;
        argv[n++] = e->t->password;
    }
    size_t lens[6];
    for (size_t k = 0; k < n; k++) lens[k] = strlen(argv[k]);
    resp_buf cmd;
    resp_buf_init(&cmd, NULL);
    resp_write_command(&cmd, n, argv, lens);
    rh_conn_send(c, cmd.data, cmd.len, 0, 0);
    resp_buf_free(&cmd);
    rh_reply r;
    rh_conn_read(c, e->timeout, &r);
    int ok = r.status == RH_READ_OK &&
             (e->proto == 3 ? r.value->type == RESP_MAP : r.value->type == RESP_SIMPLE_STRING);
    if (!ok) {
        message(e, "  error:    the connection's %s failed\n", argv[0]);
        char want[64];
        snprintf(want, sizeof want, "the connection's %s succeeds", argv[0]);
        keep(&e->out->first.expected, want, strlen(want));
        describe_actual(e, &r, NULL);
        fail(e, RH_ERROR);
    }
    rh_reply_clear(&r);
    /* What the prelude sent is not part of a reproducer of the case. */
    resp_buf_clear(&c->sent);
    return ok ? ask_id(e, i) : -1;
}

static size_t conn_index(exec *e, const char *name) {
    for (size_t i = 0; i < e->nconns; i++)
        if (strcmp(e->conns[i].name, name) == 0) return i;
    if (e->nconns == MAX_CONNS) rh_die("%s: more than %d connections", e->c->name, MAX_CONNS);
    size_t i = e->nconns++;
    memset(&e->conns[i], 0, sizeof e->conns[i]);
    e->conns[i].fd = -1;
    e->conns[i].name = rh_strdup(name);
    e->last_send[i] = (size_t)-1;
    return i;
}

static rh_observation *add_obs(exec *e, size_t step) {
    rh_outcome *o = e->out;
    o->obs = realloc(o->obs, (o->nobs + 1) * sizeof *o->obs);
    if (o->obs == NULL) rh_die("out of memory");
    rh_observation *ob = &o->obs[o->nobs++];
    memset(ob, 0, sizeof *ob);
    ob->step = step;
    ob->conn = (int)e->cur;
    ob->sent_mark = e->conns[e->cur].sent.len;
    return ob;
}

static void expanded(exec *e, const rh_step *st, resp_buf *b) {
    rh_expand(b, st->text, st->len, e->out->ns);
}

/* Replaces each $id(NAME) with the CLIENT ID of connection NAME (opened
 * now if it is not yet).  Returns -1 after failing the case. */
static int substitute_ids(exec *e, resp_buf *text) {
    const char *p = find_id_token(text->data, text->len);
    if (p == NULL) return 0;
    resp_buf out;
    resp_buf_init(&out, NULL);
    size_t pos = 0, cur = e->cur;
    while ((p = find_id_token(text->data + pos, text->len - pos)) != NULL) {
        size_t at = (size_t)(p - text->data);
        const char *close = memchr(p + 4, ')', text->len - at - 4);
        if (close == NULL) break;
        char name[64];
        size_t n = (size_t)(close - (p + 4));
        if (n == 0 || n >= sizeof name) break;
        memcpy(name, p + 4, n);
        name[n] = '\0';
        size_t idx = conn_index(e, name);
        if (open_conn(e, idx) != 0) {
            resp_buf_free(&out);
            return -1;
        }
        char num[24];
        int len = snprintf(num, sizeof num, "%lld", e->ids[idx]);
        resp_buf_append(&out, text->data + pos, at - pos);
        resp_buf_append(&out, num, (size_t)len);
        pos = (size_t)(close + 1 - text->data);
    }
    resp_buf_append(&out, text->data + pos, text->len - pos);
    e->cur = cur;
    resp_buf_free(text);
    *text = out;
    return 0;
}

static void do_send(exec *e, size_t idx, size_t chunk, long long gap) {
    const rh_step *st = &e->c->steps[idx];
    if (open_conn(e, e->cur) != 0) return;
    resp_buf text, bytes;
    resp_buf_init(&text, NULL);
    resp_buf_init(&bytes, NULL);
    expanded(e, st, &text);
    if (st->kind == RH_STEP_SEND && substitute_ids(e, &text) != 0) {
        resp_buf_free(&text);
        resp_buf_free(&bytes);
        return;
    }
    char err[200];
    int rc = st->kind == RH_STEP_SEND ? rh_encode_send(&bytes, text.data, text.len, err, sizeof err)
                                      : rh_decode_raw(&bytes, text.data, text.len, err, sizeof err);
    if (rc == 0) rh_conn_send(&e->conns[e->cur], bytes.data, bytes.len, chunk, gap);
    /* A failed send is not judged here: the expectations that follow
     * see the closed connection. */
    e->pending[e->cur] = 1;
    e->last_send[e->cur] = idx;
    resp_buf_free(&text);
    resp_buf_free(&bytes);
}

static int is_block_step(const rh_step *st) {
    return st->kind == RH_STEP_EXPECT || st->kind == RH_STEP_CLOSED;
}

static int applies(const exec *e, const rh_step *st) {
    return (st->protos & (e->proto == 2 ? RH_PROTO_2 : RH_PROTO_3)) != 0;
}

static int is_blank(const rh_step *st) {
    for (size_t i = 0; i < st->len; i++)
        if (st->text[i] != ' ') return 0;
    return 1;
}

/* The step's expectation, expanded and parsed; NULL for a bare '<'. */
static rh_pattern *step_pattern(exec *e, const rh_step *st, char *why, size_t whylen) {
    if (is_blank(st)) return NULL;
    resp_buf text;
    resp_buf_init(&text, NULL);
    expanded(e, st, &text);
    rh_pattern *p = rh_pattern_parse(text.data, text.len, why, whylen);
    resp_buf_free(&text);
    return p;
}

static int step_matches(exec *e, const rh_step *st, const rh_reply *r) {
    char why[300];
    rh_pattern *p = step_pattern(e, st, why, sizeof why);
    int ok = p != NULL && r->status == RH_READ_OK && rh_pattern_match(p, r->value);
    rh_pattern_free(p);
    return ok;
}

/* The first step of the block of '<' and 'closed' steps holding idx. */
static size_t block_first(const exec *e, size_t idx) {
    while (idx > 0 && is_block_step(&e->c->steps[idx - 1])) idx--;
    return idx;
}

/* A reply that the block's ordered steps do not expect may be one of its
 * '<~' steps still waiting: the reply becomes that step's observation. */
static int take_anywhere(exec *e, size_t from, size_t to, rh_reply *r) {
    for (size_t i = from; i < to; i++) {
        const rh_step *st = &e->c->steps[i];
        if (st->kind != RH_STEP_EXPECT || !st->anywhere || !applies(e, st) || e->found[i])
            continue;
        if (!step_matches(e, st, r)) continue;
        e->found[i] = 1;
        rh_observation *ob = add_obs(e, i);
        ob->reply = *r;
        ob->printed = rh_print(r->value, e->out->ns);
        return 1;
    }
    return 0;
}

static size_t block_end(const exec *e, size_t idx) {
    while (idx < e->c->nsteps && is_block_step(&e->c->steps[idx])) idx++;
    return idx;
}

static void fail_expect(exec *e, const rh_step *st, rh_pattern *p, const rh_reply *r) {
    const char *exp = st->text;
    while (*exp == ' ') exp++;
    expect_line(e, "%s", is_blank(st) ? "(not recorded: run 'respect record')" : exp);
    int exact = p != NULL && r->status == RH_READ_OK && rh_pattern_is_exact(p);
    describe_actual(e, r, exact ? exp : NULL);
    where(e, st);
    fail(e, RH_FAIL);
}

static void do_expect(exec *e, size_t idx) {
    const rh_step *st = &e->c->steps[idx];
    if (open_conn(e, e->cur) != 0) return;
    char why[300];
    rh_pattern *p = e->mode == RH_MODE_RUN ? step_pattern(e, st, why, sizeof why) : NULL;
    size_t from = block_first(e, idx), to = block_end(e, idx);
    rh_reply r;
    for (;;) {
        rh_conn_read(&e->conns[e->cur], e->timeout, &r);
        int ok = p != NULL && r.status == RH_READ_OK && rh_pattern_match(p, r.value);
        if (e->mode != RH_MODE_RUN || ok || r.status != RH_READ_OK || !take_anywhere(e, from, to, &r))
            break;
    }
    rh_observation *ob = add_obs(e, idx);
    ob->reply = r;
    if (r.value != NULL) ob->printed = rh_print(r.value, e->out->ns);
    if (e->mode == RH_MODE_RUN &&
        !(p != NULL && r.status == RH_READ_OK && rh_pattern_match(p, r.value)))
        fail_expect(e, st, p, &ob->reply);
    rh_pattern_free(p);
}

/* At the end of a block: the '<~' steps its ordered replies did not meet
 * arrive now, in any order. */
static void finish_anywhere(exec *e, size_t last) {
    size_t from = block_first(e, last), to = last + 1;
    for (size_t i = from; i < to && !e->stop; i++) {
        const rh_step *st = &e->c->steps[i];
        if (st->kind != RH_STEP_EXPECT || !st->anywhere || !applies(e, st) || e->found[i])
            continue;
        if (open_conn(e, e->cur) != 0) return;
        rh_reply r;
        rh_conn_read(&e->conns[e->cur], e->timeout, &r);
        if (r.status == RH_READ_OK && take_anywhere(e, from, to, &r)) {
            i = from - 1; /* look again from the block's start */
            continue;
        }
        rh_observation *ob = add_obs(e, i);
        ob->reply = r;
        if (r.value != NULL) ob->printed = rh_print(r.value, e->out->ns);
        char why[300];
        rh_pattern *p = step_pattern(e, st, why, sizeof why);
        fail_expect(e, st, p, &ob->reply);
        rh_pattern_free(p);
    }
}

static void do_closed(exec *e, size_t idx) {
    const rh_step *st = &e->c->steps[idx];
    if (open_conn(e, e->cur) != 0) return;
    rh_conn *c = &e->conns[e->cur];
    size_t unread = rh_conn_wait(c, e->timeout);
    rh_observation *ob = add_obs(e, idx);
    if (unread == 0 && c->eof) {
        ob->closed = 1;
        return;
    }
    if (unread > 0) rh_conn_read(c, e->timeout, &ob->reply);
    else ob->reply.status = RH_READ_TIMEOUT;
    if (ob->reply.value != NULL) ob->printed = rh_print(ob->reply.value, e->out->ns);
    if (e->mode != RH_MODE_RUN) return;
    expect_line(e, "the server closes the connection");
    if (unread > 0) {
        describe_actual(e, &ob->reply, NULL);
    } else {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "still open after %lld ms", e->timeout);
        message(e, "  actual:   %s\n", tmp);
        keep(&e->out->first.actual, tmp, strlen(tmp));
    }
    where(e, st);
    fail(e, RH_FAIL);
}

static void do_silent(exec *e, size_t idx) {
    const rh_step *st = &e->c->steps[idx];
    if (open_conn(e, e->cur) != 0) return;
    rh_conn *c = &e->conns[e->cur];
    size_t unread = rh_conn_wait(c, st->num);
    if (unread == 0 || e->mode == RH_MODE_RECORD) return;
    rh_observation *ob = add_obs(e, idx);
    rh_conn_read(c, e->timeout, &ob->reply);
    if (ob->reply.value != NULL) ob->printed = rh_print(ob->reply.value, e->out->ns);
    if (e->mode != RH_MODE_RUN) return;
    expect_line(e, "nothing for %lld ms", st->num);
    describe_actual(e, &ob->reply, NULL);
    where(e, st);
    fail(e, RH_FAIL);
}

/* Whether any step checks the server under protocol proto: a reply, a
 * close, or a silence. */
static int expects_something(const rh_case *c, int proto) {
    for (size_t i = 0; i < c->nsteps; i++) {
        const rh_step *st = &c->steps[i];
        if (st->kind == RH_STEP_CLOSED || st->kind == RH_STEP_SILENT) return 1;
        if (st->kind == RH_STEP_EXPECT && (st->protos & (proto == 2 ? RH_PROTO_2 : RH_PROTO_3)))
            return 1;
    }
    return 0;
}

/* Record: every reply that arrives on the current connection until it
 * goes quiet, as one block at step idx. */
static void record_block(exec *e, size_t idx) {
    rh_conn *c = &e->conns[e->cur];
    e->pending[e->cur] = 0;
    /* A block with no send before it (what a server says on connect)
     * opens the connection; a pending block has opened it already. */
    if (!e->opened[e->cur] && (!is_block_step(&e->c->steps[idx]) || open_conn(e, e->cur) != 0))
        return;
    /* A case with its own timeout (a slow command) waits that long. */
    long long first = e->c->timeout_ms > 0 ? e->c->timeout_ms : e->t->record_wait_ms;
    if (rh_conn_wait(c, first) == 0 && !c->eof) return;
    for (;;) {
        if (c->in.len == c->off) {
            if (c->eof) {
                add_obs(e, idx)->closed = 1;
                return;
            }
            if (rh_conn_wait(c, 60) == 0 && !c->eof) return;
            continue;
        }
        rh_observation *ob = add_obs(e, idx);
        rh_conn_read(c, e->timeout, &ob->reply);
        if (ob->reply.value != NULL) ob->printed = rh_print(ob->reply.value, e->out->ns);
        if (ob->reply.status != RH_READ_OK) {
            message(e, "  error:    while recording\n");
            describe_actual(e, &ob->reply, NULL);
            where(e, &e->c->steps[idx]);
            fail(e, RH_FAIL);
            return;
        }
    }
}

/* Record: connections with unanswered sends get a new block after step idx. */
static void record_pending(exec *e, size_t idx) {
    size_t keep = e->cur;
    for (size_t i = 0; i < e->nconns && !e->stop; i++) {
        if (!e->pending[i]) continue;
        e->cur = i;
        record_block(e, idx);
    }
    e->cur = keep;
}

static void check_quiet(exec *e) {
    for (size_t i = 0; i < e->nconns && !e->stop; i++) {
        rh_conn *c = &e->conns[i];
        if (!e->opened[i] || c->fd < 0) continue;
        if (rh_conn_wait(c, e->t->settle_ms) == 0) continue;
        e->cur = i;
        if (e->mode == RH_MODE_COLLECT) {
            /* For diff: the stray reply is one more observation. */
            rh_observation *ob = add_obs(e, e->c->nsteps - 1);
            rh_conn_read(c, e->timeout, &ob->reply);
            if (ob->reply.value != NULL) ob->printed = rh_print(ob->reply.value, e->out->ns);
            continue;
        }
        rh_reply r;
        rh_conn_read(c, e->timeout, &r);
        expect_line(e, "no more replies on connection %s", c->name);
        describe_actual(e, &r, NULL);
        rh_reply_clear(&r);
        fail(e, RH_FAIL);
    }
}

/* A block step ('<' or 'closed'): recorded, checked, or read for diff. */
static void run_block_step(exec *e, size_t i) {
    const rh_step *st = &e->c->steps[i];
    if (e->mode == RH_MODE_RECORD) {
        if (i == 0 || !is_block_step(&e->c->steps[i - 1])) record_block(e, i);
        return;
    }
    if (st->kind == RH_STEP_CLOSED) do_closed(e, i);
    else if (applies(e, st) && !(st->anywhere && e->mode == RH_MODE_RUN)) do_expect(e, i);
    if (e->mode == RH_MODE_RUN && (i + 1 == e->c->nsteps || !is_block_step(&e->c->steps[i + 1])))
        finish_anywhere(e, i);
}

static void close_current(exec *e) {
    rh_conn *conn = &e->conns[e->cur];
    if (!e->opened[e->cur] || conn->fd < 0) return;
    close(conn->fd);
    conn->fd = -1;
    conn->closed_by_us = 1;
}

/* Runs step i; chunk and gap are the sends' current chunking. */
static void run_step(exec *e, size_t i, size_t *chunk, long long *gap) {
    const rh_step *st = &e->c->steps[i];
    if (e->mode == RH_MODE_RECORD && !is_block_step(st) && st->kind != RH_STEP_SEND &&
        st->kind != RH_STEP_RAW && st->kind != RH_STEP_CHUNK && i > 0)
        record_pending(e, i - 1);
    switch (st->kind) {
    case RH_STEP_CONN: e->cur = conn_index(e, st->text); break;
    case RH_STEP_CHUNK:
        *chunk = (size_t)st->num;
        *gap = st->num2;
        break;
    case RH_STEP_PAUSE: rh_sleep_ms(st->num); break;
    case RH_STEP_SEND:
    case RH_STEP_RAW: do_send(e, i, *chunk, *gap); break;
    case RH_STEP_EXPECT:
    case RH_STEP_CLOSED: run_block_step(e, i); break;
    case RH_STEP_SILENT: do_silent(e, i); break;
    case RH_STEP_CLOSE: close_current(e); break;
    }
}

/* The outcome keeps what each connection sent (for reproducers). */
static void keep_sent(exec *e) {
    rh_outcome *out = e->out;
    out->nconns = e->nconns;
    out->sent = calloc(e->nconns, sizeof *out->sent);
    out->sentlen = calloc(e->nconns, sizeof *out->sentlen);
    out->conn_names = calloc(e->nconns, sizeof *out->conn_names);
    if (out->sent == NULL || out->sentlen == NULL || out->conn_names == NULL)
        rh_die("out of memory");
    for (size_t i = 0; i < e->nconns; i++) {
        out->conn_names[i] = rh_strdup(e->conns[i].name);
        out->sentlen[i] = e->conns[i].sent.len;
        out->sent[i] = rh_strndup(e->conns[i].sent.data ? e->conns[i].sent.data : "",
                                  e->conns[i].sent.len);
    }
}

/* Whether the case runs under proto at all; otherwise out says why not. */
static int runnable(const rh_case *c, int proto, const rh_target *t, rh_mode mode,
                    rh_outcome *out) {
    const char *skip = rh_case_skip_reason(c, proto, t);
    if (skip != NULL) {
        out->status = RH_SKIP;
        resp_buf_append(&out->message, skip, strlen(skip));
        return 0;
    }
    if (mode != RH_MODE_RECORD && !expects_something(c, proto)) {
        /* Such a case would pass whatever the server replies. */
        out->status = RH_FAIL;
        rh_bufprintf(&out->message, "  the case expects nothing under RESP%d: record its replies "
                                    "(respect record) or write them",
                     proto);
        return 0;
    }
    return 1;
}

void rh_run_case(const rh_case *c, int proto, const rh_target *t, rh_mode mode, unsigned nonce,
                 size_t index, rh_outcome *out) {
    memset(out, 0, sizeof *out);
    out->c = c;
    out->proto = proto;
    resp_buf_init(&out->message, NULL);
    snprintf(out->ns, sizeof out->ns, "rt%u_%zu_%d:", nonce, index, proto);
    if (!runnable(c, proto, t, mode, out)) return;
    exec *e = calloc(1, sizeof *e);
    if (e == NULL) rh_die("out of memory");
    e->found = calloc(c->nsteps + 1, 1);
    if (e->found == NULL) rh_die("out of memory");
    e->c = c;
    e->t = t;
    e->proto = proto;
    e->mode = mode;
    e->out = out;
    e->timeout = c->timeout_ms > 0 ? c->timeout_ms : t->timeout_ms;
    e->cur = conn_index(e, "main");
    long long start = rh_now_ms();
    size_t chunk = 0;
    long long gap = 0;
    for (size_t i = 0; i < c->nsteps && !e->stop; i++) run_step(e, i, &chunk, &gap);
    if (mode == RH_MODE_RECORD && !e->stop) record_pending(e, c->nsteps - 1);
    if (mode != RH_MODE_RECORD && !e->stop) check_quiet(e);
    out->ms = rh_now_ms() - start;
    keep_sent(e);
    for (size_t i = 0; i < e->nconns; i++) rh_conn_close(&e->conns[i]);
    free(e->found);
    free(e);
}

void rh_failure_free(rh_failure *f) {
    free(f->expected);
    free(f->actual);
    free(f->bytes);
    memset(f, 0, sizeof *f);
}

void rh_outcome_free(rh_outcome *o) {
    resp_buf_free(&o->message);
    rh_failure_free(&o->first);
    for (size_t i = 0; i < o->nobs; i++) {
        rh_reply_clear(&o->obs[i].reply);
        free(o->obs[i].printed);
    }
    free(o->obs);
    for (size_t i = 0; i < o->nconns; i++) {
        free(o->sent[i]);
        free(o->conn_names[i]);
    }
    free(o->sent);
    free(o->sentlen);
    free(o->conn_names);
    memset(o, 0, sizeof *o);
}
