/* server/args.c - reading a command's arguments as Redis does. */
#include <string.h>
#include <strings.h>

#include "args.h"
#include "server.h"

size_t mr_cstr_len(const char *s, size_t len) {
    const char *nul = memchr(s, '\0', len);
    return nul != NULL ? (size_t)(nul - s) : len;
}

size_t mr_arg_len(const resp_span *a) {
    return mr_cstr_len(a->ptr, a->len);
}

int mr_arg_is(const resp_span *a, const char *word) {
    size_t n = strlen(word);
    return mr_cstr_len(a->ptr, a->len) == n && strncasecmp(word, a->ptr, n) == 0;
}

int mr_parse_ll(const resp_span *a, long long *out) {
    return resp_parse_integer(a->ptr, a->len, out);
}

int mr_arg_ll(mr_conn *c, const resp_span *a, long long *out) {
    if (mr_parse_ll(a, out)) return 1;
    mr_add_error(c, MR_ERR_NOT_INT);
    return 0;
}
