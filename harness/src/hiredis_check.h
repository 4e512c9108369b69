/* harness/src/hiredis_check.h - comparing resp/'s reply trees with
 * hiredis 0.14's redisReply, shared by the harness's second reader and the
 * hiredis_diff fuzz target.  Depends on resp/ and hiredis only. */
#ifndef RH_HIREDIS_CHECK_H
#define RH_HIREDIS_CHECK_H

#include <hiredis/hiredis.h>
#include <resp/value.h>

/* hiredis 0.14 keeps a stack of 9 levels: an array (or null array) below
 * a chain of 8 arrays is refused ("No support for nested multi bulk
 * replies with depth > 7"). */
#define RH_HIREDIS_MAX_CHAIN 8

/* The longest chain of arrays from the top of v (a null array counts). */
int rh_array_chain(const resp_value *v);
/* Non-zero when v holds only the types hiredis 0.14 knows (RESP2). */
int rh_resp2_only(const resp_value *v);
/* Non-zero when hiredis's reply h is the same value as v. */
int rh_same_as_hiredis(const resp_value *v, const redisReply *h);

#endif /* RH_HIREDIS_CHECK_H */
