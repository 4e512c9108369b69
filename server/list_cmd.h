/* server/list_cmd.h - what the list command files share (cmd_list.c
 * defines these; cmd_blist.c's blocking commands use them). */
#ifndef MR_LIST_CMD_H
#define MR_LIST_CMD_H

#include "list.h"
#include "server.h"

/* The list at a key: 1 with *l (NULL when the key is missing), or 0
 * after replying WRONGTYPE. */
int mr_list_lookup(mr_conn *c, const resp_span *key, mr_list **l);
/* After a change: the list event is published, WATCH sees it, and an
 * emptied list goes away ("del"). */
void mr_list_changed(mr_conn *c, const resp_span *key, mr_list *l, const char *event);
/* The event of a pop from an end: "lpop" or "rpop". */
const char *mr_list_pop_event(mr_list_end end);
/* LEFT or RIGHT (LMOVE, LMPOP): 0 after replying a syntax error. */
int mr_arg_list_end(mr_conn *c, const resp_span *a, mr_list_end *end);
/* Replies the element at one end (the list is not empty). */
void mr_list_add_end(mr_conn *c, mr_list *l, mr_list_end end);
/* Replies count elements popped from one end, as an array. */
void mr_list_pop_reply(mr_conn *c, mr_list *l, mr_list_end end, long long count);
/* LMOVE and RPOPLPUSH of argv[1] to argv[2]: the destination's type is
 * checked before the source changes; they may be the same list. */
void mr_list_move(mr_conn *c, const resp_span *argv, mr_list_end from, mr_list_end to);

#endif /* MR_LIST_CMD_H */
