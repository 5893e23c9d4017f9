#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Relay the test VM's monitor requests to QEMU.

The guest asks by printing "MSIXG QMP device_del ID" or "MSIXG QMP hmp
COMMAND LINE" on its serial console (a file here); this follows the file
and sends each request to QEMU's QMP socket as it appears, in order.  Every
request, reply and QMP event goes to the log, one JSON object a line, for
the suite to check.  When QEMU closes the socket it connects to the next
QEMU (the harness boots once more if a kernel dies before /init) and
follows the console anew; the suite kills it when it is done.
"""
import argparse
import json
import os
import select
import socket
import sys
import time


def connect(path):
    """A connected QMP socket, waiting for QEMU to create it."""
    while True:
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmp", required=True, help="QEMU's QMP unix socket")
    ap.add_argument("--console", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()

    log = open(args.log, "w", buffering=1)
    while True:
        relay(connect(args.qmp), args.console, log)
        log.write(json.dumps({"relay": "QEMU closed the socket"}) + "\n")


def relay(sock, console, log):
    """Until QEMU closes sock."""
    buf = b""

    def messages(timeout):
        """QMP messages that arrive within timeout; None when QEMU is gone."""
        nonlocal buf
        out = []
        if select.select([sock], [], [], timeout)[0]:
            data = sock.recv(65536)
            if not data:
                return None
            buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.strip():
                out.append(json.loads(line))
        return out

    def execute(cmd):
        sock.sendall(json.dumps(cmd).encode() + b"\n")
        log.write(json.dumps({"request": cmd}) + "\n")
        while True:
            msgs = messages(5)
            if msgs is None:
                return False
            for m in msgs:
                log.write(json.dumps(m) + "\n")
                if "return" in m or "error" in m:
                    return True

    messages(5)                             # the greeting
    execute({"execute": "qmp_capabilities"})
    pos = 0
    pending = b""
    while True:
        if os.path.getsize(console) < pos:    # a new boot's console
            pos = 0
            pending = b""
        with open(console, "rb") as fh:
            fh.seek(pos)
            chunk = fh.read()
        pos += len(chunk)
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        for raw in lines:
            line = raw.decode(errors="replace")
            if "MSIXG QMP " not in line:
                continue
            req = line[line.index("MSIXG QMP ") + len("MSIXG QMP "):].strip().split()
            if req[0] == "device_del" and len(req) == 2:
                cmd = {"execute": "device_del", "arguments": {"id": req[1]}}
            elif req[0] == "hmp":
                cmd = {"execute": "human-monitor-command",
                       "arguments": {"command-line": " ".join(req[1:])}}
            else:
                log.write(json.dumps({"relay": f"unknown request {req}"}) + "\n")
                continue
            if not execute(cmd):
                return
        msgs = messages(0.05)
        if msgs is None:
            return
        for m in msgs:
            log.write(json.dumps(m) + "\n")


if __name__ == "__main__":
    sys.exit(main())
