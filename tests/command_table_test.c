/* tests/command_table_test.c - every command descriptor is whole: what
 * dispatch, COMMAND INFO and COMMAND DOCS read is there, and the facts
 * that appear twice in a descriptor (a flag bit and its COMMAND INFO
 * word, a key argument and its key spec) agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "command.h"

static int has_word(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) return 1;
    return 0;
}

static size_t spec_count(const mr_command *cmd) {
    size_t n = 0;
    if (cmd->key_specs != NULL)
        while (cmd->key_specs[n].flags != NULL) n++;
    return n;
}

/* Every "key" argument, at any depth, names an existing key spec. */
static void check_key_args(const mr_command *cmd, const mr_doc_arg *args) {
    for (const mr_doc_arg *a = args; a != NULL && a->name != NULL; a++) {
        assert_non_null(a->type);
        if (strcmp(a->type, "key") == 0 && (size_t)a->key_spec >= spec_count(cmd))
            fail_msg("%s: argument '%s' names key spec %d of %zu", cmd->name, a->name,
                     a->key_spec, spec_count(cmd));
        check_key_args(cmd, a->args);
    }
}

#define REQUIRE(cmd, field)                                                      \
    do {                                                                         \
        if ((cmd)->field == NULL) fail_msg("%s: no " #field, (cmd)->name);       \
    } while (0)

static void check_descriptor(const mr_command *cmd, const char *parent) {
    if (parent != NULL && (strncmp(cmd->name, parent, strlen(parent)) != 0 ||
                           cmd->name[strlen(parent)] != '|'))
        fail_msg("%s: a subcommand of %s is named 'parent|name'", cmd->name, parent);
    for (const char *p = cmd->name; *p; p++)
        if (*p >= 'A' && *p <= 'Z') fail_msg("%s: names are lower case", cmd->name);
    if (cmd->arity == 0) fail_msg("%s: no arity", cmd->name);
    if (cmd->proc == NULL && cmd->subcommands == NULL)
        fail_msg("%s: neither a procedure nor subcommands", cmd->name);
    if (!mr_command_listed(cmd)) return; /* the HTTP catchers have no docs */
    REQUIRE(cmd, summary);
    REQUIRE(cmd, group);
    REQUIRE(cmd, since);
    if (strcmp(cmd->name, "monitor") != 0) REQUIRE(cmd, complexity); /* Redis gives none */
    REQUIRE(cmd, info_flags);
    REQUIRE(cmd, acl);
    REQUIRE(cmd, tips);
    /* A command that takes arguments documents them (a subcommand's name
     * is two words), except where Redis 7.0.15's COMMAND DOCS lists none:
     * COMMAND GETKEYS and GETKEYSANDFLAGS, whose argument is a whole
     * command, and DEBUG. */
    int words = parent != NULL ? 2 : 1;
    if ((cmd->arity > words || cmd->arity < -words) && cmd->subcommands == NULL &&
        strcmp(cmd->name, "command|getkeys") != 0 &&
        strcmp(cmd->name, "command|getkeysandflags") != 0 && strcmp(cmd->name, "debug") != 0)
        REQUIRE(cmd, args);
    if (!(cmd->flags & MR_CMD_NOAUTH) != !has_word(cmd->info_flags, "no_auth"))
        fail_msg("%s: MR_CMD_NOAUTH and COMMAND INFO's no_auth disagree", cmd->name);
    if (!(cmd->flags & MR_CMD_NO_MULTI) != !has_word(cmd->info_flags, "no_multi"))
        fail_msg("%s: MR_CMD_NO_MULTI and COMMAND INFO's no_multi disagree", cmd->name);
    check_key_args(cmd, cmd->args);
}

static void every_descriptor_is_whole(void **state) {
    (void)state;
    size_t count;
    const mr_command *table = mr_command_table(&count);
    assert_true(count > 60);
    for (size_t i = 0; i < count; i++) {
        check_descriptor(&table[i], NULL);
        for (const mr_command *s = table[i].subcommands; s != NULL && s->name != NULL; s++)
            check_descriptor(s, table[i].name);
    }
}

/* A container with a HELP subcommand has a help entry for each of its
 * subcommands, so that HELP lists them all; each entry is a syntax line
 * then description lines indented by four spaces, and the container's
 * own entry exists only when it runs without a subcommand. */
static void check_help_entry(const mr_command *cmd) {
    const char *e = cmd->help;
    if (e[0] == ' ' || e[0] == '\n') fail_msg("%s: help begins with its syntax line", cmd->name);
    size_t descriptions = 0;
    for (const char *nl = strchr(e, '\n'); nl != NULL; nl = strchr(nl + 1, '\n')) {
        if (strncmp(nl + 1, "    ", 4) != 0 || nl[5] == ' ' || nl[5] == '\n' || nl[5] == '\0')
            fail_msg("%s: help description lines are indented by four spaces", cmd->name);
        descriptions++;
    }
    if (descriptions == 0) fail_msg("%s: help has no description", cmd->name);
}

static void help_lists_every_subcommand(void **state) {
    (void)state;
    size_t count;
    const mr_command *table = mr_command_table(&count);
    size_t containers_with_help = 0;
    for (size_t i = 0; i < count; i++) {
        const mr_command *c = &table[i];
        if (c->subcommands == NULL) {
            if (c->help != NULL) fail_msg("%s: help without subcommands", c->name);
            continue;
        }
        size_t plen = strlen(c->name);
        if (mr_subcommand_lookup(c, "help", 4) == NULL) {
            for (const mr_command *s = c->subcommands; s->name != NULL; s++)
                if (s->help != NULL) fail_msg("%s: help, but %s has no HELP", s->name, c->name);
            continue;
        }
        containers_with_help++;
        if ((c->help != NULL) != (c->proc != NULL))
            fail_msg("%s: a help entry of its own exactly when it runs alone", c->name);
        if (c->help != NULL) check_help_entry(c);
        for (const mr_command *s = c->subcommands; s->name != NULL; s++) {
            if (s->help == NULL) fail_msg("%s: no help entry", s->name);
            check_help_entry(s);
            if (strncasecmp(s->help, s->name + plen + 1, strlen(s->name) - plen - 1) != 0)
                fail_msg("%s: help's syntax line starts with the subcommand's name", s->name);
        }
    }
    assert_true(containers_with_help >= 4);
}

/* In name order, each name once, so a reader finds a command where it
 * belongs and a second descriptor cannot shadow the first. */
static void names_are_sorted_and_unique(void **state) {
    (void)state;
    size_t count;
    const mr_command *table = mr_command_table(&count);
    for (size_t i = 1; i < count; i++)
        if (strcmp(table[i - 1].name, table[i].name) >= 0)
            fail_msg("'%s' comes before '%s'", table[i - 1].name, table[i].name);
}

/* Dispatch finds every command, and every subcommand through its
 * container, by the name COMMAND lists. */
static void lookup_finds_every_name(void **state) {
    (void)state;
    size_t count;
    const mr_command *table = mr_command_table(&count);
    for (size_t i = 0; i < count; i++) {
        const mr_command *c = &table[i];
        assert_ptr_equal(mr_command_lookup(c->name, strlen(c->name)), c);
        size_t plen = strlen(c->name);
        for (const mr_command *s = c->subcommands; s != NULL && s->name != NULL; s++)
            assert_ptr_equal(mr_subcommand_lookup(c, s->name + plen + 1, strlen(s->name) - plen - 1),
                             s);
    }
    assert_null(mr_command_lookup("nosuch", 6));
    assert_non_null(mr_command_lookup("GET\0x", 5)); /* compared up to a NUL, as Redis does */
}

/* COMMAND INFO's legacy key range, derived from the key specs. */
static void key_ranges(void **state) {
    (void)state;
    static const struct {
        const char *name;
        int first, last, step;
    } want[] = {{"get", 1, 1, 1},  {"mset", 1, -1, 2}, {"rename", 1, 2, 1},
                {"del", 1, -1, 1}, {"ping", 0, 0, 0},  {"client", 0, 0, 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const mr_command *c = mr_command_lookup(want[i].name, strlen(want[i].name));
        assert_non_null(c);
        int first, last, step;
        mr_command_key_range(c, &first, &last, &step);
        assert_int_equal(first, want[i].first);
        assert_int_equal(last, want[i].last);
        assert_int_equal(step, want[i].step);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_descriptor_is_whole),
        cmocka_unit_test(help_lists_every_subcommand),
        cmocka_unit_test(names_are_sorted_and_unique),
        cmocka_unit_test(lookup_finds_every_name),
        cmocka_unit_test(key_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
