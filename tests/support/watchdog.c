/* tests/support/watchdog.c - every unit test stops itself when it runs
 * too long, so a loop that never ends is reported by the test, by name of
 * the binary, instead of waiting for ctest's much later timeout.
 *
 * RESPECT_TEST_WATCHDOG sets the limit in seconds (ci/mutate sets a short
 * one); 0 turns it off.  The default leaves room for valgrind. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { WATCHDOG_DEFAULT_SECONDS = 300 };

static void watchdog_fired(int sig) {
    (void)sig;
    static const char msg[] = "\n[ WATCHDOG ] the test was still running at its time limit "
                              "(RESPECT_TEST_WATCHDOG): stopped\n";
    ssize_t n = write(STDOUT_FILENO, msg, sizeof msg - 1);
    (void)n;
    _exit(1);
}

__attribute__((constructor)) static void watchdog_start(void) {
    const char *env = getenv("RESPECT_TEST_WATCHDOG");
    long seconds = WATCHDOG_DEFAULT_SECONDS;
    if (env != NULL && *env != '\0') {
        char *end;
        seconds = strtol(env, &end, 10);
        if (*end != '\0' || seconds < 0) seconds = WATCHDOG_DEFAULT_SECONDS;
    }
    if (seconds == 0) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watchdog_fired;
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)seconds);
}
