/* server/cmd_server.c - the server commands: COMMAND, INFO, TIME,
 * SHUTDOWN (CONFIG is in cmd_config.c).
 *
 * COMMAND INFO and COMMAND DOCS take the name, arity, first/last/step key,
 * summary, group and subcommands from the command table (commands.c), and
 * the rest from the table `metas` below: command flags, ACL categories,
 * tips, key specs, "since" versions and argument docs as Redis 7.0.15
 * reports them (redis-cli builds its hints from the arguments), key-spec
 * notes in Redis's words (they are part of COMMAND INFO's reply), and
 * complexities in this project's own words (and no "history" entries).
 * Subcommands this server lacks (CLIENT PAUSE, CONFIG RESETSTAT, ...) are
 * not listed under their parents.
 *
 * INFO reports what this server can measure; see mr_cmd_info for the
 * fields it leaves out. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

#include "commands.h"
#include "glob.h"

/* ---- what Redis 7.0.15 says about each command ---- */

/* One key spec: begin_search by index, find_keys by range (the only kinds
 * the commands here use). */
typedef struct key_spec {
    const char *notes; /* NULL when Redis gives none */
    const char *flags; /* space-separated; NULL ends a list */
    int index;
    int lastkey, keystep, limit;
} key_spec;

/* One argument in COMMAND DOCS; flags space-separated. */
typedef struct doc_arg {
    const char *name; /* NULL ends a list */
    const char *type;
    int key_spec; /* for type "key" */
    const char *token;
    const char *since;
    const char *deprecated;
    const char *flags;
    const struct doc_arg *args;
} doc_arg;

typedef struct cmd_meta {
    const char *name;  /* full name: "get", "client|kill" */
    const char *flags; /* space-separated status words */
    const char *acl;   /* space-separated ACL categories */
    const char *tips;  /* space-separated */
    const char *since;
    const char *complexity;
    const key_spec *specs;
    const doc_arg *args;
} cmd_meta;

#define SPECS(...) ((const key_spec[]){__VA_ARGS__, {NULL, NULL, 0, 0, 0, 0}})
#define ARGS(...) ((const doc_arg[]){__VA_ARGS__, {.name = NULL}})

