/* server/object.c - value headers, strings, and freeing any value. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "list.h"
#include "set.h"
#include "mem.h"
#include "object.h"

mr_str *mr_str_alloc(size_t len) {
    mr_str *s = mr_xmalloc(sizeof *s + len + 1);
    s->hdr.type = MR_TYPE_STRING;
    s->hdr.encoding = MR_ENC_RAW;
    s->len = len;
    s->data[len] = '\0';
    return s;
}

mr_str *mr_str_new(const char *data, size_t len) {
    mr_str *s = mr_str_alloc(len);
    if (len != 0) memcpy(s->data, data, len);
    return s;
}

mr_str *mr_str_grow(mr_str *s, size_t len) {
    size_t old = s->len;
    s = mr_xrealloc(s, sizeof *s + len + 1);
    memset(s->data + old, 0, len - old);
    s->len = len;
    s->data[len] = '\0';
    return s;
}

const char *mr_type_name(mr_type t) {
    switch (t) {
    case MR_TYPE_STRING: return "string";
    case MR_TYPE_LIST: return "list";
    case MR_TYPE_HASH: return "hash";
    case MR_TYPE_SET: return "set";
    case MR_TYPE_ZSET: return "zset";
    }
    return "none";
}

void mr_obj_free(void *p) {
    mr_obj *o = p;
    if (o == NULL) return;
    switch ((mr_type)o->type) {
    case MR_TYPE_STRING: free(o); return;
    case MR_TYPE_LIST: mr_list_free((mr_list *)o); return;
    case MR_TYPE_HASH: mr_hash_free((mr_hashval *)o); return;
    case MR_TYPE_SET: mr_set_free((mr_setval *)o); return;
    case MR_TYPE_ZSET: break; /* no command makes these yet */
    }
    abort();
}
