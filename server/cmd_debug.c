/* server/cmd_debug.c - DEBUG, the subcommands that help tests: PROTOCOL
 * (one reply of each RESP type, as Redis makes them), SLEEP (the whole
 * server stops), SET-ACTIVE-EXPIRE, DIGEST and DIGEST-VALUE (a value's
 * SHA-1 digest, as Redis computes it, digest.c).  Who may run DEBUG at all
 * is enable-debug-command, checked before the command runs (dispatch.c). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "commands.h"
#include "digest.h"
#include "server.h"

/* ---- PROTOCOL ---- */

typedef enum proto_kind {
    P_STRING,
    P_INTEGER,
    P_DOUBLE,
    P_BIGNUM,
    P_NULL,
    P_ARRAY,
    P_SET,
    P_MAP,
    P_ATTRIB,
    P_PUSH,
    P_VERBATIM,
    P_TRUE,
    P_FALSE,
    P_COUNT
} proto_kind;

static const char *const proto_names[P_COUNT] = {
    [P_STRING] = "string", [P_INTEGER] = "integer", [P_DOUBLE] = "double",
    [P_BIGNUM] = "bignum", [P_NULL] = "null",       [P_ARRAY] = "array",
    [P_SET] = "set",       [P_MAP] = "map",         [P_ATTRIB] = "attrib",
    [P_PUSH] = "push",     [P_VERBATIM] = "verbatim", [P_TRUE] = "true",
    [P_FALSE] = "false"};

static void reply_protocol(mr_conn *c, proto_kind k) {
    switch (k) {
    case P_STRING: mr_add_bulk_cstr(c, "Hello World"); break;
    case P_INTEGER: mr_add_integer(c, 12345); break;
    case P_DOUBLE: mr_add_double(c, 3.141); break;
    case P_BIGNUM: mr_add_big_number(c, "1234567999999999999999999999999999999"); break;
    case P_NULL: mr_add_null(c); break;
    case P_ARRAY:
    case P_SET:
        if (k == P_ARRAY) mr_add_array(c, 3);
        else mr_add_set(c, 3);
        for (int i = 0; i < 3; i++) mr_add_integer(c, i);
        break;
    case P_MAP:
        mr_add_map(c, 3);
        for (int i = 0; i < 3; i++) {
            mr_add_integer(c, i);
            mr_add_bool(c, i == 1);
        }
        break;
    case P_ATTRIB:
        /* RESP2 has no attributes: only the reply after it goes out. */
        if (c->proto >= 3) {
            mr_add_attribute(c, 1);
            mr_add_bulk_cstr(c, "key-popularity");
            mr_add_array(c, 2);
            mr_add_bulk_cstr(c, "key:123");
            mr_add_integer(c, 90);
        }
        mr_add_bulk_cstr(c, "Some real reply following the attribute");
        break;
    case P_PUSH:
        if (c->proto < 3) {
            mr_add_error(c, "ERR RESP2 is not supported by this command");
            break;
        }
        /* The push goes out even under CLIENT REPLY OFF; the reply after
         * it does not. */
        int was_pushing = c->pushing;
        c->pushing = 1;
        mr_add_push(c, 2);
        mr_add_bulk_cstr(c, "server-cpu-usage");
        mr_add_integer(c, 42);
        c->pushing = was_pushing;
        mr_add_bulk_cstr(c, "Some real reply following the push reply");
        break;
    case P_VERBATIM: mr_add_verbatim(c, "This is a verbatim\nstring", 25); break;
    case P_TRUE:
    case P_FALSE: mr_add_bool(c, k == P_TRUE); break;
    case P_COUNT: break;
    }
}

static void debug_protocol(mr_conn *c, const resp_span *type) {
    for (int k = 0; k < P_COUNT; k++) {
        if (mr_arg_is(type, proto_names[k])) {
            reply_protocol(c, (proto_kind)k);
            return;
        }
    }
    mr_add_error(c, "ERR Wrong protocol type name. Please use one of the following: "
                    "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|"
                    "true|false");
}

/* ---- SLEEP, SET-ACTIVE-EXPIRE ---- */

/* Redis reads the seconds with strtod (junk is 0) and stops everything,
 * this connection's own pipeline included, for that long. */
static void debug_sleep(mr_conn *c, const resp_span *arg) {
    char *text = mr_xstrndup(arg->ptr, arg->len);
    double secs = strtod(text, NULL);
    free(text);
    long long us = (long long)(secs * 1000000);
    if (us > 0) {
        struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
        while (nanosleep(&ts, &ts) != 0) {
        }
    }
    mr_add_ok(c);
}

/* Any value atoi reads as non-zero turns the cycle on. */
static void debug_set_active_expire(mr_conn *c, const resp_span *arg) {
    char *text = mr_xstrndup(arg->ptr, arg->len);
    c->srv->active_expire_off = atoi(text) == 0;
    free(text);
    mr_add_ok(c);
}

/* ---- DIGEST, DIGEST-VALUE ---- */

static void add_digest(mr_conn *c, const unsigned char d[MR_DIGEST_LEN]) {
    char hex[2 * MR_DIGEST_LEN];
    mr_digest_hex(d, hex);
    mr_add_status_len(c, hex, sizeof hex);
}

static void debug_digest_value(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_add_array(c, argc - 2);
    for (size_t i = 2; i < argc; i++) {
        unsigned char d[MR_DIGEST_LEN];
        mr_digest_key(c, &argv[i], d);
        add_digest(c, d);
    }
}

static void debug_digest(mr_conn *c) {
    unsigned char d[MR_DIGEST_LEN];
    mr_digest_dataset(c->srv, d);
    add_digest(c, d);
}

/* ---- the command ---- */

void mr_cmd_debug(mr_conn *c, size_t argc, const resp_span *argv) {
    const resp_span *sub = &argv[1];
    if (mr_arg_is(sub, "protocol") && argc == 3) {
        debug_protocol(c, &argv[2]);
    } else if (mr_arg_is(sub, "sleep") && argc == 3) {
        debug_sleep(c, &argv[2]);
    } else if (mr_arg_is(sub, "set-active-expire") && argc == 3) {
        debug_set_active_expire(c, &argv[2]);
    } else if (mr_arg_is(sub, "digest-value") && argc >= 2) {
        debug_digest_value(c, argc, argv);
    } else if (mr_arg_is(sub, "digest") && argc == 2) {
        debug_digest(c);
    } else {
        size_t n = mr_cstr_len(sub->ptr, sub->len);
        mr_add_errorf(c,
                      "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                      "DEBUG HELP.",
                      (int)(n < 128 ? n : 128), sub->ptr);
    }
}
