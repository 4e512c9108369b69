/* server/cmd_command.c - COMMAND and its subcommands COUNT, DOCS, INFO
 * and LIST, read from the command descriptors (command_table.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "glob.h"

/* ---- COMMAND ---- */

static size_t subcommand_count(const mr_command *cmd) {
    size_t n = 0;
    if (cmd->subcommands != NULL)
        while (cmd->subcommands[n].name != NULL) n++;
    return n;
}

/* "get", "GET", "client|kill": one level of subcommands, as Redis looks
 * names up; NULL for anything else. */
static const mr_command *lookup_full_name(const resp_span *a) {
    size_t len = mr_cstr_len(a->ptr, a->len);
    const char *bar = memchr(a->ptr, '|', len);
    if (bar == NULL) {
        const mr_command *cmd = mr_command_lookup(a->ptr, len);
        return cmd != NULL && mr_command_listed(cmd) ? cmd : NULL;
    }
    const char *sub = bar + 1;
    size_t sublen = len - (size_t)(sub - a->ptr);
    if (memchr(sub, '|', sublen) != NULL) return NULL;
    const mr_command *parent = mr_command_lookup(a->ptr, (size_t)(bar - a->ptr));
    return parent != NULL ? mr_subcommand_lookup(parent, sub, sublen) : NULL;
}

#define MAX_INFO_SUBCOMMANDS 32

static int by_name(const void *a, const void *b) {
    return strcmp((*(const mr_command *const *)a)->name, (*(const mr_command *const *)b)->name);
}

/* The subcommands COMMAND INFO lists under cmd, sorted by name.  Redis
 * lists them in its hash table's order, which changes from one process to
 * the next. */
static size_t info_subcommands(const mr_command *cmd, const mr_command **out) {
    size_t n = 0;
    if (cmd->subcommands == NULL) return 0;
    for (const mr_command *s = cmd->subcommands; s->name != NULL; s++)
        if (n < MAX_INFO_SUBCOMMANDS) out[n++] = s;
    qsort(out, n, sizeof *out, by_name);
    return n;
}

/* find_keys's spec: a map of three named numbers. */
static void add_spec_numbers(mr_conn *c, const char *n1, int v1, const char *n2, int v2,
                             const char *n3, int v3) {
    mr_add_bulk_cstr(c, "spec");
    mr_add_map(c, 3);
    mr_add_bulk_cstr(c, n1);
    mr_add_integer(c, v1);
    mr_add_bulk_cstr(c, n2);
    mr_add_integer(c, v2);
    mr_add_bulk_cstr(c, n3);
    mr_add_integer(c, v3);
}

static void add_key_spec(mr_conn *c, const mr_key_spec *k) {
    mr_add_map(c, k->notes != NULL ? 4 : 3);
    if (k->notes != NULL) {
        mr_add_bulk_cstr(c, "notes");
        mr_add_bulk_cstr(c, k->notes);
    }
    mr_add_bulk_cstr(c, "flags");
    mr_add_word_set(c, k->flags, 1);
    mr_add_bulk_cstr(c, "begin_search");
    mr_add_map(c, 2);
    mr_add_bulk_cstr(c, "type");
    mr_add_bulk_cstr(c, "index");
    mr_add_bulk_cstr(c, "spec");
    mr_add_map(c, 1);
    mr_add_bulk_cstr(c, "index");
    mr_add_integer(c, k->index);
    mr_add_bulk_cstr(c, "find_keys");
    mr_add_map(c, 2);
    mr_add_bulk_cstr(c, "type");
    switch (k->find) {
    case MR_FIND_RANGE:
        mr_add_bulk_cstr(c, "range");
        add_spec_numbers(c, "lastkey", k->lastkey, "keystep", k->keystep, "limit", k->limit);
        return;
    case MR_FIND_KEYNUM:
        mr_add_bulk_cstr(c, "keynum");
        add_spec_numbers(c, "keynumidx", k->keynumidx, "firstkey", k->firstkey, "keystep",
                         k->keystep);
        return;
    }
}

/* One COMMAND INFO entry: name, arity, flags, first key, last key, step,
 * ACL categories, tips, key specs, subcommands (as Redis 7.0 types them
 * in RESP3: sets, except a non-empty list of subcommands). */
