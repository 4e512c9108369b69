/* harness/src/live.h - one program sent to two live servers at once, every
 * reply compared, the reference's first.
 *
 * Each batch goes to both servers; then the reference's replies are read,
 * as many as a small model of the connection expects (subscriptions,
 * MULTI, CLIENT REPLY), and the same number from the server under test.
 * Replies are compared in stream order, byte for byte except where the
 * normalise rules say otherwise; a connection that one server closes and
 * the other does not is a difference too. */
#ifndef RH_LIVE_H
#define RH_LIVE_H

#include "cmdspec.h"
#include "conn.h"
#include "model.h"
#include "normalise.h"
#include "program.h"
#include "runner.h"

typedef struct rh_live_config {
    const rh_target *a, *b; /* the server under test, the reference */
    const rh_rules *rules;
    const rh_cmdtable *table; /* to name subcommands */
    long long quiet_ms;       /* a broken frame's answer is complete after this silence */
    long long settle_ms;      /* time a batch with nothing to wait for gets to run */
    long long reference_wait_ms; /* longest wait for a reply the model expects */
} rh_live_config;

/* What the reference said to one batch, kept for writing a case. */
typedef struct rh_live_line {
    size_t op;  /* the batch's last operation */
    int conn;
    char *text; /* an expectation, or "closed" */
} rh_live_line;

typedef struct rh_live_diff {
    size_t op; /* the operation whose reply differs */
    int conn;
    char cmd[64];
    char signature[200];
    char *a_text, *b_text; /* the two replies, printed */
} rh_live_diff;

typedef struct rh_live {
    rh_live_config cfg;
    char ns[64];
    rh_conn conns[2][RH_PROGRAM_CONNS]; /* [0] the server under test, [1] the reference */
    int open[RH_PROGRAM_CONNS];
    rh_model model[RH_PROGRAM_CONNS];
    int keep;              /* record the reference's replies in lines */
    rh_live_line *lines;
    size_t nlines;
    unsigned long long timeouts; /* the reference sent fewer replies than the model expected */
    unsigned long long surplus;  /* ... or more */
    unsigned long long settles;  /* batches given settle_ms to run */
    char error[300];       /* why the run could not go on (connect, handshake) */
} rh_live;

void rh_live_init(rh_live *l, const rh_live_config *cfg, const char *ns);
void rh_live_free(rh_live *l);

/* Runs operations [from, to) of p, whole batches.  Returns 0 when every
 * reply agreed, 1 with *d filled at the first difference (free it with
 * rh_live_diff_clear), -1 with l->error when a server cannot be reached. */
int rh_live_run(rh_live *l, const rh_program *p, size_t from, size_t to, rh_live_diff *d);
/* The replies still on their way at the end: both servers' must agree
 * (d NULL: only the reference's are read, for l->keep). */
int rh_live_drain(rh_live *l, const rh_program *p, rh_live_diff *d);
void rh_live_diff_clear(rh_live_diff *d);

/* Runs a one-off command on a fresh connection to t; returns the reply
 * (caller frees with resp_value_free) or NULL with err. */
resp_value *rh_live_command(const rh_target *t, int argc, const char **argv, char *err,
                            size_t errlen);

#endif /* RH_LIVE_H */
