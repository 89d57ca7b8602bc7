"""``python tests/reliability/kgrun.py ARGS`` == ``python -m kg ARGS``, plus the two test-only
fallbacks of :mod:`tests.reliability._env` when (and only when) the product lacks them:
the mini KB instead of a missing packaged KB, and an escaping stand-in for a missing
``kg.export.html``.  Nothing is written to the source tree."""

from __future__ import annotations

import html
import importlib.util
import json
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINIKB = ROOT / "tests" / "data" / "minikb" / "kb"
sys.path.insert(0, str(ROOT))


def _fallback_kb() -> None:
    from kg.entities import kb as kbmod

    base = ROOT / "kg" / "data" / "kb"
    if any((base / n).exists() for n in kbmod.KB_FILES):
        return
    original = kbmod.KnowledgeBase.load.__func__

    def load(cls, directory=None):
        return original(cls, directory or MINIKB)

    kbmod.KnowledgeBase.load = classmethod(load)


def _fallback_html() -> None:
    if importlib.util.find_spec("kg.export.html") is not None:
        return
    import types

    from kg.util import atomic_write_text

    mod = types.ModuleType("kg.export.html")

    def to_html(G) -> str:  # deterministic, escaped, tiny
        rows = "".join(
            f"<li>{html.escape(str(n))}: {html.escape(json.dumps(d, ensure_ascii=False, sort_keys=True, default=str))}</li>"
            for n, d in sorted(G.nodes(data=True))
        )
        return f"<!doctype html><html><body><ul>{rows}</ul></body></html>\n"

    def write_html(G, path):
        return atomic_write_text(Path(path), to_html(G))

    mod.to_html, mod.write_html, mod.__stub__ = to_html, write_html, True
    sys.modules["kg.export.html"] = mod
    import kg.export

    kg.export.html = mod


def _emulate_nonroot() -> None:
    """``KGRUN_EMULATE_NONROOT=1``: root reads a chmod-000 file anyway, so when the tests run as
    root (CI containers) reading a file without any read bit raises the ``PermissionError`` a
    normal user would get.  Test harness only; the product's own handling is what is tested."""
    import os
    import pathlib

    if os.environ.get("KGRUN_EMULATE_NONROOT") != "1" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    original = pathlib.Path.read_bytes

    def read_bytes(self):
        if self.stat().st_mode & 0o444 == 0:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    pathlib.Path.read_bytes = read_bytes


def _reverse_listing() -> None:
    """``KGRUN_REVERSE_LISTING=1``: directory listings come in reverse order (``os.scandir``,
    ``os.listdir``), to prove the outputs do not depend on the file system's order."""
    import os

    if os.environ.get("KGRUN_REVERSE_LISTING") != "1":
        return
    scandir, listdir = os.scandir, os.listdir

    class _Reversed:
        def __init__(self, it):
            self._it = it
            self._entries = list(reversed(list(it)))

        def __iter__(self):
            return self

        def __next__(self):
            if not self._entries:
                raise StopIteration
            return self._entries.pop(0)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._it.close()

        def close(self):
            self._it.close()

    os.scandir = lambda path=".": _Reversed(scandir(path))
    os.listdir = lambda path=".": list(reversed(listdir(path)))


if __name__ == "__main__":
    _reverse_listing()
    _emulate_nonroot()
    _fallback_kb()
    _fallback_html()
    sys.argv[0] = "kg"
    runpy.run_module("kg", run_name="__main__", alter_sys=True)
