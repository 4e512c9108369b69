/* harness/src/pool.c - running the selected runs on worker threads, and
 * stopping when a server stops answering. */
#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

typedef struct state {
    rh_pool *p;
    atomic_size_t next, done, failed;
    atomic_int stop;
    pthread_mutex_t lock; /* p->stopped, stopped_at, why; probing */
    pthread_cond_t probed;
    int probing;          /* servers being probed: no run starts meanwhile */
} state;

static void set_outcome(rh_outcome *o, const rh_job *j, rh_status st, const char *text) {
    memset(o, 0, sizeof *o);
    o->c = j->c;
    o->proto = j->proto;
    o->status = st;
    resp_buf_init(&o->message, NULL);
    if (text != NULL) resp_buf_append(&o->message, text, strlen(text));
}

static void diff_job(const rh_pool *p, size_t i) {
    const rh_job *j = &p->jobs[i];
    rh_outcome *o = &p->out[i], ob;
    rh_run_case(j->c, j->proto, p->ta, RH_MODE_COLLECT, p->nonce, i, o);
    rh_run_case(j->c, j->proto, p->tb, RH_MODE_COLLECT, p->nonce, i, &ob);
    if (o->status == RH_SKIP || ob.status == RH_SKIP) {
        if (o->status != RH_SKIP) {
            o->status = RH_SKIP;
            resp_buf_append(&o->message, ob.message.data, ob.message.len);
        }
    } else {
        resp_buf_clear(&o->message);
        rh_failure_free(&o->first);
        size_t d = rh_diff_outcomes(o, &ob, p->ta->name, p->tb->name, &o->message, &o->first);
        o->status = d == 0 ? RH_PASS : RH_FAIL;
    }
    rh_outcome_free(&ob);
}

static void run_job(const rh_pool *p, size_t i) {
    const rh_job *j = &p->jobs[i];
    if (j->skip_reason != NULL) return; /* reported as set up */
    switch (p->mode) {
    case RH_POOL_DIFF: diff_job(p, i); break;
    case RH_POOL_RUN: rh_run_case(j->c, j->proto, p->ta, RH_MODE_RUN, p->nonce, i, &p->out[i]); break;
    case RH_POOL_RECORD:
        rh_run_case(j->c, j->proto, p->ta, RH_MODE_RECORD, p->nonce, i, &p->out[i]);
        break;
    }
}

/* The first reason to stop wins; no run starts after it. */
static void stop(state *s, size_t i, rh_pool_stop why, const char *text) {
    rh_pool *p = s->p;
    pthread_mutex_lock(&s->lock);
    if (p->stopped == RH_STOP_NONE) {
        p->stopped = why;
        p->stopped_at = i;
        snprintf(p->why, sizeof p->why, "%s", text);
    }
    pthread_mutex_unlock(&s->lock);
    atomic_store(&s->stop, 1);
}

/* After run i failed: a server that does not answer PING on a new
 * connection stops the pool, and so does --fail-fast. */
static void check_servers(state *s, size_t i) {
    rh_pool *p = s->p;
    const rh_target *t[2] = {p->ta, p->tb};
    int n = p->mode == RH_POOL_DIFF ? 2 : 1;
    for (int k = 0; k < n; k++) {
        char err[300];
        if (rh_conn_ping(t[k]->host, t[k]->port, t[k]->timeout_ms, err, sizeof err) == 0) continue;
        stop(s, i, RH_STOP_SERVER, err);
        return;
    }
    if (p->fail_fast) stop(s, i, RH_STOP_FAIL_FAST, "--fail-fast: stopped at the first failure");
}

/* Runs that start while a server is down would only fail too. */
static void probe(state *s, size_t i) {
    pthread_mutex_lock(&s->lock);
    s->probing++;
    pthread_mutex_unlock(&s->lock);
    if (!atomic_load(&s->stop)) check_servers(s, i);
    pthread_mutex_lock(&s->lock);
    s->probing--;
    pthread_cond_broadcast(&s->probed);
    pthread_mutex_unlock(&s->lock);
}

static void wait_probes(state *s) {
    pthread_mutex_lock(&s->lock);
    while (s->probing > 0) pthread_cond_wait(&s->probed, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

static void finish(state *s, size_t i) {
    rh_status st = s->p->out[i].status;
    size_t done = atomic_fetch_add(&s->done, 1) + 1;
    size_t failed = atomic_load(&s->failed);
    if (st == RH_FAIL || st == RH_ERROR) {
        failed = atomic_fetch_add(&s->failed, 1) + 1;
        probe(s, i);
    }
    if (s->p->progress) fprintf(stderr, "\r[%zu/%zu] %zu failed ", done, s->p->n, failed);
}

static void *worker(void *arg) {
    state *s = arg;
    for (;;) {
        wait_probes(s);
        if (atomic_load(&s->stop)) break;
        size_t i = atomic_fetch_add(&s->next, 1);
        if (i >= s->p->n) break;
        if (s->p->jobs[i].serial) continue;
        run_job(s->p, i);
        finish(s, i);
    }
    return NULL;
}

static void mark_not_run(rh_pool *p) {
    if (p->stopped == RH_STOP_NONE) return;
    const rh_outcome *at = &p->out[p->stopped_at];
    char text[700];
    snprintf(text, sizeof text, "not run: the run stopped at %s/%s [RESP%d]: %s", at->c->family,
             at->c->name, at->proto, p->why);
    for (size_t i = 0; i < p->n; i++)
        if (p->out[i].status == RH_NOT_RUN) set_outcome(&p->out[i], &p->jobs[i], RH_NOT_RUN, text);
}

void rh_pool_run(rh_pool *p, int threads) {
    state s = {.p = p};
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.probed, NULL);
    p->stopped = RH_STOP_NONE;
    for (size_t i = 0; i < p->n; i++) {
        const rh_job *j = &p->jobs[i];
        set_outcome(&p->out[i], j, j->skip_reason ? RH_SKIP : RH_NOT_RUN, j->skip_reason);
    }
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    if (th == NULL) rh_die("out of memory");
    for (int i = 0; i < threads; i++)
        if (pthread_create(&th[i], NULL, worker, &s) != 0) rh_die("pthread_create failed");
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    free(th);
    /* Cases that touch server-wide state run alone, after the others. */
    for (size_t i = 0; i < p->n && !atomic_load(&s.stop); i++) {
        if (!p->jobs[i].serial) continue;
        run_job(p, i);
        finish(&s, i);
    }
    if (p->progress) fputs("\r\033[K", stderr);
    pthread_cond_destroy(&s.probed);
    pthread_mutex_destroy(&s.lock);
    mark_not_run(p);
}
