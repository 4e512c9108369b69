/* server/object.c - value headers, strings, and freeing any value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <resp/request.h>

#include "hash.h"
#include "list.h"
#include "set.h"
#include "stream.h"
#include "zset.h"
#include "mem.h"
#include "sizes.h"
#include "object.h"

mr_str *mr_str_alloc(size_t len) {
    mr_str *s = mr_xmalloc(sizeof *s + len + 1);
    s->hdr = (mr_obj){.type = MR_TYPE_STRING, .encoding = MR_ENC_RAW};
    s->len = len;
    s->alloc = len;
    s->data[len] = '\0';
    return s;
}

mr_str *mr_str_new(const char *data, size_t len) {
    mr_str *s = mr_str_alloc(len);
    if (len != 0) memcpy(s->data, data, len);
    if (len <= MR_EMBSTR_MAX) s->hdr.encoding = MR_ENC_EMBSTR;
    return s;
}

static void as_int(mr_str *s, long long v) {
    s->hdr.encoding = MR_ENC_INT;
    s->hdr.shared = v >= 0 && v < MR_SHARED_INTEGERS;
}

mr_str *mr_str_value(const char *data, size_t len) {
    mr_str *s = mr_str_new(data, len);
    long long v;
    if (len <= 20 && resp_parse_integer(data, len, &v)) as_int(s, v);
    return s;
}

mr_str *mr_str_from_ll(long long v) {
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", v);
    mr_str *s = mr_str_new(buf, (size_t)n);
    as_int(s, v);
    return s;
}

const char *mr_encoding_name(const mr_obj *o) {
    switch ((mr_encoding)o->encoding) {
    case MR_ENC_RAW: return "raw";
    case MR_ENC_EMBSTR: return "embstr";
    case MR_ENC_INT: return "int";
    case MR_ENC_QUICKLIST: return "quicklist";
    case MR_ENC_LISTPACK: return "listpack";
    case MR_ENC_HASHTABLE: return "hashtable";
    case MR_ENC_INTSET: return "intset";
    case MR_ENC_SKIPLIST: return "skiplist";
    case MR_ENC_STREAM: return "stream";
    }
    return "unknown";
}

void mr_str_take_room(mr_str *dst, const mr_str *src) {
    int raw = src->hdr.encoding == MR_ENC_RAW;
    size_t room = raw ? src->alloc : src->len;
    int grown = raw && src->hdr.sds_grown;
    if (dst->len > room) {
        size_t target = dst->len < MR_SDS_MAX_PREALLOC ? dst->len * 2 : dst->len + MR_SDS_MAX_PREALLOC;
        room = mr_sds_capacity(target);
        grown = 1;
    }
    dst->alloc = room;
    dst->hdr.sds_grown = (uint8_t)grown;
}

mr_str *mr_str_grow(mr_str *s, size_t len) {
    size_t old = s->len;
    mr_str before = *s;
    s = mr_xrealloc(s, sizeof *s + len + 1);
    memset(s->data + old, 0, len - old);
    s->len = len;
    s->data[len] = '\0';
    mr_str_take_room(s, &before);
    return s;
}

const char *mr_type_name(mr_type t) {
    switch (t) {
    case MR_TYPE_STRING: return "string";
    case MR_TYPE_LIST: return "list";
    case MR_TYPE_HASH: return "hash";
    case MR_TYPE_SET: return "set";
    case MR_TYPE_ZSET: return "zset";
    case MR_TYPE_STREAM: return "stream";
    }
    return "none";
}

/* Same encoding; a shared integer's copy is a key's own (refcount 1). */
static mr_obj *dup_string(const mr_str *s) {
    mr_str *n = mr_str_alloc(s->len);
    memcpy(n->data, s->data, s->len);
    n->hdr.encoding = s->hdr.encoding;
    return &n->hdr;
}

static mr_obj *dup_list(mr_list *l) {
    mr_list *n = mr_list_new();
    mr_list_iter it;
    const char *e;
    size_t en;
    mr_list_iter_init(&it, l, 0, 1);
    while (mr_list_iter_next(&it, &e, &en)) mr_list_push(n, MR_LIST_TAIL, e, en);
    return (mr_obj *)n;
}

static mr_obj *dup_hash(const mr_hashval *h) {
    mr_hashval *n = mr_hash_new();
    mr_hash_iter it;
    const char *f, *v;
    size_t fn, vn;
    mr_hash_iter_init(&it, h);
    while (mr_hash_iter_next(&it, &f, &fn, &v, &vn)) mr_hash_set(n, f, fn, v, vn);
    mr_hash_iter_done(&it);
    return (mr_obj *)n;
}

static mr_obj *dup_set(const mr_setval *s) {
    mr_setval *n = mr_set_new();
    mr_set_iter it;
    const char *m;
    size_t mn;
    mr_set_iter_init(&it, s);
    while (mr_set_iter_next(&it, &m, &mn)) mr_set_add(n, m, mn);
    mr_set_iter_done(&it);
    n->width = s->width; /* Redis copies the intset's blob, width and all */
    return (mr_obj *)n;
}

mr_obj *mr_obj_dup(mr_obj *o) {
    switch ((mr_type)o->type) {
    case MR_TYPE_STRING: return dup_string((const mr_str *)o);
    case MR_TYPE_LIST: return dup_list((mr_list *)o);
    case MR_TYPE_HASH: return dup_hash((const mr_hashval *)o);
    case MR_TYPE_SET: return dup_set((const mr_setval *)o);
    case MR_TYPE_ZSET: return &mr_zset_dup((const mr_zsetval *)o)->hdr;
    case MR_TYPE_STREAM: return &mr_stream_dup((const mr_stream *)o)->hdr;
    }
    abort();
}

size_t mr_obj_free_effort(const mr_obj *o) {
    switch ((mr_type)o->type) {
    case MR_TYPE_STRING: return 1;
    case MR_TYPE_LIST: return mr_list_nodes((const mr_list *)o);
    case MR_TYPE_HASH:
        return o->encoding == MR_ENC_HASHTABLE ? mr_hash_len((const mr_hashval *)o) : 1;
    case MR_TYPE_SET:
        return o->encoding == MR_ENC_HASHTABLE ? mr_set_len((const mr_setval *)o) : 1;
    case MR_TYPE_ZSET:
        return o->encoding == MR_ENC_SKIPLIST ? mr_zset_len((const mr_zsetval *)o) : 1;
    case MR_TYPE_STREAM: return mr_stream_node_count((const mr_stream *)o);
    }
    return 1;
}

void mr_obj_free(void *p) {
    mr_obj *o = p;
    if (o == NULL) return;
    switch ((mr_type)o->type) {
    case MR_TYPE_STRING: free(o); return;
    case MR_TYPE_LIST: mr_list_free((mr_list *)o); return;
    case MR_TYPE_HASH: mr_hash_free((mr_hashval *)o); return;
    case MR_TYPE_SET: mr_set_free((mr_setval *)o); return;
    case MR_TYPE_ZSET: mr_zset_free((mr_zsetval *)o); return;
    case MR_TYPE_STREAM: mr_stream_free((mr_stream *)o); return;
    }
    abort();
}
