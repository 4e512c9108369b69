/* server/commands.h - every command procedure, by file.  Each is called
 * by dispatch.c with the arguments its descriptor (command_table.c)
 * allows: the arity is checked before the call. */
#ifndef MR_COMMANDS_H
#define MR_COMMANDS_H

#include "server.h"

/* cmd_string.c */
void mr_cmd_get(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_set(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_setnx(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_setex(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_psetex(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_getdel(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_getex(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_mget(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_mset(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_msetnx(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_incr(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_decr(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_incrby(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_decrby(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_incrbyfloat(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_append(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_strlen(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_getrange(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_setrange(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_getset(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_dbs.c */
void mr_cmd_move(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_copy(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_swapdb(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_bitfield.c */
void mr_cmd_bitfield(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bitfield_ro(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_lcs.c */
void mr_cmd_lcs(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_bitmap.c */
void mr_cmd_setbit(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_getbit(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bitcount(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bitpos(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bitop(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_list.c */
void mr_cmd_lpush(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_rpush(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lpushx(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_rpushx(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_rpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lmpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lmove(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_rpoplpush(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_llen(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lindex(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lrange(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lpos(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lset(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_linsert(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lrem(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_ltrim(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_stream.c */
void mr_cmd_xadd(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_xtrim(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_xdel(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_xlen(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_xrange(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_xrevrange(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_zset.c */
void mr_cmd_zadd(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zincrby(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrem(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zscore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zmscore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zcard(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrank(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrevrank(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrandmember(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zscan(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_zrange.c */
void mr_cmd_zrange(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrangestore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrevrange(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrangebyscore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrevrangebyscore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrangebylex(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zrevrangebylex(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zcount(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zlexcount(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zremrangebyrank(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zremrangebyscore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zremrangebylex(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_zsetop.c */
void mr_cmd_zunion(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zinter(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zdiff(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zunionstore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zinterstore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zdiffstore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zintercard(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_zpop.c */
void mr_cmd_zpopmin(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zpopmax(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_zmpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bzpopmin(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bzpopmax(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_bzmpop(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_blist.c */
void mr_cmd_blpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_brpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_blmpop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_blmove(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_brpoplpush(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_hash.c */
void mr_cmd_hset(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hmset(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hsetnx(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hdel(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hincrby(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hincrbyfloat(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hget(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hmget(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hlen(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hexists(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hstrlen(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hkeys(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hvals(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hgetall(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hrandfield(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hscan(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_set.c */
void mr_cmd_sadd(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_scard(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sdiff(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sdiffstore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sinter(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sintercard(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sinterstore(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sismember(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_smembers(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_smismember(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_smove(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_spop(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_srandmember(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_srem(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sscan(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sunion(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sunionstore(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_keys.c */
void mr_cmd_del(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_unlink(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_exists(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_touch(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_object_encoding(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_object_refcount(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_object_idletime(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_object_freq(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_expire(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pexpire(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_expireat(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pexpireat(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_ttl(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pttl(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_expiretime(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pexpiretime(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_persist(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_type(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_keys(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_scan(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_randomkey(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_rename(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_renamenx(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_dbsize(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_debug(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_monitor(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_lastsave(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_memory_usage(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_flushdb(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_flushall(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_pubsub.c */
void mr_cmd_subscribe(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_unsubscribe(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_psubscribe(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_punsubscribe(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_ssubscribe(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_sunsubscribe(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_publish(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_spublish(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pubsub_channels(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pubsub_shardchannels(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pubsub_numsub(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pubsub_shardnumsub(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_pubsub_numpat(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_conn.c */
void mr_cmd_ping(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_echo(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_quit(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_reset(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_hello(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_auth(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_select(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_id(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_setname(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_getname(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_tracking(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_caching(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_getredir(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_trackinginfo(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_info(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_list(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_kill(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_unblock(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_reply(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_security_warning(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_server.c */
void mr_cmd_command(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_help(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_pause(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_unpause(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_client_no_evict(mr_conn *c, size_t argc, const resp_span *argv);
/* The positions in argv of the keys of a command that cmd runs, found as
 * COMMAND GETKEYS finds them; *pos is malloc'ed (free it). */
size_t mr_command_keys(const mr_command *cmd, size_t argc, const resp_span *argv, size_t **pos);
void mr_cmd_command_getkeys(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_command_getkeysandflags(mr_conn *c, size_t argc, const resp_span *argv);
const char *mr_set_key_flags(size_t argc, const resp_span *argv);
const char *mr_bitfield_key_flags(size_t argc, const resp_span *argv);
void mr_cmd_command_count(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_command_docs(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_command_info(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_command_list(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_info(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_time(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_shutdown(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_config.c */
void mr_cmd_config_get(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_config_set(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_config_resetstat(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_config_rewrite(mr_conn *c, size_t argc, const resp_span *argv);

/* cmd_multi.c */
void mr_cmd_multi(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_exec(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_discard(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_watch(mr_conn *c, size_t argc, const resp_span *argv);
void mr_cmd_unwatch(mr_conn *c, size_t argc, const resp_span *argv);

#endif /* MR_COMMANDS_H */
