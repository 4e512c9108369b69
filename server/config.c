/* server/config.c - mini-redis-server's settings: defaults, parsing of
 * values as redis-server 7.0 parses them, the command line, CONFIG GET.
 *
 * Checked against redis-server 7.0.15:
 * - Integers (port, maxclients, timeout, hz, databases) are strict: no
 *   sign but '-', no leading zero, no spaces, no units ("1k" is refused).
 * - Memory values (proto-max-bulk-len, client-query-buffer-limit, and the
 *   hard and soft limits of client-output-buffer-limit) take digits and a
 *   unit: b, k=1000, kb=1024, m=1000^2, mb=1024^2, g=1000^3, gb=1024^3,
 *   case-insensitive; leading zeros are fine, a sign is not.  No digits at
 *   all reads as 0 ("" and "mb" are 0, which then fails the range check).
 * - hz is accepted from 0 and clamped to 1..500.
 * - yes/no and loglevel names are case-insensitive; CONFIG GET prints them
 *   in lower case.
 *
 * The order of mr_config_get (and of --help) is the order of `settings`
 * below: the fields of mr_config as config.h lists them, then the two
 * settings reported for tools only (save, appendonly). */
#define _POSIX_C_SOURCE 200809L /* strcasecmp, strncasecmp */

#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <resp/request.h>

#include "glob.h"

enum setting_id {
    S_PORT,
    S_BIND,
    S_MAXCLIENTS,
    S_TIMEOUT,
    S_REQUIREPASS,
    S_PROTECTED_MODE,
    S_PROTO_MAX_BULK_LEN,
    S_CLIENT_QUERY_BUFFER_LIMIT,
    S_CLIENT_OUTPUT_BUFFER_LIMIT,
    S_LOGLEVEL,
    S_HZ,
    S_DATABASES,
    S_ENABLE_DEBUG_COMMAND,
    S_NOTIFY_KEYSPACE_EVENTS,
    S_MAXMEMORY_POLICY,
    S_SAVE,
    S_APPENDONLY,
    S_DAEMONIZE,
    S_COUNT
};

static const char *const settings[S_COUNT] = {
    [S_PORT] = "port",
    [S_BIND] = "bind",
    [S_MAXCLIENTS] = "maxclients",
    [S_TIMEOUT] = "timeout",
    [S_REQUIREPASS] = "requirepass",
    [S_PROTECTED_MODE] = "protected-mode",
    [S_PROTO_MAX_BULK_LEN] = "proto-max-bulk-len",
    [S_CLIENT_QUERY_BUFFER_LIMIT] = "client-query-buffer-limit",
    [S_CLIENT_OUTPUT_BUFFER_LIMIT] = "client-output-buffer-limit",
    [S_LOGLEVEL] = "loglevel",
    [S_HZ] = "hz",
    [S_DATABASES] = "databases",
    [S_ENABLE_DEBUG_COMMAND] = "enable-debug-command",
    [S_NOTIFY_KEYSPACE_EVENTS] = "notify-keyspace-events",
    [S_MAXMEMORY_POLICY] = "maxmemory-policy",
    [S_SAVE] = "save",
    [S_APPENDONLY] = "appendonly",
    [S_DAEMONIZE] = "daemonize",
};

/* Redis's texts, so that a CONFIG SET error reads the same. */
static const char E_INTEGER[] = "argument couldn't be parsed into an integer";
static const char E_MEMORY[] = "argument must be a memory value";
static const char E_YESNO[] = "argument must be 'yes' or 'no'";
static const char E_LOGLEVEL[] =
    "argument(s) must be one of the following: debug, verbose, notice, warning";
static const char E_DEBUG_ACCESS[] = "argument(s) must be one of the following: no, yes, local";
static const char E_NOTIFY_CLASS[] = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
static const char E_POLICY[] =
    "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
    "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";
static const char E_DIRECTIVE[] = "Bad directive or wrong number of arguments";
static const char E_COBL_CLASS[] = "Invalid client class specified in buffer limit configuration.";
static const char E_COBL_ARGC[] = "Wrong number of arguments in buffer limit configuration.";
static const char E_COBL_VALUE[] =
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
static const char E_SAVE[] = "Invalid save parameters";
static const char E_BIND_COUNT[] = "Too many bind addresses specified.";