static const cmd_meta metas[] = {
    {.name = "client|id", .flags = "noscript loading stale", .acl = "@slow @connection", .tips = "",
     .since = "5.0.0", .complexity = "O(1)"},
    {.name = "client|setname", .flags = "noscript loading stale", .acl = "@slow @connection",
     .tips = "", .since = "2.6.9", .complexity = "O(1)",
     .args = ARGS(
         {.name = "connection-name", .type = "string"})},
    {.name = "client|getname", .flags = "noscript loading stale", .acl = "@slow @connection",
     .tips = "", .since = "2.6.9", .complexity = "O(1)"},
    {.name = "client|info", .flags = "noscript loading stale", .acl = "@slow @connection",
     .tips = "nondeterministic_output", .since = "6.2.0", .complexity = "O(1)"},
    {.name = "client|list", .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous @connection", .tips = "nondeterministic_output",
     .since = "2.4.0", .complexity = "O(N), N = open connections",
     .args = ARGS(
         {.name = "normal_master_replica_pubsub", .type = "oneof", .token = "TYPE",
          .since = "5.0.0", .flags = "optional",
          .args = ARGS(
              {.name = "normal", .type = "pure-token", .token = "NORMAL"},
              {.name = "master", .type = "pure-token", .token = "MASTER"},
              {.name = "replica", .type = "pure-token", .token = "REPLICA"},
              {.name = "pubsub", .type = "pure-token", .token = "PUBSUB"})},
         {.name = "id", .type = "block", .token = "ID", .since = "6.2.0", .flags = "optional",
          .args = ARGS(
              {.name = "client-id", .type = "integer", .flags = "multiple"})})},
    {.name = "client|kill", .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous @connection", .tips = "", .since = "2.4.0",
     .complexity = "O(N), N = open connections",
     .args = ARGS(
         {.name = "filter", .type = "oneof",
          .args = ARGS(
              {.name = "ip:port", .type = "string", .deprecated = "2.8.12"},
              {.name = "new-format", .type = "oneof", .flags = "multiple",
               .args = ARGS(
                   {.name = "client-id", .type = "integer", .token = "ID", .since = "2.8.12",
                    .flags = "optional"},
                   {.name = "normal_master_slave_pubsub", .type = "oneof", .token = "TYPE",
                    .since = "2.8.12", .flags = "optional",
                    .args = ARGS(
                        {.name = "normal", .type = "pure-token", .token = "NORMAL"},
                        {.name = "master", .type = "pure-token", .token = "MASTER",
                         .since = "3.2.0"},
                        {.name = "slave", .type = "pure-token", .token = "SLAVE"},
                        {.name = "replica", .type = "pure-token", .token = "REPLICA",
                         .since = "5.0.0"},
                        {.name = "pubsub", .type = "pure-token", .token = "PUBSUB"})},
                   {.name = "username", .type = "string", .token = "USER", .flags = "optional"},
                   {.name = "ip:port", .type = "string", .token = "ADDR", .flags = "optional"},
                   {.name = "ip:port", .type = "string", .token = "LADDR", .since = "6.2.0",
                    .flags = "optional"},
                   {.name = "yes/no", .type = "string", .token = "SKIPME",
                    .flags = "optional"})})})},
    {.name = "client|reply", .flags = "noscript loading stale", .acl = "@slow @connection",
     .tips = "", .since = "3.2.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "on_off_skip", .type = "oneof",
          .args = ARGS(
              {.name = "on", .type = "pure-token", .token = "ON"},
              {.name = "off", .type = "pure-token", .token = "OFF"},
              {.name = "skip", .type = "pure-token", .token = "SKIP"})})},
    {.name = "config|get", .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous", .tips = "", .since = "2.0.0",
     .complexity = "O(N), N = settings times patterns",
     .args = ARGS(
         {.name = "parameter", .type = "block", .flags = "multiple",
          .args = ARGS(
              {.name = "parameter", .type = "string"})})},
    {.name = "config|set", .flags = "admin noscript loading stale",
     .acl = "@admin @slow @dangerous",
     .tips = "request_policy:all_nodes response_policy:all_succeeded", .since = "2.0.0",
     .complexity = "O(N), N = settings given",
     .args = ARGS(
         {.name = "parameter_value", .type = "block", .flags = "multiple",
          .args = ARGS(
              {.name = "parameter", .type = "string"},
              {.name = "value", .type = "string"})})},
    {.name = "command|count", .flags = "loading stale", .acl = "@slow @connection", .tips = "",
     .since = "2.8.13", .complexity = "O(1)"},
    {.name = "command|docs", .flags = "loading stale", .acl = "@slow @connection",
     .tips = "nondeterministic_output_order", .since = "7.0.0",
     .complexity = "O(N), N = commands asked for (all when none)",
     .args = ARGS(
         {.name = "command-name", .type = "string", .flags = "optional multiple"})},
    {.name = "command|info", .flags = "loading stale", .acl = "@slow @connection",
     .tips = "nondeterministic_output_order", .since = "2.8.13",
     .complexity = "O(N), N = commands asked for (all when none)",
     .args = ARGS(
         {.name = "command-name", .type = "string", .flags = "optional multiple"})},
    {.name = "command|list", .flags = "loading stale", .acl = "@slow @connection",
     .tips = "nondeterministic_output_order", .since = "7.0.0", .complexity = "O(N), N = commands",
     .args = ARGS(
         {.name = "filterby", .type = "oneof", .token = "FILTERBY", .flags = "optional",
          .args = ARGS(
              {.name = "module-name", .type = "string", .token = "MODULE"},
              {.name = "category", .type = "string", .token = "ACLCAT"},
              {.name = "pattern", .type = "pattern", .token = "PATTERN"})})},
    {.name = "pubsub|channels", .flags = "pubsub loading stale", .acl = "@pubsub @slow", .tips = "",
     .since = "2.8.0", .complexity = "O(N), N = active channels",
     .args = ARGS(
         {.name = "pattern", .type = "pattern", .flags = "optional"})},
    {.name = "pubsub|shardchannels", .flags = "pubsub loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "7.0.0", .complexity = "O(N), N = active shard channels",
     .args = ARGS(
         {.name = "pattern", .type = "pattern", .flags = "optional"})},
    {.name = "pubsub|numsub", .flags = "pubsub loading stale", .acl = "@pubsub @slow", .tips = "",
     .since = "2.8.0", .complexity = "O(N), N = channels asked for",
     .args = ARGS(
         {.name = "channel", .type = "string", .flags = "optional multiple"})},
    {.name = "pubsub|shardnumsub", .flags = "pubsub loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "7.0.0", .complexity = "O(N), N = shard channels asked for",
     .args = ARGS(
         {.name = "shardchannel", .type = "string", .flags = "optional multiple"})},
    {.name = "pubsub|numpat", .flags = "pubsub loading stale", .acl = "@pubsub @slow", .tips = "",
     .since = "2.8.0", .complexity = "O(1)"},
    {.name = "append", .flags = "write denyoom fast", .acl = "@write @string @fast", .tips = "",
     .since = "2.0.0", .complexity = "O(1) amortized, the value growing by doubling",
     .specs = SPECS({NULL, "RW insert", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "value", .type = "string"})},
    {.name = "auth", .flags = "noscript loading stale fast no_auth allow_busy",
     .acl = "@fast @connection", .tips = "", .since = "1.0.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "username", .type = "string", .since = "6.0.0", .flags = "optional"},
         {.name = "password", .type = "string"})},
    {.name = "client", .flags = "", .acl = "@slow", .tips = "", .since = "2.4.0",
     .complexity = "Depends on the subcommand."},
    {.name = "command", .flags = "loading stale", .acl = "@slow @connection",
     .tips = "nondeterministic_output_order", .since = "2.8.13",
      .complexity = "O(N), N = commands"},
    {.name = "config", .flags = "", .acl = "@slow", .tips = "", .since = "2.0.0",
     .complexity = "Depends on the subcommand."},
    {.name = "dbsize", .flags = "readonly fast", .acl = "@keyspace @read @fast",
     .tips = "request_policy:all_shards response_policy:agg_sum", .since = "1.0.0",
     .complexity = "O(1)"},
    {.name = "decr", .flags = "write denyoom fast", .acl = "@write @string @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "decrby", .flags = "write denyoom fast", .acl = "@write @string @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "decrement", .type = "integer"})},
    {.name = "del", .flags = "write", .acl = "@keyspace @write @slow",
     .tips = "request_policy:multi_shard response_policy:agg_sum", .since = "1.0.0",
     .complexity = "O(N), N = keys given",
     .specs = SPECS({NULL, "RM delete", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0, .flags = "multiple"})},
    {.name = "discard", .flags = "noscript loading stale fast allow_busy",
     .acl = "@fast @transaction", .tips = "", .since = "2.0.0",
     .complexity = "O(N), N = commands queued"},
    {.name = "echo", .flags = "loading stale fast", .acl = "@fast @connection", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "message", .type = "string"})},
    {.name = "exec", .flags = "noscript loading stale skip_slowlog", .acl = "@slow @transaction",
     .tips = "", .since = "1.2.0", .complexity = "The sum of the queued commands' costs."},
    {.name = "exists", .flags = "readonly fast", .acl = "@keyspace @read @fast",
     .tips = "request_policy:multi_shard response_policy:agg_sum", .since = "1.0.0",
     .complexity = "O(N), N = keys given",
     .specs = SPECS({NULL, "RO", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0, .flags = "multiple"})},
    {.name = "expire", .flags = "write fast", .acl = "@keyspace @write @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "seconds", .type = "integer"},
         {.name = "condition", .type = "oneof", .since = "7.0.0", .flags = "optional",
          .args = ARGS(
              {.name = "nx", .type = "pure-token", .token = "NX"},
              {.name = "xx", .type = "pure-token", .token = "XX"},
              {.name = "gt", .type = "pure-token", .token = "GT"},
              {.name = "lt", .type = "pure-token", .token = "LT"})})},
    {.name = "expireat", .flags = "write fast", .acl = "@keyspace @write @fast", .tips = "",
     .since = "1.2.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "unix-time-seconds", .type = "unix-time"},
         {.name = "condition", .type = "oneof", .since = "7.0.0", .flags = "optional",
          .args = ARGS(
              {.name = "nx", .type = "pure-token", .token = "NX"},
              {.name = "xx", .type = "pure-token", .token = "XX"},
              {.name = "gt", .type = "pure-token", .token = "GT"},
              {.name = "lt", .type = "pure-token", .token = "LT"})})},
    {.name = "expiretime", .flags = "readonly fast", .acl = "@keyspace @read @fast", .tips = "",
     .since = "7.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO access", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "flushall", .flags = "write", .acl = "@keyspace @write @slow @dangerous",
     .tips = "request_policy:all_shards response_policy:all_succeeded", .since = "1.0.0",
     .complexity = "O(N), N = keys in all databases",
     .args = ARGS(
         {.name = "async", .type = "oneof", .flags = "optional",
          .args = ARGS(
              {.name = "async", .type = "pure-token", .token = "ASYNC", .since = "4.0.0"},
              {.name = "sync", .type = "pure-token", .token = "SYNC", .since = "6.2.0"})})},
    {.name = "flushdb", .flags = "write", .acl = "@keyspace @write @slow @dangerous",
     .tips = "request_policy:all_shards response_policy:all_succeeded", .since = "1.0.0",
     .complexity = "O(N), N = keys in the database",
     .args = ARGS(
         {.name = "async", .type = "oneof", .flags = "optional",
          .args = ARGS(
              {.name = "async", .type = "pure-token", .token = "ASYNC", .since = "4.0.0"},
              {.name = "sync", .type = "pure-token", .token = "SYNC", .since = "6.2.0"})})},
    {.name = "get", .flags = "readonly fast", .acl = "@read @string @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO access", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "getdel", .flags = "write fast", .acl = "@write @string @fast", .tips = "",
     .since = "6.2.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access delete", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "getex", .flags = "write fast", .acl = "@write @string @fast", .tips = "",
     .since = "6.2.0", .complexity = "O(1)",
     .specs = SPECS({"RW and UPDATE because it changes the TTL", "RW access update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "expiration", .type = "oneof", .flags = "optional",
          .args = ARGS(
              {.name = "seconds", .type = "integer", .token = "EX"},
              {.name = "milliseconds", .type = "integer", .token = "PX"},
              {.name = "unix-time-seconds", .type = "unix-time", .token = "EXAT"},
              {.name = "unix-time-milliseconds", .type = "unix-time", .token = "PXAT"},
              {.name = "persist", .type = "pure-token", .token = "PERSIST"})})},
    {.name = "getrange", .flags = "readonly", .acl = "@read @string @slow", .tips = "",
     .since = "2.4.0", .complexity = "O(N), N = length of the part returned",
     .specs = SPECS({NULL, "RO access", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "start", .type = "integer"},
         {.name = "end", .type = "integer"})},
    {.name = "hello", .flags = "noscript loading stale fast no_auth allow_busy",
     .acl = "@fast @connection", .tips = "", .since = "6.0.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "arguments", .type = "block", .flags = "optional",
          .args = ARGS(
              {.name = "protover", .type = "integer"},
              {.name = "username_password", .type = "block", .token = "AUTH", .flags = "optional",
               .args = ARGS(
                   {.name = "username", .type = "string"},
                   {.name = "password", .type = "string"})},
              {.name = "clientname", .type = "string", .token = "SETNAME", .flags = "optional"})})},
    {.name = "incr", .flags = "write denyoom fast", .acl = "@write @string @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "incrby", .flags = "write denyoom fast", .acl = "@write @string @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "increment", .type = "integer"})},
    {.name = "incrbyfloat", .flags = "write denyoom fast", .acl = "@write @string @fast",
     .tips = "", .since = "2.6.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "increment", .type = "double"})},
    {.name = "info", .flags = "loading stale", .acl = "@slow @dangerous",
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .since = "1.0.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "section", .type = "string", .flags = "optional multiple"})},
    {.name = "keys", .flags = "readonly", .acl = "@keyspace @read @slow @dangerous",
     .tips = "request_policy:all_shards nondeterministic_output_order", .since = "1.0.0",
     .complexity = "O(N), N = keys in the database",
     .args = ARGS(
         {.name = "pattern", .type = "pattern"})},
    {.name = "mget", .flags = "readonly fast", .acl = "@read @string @fast",
     .tips = "request_policy:multi_shard", .since = "1.0.0", .complexity = "O(N), N = keys given",
     .specs = SPECS({NULL, "RO access", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0, .flags = "multiple"})},
    {.name = "mset", .flags = "write denyoom", .acl = "@write @string @slow",
     .tips = "request_policy:multi_shard response_policy:all_succeeded", .since = "1.0.1",
     .complexity = "O(N), N = keys given",
     .specs = SPECS({NULL, "OW update", 1, -1, 2, 0}),
     .args = ARGS(
         {.name = "key_value", .type = "block", .flags = "multiple",
          .args = ARGS(
              {.name = "key", .type = "key", .key_spec = 0},
              {.name = "value", .type = "string"})})},
    {.name = "msetnx", .flags = "write denyoom", .acl = "@write @string @slow",
     .tips = "request_policy:multi_shard response_policy:agg_min", .since = "1.0.1",
     .complexity = "O(N), N = keys given",
     .specs = SPECS({NULL, "OW insert", 1, -1, 2, 0}),
     .args = ARGS(
         {.name = "key_value", .type = "block", .flags = "multiple",
          .args = ARGS(
              {.name = "key", .type = "key", .key_spec = 0},
              {.name = "value", .type = "string"})})},
    {.name = "multi", .flags = "noscript loading stale fast allow_busy",
     .acl = "@fast @transaction", .tips = "", .since = "1.2.0", .complexity = "O(1)"},
    {.name = "persist", .flags = "write fast", .acl = "@keyspace @write @fast", .tips = "",
     .since = "2.2.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "pexpire", .flags = "write fast", .acl = "@keyspace @write @fast", .tips = "",
     .since = "2.6.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "milliseconds", .type = "integer"},
         {.name = "condition", .type = "oneof", .since = "7.0.0", .flags = "optional",
          .args = ARGS(
              {.name = "nx", .type = "pure-token", .token = "NX"},
              {.name = "xx", .type = "pure-token", .token = "XX"},
              {.name = "gt", .type = "pure-token", .token = "GT"},
              {.name = "lt", .type = "pure-token", .token = "LT"})})},
    {.name = "pexpireat", .flags = "write fast", .acl = "@keyspace @write @fast", .tips = "",
     .since = "2.6.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "unix-time-milliseconds", .type = "unix-time"},
         {.name = "condition", .type = "oneof", .since = "7.0.0", .flags = "optional",
          .args = ARGS(
              {.name = "nx", .type = "pure-token", .token = "NX"},
              {.name = "xx", .type = "pure-token", .token = "XX"},
              {.name = "gt", .type = "pure-token", .token = "GT"},
              {.name = "lt", .type = "pure-token", .token = "LT"})})},
    {.name = "pexpiretime", .flags = "readonly fast", .acl = "@keyspace @read @fast", .tips = "",
     .since = "7.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO access", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "ping", .flags = "fast", .acl = "@fast @connection",
     .tips = "request_policy:all_shards response_policy:all_succeeded", .since = "1.0.0",
     .complexity = "O(1)",
     .args = ARGS(
         {.name = "message", .type = "string", .flags = "optional"})},
    {.name = "psetex", .flags = "write denyoom", .acl = "@write @string @slow", .tips = "",
     .since = "2.6.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "OW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "milliseconds", .type = "integer"},
         {.name = "value", .type = "string"})},
    {.name = "psubscribe", .flags = "pubsub noscript loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "2.0.0", .complexity = "O(N), N = patterns given",
     .args = ARGS(
         {.name = "pattern", .type = "block", .flags = "multiple",
          .args = ARGS(
              {.name = "pattern", .type = "pattern"})})},
    {.name = "pttl", .flags = "readonly fast", .acl = "@keyspace @read @fast",
     .tips = "nondeterministic_output", .since = "2.6.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO access", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "publish", .flags = "pubsub loading stale fast", .acl = "@pubsub @fast", .tips = "",
     .since = "2.0.0",
     .complexity = "O(N+M), N = subscribers of the channel, M = subscribed patterns",
     .args = ARGS(
         {.name = "channel", .type = "string"},
         {.name = "message", .type = "string"})},
    {.name = "pubsub", .flags = "", .acl = "@slow", .tips = "", .since = "2.8.0",
     .complexity = "Depends on the subcommand."},
    {.name = "punsubscribe", .flags = "pubsub noscript loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "2.0.0",
     .complexity = "O(N+M), N = patterns dropped, M = their subscribers",
     .args = ARGS(
         {.name = "pattern", .type = "pattern", .flags = "optional multiple"})},
    {.name = "quit", .flags = "noscript loading stale fast no_auth allow_busy",
     .acl = "@fast @connection", .tips = "", .since = "1.0.0", .complexity = "O(1)"},
    {.name = "randomkey", .flags = "readonly", .acl = "@keyspace @read @slow",
     .tips = "request_policy:all_shards nondeterministic_output", .since = "1.0.0",
     .complexity = "O(1)"},
    {.name = "rename", .flags = "write", .acl = "@keyspace @write @slow", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access delete", 1, 0, 1, 0}, {NULL, "OW update", 2, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "newkey", .type = "key", .key_spec = 1})},
    {.name = "renamenx", .flags = "write fast", .acl = "@keyspace @write @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RW access delete", 1, 0, 1, 0}, {NULL, "OW insert", 2, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "newkey", .type = "key", .key_spec = 1})},
    {.name = "reset", .flags = "noscript loading stale fast no_auth allow_busy",
     .acl = "@fast @connection", .tips = "", .since = "6.2.0", .complexity = "O(1)"},
    {.name = "scan", .flags = "readonly", .acl = "@keyspace @read @slow",
     .tips = "nondeterministic_output request_policy:special", .since = "2.8.0",
     .complexity = "O(1) a call; O(N) for a whole iteration, N = keys",
     .args = ARGS(
         {.name = "cursor", .type = "integer"},
         {.name = "pattern", .type = "pattern", .token = "MATCH", .flags = "optional"},
         {.name = "count", .type = "integer", .token = "COUNT", .flags = "optional"},
         {.name = "type", .type = "string", .token = "TYPE", .since = "6.0.0",
          .flags = "optional"})},
    {.name = "select", .flags = "loading stale fast", .acl = "@fast @connection", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "index", .type = "integer"})},
    {.name = "set", .flags = "write denyoom", .acl = "@write @string @slow", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({"RW and ACCESS due to the optional `GET` argument",
                     "RW access update variable_flags", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "value", .type = "string"},
         {.name = "condition", .type = "oneof", .since = "2.6.12", .flags = "optional",
          .args = ARGS(
              {.name = "nx", .type = "pure-token", .token = "NX"},
              {.name = "xx", .type = "pure-token", .token = "XX"})},
         {.name = "get", .type = "pure-token", .token = "GET", .since = "6.2.0",
          .flags = "optional"},
         {.name = "expiration", .type = "oneof", .flags = "optional",
          .args = ARGS(
              {.name = "seconds", .type = "integer", .token = "EX", .since = "2.6.12"},
              {.name = "milliseconds", .type = "integer", .token = "PX", .since = "2.6.12"},
              {.name = "unix-time-seconds", .type = "unix-time", .token = "EXAT", .since = "6.2.0"},
              {.name = "unix-time-milliseconds", .type = "unix-time", .token = "PXAT",
               .since = "6.2.0"},
              {.name = "keepttl", .type = "pure-token", .token = "KEEPTTL", .since = "6.0.0"})})},
    {.name = "setex", .flags = "write denyoom", .acl = "@write @string @slow", .tips = "",
     .since = "2.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "OW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "seconds", .type = "integer"},
         {.name = "value", .type = "string"})},
    {.name = "setnx", .flags = "write denyoom fast", .acl = "@write @string @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "OW insert", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "value", .type = "string"})},
    {.name = "setrange", .flags = "write denyoom", .acl = "@write @string @slow", .tips = "",
     .since = "2.2.0",
     .complexity = "O(1) besides copying the new bytes; O(M) when the value grows to M bytes",
     .specs = SPECS({NULL, "RW update", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0},
         {.name = "offset", .type = "integer"},
         {.name = "value", .type = "string"})},
    {.name = "shutdown", .flags = "admin noscript loading stale no_multi allow_busy",
     .acl = "@admin @slow @dangerous", .tips = "", .since = "1.0.0", .complexity = "O(1)",
     .args = ARGS(
         {.name = "nosave_save", .type = "oneof", .flags = "optional",
          .args = ARGS(
              {.name = "nosave", .type = "pure-token", .token = "NOSAVE"},
              {.name = "save", .type = "pure-token", .token = "SAVE"})},
         {.name = "now", .type = "pure-token", .token = "NOW", .since = "7.0.0",
          .flags = "optional"},
         {.name = "force", .type = "pure-token", .token = "FORCE", .since = "7.0.0",
          .flags = "optional"},
         {.name = "abort", .type = "pure-token", .token = "ABORT", .since = "7.0.0",
          .flags = "optional"})},
    {.name = "spublish", .flags = "pubsub loading stale fast", .acl = "@pubsub @fast", .tips = "",
     .since = "7.0.0", .complexity = "O(N), N = subscribers of the shard channel",
     .specs = SPECS({NULL, "not_key", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "shardchannel", .type = "string"},
         {.name = "message", .type = "string"})},
    {.name = "ssubscribe", .flags = "pubsub noscript loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "7.0.0", .complexity = "O(N), N = shard channels given",
     .specs = SPECS({NULL, "not_key", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "shardchannel", .type = "string", .flags = "multiple"})},
    {.name = "strlen", .flags = "readonly fast", .acl = "@read @string @fast", .tips = "",
     .since = "2.2.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "subscribe", .flags = "pubsub noscript loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "2.0.0", .complexity = "O(N), N = channels given",
     .args = ARGS(
         {.name = "channel", .type = "string", .flags = "multiple"})},
    {.name = "sunsubscribe", .flags = "pubsub noscript loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "7.0.0",
     .complexity = "O(N+M), N = shard channels dropped, M = their subscribers",
     .specs = SPECS({NULL, "not_key", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "shardchannel", .type = "string", .flags = "optional multiple"})},
    {.name = "time", .flags = "loading stale fast", .acl = "@fast",
     .tips = "nondeterministic_output", .since = "2.6.0", .complexity = "O(1)"},
    {.name = "ttl", .flags = "readonly fast", .acl = "@keyspace @read @fast",
     .tips = "nondeterministic_output", .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO access", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "type", .flags = "readonly fast", .acl = "@keyspace @read @fast", .tips = "",
     .since = "1.0.0", .complexity = "O(1)",
     .specs = SPECS({NULL, "RO", 1, 0, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0})},
    {.name = "unlink", .flags = "write fast", .acl = "@keyspace @write @fast",
     .tips = "request_policy:multi_shard response_policy:agg_sum", .since = "4.0.0",
     .complexity = "O(N), N = keys given; the size of the values does not count",
     .specs = SPECS({NULL, "RM delete", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0, .flags = "multiple"})},
    {.name = "unsubscribe", .flags = "pubsub noscript loading stale", .acl = "@pubsub @slow",
     .tips = "", .since = "2.0.0",
     .complexity = "O(N+M), N = channels dropped, M = their subscribers",
     .args = ARGS(
         {.name = "channel", .type = "string", .flags = "optional multiple"})},
    {.name = "unwatch", .flags = "noscript loading stale fast allow_busy",
     .acl = "@fast @transaction", .tips = "", .since = "2.2.0", .complexity = "O(1)"},
    {.name = "watch", .flags = "noscript loading stale fast allow_busy",
     .acl = "@fast @transaction", .tips = "", .since = "2.2.0",
     .complexity = "O(1) a key",
     .specs = SPECS({NULL, "RO", 1, -1, 1, 0}),
     .args = ARGS(
         {.name = "key", .type = "key", .key_spec = 0, .flags = "multiple"})},
};

