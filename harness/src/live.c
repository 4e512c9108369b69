/* harness/src/live.c - one program, two live servers, every reply compared. */
#define _POSIX_C_SOURCE 200809L
#include "live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <resp/printer.h>

#include "util.h"

enum { UNDER_TEST = 0, REFERENCE = 1 };

typedef struct frame {
    rh_reply r;
    size_t op;
    int oob;              /* a pub/sub message or push, not the reply to op */
    const rh_rule *rule;  /* how it is compared (NULL: byte for byte) */
    rh_queued *queued;    /* EXEC: the commands whose replies it holds */
    size_t nqueued;
} frame;

typedef struct frames {
    frame *f;
    size_t n, cap;
} frames;

static frame *frames_add(frames *fs) {
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 16;
        fs->f = realloc(fs->f, fs->cap * sizeof *fs->f);
        if (fs->f == NULL) rh_die("out of memory");
    }
    frame *f = &fs->f[fs->n++];
    memset(f, 0, sizeof *f);
    return f;
}

static void frames_free(frames *fs) {
    for (size_t i = 0; i < fs->n; i++) {
        rh_reply_clear(&fs->f[i].r);
        free(fs->f[i].queued);
    }
    free(fs->f);
}

/* ---- connections ---- */

void rh_live_init(rh_live *l, const rh_live_config *cfg, const char *ns) {
    memset(l, 0, sizeof *l);
    l->cfg = *cfg;
    snprintf(l->ns, sizeof l->ns, "%s", ns);
    for (int s = 0; s < 2; s++)
        for (int c = 0; c < RH_PROGRAM_CONNS; c++) l->conns[s][c].fd = -1;
}

static void close_pair(rh_live *l, int c) {
    for (int s = 0; s < 2; s++) rh_conn_close(&l->conns[s][c]);
    l->open[c] = 0;
    rh_model_free(&l->model[c]);
}

void rh_live_free(rh_live *l) {
    for (int c = 0; c < RH_PROGRAM_CONNS; c++)
        if (l->open[c]) close_pair(l, c);
    for (size_t i = 0; i < l->nlines; i++) free(l->lines[i].text);
    free(l->lines);
    l->lines = NULL;
    l->nlines = 0;
}

static int handshake(rh_live *l, const rh_target *t, rh_conn *conn, int proto) {
    const char *argv[6];
    int n = 0;
    if (proto == 3) {
        argv[n++] = "HELLO";
        argv[n++] = "3";
        if (t->password != NULL) {
            argv[n++] = "AUTH";
            argv[n++] = t->user != NULL ? t->user : "default";
            argv[n++] = t->password;
        }
    } else if (t->password != NULL) {
        argv[n++] = "AUTH";
        if (t->user != NULL) argv[n++] = t->user;
        argv[n++] = t->password;
    }
    if (n == 0) return 0;
    size_t lens[6];
    for (int i = 0; i < n; i++) lens[i] = strlen(argv[i]);
    resp_buf cmd;
    resp_buf_init(&cmd, NULL);
    resp_write_command(&cmd, (size_t)n, argv, lens);
    rh_conn_send(conn, cmd.data, cmd.len, 0, 0);
    resp_buf_free(&cmd);
    rh_reply r;
    rh_conn_read(conn, t->timeout_ms, &r);
    int ok = r.status == RH_READ_OK && r.value->type != RESP_SIMPLE_ERROR &&
             r.value->type != RESP_BULK_ERROR;
    if (!ok) {
        /* Why: the error it replied, or what went wrong reading. */
        const char *why = r.why != NULL                  ? r.why
                          : r.status == RH_READ_TIMEOUT  ? "no reply in time"
                          : r.status == RH_READ_CLOSED   ? "the connection closed"
                                                         : "not a valid reply";
        int wlen = (int)strlen(why);
        if (r.status == RH_READ_OK) why = r.value->str, wlen = (int)r.value->len;
        snprintf(l->error, sizeof l->error, "%s: %s failed on connect: %.*s", t->name, argv[0],
                 wlen > 200 ? 200 : wlen, why);
    }
    rh_reply_clear(&r);
    resp_buf_clear(&conn->sent);
    return ok ? 0 : -1;
}

