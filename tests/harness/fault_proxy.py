#!/usr/bin/env python3
"""A TCP proxy in front of a RESP server that breaks the reply stream on
purpose, so the harness can be shown to notice.

usage: fault_proxy.py LISTEN_PORT UPSTREAM_PORT FAULT [N]
FAULT is applied to reply number N (0-based, default 1) of each connection:
  none      forward everything unchanged (the control)
  flip      change the last byte before the reply's final CRLF
  drop      leave the reply out
  reorder   send reply N+1 before reply N
  duplicate send the reply twice
  close     close the client connection instead of sending the reply
  garble    replace the reply's type byte with '?' (not RESP)
"""
import socket
import sys
import threading


def reply_end(buf, pos=0):
    """Index just past one complete RESP2/RESP3 reply at pos, or None."""
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    kind, head = buf[pos:pos + 1], buf[pos + 1:nl]
    end = nl + 2
    if kind in (b"$", b"!", b"=") :
        n = int(head)
        if n < 0:
            return end
        return end + n + 2 if len(buf) >= end + n + 2 else None
    if kind in (b"*", b"~", b">", b"%", b"|"):
        n = int(head)
        if kind in (b"%", b"|"):
            n *= 2
        for _ in range(max(n, 0)):
            end = reply_end(buf, end)
            if end is None:
                return None
        if kind == b"|":  # an attribute precedes the value it describes
            return reply_end(buf, end)
        return end
    return end


def pump_client_to_server(client, server):
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            server.sendall(data)
    except OSError:
        pass
    try:
        server.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(client, upstream_port, fault, target):
    server = socket.create_connection(("127.0.0.1", upstream_port))
    threading.Thread(target=pump_client_to_server, args=(client, server), daemon=True).start()
    buf = b""
    index = 0
    held = None
    try:
        while True:
            data = server.recv(65536)
            if not data:
                break
            buf += data
            while True:
                end = reply_end(buf)
                if end is None:
                    break
                reply, buf = buf[:end], buf[end:]
                out = reply
                if index == target:
                    if fault == "flip":
                        out = reply[:-3] + bytes([reply[-3] ^ 1]) + reply[-2:]
                    elif fault == "drop":
                        out = b""
                    elif fault == "reorder":
                        held, out = reply, b""
                    elif fault == "duplicate":
                        out = reply + reply
                    elif fault == "close":
                        client.close()
                        server.close()
                        return
                    elif fault == "garble":
                        out = b"?" + reply[1:]
                elif held is not None:
                    out, held = reply + held, None
                index += 1
                client.sendall(out)
    except OSError:
        pass
    finally:
        for s in (client, server):
            try:
                s.close()
            except OSError:
                pass


def main():
    listen_port, upstream_port, fault = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    target = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", listen_port))
    ls.listen(64)
    print("ready", flush=True)
    while True:
        client, _ = ls.accept()
        threading.Thread(target=serve, args=(client, upstream_port, fault, target),
                         daemon=True).start()


if __name__ == "__main__":
    main()
