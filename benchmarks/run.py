#!/usr/bin/env python
"""End-to-end scale benchmark of `kg build` (issue 8), with a BERT-base token-classifier anchor.

    python benchmarks/run.py                      # sizes 1k, 10k, 100k end to end (about 40 minutes on 2 cores)
    python benchmarks/run.py --sizes 1000,10000   # quicker (about 10 minutes); 100k is then measured for the
                                                  # merge and the exports on replicated analyses (see RESULTS.md)

Corpus: real Arabic news text, ANERcorp (``../shared/data/anercorp/source/ANERCorp.txt``) sentences
recombined with a fixed seed into documents of about 300 words, written to ``benchmarks/work/``
(git-ignored, never committed).  Every build runs in a child process, so its peak RSS (driver and
workers) is its own.  Writes ``benchmarks/RESULTS.md``, ``benchmarks/results.json`` and the
log-log plot ``benchmarks/scaling.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"
SHARED = Path(os.environ.get("RAWABIT_SHARED", ROOT.parent / "shared"))
ANERCORP = SHARED / "data" / "anercorp" / "source" / "ANERCorp.txt"
sys.path.insert(0, str(ROOT))

TARGETS = {"words_per_s_core": 20_000, "bert_ratio": 30, "speedup_2_jobs": 1.7, "rss_100k_mb": 2048,
           "rerun_speedup": 20, "nt_1m_s": 60, "nt_1m_rss_mb": 2048,
           "bert_reference_words_per_s": 550}  # the issue: "a BERT-base tagger does roughly 550 words/s"


# ------------------------------------------------------------------------------------- corpus
def sentences() -> list[str]:
    if not ANERCORP.exists():
        raise SystemExit(f"{ANERCORP}: not found (the benchmark corpus is built from ../shared/data)")
    out, cur = [], []
    for line in ANERCORP.read_text(encoding="utf-8").splitlines():
        tok = line.split(" ")[0].strip()
        if not tok:
            continue
        cur.append(tok)
        if tok in (".", "!", "?", "؟") and len(cur) >= 4:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def make_corpus(n: int, words: int = 300, seed: int = 8) -> Path:
    """``n`` documents of about ``words`` words from shuffled ANERcorp sentences (cached on disk)."""
    folder = WORK / f"corpus-{n}"
    if (folder / ".done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sents = sentences()
    rng = random.Random(seed)
    order: list[int] = []
    for k in range(n):
        doc, count = [], 0
        while count < words:
            if not order:
                order = list(range(len(sents)))
                rng.shuffle(order)
            s = sents[order.pop()]
            doc.append(s)
            count += len(s.split())
        sub = folder / f"{k // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc{k:07d}.txt").write_text("\n".join(doc) + "\n", encoding="utf-8")
    (folder / ".done").write_text("ok", encoding="utf-8")
    return folder


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


# ------------------------------------------------------------------------- child-process runs
def _child(argv: list[str]) -> dict:
    """Run ``python benchmarks/run.py --child ...`` and return its JSON answer."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *argv]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-4000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _rss_mb(usage) -> float:
    return usage.ru_maxrss / 1024.0  # KiB on Linux


def child_build(args: argparse.Namespace) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    from kg.build import build

    sampler = _MemorySampler()
    sampler.start()
    t = time.perf_counter()
    try:
        _, report = build([args.input], args.out, jobs=args.jobs, cache_dir=args.cache or None,
                          doc_timeout=600, formats=tuple(args.formats.split(",")), return_graph=False)
    finally:
        sampler.stop()
    wall = time.perf_counter() - t
    out = Path(args.out)
    return {"wall_s": wall, "stats": report.stats, "documents": len(report.documents), "skipped": len(report.skipped),
            "rss_driver_mb": _rss_mb(resource.getrusage(resource.RUSAGE_SELF)),
            "rss_worker_mb": _rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN)),
            "pss_total_mb": sampler.peak_mb,
            "output_bytes": folder_bytes(out), "files": {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}}


class _MemorySampler:
    """Peak memory of the whole build: the proportional set size (PSS) of the driver and its workers,
    summed, sampled every half second.  RSS counts the pages the forked workers share with the driver
    (the loaded pipeline and KB) once per process; PSS splits each shared page between its sharers,
    so the sum is what the build really holds."""

    def __init__(self, every: float = 0.5) -> None:
        import threading

        self.every = every
        self.peak_mb: float | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._done.is_set():
            total = 0.0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_full_info().pss
                except (psutil.Error, AttributeError):
                    continue
            self.peak_mb = max(self.peak_mb or 0.0, total / 2**20)
            self._done.wait(self.every)