static int open_pair(rh_live *l, int c, int proto) {
    const rh_target *t[2] = {l->cfg.a, l->cfg.b};
    for (int s = 0; s < 2; s++) {
        char err[300];
        if (rh_conn_open(&l->conns[s][c], t[s]->host, t[s]->port, t[s]->timeout_ms, err,
                         sizeof err) != 0) {
            snprintf(l->error, sizeof l->error, "%s: %.200s", t[s]->name, err);
            if (s == 1) rh_conn_close(&l->conns[0][c]);
            return -1;
        }
        l->conns[s][c].one_reader = 1;
        if (handshake(l, t[s], &l->conns[s][c], proto) != 0) {
            /* Not open as a pair: close what this call opened. */
            for (int k = 0; k <= s; k++) rh_conn_close(&l->conns[k][c]);
            return -1;
        }
    }
    l->open[c] = 1;
    rh_model_init(&l->model[c], proto);
    return 0;
}

/* ---- differences ---- */

static void op_label(const rh_live *l, const rh_program *p, size_t op, int oob, char *out,
                     size_t outlen) {
    if (oob) {
        snprintf(out, outlen, "message");
        return;
    }
    const rh_op *o = &p->ops[op];
    if (o->kind == RH_OP_RAW) {
        resp_buf b;
        resp_buf_init(&b, NULL);
        resp_print_quoted(&b, o->argv[0], o->lens[0] > 24 ? 24 : o->lens[0]);
        snprintf(out, outlen, "raw %.*s", (int)b.len, b.data);
        resp_buf_free(&b);
        return;
    }
    char first[64];
    rh_op_name(o, 0, first, sizeof first);
    const rh_cmd *c = rh_cmdtable_find(l->cfg.table, first);
    rh_op_name(o, c != NULL && c->container, out, outlen);
}

static char *reply_text(const rh_live *l, const rh_reply *r) {
    switch (r->status) {
    case RH_READ_OK: return rh_print(r->value, l->ns);
    case RH_READ_TIMEOUT: return rh_strdup("(no reply in time)");
    case RH_READ_CLOSED: return rh_strdup("(connection closed)");
    case RH_READ_PROTOCOL: return rh_strdup("(not valid RESP)");
    case RH_READ_DISAGREE: return rh_strdup("(resp/ and hiredis read it differently)");
    }
    return rh_strdup("?");
}

static int is_error_value(const resp_value *v) {
    return v->type == RESP_SIMPLE_ERROR || v->type == RESP_BULK_ERROR;
}

static const char *difference_kind(const rh_reply *a, const rh_reply *b, char *tmp, size_t n) {
    if (b->status == RH_READ_CLOSED)
        return a->status == RH_READ_TIMEOUT ? "the reference closed the connection, the other kept it open"
                                            : "the reference closed the connection, the other replied";
    switch (a->status) {
    case RH_READ_TIMEOUT: return "no reply";
    case RH_READ_CLOSED: return "connection closed";
    case RH_READ_PROTOCOL: return "not valid RESP";
    case RH_READ_DISAGREE: return "the two readers disagree";
    case RH_READ_OK: break;
    }
    if (b->status != RH_READ_OK) return "the reference's reply is not valid RESP";
    if (a->value->type != b->value->type) {
        snprintf(tmp, n, "reply type %c, reference %c", (char)a->value->type,
                 (char)b->value->type);
        return tmp;
    }
    if (is_error_value(a->value)) return "error text";
    snprintf(tmp, n, "different %c reply", (char)a->value->type);
    return tmp;
}

