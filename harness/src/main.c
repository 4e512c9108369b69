/* harness/src/main.c - the respect command line: selects the runs, runs
 * them, and reports. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "cli.h"
#include "fuzz.h"
#include "pool.h"
#include "record.h"
#include "report.h"
#include "runner.h"
#include "table.h"
#include "util.h"

static int in_list(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0) return 1;
        p += len + (end != NULL);
    }
    return 0;
}

static int any_tag(const rh_case *c, const char *list) {
    if (in_list(list, c->family) || in_list(list, c->name)) return 1;
    for (size_t i = 0; i < c->ntags; i++)
        if (in_list(list, c->tags[i])) return 1;
    return 0;
}

/* "family/case [2|3]  # reason" lines. */
typedef struct skip_entry {
    char *id;
    int proto;
    char *reason;
} skip_entry;

static skip_entry *load_skips(const char *path, size_t *n) {
    *n = 0;
    if (path == NULL) return NULL;
    size_t len;
    char *text = rh_read_file(path, &len);
    if (text == NULL) rh_die("%s: %s", path, strerror(errno));
    skip_entry *e = NULL;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char *hash = strchr(ln, '#');
        const char *reason = hash ? hash + 1 : "listed in the skip file";
        if (hash) *hash = '\0';
        char *s2 = NULL;
        char *id = strtok_r(ln, " \t", &s2);
        if (id == NULL) continue;
        char *proto = strtok_r(NULL, " \t", &s2);
        e = realloc(e, (*n + 1) * sizeof *e);
        if (e == NULL) rh_die("out of memory");
        while (*reason == ' ') reason++;
        e[*n] = (skip_entry){rh_strdup(id), proto ? atoi(proto) : 0, rh_strdup(reason)};
        (*n)++;
    }
    free(text);
    return e;
}


static void list_families(const rh_suite *s) {
    const char *fam = NULL;
    size_t in_family = 0, runs = 0;
    for (size_t i = 0; i <= s->count; i++) {
        if (i == s->count || (fam != NULL && strcmp(fam, s->cases[i].family) != 0)) {
            if (fam != NULL) printf("%-16s %4zu cases\n", fam, in_family);
            in_family = 0;
        }
        if (i == s->count) break;
        fam = s->cases[i].family;
        in_family++;
        runs += (s->cases[i].protos & RH_PROTO_2) != 0;
        runs += (s->cases[i].protos & RH_PROTO_3) != 0;
    }
    printf("%-16s %4zu cases, %zu runs (case x protocol)\n", "total", s->count, runs);
}

static void free_skips(skip_entry *e, size_t n) {
    for (size_t k = 0; k < n; k++) {
        free(e[k].id);
        free(e[k].reason);
    }
    free(e);
}

static void load_suite(const rh_options *o, rh_suite *suite) {
    char err[600];
    for (size_t i = 0; i < o->npaths; i++)
        if (rh_suite_load(suite, o->paths[i], err, sizeof err) != 0) rh_die("%s", err);
}

static int cmd_list(const rh_options *o) {
    rh_suite suite = {0};
    load_suite(o, &suite);
    list_families(&suite);
    rh_suite_free(&suite);
    return RH_EXIT_OK;
}

static void setup_target(rh_target *t, const char *spec, const char *name, const rh_options *o) {
    rh_parse_address(spec, &t->host, &t->port);
    char address[300];
    snprintf(address, sizeof address, strchr(t->host, ':') ? "[%s]:%s" : "%s:%s", t->host,
             t->port);
    t->address = rh_strdup(address);
    t->name = name != NULL ? name : t->address;
    t->user = o->user;
    t->password = o->password;
    t->server_args = o->server_args;
    t->timeout_ms = o->timeout;
    t->settle_ms = o->settle;
    t->record_wait_ms = 300;
    t->allow_flush = o->allow_flush;
}

static void free_target(rh_target *t) {
    free(t->host);
    free(t->port);
    free(t->address);
}

/* Before any case runs: a server that cannot be reached, or does not
 * answer, is one line and exit status 2. */
static void require_answer(const rh_target *t) {
    char err[300];
    if (rh_conn_ping(t->host, t->port, t->timeout_ms, err, sizeof err) != 0) rh_die("%s", err);
}

/* Cases for other server settings are not run here; one note says so. */
static void note_other_settings(resp_buf *other, size_t *nother, const rh_case *c) {
    char quoted[600];
    snprintf(quoted, sizeof quoted, "'%s'", c->server_args);
    size_t ql = strlen(quoted);
    int known = 0;
    for (size_t k = 0; k + ql <= other->len && !known; k++)
        known = memcmp(other->data + k, quoted, ql) == 0;
    if (!known) rh_bufprintf(other, "%s%s", other->len ? ", " : "", quoted);
    (*nother)++;
}

