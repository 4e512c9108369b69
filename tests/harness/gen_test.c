/* tests/harness/gen_test.c - respect fuzz's command table and generator:
 * every argument kind of a COMMAND DOCS tree, the exclusion file, the
 * choice of commands, and replay by seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include <resp/value.h>
#include <resp/writer.h>

#include "cmdspec.h"
#include "gen.h"
#include "util.h"

/* ---- a synthetic reference: COMMAND DOCS and COMMAND INFO ---- */

static void bulk(resp_buf *b, const char *s) { resp_write_bulk_string(b, s, strlen(s)); }
static void map(resp_buf *b, size_t n) { resp_write_aggregate(b, 3, RESP_MAP, n); }
static void arr(resp_buf *b, size_t n) { resp_write_aggregate(b, 3, RESP_ARRAY, n); }

/* One argument: name, type, token (or NULL), flags (or NULL), and the
 * number of nested arguments that follow it in the buffer. */
static void arg(resp_buf *b, const char *name, const char *type, const char *token,
                const char *flags, size_t nsub) {
    size_t fields = 2 + (token != NULL) + (flags != NULL) + (nsub > 0);
    map(b, fields);
    bulk(b, "name");
    bulk(b, name);
    bulk(b, "type");
    bulk(b, type);
    if (token != NULL) {
        bulk(b, "token");
        bulk(b, token);
    }
    if (flags != NULL) {
        bulk(b, "flags");
        size_t n = 1;
        for (const char *p = flags; *p; p++) n += *p == ' ';
        arr(b, n);
        char tmp[64];
        strcpy(tmp, flags);
        for (char *w = strtok(tmp, " "); w != NULL; w = strtok(NULL, " ")) bulk(b, w);
    }
    if (nsub > 0) {
        bulk(b, "arguments");
        arr(b, nsub);
    }
}

static void doc_head(resp_buf *b, const char *name, const char *group, size_t nargs) {
    bulk(b, name);
    map(b, nargs > 0 ? 2 : 1);
    bulk(b, "group");
    bulk(b, group);
    if (nargs > 0) {
        bulk(b, "arguments");
        arr(b, nargs);
    }
}

static resp_value *parse(const resp_buf *b) {
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *v = NULL;
    assert_int_equal(resp_reader_parse(&r, b->data, b->len, &used, &v), RESP_REPLY_COMPLETE);
    resp_reader_free(&r);
    return v;
}

/* "kitchen" holds every argument kind Redis 7.0's COMMAND DOCS has. */
static resp_value *docs_reply(void) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    map(&b, 5);
    doc_head(&b, "kitchen", "string", 10);
    arg(&b, "key", "key", NULL, NULL, 0);
    arg(&b, "value", "string", NULL, NULL, 0);
    arg(&b, "count", "integer", NULL, "optional", 0);
    arg(&b, "score", "double", "SCORE", "optional", 0);
    arg(&b, "pattern", "pattern", "MATCH", "optional", 0);
    arg(&b, "unix-time-seconds", "unix-time", "EXAT", "optional", 0);
    arg(&b, "mode", "oneof", NULL, "optional", 2);
    arg(&b, "nx", "pure-token", "NX", NULL, 0);
    arg(&b, "xx", "pure-token", "XX", NULL, 0);
    arg(&b, "limit", "block", "LIMIT", "optional", 2);
    arg(&b, "offset", "integer", NULL, NULL, 0);
    arg(&b, "total", "integer", NULL, NULL, 0);
    arg(&b, "item", "string", "ITEM", "optional multiple multiple_token", 0);
    arg(&b, "milliseconds", "integer", "PX", "optional", 0);
    doc_head(&b, "box", "generic", 0);
    doc_head(&b, "plain", "server", 0);
    doc_head(&b, "bare", "server", 0);
    /* Documented at the top level: the table matches entries by name. */
    doc_head(&b, "box|open", "generic", 1);
    arg(&b, "key", "key", NULL, NULL, 0);
    resp_value *v = parse(&b);
    resp_buf_free(&b);
    return v;
}

static void info_entry(resp_buf *b, const char *name, long long arity, size_t nsubs) {
    arr(b, 10);
    bulk(b, name);
    resp_write_integer(b, arity);
    arr(b, 0);
    resp_write_integer(b, 1);
    resp_write_integer(b, 1);
    resp_write_integer(b, 1);
    arr(b, 0);
    arr(b, 0);
    arr(b, 0);
    arr(b, nsubs);
}

