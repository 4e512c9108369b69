/* tests/config_test.c - mini-redis-server's settings: defaults, values as
 * redis-server 7.0 parses them, the command line, CONFIG GET. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

/* ---- helpers ---- */

typedef struct got {
    size_t n;
    char name[32][64];
    char value[32][256];
} got;

static void collect(void *ud, const char *name, const char *value, size_t vlen) {
    assert_int_equal(vlen, strlen(value));
    got *g = ud;
    assert_true(g->n < 32);
    snprintf(g->name[g->n], sizeof g->name[g->n], "%s", name);
    snprintf(g->value[g->n], sizeof g->value[g->n], "%s", value);
    g->n++;
}

static got config_get(const mr_config *c, const char *pattern) {
    got g;
    memset(&g, 0, sizeof g);
    mr_config_get(c, pattern, strlen(pattern), collect, &g);
    return g;
}

/* The value CONFIG GET reports for one setting. */
static const char *value_of(const mr_config *c, const char *name) {
    static got g;
    g = config_get(c, name);
    assert_int_equal(g.n, 1);
    return g.value[0];
}

/* Field by field: padding bytes are not part of a struct's value. */
static void assert_config_equal(const mr_config *a, const mr_config *b) {
    assert_int_equal(a->port, b->port);
    assert_string_equal(a->bind, b->bind);
    assert_int_equal(a->maxclients, b->maxclients);
    assert_int_equal(a->timeout, b->timeout);
    assert_string_equal(a->requirepass, b->requirepass);
    assert_int_equal(a->protected_mode, b->protected_mode);
    assert_int_equal(a->proto_max_bulk_len, b->proto_max_bulk_len);
    assert_int_equal(a->client_query_buffer_limit, b->client_query_buffer_limit);
    assert_int_equal(a->normal_limit.hard, b->normal_limit.hard);
    assert_int_equal(a->normal_limit.soft, b->normal_limit.soft);
    assert_int_equal(a->normal_limit.soft_seconds, b->normal_limit.soft_seconds);
    assert_int_equal(a->pubsub_limit.hard, b->pubsub_limit.hard);
    assert_int_equal(a->pubsub_limit.soft, b->pubsub_limit.soft);
    assert_int_equal(a->pubsub_limit.soft_seconds, b->pubsub_limit.soft_seconds);
    assert_int_equal(a->loglevel, b->loglevel);
    assert_int_equal(a->hz, b->hz);
    assert_int_equal(a->databases, b->databases);
}

/* Sets name to value on a default config and expects success. */
static mr_config set_ok(const char *name, const char *value) {
    mr_config c;
    char err[256] = "";
    mr_config_defaults(&c);
    if (mr_config_set(&c, name, value, err, sizeof err) != 0)
        fail_msg("%s \"%s\" refused: %s", name, value, err);
    return c;
}

/* Expects an error with exactly this text, and the config unchanged. */
static void set_fails(const char *name, const char *value, const char *text) {
    mr_config c, before;
    char err[256] = "";
    mr_config_defaults(&c);
    before = c;
    assert_int_equal(mr_config_set(&c, name, value, err, sizeof err), -1);
    assert_string_equal(err, text);
    assert_config_equal(&c, &before);
}

static int parse(mr_config *c, char *err, size_t errlen, ...) {
    char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; (a = va_arg(ap, char *)) != NULL;) {
        assert_true(argc < 64);
        argv[argc++] = a;
    }
    va_end(ap);
    mr_config_defaults(c);
    return mr_config_parse_args(c, argc, argv, err, errlen);
}

static const char RANGE_1MB[] =
    "argument must be between 1048576 and 9223372036854775807 inclusive";
static const char NOT_INT[] = "argument couldn't be parsed into an integer";
static const char NOT_MEM[] = "argument must be a memory value";

/* ---- defaults ---- */