static const char *listed_reason(const skip_entry *skips, size_t nskips, const rh_case *c,
                                 int proto) {
    char id[512];
    snprintf(id, sizeof id, "%s/%s", c->family, c->name);
    const char *why = NULL;
    for (size_t k = 0; k < nskips; k++)
        if (strcmp(skips[k].id, id) == 0 && (skips[k].proto == 0 || skips[k].proto == proto))
            why = skips[k].reason;
    return why;
}

static void warn_unmatched_skips(const skip_entry *skips, size_t nskips, const rh_suite *suite) {
    for (size_t k = 0; k < nskips; k++) {
        int hit = 0;
        for (size_t i = 0; i < suite->count && !hit; i++) {
            char id[512];
            snprintf(id, sizeof id, "%s/%s", suite->cases[i].family, suite->cases[i].name);
            hit = strcmp(id, skips[k].id) == 0;
        }
        if (!hit)
            fprintf(stderr, "respect: NOTE: skip-file entry '%s' matches no case\n", skips[k].id);
    }
}

/* The runs (case x protocol) the filters select, into jobs (room for
 * two per case); returns how many. */
static size_t select_runs(const rh_options *o, const rh_suite *suite, const rh_target *t,
                          const skip_entry *skips, size_t nskips, rh_job *jobs) {
    resp_buf other;
    resp_buf_init(&other, NULL);
    size_t n = 0, nother = 0;
    for (size_t i = 0; i < suite->count; i++) {
        const rh_case *c = &suite->cases[i];
        if (o->tags != NULL && !any_tag(c, o->tags)) continue;
        if (o->exclude_tags != NULL && any_tag(c, o->exclude_tags)) continue;
        const char *why = rh_case_skip_reason(c, (c->protos & RH_PROTO_2) ? 2 : 3, t);
        if (why != NULL && strncmp(why, "needs a server", 14) == 0) {
            note_other_settings(&other, &nother, c);
            continue;
        }
        int serial = rh_case_has_tag(c, "serial") || rh_case_has_tag(c, "flush");
        for (int proto = 2; proto <= 3; proto++) {
            if (!(c->protos & (proto == 2 ? RH_PROTO_2 : RH_PROTO_3))) continue;
            if (o->resp != 0 && o->resp != proto) continue;
            jobs[n++] = (rh_job){c, proto, serial, listed_reason(skips, nskips, c, proto)};
        }
    }
    warn_unmatched_skips(skips, nskips, suite);
    if (nother > 0)
        fprintf(stderr,
                "respect: NOTE: %zu cases need a server started with other settings and are "
                "not run here (%.*s); run them against such a server with --server-args\n",
                nother, (int)other.len, other.data);
    resp_buf_free(&other);
    return n;
}

static int failed(const rh_outcome *o) {
    return o->status == RH_FAIL || o->status == RH_ERROR;
}

/* record: one rewrite per file, with every recorded outcome of its cases. */
static int write_records(const rh_pool *p) {
    int rc = RH_EXIT_OK;
    rh_outcome **list = calloc(p->n + 1, sizeof *list);
    if (list == NULL) rh_die("out of memory");
    for (size_t i = 0; i < p->n; i++) {
        if (failed(&p->out[i])) rc = RH_EXIT_FAILED;
        const char *file = p->out[i].c->file;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++) seen = strcmp(p->out[k].c->file, file) == 0;
        if (seen) continue;
        size_t m = 0;
        for (size_t k = i; k < p->n; k++)
            if (p->out[k].status == RH_PASS && strcmp(p->out[k].c->file, file) == 0)
                list[m++] = &p->out[k];
        if (m == 0) continue;
        int changed = rh_record_write(file, list, m);
        if (changed < 0) rc = RH_EXIT_FAILED;
        else if (changed > 0) printf("recorded %s\n", file);
    }
    free(list);
    for (size_t i = 0; i < p->n; i++)
        if (failed(&p->out[i]))
            fprintf(stderr, "not recorded: %s/%s [RESP%d]\n%.*s", p->out[i].c->family,
                    p->out[i].c->name, p->out[i].proto, (int)p->out[i].message.len,
                    p->out[i].message.data);
    return rc;
}

static int write_reports(const rh_options *o, const rh_pool *p, const rh_results *res) {
    int rc = RH_EXIT_OK;
    rh_report_console(stdout, res, o->verbose);
    if (o->json != NULL && rh_report_json(o->json, res) != 0) rc = RH_EXIT_USAGE;
    if (o->junit != NULL && rh_report_junit(o->junit, res) != 0) rc = RH_EXIT_USAGE;
    for (size_t i = 0; i < p->n && rc == RH_EXIT_OK; i++)
        if (failed(&p->out[i])) rc = RH_EXIT_FAILED;
    return rc;
}

