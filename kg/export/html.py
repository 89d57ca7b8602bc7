"""The interactive HTML graph analysts open in a browser (one self-contained, offline file).

Drawing is done by vis-network 9.1.2, the library pyvis ships: its JavaScript is read from the
installed ``pyvis`` package at export time and inlined, so the page loads nothing from the
network.  pyvis' own ``Network`` class and template are not used: the template pulls bootstrap
and tom-select from CDNs, its ``title`` tooltips are HTML, ``add_node``/``add_edge`` are linear
per call (quadratic on a 5,000-node graph) and importing it imports IPython.

Safety: every string that comes from a document (names, sentences, titles, file names, ids) is
attacker-controlled.  The graph travels as JSON inside ``<script type="application/json">`` with
``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and the page's script (``templates/graph.js``)
puts it on screen only through ``textContent`` / plain-text vis labels; no user text is ever
parsed as HTML.

Determinism: nodes and edges are sorted, layouts use fixed seeds and rounded coordinates, and
there are no timestamps, so the same graph gives byte-identical HTML.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from kg.util import atomic_write_text

__all__ = ["to_html", "write_html", "graph_payload", "layout_positions", "PHYSICS_MAX_NODES"]

PHYSICS_MAX_NODES = 500  # above this, positions come from Python and physics is off
EDGE_LABELS_MAX_EDGES = 1500  # above this, edges carry no canvas label (tooltip and panel only)
VIS_VERSION = "vis-9.1.2"
TEMPLATES = Path(__file__).with_name("templates")

ENTITY_TYPES: dict[str, dict[str, str]] = {
    "PERSON": {"ar": "شخص", "en": "Person", "color": "#2f7ebc"},
    "STATE": {"ar": "دولة", "en": "State", "color": "#e0892b"},
    "PARTY": {"ar": "حزب", "en": "Party", "color": "#8e4fb0"},
    "ORG": {"ar": "منظمة", "en": "Organization", "color": "#2e9e5b"},
    "PLACE": {"ar": "مكان", "en": "Place", "color": "#7a8a99"},
    "AGREEMENT": {"ar": "اتفاقية", "en": "Agreement", "color": "#c43c39"},
}
OTHER_TYPE = {"ar": "غير ذلك", "en": "Other", "color": "#a0a0a0"}

EDGE_TYPES: dict[str, dict[str, Any]] = {
    "met": {"ar": "التقى", "en": "met", "color": "#2f6db5", "arrow": False},
    "signed": {"ar": "وقّع", "en": "signed", "color": "#9b3fb5", "arrow": True},
    "visited": {"ar": "زار", "en": "visited", "color": "#23924a", "arrow": True},
    "attended": {"ar": "حضر", "en": "attended", "color": "#138a9e", "arrow": True},
    "invited": {"ar": "دعا", "en": "invited", "color": "#a68a0d", "arrow": True},
    "sent_message": {"ar": "أرسل رسالة", "en": "sent a message", "color": "#c2477f", "arrow": True},
    "phone_call": {"ar": "اتصال هاتفي", "en": "phone call", "color": "#8c5a3c", "arrow": True},
}
OTHER_EDGE = {"ar": "علاقة", "en": "relation", "color": "#888888", "arrow": True}

STATUSES: dict[str, dict[str, Any]] = {
    "asserted": {"ar": "مؤكَّد", "en": "asserted", "dashes": False},
    "planned": {"ar": "مخطَّط له", "en": "planned", "dashes": [8, 6]},
    "negated": {"ar": "منفي", "en": "negated", "dashes": [3, 5]},
    "hypothetical": {"ar": "افتراضي", "en": "hypothetical", "dashes": [12, 4, 3, 4]},
}


# --------------------------------------------------------------------------- public API


def to_html(G: nx.MultiDiGraph, *, title: str | None = None) -> str:
    """The graph as one self-contained HTML page (no network access needed to open it)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.get_template("graph.html.j2")
    vis_js = _vis_asset("vis-network.min.js")
    page = template.render(
        page_title=title or "روابط · Rawabit",
        vis_js=Markup(_script_safe(vis_js)),
        app_js=Markup(_script_safe((TEMPLATES / "graph.js").read_text(encoding="utf-8"))),
        app_css=Markup(_style_safe((TEMPLATES / "graph.css").read_text(encoding="utf-8"))),
        data_json=Markup(json_for_script(graph_payload(G))),
    )
    return page