#define METAS_LEN (sizeof metas / sizeof metas[0])

static const cmd_meta *meta_for(const char *name) {
    for (size_t i = 0; i < METAS_LEN; i++)
        if (strcmp(metas[i].name, name) == 0) return &metas[i];
    return NULL;
}

/* ---- small helpers ---- */

/* Redis reads names as C strings: bytes after a NUL are ignored. */
static size_t cstr_len(const char *s, size_t len) {
    const char *nul = memchr(s, '\0', len);
    return nul != NULL ? (size_t)(nul - s) : len;
}

/* Words of a space-separated list: returns the next word's length and
 * moves *p past it, 0 at the end. */
static size_t next_word(const char **p, const char **word) {
    const char *s = *p;
    while (*s == ' ') s++;
    *word = s;
    while (*s != '\0' && *s != ' ') s++;
    *p = s;
    return (size_t)(s - *word);
}

static size_t word_count(const char *list) {
    size_t n = 0;
    const char *w;
    for (const char *p = list; next_word(&p, &w) > 0;) n++;
    return n;
}

/* A set of words, as status strings (flags) or bulk strings (tips). */
static void add_word_set(mr_conn *c, const char *list, int status) {
    mr_add_set(c, word_count(list));
    const char *w;
    size_t n;
    for (const char *p = list; (n = next_word(&p, &w)) > 0;) {
        if (status) mr_add_status_len(c, w, n);
        else mr_add_bulk(c, w, n);
    }
}

