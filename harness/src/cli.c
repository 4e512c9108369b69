/* harness/src/cli.c - respect's command line: one table of options, read
 * by the parser and by the help. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <resp/resp.h>

#include "util.h"

#define ON(c) (1u << (c))
#define CASE_CMDS (ON(RH_CMD_RUN) | ON(RH_CMD_DIFF) | ON(RH_CMD_RECORD))
#define REPORT_CMDS (ON(RH_CMD_RUN) | ON(RH_CMD_DIFF))

typedef struct command_info {
    const char *name;
    const char *synopsis;
    const char *summary; /* one line, for the overview */
    const char *about;   /* a paragraph, for the command's help */
    const char *example;
    const char *exits;
} command_info;

/* Exit statuses, one line each (continued lines start with blanks). */
static const char exits_cases[] =
    "0  every run passed (runs not applicable to the server are not failures)\n"
    "1  a run failed\n"
    "2  usage or connection error: a server that cannot be reached, or that\n"
    "   stops answering mid-run (the runs left are reported as not run); a\n"
    "   case file that does not load; a report that cannot be written";

static const command_info commands[RH_CMD_COUNT] = {
    [RH_CMD_RUN] = {"run", "respect run --server HOST:PORT [options] CASES...",
                    "run cases against a server, each reply against the case's expectation",
                    "Runs every case against the server and compares each reply with what the\n"
                    "case expects.  Every failure is printed with the expected and actual reply,\n"
                    "the first differing column, the raw bytes and the case line.",
                    "respect run --server 127.0.0.1:6380 --junit junit.xml harness/cases",
                    exits_cases},
    [RH_CMD_DIFF] = {"diff", "respect diff --a HOST:PORT --b HOST:PORT [options] CASES...",
                     "run cases against two servers and compare their replies",
                     "Runs every case against both servers and compares their replies with each\n"
                     "other, after the normalisation the case declares; --b is the reference.\n"
                     "Each difference comes with the bytes that reproduce it.",
                     "respect diff --a 127.0.0.1:6380 --b 127.0.0.1:6379 harness/cases",
                     "0  the servers agree on every run\n"
                     "1  they differ on a run\n"
                     "2  usage or connection error (as for run)"},
    [RH_CMD_RECORD] = {"record", "respect record --server HOST:PORT [options] CASES...",
                       "fill in the cases' expected replies from a trusted server",
                       "Runs every case against a trusted server (real Redis) and writes its\n"
                       "replies into the case files as the expectations.  Recording twice\n"
                       "changes nothing.",
                       "respect record --server 127.0.0.1:6379 harness/cases/strings/new.case",
                       "0  every case recorded\n"
                       "1  a case could not be recorded (each is shown on stderr)\n"
                       "2  usage or connection error (as for run)"},
    [RH_CMD_TABLE] = {"table", "respect table [--html] RESULTS.json...",
                      "merge result files into one table (Markdown, or an HTML page)",
                      "Merges result files (run --json) into one table: command families as rows,\n"
                      "servers as columns.  --html writes a whole page that also shows every\n"
                      "failure in full (expected and actual reply, bytes).",
                      "respect table --html mine.json redis.json >conformance.html",
                      "0  the table was written\n"
                      "2  usage error, or a result file that cannot be read"},
    [RH_CMD_LIST] = {"list", "respect list CASES...", "count the cases per family",
                     "Loads the cases (so a malformed case file shows up) and counts them per\n"
                     "family, and the runs (case x protocol) in all.",
                     "respect list harness/cases",
                     "0  the cases load\n"
                     "2  usage error, or a case file that does not load"},
    [RH_CMD_FUZZ] = {"fuzz", "respect fuzz --a HOST:PORT --b HOST:PORT [options]",
                     "send generated traffic to two servers, every reply compared",
                     NULL, NULL, NULL},
};

typedef enum opt_kind { OPT_TEXT, OPT_NUMBER, OPT_FLAG } opt_kind;

typedef struct opt_spec {
    const char *flag;
    const char *value; /* placeholder in the help; NULL for a flag */
    unsigned cmds;     /* ON(command) bits */
    opt_kind kind;
    size_t field;      /* offsetof(rh_options, ...) */
    long long lo, hi;  /* OPT_NUMBER */
    const char *help;  /* may run over several lines */
} opt_spec;

#define FIELD(f) offsetof(rh_options, f)

