/* server/log.c - the core's log lines, handed to the host. */
#include <stdarg.h>
#include <stdio.h>

#include "server.h"

void mr_log(mr_server *srv, mr_loglevel level, const char *fmt, ...) {
    if (level < srv->cfg.loglevel || srv->host.log == NULL) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    srv->host.log(level, msg, srv->host.ud);
}
