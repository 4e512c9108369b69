/* harness/src/model.c - how many replies the reference will send. */
#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

void rh_model_init(rh_model *m, int proto) {
    memset(m, 0, sizeof *m);
    m->proto = proto;
}

void rh_model_batch(rh_model *m) { m->had_subs = m->nsubs > 0; }

void rh_model_free(rh_model *m) {
    for (size_t i = 0; i < m->nsubs; i++) free(m->subs[i]);
    free(m->subs);
    free(m->queued);
    rh_model_init(m, m->proto);
}

rh_queued *rh_model_take_queued(rh_model *m, size_t *n) {
    rh_queued *q = m->queued;
    *n = m->nqueued;
    m->queued = NULL;
    m->nqueued = 0;
    return q;
}

static size_t subs_of(const rh_model *m, char kind) {
    size_t n = 0;
    for (size_t i = 0; i < m->nsubs; i++) n += m->subs[i][0] == kind;
    return n;
}

static void subs_set(rh_model *m, char kind, const char *name, size_t len, int on) {
    for (size_t i = 0; i < m->nsubs; i++) {
        if (m->subs[i][0] != kind || strlen(m->subs[i] + 1) != len ||
            memcmp(m->subs[i] + 1, name, len) != 0)
            continue;
        if (!on) {
            free(m->subs[i]);
            m->subs[i] = m->subs[--m->nsubs];
        }
        return;
    }
    if (!on) return;
    m->subs = realloc(m->subs, (m->nsubs + 1) * sizeof *m->subs);
    char *s = malloc(len + 2);
    if (m->subs == NULL || s == NULL) rh_die("out of memory");
    s[0] = kind;
    memcpy(s + 1, name, len);
    s[len + 1] = '\0';
    m->subs[m->nsubs++] = s;
    m->had_subs = 1;
}

static const char *const sub_words[] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_words[] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

static int word_index(const char *name, size_t len, const char *const *words) {
    for (int k = 0; k < 3; k++)
        if (strlen(words[k]) == len && memcmp(name, words[k], len) == 0) return k;
    return -1;
}

static int is_sub_command(const char *cmd) {
    return word_index(cmd, strlen(cmd), sub_words) >= 0 ||
           word_index(cmd, strlen(cmd), unsub_words) >= 0;
}

static int bulk_is(const resp_value *v, const char *w) {
    return v->type == RESP_BULK_STRING && v->len == strlen(w) && memcmp(v->str, w, v->len) == 0;
}

static int arg_is(const rh_op *op, size_t i, const char *w) {
    return i < op->argc && op->lens[i] == strlen(w) && strncasecmp(op->argv[i], w, op->lens[i]) == 0;
}

/* Subscription confirmations arrive as pushes even when replies are off,
 * one per channel named, or one per subscription for a bare UNSUBSCRIBE
 * (one when there is none). */
static int confirmations(const rh_model *m, const rh_op *op, const char *cmd) {
    if (op->argc >= 2) return (int)op->argc - 1;
    int k = word_index(cmd, strlen(cmd), unsub_words);
    if (k < 0) return -1; /* SUBSCRIBE with no channel: an arity error */
    size_t n = subs_of(m, (char)('0' + k));
    return n > 0 ? (int)n : 1;
}

static int client_reply(rh_model *m, const rh_op *op) {
    if (m->proto == 2 && m->nsubs > 0) return m->reply_off ? 0 : 1; /* refused in this context */
    if (op->argc != 3) return m->reply_off ? 0 : 1;
    if (arg_is(op, 2, "on")) {
        m->reply_off = 0;
        return 1;
    }
    if (arg_is(op, 2, "off")) {
        m->reply_off = 1;
        return 0;
    }
    if (arg_is(op, 2, "skip")) {
        if (!m->reply_off) m->skip_next = 1;
        return 0;
    }
    return m->reply_off ? 0 : 1;
}