static void fill_diff(rh_live *l, const rh_program *p, size_t op, int oob, int conn,
                      const rh_reply *a, const rh_reply *b, const char *kind, rh_live_diff *d) {
    memset(d, 0, sizeof *d);
    d->op = op;
    d->conn = conn;
    op_label(l, p, op, oob, d->cmd, sizeof d->cmd);
    char tmp[100];
    if (kind == NULL) kind = difference_kind(a, b, tmp, sizeof tmp);
    snprintf(d->signature, sizeof d->signature, "%s: %s", d->cmd, kind);
    d->a_text = a != NULL ? reply_text(l, a) : rh_strdup("(nothing more)");
    d->b_text = b != NULL ? reply_text(l, b) : rh_strdup("(nothing more)");
}

void rh_live_diff_clear(rh_live_diff *d) {
    free(d->a_text);
    free(d->b_text);
    memset(d, 0, sizeof *d);
}

static const rh_rule *rule_for(const rh_live *l, const char *cmd, size_t argc) {
    return rh_rules_find(l->cfg.rules, cmd, argc);
}

/* A transaction's replies, each under its own command's rule.  Messages
 * the transaction delivered to this connection sit among them (RESP3);
 * those one PUBLISH delivered compare in any order. */
static int same_exec(const rh_live *l, const frame *fb, const resp_value *a) {
    const resp_value *b = fb->r.value;
    if (a->type != RESP_ARRAY || b->type != RESP_ARRAY || a->count != b->count) return 0;
    size_t q = 0;
    for (size_t i = 0; i < a->count;) {
        const resp_value *e = &b->elems[i];
        if (e->type == RESP_PUSH) {
            size_t k = i + 1;
            while (k < b->count && rh_rules_same_publish(e, &b->elems[k])) k++;
            const resp_value *va[64], *vb[64];
            size_t n = k - i < 64 ? k - i : 64;
            for (size_t j = 0; j < n; j++) va[j] = &a->elems[i + j], vb[j] = &b->elems[i + j];
            if (!rh_rules_same_messages(va, vb, n)) return 0;
            i += n;
            continue;
        }
        const rh_rule *rule =
            q < fb->nqueued ? rule_for(l, fb->queued[q].name, fb->queued[q].argc) : NULL;
        if (!rh_rules_same_value(rule, &a->elems[i], e)) return 0;
        q++;
        i++;
    }
    return 1;
}

static int same_reply(const rh_live *l, const rh_reply *a, const frame *fb) {
    const rh_reply *b = &fb->r;
    if (a->status != b->status) return 0;
    if (a->status != RH_READ_OK)
        return a->rawlen == b->rawlen && memcmp(a->raw, b->raw, a->rawlen) == 0;
    if (a->rawlen == b->rawlen && memcmp(a->raw, b->raw, a->rawlen) == 0) return 1;
    if (fb->queued != NULL && same_exec(l, fb, a->value)) return 1;
    return rh_rules_same(fb->rule, a->value, a->raw, a->rawlen, b->value, b->raw, b->rawlen);
}

/* ---- running ---- */

static void keep_line(rh_live *l, size_t op, int conn, char *text) {
    l->lines = realloc(l->lines, (l->nlines + 1) * sizeof *l->lines);
    if (l->lines == NULL) rh_die("out of memory");
    l->lines[l->nlines++] = (rh_live_line){op, conn, text};
}

/* A batch goes out in as few writes as it allows: the operations sent
 * whole share one, and each one marked for small pieces goes alone. */
static void send_batch(rh_live *l, const rh_program *p, size_t from, size_t to, int c) {
    resp_buf bytes;
    resp_buf_init(&bytes, NULL);
    for (int s = REFERENCE; s >= UNDER_TEST; s--) {
        rh_conn *conn = &l->conns[s][c];
        for (size_t i = from; i < to; i++) {
            size_t chunk = p->ops[i].chunk;
            if (chunk != 0 && bytes.len > 0) {
                rh_conn_send(conn, bytes.data, bytes.len, 0, 0);
                resp_buf_clear(&bytes);
            }
            rh_op_encode(&p->ops[i], l->ns, &bytes);
            if (chunk != 0) {
                rh_conn_send(conn, bytes.data, bytes.len, chunk, 0);
                resp_buf_clear(&bytes);
            }
        }
        if (bytes.len > 0) rh_conn_send(conn, bytes.data, bytes.len, 0, 0);
        resp_buf_clear(&bytes);
        /* Nothing reads back what a live run sent; a long run must not keep it. */
        resp_buf_clear(&conn->sent);
    }
    resp_buf_free(&bytes);
}

