#!/usr/bin/env bash
# --user/--password: against a redis-server with a password, the harness
# authenticates every connection (AUTH under RESP2, HELLO 3 AUTH under
# RESP3) and ordinary cases pass; without the password they must fail
# (NOAUTH), and with a wrong one the runs are errors.  The cases are
# faults.case (SET, GET, PING and DEL).
set -uo pipefail
respect=$1
cases=$(cd "$(dirname "$0")" && pwd)/faults.case
here=$(cd "$(dirname "$0")" && pwd)
. "$here/one_redis.sh"
start_redis --requirepass 's3 cret'
bad=0
run() { "$respect" run --server "127.0.0.1:$port" "$@" "$cases" >"$work/out" 2>&1; }
run --password 's3 cret' && grep -q " 0 failed" "$work/out" && echo "ok   with the password: passed" ||
  { echo "BAD  with the password"; cat "$work/out"; bad=1; }
run --user default --password 's3 cret' && echo "ok   with user and password: passed" ||
  { echo "BAD  with user and password"; cat "$work/out"; bad=1; }
run; rc=$?
[ $rc -eq 1 ] && grep -q NOAUTH "$work/out" && echo "ok   without the password: failed with NOAUTH" ||
  { echo "BAD  without the password: exit $rc"; cat "$work/out"; bad=1; }
run --password wrong; rc=$?
[ $rc -eq 1 ] && grep -q "^ERROR" "$work/out" && echo "ok   with a wrong password: errors" ||
  { echo "BAD  with a wrong password: exit $rc"; cat "$work/out"; bad=1; }
exit $bad
