"""Incremental builds (issue 8): the per-document cache."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGED_KB = ROOT / "kg" / "data" / "kb"
MINIKB = ROOT / "tests" / "data" / "minikb" / "kb"

DOCS = {
    "a.txt": "موسكو 12 حزيران 2024 — التقى الرئيس الروسي فلاديمير بوتين الزعيم الكوري الشمالي كيم جونغ أون في موسكو.",
    "b.txt": "بكين 3 أيار 2024 — زار الرئيس الفرنسي إيمانويل ماكرون الصين ووقع اتفاقية تعاون.",
    "c.txt": "القاهرة 5 آذار 2024 — استقبل الرئيس المصري وزير الخارجية الروسي في القاهرة.",
}


@pytest.fixture()
def corpus(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


@pytest.fixture()
def kb_copy(tmp_path):
    """A KB folder of our own (so that changing it is allowed): the packaged one, or the mini KB."""
    base = PACKAGED_KB if any(PACKAGED_KB.glob("*.jsonl")) else MINIKB
    dst = tmp_path / "kbdata" / "kb"
    shutil.copytree(base, dst)
    lex = base.parent / "lexicons" / "roles.jsonl"
    if lex.exists():
        (dst.parent / "lexicons").mkdir()
        shutil.copy(lex, dst.parent / "lexicons" / "roles.jsonl")
    return dst


@pytest.fixture()
def calls(monkeypatch):
    import kg.pipeline

    seen: list[str] = []
    real = kg.pipeline.analyze

    def analyze(document, nlp):
        seen.append(document.id)
        return real(document, nlp)

    monkeypatch.setattr(kg.pipeline, "analyze", analyze)
    return seen


def _build(src, out, cache, kb, **options):
    from kg.build import build

    return build([src], out, jobs=1, cache_dir=cache, kb_dir=str(kb), formats=("ttl", "graphml", "nt"), **options)[1]


FILES = ("graph.ttl", "graph.graphml", "graph.nt", "report.json", "analyses.jsonl")


def test_rerun_uses_cache_and_gives_same_bytes(corpus, tmp_path, calls, kb_copy):
    cache = tmp_path / "cache"
    r1 = _build(corpus, tmp_path / "o1", cache, kb_copy)
    assert sorted(calls) == ["a", "b", "c"] and r1.stats["analysed"] == 3
    calls.clear()
    r2 = _build(corpus, tmp_path / "o2", cache, kb_copy)
    assert calls == [] and r2.stats["cache_hits"] == 3
    for name in FILES:
        assert filecmp.cmp(tmp_path / "o1" / name, tmp_path / "o2" / name, shallow=False), name


def test_new_or_edited_document_is_the_only_one_analysed(corpus, tmp_path, calls, kb_copy):
    cache = tmp_path / "cache"
    _build(corpus, tmp_path / "o", cache, kb_copy)
    calls.clear()
    (corpus / "d.txt").write_text("طهران — استقبل الرئيس الإيراني وزير الخارجية التركي.", encoding="utf-8")
    report = _build(corpus, tmp_path / "o", cache, kb_copy)
    assert calls == ["d"] and len(report.documents) == 4
    calls.clear()
    (corpus / "b.txt").write_text(DOCS["b.txt"] + " وأضاف أن الزيارة ناجحة.", encoding="utf-8")
    _build(corpus, tmp_path / "o", cache, kb_copy)
    assert calls == ["b"]


def test_changing_the_kb_invalidates(corpus, tmp_path, calls, kb_copy):
    cache = tmp_path / "cache"
    _build(corpus, tmp_path / "o", cache, kb_copy)
    calls.clear()
    f = sorted(kb_copy.glob("*.jsonl"))[0]
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # any byte changes the fingerprint
    _build(corpus, tmp_path / "o", cache, kb_copy)
    assert sorted(calls) == ["a", "b", "c"]


def test_fingerprint_covers_models_data_and_version(tmp_path, monkeypatch):
    import kg.cache

    pkg = tmp_path / "kg"
    (pkg / "models" / "ner-crf").mkdir(parents=True)
    (pkg / "data" / "kb").mkdir(parents=True)
    (pkg / "models" / "ner-crf" / "model.crfsuite").write_bytes(b"v1")
    (pkg / "data" / "kb" / "states.jsonl").write_bytes(b"{}\n")
    monkeypatch.setattr(kg.cache, "_PKG", pkg)
    if True:  # noqa: SIM108
        fp1 = kg.cache.fingerprint("crf")
        assert kg.cache.fingerprint("none") != fp1
        (pkg / "models" / "ner-crf" / "model.crfsuite").write_bytes(b"v2")
        fp2 = kg.cache.fingerprint("crf")
        assert fp2 != fp1
        (pkg / "data" / "kb" / "states.jsonl").write_bytes(b"{}\n{}\n")
        assert kg.cache.fingerprint("crf") != fp2
        monkeypatch.setattr(kg.cache, "PIPELINE_VERSION", "9.9.9")
        assert kg.cache.fingerprint("crf") not in (fp1, fp2)


def test_no_cache_analyses_everything(corpus, tmp_path, calls, kb_copy):
    _build(corpus, tmp_path / "o", None, kb_copy)
    _build(corpus, tmp_path / "o", None, kb_copy)
    assert sorted(calls) == ["a", "a", "b", "b", "c", "c"]
    assert not (tmp_path / "o" / ".cache").exists()


def test_damaged_entry_is_recomputed(corpus, tmp_path, calls, kb_copy):
    import sqlite3

    cache = tmp_path / "cache"
    _build(corpus, tmp_path / "o", cache, kb_copy)
    calls.clear()
    (db,) = cache.glob("analyses-*.sqlite")
    con = sqlite3.connect(db)
    con.execute("UPDATE analyses SET value = x'00'")
    con.commit()
    con.close()
    _build(corpus, tmp_path / "o", cache, kb_copy)
    assert sorted(calls) == ["a", "b", "c"]


def test_unchanged_rerun_reuses_verified_outputs(corpus, tmp_path, calls, kb_copy):
    cache, out = tmp_path / "cache", tmp_path / "o"
    r1 = _build(corpus, out, cache, kb_copy)
    before = {name: (out / name).read_bytes() for name in FILES}
    r2 = _build(corpus, out, cache, kb_copy)
    assert r2.stats.get("outputs_reused") and r2.outputs == r1.outputs and r2.stats["triples"] == r1.stats["triples"]
    assert {name: (out / name).read_bytes() for name in FILES} == before
    (out / "graph.ttl").write_text("tampered", encoding="utf-8")  # an output changed by hand: written again
    r3 = _build(corpus, out, cache, kb_copy)
    assert not r3.stats.get("outputs_reused")
    assert (out / "graph.ttl").read_bytes() == before["graph.ttl"]
    (corpus / "c.txt").unlink()  # a removed document: the graph changes
    r4 = _build(corpus, out, cache, kb_copy)
    assert not r4.stats.get("outputs_reused") and r4.documents == ["a", "b"]
    r5 = _build(corpus, tmp_path / "elsewhere", cache, kb_copy)  # same cache, other folder: nothing to reuse
    assert not r5.stats.get("outputs_reused")


def test_up_to_date_rerun_without_graph_skips_the_merge(corpus, tmp_path, calls, kb_copy, monkeypatch):
    """``kg build`` does not need the graph object: when every output is still the one written for the
    same inputs, the merge is skipped and the report's counts come from the last build."""
    import kg.build

    cache, out = tmp_path / "cache", tmp_path / "o"
    r1 = _build(corpus, out, cache, kb_copy, return_graph=False)
    before = {name: (out / name).read_bytes() for name in FILES}
    merges: list[int] = []
    real = kg.build.build_graph
    monkeypatch.setattr(kg.build, "build_graph", lambda *a, **k: merges.append(1) or real(*a, **k))
    G, r2 = kg.build.build([corpus], out, jobs=1, cache_dir=cache, kb_dir=str(kb_copy),
                           formats=("ttl", "graphml", "nt"), return_graph=False)
    assert G is None and merges == [] and r2.stats.get("outputs_reused")
    assert (r2.entities, r2.relations, r2.outputs) == (r1.entities, r1.relations, r1.outputs) and r1.entities
    assert {name: (out / name).read_bytes() for name in FILES} == before
    G, r3 = kg.build.build([corpus], out, jobs=1, cache_dir=cache, kb_dir=str(kb_copy),
                           formats=("ttl", "graphml", "nt"))  # a caller that wants the graph gets it
    assert merges == [1] and G.number_of_nodes() == sum(r1.entities.values()) and r3.stats.get("outputs_reused")