#define MAX_BIND_ADDRS 16 /* Redis's CONFIG_BINDADDR_MAX */
#define MIN_HZ 1
#define MAX_HZ 500

/* Redis's built-in replica class limit: parsed and validated, but this
 * server has no replicas and mr_config has no field for it, so CONFIG GET
 * always shows the default. */
static const char REPLICA_LIMIT_TEXT[] = "slave 268435456 67108864 60";

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
    if (err == NULL || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void mr_config_defaults(mr_config *c) {
    memset(c, 0, sizeof *c);
    c->port = 6379;
    /* Redis 7.0's built-in default (no config file): every IPv4 address,
     * and every IPv6 address if IPv6 is available. */
    snprintf(c->bind, sizeof c->bind, "%s", "* -::*");
    c->maxclients = 10000;
    c->timeout = 0;
    c->requirepass[0] = '\0';
    c->requirepass_len = 0;
    c->protected_mode = 1;
    c->proto_max_bulk_len = RESP_BULK_MAX_DEFAULT;
    c->client_query_buffer_limit = 1024LL * 1024 * 1024;
    c->normal_limit = (mr_output_limit){0, 0, 0};
    c->pubsub_limit = (mr_output_limit){32LL * 1024 * 1024, 8LL * 1024 * 1024, 60};
    c->loglevel = MR_LOG_NOTICE;
    c->hz = 10;
    c->databases = 16;
    c->maxmemory_policy = MR_POLICY_NOEVICTION;
}

/* ---- value parsers ---- */

/* Redis's string2ll: optional '-', then "0" or a digit 1-9 followed by
 * digits; nothing else, and no overflow. */
static int parse_strict_ll(const char *s, long long *out) {
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (s[0] == '0' && s[1] == '\0' && !neg) {
        *out = 0;
        return 0;
    }
    if (*s < '1' || *s > '9') return -1;
    unsigned long long v = 0;
    const unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (limit - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (neg) *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    else *out = (long long)v;
    return 0;
}

enum { MEM_OK = 0, MEM_SYNTAX = -1 };
enum { MEM_MAX_DIGITS = 128 }; /* memtoull's digit buffer */

/* A byte count as redis-server 7.0.15 reads one (memtoull): digits and an
 * optional unit; no sign.  Its quirks are kept, since CONFIG GET shows
 * them: no digits is 0 ("kb"), 128 digits or more are refused, a number
 * past 2^64-1 saturates there, and the unit's multiplication wraps
 * (1844674407370955161kb is 7378697629483820032). */
static int parse_memory(const char *s, unsigned long long *out) {
    if (*s == '-') return MEM_SYNTAX;
    const char *u = s;
    while (*u >= '0' && *u <= '9') u++;
    unsigned long long mul;
    if (*u == '\0' || strcasecmp(u, "b") == 0) mul = 1;
    else if (strcasecmp(u, "k") == 0) mul = 1000ULL;
    else if (strcasecmp(u, "kb") == 0) mul = 1024ULL;
    else if (strcasecmp(u, "m") == 0) mul = 1000ULL * 1000;
    else if (strcasecmp(u, "mb") == 0) mul = 1024ULL * 1024;
    else if (strcasecmp(u, "g") == 0) mul = 1000ULL * 1000 * 1000;
    else if (strcasecmp(u, "gb") == 0) mul = 1024ULL * 1024 * 1024;
    else return MEM_SYNTAX;
    if (u - s >= MEM_MAX_DIGITS) return MEM_SYNTAX;
    unsigned long long v = 0;
    for (const char *p = s; p < u; p++) {
        unsigned d = (unsigned)(*p - '0');
        v = v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : v * 10 + d;
    }
    *out = v * mul;
    return MEM_OK;
}

static int parse_yesno(const char *s, int *out) {
    if (strcasecmp(s, "yes") == 0) *out = 1;
    else if (strcasecmp(s, "no") == 0) *out = 0;
    else return -1;
    return 0;
}

static int set_int(const char *value, long long min, long long max, long long *out, char *err,
                   size_t errlen) {
    long long v;
    if (parse_strict_ll(value, &v) != 0) {
        set_err(err, errlen, "%s", E_INTEGER);
        return -1;
    }
    if (v < min || v > max) {
        set_err(err, errlen, "argument must be between %lld and %lld inclusive", min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int set_memory(const char *value, long long min, long long max, long long *out, char *err,
                      size_t errlen) {
    unsigned long long v = 0;
    int rc = parse_memory(value, &v);
    if (rc == MEM_SYNTAX) {
        set_err(err, errlen, "%s", E_MEMORY);
        return -1;
    }
    /* Redis reads the count into a long long: past LLONG_MAX it is
     * negative, below any minimum. */
    if (v < (unsigned long long)min || v > (unsigned long long)max) {
        set_err(err, errlen, "argument must be between %lld and %lld inclusive", min, max);
        return -1;
    }
    *out = (long long)v;
    return 0;
}

/* ---- word lists (bind, save, client-output-buffer-limit) ---- */

#define MAX_WORDS 64

typedef struct words {
    size_t n;
    char *w[MAX_WORDS];
    char *buf; /* the words, NUL-separated */
} words;

/* How a list value (bind, save, client-output-buffer-limit) splits into
 * words.  redis-server's command line splits on any whitespace; CONFIG SET
 * splits on each single space, so "1  2" has an empty word between. */
typedef enum { SPLIT_WHITESPACE, SPLIT_SPACE } split_mode;

static int add_word(words *out, char *w) {
    if (out->n == MAX_WORDS) return -1;
    out->w[out->n++] = w;
    return 0;
}

/* Returns -1 with more than MAX_WORDS words or when out of memory.  An
 * empty value has no words in either mode. */
static int split_words(const char *s, split_mode mode, words *out) {
    out->n = 0;
    out->buf = malloc(strlen(s) + 1);
    if (out->buf == NULL) return -1;
    memcpy(out->buf, s, strlen(s) + 1);
    char *p = out->buf;
    int rc = 0;
    if (mode == SPLIT_SPACE) {
        if (*p != '\0') rc = add_word(out, p);
        for (; rc == 0 && *p != '\0'; p++)
            if (*p == ' ') {
                *p = '\0';
                rc = add_word(out, p + 1);
            }
    } else {
        for (;;) {
            while (*p != '\0' && isspace((unsigned char)*p)) p++;
            if (*p == '\0' || (rc = add_word(out, p)) != 0) break;
            while (*p != '\0' && !isspace((unsigned char)*p)) p++;
            if (*p != '\0') *p++ = '\0';
        }
    }
    if (rc != 0) {
        free(out->buf);
        out->buf = NULL;
    }
    return rc;
}

static void free_words(words *w) {
    free(w->buf);
    w->buf = NULL;
    w->n = 0;
}

/* soft_seconds, as redis-server 7.0.15 takes it: a sign and leading zeros
 * pass ("+5", "05", "-0"), units do not; 0..INT_MAX. */
static int parse_seconds(const char *s, long *out) {
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (*p == '\0') return -1;
    long long v = 0;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
        if (v > INT_MAX) return -1;
    }
    if (neg && v != 0) return -1;
    *out = (long)v;
    return 0;
}

static int set_output_limits(mr_config *c, const char *value, split_mode split, char *err,
                             size_t errlen) {
    words w;
    if (split_words(value, split, &w) != 0) {
        set_err(err, errlen, "%s", E_COBL_ARGC);
        return -1;
    }
    /* All classes are checked before any is applied, as Redis does. */
    mr_output_limit normal = c->normal_limit, pubsub = c->pubsub_limit;
    const char *e = NULL;
    if (w.n == 0 || w.n % 4 != 0) e = E_COBL_ARGC;
    for (size_t i = 0; e == NULL && i < w.n; i += 4) {
        mr_output_limit lim, *dst = NULL, replica;
        if (strcasecmp(w.w[i], "normal") == 0) dst = &normal;
        else if (strcasecmp(w.w[i], "pubsub") == 0) dst = &pubsub;
        else if (strcasecmp(w.w[i], "replica") == 0 || strcasecmp(w.w[i], "slave") == 0)
            dst = &replica; /* validated, then dropped */
        else {
            e = E_COBL_CLASS;
            break;
        }
        unsigned long long hard = 0, soft = 0;
        if (parse_memory(w.w[i + 1], &hard) != MEM_OK ||
            parse_memory(w.w[i + 2], &soft) != MEM_OK ||
            parse_seconds(w.w[i + 3], &lim.soft_seconds) != 0) {
            e = E_COBL_VALUE;
            break;
        }
        lim.hard = hard;
        lim.soft = soft;
        *dst = lim;
    }
    free_words(&w);
    if (e != NULL) {
        set_err(err, errlen, "%s", e);
        return -1;
    }
    c->normal_limit = normal;
    c->pubsub_limit = pubsub;
    return 0;
}

/* Stored normalised (single spaces), as CONFIG GET bind prints it. */
static int set_bind(mr_config *c, const char *value, split_mode split, char *err, size_t errlen) {
    words w;
    if (split_words(value, split, &w) != 0 || w.n > MAX_BIND_ADDRS) {
        free_words(&w);
        set_err(err, errlen, "%s", E_BIND_COUNT);
        return -1;
    }
    char out[sizeof c->bind];
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < w.n; i++) {
        size_t l = strlen(w.w[i]);
        if (len + (i > 0) + l >= sizeof out) {
            free_words(&w);
            set_err(err, errlen, "bind addresses too long (at most %zu bytes)", sizeof out - 1);
            return -1;
        }
        if (i > 0) out[len++] = ' ';
        memcpy(out + len, w.w[i], l + 1);
        len += l;
    }
    free_words(&w);
    memcpy(c->bind, out, len + 1);
    return 0;
}

/* save: pairs of integers, or nothing.  Checked, then ignored: this
 * server does not persist. */
static int check_save(const char *value, split_mode split, char *err, size_t errlen) {
    words w;
    int bad = split_words(value, split, &w) != 0;
    if (!bad && w.n % 2 != 0) bad = 1;
    for (size_t i = 0; !bad && i < w.n; i++) {
        char *end;
        (void)strtoll(w.w[i], &end, 10);
        if (end == w.w[i] || *end != '\0') bad = 1;
    }
    free_words(&w);
    if (bad) {
        set_err(err, errlen, "%s", E_SAVE);
        return -1;
    }
    return 0;
}

static int find_setting(const char *name) {
    for (int i = 0; i < S_COUNT; i++)
        if (strcasecmp(name, settings[i]) == 0) return i;
    return -1;
}

const char *mr_config_name(const char *name) {
    int id = find_setting(name);
    return id >= 0 ? settings[id] : NULL;
}

/* databases sizes the keyspace at start; daemonize is acted on then;
 * enable-debug-command is one of Redis's protected settings. */
int mr_config_immutable(const char *name) {
    int id = find_setting(name);
    return id == S_DATABASES || id == S_DAEMONIZE || id == S_ENABLE_DEBUG_COMMAND;
}

static const char *const debug_access_names[] = {
    [MR_DEBUG_NO] = "no", [MR_DEBUG_YES] = "yes", [MR_DEBUG_LOCAL] = "local"};

/* Each class's letter, in the order CONFIG GET prints them. */
static const struct {
    char letter;
    unsigned bit;
} notify_letters[] = {
    {'g', MR_NOTIFY_GENERIC}, {'$', MR_NOTIFY_STRING}, {'l', MR_NOTIFY_LIST},
    {'s', MR_NOTIFY_SET},     {'h', MR_NOTIFY_HASH},   {'z', MR_NOTIFY_ZSET},
    {'x', MR_NOTIFY_EXPIRED}, {'e', MR_NOTIFY_EVICTED}, {'t', MR_NOTIFY_STREAM},
    {'d', MR_NOTIFY_MODULE},  {'n', MR_NOTIFY_NEW},    {'K', MR_NOTIFY_KEYSPACE},
    {'E', MR_NOTIFY_KEYEVENT}, {'m', MR_NOTIFY_KEY_MISS}, {'A', MR_NOTIFY_ALL},
};
#define NOTIFY_LETTERS (sizeof notify_letters / sizeof notify_letters[0])

/* Redis reads the letters up to a NUL; any other letter is refused. */
static int set_notify_classes(mr_config *c, const char *value, char *err, size_t errlen) {
    unsigned flags = 0;
    for (const char *p = value; *p; p++) {
        size_t i = 0;
        while (i < NOTIFY_LETTERS && notify_letters[i].letter != *p) i++;
        if (i == NOTIFY_LETTERS) {
            set_err(err, errlen, "%s", E_NOTIFY_CLASS);
            return -1;
        }
        flags |= notify_letters[i].bit;
    }
    c->notify_keyspace_events = flags;
    return 0;
}

/* "A" when every class of A is on, else each class's letter; then K, E
 * and m.  (So n, on with A, is not shown.) */
static void format_notify_classes(unsigned flags, char *out, size_t cap) {
    size_t n = 0;
    int all = (flags & MR_NOTIFY_ALL) == MR_NOTIFY_ALL;
    if (all && n + 1 < cap) out[n++] = 'A';
    for (size_t i = 0; i < NOTIFY_LETTERS && n + 1 < cap; i++) {
        unsigned bit = notify_letters[i].bit;
        int is_class = bit != MR_NOTIFY_KEYSPACE && bit != MR_NOTIFY_KEYEVENT &&
                       bit != MR_NOTIFY_KEY_MISS && bit != MR_NOTIFY_ALL;
        if (is_class && all) continue;
        if (bit != MR_NOTIFY_ALL && (flags & bit)) out[n++] = notify_letters[i].letter;
    }
    out[n] = '\0';
}

static const char *const policy_names[] = {
    [MR_POLICY_VOLATILE_LRU] = "volatile-lru",     [MR_POLICY_VOLATILE_LFU] = "volatile-lfu",
    [MR_POLICY_VOLATILE_RANDOM] = "volatile-random", [MR_POLICY_VOLATILE_TTL] = "volatile-ttl",
    [MR_POLICY_ALLKEYS_LRU] = "allkeys-lru",       [MR_POLICY_ALLKEYS_LFU] = "allkeys-lfu",
    [MR_POLICY_ALLKEYS_RANDOM] = "allkeys-random", [MR_POLICY_NOEVICTION] = "noeviction"};

/* The index of value among n names (any case), or -1. */
static int name_index(const char *const *names, int n, const char *value) {
    for (int i = 0; i < n; i++)
        if (strcasecmp(value, names[i]) == 0) return i;
    return -1;
}

static int set_policy(mr_config *c, const char *value, char *err, size_t errlen) {
    int i = name_index(policy_names, MR_POLICY_NOEVICTION + 1, value);
    if (i < 0) {
        set_err(err, errlen, "%s", E_POLICY);
        return -1;
    }
    c->maxmemory_policy = (mr_maxmemory_policy)i;
    return 0;
}

static int set_debug_access(mr_config *c, const char *value, char *err, size_t errlen) {
    int i = name_index(debug_access_names, MR_DEBUG_LOCAL + 1, value);
    if (i < 0) {
        set_err(err, errlen, "%s", E_DEBUG_ACCESS);
        return -1;
    }
    c->enable_debug_command = (mr_debug_access)i;
    return 0;
}

/* A yes/no setting this server only has as "no": yes is refused with why. */
static int accept_no(const char *value, const char *why, char *err, size_t errlen) {
    int b;
    if (parse_yesno(value, &b) != 0) {
        set_err(err, errlen, "%s", E_YESNO);
        return -1;
    }
    if (b) {
        set_err(err, errlen, "%s", why);
        return -1;
    }
    return 0;
}

static int set_password(mr_config *c, const char *value, size_t len, char *err, size_t errlen) {
    if (len >= sizeof c->requirepass) {
        set_err(err, errlen, "requirepass too long (at most %zu bytes)", sizeof c->requirepass - 1);
        return -1;
    }
    memcpy(c->requirepass, value, len);
    c->requirepass[len] = '\0';
    c->requirepass_len = len;
    return 0;
}

static int config_set(mr_config *c, const char *name, const char *value, split_mode split,
                      char *err, size_t errlen);

static int is_integer_setting(int id) {
    return id == S_PORT || id == S_MAXCLIENTS || id == S_TIMEOUT || id == S_HZ ||
           id == S_DATABASES;
}

int mr_config_set_bytes(mr_config *c, const char *name, const char *value, size_t len, char *err,
                        size_t errlen) {
    int id = find_setting(name);
    if (memchr(value, '\0', len) != NULL) {
        if (id == S_REQUIREPASS) return set_password(c, value, len, err, errlen);
        if (is_integer_setting(id)) {
            set_err(err, errlen, "%s", E_INTEGER);
            return -1;
        }
    }
    return config_set(c, name, value, SPLIT_SPACE, err, errlen);
}

int mr_config_set(mr_config *c, const char *name, const char *value, char *err, size_t errlen) {
    return config_set(c, name, value, SPLIT_WHITESPACE, err, errlen);
}

static int config_set(mr_config *c, const char *name, const char *value, split_mode split,
                      char *err, size_t errlen) {
    long long v = 0;
    int b;
    switch (find_setting(name)) {
    case S_PORT:
        if (set_int(value, 0, 65535, &v, err, errlen) != 0) return -1;
        c->port = (int)v;
        return 0;
    case S_BIND:
        return set_bind(c, value, split, err, errlen);
    case S_MAXCLIENTS:
        if (set_int(value, 1, 4294967295LL, &v, err, errlen) != 0) return -1;
        c->maxclients = (long)v;
        return 0;
    case S_TIMEOUT:
        if (set_int(value, 0, INT_MAX, &v, err, errlen) != 0) return -1;
        c->timeout = (long)v;
        return 0;
    case S_REQUIREPASS:
        return set_password(c, value, strlen(value), err, errlen);
    case S_PROTECTED_MODE:
        if (parse_yesno(value, &b) != 0) {
            set_err(err, errlen, "%s", E_YESNO);
            return -1;
        }
        c->protected_mode = b;
        return 0;
    case S_PROTO_MAX_BULK_LEN:
        if (set_memory(value, 1024 * 1024, LLONG_MAX, &v, err, errlen) != 0) return -1;
        c->proto_max_bulk_len = v;
        return 0;
    case S_CLIENT_QUERY_BUFFER_LIMIT:
        if (set_memory(value, 1024 * 1024, LLONG_MAX, &v, err, errlen) != 0) return -1;
        c->client_query_buffer_limit = v;
        return 0;
    case S_CLIENT_OUTPUT_BUFFER_LIMIT:
        return set_output_limits(c, value, split, err, errlen);
    case S_LOGLEVEL:
        if (strcasecmp(value, "debug") == 0) c->loglevel = MR_LOG_DEBUG;
        else if (strcasecmp(value, "verbose") == 0) c->loglevel = MR_LOG_VERBOSE;
        else if (strcasecmp(value, "notice") == 0) c->loglevel = MR_LOG_NOTICE;
        else if (strcasecmp(value, "warning") == 0) c->loglevel = MR_LOG_WARNING;
        else {
            set_err(err, errlen, "%s", E_LOGLEVEL);
            return -1;
        }
        return 0;
    case S_HZ:
        if (set_int(value, 0, INT_MAX, &v, err, errlen) != 0) return -1;
        c->hz = v < MIN_HZ ? MIN_HZ : v > MAX_HZ ? MAX_HZ : (int)v;
        return 0;
    case S_DATABASES:
        if (set_int(value, 1, INT_MAX, &v, err, errlen) != 0) return -1;
        c->databases = (int)v;
        return 0;
    case S_ENABLE_DEBUG_COMMAND:
        return set_debug_access(c, value, err, errlen);
    case S_NOTIFY_KEYSPACE_EVENTS:
        return set_notify_classes(c, value, err, errlen);
    case S_MAXMEMORY_POLICY:
        return set_policy(c, value, err, errlen);
    case S_SAVE:
        return check_save(value, split, err, errlen);
    case S_APPENDONLY:
        return accept_no(value, "appendonly yes is not supported: mini-redis-server has no "
                                "persistence",
                         err, errlen);
    case S_DAEMONIZE:
        return accept_no(value,
                         "daemonize yes is not supported: mini-redis-server runs in the foreground",
                         err, errlen);
    default:
        set_err(err, errlen, "%s", E_DIRECTIVE);
        return -1;
    }
}

/* ---- command line ---- */

/* One argument as Redis quotes it in its error report. */
static size_t quote_arg(char *out, size_t cap, const char *s) {
    size_t n = 0;
#define PUT(ch)                          \
    do {                                 \
        if (n + 1 < cap) out[n] = (ch);  \
        n++;                             \
    } while (0)
    PUT('"');
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        static const char hex[] = "0123456789abcdef";
        switch (*p) {
        case '\\': PUT('\\'); PUT('\\'); break;
        case '"': PUT('\\'); PUT('"'); break;
        case '\n': PUT('\\'); PUT('n'); break;
        case '\r': PUT('\\'); PUT('r'); break;
        case '\t': PUT('\\'); PUT('t'); break;
        default:
            if (isprint(*p)) {
                PUT((char)*p);
            } else {
                PUT('\\');
                PUT('x');
                PUT(hex[*p >> 4]);
                PUT(hex[*p & 15]);
            }
        }
    }
    PUT('"');
#undef PUT
    if (cap > 0) out[n < cap ? n : cap - 1] = '\0';
    return n;
}

/* err: ">>> 'name "v1" "v2"'", a newline, then the reason, like
 * redis-server's report of a bad line.  The name is quoted as well when
 * it came as a value (after a bare "--"). */
static void arg_error(char *err, size_t errlen, const char *name, int quote_name, char **vals,
                      int nvals, const char *reason) {
    char line[512];
    size_t n = quote_name ? quote_arg(line, sizeof line, name)
                          : (size_t)snprintf(line, sizeof line, "%s", name);
    for (int i = 0; i < nvals && n < sizeof line; i++) {
        line[n++] = ' ';
        n += quote_arg(line + n, n < sizeof line ? sizeof line - n : 0, vals[i]);
    }
    if (n >= sizeof line) memcpy(line + sizeof line - 4, "...", 4);
    set_err(err, errlen, ">>> '%s'\n%s", line, reason);
}

/* "--name", or a bare "--", which redis-server also takes as starting a
 * line of its own. */
static int is_option(const char *arg) {
    return arg[0] == '-' && arg[1] == '-';
}

/* Joins values with single spaces: redis-server takes `--bind a b` and
 * `--bind "a b"` alike. */
static char *join_values(char **vals, int n) {
    size_t len = 1;
    for (int i = 0; i < n; i++) len += strlen(vals[i]) + 1;
    char *s = malloc(len);
    if (s == NULL) return NULL;
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(vals[i]);
        if (i > 0) s[pos++] = ' ';
        memcpy(s + pos, vals[i], l);
        pos += l;
    }
    s[pos] = '\0';
    return s;
}

/* One directive of the command line, its values collected. */
static int apply_option(mr_config *c, const char *name, int quote_name, char **vals, int nvals,
                        char *err, size_t errlen) {
    char reason[256];
    int id = find_setting(name);
    if (id < 0) {
        arg_error(err, errlen, name, quote_name, vals, nvals, E_DIRECTIVE);
        return -1;
    }
    /* Settings that take a list accept it as one or several arguments;
     * save may be empty. */
    int list = id == S_BIND || id == S_SAVE || id == S_CLIENT_OUTPUT_BUFFER_LIMIT;
    if ((list && nvals == 0 && id != S_SAVE) || (!list && nvals != 1)) {
        arg_error(err, errlen, name, quote_name, vals, nvals, "wrong number of arguments");
        return -1;
    }
    char *value = join_values(vals, nvals);
    if (value == NULL) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    int rc = mr_config_set(c, settings[id], value, reason, sizeof reason);
    free(value);
    if (rc != 0) {
        arg_error(err, errlen, name, quote_name, vals, nvals, reason);
        return -1;
    }
    return 0;
}

/* redis-server's grammar: "--name" starts a directive and every argument
 * up to the next "--" one is a value, except that the first argument after
 * a bare name is a value even when it starts with "--" (--requirepass
 * --secret), unless the name is save (--save --port 6380 means save "").
 * "--name value" in one argument works too. */
int mr_config_parse_args(mr_config *c, int argc, char **argv, char *err, size_t errlen) {
    char **vals = malloc(((size_t)argc + MAX_WORDS) * sizeof *vals);
    if (vals == NULL) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    int i = 0, rc = 0;
    while (rc == 0 && i < argc) {
        if (!is_option(argv[i])) {
            arg_error(err, errlen, argv[i], 0, NULL, 0,
                      "expected --name value (configuration files are not supported)");
            rc = -1;
            break;
        }
        words w;
        if (split_words(argv[i++] + 2, SPLIT_WHITESPACE, &w) != 0) {
            set_err(err, errlen, "too many words in one argument");
            rc = -1;
            break;
        }
        const char *name = w.n > 0 ? w.w[0] : "";
        int nvals = 0;
        for (size_t k = 1; k < w.n; k++) vals[nvals++] = w.w[k];
        if (nvals == 0 && i < argc && (strcasecmp(name, "save") != 0 || !is_option(argv[i])))
            vals[nvals++] = argv[i++];
        while (i < argc && !is_option(argv[i])) vals[nvals++] = argv[i++];
        /* After a bare "--" the values are a line of their own, its first
         * word the directive; with none, an empty line, skipped. */
        if (name[0] != '\0') rc = apply_option(c, name, 0, vals, nvals, err, errlen);
        else if (nvals > 0) rc = apply_option(c, vals[0], 1, vals + 1, nvals - 1, err, errlen);
        free_words(&w);
    }
    free(vals);
    return rc;
}

/* ---- CONFIG GET ---- */

/* Returns the value's length (requirepass may hold a NUL). */
static size_t format_value(const mr_config *c, int id, char *out, size_t cap) {
    static const char *const levels[] = {"debug", "verbose", "notice", "warning"};
    switch (id) {
    case S_PORT: snprintf(out, cap, "%d", c->port); break;
    case S_BIND: snprintf(out, cap, "%s", c->bind); break;
    case S_MAXCLIENTS: snprintf(out, cap, "%ld", c->maxclients); break;
    case S_TIMEOUT: snprintf(out, cap, "%ld", c->timeout); break;
    case S_REQUIREPASS:
        memcpy(out, c->requirepass, c->requirepass_len + 1);
        return c->requirepass_len;
    case S_PROTECTED_MODE: snprintf(out, cap, "%s", c->protected_mode ? "yes" : "no"); break;
    case S_PROTO_MAX_BULK_LEN: snprintf(out, cap, "%lld", c->proto_max_bulk_len); break;
    case S_CLIENT_QUERY_BUFFER_LIMIT:
        snprintf(out, cap, "%lld", c->client_query_buffer_limit);
        break;
    case S_CLIENT_OUTPUT_BUFFER_LIMIT:
        snprintf(out, cap, "normal %llu %llu %ld %s pubsub %llu %llu %ld", c->normal_limit.hard,
                 c->normal_limit.soft, c->normal_limit.soft_seconds, REPLICA_LIMIT_TEXT,
                 c->pubsub_limit.hard, c->pubsub_limit.soft, c->pubsub_limit.soft_seconds);
        break;
    case S_LOGLEVEL:
        snprintf(out, cap, "%s",
                 c->loglevel >= MR_LOG_DEBUG && c->loglevel <= MR_LOG_WARNING
                     ? levels[c->loglevel]
                     : "notice");
        break;
    case S_HZ: snprintf(out, cap, "%d", c->hz); break;
    case S_DATABASES: snprintf(out, cap, "%d", c->databases); break;
    case S_ENABLE_DEBUG_COMMAND:
        snprintf(out, cap, "%s", debug_access_names[c->enable_debug_command]);
        break;
    case S_NOTIFY_KEYSPACE_EVENTS: format_notify_classes(c->notify_keyspace_events, out, cap); break;
    case S_MAXMEMORY_POLICY: snprintf(out, cap, "%s", policy_names[c->maxmemory_policy]); break;
    case S_SAVE: snprintf(out, cap, "%s", ""); break; /* no snapshots */
    case S_APPENDONLY: snprintf(out, cap, "%s", "no"); break;
    case S_DAEMONIZE: snprintf(out, cap, "%s", "no"); break;
    default: out[0] = '\0';
    }
    return strlen(out);
}

void mr_config_get(const mr_config *c, const char *pattern, size_t plen,
                   void (*fn)(void *ud, const char *name, const char *value, size_t vlen),
                   void *ud) {
    char value[sizeof c->requirepass + 64];
    /* Redis looks a pattern without * ? [ up by name (case-insensitive)
     * and replies with the name as the client spelled it: CONFIG GET PORT
     * answers "PORT". */
    int glob = 0;
    for (size_t i = 0; i < plen; i++)
        if (pattern[i] == '*' || pattern[i] == '?' || pattern[i] == '[') glob = 1;
    if (!glob) {
        for (int id = 0; id < S_COUNT; id++) {
            size_t nlen = strlen(settings[id]);
            if (nlen != plen || strncasecmp(pattern, settings[id], nlen) != 0) continue;
            char spelled[64];
            memcpy(spelled, pattern, nlen);
            spelled[nlen] = '\0';
            size_t vlen = format_value(c, id, value, sizeof value);
            fn(ud, spelled, value, vlen);
            return;
        }
        return;
    }
    for (int id = 0; id < S_COUNT; id++) {
        if (!mr_glob_match(pattern, plen, settings[id], strlen(settings[id]), 1)) continue;
        size_t vlen = format_value(c, id, value, sizeof value);
        fn(ud, settings[id], value, vlen);
    }
}
