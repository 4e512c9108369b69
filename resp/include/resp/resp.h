/* resp/resp.h - the whole RESP library. */
#ifndef RESP_RESP_H
#define RESP_RESP_H

#include "export.h"

#include "alloc.h"
#include "error.h"
#include "printer.h"
#include "reply.h"
#include "request.h"
#include "span.h"
#include "types.h"
#include "value.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the library that is linked. */
RESP_API const char *resp_version(void);

#ifdef __cplusplus
}
#endif

#endif /* RESP_RESP_H */
