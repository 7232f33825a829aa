"""A small client of Chromium's DevTools protocol over --remote-debugging-pipe.

The browser reads commands on its fd 3 and writes replies and events on fd 4,
each a JSON message ending in a NUL byte, so no WebSocket library is needed.
Used by the browser tests (tests/browser/*.py); Debian's chromium, headless.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get("NM_CHROMIUM", "/usr/bin/chromium")


class Browser:
    def __init__(self, width=1366, height=768):
        self.profile = tempfile.mkdtemp(prefix="nm-chromium-")
        cmd_r, self._to_browser = os.pipe()
        self._from_browser, out_w = os.pipe()
        # the browser's fds 3 and 4 are the pipes
        def child():
            # via fds above 4: a pipe may itself be 3 or 4 (and close on exec)
            a, b = os.dup(cmd_r) + 10, os.dup(out_w) + 10
            os.dup2(cmd_r, a)
            os.dup2(out_w, b)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-default-apps", "--disable-extensions",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            close_fds=False, preexec_fn=child,
            stdout=subprocess.DEVNULL, stderr=open(os.environ.get("NM_CHROMIUM_LOG", os.devnull), "w"))
        os.close(cmd_r)
        os.close(out_w)
        self._buf = b""
        self._id = 0
        self.events = []
        self.session = None

    # ---- messages -------------------------------------------------------
    def _read_message(self, timeout):
        deadline = time.time() + timeout
        while b"\0" not in self._buf:
            if time.time() > deadline:
                raise TimeoutError("no message from the browser in %.0f s" % timeout)
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True, timeout=60):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read_message(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, timeout=30):
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        deadline = time.time() + timeout
        while time.time() < deadline:
            e = self._read_message(deadline - time.time())
            if e.get("method") == method:
                return e
            self.events.append(e)
        raise TimeoutError("no %s event" % method)

    def drain(self, seconds=0.3):
        """Keeps the events that arrive within 'seconds'."""
        deadline = time.time() + seconds
        import select
        while True:
            left = deadline - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([self._from_browser], [], [], left)
            if not r:
                return
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                return
            self._buf += chunk
            while b"\0" in self._buf:
                msg, self._buf = self._buf.split(b"\0", 1)
                self.events.append(json.loads(msg))

    # ---- a page ---------------------------------------------------------
    def open_page(self, width, height, mobile=False, scripts=True):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(domain + ".enable")
        # no network at all: any request would fail, and is recorded
        self.send("Network.emulateNetworkConditions",
                  {"offline": True, "latency": 0, "downloadThroughput": 0,
                   "uploadThroughput": 0})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        # focus and Tab work as in a window in front
        self.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
        self.send("Page.bringToFront")
        if not scripts:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True})
        self.events = []

    def load(self, path):
        self.send("Page.navigate", {"url": "file://" + os.path.abspath(path)})
        self.wait_event("Page.loadEventFired", 60)
        self.drain(0.5)

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def mouse(self, x, y):
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def key(self, key, code=None, vk=0):
        for t in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": t, "key": key, "code": code or key,
                                                 "windowsVirtualKeyCode": vk})

    def screenshot(self, path, full=False):
        import base64
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
            m = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": m["width"], "height": m["height"],
                              "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def pdf(self, path):
        import base64
        data = self.send("Page.printToPDF", {"preferCSSPageSize": True,
                                             "printBackground": True}, timeout=120)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)
