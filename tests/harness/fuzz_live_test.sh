#!/usr/bin/env bash
# respect fuzz against live servers (ctest label fuzz-live):
#  1. a seeded run of mini-redis-server against redis-server finds no
#     difference that reproduces, after a real amount of traffic;
#  2. the same fuzzer against a second redis-server behind fault_proxy.py
#     (one reply per connection corrupted) reports the difference, shrinks
#     it to at most 3 commands, and writes a case that fails there and
#     passes on the real server.
# usage: fuzz_live_test.sh RESPECT MINI-REDIS-SERVER [SECONDS]
set -uo pipefail
respect=$1 mini=$2 seconds=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/../../harness/ci/server-fixture
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; "$fixture" stop "$work/redis" >/dev/null 2>&1;
      "$fixture" stop "$work/mini" >/dev/null 2>&1; "$fixture" stop "$work/redis2" >/dev/null 2>&1;
      rm -rf "$work"' EXIT

if ! command -v redis-server >/dev/null; then
  echo "SKIPPED: redis-server not found (ci/install-deps installs it)"
  exit 77
fi
"$fixture" start redis redis-server "$work/redis" >/dev/null || exit 1
"$fixture" start mini "$mini" "$work/mini" >/dev/null || exit 1
"$fixture" start redis redis-server "$work/redis2" >/dev/null || exit 1
redis=127.0.0.1:$(cat "$work/redis/port")
minis=127.0.0.1:$(cat "$work/mini/port")
failures=0
bad() { echo "BAD  $*"; failures=$((failures + 1)); }

echo "== mini-redis-server against redis-server, seed 1, ${seconds} s"
# A 15 s wait per reply: on the ASan build one generated SETRANGE, COPY or
# APPEND of a 512 MB string takes 2 to 3 s on an idle machine (more under
# ctest -j2), and a new connection's HELLO waits behind it.
"$respect" fuzz --a "$minis" --b "$redis" --seed 1 --seconds "$seconds" --allow-flush \
  --timeout 15000 --out "$work/found" --json "$work/live.json" >"$work/live.out" 2>&1
rc=$?
head -3 "$work/live.out"
commands=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commands"])' \
  "$work/live.json" 2>/dev/null || echo 0)
if [ $rc -ne 0 ]; then
  bad "fuzz exited $rc: a difference mini-redis-server must fix or the normalise/exclude files must explain"
  cat "$work/live.out"
  for f in "$work"/found/*.case; do [ -f "$f" ] && cat "$f"; done
elif [ "$commands" -lt 5000 ]; then
  bad "only $commands commands in ${seconds} s: the run proves too little"
else
  echo "ok   $commands commands, no difference"
fi

echo "== redis-server behind a proxy that flips a byte of each connection's second reply"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$here/fault_proxy.py" "$port" "$(cat "$work/redis2/port")" flip 1 >"$work/proxy.out" 2>&1 &
for _ in $(seq 50); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.1; done
"$respect" fuzz --a "127.0.0.1:$port" --b "$redis" --seed 1 --commands 3000 --resp 2 \
  --only get,set,incr,append,del,exists,strlen,mget --max-diffs 1 \
  --out "$work/faults" >"$work/fault.out" 2>&1
rc=$?
cases=("$work"/faults/*.case)
if [ $rc -ne 1 ]; then
  bad "fuzz through the faulty proxy exited $rc, wanted 1 (differences found)"
  cat "$work/fault.out"
elif [ ! -f "${cases[0]}" ]; then
  bad "no case written"
  cat "$work/fault.out"
else
  for f in "${cases[@]}"; do
    sends=$(grep -cE '^  (> |raw )' "$f")
    if [ "$sends" -gt 3 ]; then bad "$(basename "$f"): $sends commands, wanted at most 3"; cat "$f"; fi
    "$respect" run --server "127.0.0.1:$port" "$f" >/dev/null 2>&1
    [ $? -eq 1 ] || bad "$(basename "$f") does not fail behind the proxy"
    "$respect" run --server "$redis" "$f" >/dev/null 2>&1 || bad "$(basename "$f") fails on redis-server"
  done
  grep -q "fails on the server under test, passes on the reference" "$work/fault.out" ||
    bad "the fuzzer did not verify its case"
  echo "ok   ${#cases[@]} shrunk case(s); the first:"
  sed 's/^/     /' "${cases[0]}"
fi
echo "$failures check(s) went wrong"
[ $failures -eq 0 ]
