"""The clients scenario with redis-py (Debian's python3-redis), RESP2.

Usage: /usr/bin/python3 clients/redis_py.py PORT

Prints one line per observation; clients/run compares the lines printed
against mini-redis-server with those printed against redis-server.  Errors
are observations too: the exception's class and message.
"""
import sys
import time

import redis

PORT = int(sys.argv[1])


def out(section, what, value):
    print(f"{section} {what}: {value!r}", flush=True)


def attempt(fn):
    """fn's value, or its exception as class and message."""
    try:
        return fn()
    except redis.RedisError as e:
        return f"{type(e).__name__}: {e}"


def client(**kw):
    return redis.Redis(host="127.0.0.1", port=PORT, **kw)


def wait_until_up():
    for _ in range(100):
        try:
            client(socket_timeout=1).ping()
            return True
        except redis.ConnectionError:
            time.sleep(0.05)
    return False


def strings(r):
    s = "strings"
    out(s, "set", r.set("s:a", "hello"))
    out(s, "get", r.get("s:a"))
    out(s, "get missing", r.get("s:missing"))
    out(s, "binary", (r.set("s:bin", b"\x00\xff\r\n"), r.get("s:bin")))
    out(s, "incr", (r.incr("s:n"), r.incrby("s:n", 41), r.decr("s:n")))
    out(s, "incrbyfloat", r.incrbyfloat("s:f", 2.5))
    out(s, "append", (r.append("s:a", " world"), r.getrange("s:a", 0, 4)))
    out(s, "mset mget", (r.mset({"s:x": 1, "s:y": 2}), r.mget("s:x", "s:y", "s:z")))
    out(s, "setnx", (r.setnx("s:a", "no"), r.set("s:a", "v", nx=True)))
    out(s, "set get", r.set("s:a", "new", get=True))
    out(s, "not an integer", attempt(lambda: r.incr("s:a")))
    r.lpush("s:list", "e")
    out(s, "wrong type", attempt(lambda: r.get("s:list")))
    out(s, "unknown command", attempt(lambda: r.execute_command("NOSUCHCOMMAND", "x")))


def expiry(r):
    s = "expiry"
    out(s, "set ex", (r.set("e:k", "v", ex=100), r.ttl("e:k")))
    out(s, "pttl range", 99000 < r.pttl("e:k") <= 100000)
    out(s, "expire nx", (r.expire("e:k", 5, nx=True), r.expire("e:k", 200, gt=True), r.ttl("e:k")))
    out(s, "persist", (r.persist("e:k"), r.ttl("e:k"), r.ttl("e:missing")))
    out(s, "pexpire", r.pexpire("e:k", 50))
    time.sleep(0.15)
    out(s, "expired", (r.exists("e:k"), r.get("e:k")))
    out(s, "getex", (r.set("e:g", "v"), r.getex("e:g", px=100000), r.ttl("e:g")))


def scans(r):
    s = "scan"
    r.mset({f"scan:{i}": i for i in range(60)})
    r.hset("scan-h", mapping={f"f{i}": i for i in range(40)})
    r.sadd("scan-s", *[f"m{i}" for i in range(40)])
    r.zadd("scan-z", {f"z{i}": i for i in range(40)})
    keys = sorted(r.scan_iter(match="scan:*", count=7))
    out(s, "scan_iter", (len(keys), keys[:3]))
    out(s, "scan_iter type", sorted(r.scan_iter(_type="zset")))
    h = sorted(r.hscan_iter("scan-h", match="f1*"))
    out(s, "hscan_iter", h)
    out(s, "sscan_iter", sorted(r.sscan_iter("scan-s", count=5))[:5])
    out(s, "zscan_iter", sorted(r.zscan_iter("scan-z"), key=lambda p: p[1])[-3:])


