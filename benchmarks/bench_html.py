"""How long a big graph takes to export and to appear in headless Chromium.

    python benchmarks/bench_html.py [--nodes 5000] [--runs 3] [--keep out.html] [--png out.png]

Builds a synthetic news-like graph (preferential attachment giant component plus small
components; mixed entity and event types, Arabic names and sentences), exports it with
``kg.export.html.to_html`` and opens it in headless Chromium (``/usr/bin/chromium`` through
Playwright).  "drawn" is the time from navigation start to vis-network's first
``afterDrawing`` with every node on the canvas (``performance.now()`` in the page); the target
for 5,000 nodes is under 3 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.export.html import to_html  # noqa: E402
from kg.export.screenshot import chromium_args, find_chromium  # noqa: E402

FIRST = ["محمد", "أحمد", "عبد الله", "علي", "خالد", "سلمان", "فيصل", "إيمانويل", "فلاديمير", "رجب", "جو", "شي"]
LAST = ["بن سلمان", "الحسيني", "ماكرون", "بوتين", "أردوغان", "بايدن", "جين بينغ", "العتيبي", "الزين", "النعيمي"]
TYPES = ["PERSON"] * 6 + ["STATE", "ORG", "PARTY", "PLACE", "AGREEMENT"]
EVENTS = ["met"] * 5 + ["visited"] * 2 + ["signed", "attended", "invited", "sent_message", "phone_call"]
STATUSES = ["asserted"] * 8 + ["planned", "negated", "hypothetical"]


def synthetic_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    giant = int(n * 0.9)
    base = nx.barabasi_albert_graph(giant, 2, seed=seed)
    pairs = list(base.edges())
    k = giant
    while k < n:  # small components of 2-5 nodes
        size = min(rng.randint(2, 5), n - k)
        pairs += [(k + i, k + rng.randrange(i)) for i in range(1, size)]
        k += size
    G = nx.MultiDiGraph(name="bench")
    G.graph["documents"] = {f"doc-{d:05d}": {"title": f"خبر رقم {d}", "date": f"20{10 + d % 15}-0{1 + d % 9}-1{d % 10}",
                                             "date_source": "metadata", "path": f"corpus/doc-{d:05d}.txt"} for d in range(n // 5)}
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        G.add_node(f"e{i:05d}", type=rng.choice(TYPES), label_ar=name, label_en=f"Entity {i}", qid=None,
                   aliases=[name.split()[-2]], documents=[f"doc-{i % (n // 5):05d}"], mention_count=1, positions=[], known=False)
    for j, (a, b) in enumerate(pairs):
        u, v = f"e{a:05d}", f"e{b:05d}"
        t = rng.choice(EVENTS)
        doc = f"doc-{j % (n // 5):05d}"
        sent = f"وقال مصدر إن {G.nodes[u]['label_ar']} و{G.nodes[v]['label_ar']} عقدا اجتماعاً مطولاً في العاصمة."
        G.add_edge(u, v, key=f"{t}-{j:08d}", type=t, event_id=f"{t}-{j:08d}", date=f"20{10 + j % 15}-0{1 + j % 9}",
                   place=None, status=rng.choice(STATUSES), confidence=round(rng.uniform(0.4, 1.0), 2),
                   participants=sorted([u, v]), targets=[v], cameo="040",
                   evidence=[{"doc": doc, "start": 0, "end": len(sent), "sentence": sent, "extractor": "bench", "confidence": 0.8}])
    return G


def measure(path: Path, runs: int, png: Path | None = None) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    exe = find_chromium()
    if exe is None:
        raise SystemExit("no Chromium: apt-get install -y chromium")
    results = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        args = [a for a in chromium_args(profile) if not a.startswith(("--headless", "--user-data-dir"))]
        browser = p.chromium.launch(executable_path=exe, headless=True, args=args)
        try:
            for r in range(runs):
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                t0 = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load", timeout=120_000)
                page.wait_for_function("document.body.getAttribute('data-drawn') === '1'", timeout=120_000)
                wall = time.perf_counter() - t0
                drawn = page.evaluate("window.__kgDrawn") / 1000
                shown = page.evaluate("window.kgNetwork.body.nodeIndices.length")
                if errors:
                    raise SystemExit(f"page errors: {errors}")
                results.append({"drawn_s": drawn, "wall_s": wall, "nodes_drawn": shown})
                if png is not None and r == runs - 1:
                    page.screenshot(path=str(png))
                page.close()
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="also write the page here")
    ap.add_argument("--png", type=Path, help="screenshot of the last run")
    a = ap.parse_args(argv)

    t = time.perf_counter()
    G = synthetic_graph(a.nodes)
    t_graph = time.perf_counter() - t
    t = time.perf_counter()
    page = to_html(G)
    t_export = time.perf_counter() - t
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges (built in {t_graph:.2f} s)")
    print(f"export: to_html {t_export:.2f} s, {len(page.encode('utf-8')) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        path = a.keep or Path(tmp) / "graph.html"
        path.write_text(page, encoding="utf-8")
        res = measure(path.resolve(), a.runs, a.png)
    for i, r in enumerate(res):
        print(f"run {i + 1}: drawn {r['drawn_s']:.2f} s after navigation start (wall {r['wall_s']:.2f} s), "
              f"{r['nodes_drawn']} nodes on canvas")
    med = statistics.median(r["drawn_s"] for r in res)
    print(f"median time to drawn: {med:.2f} s (target < 3 s for 5,000 nodes): {'OK' if med < 3 else 'TOO SLOW'}")
    return 0 if med < 3 or a.nodes != 5000 else 1


if __name__ == "__main__":
    sys.exit(main())
