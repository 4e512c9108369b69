/* server/zset_cmd.h - what the sorted set command files share. */
#ifndef MR_ZSET_CMD_H
#define MR_ZSET_CMD_H

#include "server.h"
#include "zset.h"

/* The sorted set at a key: 1 with *z (NULL when the key is missing), or 0
 * after replying WRONGTYPE. */
int mr_zset_lookup(mr_conn *c, const resp_span *key, mr_zsetval **z);
/* After members were removed: WATCH sees it, an emptied set goes away. */
void mr_zset_changed(mr_conn *c, const resp_span *key, mr_zsetval *z);
/* The member at p and, with scores, its score: a pair of its own under
 * RESP3, two items under RESP2. */
void mr_zset_add_member(mr_conn *c, const mr_zset_pos *p, int withscores);

#endif /* MR_ZSET_CMD_H */
