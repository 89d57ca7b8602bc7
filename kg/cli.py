"""The ``kg`` command line: thin wrappers that parse options, call ``kg.*`` and print.

Exit codes: 0 all fine, 1 some input files skipped (or an error in a command), 2 nothing built
or bad usage.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import List, NoReturn, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import KGError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Rawabit (روابط): Arabic news → knowledge graph.")
console = Console()
err_console = Console(stderr=True)


def _fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@app.command()
def build(
    inputs: List[str] = typer.Argument(..., help="Folders, files or glob patterns (.txt .html .jsonl)."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    ner: str = typer.Option("crf", help="NER backend: crf (packaged), camel (BERT, needs rawabit\\[camel]) or none."),
    min_confidence: float = typer.Option(0.0, help="Drop events below this confidence."),
    max_file_size: int = typer.Option(20_000_000, help="Skip files larger than this many bytes."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes for the per-document stages (0: all cores)."),
    engine: str = typer.Option("local", help="local (this machine) or dask (dask.distributed, needs rawabit\\[dask])."),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (tcp://host:8786); without it --engine dask starts a local cluster."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Per-document cache folder (default: OUT/.cache)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyse every document again; do not read or write the cache."),
    doc_timeout: float = typer.Option(60.0, "--doc-timeout", help="Seconds allowed per document; a slower one is skipped and reported (0: no limit)."),
) -> None:
    """Build the graph of INPUTS into OUT: graph.ttl, graph.html, graph.graphml, graph.nt, analyses.jsonl, report.json.

    Example: kg build seeds/ --out output/ --jobs 2
    """
    from kg.build import build as run_build
    from kg.text.read import iter_input_paths

    if jobs < 0:
        _fail(f"--jobs must be 0 (all cores) or a positive number, not {jobs}", 2)
    if doc_timeout != doc_timeout or doc_timeout < 0:  # NaN or negative
        _fail(f"--doc-timeout must be a number of seconds >= 0, not {doc_timeout}", 2)
    if engine not in ("local", "dask"):
        _fail(f"unknown engine {engine!r}: choose local or dask", 2)
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask", 2)
    cache_dir = None if no_cache else (cache or out / ".cache")
    total = sum(1 for _ in iter_input_paths(inputs)) if not quiet else 0
    with warnings.catch_warnings(record=True) as caught, Progress(
        TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, disable=quiet, transient=True,
    ) as progress:
        warnings.simplefilter("always")
        task = progress.add_task("docs", total=total or None)
        try:
            _, report = run_build(inputs, out, ner=ner, min_confidence=min_confidence, max_file_size=max_file_size,
                                  on_document=lambda _id: progress.advance(task), jobs=jobs or None, engine=engine,
                                  scheduler=scheduler, cache_dir=cache_dir, doc_timeout=doc_timeout or None,
                                  return_graph=False)
        except KGError as err:
            _fail(str(err), 2)
    for w in caught:
        err_console.print(f"[yellow]warning:[/yellow] {w.message}", highlight=False)
    for s in report.skipped:
        err_console.print(f"[yellow]skipped[/yellow] {s['path']}: {s['reason']}", highlight=False)
    table = Table(title=f"Rawabit build → {out}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(len(report.documents)))
    table.add_row("skipped files", str(len(report.skipped)))
    if cache_dir is not None and report.stats.get("cache_hits"):
        table.add_row("from the cache", str(report.stats["cache_hits"]))
    for t, n in report.entities.items():
        table.add_row(f"entities: {t}", str(n))
    for t, n in report.relations.items():
        table.add_row(f"relations: {t} (edges)", str(n))
    console.print(table)
    if report.outputs:
        console.print("wrote " + ", ".join(str(out / o) for o in report.outputs), highlight=False)
    raise typer.Exit(report.exit_code)


@app.command()
def load(
    out: Path = typer.Argument(Path("output"), help="A build output folder (reads graph.nt) or an RDF file (.nt .ttl .nq .trig)."),
    store: Path = typer.Option(..., "--store", help="Oxigraph store folder to create or add to."),
    replace: bool = typer.Option(False, "--replace", help="Empty the store first."),
) -> None:
    """Load a built graph into an Oxigraph store for large-graph SPARQL.

    Example: kg load output/ --store output/store && kg query --store output/store 'SELECT …'
    """
    from kg.store import load_store

    try:
        n = load_store(out, store, replace=replace)
    except KGError as err:
        _fail(str(err), 2)
    console.print(f"loaded {out} into {store}: {n} triples in the store", highlight=False)


def _read_query_file(path: Path) -> str:
    """The text of a ``@file.rq`` query; a missing or non-UTF-8 file is a one-line usage error."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        _fail(f"{path}: the query file is not UTF-8 text (byte {err.start})", 2)
    except OSError as err:
        _fail(f"{path}: cannot read the query file ({err.strerror or err})", 2)