def write_html(G: nx.MultiDiGraph, path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`to_html` to ``path`` atomically (a crash never leaves half a page)."""
    return atomic_write_text(Path(path), to_html(G, **kwargs))


# --------------------------------------------------------------------------- escaping


def json_for_script(obj: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">`` whatever its strings hold."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _script_safe(js: str) -> str:
    """Inline JavaScript that cannot close its ``<script>`` element early."""
    js = "\n".join(line for line in js.split("\n") if not line.startswith("//# sourceMappingURL="))
    low = js.lower()
    if "</script" in low or "<!--" in low:
        raise ValueError("inline script would end its <script> element early")
    return js


def _style_safe(css: str) -> str:
    if "</style" in css.lower():
        raise ValueError("inline style would end its <style> element early")
    return css


def _vis_asset(name: str) -> str:
    spec = importlib.util.find_spec("pyvis")  # locate without importing (pyvis imports IPython)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed; the HTML graph needs its vis-network files")
    for base in spec.submodule_search_locations:
        path = Path(base) / "lib" / VIS_VERSION / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise RuntimeError(f"pyvis has no lib/{VIS_VERSION}/{name}; pyvis==0.3.2 is required")


# --------------------------------------------------------------------------- data


def _str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _num(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return round(x, 3) if math.isfinite(x) else None


def _edge_sort_key(e: tuple) -> tuple:
    u, v, k, _ = e
    return (str(u), str(v), str(k))


def graph_payload(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-able data in a deterministic order."""
    node_ids = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(node_ids)}
    edges = sorted(G.edges(keys=True, data=True), key=_edge_sort_key)
    degree: Counter = Counter()
    for u, v, _k, _d in edges:
        degree[u] += 1
        degree[v] += 1
    positions = layout_positions(G, node_ids, edges)

    nodes = []
    for n in node_ids:
        d = G.nodes[n]
        deg = degree[n]
        x, y = positions[n]
        nodes.append({
            "id": _str(n),
            "ar": _str(d.get("label_ar")) or _str(n),
            "en": _str(d.get("label_en")),
            "t": _str(d.get("type")) or "",
            "al": sorted({_str(a) for a in (d.get("aliases") or []) if a}),
            "q": _str(d.get("qid")),
            "docs": [_str(x) for x in (d.get("documents") or [])],
            "mc": d.get("mention_count") if isinstance(d.get("mention_count"), int) else None,
            "pos": [{"role": _str(p.get("role")), "of": _str(p.get("of")), "title": _str(p.get("title")),
                     "doc": _str(p.get("doc"))} for p in (d.get("positions") or []) if isinstance(p, dict)],
            "deg": deg,
            "size": round(9 + 4.5 * math.sqrt(deg), 1) if deg else 7,
            "x": x,
            "y": y,
        })

    evidence_table: list[list[dict[str, Any]]] = []
    evidence_index: dict[str, int] = {}
    pair_count: Counter = Counter()
    out_edges = []
    for u, v, k, d in edges:
        ev = [{"doc": _str(e.get("doc")), "s": _str(e.get("sentence")) or "", "x": _str(e.get("extractor")),
               "c": _num(e.get("confidence")), "b": e.get("start") if isinstance(e.get("start"), int) else None,
               "e": e.get("end") if isinstance(e.get("end"), int) else None}
              for e in (d.get("evidence") or []) if isinstance(e, dict)]
        sig = json.dumps(ev, ensure_ascii=False, sort_keys=True)
        if sig not in evidence_index:
            evidence_index[sig] = len(evidence_table)
            evidence_table.append(ev)
        pair = (min(index[u], index[v]), max(index[u], index[v]))
        parallel = pair_count[pair]
        pair_count[pair] += 1
        place = d.get("place")
        out_edges.append({
            "f": index[u], "to": index[v], "k": _str(k),
            "t": _str(d.get("type")) or "",
            "ev_id": _str(d.get("event_id")),
            "d": _str(d.get("date")),
            "p": index.get(place) if place is not None and place in index else None,
            "pl": _str(place) if place is not None and place not in index else None,
            "s": _str(d.get("status")) or "asserted",
            "c": _num(d.get("confidence")),
            "cameo": _str(d.get("cameo")),
            "ev": evidence_index[sig],
            "par": parallel,
        })

    docs_meta = G.graph.get("documents") or {}
    documents = {}
    for doc_id in sorted(docs_meta, key=str):
        m = docs_meta[doc_id] if isinstance(docs_meta[doc_id], dict) else {}
        documents[_str(doc_id)] = {"title": _str(m.get("title")), "date": _str(m.get("date")),
                                   "path": _str(m.get("path")), "date_source": _str(m.get("date_source"))}

    entity_types = dict(ENTITY_TYPES)
    for t in sorted({n["t"] for n in nodes} - set(entity_types)):
        entity_types[t] = {**OTHER_TYPE, "en": t or OTHER_TYPE["en"]}
    edge_types = dict(EDGE_TYPES)
    for t in sorted({e["t"] for e in out_edges} - set(edge_types)):
        edge_types[t] = {**OTHER_EDGE, "en": t or OTHER_EDGE["en"]}

    big = len(nodes) > PHYSICS_MAX_NODES
    return {
        "nodes": nodes,
        "edges": out_edges,
        "evidence": evidence_table,
        "documents": documents,
        "meta": {
            "entity_types": [{"key": k, **v} for k, v in entity_types.items()],
            "edge_types": [{"key": k, **v} for k, v in edge_types.items()],
            "statuses": [{"key": k, **v} for k, v in STATUSES.items()],
            "physics": not big,
            "edge_labels": len(out_edges) <= EDGE_LABELS_MAX_EDGES,
            "counts": {"nodes": len(nodes), "edges": len(out_edges),
                       "events": len({e["ev_id"] for e in out_edges}), "documents": len(documents)},
        },
    }


