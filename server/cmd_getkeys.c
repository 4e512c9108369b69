/* server/cmd_getkeys.c - COMMAND GETKEYS and GETKEYSANDFLAGS: the keys of
 * a full command, found as Redis 7.0 finds them.
 *
 * The key specs come first.  A spec that does not fit the arguments (a
 * key count that is not a plain non-negative integer, or keys beyond the
 * end) makes Redis fall back on the command's own key finder; for the
 * commands with a key count that finder reads the count as atoi() does
 * (" 2", "2x" and "+2" are 2), lists the counted keys and then the
 * destination key, and gives no flags.  Commands whose key flags depend
 * on their arguments (SET, BITFIELD) take them from their key_flags
 * procedure. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

typedef struct key_ref {
    size_t pos;
    const char *flags; /* space-separated words, "" for none */
} key_ref;

static size_t spec_count(const mr_command *cmd) {
    size_t n = 0;
    if (cmd->key_specs != NULL)
        while (cmd->key_specs[n].flags != NULL) n++;
    return n;
}

/* A key count truncated to an int, as Redis stores it. */
static long long as_int(long long v) {
    return (int32_t)(uint32_t)(unsigned long long)v;
}

/* The keys one spec finds in argv[0..argc), appended to refs; 0 when the
 * spec does not fit. */
static int find_by_spec(const mr_key_spec *spec, size_t argc, const resp_span *argv,
                        key_ref *refs, size_t *n) {
    long long first = spec->index, last = -1, step = 1, count;
    long long nargs = (long long)argc;
    switch (spec->find) {
    case MR_FIND_RANGE:
        step = spec->keystep;
        if (spec->lastkey >= 0) last = first + spec->lastkey;
        else if (spec->limit == 0) last = nargs + spec->lastkey;
        else last = first + (nargs - first) / spec->limit + spec->lastkey;
        break;
    case MR_FIND_KEYNUM:
        step = spec->keystep;
        if (first + spec->keynumidx >= nargs) return 0;
        if (!mr_parse_ll(&argv[first + spec->keynumidx], &count) || count < 0) return 0;
        first += spec->firstkey;
        last = first + as_int(count) - 1;
        break;
    }
    if (last >= nargs || last < first || first >= nargs) return 0;
    for (long long i = first; i <= last; i += step)
        refs[(*n)++] = (key_ref){(size_t)i, spec->flags};
    return 1;
}

/* A number as C's atoi reads it: what Redis's own key finders use. */
static long long atoi_arg(const resp_span *a) {
    char *s = mr_xmalloc(a->len + 1);
    memcpy(s, a->ptr, a->len);
    s[a->len] = '\0';
    long v = strtol(s, NULL, 10);
    free(s);
    return as_int(v);
}

/* The key finder of a command with a key count: the counted keys, then
 * the key of any other spec (a destination), all without flags; none
 * when the count is below 1 or more than the arguments hold. */
static size_t find_counted(const mr_command *cmd, size_t argc, const resp_span *argv,
                           key_ref *refs) {
    const mr_key_spec *counted = NULL, *dest = NULL;
    for (const mr_key_spec *s = cmd->key_specs; s->flags != NULL; s++) {
        if (s->find == MR_FIND_KEYNUM) counted = s;
        else dest = s;
    }
    if (counted == NULL) return 0;
    long long first = counted->index + counted->firstkey;
    long long num = atoi_arg(&argv[counted->index + counted->keynumidx]);
    if (num < 1 || num > ((long long)argc - first) / counted->keystep) return 0;
    size_t n = 0;
    for (long long i = 0; i < num; i++)
        refs[n++] = (key_ref){(size_t)(first + i * counted->keystep), ""};
    if (dest != NULL) refs[n++] = (key_ref){(size_t)dest->index, ""};
    return n;
}

static size_t find_keys(const mr_command *cmd, size_t argc, const resp_span *argv,
                        key_ref *refs) {
    size_t n = 0;
    for (const mr_key_spec *s = cmd->key_specs; s->flags != NULL; s++) {
        if (!find_by_spec(s, argc, argv, refs, &n)) return find_counted(cmd, argc, argv, refs);
    }
    if (cmd->key_flags != NULL) {
        const char *flags = cmd->key_flags(argc, argv);
        for (size_t i = 0; i < n; i++) refs[i].flags = flags;
    }
    return n;
}

/* The command named by argv[0] (and argv[1] for a container), as Redis
 * looks it up here: no "container|sub" names. */
static const mr_command *lookup(size_t argc, const resp_span *argv) {
    const mr_command *cmd = mr_command_lookup(argv[0].ptr, argv[0].len);
    if (cmd == NULL || cmd->subcommands == NULL || argc == 1) return cmd;
    return mr_subcommand_lookup(cmd, argv[1].ptr, argv[1].len);
}

static int arity_fits(const mr_command *cmd, size_t argc) {
    long long n = (long long)argc;
    return cmd->arity > 0 ? n == cmd->arity : n >= -(long long)cmd->arity;
}

static void getkeys(mr_conn *c, size_t argc, const resp_span *argv, int with_flags) {
    size_t n_args = argc - 2;
    const resp_span *args = argv + 2;
    const mr_command *cmd = lookup(n_args, args);
    if (cmd == NULL) {
        mr_add_error(c, "ERR Invalid command specified");
        return;
    }
    if (cmd->key_specs == NULL) {
        mr_add_error(c, "ERR The command has no key arguments");
        return;
    }
    if (!arity_fits(cmd, n_args)) {
        mr_add_error(c, "ERR Invalid number of arguments specified for command");
        return;
    }
    key_ref *refs = mr_xmalloc((n_args * spec_count(cmd) + 1) * sizeof *refs);
    size_t n = find_keys(cmd, n_args, args, refs);
    if (n == 0) {
        mr_add_error(c, "ERR Invalid arguments specified for command");
    } else {
        mr_add_array(c, n);
        for (size_t i = 0; i < n; i++) {
            if (with_flags) mr_add_array(c, 2);
            mr_add_bulk(c, args[refs[i].pos].ptr, args[refs[i].pos].len);
            if (with_flags) mr_add_word_set(c, refs[i].flags, 1);
        }
    }
    free(refs);
}

void mr_cmd_command_getkeys(mr_conn *c, size_t argc, const resp_span *argv) {
    getkeys(c, argc, argv, 0);
}

void mr_cmd_command_getkeysandflags(mr_conn *c, size_t argc, const resp_span *argv) {
    getkeys(c, argc, argv, 1);
}

size_t mr_command_keys(const mr_command *cmd, size_t argc, const resp_span *argv, size_t **pos) {
    *pos = NULL;
    if (cmd->key_specs == NULL) return 0;
    key_ref *refs = mr_xmalloc((argc * spec_count(cmd) + 1) * sizeof *refs);
    size_t n = find_keys(cmd, argc, argv, refs);
    *pos = mr_xmalloc((n + 1) * sizeof **pos);
    for (size_t i = 0; i < n; i++) (*pos)[i] = refs[i].pos;
    free(refs);
    return n;
}
