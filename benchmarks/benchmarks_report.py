"""benchmarks/RESULTS.md and scaling.png from the measurements of run.py (formatting only).

    python benchmarks/benchmarks_report.py     # re-render from benchmarks/results.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _mb(x: float) -> str:
    return f"{x:,.0f} MB"


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def _ok(flag: bool) -> str:
    return "**met**" if flag else "**not met**"


def read_history(path: Path) -> list[dict]:
    """The headline figures of every earlier run (``history.jsonl``, one JSON object a line)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _history_section(history: list[dict], reference_bert: float) -> list[str]:
    """Earlier runs side by side: the machine is shared, so the same code runs at different speeds on
    different hours; the BERT anchor of the same run measures how fast the machine was."""
    L = ["\n## Earlier runs on this machine\n",
         "Every `make bench` appends its headline figures to `benchmarks/history.jsonl`. The BERT tagger's speed"
         " in the same run shows the machine's speed at that hour; the last column scales our rate to the"
         f" issue's reference speed of the BERT tagger on these cores (about {reference_bert:,.0f} words/s):"
         " words/s per core × reference ÷ BERT words/s of that run.\n",
         "| run (UTC) | code | documents (largest build) | words/s per core end to end | per-document stages, 1 core |"
         " BERT-base, 1 thread | at the reference BERT speed |",
         "|---|---|---:|---:|---:|---:|---:|"]
    for h in history:
        bert = h.get("bert_words_per_s")
        scaled = f"{h['words_per_s_core'] * reference_bert / bert:,.0f}" if bert else "–"
        stages = f"{h['stages_words_per_s']:,}" if h.get("stages_words_per_s") else "–"
        L.append(f"| {h['date'][:16].replace('T', ' ')} | {h.get('commit') or '?'} | {h['documents']:,} |"
                 f" {h['words_per_s_core']:,} | {stages} | {bert or '–'} | {scaled} |")
    return L