# --------------------------------------------------------------------------- layout


def layout_positions(G: nx.MultiDiGraph, node_ids: list | None = None, edges: list | None = None,
                     *, seed: int = 7) -> dict[Any, tuple[float, float]]:
    """Deterministic positions in vis-network pixels (fixed seed, sorted input, rounded output).

    Each connected component is laid out alone, then components are packed in rows, biggest
    first (a force layout of the whole graph flings small components to a far ring and squeezes
    the giant one).  Components up to :data:`PHYSICS_MAX_NODES` nodes use ``nx.spring_layout``;
    bigger ones a particle-mesh force layout in NumPy that is near-linear in graph size
    (``nx.spring_layout`` takes minutes on 5,000 nodes).
    """
    node_ids = sorted(G.nodes, key=str) if node_ids is None else node_ids
    if edges is None:
        edges = sorted(G.edges(keys=True, data=True), key=_edge_sort_key)
    n = len(node_ids)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(node_ids)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v, _k, _d in edges if u != v})
    H = nx.Graph()
    H.add_nodes_from(range(n))
    H.add_edges_from(pairs)
    comps = sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: (-len(c), c[0]))
    spacing = 130.0 if n <= PHYSICS_MAX_NODES else 70.0

    blocks = []  # (members, local coordinates scaled to pixels with origin at the top-left, width, height)
    for comp in comps:
        m = len(comp)
        if m <= 3:
            raw = [(math.cos(2 * math.pi * j / m), math.sin(2 * math.pi * j / m)) for j in range(m)] if m > 1 else [(0.0, 0.0)]
        else:
            local = {v: j for j, v in enumerate(comp)}
            sub = sorted((local[a], local[b]) for a, b in H.subgraph(comp).edges())
            if m <= PHYSICS_MAX_NODES:
                S = nx.Graph()
                S.add_nodes_from(range(m))
                S.add_edges_from(sub)
                lay = nx.spring_layout(S, seed=seed, iterations=80)
                raw = [tuple(map(float, lay[j])) for j in range(m)]
            else:
                raw = _mesh_layout(m, sub, seed=seed)
        xs = [p[0] for p in raw]
        ys = [p[1] for p in raw]
        extent = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        scale = spacing * (math.sqrt(m) if m > 3 else 1.0) / extent if m > 1 else 1.0
        pts = [((x - min(xs)) * scale, (y - min(ys)) * scale) for x, y in raw]
        blocks.append((comp, pts, (max(xs) - min(xs)) * scale if m > 1 else 0.0, (max(ys) - min(ys)) * scale if m > 1 else 0.0))

    # shelf packing, rows no wider than the biggest block or a square's side, whichever is larger
    margin = spacing
    area = sum((w + margin) * (h + margin) for _c, _p, w, h in blocks)
    row_width = max(blocks[0][2] + margin, math.sqrt(area) * 1.2)
    out: dict[int, tuple[float, float]] = {}
    x0 = y0 = row_h = 0.0
    for comp, pts, w, h in blocks:
        if x0 > 0 and x0 + w > row_width:
            x0, y0, row_h = 0.0, y0 + row_h + margin, 0.0
        for v, (x, y) in zip(comp, pts):
            out[v] = (x0 + x, y0 + y)
        x0 += w + margin
        row_h = max(row_h, h)
    xs = [p[0] for p in out.values()]
    ys = [p[1] for p in out.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {node_ids[i]: (round(x - cx, 1), round(y - cy, 1)) for i, (x, y) in out.items()}


def _mesh_layout(n: int, pairs: list[tuple[int, int]], *, seed: int, iterations: int = 150) -> list[tuple[float, float]]:
    """Fruchterman-Reingold with long-range repulsion on a grid (FFT convolution), short-range exact.

    Repulsion k²/d is spread on a grid by cloud-in-cell deposit and convolved with the kernel
    by FFT; pairs that share a cell (and edge endpoints) repel exactly, so leaves do not collapse
    onto their hub.  Weak gravity keeps the component round.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)) * math.sqrt(n)
    k = 1.0  # ideal edge length (positions live in a box of side ≈ sqrt(n))
    eu = np.array([p[0] for p in pairs], dtype=np.int64)
    ev = np.array([p[1] for p in pairs], dtype=np.int64)
    M = 128
    G2 = 2 * M
    # FFT of the repulsion kernel over displacements (-M..M-1 cells), for a 2M×2M convolution;
    # in cell units it is r/|r|², scaled by k²/h each iteration (h = cell size)
    ii = np.arange(-M, M)
    dx, dy = np.meshgrid(ii, ii, indexing="ij")
    r2 = (dx * dx + dy * dy).astype(float)
    r2[M, M] = 1.0
    kx = np.fft.rfft2(np.fft.ifftshift(dx / r2))
    ky = np.fft.rfft2(np.fft.ifftshift(dy / r2))
    temp0 = math.sqrt(n) / 8
    for it in range(iterations):
        lo = pos.min(axis=0)
        span = max(float((pos.max(axis=0) - lo).max()), 1e-6) * (1 + 1e-6)
        h = span / (M - 1)
        g = (pos - lo) / h
        i0 = np.clip(np.floor(g).astype(np.int64), 0, M - 2)
        f = g - i0
        corners = [((1 - f[:, 0]) * (1 - f[:, 1]), 0, 0), (f[:, 0] * (1 - f[:, 1]), 1, 0),
                   ((1 - f[:, 0]) * f[:, 1], 0, 1), (f[:, 0] * f[:, 1], 1, 1)]
        flat = [(i0[:, 0] + ox) * G2 + (i0[:, 1] + oy) for _w, ox, oy in corners]
        rho = np.zeros(G2 * G2)
        for (wt, _ox, _oy), idx in zip(corners, flat):
            rho += np.bincount(idx, weights=wt, minlength=G2 * G2)
        R = np.fft.rfft2(rho.reshape(G2, G2))
        fx = np.fft.irfft2(R * kx, s=(G2, G2)).ravel() * (k * k / h)
        fy = np.fft.irfft2(R * ky, s=(G2, G2)).ravel() * (k * k / h)
        disp = np.zeros_like(pos)
        for (wt, _ox, _oy), idx in zip(corners, flat):
            disp[:, 0] += wt * fx[idx]
            disp[:, 1] += wt * fy[idx]
        # short range: exact repulsion among nodes of the same cell (neighbours in cell order)
        cell = i0[:, 0] * M + i0[:, 1]
        order = np.argsort(cell, kind="stable")
        for off in (1, 2, 3, 4):
            a, b = order[:-off], order[off:]
            same = cell[a] == cell[b]
            a, b = a[same], b[same]
            if len(a):
                d = pos[a] - pos[b]
                fr = k * k * d / np.maximum((d * d).sum(axis=1), 1e-4)[:, None]
                disp[:, 0] += np.bincount(a, fr[:, 0], n) - np.bincount(b, fr[:, 0], n)
                disp[:, 1] += np.bincount(a, fr[:, 1], n) - np.bincount(b, fr[:, 1], n)
        if len(eu):
            d = pos[eu] - pos[ev]
            dist = np.maximum(np.sqrt((d * d).sum(axis=1)), 1e-3)[:, None]
            fa = d * dist / k - k * k * d / (dist * dist)  # attraction minus the pair's exact repulsion
            disp[:, 0] += np.bincount(ev, fa[:, 0], n) - np.bincount(eu, fa[:, 0], n)
            disp[:, 1] += np.bincount(ev, fa[:, 1], n) - np.bincount(eu, fa[:, 1], n)
        disp -= 0.05 * (pos - pos.mean(axis=0))
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-9)[:, None]
        temp = temp0 * (1 - it / iterations) + 0.01
        pos += disp / length * np.minimum(length, temp)
    return [(float(x), float(y)) for x, y in pos]
