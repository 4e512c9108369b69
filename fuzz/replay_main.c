/* fuzz/replay_main.c - runs a fuzz target over files, without a fuzzer.
 *
 * Arguments are files or directories (each regular file inside is one
 * input).  Used by ctest to replay seeds and every regression input in
 * every build, so a fixed bug stays fixed.  A path that does not exist is
 * skipped (a target with no reproducers yet has no regressions folder),
 * but finding no input at all fails.
 *
 * Each input has RESPECT_REPLAY_TIMEOUT seconds (default 30; 0 = no
 * limit), as the fuzzers give one (-timeout): an input that once hung a
 * target fails its replay instead of slowing it down. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { REPLAY_TIMEOUT_DEFAULT = 30 };

static unsigned replay_timeout;
static const char *replaying; /* the input running, for the timeout's message */

static void timed_out(int sig) {
    (void)sig;
    static const char msg[] = "replay: an input ran past RESPECT_REPLAY_TIMEOUT: ";
    ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
    n = write(STDERR_FILENO, replaying, strlen(replaying));
    n = write(STDERR_FILENO, "\n", 1);
    (void)n;
    _exit(1);
}

static void timeout_setup(void) {
    const char *env = getenv("RESPECT_REPLAY_TIMEOUT");
    long seconds = REPLAY_TIMEOUT_DEFAULT;
    if (env != NULL && *env != '\0') {
        char *end;
        seconds = strtol(env, &end, 10);
        if (*end != '\0' || seconds < 0) seconds = REPLAY_TIMEOUT_DEFAULT;
    }
    replay_timeout = (unsigned)seconds;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = timed_out;
    sigaction(SIGALRM, &sa, NULL);
}

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    replaying = path;
    alarm(replay_timeout);
    LLVMFuzzerTestOneInput(buf, len);
    alarm(0);
    free(buf);
    return 0;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    long files = 0;
    int failed = 0;
    timeout_setup();
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            if (errno == ENOENT) {
                fprintf(stderr, "%s: not found, skipped\n", argv[i]);
                continue;
            }
            perror(argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed |= replay_file(argv[i]);
            files++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            perror(argv[i]);
            return 1;
        }
        /* Sorted, so a run is repeatable and its output comparable. */
        char **names = NULL;
        size_t count = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char **grown = realloc(names, (count + 1) * sizeof *names);
            if (grown == NULL) return 1;
            names = grown;
            size_t n = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[count] = malloc(n);
            if (names[count] == NULL) return 1;
            snprintf(names[count], n, "%s/%s", argv[i], e->d_name);
            count++;
        }
        closedir(d);
        if (count > 1) qsort(names, count, sizeof *names, cmp_names);
        for (size_t k = 0; k < count; k++) {
            if (stat(names[k], &st) == 0 && S_ISREG(st.st_mode)) {
                failed |= replay_file(names[k]);
                files++;
            }
            free(names[k]);
        }
        free(names);
    }
    printf("replayed %ld inputs\n", files);
    if (files == 0) {
        fprintf(stderr, "no inputs found: nothing was tested\n");
        return 1;
    }
    return failed;
}
