/* harness/src/cmdspec.h - a server's command table, read from its own
 * COMMAND DOCS and COMMAND INFO replies: every command's arity, flags and
 * argument tree (types, tokens, optional / multiple, one-of blocks).
 * The live fuzzer generates argument lists from it. */
#ifndef RH_CMDSPEC_H
#define RH_CMDSPEC_H

#include <stddef.h>

#include <resp/value.h>

/* The argument types of Redis 7.0's COMMAND DOCS. */
typedef enum rh_arg_type {
    RH_ARG_STRING,
    RH_ARG_INTEGER,
    RH_ARG_DOUBLE,
    RH_ARG_KEY,
    RH_ARG_PATTERN,
    RH_ARG_UNIX_TIME,
    RH_ARG_PURE_TOKEN,
    RH_ARG_ONEOF,
    RH_ARG_BLOCK
} rh_arg_type;

typedef struct rh_arg rh_arg;
struct rh_arg {
    char *name;
    rh_arg_type type;
    char *token;        /* written before the value, or NULL */
    int optional;
    int multiple;       /* the argument may repeat */
    int multiple_token; /* ... and the token repeats with it */
    rh_arg *sub;        /* ONEOF, BLOCK: the arguments inside */
    size_t nsub;
};

typedef struct rh_cmd {
    char *name;      /* lower case; "client|kill" for a subcommand */
    char *words[2];  /* what argv starts with: {"client", "kill"} or {"get", NULL} */
    size_t nwords;
    char *group;     /* "string", "keyspace", ... ("" when not given) */
    long long arity; /* COMMAND INFO's: negative = at least */
    int container;   /* has subcommands: generated through them, never alone */
    int documented;  /* COMMAND DOCS described it */
    rh_arg *args;
    size_t nargs;
} rh_cmd;

typedef struct rh_cmdtable {
    rh_cmd *cmds;
    size_t count;
    const rh_cmd **by_name; /* the same commands sorted by name, for lookups */
} rh_cmdtable;

/* Builds the table from the replies to COMMAND DOCS and COMMAND INFO
 * (RESP2 flat arrays or RESP3 maps).  Every command INFO names is in the
 * table, with the arguments DOCS gives it (none when DOCS is silent).
 * Returns 0, or -1 with a reason. */
int rh_cmdtable_build(rh_cmdtable *t, const resp_value *docs, const resp_value *info, char *err,
                      size_t errlen);
/* The command names (subcommands as "a|b") in a COMMAND or COMMAND INFO
 * reply, lower case, in a malloc'ed array of malloc'ed strings. */
char **rh_command_names(const resp_value *info, size_t *n);
void rh_names_free(char **names, size_t n);

const rh_cmd *rh_cmdtable_find(const rh_cmdtable *t, const char *name);
void rh_cmdtable_free(rh_cmdtable *t);

#endif /* RH_CMDSPEC_H */