static void add_command_info(mr_conn *c, const mr_command *cmd) {
    int first, last, step;
    mr_command_key_range(cmd, &first, &last, &step);
    mr_add_array(c, 10);
    mr_add_bulk_cstr(c, cmd->name);
    mr_add_integer(c, cmd->arity);
    mr_add_word_set(c, cmd->info_flags, 1);
    mr_add_integer(c, first);
    mr_add_integer(c, last);
    mr_add_integer(c, step);
    mr_add_word_set(c, cmd->acl, 1);
    mr_add_word_set(c, cmd->tips, 0);
    size_t nspecs = 0;
    if (cmd->key_specs != NULL)
        while (cmd->key_specs[nspecs].flags != NULL) nspecs++;
    mr_add_set(c, nspecs);
    for (size_t i = 0; i < nspecs; i++) add_key_spec(c, &cmd->key_specs[i]);
    /* Redis 7.0 spells "no subcommands" as an empty set, and a list of
     * them as an array. */
    const mr_command *subs[MAX_INFO_SUBCOMMANDS];
    size_t nsubs = info_subcommands(cmd, subs);
    if (nsubs == 0) mr_add_set(c, 0);
    else mr_add_array(c, nsubs);
    for (size_t i = 0; i < nsubs; i++) add_command_info(c, subs[i]);
}

static void add_all_command_info(mr_conn *c) {
    size_t count, listed = 0;
    const mr_command *table = mr_command_table(&count);
    for (size_t i = 0; i < count; i++) listed += mr_command_listed(&table[i]);
    mr_add_array(c, listed);
    for (size_t i = 0; i < count; i++)
        if (mr_command_listed(&table[i])) add_command_info(c, &table[i]);
}

void mr_cmd_command(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    add_all_command_info(c);
}

void mr_cmd_command_info(mr_conn *c, size_t argc, const resp_span *argv) {
    if (argc == 2) {
        add_all_command_info(c);
        return;
    }
    mr_add_array(c, argc - 2);
    for (size_t i = 2; i < argc; i++) {
        const mr_command *cmd = lookup_full_name(&argv[i]);
        if (cmd != NULL) add_command_info(c, cmd);
        else mr_add_null(c);
    }
}

void mr_cmd_command_count(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    size_t count, listed = 0;
    const mr_command *table = mr_command_table(&count);
    for (size_t i = 0; i < count; i++) listed += mr_command_listed(&table[i]);
    mr_add_integer(c, (long long)listed);
}

static size_t doc_arg_count(const mr_doc_arg *args) {
    size_t n = 0;
    if (args != NULL)
        while (args[n].name != NULL) n++;
    return n;
}

static void add_doc_args(mr_conn *c, const mr_doc_arg *args) {
    size_t n = doc_arg_count(args);
    mr_add_array(c, n);
    for (size_t i = 0; i < n; i++) {
        const mr_doc_arg *a = &args[i];
        int is_key = strcmp(a->type, "key") == 0;
        mr_add_map(c, 2 + (size_t)is_key + (a->token != NULL) + (a->since != NULL) +
                          (a->deprecated != NULL) + (a->flags != NULL) + (a->args != NULL));
        mr_add_bulk_cstr(c, "name");
        mr_add_bulk_cstr(c, a->name);
        mr_add_bulk_cstr(c, "type");
        mr_add_bulk_cstr(c, a->type);
        if (is_key) {
            mr_add_bulk_cstr(c, "key_spec_index");
            mr_add_integer(c, a->key_spec);
        }
        if (a->token != NULL) {
            mr_add_bulk_cstr(c, "token");
            mr_add_bulk_cstr(c, a->token);
        }
        if (a->since != NULL) {
            mr_add_bulk_cstr(c, "since");
            mr_add_bulk_cstr(c, a->since);
        }
        if (a->deprecated != NULL) {
            mr_add_bulk_cstr(c, "deprecated_since");
            mr_add_bulk_cstr(c, a->deprecated);
        }
        if (a->flags != NULL) {
            mr_add_bulk_cstr(c, "flags");
            mr_add_word_set(c, a->flags, 1);
        }
        if (a->args != NULL) {
            mr_add_bulk_cstr(c, "arguments");
            add_doc_args(c, a->args);
        }
    }
}

/* COMMAND DOCS history: [version, change] pairs, in a set under RESP3 as
 * Redis sends it. */
static void add_doc_history(mr_conn *c, const mr_doc_history *h) {
    size_t n = 0;
    while (h[n].version != NULL) n++;
    mr_add_set(c, n);
    for (size_t i = 0; i < n; i++) {
        mr_add_array(c, 2);
        mr_add_bulk_cstr(c, h[i].version);
        mr_add_bulk_cstr(c, h[i].change);
    }
}

/* One COMMAND DOCS value: summary, since, group, complexity (which
 * Redis leaves out for MONITOR: NULL), then history, arguments and
 * subcommands when there are any. */
