"""Determinism: the same input and options give byte-identical outputs across runs, hash seeds
(``PYTHONHASHSEED``), file-system listing order and ``--jobs``.

The input folder must have the same absolute path in every run (documents record their path),
so it is deleted and re-created, files written in reverse order, between runs; on top of that
``KGRUN_REVERSE_LISTING=1`` reverses ``os.scandir`` / ``os.listdir`` in the build process,
since many file systems list in hash order whatever the creation order.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.data.make_bad_corpus import make_bad_corpus
from tests.reliability._env import SEEDS, run_kg

OUTPUTS = ("graph.ttl", "graph.html", "graph.graphml", "report.json")
pytestmark = pytest.mark.slow


def _has_option(option: str) -> bool:
    return option in run_kg("build", "--help").stdout


JOBS1 = ("--jobs", "1") if _has_option("--jobs") else ()


def _make_input(src: Path, files: dict[str, bytes], reverse: bool) -> None:
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in sorted(files, reverse=reverse):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(files[name])


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory) -> dict[str, bytes]:
    files = {f"seeds/{p.name}": p.read_bytes() for p in SEEDS.glob("*.txt")}
    extra = tmp_path_factory.mktemp("extra")
    make_bad_corpus(extra, big=False)
    for p in (extra / "good").iterdir():
        if p.is_file():
            files[f"more/{p.name}"] = p.read_bytes()
    return files


@pytest.fixture(scope="module")
def runs(corpus_files, tmp_path_factory):
    base = tmp_path_factory.mktemp("det")
    src = base / "input"
    results = {}

    def build(label: str, *, seed: str, reverse: bool, extra_args=(), env=None):
        _make_input(src, corpus_files, reverse)
        out = base / label
        r = run_kg("build", str(src), "--out", str(out), "--quiet", *extra_args,
                   env={"PYTHONHASHSEED": seed, **(env or {})})
        assert r.returncode in (0, 1), r.stderr[-2000:]
        listed = json.loads((out / "report.json").read_text(encoding="utf-8")).get("outputs") or []
        results[label] = {name: (out / name).read_bytes() for name in sorted(set(OUTPUTS) | set(listed))}

    build("seed0", seed="0", reverse=False, extra_args=JOBS1)
    build("seed12345-reversed", seed="12345", reverse=True, extra_args=JOBS1, env={"KGRUN_REVERSE_LISTING": "1"})
    return results, build


def _assert_same(a: dict[str, bytes], b: dict[str, bytes], what: str) -> None:
    assert sorted(a) == sorted(b), f"{what}: different output files"
    for name in a:
        if a[name] != b[name]:
            la, lb = a[name].decode("utf-8", "replace").splitlines(), b[name].decode("utf-8", "replace").splitlines()
            first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            pytest.fail(f"{what}: {name} differs at line {first + 1}:\n  {la[first:first + 1]}\n  {lb[first:first + 1]}")


def test_same_bytes_across_runs_hash_seeds_and_listing_order(runs):
    """Two runs, PYTHONHASHSEED 0 vs 12345, files created in reverse order and listed in reverse:
    identical bytes.  On a difference a third run (seed 0 again) tells which factor it is."""
    results, build = runs
    a, b = results["seed0"], results["seed12345-reversed"]
    if a != b:
        build("seed0-again", seed="0", reverse=False, extra_args=JOBS1)
        _assert_same(a, results["seed0-again"], "two runs with the same seed and order")
        _assert_same(a, b, "PYTHONHASHSEED=0 vs 12345 + reversed listing")


def test_outputs_not_empty(runs):
    results, _ = runs
    assert b"rwb:Meeting" in results["seed0"]["graph.ttl"] or b"ontology#Meeting" in results["seed0"]["graph.ttl"]


def test_same_bytes_across_jobs(runs):
    results, build = runs
    if not JOBS1:
        pytest.skip("`kg build --jobs` is not there yet (scale engineer); re-enabled when it lands")
    build("jobs2", seed="777", reverse=True, extra_args=("--jobs", "2"), env={"KGRUN_REVERSE_LISTING": "1"})
    _assert_same(results["seed0"], results["jobs2"], "--jobs 2")