/* What reading the reference's replies to a batch found. */
typedef struct batch_read {
    int last_wanted; /* replies the last operation was owed (0: the servers
                      * may still be working on it) */
    int desync;      /* the model was wrong: fewer replies came, or more */
} batch_read;

/* Before a batch is sent: the messages that reached connection c since its
 * last batch, read while the model still knows its subscriptions. */
static void read_pending(rh_live *l, size_t from, int c, frames *fs) {
    rh_conn *conn = &l->conns[REFERENCE][c];
    rh_model_batch(&l->model[c]);
    while (!conn->eof && rh_conn_wait(conn, 0) > 0) {
        frame *f = frames_add(fs);
        f->op = from;
        rh_conn_read(conn, l->cfg.reference_wait_ms, &f->r);
        if (f->r.status != RH_READ_OK) return;
        f->oob = 1;
        f->rule = rule_for(l, "message", 0);
    }
}

/* Reads the reference's replies to ops [from, to) on connection c. */
static batch_read read_reference(rh_live *l, const rh_program *p, size_t from, size_t to, int c,
                                 frames *fs) {
    rh_conn *conn = &l->conns[REFERENCE][c];
    rh_model *m = &l->model[c];
    long long wait = l->cfg.b->timeout_ms < l->cfg.reference_wait_ms ? l->cfg.b->timeout_ms
                                                                       : l->cfg.reference_wait_ms;
    batch_read br = {0, 0};
    for (size_t i = from; i < to && !br.desync; i++) {
        const rh_op *op = &p->ops[i];
        char cmd[64];
        op_label(l, p, i, 0, cmd, sizeof cmd);
        int want = rh_model_expect(m, op, cmd);
        br.last_wanted = want;
        size_t nqueued = 0;
        rh_queued *queued = strcmp(cmd, "exec") == 0 ? rh_model_take_queued(m, &nqueued) : NULL;
        for (int got = 0; want < 0 || got < want;) {
            if (want < 0 && rh_conn_wait(conn, l->cfg.quiet_ms) == 0 && !conn->eof) break;
            frame *f = frames_add(fs);
            f->op = i;
            rh_conn_read(conn, wait, &f->r);
            if (f->r.status == RH_READ_TIMEOUT) {
                rh_reply_clear(&f->r);
                fs->n--;
                l->timeouts++;
                br.desync = 1;
                break;
            }
            if (f->r.status != RH_READ_OK) break;
            f->oob = rh_model_out_of_band(m, cmd, f->r.value);
            rh_model_observe(m, op, cmd, f->r.value);
            f->rule = rule_for(l, f->oob ? "message" : cmd, op->argc);
            if (!f->oob && queued != NULL) {
                f->queued = queued;
                f->nqueued = nqueued;
                queued = NULL;
            }
            got += !f->oob;
        }
        free(queued);
    }
    /* Replies the model did not expect: compared as they are, byte for
     * byte, and the connection starts afresh after this batch. */
    while (!conn->eof && rh_conn_wait(conn, 0) > 0) {
        frame *f = frames_add(fs);
        f->op = to - 1;
        rh_conn_read(conn, wait, &f->r);
        if (f->r.status != RH_READ_OK || !rh_model_out_of_band(m, "", f->r.value)) {
            br.desync = 1;
            l->surplus++;
        }
        if (f->r.status != RH_READ_OK) break;
        f->oob = 1;
        f->rule = rule_for(l, "message", 0);
    }
    return br;
}

