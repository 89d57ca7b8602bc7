"""Streamed N-Triples: the same triples as :func:`kg.export.rdf.to_rdf`, written line by line.

No rdflib ``Graph`` is built, so memory stays at the size of the NetworkX graph whatever the
number of triples (rdflib needs about 1 KB per triple).  Lines come in a deterministic order
(documents, entities, events, each sorted by id; then the ontology) and every triple is written
once.  ``kg load`` reads this file into an Oxigraph store.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import quote

import networkx as nx

from kg.export.namespaces import (
    AGENT_PROPERTY, DIRECT_PROPERTY, DOC, ENTITY_CLASSES, EVENT, EVENT_CLASSES, ID, RWB, TARGET_PROPERTY, WD,
)
from kg.graph.schema import iter_events
from kg.util import atomic_file

__all__ = ["iter_ntriples", "write_ntriples"]

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_OWL_SAMEAS = "<http://www.w3.org/2002/07/owl#sameAs>"
_PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
_XSD_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"


def _iri(term) -> str:
    return f"<{term}>"


def _r(name: str) -> str:
    return f"<{RWB}{name}>"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\x00-\x1f\x7f]')
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _esc(ch: str) -> str:
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def _lit(text: str, lang: str | None = None) -> str:
    s = str(text)
    if _NEEDS_ESCAPE.search(s):
        s = _NEEDS_ESCAPE.sub(lambda m: _esc(m.group()), s)
    return f'"{s}"@{lang}' if lang else f'"{s}"'


def _ent(entity_id: str) -> str:
    return f"<{ID}{quote(entity_id, safe='-_.~')}>"


def _doc(doc_id: str) -> str:
    return f"<{DOC}{quote(doc_id, safe='-_.~')}>"


def _wd(qid: str) -> str:
    q = str(qid)
    return f"<{WD}{quote(q, safe='') if _BAD_IRI.search(q) else q}>"


@lru_cache(maxsize=4096)
def _decimal(value: float) -> str:
    from rdflib import XSD, Literal

    return Literal(Decimal(str(value)), datatype=XSD.decimal).n3()


@lru_cache(maxsize=65536)
def _date(value: str) -> str:
    from kg.export.rdf import date_literal

    lit = date_literal(value)
    if lit.datatype is None:
        return _lit(value)
    return f"{_lit(str(lit))}^^<{lit.datatype}>"


@lru_cache(maxsize=1)
def _ontology_lines() -> tuple[str, ...]:
    from kg.export.rdf import load_ontology

    data = load_ontology().serialize(format="nt", encoding="utf-8").decode("utf-8")
    return tuple(sorted({line + "\n" for line in data.splitlines() if line.strip()}))


def iter_ntriples(G: nx.MultiDiGraph, *, include_ontology: bool = True) -> Iterator[str]:
    """Every triple of :func:`kg.export.rdf.to_rdf` as one N-Triples line (with its newline)."""
    r_document, r_identifier, r_date, r_datesrc = _r("Document"), _r("identifier"), _r("date"), _r("dateSource")
    for doc_id, meta in sorted(G.graph.get("documents", {}).items()):
        d = _doc(doc_id)
        yield f"{d} {_RDF_TYPE} {r_document} .\n"
        yield f"{d} {r_identifier} {_lit(doc_id)} .\n"
        if meta.get("title"):
            yield f"{d} {_RDFS_LABEL} {_lit(meta['title'], 'ar')} .\n"
        if meta.get("date"):
            yield f"{d} {r_date} {_date(meta['date'])} .\n"
        if meta.get("date_source"):
            yield f"{d} {r_datesrc} {_lit(meta['date_source'])} .\n"

    r_mentioned, r_holds, r_position, r_role, r_posof = (
        _r("mentionedIn"), _r("holdsPosition"), _r("Position"), _r("role"), _r("positionOf"))
    classes = {k: _iri(v) for k, v in ENTITY_CLASSES.items()}
    for node, data in sorted(G.nodes(data=True), key=lambda nd: nd[0]):
        e = _ent(node)
        yield f"{e} {_RDF_TYPE} {classes[data['type']]} .\n"
        label_ar = _lit(data["label_ar"], "ar")
        yield f"{e} {_RDFS_LABEL} {label_ar} .\n"
        if data.get("label_en"):
            yield f"{e} {_RDFS_LABEL} {_lit(data['label_en'], 'en')} .\n"
        seen = {label_ar}
        for alias in data.get("aliases", []):
            a = _lit(alias, "ar")
            if a not in seen:
                seen.add(a)
                yield f"{e} {_SKOS_ALT} {a} .\n"
        if data.get("qid"):
            yield f"{e} {_OWL_SAMEAS} {_wd(data['qid'])} .\n"
        for doc_id in dict.fromkeys(data.get("documents", [])):
            yield f"{e} {r_mentioned} {_doc(doc_id)} .\n"
        for n, pos in enumerate(data.get("positions", [])):
            p = f"<{ID}{quote(node, safe='-')}/position/{n + 1}>"
            yield f"{e} {r_holds} {p} .\n"
            yield f"{p} {_RDF_TYPE} {r_position} .\n"
            if pos.get("role"):
                yield f"{p} {r_role} {_lit(pos['role'])} .\n"
            if pos.get("of"):
                yield f"{p} {r_posof} {_ent(pos['of'])} .\n"
            if pos.get("title"):
                yield f"{p} {_RDFS_LABEL} {_lit(pos['title'], 'ar')} .\n"

    r_status, r_conf, r_cameo, r_place, r_evtext, r_evidence, r_evclass, r_sentence, r_start, r_end, r_extractor = (
        _r("status"), _r("confidence"), _r("cameoCode"), _r("place"), _r("evidenceText"), _r("evidence"),
        _r("Evidence"), _r("sentence"), _r("start"), _r("end"), _r("extractor"))
    ev_classes = {k: _iri(v) for k, v in EVENT_CLASSES.items()}
    agent_props = {k: _iri(v) for k, v in AGENT_PROPERTY.items()}
    target_props = {k: _iri(v) for k, v in TARGET_PROPERTY.items()}
    direct_props = {k: _iri(v) for k, v in DIRECT_PROPERTY.items()}
    r_agent, r_target = _r("agent"), _r("target")
    direct_seen: set[tuple[str, str, str]] = set()
    for ev in iter_events(G):
        eid = ev["event_id"]
        x = f"<{EVENT}{quote(eid, safe='-_.~')}>"
        etype = ev["type"]
        out: dict[str, None] = {}  # this event's lines, once each, in order
        out[f"{x} {_RDF_TYPE} {ev_classes[etype]} .\n"] = None
        out[f"{x} {r_status} {_lit(ev['status'])} .\n"] = None
        out[f"{x} {r_conf} {_decimal(ev['confidence'])} .\n"] = None
        if ev.get("cameo"):
            out[f"{x} {r_cameo} {_lit(ev['cameo'])} .\n"] = None
        agent_prop = agent_props.get(etype, r_agent)
        for a in ev["participants"]:
            out[f"{x} {agent_prop} {_ent(a)} .\n"] = None
        target_prop = target_props.get(etype, r_target)
        for t in ev.get("targets") or []:
            out[f"{x} {target_prop} {_ent(t)} .\n"] = None
        if ev.get("date"):
            out[f"{x} {r_date} {_date(ev['date'])} .\n"] = None
        if ev.get("place"):
            out[f"{x} {r_place} {_ent(ev['place'])} .\n"] = None
        base = f"{EVENT}{quote(eid, safe='-')}/evidence/"
        for n, evd in enumerate(ev["evidence"]):
            d = _doc(evd["doc"])
            sentence = _lit(evd["sentence"], "ar")
            s = f"<{base}{n + 1}>"
            out[f"{x} {_PROV_DERIVED} {d} .\n"] = None
            out[f"{x} {r_evtext} {sentence} .\n"] = None
            out[f"{x} {r_evidence} {s} .\n"] = None
            out[f"{s} {_RDF_TYPE} {r_evclass} .\n"] = None
            out[f"{s} {r_sentence} {sentence} .\n"] = None
            out[f'{s} {r_start} "{int(evd["start"])}"^^{_XSD_INTEGER} .\n'] = None
            out[f'{s} {r_end} "{int(evd["end"])}"^^{_XSD_INTEGER} .\n'] = None
            out[f"{s} {r_extractor} {_lit(evd['extractor'])} .\n"] = None
            out[f"{s} {r_conf} {_decimal(evd['confidence'])} .\n"] = None
            out[f"{s} {_PROV_DERIVED} {d} .\n"] = None
        yield from out
        if ev["status"] == "asserted" and etype in direct_props:
            prop = direct_props[etype]
            if etype == "met":
                pairs = [(a, b) for a in ev["participants"] for b in ev["participants"] if a != b]
            else:
                pairs = [(a, t) for a in ev["participants"] for t in ev.get("targets") or []]
            for a, b in pairs:
                key = (a, prop, b)
                if key not in direct_seen:
                    direct_seen.add(key)
                    yield f"{_ent(a)} {prop} {_ent(b)} .\n"
    if include_ontology:
        yield from _ontology_lines()


def _write(fh: IO[bytes], lines: Iterator[str], batch: int = 4096) -> int:
    n = 0
    buf: list[str] = []
    for line in lines:
        buf.append(line)
        if len(buf) >= batch:
            fh.write("".join(buf).encode("utf-8"))
            n += len(buf)
            buf.clear()
    fh.write("".join(buf).encode("utf-8"))
    return n + len(buf)


def write_ntriples(G: nx.MultiDiGraph, path: str | Path, *, include_ontology: bool = True) -> int:
    """Stream the graph to ``path`` (atomically: temporary file, then rename); returns the number
    of triples written."""
    with atomic_file(path) as fh:
        return _write(fh, iter_ntriples(G, include_ontology=include_ontology))
