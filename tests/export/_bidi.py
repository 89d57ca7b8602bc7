"""A small WebDriver BiDi client for the Firefox tests: stock Firefox, no geckodriver, no Playwright.

Firefox (``firefox-esr`` on Debian) serves WebDriver BiDi itself when started with
``--remote-debugging-port``; this module starts it headless on a fresh profile in a temporary
directory (``HOME`` too, so nothing is written to the real one), waits for the
"WebDriver BiDi listening on ws://…" line, and talks JSON over one websocket
(``websocket-client``).  Every command has a deadline, so a hung browser fails a test instead
of hanging it; :meth:`Firefox.close` ends the browser's whole process group and removes the
directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FIREFOX_CANDIDATES = ("firefox-esr", "firefox")

# Quiet, offline-leaning profile: no first-run pages, telemetry, updates, remote settings,
# safe-browsing or captive-portal checks (the remote agent adds its own recommended prefs too).
USER_JS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "services.settings.server": "data:,",
    "app.normandy.enabled": False,
    "app.update.disabledForTesting": True,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "data:,",
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "browser.ping-centre.telemetry": False,
    "media.gmp-manager.url": "data:,",
}


def find_firefox() -> str | None:
    """The Firefox executable: ``$FIREFOX``, else ``firefox-esr`` or ``firefox`` on ``PATH``."""
    from kg.export.screenshot import find_executable

    return find_executable("FIREFOX", FIREFOX_CANDIDATES)


class BiDiError(RuntimeError):
    pass


class Firefox:
    """Headless Firefox with one BiDi session; ``events`` keeps every event received, in order."""

    def __init__(self, exe: str, *, startup_timeout: float = 20.0, command_timeout: float = 20.0):
        import websocket  # websocket-client

        self.command_timeout = command_timeout
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self.broken: str | None = None  # set by the first timeout or lost connection: later commands fail at once
        self.proc: subprocess.Popen | None = None
        self.ws = None
        self.dir = tempfile.mkdtemp(prefix="rawabit-firefox-")
        try:
            profile = Path(self.dir, "profile")
            profile.mkdir()
            (profile / "user.js").write_text(
                "".join(f'user_pref("{k}", {json.dumps(v)});\n' for k, v in USER_JS.items()), encoding="utf-8")
            self.log_path = Path(self.dir, "firefox.log")
            env = {**os.environ, "HOME": self.dir, "XDG_CACHE_HOME": self.dir, "XDG_CONFIG_HOME": self.dir,
                   "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_HEADLESS": "1"}
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(
                    [exe, "--headless", "--no-remote", "--remote-debugging-port", "0", "--profile", str(profile)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
            url = self._wait_for_url(startup_timeout)
            self.ws = websocket.create_connection(url + "/session", timeout=command_timeout, suppress_origin=True)
            self.version = self.send("session.new", {"capabilities": {}})["capabilities"].get("browserVersion")
        except BaseException:
            self.close()
            raise

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"WebDriver BiDi listening on (ws://[\w.:\[\]]+)", self.log_path.read_text("utf-8", "replace"))
            if m:
                return m.group(1)
            if self.proc.poll() is not None:
                raise BiDiError(f"firefox exited with {self.proc.returncode}:\n{self.log_tail()}")
            time.sleep(0.1)
        raise BiDiError(f"firefox did not open its BiDi port within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def send(self, method: str, params: dict | None = None, *, timeout: float | None = None) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile go to ``events``."""
        import websocket

        if self.broken:
            raise BiDiError(f"{method}: the browser no longer answers ({self.broken})")
        self._next_id += 1
        cid = self._next_id
        timeout = timeout or self.command_timeout
        deadline = time.monotonic() + timeout
        try:
            self.ws.send(json.dumps({"id": cid, "method": method, "params": params or {}}))
        except (OSError, websocket.WebSocketException) as exc:
            self.broken = f"{method}: {exc!r}"
            raise BiDiError(self.broken) from exc
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.broken = f"no answer to {method} within {timeout:.0f} s"
                raise BiDiError(f"{self.broken}\n{self.log_tail(1500)}")
            self.ws.settimeout(left)
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException) as exc:
                self.broken = f"connection lost during {method}: {exc!r}"
                raise BiDiError(f"{self.broken}\n{self.log_tail(1500)}") from exc
            if msg.get("type") == "event":
                self.events.append(msg)
            elif msg.get("id") == cid:
                if msg.get("type") == "error":
                    raise BiDiError(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg["result"]

    def close(self) -> None:
        polite = self.ws is not None and not self.broken
        if self.ws is not None:
            if polite:
                try:
                    self.send("browser.close", timeout=5)
                except BiDiError:
                    pass
            try:
                if polite:
                    self.ws.close(timeout=1)
                else:
                    self.ws.shutdown()  # no closing handshake with a browser that does not answer
            except Exception:
                pass
            self.ws = None
        if self.proc is not None:
            if polite:
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # content processes too
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)


def remote_value(v: dict[str, Any]) -> Any:
    """A BiDi RemoteValue (``script.evaluate`` result) as plain Python."""
    t = v.get("type")
    if t in ("undefined", "null"):
        return None
    if t in ("string", "boolean"):
        return v["value"]
    if t == "number":
        x = v["value"]
        if isinstance(x, str):  # NaN, -0, Infinity, -Infinity
            return {"NaN": float("nan"), "-0": -0.0, "Infinity": float("inf"), "-Infinity": float("-inf")}[x]
        return x
    if t in ("array", "set", "nodelist", "htmlcollection"):
        return [remote_value(x) for x in v.get("value", [])]
    if t in ("object", "map"):
        return {(k if isinstance(k, str) else remote_value(k)): remote_value(x) for k, x in v.get("value", [])}
    return v  # nodes, functions, windows…: left as the RemoteValue
