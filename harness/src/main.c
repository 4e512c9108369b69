/* harness/src/main.c - the respect command line. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "diff.h"
#include "fuzz.h"
#include "record.h"
#include "report.h"
#include "runner.h"
#include "util.h"

static const char usage[] =
    "usage: respect run    --server HOST:PORT [options] CASES...\n"
    "       respect diff   --a HOST:PORT --b HOST:PORT [options] CASES...\n"
    "       respect record --server HOST:PORT [options] CASES...\n"
    "       respect table  [--html] RESULTS.json...\n"
    "       respect list   CASES...\n"
    "\n"
    "CASES are .case files or folders of them (a folder per command family).\n"
    "HOST:PORT may be @FILE: the address is read from FILE (\"PORT\" or \"HOST:PORT\").\n"
    "\n"
    "options:\n"
    "  --resp 2|3            run each case under this protocol only (default: all it declares)\n"
    "  --tags T1,T2          only cases with one of these tags (a family name is a tag)\n"
    "  --exclude-tags T1,T2  leave out cases with one of these tags\n"
    "  --skip-file F         leave out the cases listed in F (\"family/case  # reason\")\n"
    "  --server-args ARGS    the settings the server was started with (default none);\n"
    "                        only the cases that declare exactly these settings run\n"
    "  --user U --password P authenticate every connection (HELLO 3 AUTH, or AUTH)\n"
    "  --timeout MS          wait for each reply (default 2000)\n"
    "  --settle MS           at the end of a case, wait for stray replies (default 20)\n"
    "  --allow-flush         run the cases that flush the server (never on a shared one)\n"
    "  -j N                  cases in parallel (default 4; 'serial' cases run alone)\n"
    "  --name NAME           the server's name in reports (default: its address)\n"
    "  --name-a, --name-b    the same, for diff\n"
    "  --json F, --junit F   write results as JSON / JUnit XML\n"
    "  -v                    list every case, not only the failures\n";

typedef struct options {
    const char *cmd;
    const char *server, *a, *b;
    const char *name, *name_a, *name_b;
    int resp;
    const char *tags, *exclude_tags, *skip_file;
    const char *server_args;
    const char *user, *password;
    long long timeout, settle;
    int allow_flush;
    int jobs;
    const char *json, *junit;
    int verbose, html;
    char **paths;
    size_t npaths;
} options;

static long long number_arg(const char *flag, const char *v, long long lo, long long hi) {
    long long n;
    if (v == NULL || !rh_parse_ll(v, strlen(v), &n) || n < lo || n > hi)
        rh_die("%s takes a number from %lld to %lld", flag, lo, hi);
    return n;
}

static void parse_options(options *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->timeout = 2000;
    o->settle = 20;
    o->jobs = 4;
    o->server_args = "";
    if (argc < 2) {
        fputs(usage, stderr);
        exit(2);
    }
    o->cmd = argv[1];
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    if (o->paths == NULL) rh_die("out of memory");
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(flag, field)                                                       \
    if (strcmp(a, flag) == 0) {                                                 \
        if (v == NULL) rh_die("%s needs a value", flag);                        \
        o->field = v;                                                           \
        i++;                                                                    \
        continue;                                                               \
    }
        TAKE("--server", server)
        TAKE("--a", a)
        TAKE("--b", b)
        TAKE("--name", name)
        TAKE("--name-a", name_a)
        TAKE("--name-b", name_b)
        TAKE("--tags", tags)
        TAKE("--exclude-tags", exclude_tags)
        TAKE("--skip-file", skip_file)
        TAKE("--server-args", server_args)
        TAKE("--user", user)
        TAKE("--password", password)
        TAKE("--json", json)
        TAKE("--junit", junit)
#undef TAKE
        if (strcmp(a, "--resp") == 0) {
            o->resp = (int)number_arg(a, v, 2, 3);
            i++;
        } else if (strcmp(a, "--timeout") == 0) {
            o->timeout = number_arg(a, v, 1, 600000);
            i++;
        } else if (strcmp(a, "--settle") == 0) {
            o->settle = number_arg(a, v, 0, 60000);
            i++;
        } else if (strcmp(a, "-j") == 0) {
            o->jobs = (int)number_arg(a, v, 1, 256);
            i++;
        } else if (strcmp(a, "--allow-flush") == 0) {
            o->allow_flush = 1;
        } else if (strcmp(a, "--html") == 0) {
            o->html = 1;
        } else if (strcmp(a, "-v") == 0) {
            o->verbose = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (a[0] == '-') {
            rh_die("unknown option %s (see respect --help)", a);
        } else {
            o->paths[o->npaths++] = argv[i];
        }
    }
    if (o->npaths == 0) rh_die("no case files or result files given");
}

static void parse_address(const char *spec, rh_target *t) {
    rh_parse_address(spec, &t->host, &t->port);
}

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

typedef struct job {
    const rh_case *c;
    int proto;
    int serial;
    const char *skip_reason;
} job;

typedef struct pool {
    const options *o;
    const rh_target *ta, *tb;
    job *jobs;
    rh_outcome *out;
    size_t n;
    atomic_size_t next;
    atomic_size_t done, failed;
    unsigned nonce;
    int progress;
} pool;

static void run_job(pool *p, size_t i) {
    job *j = &p->jobs[i];
    rh_outcome *o = &p->out[i];
    if (j->skip_reason != NULL) {
        memset(o, 0, sizeof *o);
        o->c = j->c;
        o->proto = j->proto;
        o->status = RH_SKIP;
        resp_buf_init(&o->message, NULL);
        resp_buf_append(&o->message, j->skip_reason, strlen(j->skip_reason));
        return;
    }
    const char *cmd = p->o->cmd;
    if (strcmp(cmd, "diff") == 0) {
        rh_outcome ob;
        rh_run_case(j->c, j->proto, p->ta, RH_MODE_COLLECT, p->nonce, i, o);
        rh_run_case(j->c, j->proto, p->tb, RH_MODE_COLLECT, p->nonce, i, &ob);
        if (o->status == RH_SKIP || ob.status == RH_SKIP) {
            if (o->status != RH_SKIP) {
                o->status = RH_SKIP;
                resp_buf_append(&o->message, ob.message.data, ob.message.len);
            }
        } else {
            resp_buf_clear(&o->message);
            size_t d = rh_diff_outcomes(o, &ob, p->ta->name, p->tb->name, &o->message);
            o->status = d == 0 ? RH_PASS : RH_FAIL;
        }
        rh_outcome_free(&ob);
    } else {
        rh_mode mode = strcmp(cmd, "record") == 0 ? RH_MODE_RECORD : RH_MODE_RUN;
        rh_run_case(j->c, j->proto, p->ta, mode, p->nonce, i, o);
    }
}

static void progress(pool *p) {
    if (!p->progress) return;
    fprintf(stderr, "\r[%zu/%zu] %zu failed ", atomic_load(&p->done), p->n,
            atomic_load(&p->failed));
}

static void *worker(void *arg) {
    pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n) return NULL;
        if (p->jobs[i].serial) continue;
        run_job(p, i);
        atomic_fetch_add(&p->done, 1);
        if (p->out[i].status == RH_FAIL || p->out[i].status == RH_ERROR)
            atomic_fetch_add(&p->failed, 1);
        progress(p);
    }
}

static void run_all(pool *p, int jobs) {
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    if (th == NULL) rh_die("out of memory");
    for (int i = 0; i < jobs; i++)
        if (pthread_create(&th[i], NULL, worker, p) != 0) rh_die("pthread_create failed");
    for (int i = 0; i < jobs; i++) pthread_join(th[i], NULL);
    free(th);
    /* Cases that touch server-wide state run alone, after the others. */
    for (size_t i = 0; i < p->n; i++) {
        if (!p->jobs[i].serial) continue;
        run_job(p, i);
        atomic_fetch_add(&p->done, 1);
        if (p->out[i].status == RH_FAIL || p->out[i].status == RH_ERROR)
            atomic_fetch_add(&p->failed, 1);
        progress(p);
    }
    if (p->progress) fputs("\r\033[K", stderr);
}

