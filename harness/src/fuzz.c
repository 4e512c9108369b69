/* harness/src/fuzz.c - respect fuzz: options, the run loop, differences,
 * the summary. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <resp/printer.h>

#include "case.h"
#include "gen.h"
#include "live.h"
#include "shrink.h"
#include "util.h"

#ifndef RH_FUZZ_DIR
#define RH_FUZZ_DIR "harness/fuzz"
#endif

/* A segment (traffic on one key namespace) ends after this many
 * operations, so memory and shrinking stay bounded in long runs. */
#define SEGMENT_OPS 200000

static const char usage[] =
    "usage: respect fuzz --a HOST:PORT --b HOST:PORT [options]\n"
    "\n"
    "Sends generated commands to both servers and compares every reply; --b is\n"
    "the reference (real Redis), --a the server under test.  Each difference is\n"
    "replayed to confirm it, shrunk, and written as a case that fails on --a and\n"
    "passes on --b.\n"
    "\n"
    "options:\n"
    "  --seed S              the run's seed (default 1); a seed replays a run exactly\n"
    "  --seed-range A-B      run seeds A to B one after another, each with the budget\n"
    "  --commands N          each seed sends N commands (default 100000)\n"
    "  --seconds T           each seed runs T seconds instead\n"
    "  --connections K       client connections per run (default 3, at most 8)\n"
    "  --resp 2|3|mixed      each connection's protocol (default mixed)\n"
    "  --bad-rate R          per mille of commands made wrong on purpose (default 50)\n"
    "  --max-depth N         longest pipeline (default 64)\n"
    "  --only C1,C2          generate only these commands (a container: all its subcommands)\n"
    "  --max-diffs N         stop after N distinct differences (default: no limit)\n"
    "  --out DIR             write each shrunk difference there as DIR/<name>.case\n"
    "  --allow-flush         the run owns both servers: FLUSHALL between segments and\n"
    "                        server-wide commands too (never on a shared server)\n"
    "  -j N                  N seeds in parallel (with --seed S: S to S+N-1)\n"
    "  --exclude F           the exclusion file (default " RH_FUZZ_DIR "/exclude)\n"
    "  --normalise F         the normalisation file (default " RH_FUZZ_DIR "/normalise)\n"
    "  --timeout MS          wait for each reply (default 2000)\n"
    "  --shrink-seconds T    time allowed to shrink one difference (default 60)\n"
    "  --user U --password P authenticate every connection\n"
    "  --name-a, --name-b    the servers' names in reports\n"
    "  --json F              write the summary as JSON\n"
    "  --list-commands       print what would be generated, excluded and missing; exit\n"
    "\n"
    "exit status: 0 no difference that reproduces, 1 differences found, 2 usage or\n"
    "connection error (a difference that a replay on fresh state does not show\n"
    "again is reported and does not count)\n";

typedef struct fuzz_opts {
    const char *a, *b, *name_a, *name_b, *out, *json, *exclude, *normalise;
    const char *user, *password;
    unsigned long long seed_lo, seed_hi;
    long long commands, seconds, timeout, shrink_seconds, max_diffs;
    int jobs, allow_flush, list_only;
    rh_gen_config gen;
} fuzz_opts;

typedef struct finding {
    char signature[200];
    unsigned long long seed;
    size_t count;
    int confirmed, verified;
    size_t ops_before, ops_after, tests;
    long long shrink_ms;
    char *a_text, *b_text;
    char *case_path;
    char *case_text;
} finding;

typedef struct shared {
    const fuzz_opts *o;
    rh_target ta, tb;
    rh_cmdtable table;
    rh_rules rules;
    rh_exclusions excl;
    char **names_a;
    size_t nnames_a;
    pthread_mutex_t lock;
    finding *found;
    size_t nfound, total_diffs;
    unsigned long long commands, timeouts, surplus, settles;
    unsigned long long *per_cmd; /* by table index */
    unsigned long long next_seed;
    long long start_ms;
    int error;
    char errmsg[400];
    int progress;
    unsigned nonce;
    size_t verify_runs; /* case runs made to verify, for fresh namespaces */
} shared;

/* ---- options ---- */

static long long num(const char *flag, const char *v, long long lo, long long hi) {
    long long n;
    if (v == NULL || !rh_parse_ll(v, strlen(v), &n) || n < lo || n > hi)
        rh_die("%s takes a number from %lld to %lld", flag, lo, hi);
    return n;
}

