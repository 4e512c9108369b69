/* server/main.c - mini-redis-server [--name value ...] */
#include <stdio.h>
#include <string.h>

#include <resp/resp.h>

#include "config.h"
#include "net.h"

static const char PROG[] = "mini-redis-server";

static const struct {
    const char *name;
    const char *arg;
    const char *help;
} flag_help[] = {
    {"port", "<port>", "TCP port (0: no TCP listener, so nothing to serve)"},
    {"bind", "<addr> ...",
     "addresses to listen on; * = all IPv4, ::* = all IPv6, -addr = optional"},
    {"maxclients", "<n>", "connections beyond this get an error and are closed"},
    {"timeout", "<seconds>", "close clients idle this long (0 = never)"},
    {"requirepass", "<password>", "password of the default user (empty = none)"},
    {"protected-mode", "yes|no", "without a password, refuse clients not on loopback"},
    {"proto-max-bulk-len", "<bytes>",
     "longest bulk string in a request (units: 1k 1kb 1m 1mb 1g 1gb)"},
    {"client-query-buffer-limit", "<bytes>", "largest unparsed input per client"},
    {"client-output-buffer-limit", "<class hard soft secs> ...",
     "output limits per class: normal, pubsub (replica/slave accepted and ignored)"},
    {"loglevel", "debug|verbose|notice|warning", "what goes to the log on stderr"},
    {"hz", "<n>", "timer frequency (expiry, timeouts), clamped to 1..500"},
    {"databases", "<n>", "number of databases (SELECT 0..n-1)"},
    {"enable-debug-command", "no|yes|local",
     "who may run DEBUG: nobody, anyone, or connections from this machine"},
    {"maxmemory-policy", "noeviction|allkeys-lfu|...",
     "decides what OBJECT FREQ and IDLETIME track (nothing is evicted)"},
    {"notify-keyspace-events", "<classes>",
     "key events published on __keyspace@N__ / __keyevent@N__ (K E g $ l s h z x e t m d n A)"},
    {"save", "<seconds changes> ...", "accepted and ignored: nothing is persisted"},
    {"appendonly", "no", "accepted for compatibility; yes is refused"},
    {"daemonize", "no", "accepted for compatibility; yes is refused (runs in the foreground)"},
};

static void print_flag(void *ud, const char *name, const char *value, size_t vlen) {
    (void)vlen; /* the defaults hold no NUL */
    FILE *out = ud;
    const char *arg = "<value>", *help = "";
    for (size_t i = 0; i < sizeof flag_help / sizeof flag_help[0]; i++) {
        if (strcmp(flag_help[i].name, name) == 0) {
            arg = flag_help[i].arg;
            help = flag_help[i].help;
        }
    }
    fprintf(out, "  --%s %s\n      %s\n      default: \"%s\"\n", name, arg, help, value);
}

static void usage(FILE *out) {
    mr_config defaults;
    mr_config_defaults(&defaults);
    fprintf(out,
            "Usage: %s [--name value ...]\n"
            "       %s --help | --version\n"
            "\n"
            "A Redis 7.0-compatible server.  Settings are spelled as redis-server spells\n"
            "them and CONFIG GET reports them; a list value may be one argument or\n"
            "several (--bind \"127.0.0.1 ::1\" or --bind 127.0.0.1 ::1).  --help and\n"
            "--version must come first.\n"
            "\n"
            "Settings:\n",
            PROG, PROG);
    mr_config_get(&defaults, "*", 1, print_flag, out);
    fprintf(out,
            "\n"
            "  --help       this text\n"
            "  --version    the version\n");
}

int main(int argc, char **argv) {
    /* First in place only, as redis-server takes them: later, "--help"
     * may be a value (--requirepass --help). */
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0)) {
        printf("%s v=%s (Redis 7.0 compatible)\n", PROG, resp_version());
        return 0;
    }

    mr_config cfg;
    mr_config_defaults(&cfg);
    char err[1024];
    if (mr_config_parse_args(&cfg, argc - 1, argv + 1, err, sizeof err) != 0) {
        fprintf(stderr,
                "\n*** FATAL CONFIG ERROR (%s v=%s) ***\n%s\n"
                "Run '%s --help' for the supported settings.\n",
                PROG, resp_version(), err, PROG);
        return 1;
    }

    mr_net_log(cfg.loglevel, MR_LOG_WARNING, "oO0OoO0OoO0Oo %s is starting oO0OoO0OoO0Oo", PROG);
    mr_net_log(cfg.loglevel, MR_LOG_WARNING,
               "%s version=%s (Redis 7.0 compatible), bits=%d, just started", PROG,
               resp_version(), (int)(sizeof(void *) * 8));
    mr_net_log(cfg.loglevel, MR_LOG_WARNING, "Configuration loaded");
    return mr_net_run(&cfg) == 0 ? 0 : 1;
}
