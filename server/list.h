/* server/list.h - the list value: a doubly linked chain of nodes, each a
 * packed run of entries of at most 8 KiB (Redis's quicklist with its
 * default list-max-listpack-size -2), so no element has an allocation of
 * its own.  Pushes and pops at either end are O(1) amortised; reaching
 * index i walks nodes from the nearer end. */
#ifndef MR_LIST_H
#define MR_LIST_H

#include <stddef.h>

#include "object.h"

typedef struct mr_lnode mr_lnode;

typedef struct mr_list {
    mr_obj hdr;
    mr_lnode *head, *tail;
    size_t len;
} mr_list;

typedef enum mr_list_end { MR_LIST_HEAD, MR_LIST_TAIL } mr_list_end;

mr_list *mr_list_new(void);
/* How many nodes hold the elements. */
size_t mr_list_nodes(const mr_list *l);
/* Of the first `samples` nodes (at least one), the bytes Redis's
 * quicklist node and listpack would take (MEMORY USAGE), summed; the nodes
 * counted go in *sampled. */
size_t mr_list_sample_nodes(const mr_list *l, size_t samples, size_t *sampled);
void mr_list_free(mr_list *l);
void mr_list_push(mr_list *l, mr_list_end end, const char *s, size_t n);
/* Removes the element at one end (the list must not be empty). */
void mr_list_pop(mr_list *l, mr_list_end end);

/* The element at index (< len), a view valid until the list changes. */
void mr_list_get(const mr_list *l, size_t index, const char **s, size_t *n);
/* The element at one end (the list must not be empty). */
void mr_list_get_end(const mr_list *l, mr_list_end end, const char **s, size_t *n);

/* Walks the list from an index towards the tail (forward) or the head.
 * Elements returned are views into the list, valid until it changes
 * (other than through mr_list_iter_delete/insert on this iterator). */
typedef struct mr_list_iter {
    mr_list *l;
    mr_lnode *node; /* the next element's node; NULL at the end */
    size_t off;     /* its byte offset in the node */
    mr_lnode *last_node; /* the element returned last */
    size_t last_off;
    int forward;
} mr_list_iter;

/* index in 0..len-1 (callers normalise negative indexes). */
void mr_list_iter_init(mr_list_iter *it, mr_list *l, size_t index, int forward);
/* The next element, or 0 at the end. */
int mr_list_iter_next(mr_list_iter *it, const char **s, size_t *n);
/* Deletes the element returned last; the walk goes on after it. */
void mr_list_iter_delete(mr_list_iter *it);
/* Inserts before or after the element returned last (LINSERT); the walk
 * must end after that. */
void mr_list_iter_insert(mr_list_iter *it, int after, const char *s, size_t n);
/* Replaces the element returned last (LSET). */
void mr_list_iter_replace(mr_list_iter *it, const char *s, size_t n);

/* Deletes count elements from index start on (LTRIM). */
void mr_list_delete_range(mr_list *l, size_t start, size_t count);

#endif /* MR_LIST_H */
