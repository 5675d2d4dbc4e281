#!/usr/bin/env python3
"""A stand-in for systemd-journald's native socket, for the lab.

Binds a datagram socket at PATH (the lab binds /run/systemd/journal/socket in
a charon's private mount namespace), decodes every entry sent with
sd_journal_send() and appends it to OUT as one JSON object per line:
{"FIELD": "value", ...}; a field sent more than once becomes a list.

The native protocol (systemd's doc/JOURNAL_NATIVE_PROTOCOL): fields are
"KEY=value\\n", or, for values that contain a newline, "KEY\\n", a 64-bit
little-endian length, the value and "\\n". Entries too big for one datagram
arrive as a sealed memfd passed with SCM_RIGHTS and an empty payload.

Exits when its parent (the daemon it was started for) is gone.
Usage: journal_sink.py PATH OUT
"""
import array
import json
import os
import socket
import struct
import sys

MAX_DGRAM = 1 << 20      # a datagram is read up to this size
MAX_MEMFD = 64 << 20     # and a passed memfd up to this size


def parse(data):
    """Fields of one entry; raises ValueError on a malformed one."""
    fields = {}
    i, n = 0, len(data)
    while i < n:
        nl = data.find(b"\n", i)
        if nl < 0:
            raise ValueError("field without newline at %d" % i)
        line = data[i:nl]
        eq = line.find(b"=")
        if eq >= 0:
            key, value = line[:eq], line[eq + 1:]
            i = nl + 1
        else:
            key = line
            if nl + 9 > n:
                raise ValueError("binary field %r without length" % key)
            (length,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            start = nl + 9
            if length > n - start - 1 or data[start + length:start + length + 1] != b"\n":
                raise ValueError("binary field %r: bad length %d" % (key, length))
            value = data[start:start + length]
            i = start + length + 1
        k = key.decode("ascii", "replace")
        v = value.decode("utf-8", "replace")
        if k in fields:
            old = fields[k]
            fields[k] = (old if isinstance(old, list) else [old]) + [v]
        else:
            fields[k] = v
    return fields


def read_memfd(fd):
    try:
        size = os.fstat(fd).st_size
        if size > MAX_MEMFD:
            raise ValueError("memfd of %d bytes" % size)
        return os.pread(fd, size, 0)
    finally:
        os.close(fd)


def main():
    path, out = sys.argv[1], sys.argv[2]
    parent = os.getppid()
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.settimeout(0.5)
    fdsize = socket.CMSG_SPACE(array.array("i", [0]).itemsize * 4)
    with open(out, "a", encoding="utf-8") as f:
        while os.getppid() == parent:
            try:
                data, anc, _, _ = sock.recvmsg(MAX_DGRAM, fdsize)
            except socket.timeout:
                continue
            fds = []
            for level, ctype, cdata in anc:
                if level == socket.SOL_SOCKET and ctype == socket.SCM_RIGHTS:
                    a = array.array("i")
                    a.frombytes(cdata[:len(cdata) - len(cdata) % a.itemsize])
                    fds.extend(a)
            try:
                if fds:
                    data = read_memfd(fds[0])
                    for fd in fds[1:]:
                        os.close(fd)
                entry = parse(data)
            except (ValueError, OSError) as e:
                entry = {"_SINK_ERROR": str(e)}
            f.write(json.dumps(entry, sort_keys=True) + "\n")
            f.flush()


if __name__ == "__main__":
    main()
