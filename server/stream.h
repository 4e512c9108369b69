/* server/stream.h - a stream: entries with increasing IDs, each a list of
 * field/value pairs, kept in nodes laid out as Redis 7.0 lays out its
 * listpacks (at most 100 entries, a new node once the emulated listpack
 * would pass 4096 bytes), so that approximate trimming, which removes
 * whole nodes only, removes exactly what Redis removes. */
#ifndef MR_STREAM_H
#define MR_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <resp/request.h>

#include "object.h"

typedef struct mr_stream_id {
    uint64_t ms;
    uint64_t seq;
} mr_stream_id;

typedef struct mr_stream_node mr_stream_node;

typedef struct mr_stream {
    mr_obj hdr;
    mr_stream_node **nodes; /* in ID order */
    size_t nnodes, cap;
    uint64_t length;     /* entries not deleted */
    mr_stream_id last_id; /* the greatest ID ever added (deleted or not) */
} mr_stream;

/* How a trim chooses what goes (Redis's TRIM_STRATEGY_*). */
typedef enum mr_trim_kind {
    MR_TRIM_NONE,
    MR_TRIM_MAXLEN,
    MR_TRIM_MINID
} mr_trim_kind;

typedef struct mr_stream_trim {
    mr_trim_kind kind;
    int approx;        /* "~": whole nodes only */
    long long maxlen;  /* MAXLEN's threshold */
    mr_stream_id minid; /* MINID's threshold */
    long long limit;   /* at most this many entries, 0 for no limit */
} mr_stream_trim;

/* An entry as an iterator yields it: its ID and its pairs, read in turn
 * with mr_stream_entry_pair. */
typedef struct mr_stream_entry {
    mr_stream_id id;
    size_t npairs;
    const unsigned char *pairs;
    size_t off;  /* where the next field starts in pairs */
    size_t left; /* fields and values not read yet */
} mr_stream_entry;

typedef struct mr_stream_iter {
    const mr_stream *s;
    mr_stream_id start, end; /* inclusive */
    int rev;
    size_t node, entry; /* the next position to look at */
    int done;
} mr_stream_iter;

int mr_stream_id_cmp(const mr_stream_id *a, const mr_stream_id *b);

mr_stream *mr_stream_new(void);
/* A copy with the same nodes (COPY). */
mr_stream *mr_stream_dup(const mr_stream *s);
void mr_stream_free(mr_stream *s);
size_t mr_stream_node_count(const mr_stream *s);
/* The listpack bytes Redis's MEMORY USAGE counts: all nodes' allocations
 * when there are at most `samples` (at least 1), else the average of the
 * first `samples` for all but the last, plus the last's. */
size_t mr_stream_sample_lp_bytes(const mr_stream *s, size_t samples);
/* How many nodes Redis's radix tree of the listpack nodes has (its keys
 * are the nodes' first IDs, 16 bytes big-endian); 1 when empty. */
size_t mr_stream_rax_nodes(const mr_stream *s);

/* Adds an entry with id, which must be greater than s->last_id, and npairs
 * field/value pairs from fv (fv[0] a field, fv[1] its value, ...). */
void mr_stream_append(mr_stream *s, const mr_stream_id *id, const resp_span *fv, size_t npairs);
/* Deletes the entry with id: 1, or 0 when there is none. */
int mr_stream_delete(mr_stream *s, const mr_stream_id *id);
/* Redis's streamTrim: how many entries it deleted. */
long long mr_stream_trim_entries(mr_stream *s, const mr_stream_trim *t);

/* Entries from start to end inclusive, from the end first when rev. */
void mr_stream_iter_init(mr_stream_iter *it, const mr_stream *s, const mr_stream_id *start,
                         const mr_stream_id *end, int rev);
int mr_stream_iter_next(mr_stream_iter *it, mr_stream_entry *e);
/* The entry's next field and value; 0 after the last. */
int mr_stream_entry_pair(mr_stream_entry *e, const char **f, size_t *fn, const char **v,
                         size_t *vn);

#endif /* MR_STREAM_H */