static void test_defaults_are_redis_7_0s(void **state) {
    (void)state;
    mr_config c;
    memset(&c, 0x5a, sizeof c);
    mr_config_defaults(&c);
    assert_int_equal(c.port, 6379);
    assert_string_equal(c.bind, "* -::*");
    assert_int_equal(c.maxclients, 10000);
    assert_int_equal(c.timeout, 0);
    assert_string_equal(c.requirepass, "");
    assert_int_equal(c.protected_mode, 1);
    assert_int_equal(c.proto_max_bulk_len, 536870912LL);
    assert_int_equal(c.client_query_buffer_limit, 1073741824LL);
    assert_int_equal(c.normal_limit.hard, 0);
    assert_int_equal(c.normal_limit.soft, 0);
    assert_int_equal(c.normal_limit.soft_seconds, 0);
    assert_int_equal(c.pubsub_limit.hard, 33554432LL);
    assert_int_equal(c.pubsub_limit.soft, 8388608LL);
    assert_int_equal(c.pubsub_limit.soft_seconds, 60);
    assert_int_equal(c.loglevel, MR_LOG_NOTICE);
    assert_int_equal(c.hz, 10);
    assert_int_equal(c.databases, 16);
}

/* What `redis-cli CONFIG GET <name>` prints for redis-server 7.0.15
 * started without a config file (save and appendonly as the tests start
 * it: --save ''), in this module's fixed order. */
