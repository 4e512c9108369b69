#!/usr/bin/env bash
# The harness must be able to fail: behind fault_proxy.py, a real
# redis-server becomes a server that is wrong in one way at a time, and
# `respect run` (and `respect diff`) must report every fault as a failure,
# while the unchanged proxy passes.
set -uo pipefail
respect=$1
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/../../harness/ci/server-fixture
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; "$fixture" stop "$work/redis" >/dev/null; rm -rf "$work"' EXIT

if ! command -v redis-server >/dev/null; then
  echo "SKIPPED: redis-server not found (ci/install-deps installs it)"
  exit 77
fi
"$fixture" start redis redis-server "$work/redis" >/dev/null || exit 1
upstream=$(cat "$work/redis/port")
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

failures=0
check() { # FAULT MODE(run|diff|diff-a) WANT(0|1) [REPLY-INDEX [RESP]]
  local fault=$1 mode=$2 want=$3 index=${4:-1} resp=${5:-2} port
  port=$(free_port)
  python3 "$here/fault_proxy.py" "$port" "$upstream" "$fault" "$index" >"$work/proxy.out" 2>&1 &
  local proxy=$!
  for _ in $(seq 50); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.1; done
  case $mode in
  run)
    "$respect" run --server "127.0.0.1:$port" --resp "$resp" --timeout 500 "$here/faults.case" \
      >"$work/out" 2>&1 ;;
  diff) # the faulty server as the reference
    "$respect" diff --a "127.0.0.1:$upstream" --b "127.0.0.1:$port" --resp "$resp" --timeout 500 \
      "$here/faults.case" >"$work/out" 2>&1 ;;
  diff-a) # the faulty server as the one under test
    "$respect" diff --a "127.0.0.1:$port" --b "127.0.0.1:$upstream" --resp "$resp" --timeout 500 \
      "$here/faults.case" >"$work/out" 2>&1 ;;
  esac
  local rc=$?
  kill "$proxy" 2>/dev/null
  wait "$proxy" 2>/dev/null
  local got=fail
  [ $rc -eq 0 ] && got=pass
  if { [ "$want" = 0 ] && [ $rc -eq 0 ]; } || { [ "$want" = 1 ] && [ $rc -eq 1 ] && grep -q FAIL "$work/out"; }; then
    echo "ok   $mode $fault (reply $index, RESP$resp): $got"
  else
    echo "BAD  $mode $fault (reply $index, RESP$resp): exit $rc, wanted $([ "$want" = 0 ] && echo pass || echo a reported failure)"
    sed 's/^/     /' "$work/out"
    failures=$((failures + 1))
  fi
}

for mode in run diff diff-a; do
  check none "$mode" 0
  for fault in flip drop reorder duplicate close garble; do
    check "$fault" "$mode" 1
  done
done
# The server under test garbles its first reply on each connection, so
# HELLO 3 fails: it has no reply where the reference has them all.
check garble diff-a 1 0 3
echo "$failures check(s) went wrong"
[ $failures -eq 0 ]
