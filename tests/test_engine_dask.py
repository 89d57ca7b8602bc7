"""The Dask engine (issue 8): same output bytes as the local engine, on a 2-worker LocalCluster."""

from __future__ import annotations

import filecmp
import logging
import shutil
from pathlib import Path

import pytest

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FILES = ("graph.ttl", "graph.graphml", "graph.nt", "report.json", "analyses.jsonl")


def _kb_dir() -> str | None:
    if any((ROOT / "kg" / "data" / "kb").glob("*.jsonl")):
        return None
    return str(ROOT / "tests" / "data" / "minikb" / "kb")


@pytest.mark.slow
def test_dask_engine_gives_the_local_bytes(tmp_path):
    from distributed import Client, LocalCluster

    from kg.build import build

    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(p, src / p.name)
    (src / "empty.txt").write_bytes(b"")  # a skipped file travels through the engine too
    kb = _kb_dir()
    _, local = build([src], tmp_path / "local", jobs=1, kb_dir=kb, formats=("ttl", "graphml", "nt"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster):
        _, dask = build([src], tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address, kb_dir=kb,
                        formats=("ttl", "graphml", "nt"), cache_dir=tmp_path / "cache")
    assert local.exit_code == dask.exit_code == 1
    assert len(dask.documents) == 3 and dask.stats["analysed"] == 3
    for name in FILES:
        assert filecmp.cmp(tmp_path / "local" / name, tmp_path / "dask" / name, shallow=False), name


def test_dask_engine_timeout_is_reported(tmp_path, monkeypatch):
    """Driver-side budget: the engine stops waiting for a document and reports it."""
    from kg.build import _Meta
    from kg.engine import DaskEngine
    from kg.text.read import Document

    class FakeFuture:
        def __init__(self, fn, args):
            self.fn, self.args = fn, args

        def result(self, timeout=None):
            if any("SLOW" in d.text for d in self.args[0]):
                raise TimeoutError()
            return [("ok", d.id) for d in self.args[0]]

        def cancel(self):
            pass

    class FakeClient:
        def nthreads(self):
            return {"w": 1}

        def submit(self, fn, *args, pure=False):
            return FakeFuture(fn, args)

        def close(self):
            pass

    eng = DaskEngine(scheduler="tcp://fake:1", timeout=1.0, chunksize=2)
    monkeypatch.setattr(eng, "_client", lambda: (FakeClient(), None))
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(["a", "SLOW", "b", "c"])]
    out = list(eng.map((_Meta(d.id, d.id), d, None) for d in docs))
    assert [m.doc_id for m, _ in out] == ["d0", "d1", "d2", "d3"]
    assert [r[0] for _, r in out] == ["ok", "problem", "ok", "ok"]
    assert "timed out" in out[1][1][1]
