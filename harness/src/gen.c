/* harness/src/gen.c - generated command traffic for respect fuzz. */
#define _POSIX_C_SOURCE 200809L
#include "gen.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* ---- the random source: splitmix64, small and the same everywhere ---- */

void rh_rng_seed(rh_rng *r, uint64_t seed) { r->s = seed ^ 0x9e3779b97f4a7c15ULL; }

uint64_t rh_rng_next(rh_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t rh_rng_below(rh_rng *r, size_t n) { return n == 0 ? 0 : (size_t)(rh_rng_next(r) % n); }

int rh_rng_chance(rh_rng *r, unsigned permille) { return rh_rng_below(r, 1000) < permille; }

/* ---- the exclusion file ---- */

static int add_exclusion(char *ln, int line, void *ctx) {
    rh_entry_ctx *e = ctx;
    rh_exclusions *x = e->list;
    char *save = NULL;
    const char *why = rh_cut_reason(ln);
    char *kind = strtok_r(ln, " \t", &save);
    char *cmd = strtok_r(NULL, " \t", &save);
    char *arg = strtok_r(NULL, " \t", &save);
    char *extra = strtok_r(NULL, " \t", &save);
    const char *bad = NULL;
    if (why == NULL) bad = "an entry needs its reason after ' #'";
    else if (kind == NULL || cmd == NULL || extra != NULL)
        bad = "want 'exclude|owned NAME # reason' or 'exclude NAME ARG # reason'";
    else if (strcmp(kind, "exclude") != 0 && strcmp(kind, "owned") != 0)
        bad = "an entry starts with 'exclude' or 'owned'";
    else if (arg != NULL && strcmp(kind, "exclude") != 0) bad = "only 'exclude' names an argument";
    else if (arg == NULL ? rh_exclusions_find(x, cmd) != NULL : rh_exclusions_has_arg(x, cmd, arg))
        bad = "a second entry for this command";
    if (bad != NULL) {
        snprintf(e->err, e->errlen, "line %d: %s", line, bad);
        return -1;
    }
    x->items = realloc(x->items, (x->count + 1) * sizeof *x->items);
    if (x->items == NULL) rh_die("out of memory");
    rh_listed *it = &x->items[x->count++];
    it->cmd = rh_strdup(cmd);
    for (char *c = it->cmd; *c; c++) *c = (char)tolower((unsigned char)*c);
    it->arg = arg != NULL ? rh_strdup(arg) : NULL;
    it->kind = strcmp(kind, "owned") == 0 ? RH_LISTED_OWNED : RH_LISTED_EXCLUDE;
    it->why = rh_strdup(why);
    return 0;
}

int rh_exclusions_parse(rh_exclusions *x, const char *text, size_t len, char *err, size_t errlen) {
    memset(x, 0, sizeof *x);
    rh_entry_ctx e = {x, err, errlen};
    if (rh_each_entry(text, len, add_exclusion, &e) == 0) return 0;
    rh_exclusions_free(x);
    return -1;
}

static int parse_exclusions(void *out, const char *text, size_t len, char *err, size_t errlen) {
    return rh_exclusions_parse(out, text, len, err, errlen);
}

int rh_exclusions_load(rh_exclusions *x, const char *path, char *err, size_t errlen) {
    return rh_parse_file(path, parse_exclusions, x, err, errlen);
}

const rh_listed *rh_exclusions_find(const rh_exclusions *x, const char *cmd) {
    for (size_t i = 0; x != NULL && i < x->count; i++)
        if (x->items[i].arg == NULL && strcasecmp(x->items[i].cmd, cmd) == 0) return &x->items[i];
    return NULL;
}

int rh_exclusions_has_arg(const rh_exclusions *x, const char *cmd, const char *arg) {
    for (size_t i = 0; x != NULL && i < x->count; i++) {
        const rh_listed *l = &x->items[i];
        if (l->arg != NULL && strcasecmp(l->cmd, cmd) == 0 && strcmp(l->arg, arg) == 0) return 1;
    }
    return 0;
}

void rh_exclusions_free(rh_exclusions *x) {
    for (size_t i = 0; i < x->count; i++) {
        free(x->items[i].cmd);
        free(x->items[i].arg);
        free(x->items[i].why);
    }
    free(x->items);
    memset(x, 0, sizeof *x);
}

/* ---- choosing the commands ---- */

void rh_gen_config_default(rh_gen_config *c) {
    memset(c, 0, sizeof *c);
    c->bad_permille = 50;
    c->inline_permille = 30;
    c->chunk_permille = 20;
    c->raw_permille = 5;
    c->max_depth = 64;
    c->nconns = 3;
    c->resp = 0;
}

static int listed_by(const char *const *names, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

/* A name in a comma-separated list; a container's name covers its
 * subcommands. */
static int in_only(const char *only, const rh_cmd *c) {
    if (only == NULL) return 1;
    for (const char *p = only; *p;) {
        size_t len = strcspn(p, ",");
        for (size_t w = 0; w < 2; w++) {
            const char *name = w == 0 ? c->name : c->words[0];
            if (strlen(name) == len && strncasecmp(name, p, len) == 0) return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

/* Whether argument name of c can be left out: it is optional, or a
 * choice of a one-of that keeps a choice not excluded. */
static int can_leave_out_in(const rh_exclusions *x, const rh_cmd *c, const rh_arg *args,
                            size_t n, const rh_arg *parent, const char *name) {
    for (size_t i = 0; i < n; i++) {
        const rh_arg *a = &args[i];
        if (strcmp(a->name, name) == 0) {
            if (a->optional) return 1;
            if (parent == NULL || parent->type != RH_ARG_ONEOF) return 0;
            for (size_t k = 0; k < parent->nsub; k++)
                if (!rh_exclusions_has_arg(x, c->name, parent->sub[k].name)) return 1;
            return 0;
        }
        if (a->nsub > 0 && can_leave_out_in(x, c, a->sub, a->nsub, a, name)) return 1;
    }
    return 0;
}

static int can_leave_out(const rh_exclusions *x, const rh_cmd *c, const char *name) {
    return can_leave_out_in(x, c, c->args, c->nargs, NULL, name);
}

int rh_gen_init(rh_gen *g, const rh_cmdtable *t, const char *const *names_a, size_t na,
                const rh_exclusions *x, const rh_gen_config *cfg, uint64_t seed, resp_buf *notes,
                char *err, size_t errlen) {
    memset(g, 0, sizeof *g);
    g->cfg = *cfg;
    if (g->cfg.nconns == 0) g->cfg.nconns = 1;
    if (g->cfg.nconns > RH_PROGRAM_CONNS) g->cfg.nconns = RH_PROGRAM_CONNS;
    if (g->cfg.max_depth == 0) g->cfg.max_depth = 1;
    g->table = t;
    g->excl = x;
    rh_rng_seed(&g->rng, seed);
    g->cmds = calloc(t->count + 1, sizeof *g->cmds);
    if (g->cmds == NULL) rh_die("out of memory");
    size_t missing = 0;
    for (size_t i = 0; i < t->count; i++) {
        const rh_cmd *c = &t->cmds[i];
        if (!listed_by(names_a, na, c->name)) {
            if (notes != NULL && !c->container) rh_bufprintf(notes, " %s", c->name);
            missing += !c->container;
            continue;
        }
        /* An entry for a container covers its subcommands. */
        const rh_listed *l = rh_exclusions_find(x, c->name);
        if (l == NULL && c->nwords == 2) l = rh_exclusions_find(x, c->words[0]);
        if (c->container || (l != NULL && l->kind == RH_LISTED_EXCLUDE) || !in_only(cfg->only, c))
            continue;
        if (l != NULL && l->kind == RH_LISTED_OWNED && !cfg->owned) continue;
        if (!c->documented) {
            snprintf(err, errlen,
                     "'%s' is listed by both servers but the reference's COMMAND DOCS does not "
                     "describe it: add it to the exclusion file with the reason",
                     c->name);
            rh_gen_free(g);
            return -1;
        }
        g->cmds[g->ncmds++] = c;
    }
    g->missing = missing;
    g->siblings = calloc(g->ncmds + 1, sizeof *g->siblings);
    if (g->siblings == NULL) rh_die("out of memory");
    for (size_t i = 0; i < g->ncmds; i++)
        for (size_t j = 0; j < g->ncmds; j++)
            g->siblings[i] += strcmp(g->cmds[i]->words[0], g->cmds[j]->words[0]) == 0;
    for (size_t i = 0; x != NULL && i < x->count; i++) {
        const rh_cmd *c = rh_cmdtable_find(t, x->items[i].cmd);
        if (c == NULL && notes != NULL)
            rh_bufprintf(notes, "\nexclusion file: '%s' names no command of the reference",
                         x->items[i].cmd);
        if (c != NULL && x->items[i].arg != NULL && !can_leave_out(x, c, x->items[i].arg)) {
            snprintf(err, errlen,
                     "exclusion file: '%s %s' names no argument that can be left out (an optional "
                     "one, or a one-of's choice with another choice left)",
                     x->items[i].cmd, x->items[i].arg);
            rh_gen_free(g);
            return -1;
        }
    }
    if (g->ncmds == 0) {
        snprintf(err, errlen, "no command to generate: the two servers list none in common");
        rh_gen_free(g);
        return -1;
    }
    return 0;
}

void rh_gen_free(rh_gen *g) {
    free(g->cmds);
    free(g->siblings);
    memset(g, 0, sizeof *g);
}

void rh_gen_protocols(rh_gen *g, rh_program *p) {
    for (int i = 0; i < RH_PROGRAM_CONNS; i++)
        p->protos[i] = g->cfg.resp != 0 ? g->cfg.resp : 2 + (int)rh_rng_below(&g->rng, 2);
}

/* ---- values ---- */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct lit {
    const char *s;
    size_t len; /* 0: strlen */
} lit;

static const lit strings[] = {
    {"", 0}, {"v", 0}, {"hello", 0}, {"0", 0}, {"1", 0}, {"-1", 0}, {"10", 0}, {"42", 0},
    {"3.5", 0}, {"-0", 0}, {"1e3", 0}, {"1.5e", 0}, {" 1", 0}, {"1 ", 0}, {"+1", 0},
    {"007", 0}, {"9223372036854775807", 0}, {"-9223372036854775808", 0},
    {"9223372036854775808", 0}, {"-9223372036854775809", 0}, {"inf", 0}, {"-inf", 0},
    {"nan", 0}, {"0x1f", 0}, {"abc def", 0}, {"\0", 1}, {"a\0b", 3}, {"a\r\nb", 0},
    {"\r\n", 0}, {"\xff\xfe", 0}, {"@@x", 0}, {"*", 0}, {"?", 0}, {"\"q\"", 0},
};
static const lit integers[] = {
    {"0", 0}, {"1", 0}, {"-1", 0}, {"2", 0}, {"3", 0}, {"5", 0}, {"10", 0}, {"100", 0},
    {"-100", 0}, {"1000", 0}, {"2147483647", 0}, {"2147483648", 0}, {"-2147483649", 0},
    {"9223372036854775807", 0}, {"-9223372036854775808", 0}, {"9223372036854775808", 0},
    {"-9223372036854775809", 0}, {"1.5", 0}, {"abc", 0}, {"", 0}, {"007", 0}, {"+1", 0},
    {" 1", 0}, {"0x10", 0}, {"1e3", 0}, {"-0", 0},
};
static const lit doubles[] = {
    {"0", 0}, {"1", 0}, {"-1", 0}, {"1.5", 0}, {"-1.5", 0}, {"0.1", 0}, {"3", 0}, {"1e3", 0},
    {"1e308", 0}, {"-1e308", 0}, {"1e309", 0}, {"inf", 0}, {"-inf", 0}, {"+inf", 0},
    {"Inf", 0}, {"nan", 0}, {"1.5e", 0}, {"0x10", 0}, {"1e-20", 0}, {"-1e-20", 0},
    {"5e-324", 0}, {"abc", 0}, {"", 0}, {"17179869184", 0}, {" 1", 0}, {"1.7976931348623157e308", 0},
};
/* Relative times never expire a key during a run: either at once (0 or
 * negative), far in the future, or out of range. */
static const lit seconds[] = {
    {"0", 0}, {"-1", 0}, {"-100", 0}, {"100000", 0}, {"1000000", 0}, {"2147483647", 0},
    {"9223372036854775807", 0}, {"9223372036854775", 0}, {"9223372036854776", 0},
    {"-9223372036854775808", 0}, {"abc", 0}, {"1.5", 0}, {"4611686018427387904", 0},
};
static const lit millis[] = {
    {"0", 0}, {"-1", 0}, {"-100", 0}, {"100000000", 0}, {"1000000000", 0},
    {"2147483647", 0}, {"9223372036854775807", 0}, {"9223372036854775", 0},
    {"-9223372036854775808", 0}, {"abc", 0}, {"1.5", 0}, {"4611686018427387904", 0},
};
static const lit unix_times[] = {
    {"0", 0}, {"1", 0}, {"1000000000", 0}, {"4102444800", 0}, {"4102444800000", 0},
    {"-1", 0}, {"9223372036854775807", 0}, {"9223372036854775", 0}, {"abc", 0},
};
static const lit key_patterns[] = {
    {"@k*", 0}, {"@k?", 0}, {"@k[0-2]", 0}, {"@k[^0]", 0}, {"@*", 0}, {"@k\\*", 0},
    {"@k[", 0}, {"@k0", 0}, {"@x*", 0},
};
static const lit channel_patterns[] = {
    {"@ch*", 0}, {"@ch?", 0}, {"@ch[01]", 0}, {"@c*", 0}, {"@x*", 0}, {"@ch[^0]", 0},
};
static const lit names[] = {
    {"", 0}, {"fuzz", 0}, {"a b", 0}, {"x-1", 0}, {"\n", 0}, {"name", 0},
};
static const lit sections[] = {
    {"server", 0}, {"clients", 0}, {"memory", 0}, {"stats", 0}, {"keyspace", 0},
    {"all", 0}, {"default", 0}, {"everything", 0}, {"bogus", 0}, {"persistence", 0},
};
static const lit parameters[] = {
    {"maxclients", 0}, {"timeout", 0}, {"port", 0}, {"bind", 0}, {"requirepass", 0},
    {"proto-max-bulk-len", 0}, {"*max*", 0}, {"*", 0}, {"bogus", 0}, {"save", 0},
};
/* A cursor other than 0 names a position in the server's own table: only
 * a walk's start, and cursors no server accepts, compare. */
static const lit cursors[] = {{"0", 0}, {"0", 0}, {"0", 0}, {"0", 0}, {"0", 0}, {"0", 0},
                              {"abc", 0}, {"", 0}, {"1.5", 0}, {"18446744073709551616", 0}};
/* Stream IDs: edges of both halves, exclusive and open bounds, forms
 * Redis refuses.  Fresh, growing IDs come from stream_id(). */
static const lit stream_ids[] = {
    {"0-1", 0}, {"1", 0}, {"1-0", 0}, {"1-1", 0}, {"2-5", 0}, {"5", 0}, {"1-*", 0},
    {"(1-1", 0}, {"(2", 0}, {"-", 0}, {"+", 0}, {"0", 0}, {"0-0", 0}, {"-1", 0},
    {"18446744073709551615", 0}, {"18446744073709551615-18446744073709551615", 0},
    {"18446744073709551615-*", 0}, {"1-18446744073709551615", 0}, {"18446744073709551616", 0},
    {"abc", 0}, {"1.5", 0}, {"", 0}, {"1-", 0}, {"-1-1", 0}, {" 1", 0}, {"((1", 0},
};
static const lit junk[] = {{"bogus", 0}, {"", 0}, {"x", 0}, {"EX", 0}, {"1.5", 0}};

static void push_lit(rh_op *op, const lit *l) { rh_op_push(op, l->s, l->len ? l->len : strlen(l->s)); }

static void push_pick(rh_gen *g, rh_op *op, const lit *pool, size_t n) {
    push_lit(op, &pool[rh_rng_below(&g->rng, n)]);
}

static void push_numbered(rh_gen *g, rh_op *op, const char *prefix, size_t n) {
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%s%zu", prefix, rh_rng_below(&g->rng, n));
    rh_op_push(op, tmp, (size_t)len);
}

static int name_has(const rh_arg *a, const char *word) { return strstr(a->name, word) != NULL; }

static void push_long_string(rh_gen *g, rh_op *op) {
    static const size_t sizes[] = {100, 1000, 3000, 70000};
    size_t n = sizes[rh_rng_below(&g->rng, rh_rng_chance(&g->rng, 100) ? 4 : 3)];
    char *s = malloc(n);
    if (s == NULL) rh_die("out of memory");
    memset(s, 'x', n);
    rh_op_push(op, s, n);
    free(s);
}

/* An ID above every earlier one of the run, most of the time accepted
 * by XADD: "N-S", "N-*" or "N".  Never "*": the two servers' clocks would
 * give different IDs. */
static void push_stream_id(rh_gen *g, rh_op *op) {
    char tmp[48];
    int len;
    g->stream_ms += 1 + rh_rng_below(&g->rng, 3);
    switch (rh_rng_below(&g->rng, 3)) {
    case 0: len = snprintf(tmp, sizeof tmp, "%llu-%zu", g->stream_ms, rh_rng_below(&g->rng, 3)); break;
    case 1: len = snprintf(tmp, sizeof tmp, "%llu-*", g->stream_ms); break;
    default: len = snprintf(tmp, sizeof tmp, "%llu", g->stream_ms); break;
    }
    rh_op_push(op, tmp, (size_t)len);
}

static int is_stream_id(const rh_cmd *c, const rh_arg *a) {
    static const char *const id_args[] = {"id", "start", "end", "threshold"};
    if (strcmp(c->group, "stream") != 0) return 0;
    for (size_t i = 0; i < COUNT(id_args); i++)
        if (strcmp(a->name, id_args[i]) == 0) return 1;
    return 0;
}

static void push_string(rh_gen *g, const rh_cmd *c, const rh_arg *a, rh_op *op) {
    if (is_stream_id(c, a)) {
        if (rh_rng_chance(&g->rng, 500)) push_stream_id(g, op);
        else push_pick(g, op, stream_ids, COUNT(stream_ids));
    } else if (name_has(a, "channel")) {
        push_numbered(g, op, "@ch", 4);
    } else if (strcmp(a->name, "section") == 0) {
        push_pick(g, op, sections, COUNT(sections));
    } else if (strcmp(a->name, "parameter") == 0) {
        push_pick(g, op, parameters, COUNT(parameters));
    } else if (name_has(a, "command")) {
        const rh_cmd *other = g->cmds[rh_rng_below(&g->rng, g->ncmds)];
        rh_op_push(op, other->words[0], strlen(other->words[0]));
    } else if (name_has(a, "name")) {
        push_pick(g, op, names, COUNT(names));
    } else if (rh_rng_chance(&g->rng, 40)) {
        push_long_string(g, op);
    } else {
        push_pick(g, op, strings, COUNT(strings));
    }
}

static void push_integer(rh_gen *g, const rh_arg *a, rh_op *op) {
    int ms = name_has(a, "milli") || (a->token != NULL && strncasecmp(a->token, "PX", 2) == 0);
    int db = strcmp(a->name, "index") == 0 || strcmp(a->name, "db") == 0;
    if (name_has(a, "unix-time")) {
        push_pick(g, op, unix_times, COUNT(unix_times));
    } else if (ms) {
        push_pick(g, op, millis, COUNT(millis));
    } else if (name_has(a, "second") || name_has(a, "timeout")) {
        push_pick(g, op, seconds, COUNT(seconds));
    } else if (strcmp(a->name, "cursor") == 0) {
        push_pick(g, op, cursors, COUNT(cursors));
    } else if (db && rh_rng_chance(&g->rng, 700)) {
        /* Database numbers: mostly the 16 that exist, and one past them. */
        push_numbered(g, op, "", 17);
    } else {
        push_pick(g, op, integers, COUNT(integers));
    }
}

static void push_key(rh_gen *g, rh_op *op) { push_numbered(g, op, "@k", 5); }

static void push_pattern(rh_gen *g, const rh_cmd *c, rh_op *op) {
    if (g->cfg.owned && rh_rng_chance(&g->rng, 50)) rh_op_push(op, "*", 1);
    else if (strcmp(c->group, "pubsub") == 0) push_pick(g, op, channel_patterns, COUNT(channel_patterns));
    else push_pick(g, op, key_patterns, COUNT(key_patterns));
}

static void push_token(rh_gen *g, rh_op *op, const char *token) {
    size_t len = strlen(token);
    char *t = rh_strndup(token, len);
    /* Redis reads tokens in any case. */
    if (rh_rng_chance(&g->rng, 100))
        for (char *p = t; *p; p++) *p = (char)tolower((unsigned char)*p);
    rh_op_push(op, t, len);
    free(t);
}

static void gen_arg(rh_gen *g, const rh_cmd *c, const rh_arg *a, rh_op *op, int forced);

static int arg_excluded(const rh_gen *g, const rh_cmd *c, const rh_arg *a) {
    return rh_exclusions_has_arg(g->excl, c->name, a->name);
}

/* One of a one-of's choices, never an excluded one (rh_gen_init made sure
 * one is left). */
static const rh_arg *pick_choice(rh_gen *g, const rh_cmd *c, const rh_arg *a) {
    size_t allowed = 0;
    for (size_t i = 0; i < a->nsub; i++) allowed += !arg_excluded(g, c, &a->sub[i]);
    size_t k = rh_rng_below(&g->rng, allowed);
    for (size_t i = 0; i < a->nsub; i++)
        if (!arg_excluded(g, c, &a->sub[i]) && k-- == 0) return &a->sub[i];
    return &a->sub[0];
}

static void gen_value(rh_gen *g, const rh_cmd *c, const rh_arg *a, rh_op *op) {
    switch (a->type) {
    case RH_ARG_PURE_TOKEN: break;
    case RH_ARG_ONEOF: gen_arg(g, c, pick_choice(g, c, a), op, 1); break;
    case RH_ARG_BLOCK:
        for (size_t i = 0; i < a->nsub; i++) gen_arg(g, c, &a->sub[i], op, 0);
        break;
    case RH_ARG_KEY: push_key(g, op); break;
    case RH_ARG_PATTERN: push_pattern(g, c, op); break;
    case RH_ARG_STRING: push_string(g, c, a, op); break;
    case RH_ARG_INTEGER: push_integer(g, a, op); break;
    case RH_ARG_DOUBLE: push_pick(g, op, doubles, COUNT(doubles)); break;
    case RH_ARG_UNIX_TIME: push_pick(g, op, unix_times, COUNT(unix_times)); break;
    }
}

static void gen_arg(rh_gen *g, const rh_cmd *c, const rh_arg *a, rh_op *op, int forced) {
    if (a->optional && !forced && (arg_excluded(g, c, a) || rh_rng_chance(&g->rng, 500))) return;
    size_t reps = 1;
    if (a->multiple) reps += rh_rng_below(&g->rng, rh_rng_chance(&g->rng, 50) ? 12 : 3);
    for (size_t r = 0; r < reps; r++) {
        if (a->token != NULL && (r == 0 || a->multiple_token)) push_token(g, op, a->token);
        gen_value(g, c, a, op);
    }
}

/* A deliberate mistake: the last argument dropped or doubled, junk added,
 * or a value replaced by junk.  Arguments never move, so a value never
 * lands where a key goes: every key stays in the run's namespace. */
static void spoil(rh_gen *g, const rh_cmd *c, rh_op *op) {
    size_t first = c->nwords, last = op->argc - 1;
    switch (rh_rng_below(&g->rng, 4)) {
    case 0:
        if (op->argc > first) rh_op_remove_arg(op, last);
        break;
    case 1:
        push_pick(g, op, junk, COUNT(junk));
        break;
    case 2:
        if (op->argc > first && op->argv[last][0] != '@') {
            rh_op_remove_arg(op, last);
            push_pick(g, op, junk, COUNT(junk));
        }
        break;
    default:
        if (op->argc > first) rh_op_push(op, op->argv[last], op->lens[last]);
        break;
    }
}

void rh_gen_command(rh_gen *g, const rh_cmd *c, rh_op *op) {
    for (size_t i = 0; i < c->nwords; i++) push_token(g, op, c->words[i]);
    for (size_t i = 0; i < c->nargs; i++) gen_arg(g, c, &c->args[i], op, 0);
    if (rh_rng_chance(&g->rng, g->cfg.bad_permille)) spoil(g, c, op);
}

/* ---- batches ---- */

static const lit broken[] = {
    {"*1\r\n$x\r\n", 0},          {"*x\r\n", 0},
    {"*1\r\n:1\r\n", 0},          {"*2\r\n$3\r\nGET\r\n$1\r\nab\r\n", 0},
    {"*1\r\n$-1\r\n", 0},         {"*3000000\r\n", 0},
    {"*1\r\n$600000000\r\n", 0},  {"\"unbalanced\r\n", 0},
    {"GET 'x\r\n", 0},            {"\r\n", 0},
    {"*0\r\n", 0},                {"*-1\r\n", 0},
    {"PING\n", 0},                {"*1\r\n$4\r\nPING\r\n\r\n", 0},
    {"ECHO \"a\\x41\"\r\n", 0},    {"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", 0},
};

/* Safe to send inline: no byte the inline splitter reads specially. */
static int inline_safe(const rh_op *op) {
    for (size_t i = 0; i < op->argc; i++) {
        if (op->lens[i] == 0 || op->lens[i] > 200) return 0;
        for (size_t k = 0; k < op->lens[i]; k++) {
            unsigned char ch = (unsigned char)op->argv[i][k];
            if (!isgraph(ch) || ch == '"' || ch == '\'' || ch == '\\') return 0;
        }
    }
    return 1;
}

static size_t batch_depth(rh_gen *g) {
    size_t r = rh_rng_below(&g->rng, 100), max = g->cfg.max_depth;
    size_t d = r < 20 ? 1 : r < 50 ? 2 + rh_rng_below(&g->rng, 3)
                              : r < 85 ? 5 + rh_rng_below(&g->rng, 16) : 21 + rh_rng_below(&g->rng, 44);
    return d > max ? max : d;
}

/* Every top-level command is as likely as any other; a container's
 * subcommands share its chance. */
static const rh_cmd *pick_command(rh_gen *g) {
    size_t i = rh_rng_below(&g->rng, g->ncmds);
    const rh_cmd *c = g->cmds[i];
    if (c->nwords == 1) return c;
    /* Accept a subcommand with 1/n of the chance, so the container as a
     * whole is picked about as often as one plain command. */
    if (rh_rng_below(&g->rng, g->siblings[i]) != 0) return pick_command(g);
    return c;
}

/* Some commands break Redis's own EXEC framing, whose array has one element
 * per queued command: CLIENT REPLY (the array announces replies that never
 * come), a (un)subscribe (one confirmation per channel: the extra ones push
 * the transaction's later replies out of the array) and a PUBLISH that
 * reaches the publisher itself (under RESP3 the message takes the reply's
 * place in the array).  None is generated on a connection that may be in
 * a transaction; the conformance cases pin what Redis does there. */
static int breaks_exec(const rh_cmd *c) {
    static const char *const breakers[] = {"client|reply", "subscribe", "psubscribe",
                                           "ssubscribe", "unsubscribe", "punsubscribe",
                                           "sunsubscribe", "publish",     "spublish"};
    for (size_t i = 0; i < sizeof breakers / sizeof breakers[0]; i++)
        if (strcmp(c->name, breakers[i]) == 0) return 1;
    return 0;
}

/* With replies off, Redis closes a connection after QUIT only once it has
 * something to write, which depends on timing: QUIT is not generated on a
 * connection that may have replies off. */
static const rh_cmd *pick_for(rh_gen *g, int conn) {
    const rh_cmd *c;
    do c = pick_command(g);
    while ((g->in_multi[conn] && breaks_exec(c)) ||
           (g->reply_off[conn] && strcmp(c->name, "quit") == 0));
    if (strcmp(c->name, "multi") == 0) g->in_multi[conn] = 1;
    if (!strcmp(c->name, "exec") || !strcmp(c->name, "discard") || !strcmp(c->name, "reset") ||
        !strcmp(c->name, "quit"))
        g->in_multi[conn] = 0;
    if (!strcmp(c->name, "reset") || !strcmp(c->name, "quit")) g->reply_off[conn] = 0;
    return c;
}

/* After CLIENT REPLY is generated: whether replies may now be off. */
static void note_reply_mode(rh_gen *g, int conn, const rh_op *op) {
    if (op->argc < 3 || op->lens[0] != 6 || strncasecmp(op->argv[0], "client", 6) != 0 ||
        op->lens[1] != 5 || strncasecmp(op->argv[1], "reply", 5) != 0)
        return;
    if (strncasecmp(op->argv[2], "on", op->lens[2]) == 0 && op->lens[2] == 2)
        g->reply_off[conn] = 0;
    else
        g->reply_off[conn] = 1;
}

void rh_gen_batch(rh_gen *g, rh_program *p) {
    int conn = (int)rh_rng_below(&g->rng, g->cfg.nconns);
    size_t depth = batch_depth(g);
    int quit = 0;
    for (size_t i = 0; i < depth && !quit; i++) {
        rh_op *op = rh_program_add(p, RH_OP_COMMAND, conn);
        const rh_cmd *c = pick_for(g, conn);
        /* QUIT ends the batch: a server that closes with bytes of ours
         * still unread sends a reset, and the reset discards replies not
         * yet read on this side, as much as timing decides. */
        quit = strcmp(c->name, "quit") == 0;
        rh_gen_command(g, c, op);
        note_reply_mode(g, conn, op);
        if (rh_rng_chance(&g->rng, g->cfg.inline_permille) && inline_safe(op))
            op->kind = RH_OP_INLINE;
        if (rh_rng_chance(&g->rng, g->cfg.chunk_permille))
            op->chunk = 1 + rh_rng_below(&g->rng, rh_rng_chance(&g->rng, 300) ? 4 : 40);
    }
    /* A broken frame ends the connection the way QUIT does, so it too is
     * left out while replies may be off. */
    if (!quit && !g->reply_off[conn] && rh_rng_chance(&g->rng, g->cfg.raw_permille)) {
        rh_op *op = rh_program_add(p, RH_OP_RAW, conn);
        push_pick(g, op, broken, COUNT(broken));
    }
    p->ops[p->count - 1].batch_end = 1;
}
