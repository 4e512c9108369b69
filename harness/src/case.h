/* harness/src/case.h - case files: parsing and validation.
 *
 * A case file holds one or more cases; the folder it sits in names the
 * command family.  The format is described in docs/cases.md. */
#ifndef RH_CASE_H
#define RH_CASE_H

#include <stddef.h>

#include <resp/writer.h>

#define RH_PROTO_2 (1 << 2)
#define RH_PROTO_3 (1 << 3)

typedef enum rh_step_kind {
    RH_STEP_SEND,   /* > argv...      one command, multibulk-encoded */
    RH_STEP_RAW,    /* raw "bytes"    bytes as written */
    RH_STEP_EXPECT, /* < reply        (<2, <3: under that protocol only; <~ anywhere) */
    RH_STEP_CLOSED, /* closed         the server closes the connection */
    RH_STEP_SILENT, /* silent MS      no byte arrives within MS */
    RH_STEP_PAUSE,  /* pause MS */
    RH_STEP_CONN,   /* conn NAME      later steps use that connection */
    RH_STEP_CHUNK,  /* chunk N [MS]   later sends go N bytes at a time */
    RH_STEP_CLOSE   /* close          the client closes the connection */
} rh_step_kind;

typedef struct rh_step {
    rh_step_kind kind;
    int line;
    char *text;     /* SEND, RAW, EXPECT: the text after the keyword; CONN: name */
    size_t len;
    int protos;     /* EXPECT, CLOSED: the protocols it applies to */
    int anywhere;   /* EXPECT written <~: may arrive anywhere in its block */
    long long num;  /* SILENT, PAUSE: ms; CHUNK: bytes (0 = whole) */
    long long num2; /* CHUNK: ms between pieces */
} rh_step;

typedef struct rh_case {
    char *file;
    int line;
    char *family;
    char *name;
    char *desc;
    char **tags;
    size_t ntags;
    int protos;         /* RH_PROTO_2 | RH_PROTO_3 */
    int prelude;        /* 0: the harness sends no HELLO/AUTH of its own */
    char *server_args;  /* settings the server must run with; "" for none */
    long long timeout_ms; /* per reply; 0 = the run's default */
    rh_step *steps;
    size_t nsteps;
} rh_case;

typedef struct rh_suite {
    rh_case *cases;
    size_t count, cap;
} rh_suite;

/* Loads a case file, or every *.case file under a folder (sorted).
 * Returns 0, or -1 with "file:line: reason" in err. */
int rh_suite_load(rh_suite *s, const char *path, char *err, size_t errlen);
/* Parses text as the contents of file (family taken from its folder). */
int rh_suite_parse(rh_suite *s, const char *file, const char *text, size_t len, char *err,
                   size_t errlen);
void rh_suite_free(rh_suite *s);

int rh_case_has_tag(const rh_case *c, const char *tag);

/* Splits the text of a '>' line (after namespace expansion) into
 * arguments and appends the multibulk encoding to out.  Returns 0, or -1
 * with a reason. */
int rh_encode_send(resp_buf *out, const char *text, size_t len, char *err, size_t errlen);
/* Decodes the quoted strings of a 'raw' line and appends the bytes. */
int rh_decode_raw(resp_buf *out, const char *text, size_t len, char *err, size_t errlen);

#endif /* RH_CASE_H */
