/* server/command.h - what the server knows of a command: one descriptor
 * each, all in command_table.c.  Dispatch (commands.c) and COMMAND, COMMAND
 * INFO/DOCS/COUNT/LIST (cmd_command.c) read nothing else. */
#ifndef MR_COMMAND_H
#define MR_COMMAND_H

#include <stddef.h>

#include <resp/request.h>

typedef struct mr_conn mr_conn;

typedef void mr_command_proc(mr_conn *c, size_t argc, const resp_span *argv);
/* The flags of a command's key when they depend on its arguments (a key
 * spec marked variable_flags), as COMMAND GETKEYSANDFLAGS reports them. */
typedef const char *mr_key_flags_proc(size_t argc, const resp_span *argv);

/* How dispatch treats a command, in the order of its checks. */
typedef enum mr_command_flag {
    MR_CMD_HTTP = 1 << 0,        /* an HTTP request's first word: the connection is dropped */
    MR_CMD_NOAUTH = 1 << 1,      /* allowed before AUTH (COMMAND INFO's no_auth) */
    MR_CMD_NO_MULTI = 1 << 2,    /* refused between MULTI and EXEC (no_multi) */
    MR_CMD_PUBSUB_OK = 1 << 3,   /* allowed in the RESP2 subscribed context */
    MR_CMD_NOT_QUEUED = 1 << 4,  /* runs at once even between MULTI and EXEC */
    MR_CMD_EXEC_ABORT = 1 << 5,  /* refused, it aborts the transaction (EXEC) */
    MR_CMD_MAY_REPLICATE = 1 << 6, /* Redis's CMD_MAY_REPLICATE, which COMMAND INFO does not
                                      show (PUBLISH): CLIENT PAUSE WRITE holds it back */
    MR_CMD_PROTECTED = 1 << 7 /* Redis's CMD_PROTECTED (DEBUG): refused unless
                                 enable-debug-command allows the connection */
} mr_command_flag;

/* How a key spec finds its keys once it has found where they begin. */
typedef enum mr_find_keys {
    MR_FIND_RANGE, /* lastkey, keystep, limit */
    MR_FIND_KEYNUM /* keynumidx, firstkey, keystep: a count argument says how many */
} mr_find_keys;

/* A key spec as COMMAND INFO shows it: begin_search by index (the only
 * kind these commands use), find_keys by range or by a key count. */
typedef struct mr_key_spec {
    const char *notes; /* NULL when Redis gives none */
    const char *flags; /* space-separated; NULL ends a list */
    int index;
    int lastkey, keystep, limit;
    mr_find_keys find;
    int keynumidx, firstkey;
} mr_key_spec;

/* One argument in COMMAND DOCS; flags space-separated. */
typedef struct mr_doc_arg {
    const char *name; /* NULL ends a list */
    const char *type;
    int key_spec; /* for type "key" */
    const char *token;
    const char *since;
    const char *deprecated;
    const char *flags;
    const struct mr_doc_arg *args;
} mr_doc_arg;

/* One COMMAND DOCS history entry: the version and what it changed. */
typedef struct mr_doc_history {
    const char *version; /* NULL ends a list */
    const char *change;
} mr_doc_history;

typedef struct mr_command {
    const char *name;  /* lower case, as in error texts; "client|kill" */
    int arity;         /* n = exactly n; -n = at least n (name included) */
    unsigned flags;    /* mr_command_flag bits */
    mr_command_proc *proc;                /* NULL for a container */
    const struct mr_command *subcommands; /* ended by a NULL name, or NULL */
    /* The container's HELP entry for this form: its syntax line, then
     * description lines indented by four spaces, '\n' between lines.  A
     * container's HELP lists its own entry (the form without a
     * subcommand), then its subcommands' in table order; NULL: none. */
    const char *help;
    /* COMMAND DOCS */
    const char *summary;
    const char *group;
    const char *since;
    const char *complexity;
    const char *doc_flags;        /* "deprecated", or NULL */
    const char *deprecated_since; /* NULL unless deprecated */
    const char *replaced_by;      /* what to use instead, or NULL */
    const mr_doc_history *history; /* ended by a NULL version, or NULL: none */
    const mr_doc_arg *args; /* ended by a NULL name, or NULL: none */
    /* COMMAND INFO: space-separated words, as Redis 7.0.15 reports them */
    const char *info_flags;
    const char *acl;
    const char *tips;
    const mr_key_spec *key_specs; /* ended by NULL flags, or NULL: none */
    mr_key_flags_proc *key_flags; /* NULL: the key specs' own flags */
} mr_command;

/* The top-level commands (subcommands hang from their containers). */
const mr_command *mr_command_table(size_t *count);
/* By name, compared as Redis does (case-insensitive, up to a NUL). */
const mr_command *mr_command_lookup(const char *name, size_t len);
/* A container's subcommand named by sub, or NULL. */
const mr_command *mr_subcommand_lookup(const mr_command *parent, const char *sub, size_t len);
/* COMMAND lists it (the HTTP catchers are not listed). */
int mr_command_listed(const mr_command *cmd);
/* It writes (COMMAND INFO's write) or may propagate (MR_CMD_MAY_REPLICATE):
 * CLIENT PAUSE WRITE holds it back. */
int mr_command_may_replicate(const mr_command *cmd);
/* It only reads (COMMAND INFO's readonly): a key it misses is a keymiss
 * event. */
int mr_command_reads(const mr_command *cmd);
/* Whether COMMAND INFO's flags for cmd include word ("admin"). */
int mr_command_has_flag(const mr_command *cmd, const char *word);
/* COMMAND INFO's first key, last key and step, derived from the key
 * specs as Redis derives them: 0 0 0 without keys. */
void mr_command_key_range(const mr_command *cmd, int *first, int *last, int *step);

#endif /* MR_COMMAND_H */