int rh_model_expect(rh_model *m, const rh_op *op, const char *cmd) {
    if (m->dead) return 0;
    if (op->kind == RH_OP_RAW) return -1;
    int silent = m->reply_off || m->skip_next;
    int bare = op->argc == 1;
    /* QUIT runs at once, even inside MULTI. */
    if (strcmp(cmd, "quit") == 0) {
        m->closing = 1;
        m->dead = silent;
    }
    if (m->in_multi && bare && strcmp(cmd, "exec") == 0) {
        m->in_multi = 0;
        m->skip_next = 0;
        return silent ? 0 : 1;
    }
    if (m->in_multi) {
        /* Queued: QUEUED or an error each.  EXEC, or a well-formed DISCARD
         * or RESET, ends the transaction. */
        if (bare && (!strcmp(cmd, "discard") || !strcmp(cmd, "reset"))) m->in_multi = 0;
        /* EXEC with arguments aborts the transaction (EXECABORT). */
        if (!strcmp(cmd, "exec")) m->in_multi = 0;
        if (bare && !strcmp(cmd, "discard")) {
            size_t n;
            free(rh_model_take_queued(m, &n));
        }
        if (!bare || strcmp(cmd, "reset") != 0) {
            m->skip_next = 0;
            return silent ? 0 : 1;
        }
    }
    if (strcmp(cmd, "reset") == 0 && bare) {
        /* RESET turns replies back on before it replies, but a pending
         * CLIENT REPLY SKIP still swallows its reply. */
        int skipped = m->skip_next;
        int had = m->had_subs;
        rh_model_free(m);
        m->proto = 2;
        m->had_subs = had;
        return skipped ? 0 : 1;
    }
    /* MULTI is refused only in a RESP2 subscriber's context; its reply may
     * be off, so the state is set here rather than from the reply. */
    if (strcmp(cmd, "multi") == 0 && bare && !(m->proto == 2 && m->nsubs > 0)) m->in_multi = 1;
    if (strcmp(cmd, "client|reply") == 0) return client_reply(m, op);
    m->skip_next = 0;
    if (is_sub_command(cmd)) {
        int n = confirmations(m, op, cmd);
        if (n < 0) return silent ? 0 : 1;
        return n;
    }
    return silent ? 0 : 1;
}

int rh_model_out_of_band(const rh_model *m, const char *cmd, const resp_value *v) {
    if (v->type != RESP_ARRAY && v->type != RESP_PUSH) return 0;
    if (v->count < 3 || v->count > 4) return v->type == RESP_PUSH;
    const resp_value *w = &v->elems[0];
    if (bulk_is(w, "message") || bulk_is(w, "pmessage") || bulk_is(w, "smessage"))
        return m->nsubs > 0 || m->had_subs;
    if (w->type != RESP_BULK_STRING || v->count != 3 || v->elems[2].type != RESP_INTEGER)
        return v->type == RESP_PUSH;
    int confirmation = word_index(w->str, w->len, sub_words) >= 0 ||
                       word_index(w->str, w->len, unsub_words) >= 0;
    /* A (un)subscribe's confirmations are its replies, pushes or not. */
    return confirmation ? !is_sub_command(cmd) : v->type == RESP_PUSH;
}

static void observe_confirmation(rh_model *m, const resp_value *v) {
    if ((v->type != RESP_PUSH && v->type != RESP_ARRAY) || v->count != 3 ||
        v->elems[0].type != RESP_BULK_STRING)
        return;
    const resp_value *w = &v->elems[0], *name = &v->elems[1];
    const char *s = name->type == RESP_BULK_STRING ? name->str : "";
    size_t len = name->type == RESP_BULK_STRING ? name->len : 0;
    int k = word_index(w->str, w->len, sub_words);
    if (k >= 0) subs_set(m, (char)('0' + k), s, len, 1);
    k = word_index(w->str, w->len, unsub_words);
    if (k >= 0) subs_set(m, (char)('0' + k), s, len, 0);
}

void rh_model_observe(rh_model *m, const rh_op *op, const char *cmd, const resp_value *v) {
    if (m->in_multi && v->type == RESP_SIMPLE_STRING && v->len == 6 &&
        memcmp(v->str, "QUEUED", 6) == 0) {
        m->queued = realloc(m->queued, (m->nqueued + 1) * sizeof *m->queued);
        if (m->queued == NULL) rh_die("out of memory");
        rh_queued *q = &m->queued[m->nqueued++];
        snprintf(q->name, sizeof q->name, "%s", cmd);
        q->argc = op->argc;
    }
    if (strcmp(cmd, "hello") == 0 && v->type == RESP_MAP) m->proto = 3;
    if (strcmp(cmd, "hello") == 0 && v->type == RESP_ARRAY) m->proto = 2;
    observe_confirmation(m, v);
    /* A transaction's replies, subscriptions among them, come in one array. */
    if (strcmp(cmd, "exec") == 0 && v->type == RESP_ARRAY)
        for (size_t i = 0; i < v->count; i++) observe_confirmation(m, &v->elems[i]);
}
