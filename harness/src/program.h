/* harness/src/program.h - generated traffic as data: a list of operations,
 * each one command (or raw bytes) on one of several connections, grouped
 * into pipelined batches.  Keys and channels are written "@name" as in
 * case files, so the same program replays in any key namespace. */
#ifndef RH_PROGRAM_H
#define RH_PROGRAM_H

#include <stddef.h>

#include <resp/writer.h>

#define RH_PROGRAM_CONNS 8

typedef enum rh_op_kind {
    RH_OP_COMMAND, /* argv as a multibulk array */
    RH_OP_INLINE,  /* argv joined by spaces: the inline form */
    RH_OP_RAW      /* bytes as they are (broken frames) */
} rh_op_kind;

typedef struct rh_op {
    rh_op_kind kind;
    int conn;
    char **argv; /* COMMAND, INLINE; RAW: argv[0] holds the bytes */
    size_t *lens;
    size_t argc;
    size_t chunk;  /* sent in pieces of this many bytes; 0: at once */
    int batch_end; /* the last operation of a pipelined batch */
} rh_op;

typedef struct rh_program {
    rh_op *ops;
    size_t count, cap;
    int protos[RH_PROGRAM_CONNS]; /* each connection's protocol on connect: 2 or 3 */
} rh_program;

void rh_program_init(rh_program *p);
void rh_program_free(rh_program *p);
void rh_program_clear(rh_program *p);
/* Appends an operation with no arguments yet; returns it. */
rh_op *rh_program_add(rh_program *p, rh_op_kind kind, int conn);
void rh_op_push(rh_op *op, const char *arg, size_t len);
void rh_op_remove_arg(rh_op *op, size_t i);
/* Deep copies: the whole program, or the operations whose keep[i] is set. */
void rh_program_copy(rh_program *dst, const rh_program *src, const unsigned char *keep);

/* The command's name as the tables know it: "get", "client|kill" (for a
 * container that the table names), lower case; "" for RAW. */
void rh_op_name(const rh_op *op, int container, char *out, size_t outlen);

/* The bytes the operation sends in namespace ns. */
void rh_op_encode(const rh_op *op, const char *ns, resp_buf *out);

/* Writes the operation as a case step ("> ...", or "raw ..."). */
void rh_op_case_step(const rh_op *op, resp_buf *out);

#endif /* RH_PROGRAM_H */
