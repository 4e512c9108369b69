/* resp/export.h - symbol visibility for the shared library. */
#ifndef RESP_EXPORT_H
#define RESP_EXPORT_H

/* The library is built with hidden visibility; RESP_API marks the public
 * functions, so internal resp__ helpers stay out of the ABI. */
#if defined(RESP_BUILDING) && defined(__GNUC__)
#define RESP_API __attribute__((visibility("default")))
#else
#define RESP_API
#endif

#endif /* RESP_EXPORT_H */
