/* harness/src/model.h - what the reference will send on one connection:
 * how many replies an operation gets, given the connection's state
 * (protocol, MULTI, CLIENT REPLY, subscriptions), and which frames are
 * pushes and messages rather than replies.  respect fuzz reads that many
 * replies from the reference, then the same from the server under test. */
#ifndef RH_MODEL_H
#define RH_MODEL_H

#include <stddef.h>

#include <resp/value.h>

#include "program.h"

/* A command a transaction queued: its name and argument count. */
typedef struct rh_queued {
    char name[48];
    size_t argc;
} rh_queued;

typedef struct rh_model {
    int proto;     /* 2 or 3: changed by HELLO, back to 2 by RESET */
    int in_multi;  /* commands are queued */
    int reply_off; /* CLIENT REPLY OFF: only pushes arrive */
    int skip_next; /* CLIENT REPLY SKIP */
    int closing;   /* QUIT: the server closes the connection */
    int dead;      /* QUIT with replies off: the server ignores the rest and
                    * closes only when it has something to write */
    char **subs;   /* "0name" channels, "1name" patterns, "2name" shard channels */
    size_t nsubs;
    int had_subs;  /* subscribed at some point in the current batch: a
                    * message may still arrive after an unsubscribe */
    rh_queued *queued; /* the commands MULTI queued, for EXEC's reply */
    size_t nqueued;
} rh_model;

void rh_model_init(rh_model *m, int proto);
/* A new batch starts on the connection. */
void rh_model_batch(rh_model *m);
void rh_model_free(rh_model *m);

/* Replies the reference sends to op (pushes not counted), or -1: read
 * until the connection goes quiet (a broken frame may get an error or
 * nothing).  cmd is op's name ("client|reply").  Updates the state the
 * command itself sets. */
int rh_model_expect(rh_model *m, const rh_op *op, const char *cmd);

/* Non-zero when v is not the reply to the current command cmd: a RESP3
 * push, or under RESP2 a message or a (un)subscribe confirmation that a
 * command other than a (un)subscribe caused. */
int rh_model_out_of_band(const rh_model *m, const char *cmd, const resp_value *v);

/* Learns from a frame of the reference what command op (named cmd)
 * changed. */
void rh_model_observe(rh_model *m, const rh_op *op, const char *cmd, const resp_value *v);

/* Hands over the commands EXEC runs (caller frees), and forgets them. */
rh_queued *rh_model_take_queued(rh_model *m, size_t *n);

#endif /* RH_MODEL_H */