/* Rules that compare a run of frames as one group: where the run that
 * starts at frame j ends (j + 1 when the rule does not group it). */
static size_t group_end(const frames *fs, size_t j) {
    const frame *f0 = &fs->f[j];
    if (f0->rule == NULL || f0->r.status != RH_READ_OK) return j + 1;
    size_t k = j + 1;
    switch (f0->rule->kind) {
    case RH_RULE_SUBSCRIPTIONS:
        if (f0->oob || !rh_rules_is_confirmation(f0->r.value)) return k;
        while (k < fs->n && fs->f[k].op == f0->op && !fs->f[k].oob &&
               fs->f[k].r.status == RH_READ_OK && rh_rules_is_confirmation(fs->f[k].r.value))
            k++;
        return k;
    case RH_RULE_SAME_PUBLISH:
        while (k < fs->n && fs->f[k].oob && fs->f[k].r.status == RH_READ_OK &&
               rh_rules_same_publish(f0->r.value, fs->f[k].r.value))
            k++;
        return k;
    case RH_RULE_MATCH:
    case RH_RULE_UNORDERED:
    case RH_RULE_TOLERANCE:
    case RH_RULE_SCAN:
    case RH_RULE_SUBCOMMANDS: return k;
    }
    return k;
}

static int compare_group(rh_live *l, const rh_program *p, const frames *fs, size_t j, size_t k,
                         int c, rh_live_diff *d) {
    rh_conn *conn = &l->conns[UNDER_TEST][c];
    size_t n = k - j;
    rh_reply *ra = calloc(n, sizeof *ra);
    const resp_value **va = calloc(n, sizeof *va), **vb = calloc(n, sizeof *vb);
    if (ra == NULL || va == NULL || vb == NULL) rh_die("out of memory");
    int same = 1;
    for (size_t i = 0; i < n && same; i++) {
        rh_conn_read(conn, l->cfg.a->timeout_ms, &ra[i]);
        same = ra[i].status == RH_READ_OK;
        va[i] = ra[i].value;
        vb[i] = fs->f[j + i].r.value;
    }
    if (same && fs->f[j].rule->kind == RH_RULE_SUBSCRIPTIONS)
        same = rh_rules_same_confirmations(va, vb, n);
    else if (same)
        same = rh_rules_same_messages(va, vb, n);
    if (!same) {
        size_t i = 0;
        while (i + 1 < n && ra[i].status == RH_READ_OK && resp_value_equal(va[i], vb[i])) i++;
        fill_diff(l, p, fs->f[j].op, fs->f[j].oob, c, &ra[i], &fs->f[j + i].r, NULL, d);
    }
    for (size_t i = 0; i < n; i++) rh_reply_clear(&ra[i]);
    free(ra);
    free(va);
    free(vb);
    return !same;
}

/* Reads from the server under test what the reference sent, comparing;
 * then, when extra_wait >= 0, requires nothing more within that time. */
static int compare_batch(rh_live *l, const rh_program *p, const frames *fs, int c,
                         long long extra_wait, rh_live_diff *d) {
    rh_conn *conn = &l->conns[UNDER_TEST][c];
    long long timeout = l->cfg.a->timeout_ms;
    for (size_t j = 0; j < fs->n; j++) {
        const frame *fb = &fs->f[j];
        size_t k = group_end(fs, j);
        if (k > j + 1) {
            if (compare_group(l, p, fs, j, k, c, d)) return 1;
            j = k - 1;
            continue;
        }
        rh_reply ra;
        if (fb->r.status == RH_READ_CLOSED) {
            /* The reference closed: so must the other, with nothing first. */
            size_t unread = rh_conn_wait(conn, timeout);
            if (unread == 0 && conn->eof) continue;
            memset(&ra, 0, sizeof ra);
            if (unread > 0) rh_conn_read(conn, timeout, &ra);
            else ra.status = RH_READ_TIMEOUT;
            fill_diff(l, p, fb->op, fb->oob, c, &ra, &fb->r, NULL, d);
            rh_reply_clear(&ra);
            return 1;
        }
        rh_conn_read(conn, timeout, &ra);
        int same = same_reply(l, &ra, fb);
        if (!same) fill_diff(l, p, fb->op, fb->oob, c, &ra, &fb->r, NULL, d);
        rh_reply_clear(&ra);
        if (!same) return 1;
    }
    if (extra_wait >= 0 && rh_conn_wait(conn, extra_wait) > 0) {
        rh_reply ra;
        rh_conn_read(conn, timeout, &ra);
        size_t op = fs->n > 0 ? fs->f[fs->n - 1].op : 0;
        fill_diff(l, p, op, 0, c, &ra, NULL, "an extra reply", d);
        rh_reply_clear(&ra);
        return 1;
    }
    return 0;
}

