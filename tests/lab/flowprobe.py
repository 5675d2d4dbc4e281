#!/usr/bin/env python3
"""TCP and UDP probes for lab scenarios (traffic as ground truth).

  flowprobe.py serve TCPPORT UDPPORT LOG   echo server on both ports; logs
                                           "tcp|udp PEER-ADDRESS" per flow
  flowprobe.py tcp HOST PORT [TIMEOUT]     connect, send, expect the echo
  flowprobe.py udp HOST PORT [TIMEOUT]     send a datagram, expect the echo

Probes exit 0 when the echo came back, 1 when not.
"""
import socket
import sys
import threading


def log_peer(log, kind, peer):
    with open(log, "a") as f:
        f.write("%s %s\n" % (kind, peer[0]))


def serve_tcp(port, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(16)
    while True:
        c, peer = s.accept()
        log_peer(log, "tcp", peer)
        c.settimeout(5)
        try:
            data = c.recv(256)
            if data:
                c.sendall(data)
        except OSError:
            pass
        c.close()


def serve_udp(port, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(256)
        log_peer(log, "udp", peer)
        s.sendto(data, peer)


def probe(kind, host, port, timeout):
    msg = b"dataplane-check probe"
    try:
        if kind == "tcp":
            with socket.create_connection((host, port), timeout=timeout) as s:
                s.sendall(msg)
                return s.recv(256) == msg
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(msg, (host, port))
            return s.recvfrom(256)[0] == msg
    except OSError:
        return False


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        log = sys.argv[4]
        threading.Thread(target=serve_udp, args=(int(sys.argv[3]), log),
                         daemon=True).start()
        serve_tcp(int(sys.argv[2]), log)
    elif len(sys.argv) in (4, 5) and sys.argv[1] in ("tcp", "udp"):
        timeout = float(sys.argv[4]) if len(sys.argv) == 5 else 3
        sys.exit(0 if probe(sys.argv[1], sys.argv[2], int(sys.argv[3]),
                            timeout) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
