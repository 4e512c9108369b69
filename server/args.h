/* server/args.h - reading a command's arguments as Redis does: names
 * compared as C strings, integers or Redis's error reply. */
#ifndef MR_ARGS_H
#define MR_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <resp/request.h>

typedef struct mr_conn mr_conn;

/* Redis reads names and most texts as C strings: the length up to the
 * first NUL. */
size_t mr_cstr_len(const char *s, size_t len);
/* An argument's length as a C string. */
size_t mr_arg_len(const resp_span *a);
/* Case-insensitive comparison of an argument with a lower-case word. */
int mr_arg_is(const resp_span *a, const char *word);
/* A whole decimal long long, as Redis's string2ll reads it. */
int mr_parse_ll(const resp_span *a, long long *out);
/* As mr_parse_ll; on failure replies "ERR value is not an integer or out
 * of range" and returns 0. */
int mr_arg_ll(mr_conn *c, const resp_span *a, long long *out);

/* An int, as Redis's getIntFromObjectOrReply reads one: on failure
 * replies msg when given, else Redis's texts for a non-integer or for
 * one outside the int range, and returns 0. */
int mr_arg_int(mr_conn *c, const resp_span *a, const char *msg, int *out);
/* A database index (SELECT, MOVE, COPY's DB, SWAPDB): an int as above,
 * then "ERR DB index is out of range" unless it names a database. */
int mr_arg_db(mr_conn *c, const resp_span *a, const char *msg, int *out);

/* A bit offset (SETBIT, GETBIT, BITFIELD): a plain integer, or with
 * field_bits > 0 also "#n", the n-th field of that width (the product
 * wraps as Redis's does).  It must address a bit of the longest string
 * proto-max-bulk-len allows; else "ERR bit offset is not an integer or
 * out of range" is replied and 0 returned. */
int mr_arg_bit_offset(mr_conn *c, const resp_span *a, unsigned field_bits, uint64_t *out);

/* What LMPOP and ZMPOP read (BLMPOP and BZMPOP too, from their
 * numkeys on): numkeys, the keys, one of two end words (end 0 or 1), then
 * [COUNT n] (1 when absent).  Redis's texts on failure, and 0. */
typedef struct mr_mpop_args {
    size_t first_key, nkeys;
    int end;
    long long count;
} mr_mpop_args;
int mr_arg_mpop(mr_conn *c, size_t argc, const resp_span *argv, size_t numkeys_at,
                const char *const ends[2], mr_mpop_args *out);

/* SPOP and ZPOPMIN's optional count (argv[2]): -1 when absent, else a
 * non-negative integer; a syntax error past it.  0 after replying. */
int mr_arg_pop_count(mr_conn *c, size_t argc, const resp_span *argv, long long *count);

/* HRANDFIELD and ZRANDMEMBER's count (argv[2]) and optional with_word
 * (argv[3]): Redis's range checks and texts, or 0 after replying. */
int mr_arg_rand_count(mr_conn *c, size_t argc, const resp_span *argv, const char *with_word,
                      long long *count, int *with);

#endif /* MR_ARGS_H */