static void test_config_get_all_defaults(void **state) {
    (void)state;
    static const char *const want[][2] = {
        {"port", "6379"},
        {"bind", "* -::*"},
        {"maxclients", "10000"},
        {"timeout", "0"},
        {"requirepass", ""},
        {"protected-mode", "yes"},
        {"proto-max-bulk-len", "536870912"},
        {"client-query-buffer-limit", "1073741824"},
        {"client-output-buffer-limit",
         "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
        {"loglevel", "notice"},
        {"hz", "10"},
        {"databases", "16"},
        {"enable-debug-command", "no"},
        {"notify-keyspace-events", ""},
        {"maxmemory-policy", "noeviction"},
        {"save", ""},
        {"appendonly", "no"},
        {"daemonize", "no"},
    };
    mr_config c;
    mr_config_defaults(&c);
    got g = config_get(&c, "*");
    assert_int_equal(g.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < g.n; i++) {
        assert_string_equal(g.name[i], want[i][0]);
        assert_string_equal(g.value[i], want[i][1]);
    }
}

/* ---- values ---- */

static void test_memory_units(void **state) {
    (void)state;
    static const struct {
        const char *text;
        long long bytes;
    } cases[] = {
        {"2mb", 2097152},       {"2MB", 2097152},        {"2Mb", 2097152},
        {"2m", 2000000},        {"2M", 2000000},         {"2000kb", 2048000},
        {"2000k", 2000000},     {"2000000b", 2000000},   {"2000000B", 2000000},
        {"1gb", 1073741824},    {"3G", 3000000000LL},    {"02097152", 2097152},
        {"9223372036854775807", 9223372036854775807LL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mr_config c = set_ok("proto-max-bulk-len", cases[i].text);
        assert_int_equal(c.proto_max_bulk_len, cases[i].bytes);
        c = set_ok("client-query-buffer-limit", cases[i].text);
        assert_int_equal(c.client_query_buffer_limit, cases[i].bytes);
    }
    mr_config c = set_ok("proto-max-bulk-len", "3mb");
    assert_string_equal(value_of(&c, "proto-max-bulk-len"), "3145728");
}

static void test_memory_errors(void **state) {
    (void)state;
    set_fails("proto-max-bulk-len", "2x", NOT_MEM);
    set_fails("proto-max-bulk-len", "-2mb", NOT_MEM);
    set_fails("proto-max-bulk-len", " 2mb", NOT_MEM);
    set_fails("proto-max-bulk-len", "2mb ", NOT_MEM);
    set_fails("proto-max-bulk-len", "1.5mb", NOT_MEM);
    set_fails("proto-max-bulk-len", "0x200000", NOT_MEM);
    set_fails("proto-max-bulk-len", "2mbb", NOT_MEM);
    set_fails("proto-max-bulk-len", "+2097152", NOT_MEM);
    /* Below the 1 MiB minimum, no digits (read as 0), or past 64 bits. */
    set_fails("proto-max-bulk-len", "1k", RANGE_1MB);
    set_fails("proto-max-bulk-len", "1048575", RANGE_1MB);
    set_fails("proto-max-bulk-len", "", RANGE_1MB);
    set_fails("proto-max-bulk-len", "mb", RANGE_1MB);
    set_fails("proto-max-bulk-len", "9223372036854775808", RANGE_1MB);
    set_fails("proto-max-bulk-len", "99999999999999999999", RANGE_1MB);
    set_fails("proto-max-bulk-len", "10000000000gb", RANGE_1MB);
    set_fails("client-query-buffer-limit", "1k", RANGE_1MB);
    set_fails("client-query-buffer-limit", "1q", NOT_MEM);
}

static void test_integers(void **state) {
    (void)state;
    assert_int_equal(set_ok("port", "0").port, 0);
    assert_int_equal(set_ok("port", "65535").port, 65535);
    assert_int_equal(set_ok("maxclients", "1").maxclients, 1);
    assert_int_equal(set_ok("maxclients", "4294967295").maxclients, 4294967295L);
    assert_int_equal(set_ok("timeout", "2147483647").timeout, 2147483647L);
    assert_int_equal(set_ok("databases", "20").databases, 20);
    /* Redis's string2ll: no units, sign, leading zero or blank. */
    set_fails("port", "abc", NOT_INT);
    set_fails("port", "1k", NOT_INT);
    set_fails("port", "+5", NOT_INT);
    set_fails("port", "010", NOT_INT);
    set_fails("timeout", "-0", NOT_INT);
    set_fails("timeout", " 5", NOT_INT);
    set_fails("timeout", "5 ", NOT_INT);
    set_fails("timeout", "", NOT_INT);
    set_fails("timeout", "99999999999999999999", NOT_INT);
    set_fails("port", "65536", "argument must be between 0 and 65535 inclusive");
    set_fails("port", "-1", "argument must be between 0 and 65535 inclusive");
    set_fails("maxclients", "0", "argument must be between 1 and 4294967295 inclusive");
    set_fails("maxclients", "5000000000", "argument must be between 1 and 4294967295 inclusive");
    set_fails("timeout", "-1", "argument must be between 0 and 2147483647 inclusive");
    set_fails("timeout", "2147483648", "argument must be between 0 and 2147483647 inclusive");
    set_fails("databases", "0", "argument must be between 1 and 2147483647 inclusive");
    set_fails("hz", "-1", "argument must be between 0 and 2147483647 inclusive");
}

static void test_hz_is_clamped(void **state) {
    (void)state;
    assert_int_equal(set_ok("hz", "0").hz, 1);
    assert_int_equal(set_ok("hz", "1").hz, 1);
    assert_int_equal(set_ok("hz", "500").hz, 500);
    assert_int_equal(set_ok("hz", "1000").hz, 500);
    mr_config c = set_ok("hz", "1000");
    assert_string_equal(value_of(&c, "hz"), "500");
}

static void test_yes_no_and_loglevel(void **state) {
    (void)state;
    static const char YESNO[] = "argument must be 'yes' or 'no'";
    assert_int_equal(set_ok("protected-mode", "no").protected_mode, 0);
    assert_int_equal(set_ok("protected-mode", "YES").protected_mode, 1);
    mr_config c = set_ok("protected-mode", "No");
    assert_string_equal(value_of(&c, "protected-mode"), "no");
    set_fails("protected-mode", "1", YESNO);
    set_fails("protected-mode", "true", YESNO);
    set_fails("protected-mode", "", YESNO);

    assert_int_equal(set_ok("loglevel", "debug").loglevel, MR_LOG_DEBUG);
    assert_int_equal(set_ok("loglevel", "verbose").loglevel, MR_LOG_VERBOSE);
    assert_int_equal(set_ok("loglevel", "NOTICE").loglevel, MR_LOG_NOTICE);
    c = set_ok("loglevel", "Warning");
    assert_int_equal(c.loglevel, MR_LOG_WARNING);
    assert_string_equal(value_of(&c, "loglevel"), "warning");
    set_fails("loglevel", "foo",
              "argument(s) must be one of the following: debug, verbose, notice, warning");
    set_fails("loglevel", "nothing",
              "argument(s) must be one of the following: debug, verbose, notice, warning");
}

static void test_output_limits(void **state) {
    (void)state;
    static const char GET_PREFIX[] = "normal 1048576 2097152 3 slave 268435456 67108864 60 ";
    mr_config c = set_ok("client-output-buffer-limit", "normal 1mb 2mb 3");
    assert_int_equal(c.normal_limit.hard, 1048576);
    assert_int_equal(c.normal_limit.soft, 2097152);
    assert_int_equal(c.normal_limit.soft_seconds, 3);
    assert_int_equal(c.pubsub_limit.hard, 33554432);
    const char *v = value_of(&c, "client-output-buffer-limit");
    assert_memory_equal(v, GET_PREFIX, sizeof GET_PREFIX - 1);
    assert_string_equal(v + sizeof GET_PREFIX - 1, "pubsub 33554432 8388608 60");

    c = set_ok("client-output-buffer-limit", "pubsub 1k 2KB 5 normal 1 2 3");
    assert_string_equal(value_of(&c, "client-output-buffer-limit"),
                        "normal 1 2 3 slave 268435456 67108864 60 pubsub 1000 2048 5");
    /* Class names are case-insensitive; blanks collapse; a class given
     * twice keeps the last. */
    c = set_ok("client-output-buffer-limit", "NORMAL  1  2  3 normal 4 5 6");
    assert_int_equal(c.normal_limit.hard, 4);
    assert_int_equal(c.normal_limit.soft_seconds, 6);
    /* Soft above hard is allowed; soft_seconds takes a sign and zeros. */
    c = set_ok("client-output-buffer-limit", "normal 2mb 1mb +05");
    assert_int_equal(c.normal_limit.soft_seconds, 5);
    c = set_ok("client-output-buffer-limit", "normal 1b 2B -0");
    assert_int_equal(c.normal_limit.hard, 1);
    assert_int_equal(c.normal_limit.soft_seconds, 0);
    /* The replica class is checked and dropped: no replicas here. */
    mr_config d;
    mr_config_defaults(&d);
    c = set_ok("client-output-buffer-limit", "replica 1 2 3");
    assert_config_equal(&c, &d);
    c = set_ok("client-output-buffer-limit", "slave 1 2 3 pubsub 4 5 6");
    assert_int_equal(c.pubsub_limit.hard, 4);
    assert_int_equal(c.pubsub_limit.soft, 5);
    assert_int_equal(c.pubsub_limit.soft_seconds, 6);
}

static void test_output_limit_errors(void **state) {
    (void)state;
    static const char CLASS[] = "Invalid client class specified in buffer limit configuration.";
    static const char ARGC[] = "Wrong number of arguments in buffer limit configuration.";
    static const char VALUE[] =
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    set_fails("client-output-buffer-limit", "master 1 2 3", CLASS);
    set_fails("client-output-buffer-limit", "normal 1 2", ARGC);
    set_fails("client-output-buffer-limit", "", ARGC);
    set_fails("client-output-buffer-limit", "normal 1 2 3 pubsub", ARGC);
    set_fails("client-output-buffer-limit", "normal x 2 3", VALUE);
    set_fails("client-output-buffer-limit", "normal -1 2 3", VALUE);
    set_fails("client-output-buffer-limit", "normal 1 2 -3", VALUE);
    set_fails("client-output-buffer-limit", "normal 1 2 x", VALUE);
    set_fails("client-output-buffer-limit", "normal 1 2 1k", VALUE);
    set_fails("client-output-buffer-limit", "normal 1 2 3x", VALUE);
    set_fails("client-output-buffer-limit", "normal 1 2 2147483648", VALUE);
    /* Nothing is applied when a later class is bad. */
    set_fails("client-output-buffer-limit", "normal 1 2 3 pubsub 1 2 x", VALUE);
    set_fails("client-output-buffer-limit", "normal 1 2 3 master 1 2 3", CLASS);
}

static void test_strings(void **state) {
    (void)state;
    mr_config c = set_ok("requirepass", "a b \"c\"");
    assert_string_equal(c.requirepass, "a b \"c\"");
    assert_string_equal(value_of(&c, "requirepass"), "a b \"c\"");
    assert_string_equal(set_ok("requirepass", "").requirepass, "");
    char big[600];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    mr_config d;
    char err[128];
    mr_config_defaults(&d);
    assert_int_equal(mr_config_set(&d, "requirepass", big, err, sizeof err), -1);
    assert_string_equal(d.requirepass, "");

    /* bind: stored with single spaces, as CONFIG GET prints it. */
    c = set_ok("bind", "  127.0.0.1\t -::1  ");
    assert_string_equal(c.bind, "127.0.0.1 -::1");
    assert_string_equal(set_ok("bind", "").bind, "");
    set_fails("bind", "a b c d e f g h i j k l m n o p q", "Too many bind addresses specified.");
    assert_string_equal(set_ok("bind", "a b c d e f g h i j k l m n o p").bind,
                        "a b c d e f g h i j k l m n o p");
}

static void test_compat_settings(void **state) {
    (void)state;
    mr_config d;
    mr_config_defaults(&d);
    /* save and appendonly no: accepted, change nothing. */
    static const char *const saves[] = {"", "3600 1 300 100 60 10000", "10 1"};
    for (size_t i = 0; i < sizeof saves / sizeof saves[0]; i++) {
        mr_config c = set_ok("save", saves[i]);
        assert_config_equal(&c, &d);
        assert_string_equal(value_of(&c, "save"), "");
    }
    set_fails("save", "10", "Invalid save parameters");
    set_fails("save", "a b", "Invalid save parameters");
    set_fails("save", "10 1 5", "Invalid save parameters");
    mr_config c = set_ok("appendonly", "no");
    assert_config_equal(&c, &d);
    assert_string_equal(value_of(&c, "appendonly"), "no");
    char err[256];
    assert_int_equal(mr_config_set(&c, "appendonly", "yes", err, sizeof err), -1);
    assert_non_null(strstr(err, "not supported"));
    set_fails("appendonly", "maybe", "argument must be 'yes' or 'no'");
}

static void test_names(void **state) {
    (void)state;
    /* Case-insensitive, as redis-server reads directives. */
    assert_int_equal(set_ok("PORT", "6380").port, 6380);
    assert_int_equal(set_ok("Proto-Max-Bulk-Len", "2mb").proto_max_bulk_len, 2097152);
    set_fails("nosuch", "1", "Bad directive or wrong number of arguments");
    set_fails("", "1", "Bad directive or wrong number of arguments");
    /* daemonize: listed as Redis lists it; only "no" is accepted. */
    set_ok("daemonize", "no");
    set_fails("daemonize", "yes",
              "daemonize yes is not supported: mini-redis-server runs in the foreground");
    /* A NULL or empty err buffer is fine. */
    mr_config c;
    mr_config_defaults(&c);
    assert_int_equal(mr_config_set(&c, "port", "x", NULL, 0), -1);
    char one[1] = {'?'};
    assert_int_equal(mr_config_set(&c, "port", "x", one, 0), -1);
    assert_int_equal(one[0], '?');
    char small[8];
    assert_int_equal(mr_config_set(&c, "port", "x", small, sizeof small), -1);
    assert_string_equal(small, "argumen");
}

/* ---- command line ---- */

static void test_parse_args(void **state) {
    (void)state;
    mr_config c;
    char err[512] = "";
    int rc = parse(&c, err, sizeof err, "--port", "6380", "--bind", "127.0.0.1", "::1",
                   "--save", "", "--appendonly", "no", "--daemonize", "no",
                   "--client-output-buffer-limit", "normal", "1", "2", "3", "pubsub", "4mb", "5mb",
                   "6", "--requirepass", "-secret", "--LOGLEVEL", "warning", "--hz", "100",
                   "--protected-mode", "no", "--maxclients", "50", "--timeout", "7",
                   "--databases", "4", "--proto-max-bulk-len", "1gb",
                   "--client-query-buffer-limit", "2gb", (char *)NULL);
    if (rc != 0) fail_msg("%s", err);
    assert_int_equal(c.port, 6380);
    assert_string_equal(c.bind, "127.0.0.1 ::1");
    assert_int_equal(c.normal_limit.hard, 1);
    assert_int_equal(c.normal_limit.soft_seconds, 3);
    assert_int_equal(c.pubsub_limit.hard, 4194304);
    assert_int_equal(c.pubsub_limit.soft, 5242880);
    assert_int_equal(c.pubsub_limit.soft_seconds, 6);
    assert_string_equal(c.requirepass, "-secret");
    assert_int_equal(c.loglevel, MR_LOG_WARNING);
    assert_int_equal(c.hz, 100);
    assert_int_equal(c.protected_mode, 0);
    assert_int_equal(c.maxclients, 50);
    assert_int_equal(c.timeout, 7);
    assert_int_equal(c.databases, 4);
    assert_int_equal(c.proto_max_bulk_len, 1073741824LL);
    assert_int_equal(c.client_query_buffer_limit, 2147483648LL);

    /* One argument holding a list works too; --save alone means "". */
    assert_int_equal(parse(&c, err, sizeof err, "--bind", "127.0.0.1 -::1", "--save",
                           "--client-output-buffer-limit", "normal 1mb 2mb 3", (char *)NULL),
                     0);
    assert_string_equal(c.bind, "127.0.0.1 -::1");
    assert_int_equal(c.normal_limit.soft, 2097152);
    assert_int_equal(parse(&c, err, sizeof err, "--save", "3600", "1", "300", "100", (char *)NULL),
                     0);
    /* redis-server's grammar: a value may start with "--" right after a
     * bare name, except for save; "--name value" may be one argument. */
    assert_int_equal(parse(&c, err, sizeof err, "--requirepass", "--secret", "--hz", "20",
                           (char *)NULL),
                     0);
    assert_string_equal(c.requirepass, "--secret");
    assert_int_equal(c.hz, 20);
    assert_int_equal(parse(&c, err, sizeof err, "--save", "--port", "6381", "--save",
                           (char *)NULL),
                     0);
    assert_int_equal(c.port, 6381);
    assert_int_equal(parse(&c, err, sizeof err, "--loglevel warning", "--bind 127.0.0.1", "::1",
                           "--client-output-buffer-limit normal 1 2", "3", (char *)NULL),
                     0);
    assert_int_equal(c.loglevel, MR_LOG_WARNING);
    assert_string_equal(c.bind, "127.0.0.1 ::1");
    assert_int_equal(c.normal_limit.soft_seconds, 3);

    /* Nothing at all: the defaults. */
    mr_config d;
    mr_config_defaults(&d);
    assert_int_equal(parse(&c, err, sizeof err, (char *)NULL), 0);
    assert_config_equal(&c, &d);
}

static void parse_fails(const char *want, ...) {
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, want);
    for (char *a; (a = va_arg(ap, char *)) != NULL;) {
        assert_true(argc < 16);
        argv[argc++] = a;
    }
    va_end(ap);
    mr_config c;
    char err[512] = "";
    mr_config_defaults(&c);
    assert_int_equal(mr_config_parse_args(&c, argc, argv, err, sizeof err), -1);
    assert_string_equal(err, want);
}

static void test_parse_args_bare_dashes(void **state) {
    (void)state;
    mr_config c;
    char err[512] = "";
    if (parse(&c, err, sizeof err, "--port", "6380", "--", (char *)NULL) != 0) fail_msg("%s", err);
    assert_int_equal(c.port, 6380);
    if (parse(&c, err, sizeof err, "--hz", "5", "--", "port", "6381", (char *)NULL) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.port, 6381);
    assert_int_equal(c.hz, 5);
}

static void test_parse_args_errors(void **state) {
    (void)state;
    /* redis-server's report: the directive as it read it, then why. */
    parse_fails(">>> 'port \"abc\"'\nargument couldn't be parsed into an integer", "--port",
                "abc", (char *)NULL);
    parse_fails(">>> 'nosuch \"1\"'\nBad directive or wrong number of arguments", "--nosuch", "1",
                (char *)NULL);
    parse_fails(">>> 'port'\nwrong number of arguments", "--port", (char *)NULL);
    parse_fails(">>> 'port \"1\" \"2\"'\nwrong number of arguments", "--port", "1", "2",
                (char *)NULL);
    /* A bare "--" starts a line of its own, the next word its directive
     * (quoted in the report, as redis-server shows it); alone it is an
     * empty line. */
    parse_fails(">>> '\"x\"'\nBad directive or wrong number of arguments", "--port", "1", "--", "x",
                (char *)NULL);
    parse_fails(">>> '\"--appendonly\" \"no\"'\nBad directive or wrong number of arguments", "--",
                "--appendonly", "no", (char *)NULL);
    parse_fails(">>> '\"port\" \"x\"'\nargument couldn't be parsed into an integer", "--", "port",
                "x", (char *)NULL);
    /* After a bare name the next argument is its value, whatever it is. */
    parse_fails(">>> 'port \"--hz\" \"5\"'\nwrong number of arguments", "--port", "--hz", "5",
                (char *)NULL);
    parse_fails(">>> 'loglevel \"foo\" \"bar\"'\nwrong number of arguments", "--loglevel foo",
                "bar", (char *)NULL);
    parse_fails(">>> 'help'\nBad directive or wrong number of arguments", "--port", "6380",
                "--help", (char *)NULL);
    parse_fails(">>> '\"1\"'\nBad directive or wrong number of arguments", "--  ", "1",
                (char *)NULL);
    parse_fails(">>> 'bind'\nwrong number of arguments", "--bind", (char *)NULL);
    parse_fails(">>> 'loglevel \"foo\"'\nargument(s) must be one of the following: debug, "
                "verbose, notice, warning",
                "--hz", "5", "--loglevel", "foo", (char *)NULL);
    parse_fails(">>> 'client-output-buffer-limit \"master\" \"1\" \"2\" \"3\"'\nInvalid client "
                "class specified in buffer limit configuration.",
                "--client-output-buffer-limit", "master", "1", "2", "3", (char *)NULL);
    parse_fails(">>> 'requirepass \"a\\\"b\\\\c\\x01\" \"x\"'\nwrong number of arguments",
                "--requirepass", "a\"b\\c\x01", "x", (char *)NULL);
    parse_fails(">>> 'redis.conf'\nexpected --name value (configuration files are not supported)",
                "redis.conf", (char *)NULL);
    parse_fails(">>> 'daemonize \"yes\"'\ndaemonize yes is not supported: mini-redis-server "
                "runs in the foreground",
                "--daemonize", "yes", (char *)NULL);
    parse_fails(">>> 'daemonize \"maybe\"'\nargument must be 'yes' or 'no'", "--daemonize",
                "maybe", (char *)NULL);

    mr_config c;
    char err[1024];
    assert_int_equal(parse(&c, err, sizeof err, "--appendonly", "yes", (char *)NULL), -1);
    assert_non_null(strstr(err, ">>> 'appendonly \"yes\"'\n"));
    assert_non_null(strstr(err, "not supported"));
    /* A long directive is cut, not overflowed. */
    char big[2000];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(parse(&c, err, sizeof err, "--port", big, (char *)NULL), -1);
    assert_non_null(strstr(err, "...'\nargument couldn't be parsed into an integer"));
    char tiny[4];
    assert_int_equal(parse(&c, tiny, sizeof tiny, "--port", "x", (char *)NULL), -1);
    assert_string_equal(tiny, ">>>");
}

/* ---- CONFIG GET ---- */

static void test_config_get_patterns(void **state) {
    (void)state;
    mr_config c;
    mr_config_defaults(&c);
    got g = config_get(&c, "*max*");
    assert_int_equal(g.n, 3);
    assert_string_equal(g.name[0], "maxclients");
    assert_string_equal(g.name[1], "proto-max-bulk-len");
    assert_string_equal(g.name[2], "maxmemory-policy");

    g = config_get(&c, "client-*");
    assert_int_equal(g.n, 2);
    assert_string_equal(g.name[0], "client-query-buffer-limit");
    assert_string_equal(g.name[1], "client-output-buffer-limit");

    /* Case-insensitive; a pattern replies with the setting's own name. */
    g = config_get(&c, "P?RT");
    assert_int_equal(g.n, 1);
    assert_string_equal(g.name[0], "port");
    g = config_get(&c, "[pb]*");
    assert_int_equal(g.n, 4);
    assert_string_equal(g.name[0], "port");
    assert_string_equal(g.name[1], "bind");
    assert_string_equal(g.name[2], "protected-mode");
    assert_string_equal(g.name[3], "proto-max-bulk-len");

    /* Without * ? [ Redis looks the name up and echoes it as spelled. */
    g = config_get(&c, "PORT");
    assert_int_equal(g.n, 1);
    assert_string_equal(g.name[0], "PORT");
    assert_string_equal(g.value[0], "6379");
    g = config_get(&c, "Save");
    assert_int_equal(g.n, 1);
    assert_string_equal(g.name[0], "Save");
    assert_string_equal(g.value[0], "");
    /* ... so an escape is not a glob there. */
    assert_int_equal(config_get(&c, "p\\ort").n, 0);
    assert_int_equal(config_get(&c, "p\\ort*").n, 1);

    assert_int_equal(config_get(&c, "").n, 0);
    assert_int_equal(config_get(&c, "[").n, 0);
    assert_int_equal(config_get(&c, "nosuch").n, 0);
    assert_int_equal(config_get(&c, "daemonize").n, 1);
    assert_int_equal(config_get(&c, "portx").n, 0);
    assert_int_equal(config_get(&c, "*zz*").n, 0);

    /* The pattern is plen bytes, not NUL-terminated. */
    g.n = 0;
    mr_config_get(&c, "hz*garbage", 3, collect, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.name[0], "hz");
    g.n = 0;
    mr_config_get(&c, "hzzz", 2, collect, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.name[0], "hz");
    g.n = 0;
    mr_config_get(&c, "port\0", 5, collect, &g);
    assert_int_equal(g.n, 0);
}

static void test_config_get_after_set(void **state) {
    (void)state;
    mr_config c;
    char err[256];
    mr_config_defaults(&c);
    assert_int_equal(mr_config_set(&c, "maxclients", "123", err, sizeof err), 0);
    assert_int_equal(mr_config_set(&c, "bind", "127.0.0.1  ::1", err, sizeof err), 0);
    assert_int_equal(mr_config_set(&c, "timeout", "30", err, sizeof err), 0);
    assert_int_equal(mr_config_set(&c, "databases", "2", err, sizeof err), 0);
    assert_int_equal(mr_config_set(&c, "client-query-buffer-limit", "1gb", err, sizeof err), 0);
    assert_string_equal(value_of(&c, "maxclients"), "123");
    assert_string_equal(value_of(&c, "bind"), "127.0.0.1 ::1");
    assert_string_equal(value_of(&c, "timeout"), "30");
    assert_string_equal(value_of(&c, "databases"), "2");
    assert_string_equal(value_of(&c, "client-query-buffer-limit"), "1073741824");
}

/* CONFIG SET's values are bytes: a password keeps a NUL, an integer
 * setting refuses one, a word is read up to it. */
static void test_set_bytes(void **state) {
    (void)state;
    mr_config c;
    mr_config_defaults(&c);
    char err[256];
    assert_int_equal(mr_config_set_bytes(&c, "requirepass", "abc\0def", 7, err, sizeof err), 0);
    assert_int_equal(c.requirepass_len, 7);
    assert_memory_equal(c.requirepass, "abc\0def", 7);
    assert_int_equal(mr_config_set_bytes(&c, "maxclients", "100\0x", 5, err, sizeof err), -1);
    assert_string_equal(err, "argument couldn't be parsed into an integer");
    assert_int_equal(c.maxclients, 10000);
    assert_int_equal(mr_config_set_bytes(&c, "loglevel", "warning\0x", 9, err, sizeof err), 0);
    assert_int_equal(c.loglevel, MR_LOG_WARNING);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_bytes),
        cmocka_unit_test(test_defaults_are_redis_7_0s),
        cmocka_unit_test(test_config_get_all_defaults),
        cmocka_unit_test(test_memory_units),
        cmocka_unit_test(test_memory_errors),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_hz_is_clamped),
        cmocka_unit_test(test_yes_no_and_loglevel),
        cmocka_unit_test(test_output_limits),
        cmocka_unit_test(test_output_limit_errors),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_compat_settings),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_args),
        cmocka_unit_test(test_parse_args_bare_dashes),
        cmocka_unit_test(test_parse_args_errors),
        cmocka_unit_test(test_config_get_patterns),
        cmocka_unit_test(test_config_get_after_set),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