/* ---- COMMAND ---- */

/* POST and Host: are in the table only to catch HTTP requests; Redis does
 * not list them. */
static int is_listed(const mr_command *cmd) {
    return cmd->proc != mr_cmd_security_warning;
}

static size_t subcommand_count(const mr_command *cmd) {
    size_t n = 0;
    if (cmd->subcommands != NULL)
        while (cmd->subcommands[n].name != NULL) n++;
    return n;
}

/* "get", "GET", "client|kill": one level of subcommands, as Redis looks
 * names up; NULL for anything else. */
static const mr_command *lookup_full_name(const resp_span *a) {
    size_t len = cstr_len(a->ptr, a->len);
    const char *bar = memchr(a->ptr, '|', len);
    if (bar == NULL) {
        const mr_command *cmd = mr_command_lookup(a->ptr, len);
        return cmd != NULL && is_listed(cmd) ? cmd : NULL;
    }
    const char *sub = bar + 1;
    size_t sublen = len - (size_t)(sub - a->ptr);
    if (memchr(sub, '|', sublen) != NULL) return NULL;
    const mr_command *parent = mr_command_lookup(a->ptr, (size_t)(bar - a->ptr));
    if (parent == NULL || parent->subcommands == NULL) return NULL;
    size_t plen = strlen(parent->name);
    for (const mr_command *s = parent->subcommands; s->name != NULL; s++) {
        const char *own = s->name + plen + 1;
        if (strlen(own) == sublen && strncasecmp(own, sub, sublen) == 0) return s;
    }
    return NULL;
}

