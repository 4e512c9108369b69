/* server/net_log.c - the host's log: one line per message on stderr, in
 * redis-server's format (pid, role, date with milliseconds, level mark). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "net_private.h"

void mr_net_log(mr_loglevel min, mr_loglevel level, const char *fmt, ...) {
    static int tz_ready;
    if (level < min) return;
    if (!tz_ready) {
        tzset();
        tz_ready = 1;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t secs = ts.tv_sec;
    struct tm tm;
    localtime_r(&secs, &tm);
    char date[64];
    strftime(date, sizeof date, "%d %b %Y %H:%M:%S", &tm);
    int lv = level < MR_LOG_DEBUG ? 0 : level > MR_LOG_WARNING ? 3 : (int)level;
    char line[1200];
    int n = snprintf(line, sizeof line, "%ld:M %s.%03ld %c %s\n", (long)getpid(), date,
                     (long)(ts.tv_nsec / 1000000), ".-*#"[lv], msg);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (len > 0 && line[len - 1] != '\n') line[len - 1] = '\n';
    /* One write per line, so that lines never interleave. */
    fwrite(line, 1, len, stderr);
    fflush(stderr);
}

mr_loglevel net_loglevel(const net_server *ns) {
    return ns->srv != NULL ? mr_server_config(ns->srv)->loglevel : ns->cfg->loglevel;
}