def render(r: dict, targets: dict, history: list[dict] | None = None):
    m = r["machine"]
    cores = m.get("usable_cores") or m.get("cores") or 1
    builds = {int(k): v for k, v in r["builds"].items()}
    sizes = sorted(builds)
    L: list[str] = []
    L.append("# Rawabit scale benchmark\n")
    L.append(f"Run {r['date']} with `python benchmarks/run.py {r.get('argv', '')}`; raw figures in `benchmarks/results.json`.\n")
    L.append(f"Machine: {m.get('cpu', '?')}, {cores} usable cores, {m.get('mem_gb', '?')} GB RAM, Python {m['python']}, "
             f"{m['platform']}. Load average before / after the run: "
             f"{' / '.join(f'{x:.1f}' for x in m['load_before'])} → {' / '.join(f'{x:.1f}' for x in m.get('load_after', [0, 0, 0]))}"
             " (1 / 5 / 15 min).")
    if m["load_before"][0] > 0.5:  # the load after the run is mostly the run's own workers
        L.append(" **The machine was shared with other engineers' jobs during the run**, so every time below is"
                 " pessimistic and noisy (roughly ±30 %).")
    L.append("\n\nCorpus: ANERcorp newswire sentences (`../shared/data/anercorp/source/ANERCorp.txt`) recombined with a fixed"
             " seed into documents of about 300 words, generated into `benchmarks/work/` (git-ignored).\n")

    # ---------------------------------------------------------------- end to end
    L.append("\n## End to end (`kg build`, all cores, cold cache, every output written)\n")
    L.append("| documents | words | wall time | words/s (all cores) | words/s per core | analysis | merge (graph) | exports | "
             "peak RSS driver | peak RSS per worker | output size | rerun (warm cache) | rerun speed-up |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        b = builds[n]["first"]
        rr = builds[n]["rerun"]
        t = b["stats"]["timings"]
        exports = sum(v for k, v in t.items() if k.startswith("export_"))
        words = b["stats"]["words"]
        L.append(f"| {n:,} | {words:,} | {b['wall_s']:,.1f} s | {words / b['wall_s']:,.0f} | {words / b['wall_s'] / cores:,.0f} | "
                 f"{t['analyze']:,.1f} s | {t['graph']:,.1f} s | {exports:,.1f} s | {_mb(b['rss_driver_mb'])} | "
                 f"{_mb(b['rss_worker_mb'])} | {_size(b['output_bytes'])} | {rr['wall_s']:,.1f} s | {b['wall_s'] / rr['wall_s']:,.1f}× |")
    big = r.get("big")
    ext = None
    replicated = bool(big) and big["documents"] > sizes[-1]
    if big and not replicated:
        ext = {"n": big["documents"], "rss": max(big["rss_mb"], builds[sizes[-1]]["first"]["rss_driver_mb"])}
    if replicated:
        n_big = big["documents"]
        base_n = sizes[-1]
        base = builds[base_n]["first"]
        per_doc = base["stats"]["timings"]["analyze"] / base_n
        analysis = per_doc * n_big
        exports_big = big["nt_s"]
        ext = {"n": n_big, "analysis": analysis, "wall": analysis + big["load_s"] + big["graph_s"] + exports_big,
               "rss": max(big["rss_mb"], base["rss_driver_mb"])}
        L.append(f"| {n_big:,} (see below) | ~{base['stats']['words'] / base_n * n_big:,.0f} | ~{ext['wall']:,.0f} s "
                 f"(extrapolated) | | | ~{analysis:,.0f} s (extrapolated) | {big['graph_s']:,.1f} s (measured) | "
                 f"{exports_big:,.1f} s (N-Triples) | {_mb(big['rss_mb'])} (measured) | {_mb(base['rss_worker_mb'])} (flat) | "
                 f"{_size(big['nt_bytes'])} (graph.nt) | | |")
    L.append("")
    if big and not replicated:
        L.append(f"**{big['documents']:,} documents** were built end to end (the last row above). The merge, the N-Triples"
                 " export and the Oxigraph load of that build were then run again from its `analyses.jsonl`, alone in a"
                 f" process, for their own time and memory: merge {big['graph_s']:,.1f} s ({big['nodes']:,} nodes,"
                 f" {big['edges']:,} event edges), {big['triples']:,} triples to N-Triples in {big['nt_s']:,.1f} s; driver"
                 f" peak RSS {_mb(big.get('rss_after_graph_mb', big['rss_mb']))} after the merge,"
                 f" {_mb(big['rss_mb'])} after the export.\n")
    if replicated:
        L.append(f"**{big['documents']:,} documents.** The per-document analysis of 100k documents takes hours on this"
                 f" machine, so it was not run: its time is extrapolated linearly from the {sizes[-1]:,}-document build"
                 " (the analysis of one document does not depend on the others; workers keep a constant RSS). The"
                 f" merge and the export *were* measured at that size: the {sizes[-1]:,} real analyses were replicated"
                 f" ×{big['documents'] // sizes[-1]} under new document ids, and every entity the KB does not know was"
                 " given a new id and name in each replica, so the number of entities grows with the corpus"
                 f" (pessimistic; {big['nodes']:,} nodes and {big['edges']:,} event edges). The replicas are streamed"
                 f" to an `analyses.jsonl` ({_size(big.get('jsonl_bytes', 0))}) and merged from it as `kg build` does:"
                 " two passes over the file in document-id order, one analysis in memory at a time, so the driver holds"
                 " only the pipeline (loaded before the workers fork, as in `kg build`) and the graph. Driver peak RSS:"
                 f" {_mb(big.get('rss_after_graph_mb', big['rss_mb']))} after the merge, {_mb(big['rss_mb'])} after the"
                 " N-Triples export.")
        if big.get("note"):
            L.append(f" ({big['note']}.)")
        before = r.get("big_before_event_merge_fix")
        if before:
            L.append(f" Before that fix the merge took {before['graph_s']:,.1f} s at 100k documents (quadratic event merge).")
        L.append("\n")

    # ---------------------------------------------------------------- targets
    jobs = {int(k): v for k, v in r.get("jobs", {}).items()}
    L.append("\n## Targets of the issue\n")
    L.append("| target | measured | |")
    L.append("|---|---|---|")
    last = builds[sizes[-1]]["first"]
    per_core = last["stats"]["words"] / last["wall_s"] / cores
    L.append(f"| ≥ {targets['words_per_s_core']:,} words/s per core end to end | {per_core:,.0f} words/s per core "
             f"({sizes[-1]:,} documents, {cores} jobs) | {_ok(per_core >= targets['words_per_s_core'])} |")
    bert = r.get("bert_1")
    if bert and 1 in jobs:
        ours_1 = jobs[1]["stats"]["words"] / jobs[1]["wall_s"]
        ratio = ours_1 / bert["words_per_s"]
        L.append(f"| ≥ {targets['bert_ratio']}× the BERT-base tagger (per core) | {ratio:,.1f}× ({ours_1:,.0f} vs "
                 f"{bert['words_per_s']:,.0f} words/s, 1 core each) | {_ok(ratio >= targets['bert_ratio'])} |")
    if 1 in jobs and 2 in jobs:
        sp = jobs[1]["wall_s"] / jobs[2]["wall_s"]
        sp_an = jobs[1]["stats"]["timings"]["analyze"] / jobs[2]["stats"]["timings"]["analyze"]
        n_j = jobs[1]["documents"]
        L.append(f"| ≥ {targets['speedup_2_jobs']}× from 1 to 2 jobs, identical bytes | {sp:.2f}× end to end, "
                 f"{sp_an:.2f}× for the analysis ({n_j:,} documents); bytes identical: {r.get('jobs_identical')} | "
                 f"{_ok(sp >= targets['speedup_2_jobs'] and bool(r.get('jobs_identical')))} |")
    pss = last.get("pss_total_mb")
    if pss and sizes[-1] >= 100_000:
        L.append(f"| 100k documents < 2 GB peak memory | {_mb(pss)}: peak of the summed PSS of the driver and its "
                 f"workers during the {sizes[-1]:,}-document build (RSS: driver {_mb(last['rss_driver_mb'])}, workers "
                 f"{_mb(last['rss_worker_mb'])} each, counting the pipeline pages the forked workers share with the "
                 f"driver once per process) | {_ok(pss < targets['rss_100k_mb'])} |")
    elif ext:
        L.append(f"| 100k documents < 2 GB peak RSS | driver {_mb(ext['rss'])} (merge + export measured at "
                 f"{ext['n']:,}), workers {_mb(last['rss_worker_mb'])} each | {_ok(ext['rss'] + cores * last['rss_worker_mb'] < targets['rss_100k_mb'])} "
                 "(driver + all workers) |")
    rr = builds[sizes[-1]]
    rs = rr["first"]["wall_s"] / rr["rerun"]["wall_s"]
    L.append(f"| rerun on an unchanged corpus ≥ {targets['rerun_speedup']}× faster | {rs:,.1f}× ({sizes[-1]:,} documents: "
             f"{rr['first']['wall_s']:,.0f} s → {rr['rerun']['wall_s']:,.1f} s) | {_ok(rs >= targets['rerun_speedup'])} |")
    if big:
        per_m = big["nt_s"] / max(big["triples"], 1) * 1e6
        grew = big["rss_mb"] - big["rss_after_load_mb"]
        L.append(f"| 1M triples exported < 60 s and < 2 GB | {big['triples']:,} triples streamed to N-Triples in "
                 f"{big['nt_s']:,.1f} s ({per_m:,.1f} s per million); merge + export raised the peak RSS by "
                 f"{_mb(grew)} (to {_mb(big['rss_mb'])}) | "
                 f"{_ok(per_m < targets['nt_1m_s'] and grew < targets['nt_1m_rss_mb'])} for the export itself |")
        if "store_load_s" in big:
            L.append(f"| `kg load` into Oxigraph | {big['store_triples']:,} triples bulk-loaded in {big['store_load_s']:,.1f} s, "
                     f"RSS {_mb(big['rss_with_store_mb'])} | |")
    L.append("")

    # ---------------------------------------------------------------- stages
    st = r.get("stages")
    if st:
        L.append("\n## Where the time goes (per-document stages, one core, in-process)\n")
        L.append(f"{st['documents']} documents, {st['words']:,} words, {st['total_s']:.1f} s → "
                 f"{st['words'] / st['total_s']:,.0f} words/s on one core without process or I/O overhead.\n")
        L.append("| stage | seconds | share | words/s of the stage alone |")
        L.append("|---|---:|---:|---:|")
        names = {"tokenizer": "text: tokenizer (clitic split)", "kg_text": "text: sentences + dates",
                 "kg_ner": "entities: CRF NER", "kg_gazetteer": "entities: gazetteer", "kg_linker": "entities: linker + agreements",
                 "kg_relations": "relations", "to_json": "analysis → JSON"}
        tot = sum(st["timing"].values())
        for k, v in st["timing"].items():
            L.append(f"| {names.get(k, k)} | {v:.2f} | {v / tot:.0%} | {st['words'] / v if v else 0:,.0f} |")
        t = last["stats"]["timings"]
        L.append(f"\nAfter the per-document stages ({sizes[-1]:,} documents): merge (graph) {t['graph']:.1f} s, Turtle "
                 f"{t.get('export_ttl', 0):.1f} s, HTML {t.get('export_html', 0):.1f} s, GraphML {t.get('export_graphml', 0):.1f} s,"
                 f" N-Triples {t.get('export_nt', 0):.1f} s.\n")

    # ---------------------------------------------------------------- BERT
    if bert:
        ball = r.get("bert_all", {})
        L.append("\n## BERT anchor\n")
        L.append("`transformers.BertForTokenClassification(BertConfig())`: BERT-base (12 layers, hidden 768, 12 heads,"
                 " 110M parameters), the architecture of CAMeL Tools' NER, random weights built locally (nothing"
                 f" downloaded), torch {bert.get('torch')} on the CPU, inference mode, batches of 8 sentences sorted by"
                 " length, ≤ 512 pieces each. No Arabic tokenizer can be downloaded here, so word pieces are simulated at"
                 " 1.4 pieces per word (the usual ratio of Arabic BERT vocabularies on news); the model cost depends"
                 " only on the sequence lengths. Same documents as ours (the first"
                 f" {bert['documents']} of the corpus, {bert['words']:,} words).\n")
        L.append("| | words/s |")
        L.append("|---|---:|")
        L.append(f"| BERT-base tagger, 1 thread | {bert['words_per_s']:,.0f} |")
        if ball:
            L.append(f"| BERT-base tagger, {ball['threads']} threads | {ball['words_per_s']:,.0f} |")
        if 1 in jobs:
            L.append(f"| Rawabit `kg build --jobs 1` end to end (all outputs) | {jobs[1]['stats']['words'] / jobs[1]['wall_s']:,.0f} |")
        if st:
            L.append(f"| Rawabit per-document stages, 1 core | {st['words'] / st['total_s']:,.0f} |")
        L.append("")
    if history:
        L.extend(_history_section(history, targets.get("bert_reference_words_per_s", 550)))
    L.append("\n## Notes\n")
    if 1 in jobs and 2 in jobs:
        L.append(f"- `--jobs 1` vs `--jobs 2` was measured on the {jobs[1]['documents']:,}-document corpus, both without a"
                 " cache, and their outputs compared byte for byte.")
    L.append("- Rerun: an unchanged corpus is read again (to hash every document), served from the cache, merged, and"
             " the outputs are kept when their sha256 still match the last build (nothing is exported). What remains"
             " is mostly reading and decoding every document again, and the merge.")
    if st:
        tot = sum(st["timing"].values())
        share = {k: v / tot for k, v in st["timing"].items()}
        per_core = st["words"] / st["total_s"]
        L.append(f"- The per-document stages are timed in one process on the corpus's first {st.get('documents', 300):,}"
                 f" documents with every cache cold (each word form is new to the NER's per-word weight sums, the"
                 f" tokenizer and the lexicons): {per_core:,.0f} words/s; the CRF NER ({share.get('kg_ner', 0):.0%})"
                 f" and the linker ({share.get('kg_linker', 0):.0%}) are the hot spots. A long build runs with warm caches"
                 " after its first few hundred documents, which is why its end-to-end rate per core is higher.")
    L.append("- Peak RSS per worker is flat (the pipeline and KB); the driver grows with the number of"
             " analyses it holds for the merge.")
    return "\n".join(L) + "\n", lambda path: plot(r, path, ext)


def plot(r: dict, path: Path, ext: dict | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    builds = {int(k): v for k, v in r["builds"].items()}
    ns = sorted(builds)
    wall = [builds[n]["first"]["wall_s"] for n in ns]
    rerun = [builds[n]["rerun"]["wall_s"] for n in ns]
    rss = [builds[n]["first"]["rss_driver_mb"] for n in ns]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    a1.loglog(ns, wall, "o-", label="first build (measured)")
    a1.loglog(ns, rerun, "s-", label="rerun, warm cache (measured)")
    if ext and "wall" in ext:  # a size only extrapolated (its build did not run)
        a1.loglog([ns[-1], ext["n"]], [wall[-1], ext["wall"]], "o--", color="C0", alpha=0.6, label="100k (extrapolated)")
    lo, hi = ns[0], (ext or {}).get("n", ns[-1])
    a1.loglog([lo, hi], [wall[0], wall[0] * hi / lo], ":", color="grey", label="linear")
    a1.set_xlabel("documents")
    a1.set_ylabel("seconds")
    a1.set_title("kg build wall time")
    a1.legend(fontsize=8)
    a2.loglog(ns, rss, "o-", label="driver peak RSS (measured)")
    a2.loglog(ns, [builds[n]["first"]["rss_worker_mb"] for n in ns], "s-", label="worker peak RSS (measured)")
    if ext:
        a2.loglog([ext["n"]], [ext["rss"]], "D", color="C0", label=f"driver, {ext['n'] // 1000}k merge+export (measured)")
    a2.loglog([lo, hi], [rss[0], rss[0] * hi / lo], ":", color="grey", label="linear")
    a2.set_xlabel("documents")
    a2.set_ylabel("MB")
    a2.set_title("peak memory")
    a2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    from run import TARGETS

    results = json.loads((here / "results.json").read_text(encoding="utf-8"))
    md, draw = render(results, TARGETS, read_history(here / "history.jsonl"))
    (here / "RESULTS.md").write_text(md, encoding="utf-8")
    draw(here / "scaling.png")
    print(md)