#define MAX_INFO_SUBCOMMANDS 32

static int by_name(const void *a, const void *b) {
    return strcmp((*(const mr_command *const *)a)->name, (*(const mr_command *const *)b)->name);
}

/* The subcommands COMMAND INFO lists under cmd, sorted by name.  Redis
 * lists them in its hash table's order, which changes from one process to
 * the next. */
static size_t info_subcommands(const mr_command *cmd, const mr_command **out) {
    size_t n = 0;
    if (cmd->subcommands == NULL) return 0;
    for (const mr_command *s = cmd->subcommands; s->name != NULL; s++)
        if (n < MAX_INFO_SUBCOMMANDS) out[n++] = s;
    qsort(out, n, sizeof *out, by_name);
    return n;
}

static void add_key_spec(mr_conn *c, const key_spec *k) {
    mr_add_map(c, k->notes != NULL ? 4 : 3);
    if (k->notes != NULL) {
        mr_add_bulk_cstr(c, "notes");
        mr_add_bulk_cstr(c, k->notes);
    }
    mr_add_bulk_cstr(c, "flags");
    add_word_set(c, k->flags, 1);
    mr_add_bulk_cstr(c, "begin_search");
    mr_add_map(c, 2);
    mr_add_bulk_cstr(c, "type");
    mr_add_bulk_cstr(c, "index");
    mr_add_bulk_cstr(c, "spec");
    mr_add_map(c, 1);
    mr_add_bulk_cstr(c, "index");
    mr_add_integer(c, k->index);
    mr_add_bulk_cstr(c, "find_keys");
    mr_add_map(c, 2);
    mr_add_bulk_cstr(c, "type");
    mr_add_bulk_cstr(c, "range");
    mr_add_bulk_cstr(c, "spec");
    mr_add_map(c, 3);
    mr_add_bulk_cstr(c, "lastkey");
    mr_add_integer(c, k->lastkey);
    mr_add_bulk_cstr(c, "keystep");
    mr_add_integer(c, k->keystep);
    mr_add_bulk_cstr(c, "limit");
    mr_add_integer(c, k->limit);
}

/* One COMMAND INFO entry: name, arity, flags, first key, last key, step,
 * ACL categories, tips, key specs, subcommands (as Redis 7.0 types them
 * in RESP3: sets, except a non-empty list of subcommands).  A command
 * without an entry in `metas` gets empty sets, and no_auth from the
 * table. */
static void add_command_info(mr_conn *c, const mr_command *cmd) {
    const cmd_meta *m = meta_for(cmd->name);
    mr_add_array(c, 10);
    mr_add_bulk_cstr(c, cmd->name);
    mr_add_integer(c, cmd->arity);
    add_word_set(c, m != NULL ? m->flags : (cmd->flags & MR_CMD_NOAUTH) ? "no_auth" : "", 1);
    mr_add_integer(c, cmd->first_key);
    mr_add_integer(c, cmd->last_key);
    mr_add_integer(c, cmd->key_step);
    add_word_set(c, m != NULL ? m->acl : "", 1);
    add_word_set(c, m != NULL ? m->tips : "", 0);
    size_t nspecs = 0;
    if (m != NULL && m->specs != NULL)
        while (m->specs[nspecs].flags != NULL) nspecs++;
    mr_add_set(c, nspecs);
    for (size_t i = 0; i < nspecs; i++) add_key_spec(c, &m->specs[i]);
    /* Redis 7.0 spells "no subcommands" as an empty set, and a list of
     * them as an array. */
    const mr_command *subs[MAX_INFO_SUBCOMMANDS];
    size_t nsubs = info_subcommands(cmd, subs);
    if (nsubs == 0) mr_add_set(c, 0);
    else mr_add_array(c, nsubs);
    for (size_t i = 0; i < nsubs; i++) add_command_info(c, subs[i]);
}

static void add_all_command_info(mr_conn *c) {
    size_t count, listed = 0;
    const mr_command *table = mr_command_table(&count);
    for (size_t i = 0; i < count; i++) listed += is_listed(&table[i]);
    mr_add_array(c, listed);
    for (size_t i = 0; i < count; i++)
        if (is_listed(&table[i])) add_command_info(c, &table[i]);
}

MR_PROC(mr_cmd_command) {
    (void)argc;
    (void)argv;
    add_all_command_info(c);
}

MR_PROC(mr_cmd_command_info) {
    if (argc == 2) {
        add_all_command_info(c);
        return;
    }
    mr_add_array(c, argc - 2);
    for (size_t i = 2; i < argc; i++) {
        const mr_command *cmd = lookup_full_name(&argv[i]);
        if (cmd != NULL) add_command_info(c, cmd);
        else mr_add_null(c);
    }
}

MR_PROC(mr_cmd_command_count) {
    (void)argc;
    (void)argv;
    size_t count, listed = 0;
    const mr_command *table = mr_command_table(&count);
    for (size_t i = 0; i < count; i++) listed += is_listed(&table[i]);
    mr_add_integer(c, (long long)listed);
}

static size_t doc_arg_count(const doc_arg *args) {
    size_t n = 0;
    if (args != NULL)
        while (args[n].name != NULL) n++;
    return n;
}

static void add_doc_args(mr_conn *c, const doc_arg *args) {
    size_t n = doc_arg_count(args);
    mr_add_array(c, n);
    for (size_t i = 0; i < n; i++) {
        const doc_arg *a = &args[i];
        int is_key = strcmp(a->type, "key") == 0;
        mr_add_map(c, 2 + (size_t)is_key + (a->token != NULL) + (a->since != NULL) +
                          (a->deprecated != NULL) + (a->flags != NULL) + (a->args != NULL));
        mr_add_bulk_cstr(c, "name");
        mr_add_bulk_cstr(c, a->name);
        mr_add_bulk_cstr(c, "type");
        mr_add_bulk_cstr(c, a->type);
        if (is_key) {
            mr_add_bulk_cstr(c, "key_spec_index");
            mr_add_integer(c, a->key_spec);
        }
        if (a->token != NULL) {
            mr_add_bulk_cstr(c, "token");
            mr_add_bulk_cstr(c, a->token);
        }
        if (a->since != NULL) {
            mr_add_bulk_cstr(c, "since");
            mr_add_bulk_cstr(c, a->since);
        }
        if (a->deprecated != NULL) {
            mr_add_bulk_cstr(c, "deprecated_since");
            mr_add_bulk_cstr(c, a->deprecated);
        }
        if (a->flags != NULL) {
            mr_add_bulk_cstr(c, "flags");
            add_word_set(c, a->flags, 1);
        }
        if (a->args != NULL) {
            mr_add_bulk_cstr(c, "arguments");
            add_doc_args(c, a->args);
        }
    }
}

