/* server/cmd_config.c - CONFIG GET, SET, RESETSTAT and REWRITE.
 *
 * CONFIG SET takes name/value pairs and, as Redis 7.0 does, changes all of
 * them or none, in three steps:
 *  1. every name is looked up; an unknown one, an immutable one
 *     (databases) or one given twice is an error naming it as the client
 *     spelled it, and an unknown name wins over the others when it comes
 *     first;
 *  2. the values are parsed into a copy of the settings (config.c); the
 *     first bad one is an error naming the setting;
 *  3. the copy becomes the server's settings and the changes that need
 *     more than that take effect: the host listens anew for port/bind and
 *     makes room for maxclients, and connections set up their request
 *     parser again for proto-max-bulk-len and requirepass.  When one
 *     cannot take effect, the old settings come back.
 * Everything else (timeout, hz, loglevel, client-output-buffer-limit,
 * client-query-buffer-limit, protected-mode) is read where it is used.
 *
 * save and appendonly no are accepted and change nothing: nothing is
 * persisted, and CONFIG GET save stays empty. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

/* ---- CONFIG GET ---- */

typedef struct config_pairs {
    mr_str **items; /* name, value, name, value, ... */
    size_t n, cap;
} config_pairs;

/* Each setting once, even when several patterns match it: an exact name
 * keeps the spelling it was first asked with. */
static void collect_setting(void *ud, const char *name, const char *value, size_t vlen) {
    config_pairs *p = ud;
    for (size_t i = 0; i < p->n; i += 2)
        if (strcasecmp(p->items[i]->data, name) == 0) return;
    if (p->n + 2 > p->cap) {
        p->cap = p->cap != 0 ? p->cap * 2 : 16;
        p->items = mr_xrealloc(p->items, p->cap * sizeof *p->items);
    }
    p->items[p->n++] = mr_str_new(name, strlen(name));
    p->items[p->n++] = mr_str_new(value, vlen);
}

void mr_cmd_config_get(mr_conn *c, size_t argc, const resp_span *argv) {
    config_pairs p = {NULL, 0, 0};
    for (size_t i = 2; i < argc; i++)
        mr_config_get(&c->srv->cfg, argv[i].ptr, argv[i].len, collect_setting, &p);
    mr_add_map(c, p.n / 2);
    for (size_t i = 0; i < p.n; i++) {
        mr_add_bulk(c, p.items[i]->data, p.items[i]->len);
        free(p.items[i]);
    }
    free(p.items);
}

/* ---- CONFIG SET ---- */

/* An argument as a C string, cut at a NUL as Redis reads names. */
static char *arg_cstr(const resp_span *a) {
    const char *nul = memchr(a->ptr, '\0', a->len);
    return mr_xstrndup(a->ptr, nul != NULL ? (size_t)(nul - a->ptr) : a->len);
}

static void reply_failed(mr_conn *c, const char *name, const char *why) {
    mr_add_errorf(c, "ERR CONFIG SET failed (possibly related to argument '%s') - %s", name, why);
}

/* Step 1: names[i] gets the setting of pair i.  Returns 0 after replying
 * the error of the first unknown, immutable or repeated name. */
static int lookup_names(mr_conn *c, const resp_span *argv, size_t n, const char **names) {
    char *unknown = NULL, *bad = NULL;
    const char *why = NULL;
    for (size_t i = 0; i < n; i++) {
        char *spelled = arg_cstr(&argv[2 + 2 * i]);
        names[i] = mr_config_name(spelled);
        if (unknown != NULL || bad != NULL) {
            free(spelled);
            continue;
        }
        if (names[i] == NULL) {
            unknown = spelled;
            continue;
        }
        if (mr_config_immutable(names[i])) why = "can't set immutable config";
        for (size_t j = 0; why == NULL && j < i; j++)
            if (names[j] == names[i]) why = "duplicate parameter";
        if (why != NULL) bad = spelled;
        else free(spelled);
    }
    if (unknown != NULL)
        mr_add_errorf(c, "ERR Unknown option or number of arguments for CONFIG SET - '%s'",
                      unknown);
    else if (bad != NULL)
        reply_failed(c, bad, why);
    free(unknown);
    free(bad);
    return unknown == NULL && bad == NULL;
}

