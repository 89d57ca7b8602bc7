"""Per-document analysis cache: re-running on an unchanged corpus skips the pipeline.

A document's analysis is stored under a key that hashes everything it depends on:

* the document itself (text and the metadata that ends up in the analysis: id, path, title,
  date, date source, source) — sha256;
* the *fingerprint* of the pipeline: :data:`kg.analysis.PIPELINE_VERSION`, the NER backend, the
  bytes of every packaged data file and model (``kg/data/**``, ``kg/models/**``, or the KB folder
  given with ``kb_dir``) and of the per-document pipeline's Python source (``kg/text``,
  ``kg/entities``, ``kg/relations``, ``kg/pipeline.py``, ``kg/analysis.py``; not the driver, the
  graph merge or the exporters, which run on every build anyway).

Changing the model, the KB, a lexicon or the code therefore invalidates every entry (a new
fingerprint opens a new database file); adding a document only adds one entry.  The store is one
SQLite file per fingerprint (``analyses-<fingerprint>.sqlite`` in the cache folder), values are
zlib-compressed JSON of :meth:`DocumentAnalysis.to_dict`.  Only the driver process writes to it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from pathlib import Path

from kg.analysis import PIPELINE_VERSION

__all__ = ["AnalysisCache", "fingerprint", "outputs_fingerprint", "document_key"]

_PKG = Path(__file__).resolve().parent
# the modules whose code decides what one document's analysis is
PIPELINE_CODE = ("text", "entities", "relations", "pipeline.py", "analysis.py", "errors.py")


def _hash_tree(h: "hashlib._Hash", base: Path, pattern: str, root: Path) -> None:
    if not base.exists():
        return
    for p in sorted(base.rglob(pattern)):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode("utf-8") + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())


def fingerprint(ner: str = "crf", kb_dir: str | None = None) -> str:
    """Hex digest identifying the pipeline: version, NER backend, packaged data/models, code (computed
    afresh on every call: about 20 ms)."""
    h = hashlib.sha256()
    h.update(f"rawabit-pipeline {PIPELINE_VERSION}\0ner={ner}\0".encode("utf-8"))
    _hash_tree(h, _PKG / "data", "*", _PKG)
    _hash_tree(h, _PKG / "models", "*", _PKG)
    for part in PIPELINE_CODE:  # the code that makes an analysis (not the driver, graph or exporters)
        path = _PKG / part
        if path.is_dir():
            _hash_tree(h, path, "*.py", _PKG)
        elif path.is_file():
            h.update(part.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    if kb_dir:
        kb = Path(kb_dir).resolve()
        h.update(b"kb_dir\0")
        _hash_tree(h, kb, "*", kb)
        _hash_tree(h, kb.parent / "lexicons", "*", kb.parent)
    return h.hexdigest()


# the libraries whose version can change the bytes the merge and the exporters write
_OUTPUT_LIBRARIES = ("networkx", "pyoxigraph", "rdflib", "pyvis", "jinja2")


def outputs_fingerprint() -> str:
    """Hex digest of what turns analyses into output files: every file of the ``kg`` package (the
    merge, the exporters and their templates, the ontology, the KB) and the versions of the
    libraries that write the outputs.  A rerun reuses the last build's outputs only under the same
    digest, so upgrading Rawabit or an exporter library writes them again."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(b"rawabit-outputs\0")
    _hash_tree(h, _PKG, "*", _PKG)
    for name in _OUTPUT_LIBRARIES:
        try:
            h.update(f"{name}={version(name)}\0".encode("utf-8"))
        except PackageNotFoundError:
            h.update(f"{name}=-\0".encode("utf-8"))
    return h.hexdigest()


def document_key(doc) -> str:
    """sha256 of a :class:`kg.text.read.Document`'s text and metadata."""
    # a date read off the text is a function of the text (and of the pipeline, in the fingerprint):
    # the key says so instead of computing it, so a cache hit never reads the date
    dated = ["text", "text"] if getattr(doc, "date_from_text", False) else [doc.date, doc.date_source]
    meta = json.dumps([doc.id, doc.path, doc.title, *dated, doc.source],
                      ensure_ascii=False, separators=(",", ":"))
    h = hashlib.sha256(meta.encode("utf-8"))
    h.update(b"\0")
    h.update(doc.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class AnalysisCache:
    """``get(key) -> JSON text | None`` and ``put(key, json_text)``, one SQLite file per fingerprint."""

    def __init__(self, directory: str | Path, fp: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / f"analyses-{fp[:24]}.sqlite"
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS analyses (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        self._pending = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM analyses WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        try:
            value = zlib.decompress(row[0]).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):  # a damaged entry is a miss, and is recomputed
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO analyses (key, value) VALUES (?, ?)",
                         (key, zlib.compress(value.encode("utf-8"), 1)))
        self._pending += 1
        if self._pending >= 500:
            self.commit()

    def commit(self) -> None:
        self._db.commit()
        self._pending = 0

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self._db.close()

    def __enter__(self) -> "AnalysisCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0]


def default_cache_dir(out_dir: str | Path) -> Path:
    return Path(out_dir) / ".cache"