/* One COMMAND DOCS value: summary, since, group, complexity, then
 * arguments and subcommands when there are any.  A command without an
 * entry in `metas` still gets the four fields redis-cli relies on. */
static void add_command_docs(mr_conn *c, const mr_command *cmd) {
    const cmd_meta *m = meta_for(cmd->name);
    size_t nsubs = subcommand_count(cmd);
    int has_args = m != NULL && m->args != NULL;
    mr_add_map(c, 4 + (size_t)has_args + (nsubs > 0));
    mr_add_bulk_cstr(c, "summary");
    mr_add_bulk_cstr(c, cmd->summary != NULL ? cmd->summary : "");
    mr_add_bulk_cstr(c, "since");
    mr_add_bulk_cstr(c, m != NULL ? m->since : "7.0.0");
    mr_add_bulk_cstr(c, "group");
    mr_add_bulk_cstr(c, cmd->group != NULL ? cmd->group : "generic");
    mr_add_bulk_cstr(c, "complexity");
    mr_add_bulk_cstr(c, m != NULL ? m->complexity : "");
    if (has_args) {
        mr_add_bulk_cstr(c, "arguments");
        add_doc_args(c, m->args);
    }
    if (nsubs > 0) {
        mr_add_bulk_cstr(c, "subcommands");
        mr_add_map(c, nsubs);
        for (size_t i = 0; i < nsubs; i++) {
            mr_add_bulk_cstr(c, cmd->subcommands[i].name);
            add_command_docs(c, &cmd->subcommands[i]);
        }
    }
}

/* A map of name -> docs: every command, or the ones named (unknown names
 * are left out, repeated ones repeated). */
MR_PROC(mr_cmd_command_docs) {
    if (argc == 2) {
        size_t count, listed = 0;
        const mr_command *table = mr_command_table(&count);
        for (size_t i = 0; i < count; i++) listed += is_listed(&table[i]);
        mr_add_map(c, listed);
        for (size_t i = 0; i < count; i++) {
            if (!is_listed(&table[i])) continue;
            mr_add_bulk_cstr(c, table[i].name);
            add_command_docs(c, &table[i]);
        }
        return;
    }
    size_t found = 0;
    for (size_t i = 2; i < argc; i++) found += lookup_full_name(&argv[i]) != NULL;
    mr_add_map(c, found);
    for (size_t i = 2; i < argc; i++) {
        const mr_command *cmd = lookup_full_name(&argv[i]);
        if (cmd == NULL) continue;
        mr_add_bulk_cstr(c, cmd->name);
        add_command_docs(c, cmd);
    }
}

enum { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };

static int list_filter_matches(const mr_command *cmd, int type, const resp_span *arg) {
    switch (type) {
    case FILTER_MODULE:
        return 0; /* no command comes from a module */
    case FILTER_ACLCAT: {
        const cmd_meta *m = meta_for(cmd->name);
        size_t alen = cstr_len(arg->ptr, arg->len);
        const char *w;
        size_t n;
        for (const char *p = m != NULL ? m->acl : ""; (n = next_word(&p, &w)) > 0;)
            if (n == alen + 1 && strncasecmp(w + 1, arg->ptr, alen) == 0) return 1;
        return 0;
    }
    case FILTER_PATTERN:
        return mr_glob_match(arg->ptr, cstr_len(arg->ptr, arg->len), cmd->name,
                             strlen(cmd->name), 1);
    default:
        return 1;
    }
}

/* COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]:
 * every command followed by its subcommands, each tested on its own. */
MR_PROC(mr_cmd_command_list) {
    int type = FILTER_NONE;
    const resp_span *arg = NULL;
    if (argc != 2) {
        if (argc != 5 || !mr_arg_is(&argv[2], "filterby")) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
        if (mr_arg_is(&argv[3], "module")) type = FILTER_MODULE;
        else if (mr_arg_is(&argv[3], "aclcat")) type = FILTER_ACLCAT;
        else if (mr_arg_is(&argv[3], "pattern")) type = FILTER_PATTERN;
        else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
        arg = &argv[4];
    }
    size_t count;
    const mr_command *table = mr_command_table(&count);
    resp_buf names;
    resp_buf_init(&names, NULL);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!is_listed(&table[i])) continue;
        if (list_filter_matches(&table[i], type, arg)) {
            resp_write_bulk_string(&names, table[i].name, strlen(table[i].name));
            n++;
        }
        for (const mr_command *s = table[i].subcommands; s != NULL && s->name != NULL; s++) {
            if (!list_filter_matches(s, type, arg)) continue;
            resp_write_bulk_string(&names, s->name, strlen(s->name));
            n++;
        }
    }
    mr_add_array(c, n);
    mr_add_raw(c, names.data, names.len);
    resp_buf_free(&names);
}

/* ---- INFO ---- */

enum {
    SEC_SERVER = 1 << 0,
    SEC_CLIENTS = 1 << 1,
    SEC_MEMORY = 1 << 2,
    SEC_PERSISTENCE = 1 << 3,
    SEC_STATS = 1 << 4,
    SEC_REPLICATION = 1 << 5,
    SEC_CPU = 1 << 6,
    SEC_MODULES = 1 << 7,
    SEC_CLUSTER = 1 << 8,
    SEC_KEYSPACE = 1 << 9,
    SEC_DEFAULT = (1 << 10) - 1
};

static int info_section(const resp_span *a) {
    static const struct {
        const char *name;
        int bit;
    } names[] = {{"server", SEC_SERVER},
                 {"clients", SEC_CLIENTS},
                 {"memory", SEC_MEMORY},
                 {"persistence", SEC_PERSISTENCE},
                 {"stats", SEC_STATS},
                 {"replication", SEC_REPLICATION},
                 {"cpu", SEC_CPU},
                 {"modules", SEC_MODULES},
                 {"module_list", SEC_MODULES},
                 {"cluster", SEC_CLUSTER},
                 {"keyspace", SEC_KEYSPACE},
                 {"default", SEC_DEFAULT},
                 {"all", SEC_DEFAULT},
                 {"everything", SEC_DEFAULT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (mr_arg_is(a, names[i].name)) return names[i].bit;
    return 0;
}

/* Redis's bytesToHuman. */
static void bytes_human(char *out, size_t cap, unsigned long long n) {
    static const char units[] = "KMGTP";
    if (n < 1024) {
        snprintf(out, cap, "%lluB", n);
        return;
    }
    double d = (double)n;
    for (size_t i = 0; i < sizeof units - 1; i++) {
        d /= 1024;
        if (d < 1024) {
            snprintf(out, cap, "%.2f%c", d, units[i]);
            return;
        }
    }
    snprintf(out, cap, "%lluB", n);
}

/* Random hex ids made once per process, as Redis makes its run id at
 * start: 40 characters for the run id, 40 for the replication id. */
static const char *process_ids(void) {
    static char ids[81];
    if (ids[0] != '\0') return ids;
    unsigned char raw[40];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f != NULL ? fread(raw, 1, sizeof raw, f) : 0;
    if (f != NULL) fclose(f);
    uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)ids;
    for (size_t i = got; i < sizeof raw; i++) {
        x += 0x9e3779b97f4a7c15ull; /* splitmix64 */
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        raw[i] = (unsigned char)(z ^ (z >> 31));
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        ids[2 * i] = hex[raw[i] >> 4];
        ids[2 * i + 1] = hex[raw[i] & 15];
    }
    ids[80] = '\0';
    return ids;
}

/* The resident set size; 0 when unknown. */
static unsigned long long resident_bytes(void) {
    unsigned long long rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        unsigned long long size, pages;
        if (fscanf(f, "%llu %llu", &size, &pages) == 2)
            rss = pages * (unsigned long long)sysconf(_SC_PAGESIZE);
        fclose(f);
    }
    return rss;
}