static int cmd_list(const rh_suite *s) {
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
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "fuzz") == 0) return rh_fuzz_main(argc - 1, argv + 1);
    options o;
    parse_options(&o, argc, argv);
    if (strcmp(o.cmd, "table") == 0) {
        int trc = rh_report_table(stdout, o.html, o.paths, o.npaths) == 0 ? 0 : 2;
        free(o.paths);
        return trc;
    }
    int is_run = strcmp(o.cmd, "run") == 0, is_diff = strcmp(o.cmd, "diff") == 0;
    int is_record = strcmp(o.cmd, "record") == 0, is_list = strcmp(o.cmd, "list") == 0;
    if (!is_run && !is_diff && !is_record && !is_list)
        rh_die("unknown command '%s' (see respect --help)", o.cmd);

    rh_suite suite = {0};
    char err[600];
    for (size_t i = 0; i < o.npaths; i++)
        if (rh_suite_load(&suite, o.paths[i], err, sizeof err) != 0) rh_die("%s", err);
    if (is_list) {
        cmd_list(&suite);
        rh_suite_free(&suite);
        free(o.paths);
        return 0;
    }

    rh_target ta = {0}, tb = {0};
    const char *addr_a = is_diff ? o.a : o.server;
    if (addr_a == NULL || (is_diff && o.b == NULL))
        rh_die(is_diff ? "diff needs --a and --b" : "%s needs --server", o.cmd);
    parse_address(addr_a, &ta);
    rh_target *targets[2] = {&ta, &tb};
    for (int k = 0; k < (is_diff ? 2 : 1); k++) {
        rh_target *t = targets[k];
        if (k == 1) parse_address(o.b, t);
        t->user = o.user;
        t->password = o.password;
        t->server_args = o.server_args;
        t->timeout_ms = o.timeout;
        t->settle_ms = o.settle;
        t->record_wait_ms = 300;
        t->allow_flush = o.allow_flush;
    }
    char name_a[300], name_b[300];
    snprintf(name_a, sizeof name_a, "%s:%s", ta.host, ta.port);
    snprintf(name_b, sizeof name_b, "%s:%s", tb.host ? tb.host : "", tb.port ? tb.port : "");
    ta.name = is_diff ? (o.name_a ? o.name_a : name_a) : (o.name ? o.name : name_a);
    tb.name = o.name_b ? o.name_b : name_b;

    /* Cases for other server settings are not run here, and say so. */
    resp_buf other;
    resp_buf_init(&other, NULL);
    size_t nother = 0;
    size_t nskips;
    skip_entry *skips = load_skips(o.skip_file, &nskips);
    pool p = {.o = &o, .ta = &ta, .tb = &tb};
    p.jobs = calloc(suite.count * 2 + 1, sizeof *p.jobs);
    if (p.jobs == NULL) rh_die("out of memory");
    for (size_t i = 0; i < suite.count; i++) {
        const rh_case *c = &suite.cases[i];
        if (o.tags != NULL && !any_tag(c, o.tags)) continue;
        if (o.exclude_tags != NULL && any_tag(c, o.exclude_tags)) continue;
        const char *why = rh_case_skip_reason(c, (c->protos & RH_PROTO_2) ? 2 : 3, &ta);
        if (why != NULL && strncmp(why, "needs a server", 14) == 0) {
            char quoted[600];
            snprintf(quoted, sizeof quoted, "'%s'", c->server_args);
            int known = 0;
            for (size_t k = 0; k + strlen(quoted) <= other.len && !known; k++)
                known = memcmp(other.data + k, quoted, strlen(quoted)) == 0;
            if (!known) rh_bufprintf(&other, "%s%s", other.len ? ", " : "", quoted);
            nother++;
            continue;
        }
        for (int proto = 2; proto <= 3; proto++) {
            if (!(c->protos & (proto == 2 ? RH_PROTO_2 : RH_PROTO_3))) continue;
            if (o.resp != 0 && o.resp != proto) continue;
            job *j = &p.jobs[p.n++];
            j->c = c;
            j->proto = proto;
            j->serial = rh_case_has_tag(c, "serial") || rh_case_has_tag(c, "flush");
            char id[512];
            snprintf(id, sizeof id, "%s/%s", c->family, c->name);
            for (size_t k = 0; k < nskips; k++)
                if (strcmp(skips[k].id, id) == 0 && (skips[k].proto == 0 || skips[k].proto == proto))
                    j->skip_reason = skips[k].reason;
        }
    }
    for (size_t k = 0; k < nskips; k++) {
        int hit = 0;
        for (size_t i = 0; i < suite.count && !hit; i++) {
            char id[512];
            snprintf(id, sizeof id, "%s/%s", suite.cases[i].family, suite.cases[i].name);
            hit = strcmp(id, skips[k].id) == 0;
        }
        if (!hit)
            fprintf(stderr, "respect: NOTE: skip-file entry '%s' matches no case\n", skips[k].id);
    }
    if (nother > 0)
        fprintf(stderr,
                "respect: NOTE: %zu cases need a server started with other settings and are "
                "not run here (%.*s); run them against such a server with --server-args\n",
                nother, (int)other.len, other.data);
    resp_buf_free(&other);
    if (p.n == 0) rh_die("no case matches the filters");
    p.out = calloc(p.n, sizeof *p.out);
    if (p.out == NULL) rh_die("out of memory");
    p.nonce = (unsigned)((unsigned)getpid() * 7919u + (unsigned)time(NULL)) % 100000u;
    p.progress = isatty(STDERR_FILENO);
    run_all(&p, o.jobs);

    rh_results res = {.server = is_diff ? "diff" : ta.name,
                      .address = name_a,
                      .mode = o.cmd,
                      .items = p.out,
                      .count = p.n};
    char diff_name[700];
    if (is_diff) {
        snprintf(diff_name, sizeof diff_name, "%s vs %s", ta.name, tb.name);
        res.server = diff_name;
    }
    int rc = 0;
    if (is_record) {
        /* One rewrite per file, with every recorded outcome of its cases. */
        rh_outcome **list = calloc(p.n, sizeof *list);
        if (list == NULL) rh_die("out of memory");
        for (size_t i = 0; i < p.n; i++) {
            if (p.out[i].status == RH_FAIL || p.out[i].status == RH_ERROR) rc = 1;
            const char *file = p.out[i].c->file;
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++) seen = strcmp(p.out[k].c->file, file) == 0;
            if (seen) continue;
            size_t m = 0;
            for (size_t k = i; k < p.n; k++)
                if (p.out[k].status == RH_PASS && strcmp(p.out[k].c->file, file) == 0)
                    list[m++] = &p.out[k];
            if (m == 0) continue;
            int changed = rh_record_write(file, list, m);
            if (changed < 0) rc = 1;
            else if (changed > 0) printf("recorded %s\n", file);
        }
        free(list);
        for (size_t i = 0; i < p.n; i++)
            if (p.out[i].status == RH_FAIL || p.out[i].status == RH_ERROR)
                fprintf(stderr, "not recorded: %s/%s [RESP%d]\n%.*s", p.out[i].c->family,
                        p.out[i].c->name, p.out[i].proto, (int)p.out[i].message.len,
                        p.out[i].message.data);
    } else {
        rh_report_console(stdout, &res, o.verbose);
        if (o.json != NULL && rh_report_json(o.json, &res) != 0) rc = 2;
        if (o.junit != NULL && rh_report_junit(o.junit, &res) != 0) rc = 2;
        for (size_t i = 0; i < p.n && rc == 0; i++)
            if (p.out[i].status == RH_FAIL || p.out[i].status == RH_ERROR) rc = 1;
    }
    for (size_t i = 0; i < p.n; i++) rh_outcome_free(&p.out[i]);
    for (size_t k = 0; k < nskips; k++) {
        free(skips[k].id);
        free(skips[k].reason);
    }
    free(skips);
    free(p.out);
    free(p.jobs);
    rh_suite_free(&suite);
    free(ta.host);
    free(ta.port);
    free(tb.host);
    free(tb.port);
    free(o.paths);
    return rc;
}
