#!/usr/bin/env bash
# `respect table --html` writes a whole page a browser renders on its own:
# two result files (one with a failure whose expected and actual replies
# hold markup characters) become a page that headless Chromium loads; the
# rendered DOM must show the families, the servers, the coloured cells and
# the failure's case, expected and actual reply and bytes as text.
set -uo pipefail
respect=$1
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/../../harness/ci/server-fixture
work=$(mktemp -d)
trap '"$fixture" stop "$work/redis" >/dev/null; rm -rf "$work"' EXIT
chromium=$(command -v chromium || command -v chromium-browser || true)
for need in redis-server "$chromium"; do
  if [ -z "$need" ] || ! command -v "$need" >/dev/null; then
    echo "SKIPPED: ${need:-chromium} not found (ci/install-deps installs it)"
    exit 77
  fi
done
"$fixture" start redis redis-server "$work/redis" >/dev/null || exit 1
port=$(cat "$work/redis/port")

mkdir -p "$work/cases/markup"
cat >"$work/cases/markup/page.case" <<'EOF'
case plain
  desc: a run that passes
  > SET @k v
  < +"OK"

case markup-in-replies
  desc: a failure whose replies hold <b>markup</b> & "quotes"
  > SET @k "<b>bold</b> & \"q\""
  > GET @k
  < +"OK"
  < $"<i>not this</i> & 'x'"
EOF
"$respect" run --server "127.0.0.1:$port" --resp 2 --name 'mine <&>' --json "$work/mine.json" \
  "$work/cases" >"$work/run.out" 2>&1
[ $? -eq 1 ] || { echo "BAD  the run with a failing case did not exit 1"; cat "$work/run.out"; exit 1; }
"$respect" run --server "127.0.0.1:$port" --resp 2 --tags plain --name redis \
  --json "$work/redis.json" "$work/cases" >/dev/null 2>&1 || { echo "BAD  the passing run failed"; exit 1; }
"$respect" table --html "$work/mine.json" "$work/redis.json" >"$work/page.html" || exit 1

bad=0
fail() { echo "BAD  $*"; bad=1; }
head -c 15 "$work/page.html" | grep -qx '<!DOCTYPE html>' || fail "no doctype"
grep -q '<meta charset="utf-8">' "$work/page.html" || fail "no charset"
grep -q '<title>' "$work/page.html" || fail "no title"
grep -q '<style>' "$work/page.html" || fail "no styles"
grep -Eiq '<script|<link|src=|url\(|https?:' "$work/page.html" && fail "the page loads something"

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
  --dump-dom "file://$work/page.html" >"$work/dom.html" 2>"$work/chromium.log" ||
  { echo "BAD  chromium failed"; cat "$work/chromium.log"; exit 1; }

# What a reader sees: text by element, from the rendered DOM.
python3 - "$work/dom.html" <<'PY' || bad=1
import html.parser, sys

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.rows, self.cells, self.heads = [], {}, [], []
        self.text = ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a.get("class", ""), len(self.text)))
    def handle_endtag(self, tag):
        while self.stack:
            t, cls, start = self.stack.pop()
            if t != tag:
                continue
            body = self.text[start:]
            if t == "tr" and cls in ("expected", "actual", "bytes"):
                self.rows[cls] = body
            if t == "td" and cls:
                self.cells.append((cls, body))
            if t == "th":
                self.heads.append(body)
            if t == "h3":
                self.heads.append(body)
            break
    def handle_data(self, data):
        self.text += data

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
want = {
    "expected": "expected$\"<i>not this</i> & 'x'\"",
    "actual": "actual$\"<b>bold</b> & \\\"q\\\"\"",
    "bytes": "bytes\"$17\\r\\n<b>bold</b> & \\\"q\\\"\\r\\n\"",
}
bad = 0
for k, v in want.items():
    if p.rows.get(k) != v:
        print(f"BAD  {k} row reads {p.rows.get(k)!r}, wanted {v!r}")
        bad = 1
for h in ("markup", "mine <&>", "redis", "failed markup/markup-in-replies [RESP2] on mine <&>"):
    if h not in p.heads:
        print(f"BAD  no heading {h!r} among {p.heads}")
        bad = 1
classes = [c for c, _ in p.cells]
if classes[:2] != ["fail", "pass"]:
    print(f"BAD  the markup row's cells are {p.cells[:2]}, wanted a fail then a pass cell")
    bad = 1
if "a failure whose replies hold <b>markup</b> & \"quotes\"" not in p.text:
    print("BAD  the case's description is not shown as text")
    bad = 1
if "<b>" in open(sys.argv[1], encoding="utf-8").read():
    print("BAD  the reply's markup became an element")
    bad = 1
if not bad:
    print("ok   rendered: families, servers, cells " + ", ".join(classes[:2]) + "; "
          + "; ".join(f"{k}: {p.rows.get(k)}" for k in want))
sys.exit(bad)
PY
[ $bad -eq 0 ]
