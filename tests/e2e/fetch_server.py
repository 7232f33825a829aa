"""A small HTTP server for tests/e2e/fetch.sh: serves one folder on
127.0.0.1 with Range support.  With --stop-after N it closes the
connection after N bytes of any response body (once per file), as a
server that stops halfway does.  Prints the port, then serves until
killed or --seconds pass.  Servers that cannot be trusted, for the
checks of fetch's limits: /endless streams bytes without end and without
a length, --redirect NAME=URL answers NAME with a redirect to URL, and
--log FILE records "NAME BYTES" for each body sent.  Standard library
only."""
import argparse, http.server, os, re, sys, threading

p = argparse.ArgumentParser()
p.add_argument("folder")
p.add_argument("--stop-after", type=int, default=0)
p.add_argument("--seconds", type=float, default=60)
p.add_argument("--redirect", action="append", default=[])
p.add_argument("--log")
a = p.parse_args()
stopped = set()
redirects = dict(r.split("=", 1) for r in a.redirect)


def log(name, n):
    if a.log:
        with open(a.log, "a") as f:
            f.write("%s %d\n" % (name, n))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def endless(self):
        self.send_response(200)
        self.end_headers()
        chunk, sent = b"x" * 65536, 0
        try:
            while sent < 1 << 34:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        log("endless", sent)

    def do_GET(self):
        name = os.path.basename(self.path)
        if name in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[name])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if name == "endless":
            self.endless()
            return
        path = os.path.join(a.folder, name)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        start, status = 0, 200
        m = re.match(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if m:
            start, status = int(m.group(1)), 206
        body = data[start:]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.end_headers()
        if a.stop_after and path not in stopped and len(body) > a.stop_after:
            stopped.add(path)
            self.wfile.write(body[: a.stop_after])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            log(name, a.stop_after)
            return
        sent = 0
        try:
            while sent < len(body):
                self.wfile.write(body[sent:sent + 65536])
                sent += len(body[sent:sent + 65536])
        except OSError:
            pass
        log(name, sent)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
threading.Timer(a.seconds, srv.shutdown).start()
srv.serve_forever()
