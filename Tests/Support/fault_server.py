#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 file server for hubctl's transport tests (stdlib only, loopback only).

Serves files under --root. The first path segment picks the behaviour; counters are kept per full
request path (query string included, so a test can add ?t=<uuid> to get fresh counters):

  /ok/<file>                  normal: ETag, Range, If-Range
  /drop/<n>/<file>            first n requests: send half of the body, then drop the connection
  /stall/<n>/<file>           first n requests: send half of the body, then stall --stall seconds and drop
  /status/<code>/<n>/<file>   first n requests: answer <code> (429/503 carry Retry-After: 1)
  /slow-retry/<n>/<file>      first n requests: 429 with Retry-After: 3600 (clients must cap it)
  /short/<n>/<file>           first n requests: Content-Length larger than the body, then close
  /long/<file>                Content-Length 100 bytes smaller than the file (body cut there)
  /no-length/<file>           no Content-Length: the body ends when the connection closes
  /ignore-range/<file>        first request drops mid-body; every answer is 200 with the full body
  /change/<file>              first request serves <file> (ETag "v1") and drops mid-body; later
                              requests serve <file>.v2 (ETag "v2"), honouring If-Range
  /change-splice/<file>       like /change/, but later requests ignore If-Range and answer Range
                              requests with 206 slices of <file>.v2 (a broken cache in the path)
  /loop/<anything>            302 to itself, forever
  /redirect/<file>            302 to /ok/<file>
  /redirect-ftp/<file>        302 to ftp://127.0.0.1:1/<file>
  /redirect-file/<file>       302 to file:///etc/passwd
  /redirect-http/<file>       302 to http://127.0.0.1:<same port>/ok/<file> (a downgrade when serving TLS)
  /html/<file>                200 text/html login page
  /html-octet/<file>          200 application/octet-stream whose body is an HTML page

With --cert/--key it serves HTTPS (TLS) instead of plain HTTP.

Prints the chosen port on stdout, then serves until --idle seconds pass without a request.
"""
import argparse
import hashlib
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in.</body></html>\n"


class State:
    lock = threading.Lock()
    counts = {}
    last_request = time.monotonic()

    @classmethod
    def hit(cls, key):
        with cls.lock:
            cls.counts[key] = cls.counts.get(key, 0) + 1
            cls.last_request = time.monotonic()
            return cls.counts[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."
    stall = 3.0

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def do_GET(self):
        count = State.hit(self.path)
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        if not parts:
            return self.plain(404, b"not found\n")
        fault, rest = parts[0], parts[1:]
        try:
            if fault == "ok":
                return self.serve("/".join(rest))
            if fault in ("drop", "stall", "short"):
                n, name = int(rest[0]), "/".join(rest[1:])
                if count <= n:
                    return self.serve(name, cut=fault)
                return self.serve(name)
            if fault == "status":
                code, n, name = int(rest[0]), int(rest[1]), "/".join(rest[2:])
                if count <= n:
                    extra = {"Retry-After": "1"} if code in (429, 503) else {}
                    return self.plain(code, b"try again later\n", extra)
                return self.serve(name)
            if fault == "slow-retry":
                n, name = int(rest[0]), "/".join(rest[1:])
                if count <= n:
                    return self.plain(429, b"slow down\n", {"Retry-After": "3600"})
                return self.serve(name)
            if fault == "long":
                return self.serve("/".join(rest), cut="long")
            if fault == "no-length":
                return self.serve("/".join(rest), cut="no-length")
            if fault == "ignore-range":
                return self.serve("/".join(rest), cut="drop" if count == 1 else None, ignore_range=True)
            if fault == "change":
                name = "/".join(rest)
                if count == 1:
                    return self.serve(name, cut="drop", etag='"v1"')
                return self.serve(name + ".v2", etag='"v2"')
            if fault == "change-splice":
                name = "/".join(rest)
                if count == 1:
                    return self.serve(name, cut="drop", etag='"v1"')
                return self.serve(name + ".v2", etag='"v2"', ignore_if_range=True)
            if fault == "loop":
                return self.redirect(self.path)
            if fault == "redirect":
                return self.redirect("/ok/" + "/".join(rest))
            if fault == "redirect-ftp":
                return self.redirect("ftp://127.0.0.1:1/" + "/".join(rest))
            if fault == "redirect-file":
                return self.redirect("file:///etc/passwd")
            if fault == "redirect-http":
                port = self.server.server_address[1]
                return self.redirect("http://127.0.0.1:%d/ok/%s" % (port, "/".join(rest)))
            if fault == "html":
                return self.plain(200, HTML, {"Content-Type": "text/html; charset=utf-8"})
            if fault == "html-octet":
                return self.plain(200, HTML, {"Content-Type": "application/octet-stream"})
        except (IndexError, ValueError):
            pass
        return self.plain(404, b"not found\n")

    def plain(self, code, body, headers=None):
        self.send_response(code)
        headers = dict(headers or {})
        headers.setdefault("Content-Type", "text/plain")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def serve(self, name, cut=None, etag=None, ignore_range=False, ignore_if_range=False):
        full = os.path.realpath(os.path.join(self.root, name))
        if not full.startswith(os.path.realpath(self.root) + os.sep) or not os.path.isfile(full):
            return self.plain(404, b"not found\n")
        with open(full, "rb") as handle:
            data = handle.read()
        etag = etag or '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        start, status = 0, 200
        header = self.headers.get("Range")
        if header and not ignore_range and header.startswith("bytes=") and header.endswith("-"):
            if_range = self.headers.get("If-Range")
            if if_range is None or if_range == etag or ignore_if_range:
                start = int(header[6:-1])
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % len(data))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        body = data[start:]
        self.send_response(status)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        length = len(body)
        if cut == "short":
            length += 1000
        elif cut == "long":
            length -= 100
            body = body[:length]
        if cut == "no-length":
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if cut in ("drop", "stall"):
            half = max(1, len(body) // 2)
            self.wfile.write(body[:half])
            self.wfile.flush()
            if cut == "stall":
                time.sleep(self.stall)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)
        if cut == "short":
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--idle", type=float, default=120)
    parser.add_argument("--stall", type=float, default=3)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    # A launcher's thread may have SIGTERM blocked, and that mask survives exec: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    Handler.root = args.root
    Handler.stall = args.stall
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)

    def watchdog():
        while time.monotonic() - State.last_request < args.idle:
            time.sleep(0.5)
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    sys.exit(main())