/* Under a replacement allocator (ASan's, say) mallinfo2 counts nothing;
 * the resident size is the next best figure then. */
static unsigned long long used_bytes(void) {
    unsigned long long used = 0;
#ifdef HAVE_MALLINFO2
    struct mallinfo2 mi = mallinfo2();
    used = (unsigned long long)mi.uordblks + (unsigned long long)mi.hblkhd;
#endif
    return used != 0 ? used : resident_bytes();
}

static unsigned long long system_memory(void) {
#if defined(_SC_PHYS_PAGES)
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && size > 0) return (unsigned long long)pages * (unsigned long long)size;
#endif
    return 0;
}

/* The average remaining TTL in ms of keys with one: exact for a few
 * keys, else estimated from a sample (Redis estimates it too, from its
 * expiry cycle).  A private generator keeps RANDOMKEY's sequence intact. */
static long long average_ttl(mr_server *srv, mr_db *db) {
    size_t n = mr_dict_size(db->expires);
    /* long double: TTLs up to 2^63 ms would overflow a sum of long longs. */
    long double sum = 0;
    long long counted = 0;
    if (n == 0) return 0;
    if (n <= 16) {
        mr_dict_iter it;
        mr_dict_iter_init(&it, db->expires);
        for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
            if (e->v.s64 > srv->now_ms) {
                sum += (long double)e->v.s64 - (long double)srv->now_ms;
                counted++;
            }
        }
        mr_dict_iter_done(&it);
    } else {
        uint64_t rng = srv->rng ^ 0x2545f4914f6cdd1dull;
        for (int i = 0; i < 16; i++) {
            mr_dict_entry *e = mr_dict_random(db->expires, &rng);
            if (e != NULL && e->v.s64 > srv->now_ms) {
                sum += (long double)e->v.s64 - (long double)srv->now_ms;
                counted++;
            }
        }
    }
    return counted > 0 ? (long long)(sum / (long double)counted) : 0;
}

static void info_server(resp_buf *b, mr_server *srv) {
    struct utsname un;
    char os[256] = "";
    if (uname(&un) == 0) snprintf(os, sizeof os, "%s %s %s", un.sysname, un.release, un.machine);
    char exe[1024] = "";
#if defined(__linux__)
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
#endif
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long uptime = (long long)((srv->now_ms - srv->start_ms) / 1000);
    const char *ids = process_ids();
    mr_buf_printf(b,
               "# Server\r\n"
               "redis_version:7.0.15\r\n"
               "redis_git_sha1:00000000\r\n"
               "redis_git_dirty:0\r\n"
               "redis_mode:standalone\r\n"
               "os:%s\r\n"
               "arch_bits:%d\r\n"
               "multiplexing_api:%s\r\n",
               os, (int)(sizeof(void *) * 8),
#if defined(__linux__)
               "epoll"
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
               "kqueue"
#else
               "poll"
#endif
    );
#if defined(__GNUC__)
    mr_buf_printf(b, "gcc_version:%d.%d.%d\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
    mr_buf_printf(b, "gcc_version:0.0.0\r\n");
#endif
    mr_buf_printf(b,
               "process_id:%ld\r\n"
               "process_supervised:no\r\n"
               "run_id:%.40s\r\n"
               "tcp_port:%d\r\n"
               "server_time_usec:%lld\r\n"
               "uptime_in_seconds:%lld\r\n"
               "uptime_in_days:%lld\r\n"
               "hz:%d\r\n"
               "configured_hz:%d\r\n"
               "lru_clock:%lld\r\n"
               "executable:%s\r\n"
               "config_file:\r\n"
               "io_threads_active:0\r\n",
               (long)getpid(), ids, srv->cfg.port,
               (long long)ts.tv_sec * 1000000 + (long long)(ts.tv_nsec / 1000), uptime,
               uptime / 86400, srv->cfg.hz, srv->cfg.hz,
               (long long)((srv->now_ms / 1000) & ((1 << 24) - 1)), exe);
}

static void info_clients(resp_buf *b, mr_server *srv) {
    size_t max_in = 0, max_out = 0;
    for (const mr_conn *cl = srv->clients; cl != NULL; cl = cl->next) {
        if (cl->in_cap > max_in) max_in = cl->in_cap;
        if (cl->out.len + cl->inflight > max_out) max_out = cl->out.len + cl->inflight;
    }
    mr_buf_printf(b,
               "# Clients\r\n"
               "connected_clients:%zu\r\n"
               "cluster_connections:0\r\n"
               "maxclients:%ld\r\n"
               "client_recent_max_input_buffer:%zu\r\n"
               "client_recent_max_output_buffer:%zu\r\n"
               "blocked_clients:0\r\n"
               "tracking_clients:0\r\n"
               "clients_in_timeout_table:0\r\n",
               srv->nclients, srv->cfg.maxclients, max_in, max_out);
}

static void info_memory(resp_buf *b, mr_server *srv) {
    static unsigned long long peak;
    unsigned long long used = used_bytes(), rss = resident_bytes(), total = system_memory();
    size_t clients_mem = 0;
    for (const mr_conn *cl = srv->clients; cl != NULL; cl = cl->next)
        clients_mem += sizeof *cl + cl->in_cap + cl->out.cap + cl->inflight;
    if (used > peak) peak = used;
    char used_h[32], rss_h[32], peak_h[32], total_h[32];
    bytes_human(used_h, sizeof used_h, used);
    bytes_human(rss_h, sizeof rss_h, rss);
    bytes_human(peak_h, sizeof peak_h, peak);
    bytes_human(total_h, sizeof total_h, total);
    mr_buf_printf(b,
               "# Memory\r\n"
               "used_memory:%llu\r\n"
               "used_memory_human:%s\r\n"
               "used_memory_rss:%llu\r\n"
               "used_memory_rss_human:%s\r\n"
               "used_memory_peak:%llu\r\n"
               "used_memory_peak_human:%s\r\n"
               "used_memory_peak_perc:%.2f%%\r\n"
               "total_system_memory:%llu\r\n"
               "total_system_memory_human:%s\r\n"
               "maxmemory:0\r\n"
               "maxmemory_human:0B\r\n"
               "maxmemory_policy:noeviction\r\n"
               "mem_fragmentation_ratio:%.2f\r\n"
               "mem_clients_normal:%zu\r\n"
               "mem_allocator:libc\r\n",
               used, used_h, rss, rss_h, peak, peak_h,
               peak > 0 ? (double)used * 100 / (double)peak : 0.0, total, total_h,
               used > 0 ? (double)rss / (double)used : 0.0, clients_mem);
}

/* No persistence: nothing is ever saved, loaded or rewritten. */
static void info_persistence(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b,
               "# Persistence\r\n"
               "loading:0\r\n"
               "async_loading:0\r\n"
               "rdb_bgsave_in_progress:0\r\n"
               "rdb_last_save_time:%lld\r\n"
               "rdb_last_bgsave_status:ok\r\n"
               "rdb_last_bgsave_time_sec:-1\r\n"
               "rdb_current_bgsave_time_sec:-1\r\n"
               "rdb_saves:0\r\n"
               "aof_enabled:0\r\n"
               "aof_rewrite_in_progress:0\r\n"
               "aof_rewrite_scheduled:0\r\n"
               "aof_last_rewrite_time_sec:-1\r\n"
               "aof_current_rewrite_time_sec:-1\r\n"
               "aof_last_bgrewrite_status:ok\r\n"
               "aof_rewrites:0\r\n"
               "aof_last_write_status:ok\r\n",
               (long long)(srv->start_ms / 1000));
}