/* The expectation for an EXEC reply: each element under its command's rule. */
static char *exec_expectation(const rh_live *l, const frame *f) {
    const resp_value *v = f->r.value;
    if (v->type != RESP_ARRAY) return rh_rules_expectation(f->rule, v, l->ns);
    resp_buf out;
    resp_buf_init(&out, NULL);
    resp_buf_append(&out, "*[", 2);
    size_t q = 0;
    for (size_t i = 0; i < v->count; i++) {
        const rh_rule *rule = NULL;
        if (v->elems[i].type != RESP_PUSH && q < f->nqueued) {
            rule = rule_for(l, f->queued[q].name, f->queued[q].argc);
            q++;
        }
        char *e = rh_rules_expectation(rule, &v->elems[i], l->ns);
        rh_bufprintf(&out, "%s%s", i ? " " : "", e);
        free(e);
    }
    resp_buf_append(&out, "]", 2);
    return out.data;
}

static void keep_frames(rh_live *l, const frames *fs, size_t last, int c) {
    for (size_t j = 0; j < fs->n; j++) {
        const frame *f = &fs->f[j];
        char *text = f->r.status == RH_READ_CLOSED ? rh_strdup("closed")
                     : f->queued != NULL           ? exec_expectation(l, f)
                                                   : rh_rules_expectation(f->rule, f->r.value, l->ns);
        keep_line(l, last, c, text);
    }
}

static int await_close(rh_live *l, const rh_program *p, size_t op, int c, rh_live_diff *d) {
    rh_conn *b = &l->conns[REFERENCE][c], *a = &l->conns[UNDER_TEST][c];
    int closed[2];
    rh_conn *sides[2] = {a, b};
    long long waits[2] = {l->cfg.a->timeout_ms, l->cfg.reference_wait_ms};
    for (int s = 0; s < 2; s++) {
        long long deadline = rh_now_ms() + waits[s];
        while (!sides[s]->eof && rh_now_ms() < deadline)
            if (rh_conn_wait(sides[s], deadline - rh_now_ms()) > 0) break;
        closed[s] = sides[s]->eof && sides[s]->in.len == sides[s]->off;
    }
    if (closed[0] == closed[1]) return 0;
    rh_reply ra = {.status = closed[0] ? RH_READ_CLOSED : RH_READ_TIMEOUT};
    rh_reply rb = {.status = closed[1] ? RH_READ_CLOSED : RH_READ_TIMEOUT};
    fill_diff(l, p, op, 0, c, &ra, &rb,
              closed[1] ? "the reference closed the connection after QUIT, the other kept it open"
                        : "closed the connection after QUIT, the reference kept it open",
              d);
    return 1;
}

