# Sourced by the harness tests that run against one real redis-server:
# sets $fixture and $work (removed on exit, with the server stopped), and
# defines start_redis [ARGS...], which skips the test (exit 77) without
# redis-server, or starts one with those settings and sets $port.
fixture=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../harness/ci" && pwd)/server-fixture
work=$(mktemp -d)
trap '"$fixture" stop "$work/redis" >/dev/null; rm -rf "$work"' EXIT

start_redis() {
  if ! command -v redis-server >/dev/null; then
    echo "SKIPPED: redis-server not found (ci/install-deps installs it)"
    exit 77
  fi
  "$fixture" start redis redis-server "$work/redis" "$@" >/dev/null || exit 1
  port=$(cat "$work/redis/port")
}