def child_stages(args: argparse.Namespace) -> dict:
    """Per-stage time of the per-document pipeline, in this process, on ``args.limit`` documents."""
    import warnings

    warnings.simplefilter("ignore")
    from kg.pipeline import analyze, load_pipeline
    from kg.text.read import Document, read_documents

    nlp = load_pipeline()
    docs = [d for d in read_documents([args.input]) if isinstance(d, Document)][: args.limit]
    analyze(docs[0], nlp)  # warm-up outside the timing
    timing: dict[str, float] = {"tokenizer": 0.0}
    originals = list(nlp.pipeline)
    for name, proc in originals:
        timing[name] = 0.0

    def timed(name, proc):
        def run(doc):
            t0 = time.perf_counter()
            try:
                return proc(doc)
            finally:
                timing[name] += time.perf_counter() - t0
        return run

    make_doc = nlp.make_doc

    def timed_make_doc(text):
        t0 = time.perf_counter()
        try:
            return make_doc(text)
        finally:
            timing["tokenizer"] += time.perf_counter() - t0

    nlp.make_doc = timed_make_doc  # type: ignore[method-assign]
    nlp._components = [(n, timed(n, p)) for n, p in originals]  # analyze() iterates nlp.pipeline
    words = 0
    t = time.perf_counter()
    for d in docs:
        a = analyze(d, nlp)
        t1 = time.perf_counter()
        json.dumps(a.to_dict(), ensure_ascii=False)
        timing["to_json"] = timing.get("to_json", 0.0) + time.perf_counter() - t1
        words += len(d.text.split())
    total = time.perf_counter() - t
    return {"documents": len(docs), "words": words, "total_s": total, "timing": timing}


def child_bert(args: argparse.Namespace) -> dict:
    """BERT-base token classifier (random weights, CAMeL NER's architecture) on the same texts."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    config = BertConfig(num_labels=9)  # BERT-base defaults: 12 layers, 768 hidden, 12 heads; 9 IOB tags
    model = BertForTokenClassification(config).eval()
    from kg.text.read import Document, read_documents

    docs = [d for d in read_documents([args.input]) if isinstance(d, Document)][: args.limit]
    # No tokenizer can be downloaded here: word pieces are simulated at the ratio measured for
    # Arabic BERT vocabularies (~1.4 pieces per whitespace word); sequences are sentences packed
    # up to 512 pieces, as CAMeL Tools' NER does.
    rng = random.Random(0)
    seqs: list[int] = []
    words = 0
    for d in docs:
        for sent in d.text.split("\n"):
            n = len(sent.split())
            words += n
            pieces = max(1, round(n * 1.4)) + 2
            while pieces > 0:
                seqs.append(min(pieces, 512))
                pieces -= 512
    batch = 8
    seqs.sort()
    t = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(seqs), batch):
            group = seqs[i:i + batch]
            L = max(group)
            ids = torch.tensor([[rng.randrange(1000, 30000) for _ in range(L)] for _ in group])
            mask = torch.tensor([[1] * n + [0] * (L - n) for n in group])
            model(input_ids=ids, attention_mask=mask).logits.argmax(-1)
    total = time.perf_counter() - t
    return {"documents": len(docs), "words": words, "seconds": total, "words_per_s": words / total, "threads": args.threads,
            "torch": torch.__version__}


def child_bigexport(args: argparse.Namespace) -> dict:
    """Merge + exports at a size the analysis cannot reach in the time box: the analyses of a real
    run, replicated under new document ids (and new minted ids) ``--times`` times, streamed to an
    ``analyses.jsonl`` and merged from it exactly as ``kg build`` does (two passes over the file)."""
    import warnings

    warnings.simplefilter("ignore")
    from kg.analysis import AnalysisFile
    from kg.export.ntriples import write_ntriples
    from kg.graph.build import build_graph
    from kg.pipeline import get_kb

    from kg.engine import get_pipeline

    get_pipeline("crf", None)  # held by a real build's driver too (loaded before the workers fork)
    kb = get_kb()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "analyses.jsonl"
    t = time.perf_counter()
    with jsonl.open("w", encoding="utf-8") as fh:
        for k in range(args.times):
            for line in open(args.input, encoding="utf-8"):  # streamed: the replicas are never all in memory
                d = json.loads(line.replace('"doc_id":"', f'"doc_id":"r{k}-').replace('"doc":"', f'"doc":"r{k}-'))
                if k:
                    _new_names(d, kb, k)
                fh.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
    t_write = time.perf_counter() - t
    rss_before = _rss_mb(resource.getrusage(resource.RUSAGE_SELF))
    t = time.perf_counter()
    analyses = AnalysisFile(jsonl)
    G = build_graph(analyses, kb)
    t_graph = time.perf_counter() - t
    n_docs = len(analyses)
    del analyses
    rss_graph = _rss_mb(resource.getrusage(resource.RUSAGE_SELF))
    t = time.perf_counter()
    triples = write_ntriples(G, out / "graph.nt")
    t_nt = time.perf_counter() - t
    res = {"documents": n_docs, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "load_s": t_write,
           "graph_s": t_graph, "nt_s": t_nt, "triples": triples, "nt_bytes": (out / "graph.nt").stat().st_size,
           "jsonl_bytes": jsonl.stat().st_size, "rss_after_load_mb": rss_before, "rss_after_graph_mb": rss_graph,
           "rss_mb": _rss_mb(resource.getrusage(resource.RUSAGE_SELF))}
    if args.oxigraph:
        from kg.store import load_store

        t = time.perf_counter()
        res["store_triples"] = load_store(out, out / "store", replace=True)
        res["store_load_s"] = time.perf_counter() - t
        res["rss_with_store_mb"] = _rss_mb(resource.getrusage(resource.RUSAGE_SELF))
    return res


def _new_names(d: dict, kb, k: int) -> None:
    """Replica ``k``: every entity the KB does not know gets a new id and a new name, so the
    number of entities grows with the corpus (pessimistic: real archives repeat names)."""
    minted = {e for m in d["mentions"] for e in m["entity_ids"] if e not in kb.entities}
    if not minted:
        return

    def ren(x):
        return f"{x}-r{k}" if isinstance(x, str) and x in minted else x

    for m in d["mentions"]:
        if any(e in minted for e in m["entity_ids"]):
            m["entity_ids"] = [ren(e) for e in m["entity_ids"]]
            m["text"] = f"{m['text']} {k:05d}{k:05d}"
    for p in d["positions"]:
        p["person"], p["of"] = ren(p.get("person")), ren(p.get("of"))
    for ev in d["events"]:
        for key in ("agents", "targets"):
            if key in ev:
                ev[key] = [ren(e) for e in ev[key]]
        if "place" in ev:
            ev["place"] = ren(ev["place"])


# -------------------------------------------------------------------------------------- main
def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["mem_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (OSError, ValueError):
        pass
    info["load_before"] = os.getloadavg()
    info["commit"] = _commit()
    return info


def _commit() -> str | None:
    """The checked-out commit (``+dirty`` when the tree has changes), so a run can be tied to its code."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "kg"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


