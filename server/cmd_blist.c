/* server/cmd_blist.c - the blocking list commands (BLPOP, BRPOP, BLMPOP,
 * BLMOVE, BRPOPLPUSH), as Redis 7.0: the timeout is read first; a key
 * holding a list is served at once, in the order the keys are named; a
 * key of another type is WRONGTYPE; otherwise the client blocks, unless
 * EXEC is running it, where it replies as if timed out.  A blocked client
 * is served by the serve functions here once a list appears at one of
 * its keys. */
#include "commands.h"
#include "list_cmd.h"

/* ---- BLPOP and BRPOP ---- */

/* [key, element] popped from one end. */
static void pop_one(mr_conn *c, const resp_span *key, mr_list *l, mr_list_end end) {
    mr_add_array(c, 2);
    mr_add_bulk(c, key->ptr, key->len);
    mr_list_add_end(c, l, end);
    mr_list_pop(l, end);
    mr_list_changed(c, key, l, mr_list_pop_event(end));
}

static void serve_blpop(mr_conn *c, const resp_span *key, mr_obj *val) {
    pop_one(c, key, (mr_list *)val, MR_LIST_HEAD);
}

static void serve_brpop(mr_conn *c, const resp_span *key, mr_obj *val) {
    pop_one(c, key, (mr_list *)val, MR_LIST_TAIL);
}

static void bpop_generic(mr_conn *c, size_t argc, const resp_span *argv, mr_list_end end) {
    int64_t deadline;
    if (!mr_block_parse_timeout(c, &argv[argc - 1], &deadline)) return;
    for (size_t k = 1; k < argc - 1; k++) {
        mr_list *l;
        if (!mr_list_lookup(c, &argv[k], &l)) return;
        if (l != NULL) {
            pop_one(c, &argv[k], l, end);
            return;
        }
    }
    if (!mr_block_allowed(c)) {
        mr_add_null_array(c);
        return;
    }
    mr_block_how how = {MR_TYPE_LIST, end == MR_LIST_HEAD ? serve_blpop : serve_brpop, deadline,
                        1, argc - 2};
    mr_block_on_keys(c, argc, argv, &how);
}

void mr_cmd_blpop(mr_conn *c, size_t argc, const resp_span *argv) {
    bpop_generic(c, argc, argv, MR_LIST_HEAD);
}

void mr_cmd_brpop(mr_conn *c, size_t argc, const resp_span *argv) {
    bpop_generic(c, argc, argv, MR_LIST_TAIL);
}

/* ---- BLMPOP ---- */

static const char *const list_ends[2] = {"left", "right"};

/* [key, [elements]] popped from the end the arguments name. */
static void mpop_key(mr_conn *c, const resp_span *key, mr_list *l, const mr_mpop_args *a) {
    mr_add_array(c, 2);
    mr_add_bulk(c, key->ptr, key->len);
    mr_list_end end = a->end == 0 ? MR_LIST_HEAD : MR_LIST_TAIL;
    mr_list_pop_reply(c, l, end, a->count);
    mr_list_changed(c, key, l, mr_list_pop_event(end));
}

static void serve_blmpop(mr_conn *c, const resp_span *key, mr_obj *val) {
    size_t argc;
    const resp_span *argv = mr_block_argv(c, &argc);
    mr_mpop_args a;
    mr_arg_mpop(c, argc, argv, 2, list_ends, &a); /* read once already: it passes */
    mpop_key(c, key, (mr_list *)val, &a);
}

/* BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n] */
void mr_cmd_blmpop(mr_conn *c, size_t argc, const resp_span *argv) {
    int64_t deadline;
    mr_mpop_args a;
    if (!mr_block_parse_timeout(c, &argv[1], &deadline) ||
        !mr_arg_mpop(c, argc, argv, 2, list_ends, &a))
        return;
    for (size_t k = a.first_key; k < a.first_key + a.nkeys; k++) {
        mr_list *l;
        if (!mr_list_lookup(c, &argv[k], &l)) return;
        if (l != NULL) {
            mpop_key(c, &argv[k], l, &a);
            return;
        }
    }
    if (!mr_block_allowed(c)) {
        mr_add_null_array(c);
        return;
    }
    mr_block_how how = {MR_TYPE_LIST, serve_blmpop, deadline, a.first_key, a.nkeys};
    mr_block_on_keys(c, argc, argv, &how);
}

/* ---- BLMOVE and BRPOPLPUSH ---- */

/* The ends a move command names: BLMOVE's words, or BRPOPLPUSH's. */
static void move_ends(const resp_span *argv, size_t argc, mr_list_end *from, mr_list_end *to) {
    *from = MR_LIST_TAIL;
    *to = MR_LIST_HEAD;
    if (argc == 6) {
        *from = mr_arg_is(&argv[3], "left") ? MR_LIST_HEAD : MR_LIST_TAIL;
        *to = mr_arg_is(&argv[4], "left") ? MR_LIST_HEAD : MR_LIST_TAIL;
    }
}

/* The destination's type is checked as LMOVE checks it: WRONGTYPE to the
 * served client, the source untouched. */
static void serve_blmove(mr_conn *c, const resp_span *key, mr_obj *val) {
    (void)key, (void)val;
    size_t argc;
    const resp_span *argv = mr_block_argv(c, &argc);
    mr_list_end from, to;
    move_ends(argv, argc, &from, &to);
    mr_list_move(c, argv, from, to);
}

static void bmove_generic(mr_conn *c, size_t argc, const resp_span *argv, int64_t deadline) {
    mr_list *src;
    if (!mr_list_lookup(c, &argv[1], &src)) return;
    if (src != NULL) {
        mr_list_end from, to;
        move_ends(argv, argc, &from, &to);
        mr_list_move(c, argv, from, to);
        return;
    }
    if (!mr_block_allowed(c)) {
        mr_add_null(c);
        return;
    }
    mr_block_how how = {MR_TYPE_LIST, serve_blmove, deadline, 1, 1};
    mr_block_on_keys(c, argc, argv, &how);
}

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
void mr_cmd_blmove(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_list_end from, to;
    int64_t deadline;
    if (!mr_arg_list_end(c, &argv[3], &from) || !mr_arg_list_end(c, &argv[4], &to) ||
        !mr_block_parse_timeout(c, &argv[5], &deadline))
        return;
    bmove_generic(c, argc, argv, deadline);
}

/* BRPOPLPUSH source destination timeout */
void mr_cmd_brpoplpush(mr_conn *c, size_t argc, const resp_span *argv) {
    int64_t deadline;
    if (!mr_block_parse_timeout(c, &argv[3], &deadline)) return;
    bmove_generic(c, argc, argv, deadline);
}