def pipelines(r):
    s = "pipeline"
    p = r.pipeline(transaction=False)
    p.set("p:a", "1").incr("p:a").lpush("p:a", "x").get("p:a").rpush("p:l", 1, 2, 3).lrange("p:l", 0, -1)
    res = p.execute(raise_on_error=False)
    out(s, "results", [str(x) if isinstance(x, Exception) else x for x in res])
    p = r.pipeline(transaction=False)
    for i in range(1000):
        p.incr("p:count")
    out(s, "1000 incr", p.execute()[-1])


def transactions(r):
    s = "multi"
    p = r.pipeline()
    p.set("t:a", 1).incr("t:a").get("t:a")
    out(s, "exec", p.execute())
    p = r.pipeline()
    p.set("t:a", 1).lpush("t:a", "x").incr("t:a")
    out(s, "exec with error", attempt(lambda: p.execute()))
    p = r.pipeline()
    p.set("t:b", 1).execute_command("SET", "t:b")
    out(s, "queued arity error", attempt(lambda: p.execute()))
    other = client()
    with r.pipeline() as p:
        p.watch("t:w")
        other.set("t:w", "changed")
        p.multi()
        p.set("t:w", "mine")
        out(s, "watch conflict", attempt(lambda: p.execute()))
    out(s, "after conflict", r.get("t:w"))

    def incr_w(p):
        v = int(p.get("t:n") or 0)
        p.multi()
        p.set("t:n", v + 1)

    out(s, "transaction helper", (r.transaction(incr_w, "t:n"), r.get("t:n")))


def next_message(p):
    for _ in range(100):
        m = p.get_message(timeout=0.05)
        if m is not None:
            return m
    return None


def pubsub(r):
    s = "pubsub"
    p = client().pubsub()
    p.subscribe("ch1", "ch2")
    p.psubscribe("ch*")
    out(s, "confirmations", [next_message(p) for _ in range(3)])
    out(s, "publish", r.publish("ch1", "hello"))
    out(s, "messages", [next_message(p) for _ in range(2)])
    out(s, "numsub", (r.pubsub_numsub("ch1", "ch2", "none"), r.pubsub_numpat()))
    p.unsubscribe("ch1")
    out(s, "unsubscribe", next_message(p))
    out(s, "publish after", r.publish("ch1", "again"))
    out(s, "pattern only", next_message(p))
    p.punsubscribe()
    p.unsubscribe()
    out(s, "all gone", [next_message(p) for _ in range(2)])
    p.close()


def auth(r):
    s = "auth"
    out(s, "config set", r.config_set("requirepass", "sekret"))
    out(s, "no password", attempt(lambda: client().get("x")))
    out(s, "wrong password", attempt(lambda: client(password="nope").get("x")))
    out(s, "password", attempt(lambda: client(password="sekret").set("x", "1")))
    out(s, "username", attempt(lambda: client(username="default", password="sekret").get("x")))
    out(s, "bad user", attempt(lambda: client(username="nobody", password="sekret").get("x")))
    out(s, "old connection", r.get("x"))
    out(s, "clear", r.config_set("requirepass", ""))
    out(s, "open again", attempt(lambda: client().get("x")))


def kill_recovery(r):
    s = "client kill"
    victim = client()
    victim.set("k:a", "1")
    out(s, "kill", r.client_kill_filter(_id=victim.client_id()))
    out(s, "first call", attempt(lambda: victim.get("k:a")))
    out(s, "second call", attempt(lambda: victim.get("k:a")))


def restart(r):
    s = "restart"
    survivor = client()
    survivor.set("r:a", "1")
    out(s, "shutdown", attempt(lambda: client().shutdown(nosave=True)))
    out(s, "back", wait_until_up())
    out(s, "first call", attempt(lambda: survivor.get("r:a")))
    out(s, "second call", attempt(lambda: survivor.get("r:a")))
    out(s, "dbsize", survivor.dbsize())


def main():
    r = client()
    r.flushall()
    for step in (strings, expiry, scans, pipelines, transactions, pubsub, auth, kill_recovery, restart):
        step(r)
    print("done", flush=True)


main()
