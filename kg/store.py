"""Oxigraph store for large graphs: ``kg load`` (bulk load of ``graph.nt``) and ``kg query --store``.

Uses pyoxigraph (a core dependency: it also writes ``graph.ttl``).  Queries run read-only
(``Store.read_only``) in a child process killed after the timeout, after the same checks as
``kg query`` on files (:func:`kg.query.check_query`: no updates, no SERVICE by default).
"""

from __future__ import annotations

import math
import multiprocessing as mp
from pathlib import Path
from typing import Any

from kg.errors import BackendUnavailable, QueryError

__all__ = ["load_store", "query_store"]

_FORMATS = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".nq": "N_QUADS", ".trig": "TRIG", ".rdf": "RDF_XML",
            ".jsonld": "JSON_LD"}


def _pyoxigraph():
    try:
        import pyoxigraph
    except ImportError as err:
        raise BackendUnavailable("the Oxigraph store needs pyoxigraph: pip install pyoxigraph") from err
    return pyoxigraph


def _source_file(source: Path) -> Path:
    if source.is_dir():
        for name in ("graph.nt", "graph.ttl"):
            if (source / name).is_file():
                return source / name
        raise QueryError(f"{source}: no graph.nt or graph.ttl in this folder (run `kg build` first)")
    if not source.is_file():
        raise QueryError(f"{source}: no such file or folder")
    if source.suffix not in _FORMATS:
        raise QueryError(f"{source}: unknown RDF format (use .nt .ttl .nq .trig .rdf .jsonld)")
    return source


def load_store(source: str | Path, store: str | Path, *, replace: bool = False) -> int:
    """Bulk-load a build folder's ``graph.nt`` (or ``graph.ttl``, or any RDF file) into the
    Oxigraph store at ``store`` (created if needed); returns the number of triples in the store."""
    ox = _pyoxigraph()
    path = _source_file(Path(source))
    fmt = getattr(ox.RdfFormat, _FORMATS[path.suffix])
    Path(store).mkdir(parents=True, exist_ok=True)
    try:
        st = ox.Store(str(store))
    except OSError as err:
        raise QueryError(f"{store}: cannot open the store ({err})") from None
    try:
        if replace:
            st.clear()
        try:
            st.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as err:
            raise QueryError(f"{path}: cannot load ({err})") from None
        st.flush()
        return len(st)
    finally:
        del st


def _value(term: Any) -> Any:
    if term is None:
        return None
    return getattr(term, "value", str(term))


def _execute(store: str, query: str) -> tuple[list[str], list[list[Any]]]:
    ox = _pyoxigraph()
    st = ox.Store.read_only(store)
    res = st.query(query)
    if isinstance(res, ox.QueryBoolean):
        return ["ask"], [[bool(res)]]
    if isinstance(res, ox.QueryTriples):
        return ["subject", "predicate", "object"], [[_value(t.subject), _value(t.predicate), _value(t.object)] for t in res]
    names = [v.value for v in res.variables]
    return names, [[_value(sol[v]) for v in res.variables] for sol in res]


def _worker(store: str, query: str, conn) -> None:
    try:
        conn.send(("ok", _execute(store, query)))
    except Exception as err:  # noqa: BLE001
        conn.send(("error", f"{type(err).__name__}: {err}"))


def query_store(store: str | Path, query: str, *, timeout: float = 30.0, allow_service: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Run a read-only SPARQL query on an Oxigraph store, in a child process stopped after ``timeout`` s."""
    from kg.query import check_query

    check_query(query, allow_service=allow_service)
    _pyoxigraph()
    if timeout is None or math.isnan(timeout) or timeout <= 0:
        raise QueryError(f"timeout must be a positive number of seconds, not {timeout!r}")
    wait = None if math.isinf(timeout) else min(float(timeout), 7 * 24 * 3600.0)
    if not Path(store).is_dir():
        raise QueryError(f"{store}: no such store (run `kg load OUTPUT --store {store}` first)")
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(str(store), query, child), daemon=True)
    proc.start()
    child.close()
    if not parent.poll(wait):
        proc.kill()
        proc.join()
        raise QueryError(f"query timed out after {timeout:g} s")
    try:
        status, payload = parent.recv()
    except (EOFError, OSError):
        proc.join()
        raise QueryError(f"query process died (exit code {proc.exitcode})") from None
    proc.join()
    if status == "error":
        raise QueryError(payload)
    return payload
