/* server/scan.h - the cursor and options SCAN and HSCAN (and the other
 * type scans) share, and the walk over a hash table they all make. */
#ifndef MR_SCAN_H
#define MR_SCAN_H

#include <stdint.h>

#include "server.h"

typedef struct mr_scan {
    long long count;        /* COUNT, 10 by default */
    const resp_span *match; /* MATCH, NULL for every name */
    const resp_span *type;  /* SCAN's TYPE, NULL for none */
} mr_scan;

/* The cursor as Redis reads it; 0 after replying "ERR invalid cursor". */
int mr_scan_cursor(mr_conn *c, const resp_span *a, uint64_t *out);
/* Options from argv[first] on; TYPE only when with_type.  0 after
 * replying the error. */
int mr_scan_options(mr_conn *c, size_t argc, const resp_span *argv, size_t first, int with_type,
                    mr_scan *o);
/* Whether a name passes MATCH. */
int mr_scan_matches(const mr_scan *o, const char *name, size_t len);

/* Writes what one entry contributes to the reply (nothing, a name, a
 * name and a value) and returns how many items it wrote. */
typedef size_t mr_scan_emit(void *ud, const mr_dict_entry *e, resp_buf *body);

/* Walks d from cursor as Redis does (until COUNT items or a bounded
 * amount of work), calling emit for each entry that passes MATCH, and
 * replies [next cursor, items]. */
void mr_scan_dict(mr_conn *c, mr_dict *d, uint64_t cursor, const mr_scan *o, mr_scan_emit *emit,
                  void *ud);
/* Replies a finished scan: cursor 0 and the items in body. */
void mr_scan_reply(mr_conn *c, uint64_t cursor, const resp_buf *body, size_t items);

#endif /* MR_SCAN_H */
