"""Engines for the per-document stage (text → entities → relations): serial, local process pool, Dask.

Every engine's ``map`` takes an iterable of items ``(meta, document, known)`` and yields
``(meta, result)`` pairs **in input order**.  ``result`` is ``("ok", analysis_json)`` — the compact
JSON of :meth:`DocumentAnalysis.to_dict` — or ``("problem", reason)``; ``known`` is such a result
when the driver already has it (a cache hit, an unreadable file), else ``None``; ``meta`` never
leaves the driver, only documents to analyse are sent to workers.  The input is consumed lazily and
only a bounded window of documents is in flight, so memory stays flat however large the corpus.

Time budget: each document gets ``timeout`` seconds.

* serial (``jobs=1``) and the process pool: an interval timer (``SIGALRM``) in the process that runs
  the document interrupts it; a document stuck in C code long enough to miss the signal makes the
  driver kill the pool's workers, start new ones and run the documents that were in flight one at
  a time, so that only the guilty document is reported (same for a worker that crashes).
* Dask: the driver stops waiting for a document after its budget and reports it; the worker
  thread cannot be interrupted and finishes in the background.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from typing import Iterable, Iterator

from kg.errors import KGError

__all__ = ["Result", "LocalEngine", "DaskEngine", "make_engine", "analyze_to_json", "default_jobs"]

Result = tuple[str, str]  # ("ok", analysis JSON) | ("problem", reason)
# (meta, document, result-or-None): meta stays in the driver, result is given when already known
Item = tuple[object, object, "Result | None"]

_PIPELINES: dict[tuple[str, str | None], object] = {}  # per process: (ner, kb_dir) → nlp
_CONFIG: dict[str, object] = {}  # per pool worker: ner, kb_dir, timeout


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def get_pipeline(ner: str = "crf", kb_dir: str | None = None):
    """The pipeline of this process, loaded once."""
    key = (ner, kb_dir)
    nlp = _PIPELINES.get(key)
    if nlp is None:
        from kg.pipeline import load_pipeline

        nlp = _PIPELINES[key] = load_pipeline(ner=ner, kb_dir=kb_dir)
    return nlp


class DocumentTimeout(Exception):
    """Raised inside the pipeline when a document exceeds its time budget."""


def _on_alarm(signum, frame):  # noqa: ARG001
    raise DocumentTimeout()


@contextmanager
def _time_budget(seconds: float | None):
    """Interrupt the block after ``seconds`` (POSIX main thread only; elsewhere no budget)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timeout_reason(seconds: float | None) -> str:
    return f"timed out after {seconds:g} s (--doc-timeout)"


def analyze_to_json(doc, nlp, timeout: float | None = None) -> Result:
    """Analyze one document within its time budget; never raises for a bad document."""
    from kg.pipeline import analyze

    try:
        with _time_budget(timeout):
            analysis = analyze(doc, nlp)
        return "ok", json.dumps(analysis.to_dict(), ensure_ascii=False, separators=(",", ":"))
    except DocumentTimeout:
        return "problem", timeout_reason(timeout)
    except KGError as err:
        return "problem", str(err)
    except Exception as err:  # noqa: BLE001 — one pathological document must not stop the batch
        return "problem", f"processing failed: {type(err).__name__}: {err}"


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# ----------------------------------------------------------------- local process pool
def _init_worker(ner: str, kb_dir: str | None, timeout: float | None) -> None:
    _CONFIG.update(ner=ner, kb_dir=kb_dir, timeout=timeout)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    get_pipeline(ner, kb_dir)  # inherited from the driver after fork: no second load


def _analyze_chunk(docs: list) -> list[Result]:
    nlp = get_pipeline(_CONFIG["ner"], _CONFIG["kb_dir"])  # type: ignore[arg-type]
    return [analyze_to_json(d, nlp, _CONFIG["timeout"]) for d in docs]  # type: ignore[arg-type]


