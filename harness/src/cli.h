/* harness/src/cli.h - respect's command line: the commands, their
 * options, and the help texts made from the same table. */
#ifndef RH_CLI_H
#define RH_CLI_H

#include <stddef.h>

typedef enum rh_command {
    RH_CMD_RUN,
    RH_CMD_DIFF,
    RH_CMD_RECORD,
    RH_CMD_TABLE,
    RH_CMD_LIST,
    RH_CMD_FUZZ, /* parsed by fuzz.c; listed here for the help */
    RH_CMD_COUNT
} rh_command;

/* What every command exits with (and the help says). */
enum { RH_EXIT_OK = 0, RH_EXIT_FAILED = 1, RH_EXIT_USAGE = 2 };

typedef struct rh_options {
    rh_command cmd;
    const char *server, *a, *b;
    const char *name, *name_a, *name_b;
    const char *tags, *exclude_tags, *skip_file;
    const char *server_args;
    const char *user, *password;
    const char *json, *junit;
    long long resp, timeout, settle, jobs;
    int allow_flush, fail_fast, verbose, html;
    char **paths;
    size_t npaths;
} rh_options;

/* Parses argv (argv[1] is the command).  --help, -h and --version print
 * to stdout and exit 0; a usage error prints one line and exits 2. */
void rh_parse_options(rh_options *o, int argc, char **argv);
void rh_options_free(rh_options *o);

/* The command's name as typed ("run"). */
const char *rh_command_name(rh_command c);

#endif /* RH_CLI_H */