/* "undocumented" is in INFO but not in DOCS. */
static resp_value *info_reply(int with_undocumented) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    arr(&b, 4 + (size_t)with_undocumented);
    info_entry(&b, "kitchen", -3, 0);
    info_entry(&b, "box", -2, 1);
    info_entry(&b, "box|open", 3, 0);
    info_entry(&b, "plain", 1, 0);
    info_entry(&b, "bare", 1, 0);
    if (with_undocumented) info_entry(&b, "undocumented", 1, 0);
    resp_value *v = parse(&b);
    resp_buf_free(&b);
    return v;
}

static void build(rh_cmdtable *t, int with_undocumented) {
    resp_value *docs = docs_reply(), *info = info_reply(with_undocumented);
    char err[300] = "";
    if (rh_cmdtable_build(t, docs, info, err, sizeof err) != 0) fail_msg("%s", err);
    resp_value_free(docs, NULL);
    resp_value_free(info, NULL);
}

/* ---- the table ---- */

static void table_has_every_argument_kind(void **state) {
    (void)state;
    rh_cmdtable t;
    build(&t, 0);
    assert_int_equal(t.count, 5);
    const rh_cmd *k = rh_cmdtable_find(&t, "kitchen");
    assert_non_null(k);
    assert_true(k->documented);
    assert_int_equal(k->arity, -3);
    assert_string_equal(k->group, "string");
    assert_int_equal(k->nargs, 10);
    const rh_arg_type want[] = {RH_ARG_KEY,     RH_ARG_STRING,    RH_ARG_INTEGER, RH_ARG_DOUBLE,
                                RH_ARG_PATTERN, RH_ARG_UNIX_TIME, RH_ARG_ONEOF,   RH_ARG_BLOCK,
                                RH_ARG_STRING,  RH_ARG_INTEGER};
    for (size_t i = 0; i < 10; i++) assert_int_equal(k->args[i].type, want[i]);
    assert_int_equal(k->args[6].nsub, 2);
    assert_int_equal(k->args[6].sub[0].type, RH_ARG_PURE_TOKEN);
    assert_string_equal(k->args[6].sub[1].token, "XX");
    assert_true(k->args[8].multiple && k->args[8].multiple_token && k->args[8].optional);
    const rh_cmd *box = rh_cmdtable_find(&t, "box");
    assert_true(box->container);
    const rh_cmd *open = rh_cmdtable_find(&t, "box|open");
    assert_int_equal(open->nwords, 2);
    assert_string_equal(open->words[1], "open");
    assert_int_equal(open->nargs, 1);
    rh_cmdtable_free(&t);
}

static void table_refuses_an_unknown_argument_type(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    map(&b, 1);
    doc_head(&b, "kitchen", "string", 1);
    arg(&b, "key", "wormhole", NULL, NULL, 0);
    resp_value *docs = parse(&b), *info = info_reply(0);
    rh_cmdtable t;
    char err[300] = "";
    assert_int_equal(rh_cmdtable_build(&t, docs, info, err, sizeof err), -1);
    assert_non_null(strstr(err, "wormhole"));
    resp_value_free(docs, NULL);
    resp_value_free(info, NULL);
    resp_buf_free(&b);
}

static void command_names_include_subcommands(void **state) {
    (void)state;
    resp_value *info = info_reply(0);
    size_t n;
    char **names = rh_command_names(info, &n);
    assert_int_equal(n, 5);
    int open = 0;
    for (size_t i = 0; i < n; i++) open |= strcmp(names[i], "box|open") == 0;
    assert_true(open);
    rh_names_free(names, n);
    resp_value_free(info, NULL);
}

/* ---- the generator ---- */

static const char *const all_names[] = {"kitchen", "box", "box|open", "plain", "bare", "undocumented"};

