#!/usr/bin/env python3
"""Sends the same bytes to real redis-server and to mini-redis-server and
requires the same reply bytes, and the same close, for every case.

Usage: diff_test.py MINI_REDIS_SERVER CASES_FILE [SERVER ARGS...]

Each case in CASES_FILE is one line: a name, a tab, then the bytes to send
written as a Python bytes literal body (escapes like \\r\\n, \\x00).  Lines
starting with # are comments.  Every case runs on a fresh connection after
FLUSHALL, against both servers, each started here on a free port with the
same extra arguments (a setting such as --requirepass pw).  With a
password set, the FLUSHALL connection authenticates first."""
import re
import shutil
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, port, extra):
    proc = subprocess.Popen(argv + ["--port", str(port), "--save", "", "--appendonly", "no"] + extra,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"{argv[0]} exited with {proc.returncode} before listening")
            time.sleep(0.05)
    proc.kill()
    sys.exit(f"{argv[0]} did not listen on port {port}")


def exchange(port, data, first=1.0, settle=0.15):
    """Sends data, then reads until the peer closes or is quiet: up to
    `first` s for the first byte (a loaded machine can be slow), then
    `settle` s after each later one."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(data)
    s.settimeout(first)
    out, closed = b"", False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            out += chunk
            s.settimeout(settle)
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return out, closed


# Values that differ between any two servers by nature: connection ids.
NORMALISE = [(re.compile(rb"\$2\r\nid\r\n:\d+\r\n"), b"$2\r\nid\r\n:<id>\r\n")]


def normalise(result):
    data, closed = result
    for pattern, repl in NORMALISE:
        data = pattern.sub(repl, data)
    return data, closed


def main():
    mini, cases_file, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    flush = b"FLUSHALL\r\n"
    if "--requirepass" in extra:
        password = extra[extra.index("--requirepass") + 1].encode()
        flush = b"AUTH " + password + b"\r\n" + flush
    redis = shutil.which("redis-server")
    if redis is None:
        print("SKIPPED: redis-server is not installed (ci/install-deps installs it)")
        sys.exit(77)
    cases = []
    with open(cases_file, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, body = line.split("\t", 1)
            cases.append((name, eval("b'" + body.replace("'", "\\'") + "'")))
    ports = [free_port(), free_port()]
    procs = [start([redis], ports[0], extra), start([mini], ports[1], extra)]
    failed = 0
    try:
        for name, data in cases:
            # A difference must reproduce: on a loaded machine a reply can
            # miss the first-byte wait, so a mismatch is tried again with
            # longer waits before it counts.
            for first, settle in ((1.0, 0.15), (3.0, 0.5), (5.0, 1.0)):
                results = []
                for port in ports:
                    exchange(port, flush, settle=0.05)
                    results.append(normalise(exchange(port, data, first, settle)))
                if results[0] == results[1]:
                    break
            if results[0] != results[1]:
                failed += 1
                print(f"DIFF {name}\n  sent:  {data!r}\n  redis: {results[0]!r}\n"
                      f"  mini:  {results[1]!r}")
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
    passed = len(cases) - failed
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
