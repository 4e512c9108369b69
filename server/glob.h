/* server/glob.h - Redis's glob-style matching (KEYS, SCAN MATCH,
 * PSUBSCRIBE, PUBSUB CHANNELS): * ? [abc] [^a] [a-z] and \x escapes, with
 * Redis 7.0's exact behaviour on malformed patterns. */
#ifndef MR_GLOB_H
#define MR_GLOB_H

#include <stddef.h>

int mr_glob_match(const char *pattern, size_t plen, const char *string, size_t slen, int nocase);

#endif /* MR_GLOB_H */
