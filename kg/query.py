"""Read-only SPARQL over an exported graph, with a timeout; updates and SERVICE are refused."""

from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing as mp
import re
from pathlib import Path
from typing import Any

from kg.errors import QueryError

__all__ = ["run_query", "check_query", "format_rows"]

_MAX_WAIT = 7 * 24 * 3600.0  # larger timeouts overflow select(): a week is "no limit" enough

# keywords, not variables (?add), prefixed names (ex:service, service:x) or parts of longer names
_UPDATE_RE = re.compile(r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)(?![\w:])", re.IGNORECASE)
_SERVICE_RE = re.compile(r"(?<![?$:\w])SERVICE(?![\w:])", re.IGNORECASE)
_STRING_RE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')


def check_query(query: str, *, allow_service: bool = False) -> None:
    """Refuse SPARQL Update and federated SERVICE clauses (outside strings, IRIs and comments).

    SPARQL lets ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes stand for any character anywhere in a query
    (rdflib expands them before parsing), so ``\\u0053ERVICE`` *is* ``SERVICE``: the checks run on
    the expanded text, and SERVICE is also looked for in the parse tree itself."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery

    try:
        expanded = expandUnicodeEscapes(query)
    except Exception as err:  # noqa: BLE001 — a malformed escape
        raise QueryError(f"SPARQL syntax error: {err}") from err
    bare = _STRING_RE.sub(" ", expanded)
    try:
        tree = parseQuery(query)
    except Exception as err:  # noqa: BLE001 — rdflib raises pyparsing errors
        if _is_update(query) or _UPDATE_RE.search(bare):
            raise QueryError("update queries are refused: `kg query` is read-only") from None
        raise QueryError(f"SPARQL syntax error: {err}") from None
    if not allow_service and (_SERVICE_RE.search(bare) or _has_service(tree)):
        raise QueryError("SERVICE clauses are refused by default (they reach other servers); pass --allow-service")


def _is_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
    except Exception:  # noqa: BLE001
        return False
    return True


def _has_service(tree: Any) -> bool:
    """Whether the parse tree holds a ``ServiceGraphPattern`` (at any depth)."""
    stack = [tree]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > 1_000_000:  # pragma: no cover - absurdly large query
            return True
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))
    return False


def _load(path: str) -> Any:
    from rdflib import Graph

    g = Graph()
    fmt = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads", "rdf": "xml"}.get(Path(path).suffix.lstrip("."), "turtle")
    g.parse(path, format=fmt)
    return g


def _execute(path: str, query: str) -> tuple[list[str], list[list[Any]]]:
    import rdflib.plugins.sparql as sparql

    sparql.SPARQL_LOAD_GRAPHS = False  # FROM <file:///…> / FROM <http://…> must not load anything
    res = _load(path).query(query)
    if res.type == "ASK":
        return ["ask"], [[bool(res.askAnswer)]]
    if res.type == "CONSTRUCT" or res.type == "DESCRIBE":
        return ["subject", "predicate", "object"], [[str(t) for t in triple] for triple in res.graph]
    names = [str(v) for v in res.vars]
    return names, [[None if v is None else str(v) for v in row] for row in res]


def _worker(path: str, query: str, conn) -> None:
    try:
        conn.send(("ok", _execute(path, query)))
    except Exception as err:  # noqa: BLE001
        conn.send(("error", f"{type(err).__name__}: {err}"))


def run_query(path: str | Path, query: str, *, timeout: float = 30.0, allow_service: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Run ``query`` on an RDF file in a child process that is killed after ``timeout`` seconds."""
    check_query(query, allow_service=allow_service)
    if timeout is None or math.isnan(timeout) or timeout <= 0:
        raise QueryError(f"timeout must be a positive number of seconds, not {timeout!r}")
    wait = None if math.isinf(timeout) else min(float(timeout), _MAX_WAIT)  # inf: no limit
    if not Path(path).exists():
        raise QueryError(f"{path}: no such RDF file (run `kg build` first)")
    ctx = mp.get_context("fork") if hasattr(mp, "get_context") and "fork" in mp.get_all_start_methods() else mp.get_context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(str(path), query, child), daemon=True)
    proc.start()
    child.close()
    if not parent.poll(wait):
        proc.kill()
        proc.join()
        raise QueryError(f"query timed out after {timeout:g} s")
    try:
        status, payload = parent.recv()
    except (EOFError, OSError):  # the worker died without answering (killed, out of memory)
        proc.join()
        raise QueryError(f"query process died (exit code {proc.exitcode})") from None
    proc.join()
    if status == "error":
        raise QueryError(payload)
    return payload


def format_rows(names: list[str], rows: list[list[Any]], fmt: str) -> str:
    """CSV or JSON text of a result table (the CLI renders ``table`` with rich)."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows(["" if v is None else v for v in r] for r in rows)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False, indent=2) + "\n"
    raise QueryError(f"unknown format {fmt!r}: choose table, csv or json")
