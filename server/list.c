/* server/list.c - the list value (list.h).  A node's buffer is a run of
 * packed entries (pack.h), so it can be walked from either end. */
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "mem.h"
#include "sizes.h"
#include "pack.h"

/* Redis's list-max-listpack-size -2: nodes of up to 8 KiB.  A larger
 * entry gets a node of its own. */
#define NODE_MAX 8192

struct mr_lnode {
    mr_lnode *prev, *next;
    unsigned char *buf;
    size_t used, cap;
    size_t count;
};

/* The entry at off: its bytes; returns its whole size in the node. */
static size_t read_entry(const mr_lnode *nd, size_t off, const char **s, size_t *n) {
    return mr_pack_read(nd->buf, off, s, n);
}

static size_t entry_at(const mr_lnode *nd, size_t off) {
    const char *s;
    size_t n;
    return read_entry(nd, off, &s, &n);
}

/* The offset of the entry that ends where `end` is. */
static size_t entry_before(const mr_lnode *nd, size_t end) {
    return mr_pack_prev(nd->buf, end);
}

/* ---- nodes ---- */

/* A new empty node linked between prev and next (either may be NULL). */
static mr_lnode *node_insert(mr_list *l, mr_lnode *prev, mr_lnode *next) {
    mr_lnode *nd = mr_xcalloc(1, sizeof *nd);
    nd->prev = prev;
    nd->next = next;
    if (prev != NULL) prev->next = nd;
    else l->head = nd;
    if (next != NULL) next->prev = nd;
    else l->tail = nd;
    return nd;
}

static void node_remove(mr_list *l, mr_lnode *nd) {
    if (nd->prev != NULL) nd->prev->next = nd->next;
    else l->head = nd->next;
    if (nd->next != NULL) nd->next->prev = nd->prev;
    else l->tail = nd->prev;
    free(nd->buf);
    free(nd);
}

static void node_reserve(mr_lnode *nd, size_t more) {
    if (nd->used + more <= nd->cap) return;
    size_t cap = nd->cap != 0 ? nd->cap : 64;
    while (cap < nd->used + more) cap *= 2;
    nd->buf = mr_xrealloc(nd->buf, cap);
    nd->cap = cap;
}

/* Gives memory back once a node is mostly empty. */
static void node_shrink(mr_lnode *nd) {
    if (nd->cap > 256 && nd->used < nd->cap / 4) {
        nd->cap /= 2;
        nd->buf = mr_xrealloc(nd->buf, nd->cap);
    }
}

static void node_put(mr_lnode *nd, size_t off, const char *s, size_t n) {
    size_t sz = mr_pack_size(n);
    node_reserve(nd, sz);
    memmove(nd->buf + off + sz, nd->buf + off, nd->used - off);
    mr_pack_write(nd->buf + off, s, n);
    nd->used += sz;
    nd->count++;
}

/* Moves the entries from off on into a new node after nd. */
static void node_split(mr_list *l, mr_lnode *nd, size_t off) {
    mr_lnode *m = node_insert(l, nd, nd->next);
    size_t moved = 0;
    for (size_t p = off; p < nd->used; p += entry_at(nd, p)) moved++;
    node_reserve(m, nd->used - off);
    memcpy(m->buf, nd->buf + off, nd->used - off);
    m->used = nd->used - off;
    m->count = moved;
    nd->used = off;
    nd->count -= moved;
}

/* Inserts at byte offset off of nd (NULL: the list is empty), opening a
 * neighbour or a new node when nd is full. */
static void insert_at(mr_list *l, mr_lnode *nd, size_t off, const char *s, size_t n) {
    size_t sz = mr_pack_size(n);
    if (nd == NULL) {
        nd = node_insert(l, NULL, NULL);
    } else if (nd->used > 0 && nd->used + sz > NODE_MAX) {
        if (off == 0) {
            mr_lnode *p = nd->prev;
            if (p != NULL && p->used + sz <= NODE_MAX) {
                off = p->used;
                nd = p;
            } else {
                nd = node_insert(l, nd->prev, nd);
            }
        } else if (off == nd->used) {
            mr_lnode *q = nd->next;
            if (q == NULL || q->used + sz > NODE_MAX) q = node_insert(l, nd, nd->next);
            nd = q;
            off = 0;
        } else {
            node_split(l, nd, off);
            if (nd->used + sz > NODE_MAX) {
                nd = node_insert(l, nd, nd->next);
                off = 0;
            }
        }
    }
    node_put(nd, off, s, n);
    l->len++;
}

static void delete_at(mr_list *l, mr_lnode *nd, size_t off) {
    size_t sz = entry_at(nd, off);
    memmove(nd->buf + off, nd->buf + off + sz, nd->used - off - sz);
    nd->used -= sz;
    nd->count--;
    l->len--;
    if (nd->count == 0) node_remove(l, nd);
    else node_shrink(nd);
}

/* The node and byte offset of element index (< len), from the nearer
 * end of the list, then of the node. */
static void locate(const mr_list *l, size_t index, mr_lnode **out, size_t *off) {
    mr_lnode *nd;
    if (index < l->len / 2) {
        for (nd = l->head; index >= nd->count; nd = nd->next) index -= nd->count;
    } else {
        size_t back = l->len - 1 - index;
        for (nd = l->tail; back >= nd->count; nd = nd->prev) back -= nd->count;
        index = nd->count - 1 - back;
    }
    size_t p = 0;
    if (index < nd->count / 2) {
        for (size_t i = 0; i < index; i++) p += entry_at(nd, p);
    } else {
        p = nd->used;
        for (size_t i = nd->count; i > index; i--) p = entry_before(nd, p);
    }
    *out = nd;
    *off = p;
}