static void add_command_docs(mr_conn *c, const mr_command *cmd) {
    size_t nsubs = subcommand_count(cmd);
    int has_history = cmd->history != NULL, has_args = cmd->args != NULL;
    size_t deprecation = (cmd->doc_flags != NULL) + (cmd->deprecated_since != NULL) +
                         (cmd->replaced_by != NULL);
    mr_add_map(c, 3 + (cmd->complexity != NULL) + deprecation + (size_t)has_history +
                      (size_t)has_args + (nsubs > 0));
    mr_add_bulk_cstr(c, "summary");
    mr_add_bulk_cstr(c, cmd->summary);
    mr_add_bulk_cstr(c, "since");
    mr_add_bulk_cstr(c, cmd->since);
    mr_add_bulk_cstr(c, "group");
    mr_add_bulk_cstr(c, cmd->group);
    if (cmd->complexity != NULL) {
        mr_add_bulk_cstr(c, "complexity");
        mr_add_bulk_cstr(c, cmd->complexity);
    }
    if (cmd->doc_flags != NULL) {
        mr_add_bulk_cstr(c, "doc_flags");
        mr_add_word_set(c, cmd->doc_flags, 1);
    }
    if (cmd->deprecated_since != NULL) {
        mr_add_bulk_cstr(c, "deprecated_since");
        mr_add_bulk_cstr(c, cmd->deprecated_since);
    }
    if (cmd->replaced_by != NULL) {
        mr_add_bulk_cstr(c, "replaced_by");
        mr_add_bulk_cstr(c, cmd->replaced_by);
    }
    if (has_history) {
        mr_add_bulk_cstr(c, "history");
        add_doc_history(c, cmd->history);
    }
    if (has_args) {
        mr_add_bulk_cstr(c, "arguments");
        add_doc_args(c, cmd->args);
    }
    if (nsubs > 0) {
        mr_add_bulk_cstr(c, "subcommands");
        mr_add_map(c, nsubs);
        for (size_t i = 0; i < nsubs; i++) {
            mr_add_bulk_cstr(c, cmd->subcommands[i].name);
            add_command_docs(c, &cmd->subcommands[i]);
        }
    }
}

/* A map of name -> docs: every command, or the ones named (unknown names
 * are left out, repeated ones repeated). */
void mr_cmd_command_docs(mr_conn *c, size_t argc, const resp_span *argv) {
    if (argc == 2) {
        size_t count, listed = 0;
        const mr_command *table = mr_command_table(&count);
        for (size_t i = 0; i < count; i++) listed += mr_command_listed(&table[i]);
        mr_add_map(c, listed);
        for (size_t i = 0; i < count; i++) {
            if (!mr_command_listed(&table[i])) continue;
            mr_add_bulk_cstr(c, table[i].name);
            add_command_docs(c, &table[i]);
        }
        return;
    }
    size_t found = 0;
    for (size_t i = 2; i < argc; i++) found += lookup_full_name(&argv[i]) != NULL;
    mr_add_map(c, found);
    for (size_t i = 2; i < argc; i++) {
        const mr_command *cmd = lookup_full_name(&argv[i]);
        if (cmd == NULL) continue;
        mr_add_bulk_cstr(c, cmd->name);
        add_command_docs(c, cmd);
    }
}

enum { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };

static int list_filter_matches(const mr_command *cmd, int type, const resp_span *arg) {
    switch (type) {
    case FILTER_MODULE:
        return 0; /* no command comes from a module */
    case FILTER_ACLCAT: {
        size_t alen = mr_cstr_len(arg->ptr, arg->len);
        const char *w;
        size_t n;
        for (const char *p = cmd->acl; (n = mr_next_word(&p, &w)) > 0;)
            if (n == alen + 1 && strncasecmp(w + 1, arg->ptr, alen) == 0) return 1;
        return 0;
    }
    case FILTER_PATTERN:
        return mr_glob_match(arg->ptr, mr_cstr_len(arg->ptr, arg->len), cmd->name,
                             strlen(cmd->name), 1);
    default:
        return 1;
    }
}

/* COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]:
 * every command followed by its subcommands, each tested on its own. */
void mr_cmd_command_list(mr_conn *c, size_t argc, const resp_span *argv) {
    int type = FILTER_NONE;
    const resp_span *arg = NULL;
    if (argc != 2) {
        if (argc != 5 || !mr_arg_is(&argv[2], "filterby")) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
        if (mr_arg_is(&argv[3], "module")) type = FILTER_MODULE;
        else if (mr_arg_is(&argv[3], "aclcat")) type = FILTER_ACLCAT;
        else if (mr_arg_is(&argv[3], "pattern")) type = FILTER_PATTERN;
        else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
        arg = &argv[4];
    }
    size_t count;
    const mr_command *table = mr_command_table(&count);
    resp_buf names;
    resp_buf_init(&names, NULL);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!mr_command_listed(&table[i])) continue;
        if (list_filter_matches(&table[i], type, arg)) {
            resp_write_bulk_string(&names, table[i].name, strlen(table[i].name));
            n++;
        }
        for (const mr_command *s = table[i].subcommands; s != NULL && s->name != NULL; s++) {
            if (!list_filter_matches(s, type, arg)) continue;
            resp_write_bulk_string(&names, s->name, strlen(s->name));
            n++;
        }
    }
    mr_add_array(c, n);
    mr_add_raw(c, names.data, names.len);
    resp_buf_free(&names);
}

