/* resp/src/error.c - error descriptions.
 *
 * For request errors the description is the text Redis 7.0 puts after
 * "Protocol error: " in its reply, so a server can reply byte for byte. */
#include <resp/error.h>

#define RESP_ERRORS(X)                                                   \
    X(RESP_OK, "success")                                                \
    X(RESP_ESTRICT_BULK_END, "bulk payload not followed by CRLF")        \
    X(RESP_ESTRICT_LINE_END, "CR not followed by LF in a header line")   \
    X(RESP_ESTRICT_NUL, "NUL byte in a request line")                    \
    X(RESP_EINLINE_TOO_BIG, "too big inline request")                    \
    X(RESP_EUNBALANCED_QUOTES, "unbalanced quotes in request")           \
    X(RESP_EMBULK_COUNT_TOO_BIG, "too big mbulk count string")           \
    X(RESP_EMBULK_LEN, "invalid multibulk length")                       \
    X(RESP_EEXPECTED_DOLLAR, "expected '$'")                             \
    X(RESP_EBULK_COUNT_TOO_BIG, "too big bulk count string")             \
    X(RESP_EBULK_LEN, "invalid bulk length")                             \
    X(RESP_EUNAUTH_MBULK_LEN, "unauthenticated multibulk length")        \
    X(RESP_EUNAUTH_BULK_LEN, "unauthenticated bulk length")              \
    X(RESP_EBAD_TYPE, "unknown type byte")                               \
    X(RESP_EBAD_LINE_END, "CR not followed by LF")                       \
    X(RESP_EBAD_INTEGER, "invalid integer")                              \
    X(RESP_EBAD_LENGTH, "invalid length or count")                       \
    X(RESP_EBAD_DOUBLE, "invalid double")                                \
    X(RESP_EBAD_BOOLEAN, "invalid boolean")                              \
    X(RESP_EBAD_BIGNUM, "invalid big number")                            \
    X(RESP_EBAD_NULL, "invalid null")                                    \
    X(RESP_EBAD_VERBATIM, "verbatim string without a format prefix")     \
    X(RESP_EBAD_STREAM, "misplaced streamed chunk or end marker")        \
    X(RESP_EBAD_STRING, "CR or LF inside a simple string")               \
    X(RESP_ELIMIT_SIZE, "string or line longer than the limit")          \
    X(RESP_ELIMIT_COUNT, "aggregate has more elements than the limit")   \
    X(RESP_ELIMIT_DEPTH, "aggregates nested deeper than the limit")      \
    X(RESP_ENOMEM, "out of memory")                                      \
    X(RESP_EABORTED, "stopped by the event callback")                    \
    X(RESP_EINVAL, "invalid argument")

const char *resp_strerror(resp_error err) {
#define DESCRIBE(code, text) \
    case code:               \
        return text;
    switch (err) { RESP_ERRORS(DESCRIBE) }
#undef DESCRIBE
    return "unknown error";
}

const char *resp_error_name(resp_error err) {
#define NAME(code, text) \
    case code:           \
        return #code;
    switch (err) { RESP_ERRORS(NAME) }
#undef NAME
    return "RESP_E?";
}

int resp_error_is_strict(resp_error err) {
    return err >= RESP_ESTRICT_BULK_END && err < RESP_EINLINE_TOO_BIG;
}
