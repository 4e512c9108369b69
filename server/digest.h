/* server/digest.h - DEBUG DIGEST and DIGEST-VALUE: a value's digest as
 * Redis 7.0 computes it (debug.c), so that two servers holding the same
 * data give the same forty hex digits.  Each string is hashed with SHA-1
 * and mixed in (order counts: a list's elements, a stream's entries) or
 * XORed in (order does not: a set's members, a hash's pairs, a sorted
 * set's members with their scores printed as %.17g). */
#ifndef MR_DIGEST_H
#define MR_DIGEST_H

#include <resp/request.h>

#include "server.h"

#define MR_DIGEST_LEN 20

/* The digest of the value at key in c's database, its expiry included
 * (a key whose time has passed still counts, as in Redis); zeros for a
 * missing key. */
void mr_digest_key(mr_conn *c, const resp_span *key, unsigned char out[MR_DIGEST_LEN]);
/* The digest of every key of every database. */
void mr_digest_dataset(mr_server *srv, unsigned char out[MR_DIGEST_LEN]);
/* Forty lower-case hex digits (no NUL). */
void mr_digest_hex(const unsigned char d[MR_DIGEST_LEN], char out[2 * MR_DIGEST_LEN]);

#endif /* MR_DIGEST_H */