HISTORY = ROOT / "benchmarks" / "history.jsonl"


def history_entry(r: dict) -> dict:
    """One line of ``history.jsonl``: the headline figures of a run, to show how much the same
    machine's speed varies between runs (it is shared)."""
    cores = r["machine"].get("usable_cores") or 1
    builds = {int(k): v for k, v in r["builds"].items()}
    n = max(builds)
    first = builds[n]["first"]
    st, bert = r.get("stages") or {}, r.get("bert_1") or {}
    return {"date": r["date"], "commit": r["machine"].get("commit"), "documents": n,
            "words_per_s_core": round(first["stats"]["words"] / first["wall_s"] / cores),
            "stages_words_per_s": round(st["words"] / st["total_s"]) if st else None,
            "bert_words_per_s": round(bert["words_per_s"]) if bert else None}


def append_history(r: dict) -> None:
    line = json.dumps(history_entry(r), sort_keys=True)
    with open(HISTORY, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def log(msg: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes (documents) to build end to end "
                    "(1000,10000 for a quicker run)")
    ap.add_argument("--jobs-compare", type=int, default=10000, help="corpus size for --jobs 1 vs --jobs 2")
    ap.add_argument("--skip-bert", action="store_true", help="reuse the BERT and stage figures of results.json")
    ap.add_argument("--stage-docs", type=int, default=300, help="documents for the per-stage timing")
    ap.add_argument("--bert-docs", type=int, default=40, help="documents for the BERT anchor")
    ap.add_argument("--big", type=int, default=100_000, help="documents for the replicated merge/export run")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        return run_child(args.child)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    results: dict = {"machine": machine(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "sizes": sizes, "builds": {}, "argv": " ".join(sys.argv[1:] if argv is None else argv)}
    ncores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    results["machine"]["usable_cores"] = ncores
    WORK.mkdir(parents=True, exist_ok=True)

    for n in sorted(set(sizes + [args.jobs_compare, min(sizes)])):
        log(f"corpus of {n} documents")
        make_corpus(n)

    smallest = make_corpus(min(sizes))
    previous = ROOT / "benchmarks" / "results.json"
    if args.skip_bert and previous.exists():
        old = json.loads(previous.read_text(encoding="utf-8"))
        results.update({k: old[k] for k in ("bert_1", "bert_all", "stages") if k in old})
        results["bert_from"] = old.get("date")
    else:
        log("BERT anchor (1 thread)")
        results["bert_1"] = _child(["bert", "--input", str(smallest), "--limit", str(args.bert_docs), "--threads", "1"])
        log(f"BERT: {results['bert_1']['words_per_s']:.0f} words/s on 1 thread")
        log("BERT anchor (all cores)")
        results["bert_all"] = _child(["bert", "--input", str(smallest), "--limit", str(args.bert_docs), "--threads", str(ncores)])
        log("per-stage timing")
        results["stages"] = _child(["stages", "--input", str(smallest), "--limit", str(args.stage_docs)])
    _save(results)

    for n in sizes:
        corpus = make_corpus(n)
        out = WORK / f"out-{n}"
        cache = WORK / f"cache-{n}"
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        log(f"build {n} documents, --jobs {ncores}, cold cache")
        first = _child(["build", "--input", str(corpus), "--out", str(out), "--jobs", str(ncores), "--cache", str(cache)])
        log(f"  {first['wall_s']:.1f} s, {first['stats']['words'] / first['wall_s']:.0f} words/s")
        log(f"build {n} documents again (warm cache)")
        rerun = _child(["build", "--input", str(corpus), "--out", str(out), "--jobs", str(ncores), "--cache", str(cache)])
        log(f"  {rerun['wall_s']:.1f} s")
        results["builds"][n] = {"first": first, "rerun": rerun}
        _save(results)

    n = args.jobs_compare
    corpus = make_corpus(n)
    results["jobs"] = {}
    for j in sorted({1, 2}):
        log(f"build {n} documents --jobs {j}, no cache")
        out = WORK / f"out-jobs{j}"
        shutil.rmtree(out, ignore_errors=True)
        results["jobs"][j] = _child(["build", "--input", str(corpus), "--out", str(out), "--jobs", str(j), "--cache", ""])
        log(f"  {results['jobs'][j]['wall_s']:.1f} s")
    same = all((WORK / "out-jobs1" / f).read_bytes() == (WORK / "out-jobs2" / f).read_bytes()
               for f in ("graph.ttl", "graph.graphml", "graph.nt", "report.json", "analyses.jsonl", "graph.html"))
    results["jobs_identical"] = same
    _save(results)

    largest_real = max(sizes)
    if args.big:
        # beyond the largest real build: its analyses replicated; at its size: the merge, the N-Triples
        # export and the Oxigraph load of that build again, alone in a process (their own time and RSS)
        times = max(1, -(-args.big // largest_real))
        log(f"merge + N-Triples + Oxigraph at {times * largest_real} documents"
            + (" (replicated analyses)" if times > 1 else " (the analyses of that build)"))
        results["big"] = _child(["bigexport", "--input", str(WORK / f"out-{largest_real}" / "analyses.jsonl"),
                                 "--times", str(times), "--out", str(WORK / "out-big"), "--oxigraph"])
        log(f"  {results['big']['triples']} triples in {results['big']['nt_s']:.1f} s")
    results["machine"]["load_after"] = os.getloadavg()
    _save(results)
    append_history(results)
    write_report(results)
    return 0


def _save(results: dict) -> None:
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


def run_child(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what")
    ap.add_argument("--input")
    ap.add_argument("--out")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--cache", default="")
    ap.add_argument("--formats", default="ttl,html,graphml,nt")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--times", type=int, default=10)
    ap.add_argument("--oxigraph", action="store_true")
    a = ap.parse_args(argv)
    fn = {"build": child_build, "stages": child_stages, "bert": child_bert, "bigexport": child_bigexport}[a.what]
    print(json.dumps(fn(a), default=str))
    return 0


# ------------------------------------------------------------------------------------ report
def write_report(r: dict) -> None:
    from benchmarks_report import read_history, render  # noqa: E402  (kept apart: pure formatting)

    md, plot = render(r, TARGETS, read_history(HISTORY))
    (ROOT / "benchmarks" / "RESULTS.md").write_text(md, encoding="utf-8")
    plot(ROOT / "benchmarks" / "scaling.png")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
