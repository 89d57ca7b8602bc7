"""Corpus build: read → analyze → graph → write every output, one bad file never stops the batch.

The per-document stage streams: documents are read lazily, analysed by an engine
(:mod:`kg.engine`: this process, a local process pool or a Dask cluster) with a bounded number in
flight, and each analysis is appended to ``analyses.jsonl`` as it arrives (in input order).  A
per-document cache (:mod:`kg.cache`) skips documents whose text, metadata and pipeline fingerprint
are unchanged.  The global merge (:func:`kg.graph.build.build_graph`) runs once all analyses are
in; it sorts by document id, so the output bytes do not depend on the engine, the number of jobs
or the order in which results arrive.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import networkx as nx

from kg.analysis import AnalysisFile, DocumentAnalysis
from kg.errors import KGError
from kg.graph.build import build_graph
from kg.text.read import Document, InputProblem, read_documents
from kg.util import atomic_write_text, open_temp, remove_stale_temps

__all__ = ["BuildReport", "analyze_corpus", "iter_analyses", "build", "build_graph_from_paths", "OUTPUTS",
           "DEFAULT_DOC_TIMEOUT"]

OUTPUTS = ("graph.ttl", "graph.html", "graph.graphml", "report.json")
EXTRA_OUTPUTS = ("graph.nt", "analyses.jsonl")
DEFAULT_DOC_TIMEOUT = 60.0


@dataclass
class BuildReport:
    documents: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    # measurements of this run (not written to report.json, whose bytes must not depend on timing)
    stats: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """0 all fine, 1 some files skipped, 2 nothing built."""
        if not self.documents:
            return 2
        return 1 if self.skipped else 0

    def to_dict(self) -> dict:
        return {"documents": self.documents, "skipped": self.skipped, "entities": self.entities,
                "relations": self.relations, "outputs": self.outputs, "exit_code": self.exit_code}


@dataclass
class _Meta:
    """Driver-side record of one input item (never sent to workers)."""

    path: str
    doc_id: str | None = None
    key: str | None = None  # cache key when the result must be stored
    doc_key: str | None = None  # cache key of the document (hit or miss)
    words: int = 0


def iter_analyses(
    inputs: Sequence[str | Path],
    *,
    ner: str = "crf",
    kb_dir: str | None = None,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
    on_document: Callable[[str], None] | None = None,
    max_file_size: int | None = None,
    stats: dict | None = None,
) -> Iterator[tuple[str, str] | InputProblem]:
    """Stream ``(doc_id, analysis_json)`` for every analysed document and :class:`InputProblem`
    for every skipped one, in input order."""
    from kg.cache import AnalysisCache, document_key, fingerprint
    from kg.engine import get_pipeline, make_engine

    import hashlib

    stats = stats if stats is not None else {}
    stats.update(documents=0, words=0, cache_hits=0, analysed=0)
    inputs_hash = hashlib.sha256()  # every document key and every problem, in order (with a cache)
    if ner not in ("crf", "camel", "none") and not ner.startswith("<caller "):
        from kg.errors import BackendUnavailable

        raise BackendUnavailable(f"unknown NER backend {ner!r}: choose crf, camel or none")
    loaded = False
    cache = AnalysisCache(cache_dir, fingerprint(ner, kb_dir)) if cache_dir else None
    eng = make_engine(engine, jobs=jobs, ner=ner, kb_dir=kb_dir, timeout=doc_timeout, scheduler=scheduler)
    kwargs = {"max_bytes": max_file_size} if max_file_size else {}

    def items() -> Iterator[tuple[_Meta, object, tuple[str, str] | None]]:
        nonlocal loaded
        seen: set[str] = set()
        for item in read_documents(inputs, **kwargs):
            if isinstance(item, InputProblem):
                yield _Meta(str(item.path)), None, ("problem", item.reason)
                continue
            meta = _Meta(str(item.path or item.id), item.id, words=len(item.text.split()))
            if item.id in seen:
                yield meta, None, ("problem", f"duplicate document id {item.id!r}")
                continue
            seen.add(item.id)
            known = None
            if cache is not None:
                meta.key = meta.doc_key = document_key(item)
                hit = cache.get(meta.key)
                if hit is not None:
                    known, meta.key = ("ok", hit), None
            if known is None and not loaded and engine == "local":
                # first document to analyse: load the pipeline here (a bad backend fails the build,
                # its warnings reach the caller) before the pool forks, so workers inherit it; a
                # rerun served entirely from the cache never loads it
                get_pipeline(ner, kb_dir)
                loaded = True
            yield meta, (None if known else item), known

    try:
        for meta, (status, payload) in eng.map(items()):
            if meta.doc_id is not None:
                stats["documents"] += 1
                stats["words"] += meta.words
            if cache is not None:
                inputs_hash.update(f"{status}\0{meta.path}\0{meta.doc_key if status == 'ok' else payload}\n".encode("utf-8", "surrogatepass"))
            if status == "ok":
                if meta.key is not None:
                    stats["analysed"] += 1
                    cache.put(meta.key, payload)  # type: ignore[union-attr]
                elif cache is not None:
                    stats["cache_hits"] += 1
                else:
                    stats["analysed"] += 1
                yield meta.doc_id, payload  # type: ignore[misc]
            else:
                yield InputProblem(meta.path, payload)
            if on_document and meta.doc_id is not None and not payload.startswith("duplicate document id"):
                on_document(meta.doc_id)
        if cache is not None:
            stats["inputs_key"] = f"{fingerprint(ner, kb_dir)}:{inputs_hash.hexdigest()}"
    finally:
        if cache is not None:
            cache.close()


def analyze_corpus(
    inputs: Sequence[str | Path],
    *,
    nlp=None,
    ner: str = "crf",
    on_document: Callable[[str], None] | None = None,
    max_file_size: int | None = None,
    jobs: int | None = 1,
    doc_timeout: float | None = None,
    kb_dir: str | None = None,
) -> tuple[list[DocumentAnalysis], list[InputProblem]]:
    """Analyze every readable document; unreadable or failing ones become :class:`InputProblem`."""
    if nlp is not None:  # a caller's own pipeline object: in this process
        from kg.engine import _PIPELINES

        _PIPELINES[(f"<caller {id(nlp)}>", None)] = nlp
        ner, kb_dir, jobs = f"<caller {id(nlp)}>", None, 1
    analyses: list[DocumentAnalysis] = []
    problems: list[InputProblem] = []
    try:
        for item in iter_analyses(inputs, ner=ner, kb_dir=kb_dir, jobs=jobs, doc_timeout=doc_timeout,
                                  on_document=on_document, max_file_size=max_file_size):
            if isinstance(item, InputProblem):
                problems.append(item)
            else:
                analyses.append(DocumentAnalysis.from_dict(json.loads(item[1])))
    finally:
        if nlp is not None:
            from kg.engine import _PIPELINES

            _PIPELINES.pop((ner, None), None)
    return analyses, problems


def build_graph_from_paths(inputs: Sequence[str | Path], *, ner: str = "crf", min_confidence: float = 0.0,
                           jobs: int | None = 1) -> nx.MultiDiGraph:
    """``from kg import build_graph_from_paths``: the NetworkX graph of a folder, in one call."""
    from kg.pipeline import get_kb

    analyses, _ = analyze_corpus(inputs, ner=ner, jobs=jobs)
    return build_graph(analyses, get_kb(), min_confidence=min_confidence)


class _JsonlWriter:
    """Appends lines to a temporary file next to ``path``; ``commit()`` renames it into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = open_temp(path)
        self.fh = os.fdopen(fd, "wb", buffering=1 << 20)
        self.offset = 0

    def write(self, line: str) -> tuple[int, int]:
        """Append one line; return its byte offset and length (for reading it back)."""
        data = line.encode("utf-8") + b"\n"
        self.fh.write(data)
        at = self.offset
        self.offset += len(data)
        return at, len(data)

    def written(self, index: list[tuple[str, int, int]]) -> AnalysisFile:
        """The lines written so far, read back from the temporary file in document-id order."""
        self.fh.flush()
        return AnalysisFile(self.tmp, index)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def _prepare_out_dir(out: Path) -> None:
    """Create ``out`` (or fail with a :class:`KGError` naming it) *before* any document is analysed,
    and remove the temporary files a killed build left there for its own outputs."""
    if out.exists() and not out.is_dir():
        raise KGError(f"{out}: the output path exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KGError(f"{out}: cannot create the output folder ({err.strerror or err})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise KGError(f"{out}: the output folder is not writable")
    remove_stale_temps(out, OUTPUTS + EXTRA_OUTPUTS)


def build(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    ner: str = "crf",
    min_confidence: float = 0.0,
    on_document: Callable[[str], None] | None = None,
    max_file_size: int | None = None,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
    kb_dir: str | None = None,
    formats: Sequence[str] = ("ttl", "html", "graphml", "nt"),
    return_graph: bool = True,
) -> tuple[nx.MultiDiGraph | None, BuildReport]:
    """Build the graph of ``inputs`` and write Turtle, HTML, GraphML, N-Triples, the per-document
    analyses (``analyses.jsonl``) and a JSON report to ``out_dir``.

    ``jobs``: worker processes (``None``: all cores); ``engine``: ``local`` or ``dask`` (with
    ``scheduler`` the address of a running cluster, else a local one); ``cache_dir``: the
    per-document cache (``None``: no cache); ``doc_timeout``: seconds per document (``None``: no
    budget).  ``report.stats`` holds the run's timings (seconds per stage).

    ``return_graph=False`` is for callers that want only the files (``kg build``): when a rerun
    finds every output still as the last build with this cache wrote it for the same inputs, the
    merge is skipped too and the graph returned is ``None``."""
    from kg.pipeline import get_kb

    out = Path(out_dir)
    _prepare_out_dir(out)
    stats: dict = {}
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    index: list[tuple[str, int, int]] = []  # (doc id, offset, length) of each line of analyses.jsonl
    problems: list[InputProblem] = []
    writer = _JsonlWriter(out / "analyses.jsonl")
    try:
        for item in iter_analyses(inputs, ner=ner, kb_dir=kb_dir, jobs=jobs, engine=engine, scheduler=scheduler,
                                  cache_dir=cache_dir, doc_timeout=doc_timeout, on_document=on_document,
                                  max_file_size=max_file_size, stats=stats):
            if isinstance(item, InputProblem):
                problems.append(item)
                continue
            index.append((item[0], *writer.write(item[1])))
        timings["analyze"] = time.perf_counter() - t0
        manifest = _Manifest(cache_dir, out, stats.get("inputs_key"), min_confidence, formats) if cache_dir else None
        reuse = bool(index) and manifest is not None and manifest.up_to_date()
        G = None
        if not reuse or return_graph:
            # the merge reads the analyses back from the file (two passes), not from memory
            t = time.perf_counter()
            G = build_graph(writer.written(index), get_kb(kb_dir), min_confidence=min_confidence)
            timings["graph"] = time.perf_counter() - t
    except BaseException:
        writer.discard()
        raise
    report = BuildReport(
        documents=sorted(doc_id for doc_id, _, _ in index),
        skipped=[{"path": str(p.path), "reason": p.reason} for p in problems],
    )
    del index
    if G is not None:
        report.entities, report.relations = _counts(G)
    if reuse:
        writer.discard()  # the same analyses, in the same order: analyses.jsonl is already this one
        report.outputs = manifest.outputs
        if G is None:
            report.entities, report.relations = manifest.entities, manifest.relations
        stats["outputs_reused"] = True
        stats["triples"] = manifest.triples
    elif report.documents:
        writer.commit()
        if manifest is not None:
            manifest.forget()  # until the new outputs are all written
        report.outputs = _export(G, out, formats, timings, stats)
        if manifest is not None:
            manifest.record(report, stats.get("triples"))
    else:
        writer.discard()  # nothing built: the previous outputs stay as they were
    atomic_write_text(out / "report.json", json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    timings["total"] = time.perf_counter() - t0
    report.stats = {**stats, "timings": timings}
    return G, report


def _counts(G: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per entity type and asserted edges per relation type (the report's counts)."""
    entities = Counter(d["type"] for _, d in G.nodes(data=True))
    relations = Counter(d["type"] for _, _, d in G.edges(data=True) if d.get("status") == "asserted")
    return dict(sorted(entities.items())), dict(sorted(relations.items()))


def _export(G: nx.MultiDiGraph, out: Path, formats: Sequence[str], timings: dict[str, float], stats: dict) -> list[str]:
    written: list[str] = []
    if "ttl" in formats:
        from kg.export.rdf import write_rdf

        t = time.perf_counter()
        write_rdf(G, out / "graph.ttl")
        timings["export_ttl"] = time.perf_counter() - t
        written.append("graph.ttl")
    if "html" in formats:
        from kg.export.html import write_html

        t = time.perf_counter()
        write_html(G, out / "graph.html")
        timings["export_html"] = time.perf_counter() - t
        written.append("graph.html")
    if "graphml" in formats:
        from kg.export.graphml import write_graphml

        t = time.perf_counter()
        write_graphml(G, out / "graph.graphml")
        timings["export_graphml"] = time.perf_counter() - t
        written.append("graph.graphml")
    written.append("report.json")
    if "nt" in formats:
        from kg.export.ntriples import write_ntriples

        t = time.perf_counter()
        stats["triples"] = write_ntriples(G, out / "graph.nt")
        timings["export_nt"] = time.perf_counter() - t
        written.append("graph.nt")
    written.append("analyses.jsonl")
    return written


class _Manifest:
    """What the last build with this cache wrote into ``out``: the key of its inputs (fingerprint +
    every document key and skipped file, in order), of the code and data that turn analyses into
    outputs (:func:`kg.cache.outputs_fingerprint`), its options, the report's counts and the
    sha256 of each output.  When a rerun has the same key and every output is still byte-for-byte
    what was written, the exports are skipped (they would write the same bytes)."""

    def __init__(self, cache_dir, out: Path, inputs_key: str | None, min_confidence: float, formats) -> None:
        import hashlib

        self.out = out
        where = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.path = Path(cache_dir) / f"outputs-{where}.json"
        if inputs_key is None:
            self.key = None
        else:
            from kg.cache import outputs_fingerprint

            self.key = f"{inputs_key}|{outputs_fingerprint()}|{min_confidence!r}|{','.join(formats)}"
        self.outputs: list[str] = []
        self.triples = None
        self.entities: dict[str, int] = {}
        self.relations: dict[str, int] = {}

    @staticmethod
    def _digest(path: Path) -> str | None:
        import hashlib

        h = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            return None
        return h.hexdigest()

    def up_to_date(self) -> bool:
        if self.key is None:
            return False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if data.get("key") != self.key or not isinstance(data.get("files"), dict):
            return False
        for name, digest in data["files"].items():
            if self._digest(self.out / name) != digest:
                return False
        counts = data.get("counts")
        if not isinstance(counts, dict):
            return False
        self.outputs, self.triples = list(data.get("outputs", [])), data.get("triples")
        self.entities, self.relations = dict(counts.get("entities", {})), dict(counts.get("relations", {}))
        return True

    def forget(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass

    def record(self, report: BuildReport, triples) -> None:
        if self.key is None:
            return
        files = {name: self._digest(self.out / name) for name in report.outputs if name != "report.json"}
        if None in files.values():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        counts = {"entities": report.entities, "relations": report.relations}
        atomic_write_text(self.path, json.dumps({"key": self.key, "outputs": report.outputs, "files": files,
                                                 "triples": triples, "counts": counts}, sort_keys=True) + "\n")
