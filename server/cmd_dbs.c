/* server/cmd_dbs.c - commands that take keys from one database to
 * another: MOVE, COPY (a deep copy, in any database) and SWAPDB. */
#include <string.h>

#include "commands.h"

#define KEY(i) argv[i].ptr, argv[i].len

static const char E_SAME[] = "ERR source and destination objects are the same";

/* Puts val at key in db with the expiry when (-1: none).  As in Redis,
 * an old value is deleted and the key added anew, so clients blocked on
 * the key are served. */
static void place(mr_conn *c, int db, const resp_span *key, mr_obj *val, int64_t when) {
    mr_db_delete(c->srv, db, key->ptr, key->len);
    mr_db_set(c->srv, db, key->ptr, key->len, val, 0);
    if (when >= 0) mr_db_set_expire(c->srv, db, key->ptr, key->len, when);
}

void mr_cmd_move(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    int dst;
    if (!mr_arg_db(c, &argv[2], NULL, &dst)) return;
    if (dst == c->db) {
        mr_add_error(c, E_SAME);
        return;
    }
    if (mr_db_lookup(c->srv, c->db, KEY(1)) == NULL ||
        mr_db_lookup(c->srv, dst, KEY(1)) != NULL) {
        mr_add_integer(c, 0);
        return;
    }
    int64_t when = mr_db_get_expire(c->srv, c->db, KEY(1));
    mr_obj *val = mr_db_unlink(c->srv, c->db, KEY(1));
    place(c, dst, &argv[1], val, when);
    mr_notify(c->srv, MR_NOTIFY_GENERIC, "move_from", c->db, KEY(1));
    mr_notify(c->srv, MR_NOTIFY_GENERIC, "move_to", dst, KEY(1));
    mr_add_integer(c, 1);
}

void mr_cmd_copy(mr_conn *c, size_t argc, const resp_span *argv) {
    int dst = c->db, replace = 0;
    for (size_t j = 3; j < argc; j++) {
        if (mr_arg_is(&argv[j], "replace")) {
            replace = 1;
        } else if (mr_arg_is(&argv[j], "db") && j + 1 < argc) {
            if (!mr_arg_db(c, &argv[++j], NULL, &dst)) return;
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
    }
    if (dst == c->db && argv[1].len == argv[2].len &&
        memcmp(argv[1].ptr, argv[2].ptr, argv[1].len) == 0) {
        mr_add_error(c, E_SAME);
        return;
    }
    mr_obj *o = mr_db_lookup(c->srv, c->db, KEY(1));
    if (o == NULL) mr_db_keymiss(c, KEY(1));
    if (o == NULL || (!replace && mr_db_lookup(c->srv, dst, KEY(2)) != NULL)) {
        mr_add_integer(c, 0);
        return;
    }
    place(c, dst, &argv[2], mr_obj_dup(o), mr_db_get_expire(c->srv, c->db, KEY(1)));
    mr_notify(c->srv, MR_NOTIFY_GENERIC, "copy_to", dst, KEY(2));
    mr_add_integer(c, 1);
}

void mr_cmd_swapdb(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    int a, b;
    /* Both are read as ints before either is checked as a database. */
    if (!mr_arg_int(c, &argv[1], "ERR invalid first DB index", &a) ||
        !mr_arg_int(c, &argv[2], "ERR invalid second DB index", &b))
        return;
    if (a < 0 || a >= c->srv->cfg.databases || b < 0 || b >= c->srv->cfg.databases) {
        mr_add_error(c, "ERR DB index is out of range");
        return;
    }
    mr_db_swap(c->srv, a, b);
    mr_add_ok(c);
}