static int run_batch(rh_live *l, const rh_program *p, size_t from, size_t to, rh_live_diff *d) {
    int c = p->ops[from].conn;
    if (l->open[c] && (l->conns[REFERENCE][c].eof || l->conns[UNDER_TEST][c].eof ||
                       l->model[c].dead))
        close_pair(l, c);
    if (!l->open[c] && open_pair(l, c, p->protos[c]) != 0) return -1;
    frames fs = {0};
    read_pending(l, from, c, &fs);
    send_batch(l, p, from, to, c);
    batch_read br = read_reference(l, p, from, to, c, &fs);
    long long extra_wait = p->ops[to - 1].kind == RH_OP_RAW ? l->cfg.quiet_ms : -1;
    int rc = compare_batch(l, p, &fs, c, extra_wait, d);
    if (l->keep) keep_frames(l, &fs, to - 1, c);
    frames_free(&fs);
    /* With no reply to wait for, give both servers time to run the batch
     * before another connection's traffic can overtake it. */
    if (rc == 0 && br.last_wanted == 0) {
        rh_sleep_ms(l->cfg.settle_ms);
        l->settles++;
    }
    /* After QUIT both servers must close before any other connection's
     * traffic can see the client still there. */
    if (rc == 0 && l->model[c].closing && !l->model[c].dead) rc = await_close(l, p, to - 1, c, d);
    /* The model lost track of this connection: start it afresh on both. */
    if (rc == 0 && br.desync) close_pair(l, c);
    return rc;
}

int rh_live_run(rh_live *l, const rh_program *p, size_t from, size_t to, rh_live_diff *d) {
    size_t start = from;
    for (size_t i = from; i < to; i++) {
        /* A batch: consecutive operations on one connection, up to the
         * one marked as its end. */
        int last = i + 1 == to || p->ops[i].batch_end || p->ops[i + 1].conn != p->ops[i].conn;
        if (!last) continue;
        int rc = run_batch(l, p, start, i + 1, d);
        if (rc != 0) return rc;
        start = i + 1;
    }
    return 0;
}

int rh_live_drain(rh_live *l, const rh_program *p, rh_live_diff *d) {
    /* One wait for all connections, then what each has. */
    rh_sleep_ms(l->cfg.quiet_ms);
    for (int c = 0; c < RH_PROGRAM_CONNS; c++) {
        if (!l->open[c]) continue;
        rh_conn *b = &l->conns[REFERENCE][c];
        frames fs = {0};
        while (rh_conn_wait(b, 0) > 0) {
            frame *f = frames_add(&fs);
            f->oob = 1;
            f->rule = rule_for(l, "message", 0);
            rh_conn_read(b, l->cfg.b->timeout_ms, &f->r);
            if (f->r.status != RH_READ_OK) break;
        }
        int rc = d != NULL ? compare_batch(l, p, &fs, c, 0, d) : 0;
        /* Kept after the last operation: the case reads them at its end. */
        if (l->keep) keep_frames(l, &fs, p->count, c);
        frames_free(&fs);
        if (rc != 0) return rc;
    }
    return 0;
}

resp_value *rh_live_command(const rh_target *t, int argc, const char **argv, char *err,
                            size_t errlen) {
    rh_conn conn;
    if (rh_conn_open(&conn, t->host, t->port, t->timeout_ms, err, errlen) != 0) {
        rh_conn_close(&conn);
        return NULL;
    }
    rh_live tmp;
    memset(&tmp, 0, sizeof tmp);
    resp_value *v = NULL;
    if (handshake(&tmp, t, &conn, 2) != 0) {
        snprintf(err, errlen, "%s", tmp.error);
    } else {
        size_t lens[16];
        for (int i = 0; i < argc && i < 16; i++) lens[i] = strlen(argv[i]);
        resp_buf cmd;
        resp_buf_init(&cmd, NULL);
        resp_write_command(&cmd, (size_t)argc, argv, lens);
        rh_conn_send(&conn, cmd.data, cmd.len, 0, 0);
        resp_buf_free(&cmd);
        rh_reply r;
        rh_conn_read(&conn, t->timeout_ms * 5, &r);
        if (r.status == RH_READ_OK) {
            v = r.value;
            r.value = NULL;
        } else {
            snprintf(err, errlen, "%s: %s: no reply", t->name, argv[0]);
        }
        rh_reply_clear(&r);
    }
    rh_conn_close(&conn);
    return v;
}