class LocalEngine:
    """``jobs == 1``: in this process; otherwise a :class:`ProcessPoolExecutor` (fork on POSIX)
    whose workers load the pipeline once, fed in chunks, results in input order."""

    def __init__(self, *, jobs: int | None = None, ner: str = "crf", kb_dir: str | None = None,
                 timeout: float | None = 60.0, chunksize: int = 8, window: int | None = None,
                 grace: float = 15.0) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.grace = grace
        self.ner, self.kb_dir, self.timeout = ner, kb_dir, timeout
        self.chunksize = max(1, chunksize)
        self.window = window or self.jobs * 3
        self.restarts = 0

    def map(self, items: Iterable[Item]) -> Iterator[tuple[object, Result]]:
        if self.jobs == 1:
            nlp = None
            for meta, doc, pre in items:
                if pre is None:
                    nlp = nlp or get_pipeline(self.ner, self.kb_dir)
                    pre = analyze_to_json(doc, nlp, self.timeout)
                yield meta, pre
            return
        yield from self._map_pool(items)

    # -- pool
    def _new_pool(self) -> ProcessPoolExecutor:
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker,
                                   initargs=(self.ner, self.kb_dir, self.timeout))

    @staticmethod
    def _kill(pool: ProcessPoolExecutor) -> None:
        for p in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                p.kill()
            except Exception:  # noqa: BLE001 — already gone
                pass
        pool.shutdown(wait=True, cancel_futures=True)

    def _hard_limit(self, n: int) -> float | None:
        """How long the driver waits for a chunk before it declares the worker stuck."""
        if not self.timeout or self.timeout <= 0:
            return None
        return self.timeout * n * 1.5 + self.grace

    def _map_pool(self, items: Iterable[Item]) -> Iterator[tuple[object, Result]]:
        source = _chunks(items, self.chunksize)
        retry: deque = deque()  # items to run one at a time after a stuck or crashed worker
        pending: deque = deque()  # (chunk, future | None, isolated)
        pool = self._new_pool()
        try:
            while True:
                while len(pending) < self.window:
                    if retry:  # isolation: one document in flight, nothing else
                        if pending:
                            break
                        chunk, iso = [retry.popleft()], True
                    else:
                        chunk = next(source, None)
                        if chunk is None:
                            break
                        iso = False
                    todo = [doc for _, doc, pre in chunk if pre is None]
                    pending.append((chunk, pool.submit(_analyze_chunk, todo) if todo else None, iso))
                    if iso and todo:
                        break
                if not pending:
                    break
                chunk, fut, iso = pending[0]
                try:
                    results = fut.result(timeout=self._hard_limit(len(chunk))) if fut is not None else []
                except (FutureTimeout, BrokenProcessPool) as err:
                    stuck = isinstance(err, FutureTimeout)
                    self._kill(pool)
                    self.restarts += 1
                    pool = self._new_pool()
                    pending.popleft()
                    rest = [it for c, _, _ in pending for it in c]
                    pending.clear()
                    if iso:
                        yield chunk[0][0], ("problem", timeout_reason(self.timeout) if stuck
                                            else "processing failed: the worker process died (out of memory or crashed)")
                    else:
                        rest = chunk + rest
                    retry.extendleft(reversed(rest))
                    continue
                pending.popleft()
                yield from _merge(chunk, results)
        finally:
            if pending or retry:
                self._kill(pool)
            else:
                pool.shutdown(wait=True)


def _merge(chunk: list[Item], results: list[Result]) -> Iterator[tuple[object, Result]]:
    it = iter(results)
    for meta, _doc, pre in chunk:
        yield meta, pre if pre is not None else next(it)


# ----------------------------------------------------------------------------- Dask
def _dask_chunk(docs: list, ner: str, kb_dir: str | None) -> list[Result]:
    """Runs on a Dask worker; the pipeline is loaded once per worker process."""
    nlp = get_pipeline(ner, kb_dir)
    return [analyze_to_json(d, nlp, None) for d in docs]


class DaskEngine:
    """Per-document analysis on a dask.distributed cluster (``scheduler`` address), or on a
    :class:`distributed.LocalCluster` of ``jobs`` single-threaded worker processes."""

    def __init__(self, *, scheduler: str | None = None, jobs: int | None = None, ner: str = "crf",
                 kb_dir: str | None = None, timeout: float | None = 60.0, chunksize: int = 8) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError as err:
            from kg.errors import BackendUnavailable

            raise BackendUnavailable("the Dask engine needs dask.distributed: pip install 'rawabit[dask]'") from err
        self.scheduler, self.jobs = scheduler, max(1, jobs or default_jobs())
        self.ner, self.kb_dir, self.timeout, self.chunksize = ner, kb_dir, timeout, max(1, chunksize)

    def _client(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            return Client(self.scheduler), None
        cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster), cluster

    def map(self, items: Iterable[Item]) -> Iterator[tuple[object, Result]]:
        client, cluster = self._client()
        try:
            slots = max(1, sum(client.nthreads().values()))
            window = slots * 3
            source = _chunks(items, self.chunksize)
            retry: deque = deque()
            pending: deque = deque()  # (chunk, future | None, isolated)
            while True:
                while len(pending) < window:
                    if retry:
                        chunk, iso = [retry.popleft()], True
                    else:
                        chunk = next(source, None)
                        if chunk is None:
                            break
                        iso = False
                    todo = [doc for _, doc, pre in chunk if pre is None]
                    fut = client.submit(_dask_chunk, todo, self.ner, self.kb_dir, pure=False) if todo else None
                    pending.append((chunk, fut, iso))
                if not pending:
                    break
                chunk, fut, iso = pending.popleft()
                limit = self.timeout * len(chunk) + 15.0 if self.timeout and self.timeout > 0 else None
                try:
                    results = fut.result(timeout=limit) if fut is not None else []
                except Exception as err:  # noqa: BLE001 — TimeoutError, KilledWorker, ...
                    if fut is not None:
                        fut.cancel()
                    if iso:
                        reason = (timeout_reason(self.timeout) if isinstance(err, TimeoutError)
                                  else f"processing failed: {type(err).__name__}: {err}")
                        yield chunk[0][0], ("problem", reason)
                        continue
                    later = list(pending)
                    pending.clear()
                    for _c, f, _i in later:
                        if f is not None:
                            f.cancel()
                    # keep input order: this chunk's items, then those that were pending, one by one
                    retry.extendleft(reversed(chunk + [it for c, _, _ in later for it in c]))
                    continue
                yield from _merge(chunk, results)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_engine(engine: str = "local", **kwargs):
    if engine == "local":
        kwargs.pop("scheduler", None)
        return LocalEngine(**kwargs)
    if engine == "dask":
        return DaskEngine(**kwargs)
    from kg.errors import BackendUnavailable

    raise BackendUnavailable(f"unknown engine {engine!r}: choose local or dask")