static void parse_seed_range(fuzz_opts *o, const char *v) {
    const char *dash = v != NULL ? strchr(v, '-') : NULL;
    long long lo, hi;
    if (dash == NULL || !rh_parse_ll(v, (size_t)(dash - v), &lo) ||
        !rh_parse_ll(dash + 1, strlen(dash + 1), &hi) || lo < 0 || hi < lo)
        rh_die("--seed-range takes A-B with 0 <= A <= B");
    o->seed_lo = (unsigned long long)lo;
    o->seed_hi = (unsigned long long)hi;
}

static void parse_fuzz_options(fuzz_opts *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    rh_gen_config_default(&o->gen);
    o->seed_lo = o->seed_hi = 1;
    o->commands = 100000;
    o->timeout = 2000;
    o->shrink_seconds = 60;
    o->jobs = 1;
    o->exclude = RH_FUZZ_DIR "/exclude";
    o->normalise = RH_FUZZ_DIR "/normalise";
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define STR(flag, field)                                \
    if (strcmp(f, flag) == 0) {                         \
        if (v == NULL) rh_die("%s needs a value", flag); \
        o->field = v;                                   \
        i++;                                            \
        continue;                                       \
    }
#define NUM(flag, field, lo, hi)            \
    if (strcmp(f, flag) == 0) {             \
        o->field = num(flag, v, lo, hi);    \
        i++;                                \
        continue;                           \
    }
        STR("--a", a)
        STR("--b", b)
        STR("--name-a", name_a)
        STR("--name-b", name_b)
        STR("--out", out)
        STR("--json", json)
        STR("--exclude", exclude)
        STR("--normalise", normalise)
        STR("--user", user)
        STR("--password", password)
        STR("--only", gen.only)
        NUM("--commands", commands, 1, 1000000000000LL)
        NUM("--seconds", seconds, 1, 100000000)
        NUM("--timeout", timeout, 1, 600000)
        NUM("--shrink-seconds", shrink_seconds, 1, 100000)
        NUM("-j", jobs, 1, 64)
        NUM("--max-diffs", max_diffs, 1, 1000000)
        NUM("--connections", gen.nconns, 1, RH_PROGRAM_CONNS)
        NUM("--bad-rate", gen.bad_permille, 0, 1000)
        NUM("--max-depth", gen.max_depth, 1, 10000)
#undef STR
#undef NUM
        if (strcmp(f, "--seed") == 0) {
            o->seed_lo = o->seed_hi = (unsigned long long)num(f, v, 0, 0x7fffffffffffffffLL);
            i++;
        } else if (strcmp(f, "--seed-range") == 0) {
            parse_seed_range(o, v);
            i++;
        } else if (strcmp(f, "--resp") == 0) {
            if (v == NULL || (strcmp(v, "2") && strcmp(v, "3") && strcmp(v, "mixed")))
                rh_die("--resp takes 2, 3 or mixed");
            o->gen.resp = strcmp(v, "mixed") == 0 ? 0 : atoi(v);
            i++;
        } else if (strcmp(f, "--allow-flush") == 0) {
            o->allow_flush = 1;
        } else if (strcmp(f, "--list-commands") == 0) {
            o->list_only = 1;
        } else if (strcmp(f, "-h") == 0 || strcmp(f, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else {
            rh_die("fuzz: unknown argument '%s' (see respect fuzz --help)", f);
        }
    }
    if (o->a == NULL || o->b == NULL) rh_die("fuzz needs --a and --b (see respect fuzz --help)");
    if (o->seconds > 0) o->commands = 0;
    if (o->seed_lo == o->seed_hi && o->jobs > 1) o->seed_hi = o->seed_lo + (unsigned)o->jobs - 1;
    /* Server-wide commands are deterministic only when one stream owns
     * both servers. */
    o->gen.owned = o->allow_flush && o->jobs == 1;
}

static void target_init(rh_target *t, const char *spec, const char *name, const fuzz_opts *o) {
    memset(t, 0, sizeof *t);
    rh_parse_address(spec, &t->host, &t->port);
    t->name = name != NULL ? name : spec;
    t->user = o->user;
    t->password = o->password;
    t->timeout_ms = o->timeout;
    t->settle_ms = 20;
    t->allow_flush = o->allow_flush;
}

/* ---- setup: both servers' command tables ---- */

static resp_value *ask(const rh_target *t, int argc, const char **argv) {
    char err[400];
    resp_value *v = rh_live_command(t, argc, argv, err, sizeof err);
    if (v == NULL) rh_die("%s", err);
    if (v->type == RESP_SIMPLE_ERROR || v->type == RESP_BULK_ERROR)
        rh_die("%s: %s %s: %s", t->name, argv[0], argc > 1 ? argv[1] : "", v->str);
    return v;
}

/* INFO server's run_id, or "" when the server gives none. */
static void run_id(const rh_target *t, char *out, size_t n) {
    const char *argv[] = {"INFO", "server"};
    resp_value *v = ask(t, 2, argv);
    const char *s = v->str != NULL ? strstr(v->str, "run_id:") : NULL;
    size_t len = s != NULL ? strcspn(s + 7, "\r\n") : 0;
    snprintf(out, n, "%.*s", (int)len, s != NULL ? s + 7 : "");
    resp_value_free(v, NULL);
}

/* Both addresses may lead to one server (a proxy in front of it): then
 * every command would run twice on the same keys. */
static void refuse_one_server(shared *sh) {
    char ida[64], idb[64];
    run_id(&sh->ta, ida, sizeof ida);
    run_id(&sh->tb, idb, sizeof idb);
    if (ida[0] != '\0' && strcmp(ida, idb) == 0)
        rh_die("--a and --b lead to the same server (run_id %s): fuzz compares two servers", ida);
}

static void load_tables(shared *sh) {
    const char *docs_argv[] = {"COMMAND", "DOCS"}, *info_argv[] = {"COMMAND", "INFO"};
    const char *all_argv[] = {"COMMAND"};
    resp_value *docs = ask(&sh->tb, 2, docs_argv);
    resp_value *info = ask(&sh->tb, 2, info_argv);
    resp_value *cmds_a = ask(&sh->ta, 1, all_argv);
    char err[400];
    if (rh_cmdtable_build(&sh->table, docs, info, err, sizeof err) != 0)
        rh_die("%s: %s", sh->tb.name, err);
    sh->names_a = rh_command_names(cmds_a, &sh->nnames_a);
    resp_value_free(docs, NULL);
    resp_value_free(info, NULL);
    resp_value_free(cmds_a, NULL);
    if (rh_rules_load(&sh->rules, sh->o->normalise, err, sizeof err) != 0) rh_die("%s", err);
    if (rh_exclusions_load(&sh->excl, sh->o->exclude, err, sizeof err) != 0) rh_die("%s", err);
    sh->per_cmd = calloc(sh->table.count + 1, sizeof *sh->per_cmd);
    if (sh->per_cmd == NULL) rh_die("out of memory");
}

static void list_commands(shared *sh, const rh_gen *g) {
    printf("generated (%zu):", g->ncmds);
    for (size_t i = 0; i < g->ncmds; i++) printf(" %s", g->cmds[i]->name);
    printf("\n");
    for (size_t i = 0; i < sh->excl.count; i++)
        printf("%s %s%s%s: %s\n", sh->excl.items[i].kind == RH_LISTED_OWNED ? "owned" : "excluded",
               sh->excl.items[i].cmd, sh->excl.items[i].arg != NULL ? " " : "",
               sh->excl.items[i].arg != NULL ? sh->excl.items[i].arg : "", sh->excl.items[i].why);
}

/* ---- one run ---- */

typedef struct run {
    shared *sh;
    unsigned long long seed;
    rh_gen gen;
    rh_live_config lcfg;
    unsigned segment, replays;
} run;

/* A run that owns both servers flushes them, so its namespace can be the
 * same every time; on shared servers a nonce keeps it apart from earlier
 * runs with the same seed. */
static void make_ns(const run *r, char *out, size_t n, unsigned replay) {
    if (r->sh->o->gen.owned)
        snprintf(out, n, "fz%llu_%u_%u:", r->seed, r->segment, replay);
    else
        snprintf(out, n, "fz%llu_%u_%u_%u:", r->seed, r->sh->nonce, r->segment, replay);
}

/* A server that cannot be reached ends the run (exit status 2). */
static void fail_run(run *r, const char *why) {
    pthread_mutex_lock(&r->sh->lock);
    if (!r->sh->error)
        snprintf(r->sh->errmsg, sizeof r->sh->errmsg, "%s%s", why,
                 r->sh->nfound > 0 ? " (after the differences above: did the server under test "
                                     "crash?)"
                                   : "");
    r->sh->error = 1;
    pthread_mutex_unlock(&r->sh->lock);
}

static int flush_both(run *r) {
    const char *argv[] = {"FLUSHALL"};
    char err[400];
    for (int s = 0; s < 2; s++) {
        resp_value *v = rh_live_command(s ? &r->sh->tb : &r->sh->ta, 1, argv, err, sizeof err);
        if (v == NULL) {
            fail_run(r, err);
            return -1;
        }
        resp_value_free(v, NULL);
    }
    return 0;
}

typedef struct replay_ctx {
    run *r;
    const char *signature;
} replay_ctx;

/* Plays p on fresh state (a new namespace; FLUSHALL when the run owns the
 * servers) and returns the first difference's signature in sig. */
static int replay(run *r, const rh_program *p, rh_live *keep_into, char *sig, size_t siglen) {
    char ns[64];
    make_ns(r, ns, sizeof ns, ++r->replays);
    if (r->sh->o->gen.owned) flush_both(r);
    rh_live l;
    rh_live *lp = keep_into != NULL ? keep_into : &l;
    rh_live_init(lp, &r->lcfg, ns);
    lp->keep = keep_into != NULL;
    rh_live_diff d;
    int rc = rh_live_run(lp, p, 0, p->count, &d);
    if (rc == 0) rc = rh_live_drain(lp, p, keep_into != NULL ? NULL : &d);
    sig[0] = '\0';
    if (rc < 0) fail_run(r, lp->error);
    if (rc == 1) {
        snprintf(sig, siglen, "%s", d.signature);
        rh_live_diff_clear(&d);
    }
    if (keep_into == NULL) rh_live_free(lp);
    return rc;
}

static int still_differs(const rh_program *p, void *ctx) {
    replay_ctx *c = ctx;
    char sig[200];
    if (replay(c->r, p, NULL, sig, sizeof sig) < 0) return 0;
    return strcmp(sig, c->signature) == 0;
}

/* ---- writing the case ---- */

static void slug(char *out, size_t n, const char *sig) {
    size_t k = 0;
    int dash = 0;
    for (const char *p = sig; *p && k + 2 < n && k < 48; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[k++] = c;
            dash = 0;
        } else if (c >= 'A' && c <= 'Z') {
            out[k++] = (char)(c - 'A' + 'a');
            dash = 0;
        } else if (!dash && k > 0) {
            out[k++] = '-';
            dash = 1;
        }
    }
    while (k > 0 && out[k - 1] == '-') k--;
    unsigned h = 2166136261u;
    for (const char *p = sig; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    snprintf(out + k, n - k, "-%06x", h & 0xffffff);
}

static const char *conn_name(int c) {
    static const char *const names[RH_PROGRAM_CONNS] = {"main", "c1", "c2", "c3",
                                                        "c4", "c5", "c6", "c7"};
    return names[c];
}

static int uses_owned(const run *r, const rh_program *p) {
    for (size_t i = 0; i < p->count; i++) {
        char name[64];
        rh_op_name(&p->ops[i], 1, name, sizeof name);
        const rh_listed *l = rh_exclusions_find(&r->sh->excl, name);
        rh_op_name(&p->ops[i], 0, name, sizeof name);
        if (l == NULL) l = rh_exclusions_find(&r->sh->excl, name);
        if (l != NULL && l->kind == RH_LISTED_OWNED) return 1;
    }
    return 0;
}

static void write_lines(resp_buf *out, const rh_live *l, size_t op, int conn) {
    for (size_t k = 0; k < l->nlines; k++) {
        if (l->lines[k].op != op || l->lines[k].conn != conn) continue;
        const char *t = l->lines[k].text;
        rh_bufprintf(out, "  %s%s\n", strcmp(t, "closed") == 0 ? "" : "< ", t);
    }
}

static void case_text(run *r, const rh_program *p, const rh_live *l, const finding *f,
                      const char *name, resp_buf *out) {
    int used[RH_PROGRAM_CONNS] = {0}, p2 = 0, p3 = 0;
    for (size_t i = 0; i < p->count; i++) used[p->ops[i].conn] = 1;
    for (int c = 0; c < RH_PROGRAM_CONNS; c++)
        if (used[c]) p2 |= p->protos[c] == 2, p3 |= p->protos[c] == 3;
    rh_bufprintf(out, "# Found by respect fuzz --seed %llu%s; shrunk from %zu to %zu operations.\n",
                 f->seed, r->gen.cfg.owned ? " --allow-flush" : "", f->ops_before, f->ops_after);
    rh_bufprintf(out, "case %s\n  desc: %s\n", name, f->signature);
    rh_bufprintf(out, "  tags: fuzz%s\n", uses_owned(r, p) ? " flush" : "");
    if (p2 && p3) rh_bufprintf(out, "  proto: 2\n  prelude: none\n");
    else rh_bufprintf(out, "  proto: %d\n", p3 ? 3 : 2);
    int cur = 0, hello[RH_PROGRAM_CONNS] = {0};
    for (size_t i = 0; i < p->count; i++) {
        const rh_op *op = &p->ops[i];
        if (op->conn != cur) rh_bufprintf(out, "  conn %s\n", conn_name(op->conn));
        cur = op->conn;
        if (p2 && p3 && p->protos[cur] == 3 && !hello[cur]) {
            /* The server's name, version and client id vary. */
            rh_bufprintf(out, "  > HELLO 3\n  < any\n");
            hello[cur] = 1;
        }
        if (op->chunk) rh_bufprintf(out, "  chunk %zu 0\n", op->chunk);
        resp_buf_append(out, "  ", 2);
        rh_op_case_step(op, out);
        resp_buf_append(out, "\n", 1);
        if (op->chunk) rh_bufprintf(out, "  chunk 0\n");
        write_lines(out, l, i, cur);
    }
    /* What the reference still sent at the end (messages to subscribers). */
    for (int c = 0; c < RH_PROGRAM_CONNS; c++) {
        int any = 0;
        for (size_t k = 0; k < l->nlines; k++)
            any |= l->lines[k].conn == c && l->lines[k].op == p->count && p->count > 0;
        if (!any) continue;
        if (c != cur) rh_bufprintf(out, "  conn %s\n", conn_name(c));
        cur = c;
        write_lines(out, l, p->count, c);
    }
}

/* Runs the shrunk case with the ordinary runner, as `respect run` would,
 * VERIFY_RUNS times: it must fail on the server under test and pass on
 * the reference every time.  A case that does not is timing-dependent
 * (the reference itself answers one way or the other). */
#define VERIFY_RUNS 3
static int verify_case(run *r, const char *name, const resp_buf *text) {
    rh_suite s = {0};
    char err[400];
    if (rh_suite_parse(&s, name, text->data, text->len, err, sizeof err) != 0) {
        fprintf(stderr, "respect fuzz: the written case does not load: %s\n", err);
        return 0;
    }
    int ok = s.count == 1;
    for (int run_no = 0; run_no < VERIFY_RUNS && ok; run_no++) {
        int proto = (s.cases[0].protos & RH_PROTO_3) ? 3 : 2;
        /* Each run in a namespace of its own: keys a run left must not
         * change the next one's replies. */
        pthread_mutex_lock(&r->sh->lock);
        size_t index = r->sh->verify_runs;
        r->sh->verify_runs += 2;
        pthread_mutex_unlock(&r->sh->lock);
        rh_outcome oa, ob;
        rh_run_case(&s.cases[0], proto, &r->sh->ta, RH_MODE_RUN, r->sh->nonce, index, &oa);
        rh_run_case(&s.cases[0], proto, &r->sh->tb, RH_MODE_RUN, r->sh->nonce, index + 1, &ob);
        ok = oa.status == RH_FAIL && ob.status == RH_PASS;
        rh_outcome_free(&oa);
        rh_outcome_free(&ob);
    }
    rh_suite_free(&s);
    return ok;
}

/* ---- differences ---- */

static finding *record_finding(run *r, const rh_live_diff *d, int *is_new) {
    shared *sh = r->sh;
    pthread_mutex_lock(&sh->lock);
    sh->total_diffs++;
    finding *f = NULL;
    for (size_t i = 0; i < sh->nfound && f == NULL; i++)
        if (strcmp(sh->found[i].signature, d->signature) == 0) f = &sh->found[i];
    *is_new = f == NULL;
    if (f == NULL) {
        sh->found = realloc(sh->found, (sh->nfound + 1) * sizeof *sh->found);
        if (sh->found == NULL) rh_die("out of memory");
        f = &sh->found[sh->nfound++];
        memset(f, 0, sizeof *f);
        snprintf(f->signature, sizeof f->signature, "%s", d->signature);
        f->seed = r->seed;
        f->a_text = rh_strdup(d->a_text);
        f->b_text = rh_strdup(d->b_text);
    }
    f->count++;
    size_t index = (size_t)(f - sh->found);
    pthread_mutex_unlock(&sh->lock);
    return &sh->found[index];
}

static void handle_difference(run *r, rh_program *seg, const rh_live_diff *d) {
    int is_new;
    record_finding(r, d, &is_new);
    if (!is_new) return;
    finding local;
    memset(&local, 0, sizeof local);
    snprintf(local.signature, sizeof local.signature, "%s", d->signature);
    local.seed = r->seed;
    /* The operations up to the differing one, on fresh state. */
    unsigned char *keep = calloc(seg->count + 1, 1);
    if (keep == NULL) rh_die("out of memory");
    for (size_t i = 0; i <= d->op && i < seg->count; i++) keep[i] = 1;
    rh_program p;
    rh_program_copy(&p, seg, keep);
    free(keep);
    if (p.count > 0) p.ops[p.count - 1].batch_end = 1;
    replay_ctx ctx = {r, local.signature};
    local.ops_before = p.count;
    local.confirmed = still_differs(&p, &ctx);
    if (local.confirmed) {
        rh_shrink_stats st;
        rh_shrink(&p, still_differs, &ctx, r->sh->o->shrink_seconds * 1000, &st);
        local.ops_after = st.ops_after;
        local.tests = st.tests + 1;
        local.shrink_ms = st.ms;
        char name[80], sig[200];
        slug(name, sizeof name, local.signature);
        rh_live l;
        replay(r, &p, &l, sig, sizeof sig);
        resp_buf text;
        resp_buf_init(&text, NULL);
        case_text(r, &p, &l, &local, name, &text);
        rh_live_free(&l);
        local.case_text = rh_strndup(text.data, text.len);
        local.verified = verify_case(r, name, &text);
        if (r->sh->o->out != NULL) {
            char path[1200];
            snprintf(path, sizeof path, "%s/%s.case", r->sh->o->out, name);
            FILE *fp = fopen(path, "w");
            if (fp != NULL) {
                fwrite(text.data, 1, text.len, fp);
                fclose(fp);
                local.case_path = rh_strdup(path);
            } else {
                fprintf(stderr, "respect fuzz: %s: %s\n", path, strerror(errno));
            }
        }
        resp_buf_free(&text);
    }
    rh_program_free(&p);
    pthread_mutex_lock(&r->sh->lock);
    for (size_t i = 0; i < r->sh->nfound; i++) {
        finding *f = &r->sh->found[i];
        if (strcmp(f->signature, local.signature) != 0) continue;
        f->confirmed = local.confirmed;
        f->verified = local.verified;
        f->ops_before = local.ops_before;
        f->ops_after = local.ops_after;
        f->tests = local.tests;
        f->shrink_ms = local.shrink_ms;
        f->case_path = local.case_path;
        f->case_text = local.case_text;
    }
    pthread_mutex_unlock(&r->sh->lock);
}

/* ---- the loop ---- */

static int budget_left(shared *sh, unsigned long long mine, long long start) {
    const fuzz_opts *o = sh->o;
    if (o->max_diffs > 0) {
        pthread_mutex_lock(&sh->lock);
        int enough = sh->nfound >= (size_t)o->max_diffs;
        pthread_mutex_unlock(&sh->lock);
        if (enough) return 0;
    }
    if (o->seconds > 0) return rh_now_ms() - start < o->seconds * 1000;
    return mine < (unsigned long long)o->commands;
}

static void count_ops(run *r, const rh_program *p, size_t from) {
    shared *sh = r->sh;
    pthread_mutex_lock(&sh->lock);
    for (size_t i = from; i < p->count; i++) {
        char name[64];
        rh_op_name(&p->ops[i], 1, name, sizeof name);
        const rh_cmd *c = rh_cmdtable_find(&sh->table, name);
        if (c == NULL) {
            rh_op_name(&p->ops[i], 0, name, sizeof name);
            c = rh_cmdtable_find(&sh->table, name);
        }
        if (c != NULL) sh->per_cmd[c - sh->table.cmds]++;
        sh->commands++;
    }
    pthread_mutex_unlock(&sh->lock);
}

static void progress(shared *sh) {
    if (!sh->progress) return;
    double s = (double)(rh_now_ms() - sh->start_ms) / 1000.0;
    fprintf(stderr, "\r%llu commands, %.0f/s, differences: %zu distinct, %zu in all ",
            sh->commands, s > 0 ? (double)sh->commands / s : 0.0, sh->nfound, sh->total_diffs);
}

static int run_seed(shared *sh, unsigned long long seed) {
    run r;
    memset(&r, 0, sizeof r);
    r.sh = sh;
    r.seed = seed;
    r.lcfg = (rh_live_config){&sh->ta, &sh->tb, &sh->rules, &sh->table, 20, 2, 500};
    char err[400];
    if (rh_gen_init(&r.gen, &sh->table, (const char *const *)sh->names_a, sh->nnames_a, &sh->excl, &sh->o->gen, seed,
                    NULL, err, sizeof err) != 0)
        rh_die("%s", err);
    rh_program seg;
    rh_program_init(&seg);
    rh_gen_protocols(&r.gen, &seg);
    unsigned long long mine = 0;
    long long last_progress = 0, start = rh_now_ms();
    int rc = 0;
    while (rc == 0 && budget_left(sh, mine, start)) {
        char ns[64];
        make_ns(&r, ns, sizeof ns, 0);
        if (sh->o->gen.owned && flush_both(&r) != 0) {
            rc = -1;
            break;
        }
        rh_live l;
        rh_live_init(&l, &r.lcfg, ns);
        rh_program_clear(&seg);
        rh_live_diff d;
        int lr = 0;
        while (lr == 0 && seg.count < SEGMENT_OPS && budget_left(sh, mine, start)) {
            size_t from = seg.count;
            rh_gen_batch(&r.gen, &seg);
            lr = rh_live_run(&l, &seg, from, seg.count, &d);
            mine += seg.count - from;
            count_ops(&r, &seg, from);
            if (rh_now_ms() - last_progress > 250) {
                progress(sh);
                last_progress = rh_now_ms();
            }
        }
        if (lr == 0) lr = rh_live_drain(&l, &seg, &d);
        if (lr < 0) {
            fail_run(&r, l.error);
            rc = -1;
        }
        pthread_mutex_lock(&sh->lock);
        sh->timeouts += l.timeouts;
        sh->surplus += l.surplus;
        sh->settles += l.settles;
        pthread_mutex_unlock(&sh->lock);
        rh_live_free(&l);
        if (lr == 1) {
            handle_difference(&r, &seg, &d);
            rh_live_diff_clear(&d);
            if (sh->error) rc = -1;
        }
        r.segment++;
    }
    rh_program_free(&seg);
    rh_gen_free(&r.gen);
    return rc;
}

static void *worker(void *arg) {
    shared *sh = arg;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        unsigned long long seed = sh->next_seed++;
        int stop = seed > sh->o->seed_hi || sh->error;
        pthread_mutex_unlock(&sh->lock);
        if (stop || run_seed(sh, seed) != 0) return NULL;
    }
}

