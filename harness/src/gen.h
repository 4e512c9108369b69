/* harness/src/gen.h - generated command traffic for respect fuzz: argument
 * lists built from the reference server's COMMAND DOCS tree, values that
 * matter (edges, binary, numeric-looking strings), deliberate mistakes at
 * a set rate, pipelines, inline commands, split sends and broken frames.
 * Everything comes from one seeded generator: a seed replays a run. */
#ifndef RH_GEN_H
#define RH_GEN_H

#include <stdint.h>

#include <resp/writer.h>

#include "cmdspec.h"
#include "program.h"

typedef struct rh_rng {
    uint64_t s;
} rh_rng;

void rh_rng_seed(rh_rng *r, uint64_t seed);
uint64_t rh_rng_next(rh_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
size_t rh_rng_below(rh_rng *r, size_t n);
/* Non-zero with probability permille / 1000. */
int rh_rng_chance(rh_rng *r, unsigned permille);

/* The reviewed exclusion file (harness/fuzz/exclude):
 *   exclude NAME  # reason     never generated
 *   exclude NAME ARG # reason  the command without its argument ARG (its
 *                              COMMAND DOCS name): left out when optional,
 *                              another choice taken in a one-of
 *   owned NAME    # reason     server-wide: generated only when the run owns
 *                              both servers (--allow-flush, one stream) */
typedef enum rh_listing { RH_LISTED_EXCLUDE, RH_LISTED_OWNED } rh_listing;

typedef struct rh_listed {
    char *cmd;
    char *arg; /* an argument of cmd, or NULL: the whole command */
    rh_listing kind;
    char *why;
} rh_listed;

typedef struct rh_exclusions {
    rh_listed *items;
    size_t count;
} rh_exclusions;

int rh_exclusions_parse(rh_exclusions *x, const char *text, size_t len, char *err, size_t errlen);
int rh_exclusions_load(rh_exclusions *x, const char *path, char *err, size_t errlen);
/* The entry for a whole command, or NULL. */
const rh_listed *rh_exclusions_find(const rh_exclusions *x, const char *cmd);
/* Whether argument arg of cmd is excluded. */
int rh_exclusions_has_arg(const rh_exclusions *x, const char *cmd, const char *arg);
void rh_exclusions_free(rh_exclusions *x);

typedef struct rh_gen_config {
    unsigned bad_permille;    /* commands made wrong on purpose */
    unsigned inline_permille; /* commands sent in the inline form */
    unsigned chunk_permille;  /* commands sent in small pieces */
    unsigned raw_permille;    /* batches that end with a broken frame */
    size_t max_depth;         /* longest pipeline */
    size_t nconns;            /* connections, at most RH_PROGRAM_CONNS */
    int resp;                 /* 2, 3, or 0: each connection picks one */
    int owned;                /* the run owns both servers */
    const char *only;         /* comma-separated names: generate only these (NULL: all) */
} rh_gen_config;

void rh_gen_config_default(rh_gen_config *c);

typedef struct rh_gen {
    rh_rng rng;
    rh_gen_config cfg;
    const rh_cmdtable *table;
    const rh_exclusions *excl;
    const rh_cmd **cmds; /* what is generated */
    size_t *siblings;    /* for each, how many share its first word */
    size_t ncmds;
    size_t missing; /* commands only the reference lists */
    unsigned long long stream_ms; /* the last growing stream ID's time part */
    int in_multi[RH_PROGRAM_CONNS];  /* MULTI sent, no EXEC/DISCARD/RESET yet */
    int reply_off[RH_PROGRAM_CONNS]; /* CLIENT REPLY OFF or SKIP sent, no ON/RESET yet */
} rh_gen;

/* Chooses what to generate: the commands of the reference's table t that
 * the server under test lists too (names_a), less the excluded ones, and
 * the owned ones only when cfg->owned.  A line for each command that only
 * the reference lists, and for each exclusion-file entry that names no
 * command, goes to notes.  Fails (-1, err) when a command both servers
 * list is neither generated nor listed in the file. */
int rh_gen_init(rh_gen *g, const rh_cmdtable *t, const char *const *names_a, size_t na,
                const rh_exclusions *x, const rh_gen_config *cfg, uint64_t seed, resp_buf *notes,
                char *err, size_t errlen);
void rh_gen_free(rh_gen *g);

/* Each connection's protocol on connect, into p->protos. */
void rh_gen_protocols(rh_gen *g, rh_program *p);
/* Appends one pipelined batch on one connection. */
void rh_gen_batch(rh_gen *g, rh_program *p);
/* One command's arguments (name words included) into op. */
void rh_gen_command(rh_gen *g, const rh_cmd *c, rh_op *op);

#endif /* RH_GEN_H */