/* Step 2: parses every value into *next.  Returns 0 after replying the
 * first error. */
static int parse_values(mr_conn *c, const resp_span *argv, size_t n, const char **names,
                        mr_config *next) {
    char err[512];
    for (size_t i = 0; i < n; i++) {
        const resp_span *v = &argv[3 + 2 * i];
        /* CONFIG SET splits a list into words; an empty one changes no
         * class (the command line refuses it). */
        if (v->len == 0 && strcmp(names[i], "client-output-buffer-limit") == 0) continue;
        char *value = mr_xstrndup(v->ptr, v->len);
        int rc = mr_config_set_bytes(next, names[i], value, v->len, err, sizeof err);
        free(value);
        if (rc != 0) {
            reply_failed(c, names[i], err);
            return 0;
        }
    }
    return 1;
}

static int listen_changed(const mr_config *a, const mr_config *b) {
    return a->port != b->port || strcmp(a->bind, b->bind) != 0;
}

/* Step 3 for the settings the host acts on, in the order given (Redis
 * runs its apply functions so).  Returns 0 with the reason in err and the
 * setting at fault in *bad, the host having been put back as it was. */
static int apply_host(mr_server *srv, const mr_config *old, const char **names, size_t n,
                      char *err, size_t errlen, const char **bad) {
    const mr_config *cfg = &srv->cfg;
    const mr_host *h = &srv->host;
    int relistened = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        int listen_setting = strcmp(name, "port") == 0 || strcmp(name, "bind") == 0;
        if (listen_setting && !relistened && listen_changed(old, cfg) && h->relisten != NULL) {
            if (h->relisten(cfg->port, cfg->bind, h->ud) != 0) {
                snprintf(err, errlen, "%s",
                         strcmp(name, "port") == 0
                             ? "Unable to listen on this port. Check server logs."
                             : "Failed to bind to specified addresses.");
                *bad = name;
                return 0;
            }
            relistened = 1;
        }
        if (strcmp(name, "maxclients") == 0 && cfg->maxclients != old->maxclients &&
            h->reserve_clients != NULL) {
            long allowed = h->reserve_clients(cfg->maxclients, h->ud);
            if (allowed < cfg->maxclients) {
                snprintf(err, errlen,
                         "The operating system is not able to handle the specified number of "
                         "clients, try with %ld",
                         allowed);
                *bad = name;
                if (relistened) h->relisten(old->port, old->bind, h->ud);
                return 0;
            }
        }
    }
    return 1;
}

void mr_cmd_config_set(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_server *srv = c->srv;
    if (argc % 2 != 0) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    size_t n = (argc - 2) / 2;
    const char **names = mr_xmalloc(n * sizeof *names);
    mr_config old = srv->cfg, next = srv->cfg;
    if (!lookup_names(c, argv, n, names) || !parse_values(c, argv, n, names, &next)) {
        free(names);
        return;
    }
    srv->cfg = next;
    char err[256];
    const char *bad = NULL;
    if (!apply_host(srv, &old, names, n, err, sizeof err, &bad)) {
        srv->cfg = old;
        mr_log(srv, MR_LOG_WARNING,
               "Failed applying new configuration. Possibly related to new %s setting. "
               "Restoring previous settings.",
               bad);
        reply_failed(c, bad, err);
        free(names);
        return;
    }
    free(names);
    if (next.proto_max_bulk_len != old.proto_max_bulk_len ||
        next.requirepass_len != old.requirepass_len ||
        memcmp(next.requirepass, old.requirepass, next.requirepass_len) != 0)
        mr_server_parser_settings_changed(srv);
    mr_add_ok(c);
}

/* Zeroes what INFO counts (the stats, the lazy-free count, the memory
 * peak), as Redis's RESETSTAT does. */
void mr_cmd_config_resetstat(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    memset(&c->srv->stats, 0, sizeof c->srv->stats);
    mr_stats_reset(c->srv);
    mr_add_ok(c);
}

/* Settings come from the command line only: there is no file to write. */
void mr_cmd_config_rewrite(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_error(c, "ERR The server is running without a config file");
}