static const opt_spec options[] = {
    {"--server", "HOST:PORT", ON(RH_CMD_RUN) | ON(RH_CMD_RECORD), OPT_TEXT, FIELD(server), 0, 0,
     "the server (record: a trusted one, real Redis)"},
    {"--a", "HOST:PORT", ON(RH_CMD_DIFF), OPT_TEXT, FIELD(a), 0, 0, "the server under test"},
    {"--b", "HOST:PORT", ON(RH_CMD_DIFF), OPT_TEXT, FIELD(b), 0, 0,
     "the reference server (real Redis)"},
    {"--resp", "2|3", CASE_CMDS, OPT_NUMBER, FIELD(resp), 2, 3,
     "run each case under this protocol only (default: every\n"
     "protocol the case declares)"},
    {"--tags", "T1,T2", CASE_CMDS, OPT_TEXT, FIELD(tags), 0, 0,
     "only cases with one of these tags (a family name and a\n"
     "case name count as tags)"},
    {"--exclude-tags", "T1,T2", CASE_CMDS, OPT_TEXT, FIELD(exclude_tags), 0, 0,
     "leave out cases with one of these tags"},
    {"--skip-file", "F", CASE_CMDS, OPT_TEXT, FIELD(skip_file), 0, 0,
     "leave out the cases listed in F, one a line:\n"
     "\"family/case [2|3]  # reason\"; they are reported as\n"
     "not applicable, with the reason"},
    {"--server-args", "ARGS", CASE_CMDS, OPT_TEXT, FIELD(server_args), 0, 0,
     "the settings the server was started with (default\n"
     "none); only the cases that declare exactly these\n"
     "settings run"},
    {"--user", "U", CASE_CMDS, OPT_TEXT, FIELD(user), 0, 0,
     "with --password: authenticate as user U (default:\n"
     "the default user)"},
    {"--password", "P", CASE_CMDS, OPT_TEXT, FIELD(password), 0, 0,
     "authenticate every connection (HELLO 3 AUTH, or AUTH)"},
    {"--timeout", "MS", CASE_CMDS, OPT_NUMBER, FIELD(timeout), 1, 600000,
     "wait this long for each reply (default 2000); after a\n"
     "failed run, a server that does not answer PING on a\n"
     "new connection within MS stops the run"},
    {"--settle", "MS", REPORT_CMDS, OPT_NUMBER, FIELD(settle), 0, 60000,
     "at the end of a case, wait this long for stray\n"
     "replies (default 20)"},
    {"--allow-flush", NULL, CASE_CMDS, OPT_FLAG, FIELD(allow_flush), 0, 0,
     "run the cases that flush the server (never on a\n"
     "shared one)"},
    {"--fail-fast", NULL, CASE_CMDS, OPT_FLAG, FIELD(fail_fast), 0, 0,
     "stop at the first failed run (the runs left are\n"
     "reported as not run)"},
    {"-j", "N", CASE_CMDS, OPT_NUMBER, FIELD(jobs), 1, 256,
     "cases in parallel (default 4; 'serial' cases run\n"
     "alone, at the end)"},
    {"--name", "NAME", ON(RH_CMD_RUN), OPT_TEXT, FIELD(name), 0, 0,
     "the server's name in reports (default: its address)"},
    {"--name-a", "NAME", ON(RH_CMD_DIFF), OPT_TEXT, FIELD(name_a), 0, 0,
     "--a's name in reports (default: its address)"},
    {"--name-b", "NAME", ON(RH_CMD_DIFF), OPT_TEXT, FIELD(name_b), 0, 0,
     "--b's name in reports (default: its address)"},
    {"--json", "F", REPORT_CMDS, OPT_TEXT, FIELD(json), 0, 0,
     "write the results as JSON (what respect table reads)"},
    {"--junit", "F", REPORT_CMDS, OPT_TEXT, FIELD(junit), 0, 0,
     "write the results as JUnit XML (a testsuite per\n"
     "family)"},
    {"-v", NULL, REPORT_CMDS, OPT_FLAG, FIELD(verbose), 0, 0,
     "list every run, not only the failures"},
    {"--html", NULL, ON(RH_CMD_TABLE), OPT_FLAG, FIELD(html), 0, 0,
     "write a whole HTML page (no external files) instead\n"
     "of Markdown"},
};

#define NOPTIONS (sizeof options / sizeof options[0])

const char *rh_command_name(rh_command c) {
    return commands[c].name;
}

static void print_overview(FILE *f) {
    fputs("usage: respect COMMAND [options] ARGS...\n"
          "       respect --help | --version\n"
          "\n"
          "Checks whether a server speaks the Redis protocol (RESP) correctly: runs\n"
          "cases (commands and the replies real Redis gives) against it.\n"
          "\n"
          "commands:\n",
          f);
    for (int c = 0; c < RH_CMD_COUNT; c++)
        fprintf(f, "  %-8s %s\n", commands[c].name, commands[c].summary);
    fputs("\n"
          "respect COMMAND --help lists the command's options, with an example.\n"
          "CASES are .case files or folders of them; the suite is harness/cases.\n"
          "Documentation: docs/respect.md; the case format: docs/cases.md.\n"
          "\n"
          "exit status: 0 all passed, 1 failures, 2 usage or connection error\n",
          f);
}

