/* harness/src/pool.h - running the selected runs on worker threads, and
 * stopping when a server stops answering. */
#ifndef RH_POOL_H
#define RH_POOL_H

#include <stddef.h>

#include "runner.h"

typedef enum rh_pool_mode { RH_POOL_RUN, RH_POOL_DIFF, RH_POOL_RECORD } rh_pool_mode;

/* Why a run stopped before its end. */
typedef enum rh_pool_stop {
    RH_STOP_NONE,
    RH_STOP_FAIL_FAST, /* --fail-fast: a run failed */
    RH_STOP_SERVER     /* a server stopped answering */
} rh_pool_stop;

/* One run: a case under one protocol. */
typedef struct rh_job {
    const rh_case *c;
    int proto;
    int serial;              /* runs alone, after the others */
    const char *skip_reason; /* from the skip file: reported, not run */
} rh_job;

typedef struct rh_pool {
    rh_pool_mode mode;
    const rh_target *ta, *tb; /* tb: diff only */
    const rh_job *jobs;
    rh_outcome *out;          /* one per job */
    size_t n;
    unsigned nonce;           /* makes the key namespaces of this run */
    int progress;             /* a progress line on stderr */
    int fail_fast;            /* stop at the first failed run */
    /* Set when the pool stopped early: */
    rh_pool_stop stopped;
    size_t stopped_at;        /* the job whose failure stopped it */
    char why[400];
} rh_pool;

/* Runs every job, `threads` at a time, then the serial ones.  After a run
 * that failed, each server must answer PING on a new connection within
 * its reply timeout; if one does not (or fail_fast is set), no further
 * run starts, the runs left are RH_NOT_RUN, and stopped, stopped_at and
 * why say why. */
void rh_pool_run(rh_pool *p, int threads);

#endif /* RH_POOL_H */
