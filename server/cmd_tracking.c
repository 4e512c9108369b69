/* server/cmd_tracking.c - CLIENT TRACKING, CACHING, GETREDIR and
 * TRACKINGINFO, with Redis 7.0's checks and texts (the tracking itself is
 * in tracking.c). */
#include <string.h>

#include "commands.h"

typedef struct tracking_args {
    int on;
    unsigned flags; /* BCAST, OPTIN, OPTOUT, NOLOOP */
    long long redirect;
    const resp_span *prefixes[64];
    size_t nprefixes;
} tracking_args;

static int parse_tracking(mr_conn *c, size_t argc, const resp_span *argv, tracking_args *a) {
    memset(a, 0, sizeof *a);
    if (mr_arg_is(&argv[2], "on")) a->on = 1;
    else if (!mr_arg_is(&argv[2], "off")) goto syntax;
    for (size_t j = 3; j < argc; j++) {
        int more = j + 1 < argc;
        if (mr_arg_is(&argv[j], "redirect") && more) {
            j++;
            if (a->redirect != 0) {
                mr_add_error(c, "ERR A client can only redirect to a single other client");
                return 0;
            }
            if (!mr_arg_ll(c, &argv[j], &a->redirect)) return 0;
            if (mr_conn_by_id(c->srv, (uint64_t)a->redirect) == NULL) {
                mr_add_error(c, "ERR The client ID you want redirect to does not exist");
                return 0;
            }
        } else if (mr_arg_is(&argv[j], "bcast")) {
            a->flags |= MR_TRACK_BCAST;
        } else if (mr_arg_is(&argv[j], "optin")) {
            a->flags |= MR_TRACK_OPTIN;
        } else if (mr_arg_is(&argv[j], "optout")) {
            a->flags |= MR_TRACK_OPTOUT;
        } else if (mr_arg_is(&argv[j], "noloop")) {
            a->flags |= MR_TRACK_NOLOOP;
        } else if (mr_arg_is(&argv[j], "prefix") && more) {
            j++;
            if (a->nprefixes == sizeof a->prefixes / sizeof a->prefixes[0]) {
                mr_add_error(c, "ERR too many prefixes");
                return 0;
            }
            a->prefixes[a->nprefixes++] = &argv[j];
        } else {
            goto syntax;
        }
    }
    return 1;
syntax:
    mr_add_error(c, MR_ERR_SYNTAX);
    return 0;
}

static int overlaps(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    return memcmp(a, b, n) == 0;
}

/* Redis's checkPrefixCollisionsOrReply: the new prefixes may not overlap
 * one another nor the client's current ones. */
static int prefixes_ok(mr_conn *c, const tracking_args *a) {
    for (size_t i = 0; i < a->nprefixes; i++) {
        const resp_span *p = a->prefixes[i];
        for (size_t k = 0; k < c->tracking_nprefixes; k++) {
            if (overlaps(p->ptr, p->len, c->tracking_prefixes[k], c->tracking_prefix_len[k])) {
                mr_add_errorf(c,
                              "ERR Prefix '%.*s' overlaps with an existing prefix '%s'. "
                              "Prefixes for a single client must not overlap.",
                              (int)p->len, p->ptr, c->tracking_prefixes[k]);
                return 0;
            }
        }
        for (size_t k = i + 1; k < a->nprefixes; k++) {
            const resp_span *q = a->prefixes[k];
            if (overlaps(p->ptr, p->len, q->ptr, q->len)) {
                mr_add_errorf(c,
                              "ERR Prefix '%.*s' overlaps with another provided prefix '%.*s'. "
                              "Prefixes for a single client must not overlap.",
                              (int)p->len, p->ptr, (int)q->len, q->ptr);
                return 0;
            }
        }
    }
    return 1;
}

/* The checks of turning tracking on, in Redis's order. */
static int on_ok(mr_conn *c, const tracking_args *a) {
    unsigned cur = c->tracking_flags;
    if ((cur & MR_TRACK_ON) && ((cur & MR_TRACK_BCAST) != 0) != ((a->flags & MR_TRACK_BCAST) != 0)) {
        mr_add_error(c, "ERR You can't switch BCAST mode on/off before disabling tracking for "
                        "this client, and then re-enabling it with a different mode.");
        return 0;
    }
    if (a->nprefixes > 0 && !(a->flags & MR_TRACK_BCAST)) {
        mr_add_error(c, "ERR PREFIX option requires BCAST mode to be enabled");
        return 0;
    }
    if ((a->flags & MR_TRACK_OPTIN) && (a->flags & MR_TRACK_OPTOUT)) {
        mr_add_error(c, "ERR You can't specify both OPTIN mode and OPTOUT mode");
        return 0;
    }
    if ((a->flags & MR_TRACK_BCAST) && (a->flags & (MR_TRACK_OPTIN | MR_TRACK_OPTOUT))) {
        mr_add_error(c, "ERR OPTIN and OPTOUT are not compatible with BCAST");
        return 0;
    }
    if (((cur & MR_TRACK_OPTIN) && (a->flags & MR_TRACK_OPTOUT)) ||
        ((cur & MR_TRACK_OPTOUT) && (a->flags & MR_TRACK_OPTIN))) {
        mr_add_error(c, "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for "
                        "this client, and then re-enabling it with a different mode.");
        return 0;
    }
    return prefixes_ok(c, a);
}

