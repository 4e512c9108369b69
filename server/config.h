/* server/config.h - mini-redis-server's settings, spelled as redis-server
 * spells them (--port 6380, or CONFIG GET port). */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include <stddef.h>

typedef struct mr_output_limit {
    unsigned long long hard; /* bytes; 0 = none */
    unsigned long long soft; /* bytes; 0 = none */
    long soft_seconds;       /* how long over soft before closing */
} mr_output_limit;

typedef enum { MR_LOG_DEBUG, MR_LOG_VERBOSE, MR_LOG_NOTICE, MR_LOG_WARNING } mr_loglevel;

/* Who may run DEBUG (enable-debug-command): nobody, anyone, or
 * connections from the machine itself. */
typedef enum { MR_DEBUG_NO, MR_DEBUG_YES, MR_DEBUG_LOCAL } mr_debug_access;

/* notify-keyspace-events: the classes of key events published, and
 * where (Redis's NOTIFY_* bits). */
typedef enum mr_notify_class {
    MR_NOTIFY_KEYSPACE = 1 << 0, /* K: __keyspace@<db>__:<key> */
    MR_NOTIFY_KEYEVENT = 1 << 1, /* E: __keyevent@<db>__:<event> */
    MR_NOTIFY_GENERIC = 1 << 2,  /* g: DEL, EXPIRE, RENAME, ... */
    MR_NOTIFY_STRING = 1 << 3,   /* $ */
    MR_NOTIFY_LIST = 1 << 4,     /* l */
    MR_NOTIFY_SET = 1 << 5,      /* s */
    MR_NOTIFY_HASH = 1 << 6,     /* h */
    MR_NOTIFY_ZSET = 1 << 7,     /* z */
    MR_NOTIFY_EXPIRED = 1 << 8,  /* x */
    MR_NOTIFY_EVICTED = 1 << 9,  /* e */
    MR_NOTIFY_STREAM = 1 << 10,  /* t */
    MR_NOTIFY_KEY_MISS = 1 << 11, /* m */
    MR_NOTIFY_MODULE = 1 << 13,  /* d */
    MR_NOTIFY_NEW = 1 << 14      /* n */
} mr_notify_class;
/* A: every class but key misses and new keys. */
#define MR_NOTIFY_ALL                                                                      \
    (MR_NOTIFY_GENERIC | MR_NOTIFY_STRING | MR_NOTIFY_LIST | MR_NOTIFY_SET | MR_NOTIFY_HASH | \
     MR_NOTIFY_ZSET | MR_NOTIFY_EXPIRED | MR_NOTIFY_EVICTED | MR_NOTIFY_STREAM | MR_NOTIFY_MODULE)

/* maxmemory-policy.  Nothing is evicted (there is no maxmemory); the
 * policy decides what a key's access stamp holds: an LRU clock, or, under
 * the LFU policies, a logarithmic access counter (OBJECT FREQ). */
typedef enum mr_maxmemory_policy {
    MR_POLICY_VOLATILE_LRU,
    MR_POLICY_VOLATILE_LFU,
    MR_POLICY_VOLATILE_RANDOM,
    MR_POLICY_VOLATILE_TTL,
    MR_POLICY_ALLKEYS_LRU,
    MR_POLICY_ALLKEYS_LFU,
    MR_POLICY_ALLKEYS_RANDOM,
    MR_POLICY_NOEVICTION
} mr_maxmemory_policy;

typedef struct mr_config {
    int port;                           /* 6379 */
    char bind[256];                     /* "* -::*" (all interfaces; protected mode guards) */
    long maxclients;                    /* 10000 */
    long timeout;                       /* seconds idle; 0 = never */
    char requirepass[512];              /* bytes (NUL allowed); none when empty */
    size_t requirepass_len;
    int protected_mode;                 /* 1 */
    long long proto_max_bulk_len;       /* 512 MiB */
    long long client_query_buffer_limit; /* 1 GiB */
    mr_output_limit normal_limit;       /* 0 0 0 */
    mr_output_limit pubsub_limit;       /* 32mb 8mb 60 */
    mr_loglevel loglevel;               /* notice */
    int hz;                             /* 10: cron frequency */
    int databases;                      /* 16 */
    mr_debug_access enable_debug_command; /* no */
    unsigned notify_keyspace_events;      /* mr_notify_class bits; none */
    mr_maxmemory_policy maxmemory_policy; /* noeviction */
} mr_config;

void mr_config_defaults(mr_config *c);

/* Applies one setting by name (case-insensitive) from its text value, with
 * redis-server's units ("1gb", "32mb") and yes/no, as the command line
 * gives it (a list splits on any whitespace).  Returns 0, or -1 with a
 * message in err. */
int mr_config_set(mr_config *c, const char *name, const char *value, char *err, size_t errlen);
/* As mr_config_set, for CONFIG SET: a list splits on each single space,
 * and the value has len bytes and may hold a NUL: requirepass keeps every
 * byte; an integer setting refuses it; any other reads it up to the NUL,
 * as Redis compares such words. */
int mr_config_set_bytes(mr_config *c, const char *name, const char *value, size_t len, char *err,
                        size_t errlen);

/* The setting's own spelling for a name given in any case ("MaxClients"
 * -> "maxclients"), or NULL when there is no such setting.  The pointer is
 * the same for every spelling of a setting. */
const char *mr_config_name(const char *name);
/* Settings fixed once the server runs (CONFIG SET refuses them). */
int mr_config_immutable(const char *name);

/* Parses `--name value` pairs (as redis-server accepts them).  --help and
 * --version are handled by the caller.  Returns 0 or -1 with err. */
int mr_config_parse_args(mr_config *c, int argc, char **argv, char *err, size_t errlen);

/* CONFIG GET: calls fn(name, value) for every setting whose name matches
 * the glob pattern, in a fixed order; the value is formatted as Redis
 * formats it (client-output-buffer-limit as "normal 0 0 0 slave ... pubsub
 * 33554432 8388608 60", yes/no, plain numbers). */
void mr_config_get(const mr_config *c, const char *pattern, size_t plen,
                   void (*fn)(void *ud, const char *name, const char *value, size_t vlen),
                   void *ud);

#endif /* MR_CONFIG_H */
