/* server/cmd_help.c - HELP of every container (CONFIG HELP, OBJECT HELP,
 * ...), written from the help entries of its descriptors (command.h). */
#include <ctype.h>
#include <string.h>

#include "commands.h"

/* Lines in an entry: one more than its newlines. */
static size_t entry_lines(const char *entry) {
    size_t n = 1;
    for (const char *p = entry; (p = strchr(p, '\n')) != NULL; p++) n++;
    return n;
}

static void add_entry(mr_conn *c, const char *entry) {
    for (;;) {
        const char *nl = strchr(entry, '\n');
        size_t len = nl != NULL ? (size_t)(nl - entry) : strlen(entry);
        mr_add_status_len(c, entry, len);
        if (nl == NULL) return;
        entry = nl + 1;
    }
}

/* The first line names the container in upper case, whatever case the
 * request used. */
static void add_heading(mr_conn *c, const char *name) {
    char line[96];
    size_t n = 0;
    while (name[n] != '\0' && n < 32) {
        line[n] = (char)toupper((unsigned char)name[n]);
        n++;
    }
    static const char rest[] = " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
    memcpy(line + n, rest, sizeof rest);
    mr_add_status(c, line);
}

void mr_cmd_help(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    const mr_command *parent = mr_command_lookup(argv[0].ptr, argv[0].len);
    size_t lines = 1;
    if (parent->help != NULL) lines += entry_lines(parent->help);
    for (const mr_command *s = parent->subcommands; s->name != NULL; s++)
        if (s->help != NULL) lines += entry_lines(s->help);
    mr_add_array(c, lines);
    add_heading(c, parent->name);
    if (parent->help != NULL) add_entry(c, parent->help);
    for (const mr_command *s = parent->subcommands; s->name != NULL; s++)
        if (s->help != NULL) add_entry(c, s->help);
}