static void info_stats(resp_buf *b, mr_server *srv) {
    const mr_stats *st = &srv->stats;
    mr_buf_printf(b,
               "# Stats\r\n"
               "total_connections_received:%llu\r\n"
               "total_commands_processed:%llu\r\n"
               "total_net_input_bytes:%llu\r\n"
               "total_net_output_bytes:%llu\r\n"
               "rejected_connections:%llu\r\n"
               "expired_keys:%llu\r\n"
               "evicted_keys:0\r\n"
               "keyspace_hits:%llu\r\n"
               "keyspace_misses:%llu\r\n"
               "pubsub_channels:%zu\r\n"
               "pubsub_patterns:%zu\r\n"
               "pubsubshard_channels:%zu\r\n",
               (unsigned long long)st->connections_received,
               (unsigned long long)st->commands_processed,
               (unsigned long long)st->net_input_bytes, (unsigned long long)st->net_output_bytes,
               (unsigned long long)st->rejected_connections,
               (unsigned long long)st->expired_keys, (unsigned long long)st->keyspace_hits,
               (unsigned long long)st->keyspace_misses, mr_dict_size(srv->channels),
               mr_dict_size(srv->patterns), mr_dict_size(srv->shard_channels));
}

/* A master without replicas or a backlog. */
static void info_replication(resp_buf *b) {
    mr_buf_printf(b,
               "# Replication\r\n"
               "role:master\r\n"
               "connected_slaves:0\r\n"
               "master_failover_state:no-failover\r\n"
               "master_replid:%.40s\r\n"
               "master_replid2:0000000000000000000000000000000000000000\r\n"
               "master_repl_offset:0\r\n"
               "second_repl_offset:-1\r\n"
               "repl_backlog_active:0\r\n"
               "repl_backlog_size:1048576\r\n"
               "repl_backlog_first_byte_offset:0\r\n"
               "repl_backlog_histlen:0\r\n",
               process_ids() + 40);
}

static void info_cpu(resp_buf *b) {
    struct rusage self, children;
    memset(&self, 0, sizeof self);
    memset(&children, 0, sizeof children);
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    mr_buf_printf(b,
               "# CPU\r\n"
               "used_cpu_sys:%ld.%06ld\r\n"
               "used_cpu_user:%ld.%06ld\r\n"
               "used_cpu_sys_children:%ld.%06ld\r\n"
               "used_cpu_user_children:%ld.%06ld\r\n",
               (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec,
               (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec,
               (long)children.ru_stime.tv_sec, (long)children.ru_stime.tv_usec,
               (long)children.ru_utime.tv_sec, (long)children.ru_utime.tv_usec);
}

static void info_keyspace(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b, "# Keyspace\r\n");
    for (int i = 0; i < srv->cfg.databases; i++) {
        mr_db *db = &srv->dbs[i];
        size_t keys = mr_dict_size(db->keys);
        if (keys == 0) continue;
        mr_buf_printf(b, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, keys,
                   mr_dict_size(db->expires), average_ttl(srv, db));
    }
}

/* INFO [section ...]: sections in Redis's order whatever the order asked,
 * separated by an empty line; unknown names add nothing.  Left out, as
 * this server does not measure them: instantaneous rates, command, error
 * and latency statistics, allocator internals, Lua and function memory,
 * and per-thread CPU times. */
MR_PROC(mr_cmd_info) {
    mr_server *srv = c->srv;
    int want = argc == 1 ? SEC_DEFAULT : 0;
    for (size_t i = 1; i < argc; i++) want |= info_section(&argv[i]);
    resp_buf b;
    resp_buf_init(&b, NULL);
    int sections = 0;
#define SECTION(bit, call)                                                                         \
    do {                                                                                           \
        if (want & (bit)) {                                                                        \
            if (sections++ > 0) resp_buf_append(&b, "\r\n", 2);                                   \
            call;                                                                                  \
        }                                                                                          \
    } while (0)
    SECTION(SEC_SERVER, info_server(&b, srv));
    SECTION(SEC_CLIENTS, info_clients(&b, srv));
    SECTION(SEC_MEMORY, info_memory(&b, srv));
    SECTION(SEC_PERSISTENCE, info_persistence(&b, srv));
    SECTION(SEC_STATS, info_stats(&b, srv));
    SECTION(SEC_REPLICATION, info_replication(&b));
    SECTION(SEC_CPU, info_cpu(&b));
    SECTION(SEC_MODULES, mr_buf_printf(&b, "# Modules\r\n"));
    SECTION(SEC_CLUSTER, mr_buf_printf(&b, "# Cluster\r\ncluster_enabled:0\r\n"));
    SECTION(SEC_KEYSPACE, info_keyspace(&b, srv));
#undef SECTION
    mr_add_verbatim(c, b.data != NULL ? b.data : "", b.len);
    resp_buf_free(&b);
}

/* ---- TIME, SHUTDOWN ---- */

MR_PROC(mr_cmd_time) {
    (void)argc;
    (void)argv;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char sec[32], usec[16];
    int n1 = snprintf(sec, sizeof sec, "%lld", (long long)ts.tv_sec);
    int n2 = snprintf(usec, sizeof usec, "%ld", (long)(ts.tv_nsec / 1000));
    mr_add_array(c, 2);
    mr_add_bulk(c, sec, (size_t)n1);
    mr_add_bulk(c, usec, (size_t)n2);
}

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].  Nothing is kept on disk,
 * so a shutdown never saves; SAVE asks for a save that cannot be made and
 * fails as a failed save does in Redis, unless FORCE says to go on.  NOW
 * changes nothing: there are no replicas to wait for. */
MR_PROC(mr_cmd_shutdown) {
    int nosave = 0, save = 0, force = 0, abort_ = 0, flags = 0;
    for (size_t i = 1; i < argc; i++) {
        if (mr_arg_is(&argv[i], "nosave")) nosave = flags = 1;
        else if (mr_arg_is(&argv[i], "save")) save = flags = 1;
        else if (mr_arg_is(&argv[i], "now")) flags = 1;
        else if (mr_arg_is(&argv[i], "force")) force = flags = 1;
        else if (mr_arg_is(&argv[i], "abort")) abort_ = 1;
        else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
    }
    if ((abort_ && flags) || (nosave && save)) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    if (abort_) {
        mr_add_error(c, "ERR No shutdown in progress.");
        return;
    }
    mr_server *srv = c->srv;
    if (save) {
        /* The host logs "User requested shutdown..." when it goes ahead. */
        if (!force) mr_log(srv, MR_LOG_WARNING, "User requested shutdown...");
        mr_log(srv, MR_LOG_WARNING,
               "SHUTDOWN SAVE: this server keeps no data on disk, so no snapshot can be saved.");
        if (!force) {
            mr_log(srv, MR_LOG_WARNING, "Error trying to save the DB, can't exit.");
            mr_log(srv, MR_LOG_WARNING,
                   "Errors trying to shut down the server. Check the logs for more "
                   "information.");
            mr_add_error(c, "ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        mr_log(srv, MR_LOG_WARNING, "Error trying to save the DB. Exit anyway.");
    }
    c->close = MR_CLOSE_NOW;
    if (srv->host.shutdown != NULL) srv->host.shutdown(srv, srv->host.ud);
}