void mr_cmd_client_tracking(mr_conn *c, size_t argc, const resp_span *argv) {
    tracking_args a;
    if (!parse_tracking(c, argc, argv, &a)) return;
    if (!a.on) {
        mr_tracking_disable(c);
        mr_add_ok(c);
        return;
    }
    if (!on_ok(c, &a)) return;
    if (!(c->tracking_flags & MR_TRACK_ON)) c->srv->tracking_clients++;
    c->tracking_flags = (c->tracking_flags & ~(MR_TRACK_OPTIN | MR_TRACK_OPTOUT | MR_TRACK_NOLOOP |
                                               MR_TRACK_BROKEN_REDIR)) |
                        MR_TRACK_ON | a.flags;
    c->tracking_redirect = (uint64_t)a.redirect;
    if (a.flags & MR_TRACK_BCAST) {
        if (a.nprefixes == 0) mr_tracking_add_prefix(c, "", 0);
        for (size_t i = 0; i < a.nprefixes; i++)
            mr_tracking_add_prefix(c, a.prefixes[i]->ptr, a.prefixes[i]->len);
    }
    mr_add_ok(c);
}

void mr_cmd_client_caching(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    unsigned f = c->tracking_flags;
    if (!(f & MR_TRACK_ON)) {
        mr_add_error(c, "ERR CLIENT CACHING can be called only when the client is in tracking "
                        "mode with OPTIN or OPTOUT mode enabled");
        return;
    }
    int yes = mr_arg_is(&argv[2], "yes");
    if (!yes && !mr_arg_is(&argv[2], "no")) {
        mr_add_error(c, MR_ERR_SYNTAX);
    } else if (!(f & (yes ? MR_TRACK_OPTIN : MR_TRACK_OPTOUT))) {
        mr_add_errorf(c, "ERR CLIENT CACHING %s is only valid when tracking is enabled in %s mode.",
                      yes ? "YES" : "NO", yes ? "OPTIN" : "OPTOUT");
    } else {
        /* One flag: in OPTIN mode it means yes, in OPTOUT no. */
        c->tracking_flags |= MR_TRACK_CACHING;
        mr_add_ok(c);
    }
}

/* -1 with tracking off, 0 without redirection. */
static long long redirect_of(const mr_conn *c) {
    return (c->tracking_flags & MR_TRACK_ON) ? (long long)c->tracking_redirect : -1;
}

void mr_cmd_client_getredir(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_integer(c, redirect_of(c));
}

void mr_cmd_client_trackinginfo(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    unsigned f = c->tracking_flags;
    const char *flags[8];
    size_t n = 0;
    if (!(f & MR_TRACK_ON)) flags[n++] = "off";
    else flags[n++] = "on";
    if (f & MR_TRACK_BCAST) flags[n++] = "bcast";
    if (f & MR_TRACK_OPTIN) {
        flags[n++] = "optin";
        if (f & MR_TRACK_CACHING) flags[n++] = "caching-yes";
    }
    if (f & MR_TRACK_OPTOUT) {
        flags[n++] = "optout";
        if (f & MR_TRACK_CACHING) flags[n++] = "caching-no";
    }
    if (f & MR_TRACK_NOLOOP) flags[n++] = "noloop";
    if (f & MR_TRACK_BROKEN_REDIR) flags[n++] = "broken_redirect";
    mr_add_map(c, 3);
    mr_add_bulk_cstr(c, "flags");
    mr_add_set(c, n);
    for (size_t i = 0; i < n; i++) mr_add_bulk_cstr(c, flags[i]);
    mr_add_bulk_cstr(c, "redirect");
    mr_add_integer(c, redirect_of(c));
    mr_add_bulk_cstr(c, "prefixes");
    mr_add_array(c, c->tracking_nprefixes);
    for (size_t i = 0; i < c->tracking_nprefixes; i++)
        mr_add_bulk(c, c->tracking_prefixes[i], c->tracking_prefix_len[i]);
}