def test_new_exporter_code_writes_the_outputs_again(corpus, tmp_path, calls, kb_copy, monkeypatch):
    """The per-document cache still serves the analyses, but outputs written by other merge or
    export code (an upgrade of Rawabit or of an exporter library) are not reused."""
    import kg.cache

    cache, out = tmp_path / "cache", tmp_path / "o"
    _build(corpus, out, cache, kb_copy, return_graph=False)
    calls.clear()
    monkeypatch.setattr(kg.cache, "outputs_fingerprint", lambda: "another exporter")
    r2 = _build(corpus, out, cache, kb_copy, return_graph=False)
    assert calls == [] and not r2.stats.get("outputs_reused") and r2.stats.get("cache_hits") == 3
    r3 = _build(corpus, out, cache, kb_copy, return_graph=False)
    assert r3.stats.get("outputs_reused")


def test_cache_hit_never_reads_the_date_off_the_text(corpus, tmp_path, calls, kb_copy, monkeypatch):
    """A date read off the text is a function of the text: the cache key says so, and a warm rerun
    does not compute it (it is what a cold build spends most of its reading time on)."""
    cache = tmp_path / "cache"
    _build(corpus, tmp_path / "o1", cache, kb_copy)
    import kg.text.dates as dates

    def boom(*a, **k):
        raise AssertionError("document_date computed on a cache hit")

    monkeypatch.setattr(dates, "document_date", boom)
    report = _build(corpus, tmp_path / "o2", cache, kb_copy)
    assert report.stats["cache_hits"] == len(report.documents)
    for name in FILES:
        assert filecmp.cmp(tmp_path / "o1" / name, tmp_path / "o2" / name, shallow=False), name
