/* server/notify.c - keyspace notifications: a key event published on
 * __keyspace@<db>__:<key> (message: the event) and on
 * __keyevent@<db>__:<event> (message: the key), as notify-keyspace-events
 * asks.  Commands call mr_notify where Redis calls notifyKeyspaceEvent,
 * with the same event names, in the same order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* "__keyspace@<db>__:" followed by the name. */
static char *channel(const char *kind, int db, const char *name, size_t len, size_t *out_len) {
    char head[48];
    int n = snprintf(head, sizeof head, "__%s@%d__:", kind, db);
    char *ch = mr_xmalloc((size_t)n + len);
    memcpy(ch, head, (size_t)n);
    memcpy(ch + n, name, len);
    *out_len = (size_t)n + len;
    return ch;
}

void mr_notify(mr_server *srv, unsigned cls, const char *event, int db, const char *key,
               size_t klen) {
    unsigned flags = srv->cfg.notify_keyspace_events;
    if (!(flags & cls)) return;
    size_t elen = strlen(event), chlen;
    if (flags & MR_NOTIFY_KEYSPACE) {
        char *ch = channel("keyspace", db, key, klen, &chlen);
        mr_pubsub_publish(srv, ch, chlen, event, elen);
        free(ch);
    }
    if (flags & MR_NOTIFY_KEYEVENT) {
        char *ch = channel("keyevent", db, event, elen, &chlen);
        mr_pubsub_publish(srv, ch, chlen, key, klen);
        free(ch);
    }
}