/* ---- the summary ---- */

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static int write_json(const shared *sh, double secs) {
    FILE *f = fopen(sh->o->json, "w");
    if (f == NULL) {
        fprintf(stderr, "respect fuzz: %s: %s\n", sh->o->json, strerror(errno));
        return -1;
    }
    fprintf(f, "{\"seeds\":[%llu,%llu],\"commands\":%llu,\"seconds\":%.3f,\"per_second\":%.0f,",
            sh->o->seed_lo, sh->o->seed_hi, sh->commands, secs,
            secs > 0 ? (double)sh->commands / secs : 0.0);
    fprintf(f, "\"differences_total\":%zu,\"differences\":[", sh->total_diffs);
    for (size_t i = 0; i < sh->nfound; i++) {
        const finding *d = &sh->found[i];
        fprintf(f, "%s{\"signature\":", i ? "," : "");
        json_string(f, d->signature);
        fprintf(f, ",\"seed\":%llu,\"count\":%zu,\"confirmed\":%s,\"verified\":%s,"
                   "\"ops_before\":%zu,\"ops_after\":%zu,\"replays\":%zu,\"shrink_ms\":%lld,\"a\":",
                d->seed, d->count, d->confirmed ? "true" : "false", d->verified ? "true" : "false",
                d->ops_before, d->ops_after, d->tests, d->shrink_ms);
        json_string(f, d->a_text);
        fprintf(f, ",\"b\":");
        json_string(f, d->b_text);
        fprintf(f, ",\"case\":");
        if (d->case_path) json_string(f, d->case_path);
        else fprintf(f, "null");
        fprintf(f, "}");
    }
    fprintf(f, "],\"per_command\":{");
    int first = 1;
    for (size_t i = 0; i < sh->table.count; i++) {
        if (sh->per_cmd[i] == 0) continue;
        fprintf(f, "%s", first ? "" : ",");
        json_string(f, sh->table.cmds[i].name);
        fprintf(f, ":%llu", sh->per_cmd[i]);
        first = 0;
    }
    fprintf(f, "}}\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* A difference counts (exit status 1) when its shrunk case fails on the
 * server under test and passes on the reference, every time it is run. */
static int counts(const finding *d) {
    return d->confirmed && d->verified;
}

/* A reply in the summary: its first bytes; the JSON file has it whole. */
static void print_reply(const char *server, const char *text) {
    enum { SHOWN = 400 };
    size_t len = strlen(text);
    if (len <= SHOWN) printf("    %s: %s\n", server, text);
    else printf("    %s: %.*s ... (%zu bytes in all)\n", server, (int)SHOWN, text, len);
}

static void summary(const shared *sh, double secs) {
    const fuzz_opts *o = sh->o;
    printf("respect fuzz: seeds %llu-%llu, %llu commands in %.1f s (%.0f commands/s), "
           "%zu connections, RESP %s\n",
           o->seed_lo, o->seed_hi, sh->commands, secs,
           secs > 0 ? (double)sh->commands / secs : 0.0, o->gen.nconns,
           o->gen.resp == 0 ? "mixed" : o->gen.resp == 2 ? "2" : "3");
    printf("model: the reference sent fewer replies than expected %llu times, more %llu times "
           "(each time both connections started afresh); %llu batches owed no reply and "
           "waited\n",
           sh->timeouts, sh->surplus, sh->settles);
    size_t counted = 0;
    for (size_t i = 0; i < sh->nfound; i++) counted += counts(&sh->found[i]);
    printf("differences: %zu distinct (%zu reproduced by their shrunk case), %zu in all\n",
           sh->nfound, counted, sh->total_diffs);
    for (size_t i = 0; i < sh->nfound; i++) {
        const finding *d = &sh->found[i];
        printf("\n[%zu] %s  (%zu times, seed %llu)\n", i + 1, d->signature, d->count, d->seed);
        print_reply(sh->ta.name, d->a_text);
        print_reply(sh->tb.name, d->b_text);
        if (!d->confirmed) {
            printf("    not reproduced on fresh state (timing or state outside the run): "
                   "reported, not counted\n");
            continue;
        }
        printf("    shrunk from %zu to %zu operations in %.1f s (%zu replays)\n", d->ops_before,
               d->ops_after, (double)d->shrink_ms / 1000.0, d->tests);
        if (d->verified)
            printf("    the shrunk case fails on the server under test, passes on the reference "
                   "(%d runs of each)\n", VERIFY_RUNS);
        else
            printf("    the shrunk case does not fail on the server under test and pass on the "
                   "reference in each of %d runs (timing): reported, not counted\n",
                   VERIFY_RUNS);
        if (d->case_path != NULL) printf("    case: %s\n", d->case_path);
        else if (d->case_text != NULL) printf("%s", d->case_text);
    }
    printf("\nper command:");
    for (size_t i = 0; i < sh->table.count; i++)
        if (sh->per_cmd[i] > 0) printf(" %s=%llu", sh->table.cmds[i].name, sh->per_cmd[i]);
    printf("\n");
}

static void shared_free(shared *sh) {
    rh_cmdtable_free(&sh->table);
    rh_rules_free(&sh->rules);
    rh_exclusions_free(&sh->excl);
    rh_names_free(sh->names_a, sh->nnames_a);
    for (size_t i = 0; i < sh->nfound; i++) {
        free(sh->found[i].a_text);
        free(sh->found[i].b_text);
        free(sh->found[i].case_path);
        free(sh->found[i].case_text);
    }
    free(sh->found);
    free(sh->per_cmd);
    free(sh->ta.host);
    free(sh->ta.port);
    free(sh->tb.host);
    free(sh->tb.port);
    pthread_mutex_destroy(&sh->lock);
}

int rh_fuzz_main(int argc, char **argv) {
    fuzz_opts o;
    parse_fuzz_options(&o, argc, argv);
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.o = &o;
    pthread_mutex_init(&sh.lock, NULL);
    target_init(&sh.ta, o.a, o.name_a, &o);
    target_init(&sh.tb, o.b, o.name_b, &o);
    refuse_one_server(&sh);
    load_tables(&sh);
    if (o.out != NULL) mkdir(o.out, 0777);

    rh_gen g;
    resp_buf notes;
    resp_buf_init(&notes, NULL);
    char err[400];
    if (rh_gen_init(&g, &sh.table, (const char *const *)sh.names_a, sh.nnames_a, &sh.excl, &o.gen, o.seed_lo, &notes,
                    err, sizeof err) != 0)
        rh_die("%s", err);
    if (o.list_only) {
        list_commands(&sh, &g);
        printf("missing (%zu, only the reference lists them):%.*s\n", g.missing, (int)notes.len,
               notes.data);
        resp_buf_free(&notes);
        rh_gen_free(&g);
        shared_free(&sh);
        return 0;
    }
    if (g.missing > 0)
        fprintf(stderr,
                "respect fuzz: %zu commands only %s lists are not fuzzed "
                "(--list-commands names them)\n",
                g.missing, sh.tb.name);
    resp_buf_free(&notes);
    rh_gen_free(&g);

    sh.progress = isatty(STDERR_FILENO);
    sh.next_seed = o.seed_lo;
    sh.nonce = (unsigned)((unsigned)getpid() * 7919u + (unsigned)time(NULL)) % 1000000u;
    sh.start_ms = rh_now_ms();
    int jobs = o.jobs;
    pthread_t th[64];
    for (int i = 0; i < jobs; i++)
        if (pthread_create(&th[i], NULL, worker, &sh) != 0) rh_die("pthread_create failed");
    for (int i = 0; i < jobs; i++) pthread_join(th[i], NULL);
    double secs = (double)(rh_now_ms() - sh.start_ms) / 1000.0;
    if (sh.progress) fputs("\r\033[K", stderr);
    summary(&sh, secs);
    int rc = 0;
    for (size_t i = 0; i < sh.nfound; i++)
        if (counts(&sh.found[i])) rc = 1;
    if (o.json != NULL && write_json(&sh, secs) != 0) rc = 2;
    if (sh.error) {
        fprintf(stderr, "respect fuzz: %s\n", sh.errmsg);
        rc = 2;
    }
    shared_free(&sh);
    return rc;
}
