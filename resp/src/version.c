/* resp/src/version.c */
#include <resp/resp.h>

const char *resp_version(void) {
    return RESP_VERSION_STRING;
}