/* The last line when a server stopped answering mid-run. */
static void report_stop(const rh_pool *p) {
    const rh_outcome *at = &p->out[p->stopped_at];
    size_t left = 0;
    for (size_t i = 0; i < p->n; i++) left += p->out[i].status == RH_NOT_RUN;
    fprintf(stderr, "respect: stopped at %s/%s [RESP%d]: %s; %zu runs not run\n", at->c->family,
            at->c->name, at->proto, p->why, left);
}

static int run_selected(const rh_options *o, rh_pool *p) {
    p->nonce = (unsigned)((unsigned)getpid() * 7919u + (unsigned)time(NULL)) % 100000u;
    p->progress = isatty(STDERR_FILENO);
    rh_pool_run(p, (int)o->jobs);
    char stop_text[900] = "";
    if (p->stopped) {
        const rh_outcome *at = &p->out[p->stopped_at];
        snprintf(stop_text, sizeof stop_text, "stopped at %s/%s [RESP%d]: %s", at->c->family,
                 at->c->name, at->proto, p->why);
    }
    char diff_name[700];
    snprintf(diff_name, sizeof diff_name, "%s vs %s", p->ta->name, p->tb ? p->tb->name : "");
    rh_results res = {.server = p->mode == RH_POOL_DIFF ? diff_name : p->ta->name,
                      .address = p->ta->address,
                      .mode = rh_command_name(o->cmd),
                      .stopped = p->stopped ? stop_text : NULL,
                      .items = p->out,
                      .count = p->n};
    int rc = p->mode == RH_POOL_RECORD ? write_records(p) : write_reports(o, p, &res);
    if (p->stopped != RH_STOP_NONE) report_stop(p);
    if (p->stopped == RH_STOP_SERVER) rc = RH_EXIT_USAGE;
    return rc;
}

static rh_pool_mode pool_mode(rh_command c) {
    switch (c) {
    case RH_CMD_DIFF: return RH_POOL_DIFF;
    case RH_CMD_RECORD: return RH_POOL_RECORD;
    case RH_CMD_RUN:
    case RH_CMD_TABLE:
    case RH_CMD_LIST:
    case RH_CMD_FUZZ:
    case RH_CMD_COUNT: break;
    }
    return RH_POOL_RUN;
}

/* run, diff and record. */
static int cmd_cases(const rh_options *o) {
    rh_pool p = {.mode = pool_mode(o->cmd)};
    int two = p.mode == RH_POOL_DIFF;
    rh_target ta = {0}, tb = {0};
    setup_target(&ta, two ? o->a : o->server, two ? o->name_a : o->name, o);
    if (two) setup_target(&tb, o->b, o->name_b, o);
    require_answer(&ta);
    if (two) require_answer(&tb);
    p.ta = &ta;
    p.tb = two ? &tb : NULL;
    p.fail_fast = o->fail_fast;

    rh_suite suite = {0};
    load_suite(o, &suite);
    size_t nskips;
    skip_entry *skips = load_skips(o->skip_file, &nskips);
    rh_job *jobs = calloc(suite.count * 2 + 1, sizeof *jobs);
    if (jobs == NULL) rh_die("out of memory");
    p.n = select_runs(o, &suite, &ta, skips, nskips, jobs);
    if (p.n == 0) rh_die("no case matches the filters");
    p.jobs = jobs;
    p.out = calloc(p.n, sizeof *p.out);
    if (p.out == NULL) rh_die("out of memory");
    int rc = run_selected(o, &p);

    for (size_t i = 0; i < p.n; i++) rh_outcome_free(&p.out[i]);
    free(p.out);
    free(jobs);
    free_skips(skips, nskips);
    rh_suite_free(&suite);
    free_target(&ta);
    free_target(&tb);
    return rc;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "fuzz") == 0) return rh_fuzz_main(argc - 1, argv + 1);
    rh_options o;
    rh_parse_options(&o, argc, argv);
    int rc = RH_EXIT_OK;
    switch (o.cmd) {
    case RH_CMD_TABLE:
        rc = rh_report_table(stdout, o.html, o.paths, o.npaths) == 0 ? RH_EXIT_OK : RH_EXIT_USAGE;
        break;
    case RH_CMD_LIST: rc = cmd_list(&o); break;
    case RH_CMD_RUN:
    case RH_CMD_DIFF:
    case RH_CMD_RECORD: rc = cmd_cases(&o); break;
    case RH_CMD_FUZZ:
    case RH_CMD_COUNT: break; /* fuzz is dispatched above */
    }
    rh_options_free(&o);
    return rc;
}
