#!/usr/bin/env python3
"""A subscriber that never reads is dropped once its pending output passes
the pubsub hard limit, while a subscriber that reads gets every message and
the publisher is not slowed.  Run against real redis-server and against
mini-redis-server, with the same settings.

Usage: slow_subscriber_test.py MINI_REDIS_SERVER"""
import shutil
import socket
import subprocess
import sys
import time

LIMIT = ["--client-output-buffer-limit", "pubsub 4mb 1mb 60"]
MESSAGE = b"x" * (256 * 1024)
WIRE = (b"*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$%d\r\n%s\r\n" % (len(MESSAGE), MESSAGE))
DELIVERED = len(b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$%d\r\n\r\n" % len(MESSAGE)) + len(MESSAGE)


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


def subscribe(port, small_buffer):
    s = socket.create_connection(("127.0.0.1", port))
    if small_buffer:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"SUBSCRIBE ch\r\n")
    s.settimeout(5)
    s.recv(64)
    return s


def check(port):
    slow = subscribe(port, True)
    fast = subscribe(port, False)
    pub = socket.create_connection(("127.0.0.1", port))
    pub.settimeout(5)
    receivers = []
    started = time.time()
    for _ in range(64):  # 16 MiB in all, four times the hard limit
        pub.sendall(WIRE)
        receivers.append(int(pub.recv(64)[1:-2]))
        need = DELIVERED
        while need > 0:
            need -= len(fast.recv(min(need, 1 << 20)))
    elapsed = time.time() - started
    # Ask the server which subscribers it still has: draining the slow
    # socket through its tiny receive window would take minutes.
    time.sleep(0.2)
    pub.sendall(b"CLIENT LIST TYPE pubsub\r\n")
    listing = b""
    while not listing.endswith(b"\n\r\n") or listing.count(b"\r\n") < 2:
        listing += pub.recv(65536)
    subscribers = listing.split(b"\r\n", 1)[1].count(b"\n") - 1
    closed = subscribers == 1
    slow.close()
    problems = []
    if receivers[0] != 2 or receivers[-1] != 1:
        problems.append(f"receivers went {receivers[0]} -> {receivers[-1]}, want 2 -> 1")
    if not closed:
        problems.append("the slow subscriber was not disconnected")
    if elapsed > 10:
        problems.append(f"publishing took {elapsed:.1f} s")
    return problems


def main():
    redis = shutil.which("redis-server")
    if redis is None:
        print("SKIPPED: redis-server is not installed (ci/install-deps installs it)")
        sys.exit(77)
    failed = 0
    for name, argv in (("redis-server", [redis]), ("mini-redis-server", [sys.argv[1]])):
        port = free_port()
        proc = start(argv, port, LIMIT)
        try:
            problems = check(port)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        for p in problems:
            print(f"FAIL {name}: {p}")
        failed += bool(problems)
    print(f"{2 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