static void init_gen(rh_gen *g, const rh_cmdtable *t, const rh_exclusions *x, unsigned bad,
                     uint64_t seed) {
    rh_gen_config cfg;
    rh_gen_config_default(&cfg);
    cfg.bad_permille = bad;
    char err[300] = "";
    if (rh_gen_init(g, t, all_names, 5, x, &cfg, seed, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static int has(const rh_op *op, const char *word) {
    for (size_t i = 0; i < op->argc; i++)
        if (op->lens[i] == strlen(word) && strncasecmp(op->argv[i], word, op->lens[i]) == 0)
            return (int)i;
    return -1;
}

static void generated_commands_follow_the_tree(void **state) {
    (void)state;
    rh_cmdtable t;
    build(&t, 0);
    rh_gen g;
    init_gen(&g, &t, NULL, 0, 7);
    const rh_cmd *k = rh_cmdtable_find(&t, "kitchen");
    const char *tokens[] = {"SCORE", "MATCH", "EXAT", "NX", "XX", "LIMIT", "ITEM", "PX"};
    int seen[8] = {0}, multi_items = 0;
    for (int n = 0; n < 3000; n++) {
        rh_program p;
        rh_program_init(&p);
        rh_op *op = rh_program_add(&p, RH_OP_COMMAND, 0);
        rh_gen_command(&g, k, op);
        assert_true(op->argc >= 3);
        assert_int_equal(strncasecmp(op->argv[0], "kitchen", 7), 0);
        assert_int_equal(strncmp(op->argv[1], "@k", 2), 0); /* keys stay in the namespace */
        for (int i = 0; i < 8; i++) seen[i] |= has(op, tokens[i]) >= 0;
        assert_false(has(op, "NX") >= 0 && has(op, "XX") >= 0); /* one of a oneof */
        int at = has(op, "LIMIT");
        if (at >= 0) assert_true((size_t)at + 2 < op->argc); /* the block's two values follow */
        int items = 0;
        for (size_t i = 0; i < op->argc; i++)
            items += op->lens[i] == 4 && strncasecmp(op->argv[i], "ITEM", 4) == 0;
        multi_items |= items > 1; /* multiple_token repeats the token */
        int m = has(op, "MATCH");
        if (m >= 0) assert_int_equal(op->argv[m + 1][0], '@'); /* patterns in the namespace */
        rh_program_free(&p);
    }
    for (int i = 0; i < 8; i++)
        if (!seen[i]) fail_msg("token %s never generated", tokens[i]);
    assert_true(multi_items);
    rh_gen_free(&g);
    rh_cmdtable_free(&t);
}

static void spoiled_commands_keep_their_keys(void **state) {
    (void)state;
    rh_cmdtable t;
    build(&t, 0);
    rh_gen g;
    init_gen(&g, &t, NULL, 1000, 3);
    const rh_cmd *open = rh_cmdtable_find(&t, "box|open");
    int shorter = 0, longer = 0;
    for (int n = 0; n < 500; n++) {
        rh_program p;
        rh_program_init(&p);
        rh_op *op = rh_program_add(&p, RH_OP_COMMAND, 0);
        rh_gen_command(&g, open, op);
        shorter |= op->argc < 3;
        longer |= op->argc > 3;
        if (op->argc == 3 && op->argv[2][0] != '@') fail_msg("a key was replaced");
        rh_program_free(&p);
    }
    assert_true(shorter && longer);
    rh_gen_free(&g);
    rh_cmdtable_free(&t);
}

static void choice_of_commands(void **state) {
    (void)state;
    rh_cmdtable t;
    build(&t, 1);
    const char *text = "exclude plain   # a reason\nowned bare   # another\n";
    rh_exclusions x;
    char err[300] = "";
    assert_int_equal(rh_exclusions_parse(&x, text, strlen(text), err, sizeof err), 0);
    rh_gen_config cfg;
    rh_gen_config_default(&cfg);
    rh_gen g;
    /* The server under test lacks "box|open"; "undocumented" is listed by
     * both but has no docs: refused until excluded. */
    const char *names_a[] = {"kitchen", "box", "plain", "bare", "undocumented"};
    assert_int_equal(rh_gen_init(&g, &t, names_a, 5, &x, &cfg, 1, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "undocumented"));
    assert_int_equal(rh_gen_init(&g, &t, names_a, 4, &x, &cfg, 1, NULL, err, sizeof err), 0);
    assert_int_equal(g.ncmds, 1); /* kitchen: box is a container, plain excluded, bare owned */
    assert_string_equal(g.cmds[0]->name, "kitchen");
    assert_int_equal(g.missing, 2); /* box|open, undocumented */
    rh_gen_free(&g);
    cfg.owned = 1;
    assert_int_equal(rh_gen_init(&g, &t, all_names, 5, &x, &cfg, 1, NULL, err, sizeof err), 0);
    assert_int_equal(g.ncmds, 3); /* kitchen, box|open, bare */
    rh_gen_free(&g);
    rh_exclusions_free(&x);
    rh_cmdtable_free(&t);
}

static void exclusion_file_needs_reasons(void **state) {
    (void)state;
    rh_exclusions x;
    char err[300] = "";
    const char *bad[] = {"exclude plain\n", "exclude plain #\n", "forbid plain # why\n",
                         "exclude plain # a\nowned plain # b\n", "exclude a b # x\nexclude a b # y\n",
                         "owned a b # why\n", "exclude a b c # why\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(rh_exclusions_parse(&x, bad[i], strlen(bad[i]), err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1"));
    const char *good = "# comment\n\nexclude Plain  # why\n";
    assert_int_equal(rh_exclusions_parse(&x, good, strlen(good), err, sizeof err), 0);
    assert_non_null(rh_exclusions_find(&x, "plain"));
    assert_string_equal(x.items[0].why, "why");
    rh_exclusions_free(&x);
    /* An argument's entry is not the command's. */
    const char *arg = "exclude plain mode  # why\nexclude plain # whole\n";
    assert_int_equal(rh_exclusions_parse(&x, arg, strlen(arg), err, sizeof err), 0);
    assert_true(rh_exclusions_has_arg(&x, "PLAIN", "mode"));
    assert_false(rh_exclusions_has_arg(&x, "plain", "other"));
    assert_string_equal(rh_exclusions_find(&x, "plain")->why, "whole");
    rh_exclusions_free(&x);
}

/* The generator keeps a pointer to x: free x after the generator. */
static int gen_init_with(rh_gen *g, const rh_cmdtable *t, rh_exclusions *x, const char *text,
                         char *err, size_t n) {
    assert_int_equal(rh_exclusions_parse(x, text, strlen(text), err, n), 0);
    rh_gen_config cfg;
    rh_gen_config_default(&cfg);
    cfg.bad_permille = 0;
    return rh_gen_init(g, t, all_names, 5, x, &cfg, 5, NULL, err, n);
}

static void excluded_arguments_are_never_generated(void **state) {
    (void)state;
    rh_cmdtable t;
    build(&t, 0);
    rh_gen g;
    rh_exclusions x;
    char err[300] = "";
    /* A one-of's choice and an optional argument. */
    assert_int_equal(gen_init_with(&g, &t, &x, "exclude kitchen xx # r\nexclude kitchen score # r\n",
                                   err, sizeof err), 0);
    const rh_cmd *k = rh_cmdtable_find(&t, "kitchen");
    int nx = 0;
    for (int n = 0; n < 2000; n++) {
        rh_program p;
        rh_program_init(&p);
        rh_op *op = rh_program_add(&p, RH_OP_COMMAND, 0);
        rh_gen_command(&g, k, op);
        assert_true(has(op, "XX") < 0);
        assert_true(has(op, "SCORE") < 0);
        nx |= has(op, "NX") >= 0;
        rh_program_free(&p);
    }
    assert_true(nx);
    rh_gen_free(&g);
    rh_exclusions_free(&x);
    /* A required argument, every choice of a one-of, a name of no argument. */
    const char *refused[] = {"exclude kitchen value # r\n",
                             "exclude kitchen nx # r\nexclude kitchen xx # r\n",
                             "exclude kitchen nothing # r\n"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(gen_init_with(&g, &t, &x, refused[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "exclusion file"));
        rh_exclusions_free(&x);
    }
    rh_cmdtable_free(&t);
}

static void program_text(rh_gen *g, size_t batches, resp_buf *out) {
    rh_program p;
    rh_program_init(&p);
    rh_gen_protocols(g, &p);
    for (size_t i = 0; i < batches; i++) rh_gen_batch(g, &p);
    for (size_t i = 0; i < p.count; i++) {
        rh_bufprintf(out, "%d:%zu:%d ", p.ops[i].conn, p.ops[i].chunk, p.ops[i].batch_end);
        rh_op_encode(&p.ops[i], "ns:", out);
    }
    for (int c = 0; c < RH_PROGRAM_CONNS; c++) rh_bufprintf(out, "%d", p.protos[c]);
    rh_program_free(&p);
}

static void seed_replays_the_same_bytes(void **state) {
    (void)state;
    rh_cmdtable t;
    build(&t, 0);
    resp_buf a, b, c;
    resp_buf_init(&a, NULL);
    resp_buf_init(&b, NULL);
    resp_buf_init(&c, NULL);
    rh_gen g;
    init_gen(&g, &t, NULL, 50, 42);
    program_text(&g, 300, &a);
    rh_gen_free(&g);
    init_gen(&g, &t, NULL, 50, 42);
    program_text(&g, 300, &b);
    rh_gen_free(&g);
    init_gen(&g, &t, NULL, 50, 43);
    program_text(&g, 300, &c);
    rh_gen_free(&g);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_false(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
    resp_buf_free(&a);
    resp_buf_free(&b);
    resp_buf_free(&c);
    rh_cmdtable_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_has_every_argument_kind),
        cmocka_unit_test(table_refuses_an_unknown_argument_type),
        cmocka_unit_test(command_names_include_subcommands),
        cmocka_unit_test(generated_commands_follow_the_tree),
        cmocka_unit_test(spoiled_commands_keep_their_keys),
        cmocka_unit_test(choice_of_commands),
        cmocka_unit_test(exclusion_file_needs_reasons),
        cmocka_unit_test(excluded_arguments_are_never_generated),
        cmocka_unit_test(seed_replays_the_same_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
