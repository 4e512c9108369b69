/* server/sha1.h - SHA-1 (FIPS 180-4), for DEBUG DIGEST's value digests,
 * which Redis builds from SHA-1.  Not for anything secret. */
#ifndef MR_SHA1_H
#define MR_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define MR_SHA1_LEN 20

typedef struct mr_sha1 {
    uint32_t h[5];
    uint64_t bytes;            /* message length so far */
    unsigned char block[64];   /* a partial block */
} mr_sha1;

void mr_sha1_init(mr_sha1 *s);
void mr_sha1_update(mr_sha1 *s, const void *data, size_t len);
void mr_sha1_final(mr_sha1 *s, unsigned char out[MR_SHA1_LEN]);
/* The digest of one buffer. */
void mr_sha1_of(const void *data, size_t len, unsigned char out[MR_SHA1_LEN]);

#endif /* MR_SHA1_H */
