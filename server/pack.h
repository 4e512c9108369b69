/* server/pack.h - packed entries, the compact layout lists and small
 * hashes use: each entry is its length as a LEB128 varint, its bytes,
 * then the same varint bytes in reverse order, so a run of entries can be
 * walked from either end without an allocation per entry. */
#ifndef MR_PACK_H
#define MR_PACK_H

#include <stddef.h>

/* Bytes an entry of n bytes takes. */
size_t mr_pack_size(size_t n);
/* Writes an entry at p (mr_pack_size(n) bytes). */
void mr_pack_write(unsigned char *p, const char *s, size_t n);
/* The entry at buf + off: its bytes; returns its whole size. */
size_t mr_pack_read(const unsigned char *buf, size_t off, const char **s, size_t *n);
/* The offset of the entry that ends at buf + end (end > 0). */
size_t mr_pack_prev(const unsigned char *buf, size_t end);

#endif /* MR_PACK_H */
