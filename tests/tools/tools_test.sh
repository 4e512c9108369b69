#!/usr/bin/env bash
# Real Redis tools against mini-redis-server: redis-cli (REPL startup,
# RESP3, --pipe mass insertion) and redis-benchmark, both protocols.
# Usage: tools_test.sh MINI_REDIS_SERVER
set -euo pipefail
server=$1
for tool in redis-cli redis-benchmark; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed (ci/install-deps installs redis-tools)"
    exit 77
  fi
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$server" --port "$port" --save '' --appendonly no >"$work/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do
  redis-cli -p "$port" PING >/dev/null 2>&1 && break
  sleep 0.1
done

passed=0
failed=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@" >"$work/out" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/out" | head -20
  fi
}
cli() { redis-cli -p "$port" "$@"; }

check "redis-cli PING" bash -c "[ \"\$(redis-cli -p $port PING)\" = PONG ]"
check "redis-cli SET/GET" bash -c "redis-cli -p $port SET k v >/dev/null && [ \"\$(redis-cli -p $port GET k)\" = v ]"
# The REPL starts with COMMAND DOCS; piped input runs the same startup.
check "redis-cli REPL startup" bash -c "printf 'PING\nECHO hi\n' | redis-cli -p $port | tr -d '\r' | diff - <(printf 'PONG\nhi\n')"
# Expected outputs are what redis-cli prints for redis-server 7.0 (not a tty).
check "redis-cli -3 HELLO" bash -c "redis-cli -3 -p $port HELLO 3 | grep -qx 'proto 3'"
check "redis-cli -3 null" bash -c "[ \"\$(redis-cli -3 -p $port GET nokey | od -An -c | tr -d ' ')\" = '\\n' ]"
check "redis-cli -3 subscribe" bash -c "timeout 2 redis-cli -3 -p $port SUBSCRIBE ch | head -3 | grep -qx subscribe"

# Mass insertion: 100k commands through --pipe, every one answered.
python3 - "$work/pipe.txt" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(100000):
        k, v = b"key:%d" % i, b"value:%d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
cli FLUSHALL >/dev/null
check "redis-cli --pipe 100k" bash -c "redis-cli -p $port --pipe <$work/pipe.txt | grep -q 'errors: 0, replies: 100000'"
check "DBSIZE after --pipe" bash -c "[ \"\$(redis-cli -p $port DBSIZE)\" = 100000 ]"

# redis-benchmark stops at the first error reply and prints it.
for proto in 2 3; do
  flag=""; [ "$proto" = 3 ] && flag="-3"
  check "redis-benchmark RESP$proto" bash -c \
    "redis-benchmark -p $port $flag -q -n 100000 -t ping,set,get,incr,mset >$work/bench$proto 2>&1 &&
     ! grep -qi 'error' $work/bench$proto && [ \$(grep -c 'requests per second' $work/bench$proto) -ge 6 ]"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