@app.command()
def query(
    source: str = typer.Argument(..., help="An RDF file (graph.ttl, .nt, .jsonld); left out with --store."),
    sparql: Optional[str] = typer.Argument(None, help="A SPARQL SELECT/ASK/CONSTRUCT query, or @file.rq."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    timeout: float = typer.Option(30.0, help="Seconds before the query is stopped."),
    allow_service: bool = typer.Option(False, help="Allow federated SERVICE clauses."),
    store: Optional[Path] = typer.Option(None, "--store", help="Query an Oxigraph store made by `kg load` (read-only) instead of a file."),
) -> None:
    """Run a read-only SPARQL query on an exported graph, or on an Oxigraph store with --store.

    Example: kg query output/graph.ttl 'SELECT ?a ?b WHERE { ?a rwb:met ?b }'
             kg query --store output/store 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kg.query import format_rows, run_query
    from kg.queries import with_prefixes

    if store is not None:
        if sparql is not None:
            _fail("with --store give only the query (no RDF file)", 2)
        sparql = source
    elif sparql is None:
        _fail("give an RDF file and a query (or --store STORE and a query)", 2)
    text = _read_query_file(Path(sparql[1:])) if sparql.startswith("@") else sparql
    try:
        if store is not None:
            from kg.store import query_store

            names, rows = query_store(store, with_prefixes(text), timeout=timeout, allow_service=allow_service)
        else:
            names, rows = run_query(Path(source), with_prefixes(text), timeout=timeout, allow_service=allow_service)
    except KGError as err:
        _fail(str(err))
    if format == "table":
        table = Table(*names)
        for r in rows:
            table.add_row(*["" if v is None else str(v) for v in r])
        console.print(table)
        console.print(f"{len(rows)} row(s)")
    else:
        try:
            sys.stdout.write(format_rows(names, rows, format))
        except KGError as err:
            _fail(str(err), 2)


@app.command("eval")
def eval_cmd(
    inputs: List[str] = typer.Argument(..., help="The documents the gold file annotates."),
    gold: Path = typer.Option(..., "--gold", help="Gold YAML (see ../shared/gold/seeds.gold.yaml)."),
    ner: str = typer.Option("crf", help="NER backend: crf, camel or none."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    errors: bool = typer.Option(False, "--errors", help="List false positives and misses."),
) -> None:
    """Precision / recall / F1 of entities and relations against a gold file, and date accuracy.

    Example: kg eval --gold ../shared/gold/seeds.gold.yaml seeds/
    """
    from kg.build import analyze_corpus
    from kg.eval.gold import load_gold
    from kg.eval.score import evaluate
    from kg.pipeline import get_kb

    try:
        g = load_gold(gold)
        analyses, problems = analyze_corpus(inputs, ner=ner)
        result = evaluate(g, analyses, get_kb())
    except KGError as err:
        _fail(str(err), 2)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("measure", "P", "R", "F1", "tp", "fp", "fn", title=f"kg eval — {result['documents']} documents (strict)")
    rows = [("entities", result["entities"])]
    rows += [(f"relation: {t}", v) for t, v in result["relations"].items()]
    rows += [("relations micro (met/signed/visited)", result["relations_micro"]),
             ("relations micro, lenient", result["relations_micro_lenient"])]
    for name, v in rows:
        table.add_row(name, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["tp"]), str(v["fp"]), str(v["fn"]))
    console.print(table)
    da = result["date_accuracy"]
    console.print(f"date accuracy on matched pairs: {'n/a' if da is None else f'{da:.3f}'} ({result['dated_matches']} dated matches)")
    if result["missing"]:
        console.print(f"[yellow]gold documents not found:[/yellow] {', '.join(result['missing'])}")
    if errors:
        console.print_json(json.dumps(result["errors"], ensure_ascii=False))


@app.command()
def entities(
    out: Path = typer.Argument(Path("output"), help="A build output folder (reads graph.graphml)."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """List every entity, its surface forms and why variants were merged."""
    from kg.export.graphml import read_graphml

    if fmt not in ("table", "csv", "json"):
        _fail(f"--format {fmt!r}: choose table, csv or json", 2)
    path = out / "graph.graphml"
    if not path.exists():
        _fail(f"{path}: not found (run `kg build` first)", 2)
    G = read_graphml(path)
    header = ("id", "type", "label", "qid", "surface forms", "documents")
    rows = [
        (n, d.get("type", ""), d.get("label_ar", ""), d.get("qid") or "", " | ".join(d.get("aliases") or []), str(len(d.get("documents") or [])))
        for n, d in sorted(G.nodes(data=True))
    ]
    merges = G.graph.get("merges") or []
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    if fmt == "json":
        payload = {"entities": [dict(zip(header, r)) for r in rows], "merges": merges}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(*header)
    for r in rows:
        table.add_row(*r)
    console.print(table)
    for m in merges:
        console.print(f"merged {m['from']} → {m['into']}: {m['why']}", highlight=False)


@app.command("eval-ner")
def eval_ner(
    data: Path = typer.Option(..., "--data", help="CoNLL file (token TAG), e.g. ../shared/data/anercorp/test.txt."),
    model: Optional[Path] = typer.Option(None, help="Model folder (default: the packaged CRF model)."),
    misc_as_o: bool = typer.Option(False, help="Map MISC to O (for corpora whose MISC differs)."),
) -> None:
    """CoNLL exact-span P/R/F1 of the statistical NER model, micro and per type."""
    from kg.entities.ner import evaluate_ner

    try:
        res = evaluate_ner(model, data, misc_as_o=misc_as_o)
    except KGError as err:
        _fail(str(err), 2)
    table = Table("type", "P", "R", "F1", "support", title=f"NER on {data}")
    for t, v in sorted(res.get("per_type", {}).items()):
        table.add_row(t, f"{v['precision']:.4f}", f"{v['recall']:.4f}", f"{v['f1']:.4f}", str(v.get("support", "")))
    m = res["micro"]
    table.add_row("micro", f"{m['precision']:.4f}", f"{m['recall']:.4f}", f"{m['f1']:.4f}", str(m.get("support", "")))
    console.print(table)


def main() -> None:
    """Console-script entry point; forces UTF-8 output so Arabic prints on Windows consoles too."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass
    app()


if __name__ == "__main__":
    main()
