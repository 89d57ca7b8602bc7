"""Screenshot of a graph page in headless Chromium: ``python -m kg.export.screenshot IN.html OUT.png``.

Uses Playwright-python driving the system Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``)
when Playwright is installed, else ``chromium --headless --screenshot``.  No browser download,
no network: the page is offline and Chromium runs with background networking off.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["find_executable", "find_chromium", "chromium_args", "screenshot", "main"]

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_executable(env_var: str, candidates: tuple[str, ...]) -> str | None:
    """A browser executable: ``$env_var`` (a path or a name), else the first of ``candidates`` on ``PATH``."""
    env = os.environ.get(env_var)
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_chromium() -> str | None:
    """The Chromium executable: ``$CHROMIUM``, else the first of the usual names on ``PATH``."""
    return find_executable("CHROMIUM", CHROMIUM_CANDIDATES)


def chromium_args(user_data_dir: str) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--force-color-profile=srgb",
            f"--user-data-dir={user_data_dir}"]


def screenshot(html: str | Path, png: str | Path, *, width: int = 1600, height: int = 1000,
               timeout: float = 60.0, click_first_edge: bool = False) -> Path:
    """Render ``html`` and write ``png`` once the graph is drawn (and physics has settled)."""
    html, png = Path(html).resolve(), Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("no Chromium found: apt-get install -y chromium (or set $CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    with tempfile.TemporaryDirectory(prefix="rawabit-chromium-") as profile:
        if sync_playwright is None:
            subprocess.run([exe, *chromium_args(profile), f"--window-size={width},{height}",
                            "--virtual-time-budget=8000", f"--screenshot={png.resolve()}", html.as_uri()],
                           check=True, capture_output=True, timeout=timeout)
            return png
        with sync_playwright() as p:
            args = [a for a in chromium_args(profile) if not a.startswith(("--headless", "--user-data-dir"))]
            browser = p.chromium.launch(executable_path=exe, headless=True, args=args)
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(html.as_uri(), wait_until="load", timeout=timeout * 1000)
                page.wait_for_function("document.body.getAttribute('data-drawn') === '1'", timeout=timeout * 1000)
                page.wait_for_function("document.body.getAttribute('data-settled') === '1'", timeout=timeout * 1000)
                if click_first_edge:
                    page.evaluate("window.kgShowEdge && window.kgShowEdge(0)")
                page.wait_for_timeout(300)
                page.screenshot(path=str(png))
            finally:
                browser.close()
    return png


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.export.screenshot", description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--panel", action="store_true", help="open the evidence panel of the first relation")
    a = ap.parse_args(argv)
    if not a.html.is_file():
        print(f"error: {a.html} does not exist", file=sys.stderr)
        return 2
    try:
        out = screenshot(a.html, a.png, width=a.width, height=a.height, timeout=a.timeout, click_first_edge=a.panel)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