/* Help text, with its lines after the first indented to col. */
static void print_indented(FILE *f, const char *text, int col) {
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        fprintf(f, "%.*s\n", (int)len, p);
        p += len;
        if (*p == '\n') p++;
        if (*p) fprintf(f, "%*s", col, "");
    }
}

static void print_command_help(FILE *f, rh_command c) {
    const command_info *ci = &commands[c];
    fprintf(f, "usage: %s\n\n%s\n", ci->synopsis, ci->about);
    if (c != RH_CMD_TABLE)
        fputs("\nCASES are .case files or folders of them (a folder per family).\n", f);
    if (c == RH_CMD_RUN || c == RH_CMD_DIFF || c == RH_CMD_RECORD)
        fputs("HOST:PORT may be PORT (on 127.0.0.1), [V6]:PORT, or @FILE holding\n"
              "one of those.\n",
              f);
    int any = 0;
    for (size_t i = 0; i < NOPTIONS; i++) {
        if (!(options[i].cmds & ON(c))) continue;
        if (!any) fputs("\noptions:\n", f);
        any = 1;
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", options[i].flag, options[i].value ? " " : "",
                 options[i].value ? options[i].value : "");
        fprintf(f, "  %-20s ", head);
        print_indented(f, options[i].help, 23);
    }
    fprintf(f, "\nexample:\n  %s\n\nexit status:\n  ", ci->example);
    print_indented(f, ci->exits, 2);
}

static const opt_spec *find_option(const char *flag) {
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strcmp(options[i].flag, flag) == 0) return &options[i];
    return NULL;
}

static int is_help(const char *a) {
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

static _Noreturn void print_version(void) {
    printf("respect %s\n", resp_version());
    exit(0);
}

static rh_command parse_command(const char *name) {
    for (int c = 0; c < RH_CMD_COUNT; c++)
        if (strcmp(commands[c].name, name) == 0) return (rh_command)c;
    rh_die("unknown command '%s' (see respect --help)", name);
}

/* Stores v in the option's field; returns how many arguments it took. */
static int take(rh_options *o, const opt_spec *s, const char *v) {
    char *field = (char *)o + s->field;
    long long n;
    switch (s->kind) {
    case OPT_FLAG: *(int *)(void *)field = 1; return 0;
    case OPT_TEXT:
        if (v == NULL) rh_die("%s needs a value (see respect %s --help)", s->flag,
                              rh_command_name(o->cmd));
        *(const char **)(void *)field = v;
        return 1;
    case OPT_NUMBER:
        if (v == NULL || !rh_parse_ll(v, strlen(v), &n) || n < s->lo || n > s->hi)
            rh_die("%s takes a number from %lld to %lld", s->flag, s->lo, s->hi);
        *(long long *)(void *)field = n;
        return 1;
    }
    return 0;
}

static void check_required(const rh_options *o) {
    const char *cmd = rh_command_name(o->cmd);
    switch (o->cmd) {
    case RH_CMD_RUN:
    case RH_CMD_RECORD:
        if (o->server == NULL) rh_die("%s needs --server HOST:PORT (see respect %s --help)", cmd, cmd);
        break;
    case RH_CMD_DIFF:
        if (o->a == NULL || o->b == NULL)
            rh_die("diff needs --a HOST:PORT and --b HOST:PORT (see respect diff --help)");
        break;
    case RH_CMD_TABLE:
    case RH_CMD_LIST:
    case RH_CMD_FUZZ:
    case RH_CMD_COUNT: break;
    }
    if (o->npaths == 0)
        rh_die(o->cmd == RH_CMD_TABLE ? "%s needs result files (see respect %s --help)"
                                      : "%s needs case files or folders (see respect %s --help)",
               cmd, cmd);
}

void rh_parse_options(rh_options *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->timeout = 2000;
    o->settle = 20;
    o->jobs = 4;
    o->server_args = "";
    if (argc < 2) {
        print_overview(stderr);
        exit(RH_EXIT_USAGE);
    }
    if (is_help(argv[1])) {
        print_overview(stdout);
        exit(0);
    }
    if (strcmp(argv[1], "--version") == 0) print_version();
    o->cmd = parse_command(argv[1]);
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    if (o->paths == NULL) rh_die("out of memory");
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            print_command_help(stdout, o->cmd);
            exit(0);
        }
        if (strcmp(a, "--version") == 0) print_version();
        if (a[0] != '-' || a[1] == '\0') {
            o->paths[o->npaths++] = argv[i];
            continue;
        }
        const opt_spec *s = find_option(a);
        if (s == NULL) rh_die("unknown option %s (see respect %s --help)", a, argv[1]);
        if (!(s->cmds & ON(o->cmd)))
            rh_die("%s is not an option of respect %s (see respect %s --help)", a, argv[1],
                   argv[1]);
        i += take(o, s, i + 1 < argc ? argv[i + 1] : NULL);
    }
    check_required(o);
}

void rh_options_free(rh_options *o) {
    free(o->paths);
    o->paths = NULL;
}