/* ---- the list ---- */

mr_list *mr_list_new(void) {
    mr_list *l = mr_xcalloc(1, sizeof *l);
    l->hdr.type = MR_TYPE_LIST;
    l->hdr.encoding = MR_ENC_QUICKLIST;
    return l;
}

size_t mr_list_nodes(const mr_list *l) {
    size_t n = 0;
    for (const mr_lnode *x = l->head; x != NULL; x = x->next) n++;
    return n;
}

/* sizeof(quicklistNode) in Redis 7.0. */
#define QUICKLIST_NODE_BYTES 40

size_t mr_list_sample_nodes(const mr_list *l, size_t samples, size_t *sampled) {
    size_t total = 0, n = 0;
    for (const mr_lnode *nd = l->head; nd != NULL && (n == 0 || n < samples); nd = nd->next) {
        size_t lp = MR_LP_EMPTY_BYTES;
        for (size_t off = 0; off < nd->used;) {
            const char *e;
            size_t en;
            off += read_entry(nd, off, &e, &en);
            lp += mr_lp_str_size(e, en);
        }
        total += QUICKLIST_NODE_BYTES + mr_jemalloc_size(lp);
        n++;
    }
    *sampled = n;
    return total;
}

void mr_list_free(mr_list *l) {
    while (l->head != NULL) node_remove(l, l->head);
    free(l);
}

void mr_list_push(mr_list *l, mr_list_end end, const char *s, size_t n) {
    switch (end) {
    case MR_LIST_HEAD: insert_at(l, l->head, 0, s, n); return;
    case MR_LIST_TAIL: insert_at(l, l->tail, l->tail != NULL ? l->tail->used : 0, s, n); return;
    }
}

void mr_list_pop(mr_list *l, mr_list_end end) {
    switch (end) {
    case MR_LIST_HEAD: delete_at(l, l->head, 0); return;
    case MR_LIST_TAIL: delete_at(l, l->tail, entry_before(l->tail, l->tail->used)); return;
    }
}

void mr_list_get(const mr_list *l, size_t index, const char **s, size_t *n) {
    mr_lnode *nd;
    size_t off;
    locate(l, index, &nd, &off);
    read_entry(nd, off, s, n);
}

void mr_list_get_end(const mr_list *l, mr_list_end end, const char **s, size_t *n) {
    switch (end) {
    case MR_LIST_HEAD: read_entry(l->head, 0, s, n); return;
    case MR_LIST_TAIL: read_entry(l->tail, entry_before(l->tail, l->tail->used), s, n); return;
    }
}

void mr_list_iter_init(mr_list_iter *it, mr_list *l, size_t index, int forward) {
    it->l = l;
    it->forward = forward;
    it->last_node = NULL;
    it->last_off = 0;
    it->node = NULL;
    it->off = 0;
    if (index < l->len) locate(l, index, &it->node, &it->off);
}

int mr_list_iter_next(mr_list_iter *it, const char **s, size_t *n) {
    mr_lnode *nd = it->node;
    if (nd == NULL) return 0;
    size_t off = it->off, sz = read_entry(nd, off, s, n);
    it->last_node = nd;
    it->last_off = off;
    if (it->forward) {
        it->off = off + sz;
        if (it->off == nd->used) {
            it->node = nd->next;
            it->off = 0;
        }
    } else if (off > 0) {
        it->off = entry_before(nd, off);
    } else {
        it->node = nd->prev;
        it->off = it->node != NULL ? entry_before(it->node, it->node->used) : 0;
    }
    return 1;
}

void mr_list_iter_delete(mr_list_iter *it) {
    mr_lnode *nd = it->last_node;
    /* A forward walk's next element in the same node moves back by the
     * deleted entry; a backward walk's lies before it, unmoved. */
    if (it->forward && it->node == nd) it->off -= entry_at(nd, it->last_off);
    delete_at(it->l, nd, it->last_off);
    it->last_node = NULL;
}

void mr_list_iter_insert(mr_list_iter *it, int after, const char *s, size_t n) {
    mr_lnode *nd = it->last_node;
    size_t off = it->last_off + (after ? entry_at(nd, it->last_off) : 0);
    insert_at(it->l, nd, off, s, n);
    it->node = NULL;
    it->last_node = NULL;
}

void mr_list_iter_replace(mr_list_iter *it, const char *s, size_t n) {
    mr_lnode *nd = it->last_node;
    size_t off = it->last_off, old = entry_at(nd, off), sz = mr_pack_size(n);
    if (sz > old) node_reserve(nd, sz - old);
    memmove(nd->buf + off + sz, nd->buf + off + old, nd->used - off - old);
    mr_pack_write(nd->buf + off, s, n);
    nd->used = nd->used - old + sz;
    it->node = NULL;
    it->last_node = NULL;
}

void mr_list_delete_range(mr_list *l, size_t start, size_t count) {
    while (count > 0 && start < l->len) {
        mr_lnode *nd;
        size_t off;
        locate(l, start, &nd, &off);
        if (off == 0 && count >= nd->count) {
            count -= nd->count;
            l->len -= nd->count;
            node_remove(l, nd);
            continue;
        }
        size_t end = off, k = 0;
        while (k < count && end < nd->used) {
            end += entry_at(nd, end);
            k++;
        }
        memmove(nd->buf + off, nd->buf + end, nd->used - end);
        nd->used -= end - off;
        nd->count -= k;
        l->len -= k;
        count -= k;
        if (nd->count == 0) node_remove(l, nd);
        else node_shrink(nd);
    }
}
