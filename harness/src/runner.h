/* harness/src/runner.h - running one case under one protocol. */
#ifndef RH_RUNNER_H
#define RH_RUNNER_H

#include <resp/writer.h>

#include "case.h"
#include "conn.h"

typedef struct rh_target {
    const char *name;   /* shown in reports */
    char *host, *port;
    char *address;      /* "host:port" as shown in messages */
    const char *user, *password;
    const char *server_args; /* settings the server was started with */
    long long timeout_ms;    /* per reply */
    long long settle_ms;     /* wait for stray bytes at the end of a case */
    long long record_wait_ms;/* record: wait for a first reply byte */
    int allow_flush;
} rh_target;

typedef enum rh_status {
    RH_PASS,
    RH_FAIL,
    RH_ERROR,
    RH_SKIP,   /* not applicable to this server, with the reason */
    RH_NOT_RUN /* the run stopped before it (the server stopped answering) */
} rh_status;

/* A run's first failure, in three parts, for reports that show it apart
 * from the full message.  Any part may be NULL. */
typedef struct rh_failure {
    char *expected; /* the expectation (diff: --b's reply) */
    char *actual;   /* what came instead (diff: --a's reply) */
    char *bytes;    /* the actual reply's bytes, quoted */
} rh_failure;

/* What one expectation slot saw: the step it belongs to, and the reply. */
typedef struct rh_observation {
    size_t step;       /* index of the EXPECT step (record: of the step it follows) */
    int conn;
    rh_reply reply;
    char *printed;     /* canonical printer text, namespace put back as '@' */
    int closed;        /* the connection closed here (a 'closed' step) */
    size_t sent_mark;  /* bytes sent on this connection when it was read */
} rh_observation;

typedef enum rh_mode {
    RH_MODE_RUN,     /* compare with the expectations, stop at the first failure */
    RH_MODE_COLLECT, /* read as many replies as there are expectations, keep them */
    RH_MODE_RECORD   /* read until quiet at each expectation block, keep them */
} rh_mode;

typedef struct rh_outcome {
    const rh_case *c;
    int proto;
    rh_status status;
    resp_buf message;  /* failure or skip text, may be several lines */
    rh_failure first;
    long long ms;
    char ns[48];       /* the key namespace used */
    rh_observation *obs;
    size_t nobs;
    char **sent;       /* per connection: bytes sent, for reproducers */
    size_t *sentlen;
    char **conn_names;
    size_t nconns;
} rh_outcome;

/* Why a case does not run against this target, or NULL when it does. */
const char *rh_case_skip_reason(const rh_case *c, int proto, const rh_target *t);

void rh_run_case(const rh_case *c, int proto, const rh_target *t, rh_mode mode, unsigned nonce,
                 size_t index, rh_outcome *out);
void rh_outcome_free(rh_outcome *o);
void rh_failure_free(rh_failure *f);

/* Renders a value for reports (namespace ns replaced by '@'). */
char *rh_print(const resp_value *v, const char *ns);

#endif /* RH_RUNNER_H */
