/* server/commands.h - every command procedure, by file. */
#ifndef MR_COMMANDS_H
#define MR_COMMANDS_H

#include "server.h"

#define MR_PROC(name) void name(mr_conn *c, size_t argc, const resp_span *argv)

/* cmd_string.c */
MR_PROC(mr_cmd_get);
MR_PROC(mr_cmd_set);
MR_PROC(mr_cmd_setnx);
MR_PROC(mr_cmd_setex);
MR_PROC(mr_cmd_psetex);
MR_PROC(mr_cmd_getdel);
MR_PROC(mr_cmd_getex);
MR_PROC(mr_cmd_mget);
MR_PROC(mr_cmd_mset);
MR_PROC(mr_cmd_msetnx);
MR_PROC(mr_cmd_incr);
MR_PROC(mr_cmd_decr);
MR_PROC(mr_cmd_incrby);
MR_PROC(mr_cmd_decrby);
MR_PROC(mr_cmd_incrbyfloat);
MR_PROC(mr_cmd_append);
MR_PROC(mr_cmd_strlen);
MR_PROC(mr_cmd_getrange);
MR_PROC(mr_cmd_setrange);

/* cmd_keys.c */
MR_PROC(mr_cmd_del);
MR_PROC(mr_cmd_unlink);
MR_PROC(mr_cmd_exists);
MR_PROC(mr_cmd_expire);
MR_PROC(mr_cmd_pexpire);
MR_PROC(mr_cmd_expireat);
MR_PROC(mr_cmd_pexpireat);
MR_PROC(mr_cmd_ttl);
MR_PROC(mr_cmd_pttl);
MR_PROC(mr_cmd_expiretime);
MR_PROC(mr_cmd_pexpiretime);
MR_PROC(mr_cmd_persist);
MR_PROC(mr_cmd_type);
MR_PROC(mr_cmd_keys);
MR_PROC(mr_cmd_scan);
MR_PROC(mr_cmd_randomkey);
MR_PROC(mr_cmd_rename);
MR_PROC(mr_cmd_renamenx);
MR_PROC(mr_cmd_dbsize);
MR_PROC(mr_cmd_flushdb);
MR_PROC(mr_cmd_flushall);

/* cmd_pubsub.c */
MR_PROC(mr_cmd_subscribe);
MR_PROC(mr_cmd_unsubscribe);
MR_PROC(mr_cmd_psubscribe);
MR_PROC(mr_cmd_punsubscribe);
MR_PROC(mr_cmd_ssubscribe);
MR_PROC(mr_cmd_sunsubscribe);
MR_PROC(mr_cmd_publish);
MR_PROC(mr_cmd_spublish);
MR_PROC(mr_cmd_pubsub_channels);
MR_PROC(mr_cmd_pubsub_shardchannels);
MR_PROC(mr_cmd_pubsub_numsub);
MR_PROC(mr_cmd_pubsub_shardnumsub);
MR_PROC(mr_cmd_pubsub_numpat);

/* cmd_conn.c */
MR_PROC(mr_cmd_ping);
MR_PROC(mr_cmd_echo);
MR_PROC(mr_cmd_quit);
MR_PROC(mr_cmd_reset);
MR_PROC(mr_cmd_hello);
MR_PROC(mr_cmd_auth);
MR_PROC(mr_cmd_select);
MR_PROC(mr_cmd_client_id);
MR_PROC(mr_cmd_client_setname);
MR_PROC(mr_cmd_client_getname);
MR_PROC(mr_cmd_client_info);
MR_PROC(mr_cmd_client_list);
MR_PROC(mr_cmd_client_kill);
MR_PROC(mr_cmd_client_reply);
MR_PROC(mr_cmd_security_warning);

/* cmd_server.c */
MR_PROC(mr_cmd_command);
MR_PROC(mr_cmd_command_count);
MR_PROC(mr_cmd_command_docs);
MR_PROC(mr_cmd_command_info);
MR_PROC(mr_cmd_command_list);
MR_PROC(mr_cmd_info);
MR_PROC(mr_cmd_time);
MR_PROC(mr_cmd_shutdown);

/* cmd_config.c */
MR_PROC(mr_cmd_config_get);
MR_PROC(mr_cmd_config_set);

/* cmd_multi.c */
MR_PROC(mr_cmd_multi);
MR_PROC(mr_cmd_exec);
MR_PROC(mr_cmd_discard);
MR_PROC(mr_cmd_watch);
MR_PROC(mr_cmd_unwatch);

#endif /* MR_COMMANDS_H */
