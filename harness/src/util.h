/* harness/src/util.h - small helpers shared by the harness modules. */
#ifndef RH_UTIL_H
#define RH_UTIL_H

#include <stddef.h>

#include <resp/writer.h>

/* Prints "respect: <message>" to stderr and exits with status 2. */
_Noreturn void rh_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

char *rh_strndup(const char *s, size_t n);
char *rh_strdup(const char *s);

/* Parses s[0..len) as a whole base-10 long long; 0 on any junk. */
int rh_parse_ll(const char *s, size_t len, long long *out);

/* The value of a hex digit, or -1. */
int rh_hexval(int c);

/* Reads a quoted string starting at s[0] == quote.  Escapes: \" \\ \n \r
 * \t \a \b \xhh.  Returns a malloc'ed NUL-terminated copy of the bytes and
 * sets *used (input bytes, quotes included) and *outlen; NULL with a reason
 * in why when the string is malformed. */
char *rh_unquote(const char *s, size_t len, char quote, size_t *used, size_t *outlen, char *why,
                 size_t whylen);

/* Copies text into out, replacing "@name" with ns followed by name and
 * "@@" with "@"; any other '@' is kept. */
void rh_expand(resp_buf *out, const char *text, size_t len, const char *ns);

/* The reverse, for recorded replies: "@" that would be read as a
 * placeholder becomes "@@", then ns becomes "@". */
void rh_unexpand(resp_buf *out, const char *text, size_t len, const char *ns);

/* Appends a NUL-free, printf-formatted string. */
void rh_bufprintf(resp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a whole file; NULL (errno set) on failure. */
char *rh_read_file(const char *path, size_t *len);

/* Reads the file at path and hands its text to parse(out, ...); a reading
 * or parsing error in err starts with the path. */
typedef int (*rh_text_parser)(void *out, const char *text, size_t len, char *err, size_t errlen);
int rh_parse_file(const char *path, rh_text_parser parse, void *out, char *err, size_t errlen);

/* For the reviewed list files (under harness/fuzz/): calls each(line,
 * lineno, ctx) with a writable copy of every line of text that is neither
 * blank nor a '#' comment, leading blanks removed; stops at, and returns,
 * the first non-zero result. */
typedef int (*rh_entry_fn)(char *line, int lineno, void *ctx);
/* The usual ctx: the list being built and where a bad entry is described. */
typedef struct rh_entry_ctx {
    void *list;
    char *err;
    size_t errlen;
} rh_entry_ctx;
int rh_each_entry(const char *text, size_t len, rh_entry_fn each, void *ctx);

/* For the reviewed list files: cuts line at its " #" and
 * returns the reason after it, or NULL when there is none. */
const char *rh_cut_reason(char *line);

/* HOST:PORT, [V6]:PORT, PORT, or @FILE holding one of those, into malloc'ed
 * host and port; exits with a message on a bad address. */
void rh_parse_address(const char *spec, char **host, char **port);

/* Milliseconds on the monotonic clock. */
long long rh_now_ms(void);
void rh_sleep_ms(long long ms);

#endif /* RH_UTIL_H */
