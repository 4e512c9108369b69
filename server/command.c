/* server/command.c - finding commands in the table, and what COMMAND INFO
 * derives from a descriptor. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "command.h"

/* Redis compares names as C strings: bytes after a NUL are ignored. */
static int name_is(const char *name, const char *s, size_t len) {
    size_t n = strlen(name);
    return mr_cstr_len(s, len) == n && strncasecmp(name, s, n) == 0;
}

/* name against a table name (lower case): <0, 0 or >0 as strcmp, with
 * the name's letters folded to lower case and its end at a NUL. */
static int compare_name(const char *name, size_t len, const char *tname) {
    len = mr_cstr_len(name, len);
    for (size_t i = 0;; i++) {
        int a = i < len ? tolower((unsigned char)name[i]) : 0;
        int b = (unsigned char)tname[i];
        if (a != b || a == 0) return a - b;
    }
}

/* The table is in name order (command_table.c): a binary search. */
const mr_command *mr_command_lookup(const char *name, size_t len) {
    size_t count;
    const mr_command *table = mr_command_table(&count);
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = compare_name(name, len, table[mid].name);
        if (cmp == 0) return &table[mid];
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

const mr_command *mr_subcommand_lookup(const mr_command *parent, const char *sub, size_t len) {
    if (parent->subcommands == NULL) return NULL;
    size_t plen = strlen(parent->name);
    for (const mr_command *s = parent->subcommands; s->name != NULL; s++)
        if (name_is(s->name + plen + 1, sub, len)) return s;
    return NULL;
}

int mr_command_listed(const mr_command *cmd) {
    return !(cmd->flags & MR_CMD_HTTP);
}

/* A word of a space-separated list. */
static int has_word(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) return 1;
    return 0;
}

int mr_command_may_replicate(const mr_command *cmd) {
    return (cmd->flags & MR_CMD_MAY_REPLICATE) || has_word(cmd->info_flags, "write");
}

int mr_command_reads(const mr_command *cmd) {
    return has_word(cmd->info_flags, "readonly");
}

int mr_command_has_flag(const mr_command *cmd, const char *word) {
    return has_word(cmd->info_flags, word);
}

/* As Redis 7.0 fills the legacy range from the key specs: the first key
 * is the smallest index; the last is the furthest one a spec reaches, or
 * a spec's negative lastkey (counted from the end); the step is the
 * first spec's.  Specs with a key count (LMPOP) are left out. */
void mr_command_key_range(const mr_command *cmd, int *first, int *last, int *step) {
    *first = *last = *step = 0;
    for (const mr_key_spec *k = cmd->key_specs; k != NULL && k->flags != NULL; k++) {
        if (k->find != MR_FIND_RANGE) continue;
        if (*first == 0 || k->index < *first) *first = k->index;
        int reach = k->lastkey < 0 ? k->lastkey : k->index + k->lastkey;
        if (*last >= 0 && (reach < 0 || reach > *last)) *last = reach;
        if (*step == 0) *step = k->keystep;
    }
}
