/* server/zset_cmd.h - what the sorted set command files share. */
#ifndef MR_ZSET_CMD_H
#define MR_ZSET_CMD_H

#include "server.h"
#include "zset.h"

/* The sorted set at a key: 1 with *z (NULL when the key is missing), or 0
 * after replying WRONGTYPE. */
int mr_zset_lookup(mr_conn *c, const resp_span *key, mr_zsetval **z);
/* After members were removed: the event (unless NULL: told already) is
 * published, WATCH sees it, an emptied set goes away ("del"). */
void mr_zset_changed(mr_conn *c, const resp_span *key, mr_zsetval *z, const char *event);
/* A STORE command's result z stored at dst with its event; NULL (an empty
 * result) deletes dst ("del" when it existed). */
void mr_zset_stored(mr_conn *c, const resp_span *dst, mr_zsetval *z, const char *event);
/* The member at p and, with scores, its score: a pair of its own under
 * RESP3, two items under RESP2. */
void mr_zset_add_member(mr_conn *c, const mr_zset_pos *p, int withscores);

#endif /* MR_ZSET_CMD_H */
