#!/usr/bin/env bash
# '<~' (a reply that may arrive anywhere in its block) against a real
# redis-server: the pass-* cases of anywhere.case pass, and each fail-*
# case fails, with the reply the <~ line missed named in the report.
set -uo pipefail
respect=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/one_redis.sh"
start_redis

failures=0
for name in $(grep -o '^case [a-z-]*' "$here/anywhere.case" | cut -d' ' -f2); do
  "$respect" run --server "127.0.0.1:$port" --timeout 500 --tags "$name" "$here/anywhere.case" \
    >"$work/out" 2>&1
  status=$?
  want=0
  case $name in fail-*) want=1 ;; esac
  if [ "$status" -ne "$want" ]; then
    echo "FAIL: $name exited $status, want $want"
    cat "$work/out"
    failures=$((failures + 1))
  elif [ "$want" -eq 1 ] && ! grep -q 'expected:' "$work/out"; then
    echo "FAIL: $name failed without naming what it expected"
    cat "$work/out"
    failures=$((failures + 1))
  else
    echo "ok: $name (exit $status)"
  fi
done
exit $((failures > 0))
