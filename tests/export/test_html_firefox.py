"""The HTML graph in headless Firefox: draws, works offline, executes nothing from the data, reads RTL.

Needs Debian's ``firefox-esr`` (or ``firefox``, or ``$FIREFOX``) and ``websocket-client``.
Playwright cannot drive stock Firefox, and nothing is downloaded (no geckodriver): the tests talk
WebDriver BiDi, which Firefox serves itself, over one websocket (``tests/export/_bidi.py``).
In CI::

    apt-get update && apt-get install -y --no-install-recommends firefox-esr fonts-noto-core
    pip install "websocket-client>=1.6"

Locally the tests skip (with that reason) when either is missing; set ``RAWABIT_REQUIRE_BROWSER=1``
to make a missing browser a failure instead (CI should).
"""

from __future__ import annotations

import json
import socket

import networkx as nx
import pytest

from kg.export.html import write_html
from tests.export._bidi import BiDiError, Firefox, find_firefox, remote_value
from tests.export.conftest import PAYLOADS, make_payload_graph, missing_browser

pytestmark = pytest.mark.browser

INSTALL = ("apt-get update && apt-get install -y --no-install-recommends firefox-esr fonts-noto-core; "
           "pip install 'websocket-client>=1.6'")
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def _missing(reason: str):
    missing_browser(reason, INSTALL)


@pytest.fixture(scope="module")
def firefox():
    exe = find_firefox()
    if exe is None:
        _missing("no Firefox executable (firefox-esr / firefox / $FIREFOX)")
    try:
        import websocket  # noqa: F401  (websocket-client)
    except ImportError:
        _missing("websocket-client is not installed")
    ff = Firefox(exe)
    try:
        ff.send("session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]})
        yield ff
    finally:
        ff.close()


class Page:
    """A graph page in its own tab, with the JavaScript errors and network requests seen there."""

    def __init__(self, ff: Firefox, path, *, settle: bool = True):
        self.ff = ff
        self.ctx = ff.send("browsingContext.create", {"type": "tab"})["context"]
        ff.send("browsingContext.setViewport", {"context": self.ctx, "viewport": {"width": 1400, "height": 900}})
        self.first_event = len(ff.events)
        ff.send("browsingContext.navigate", {"context": self.ctx, "url": path.as_uri(), "wait": "complete"}, timeout=20)
        if settle:
            self.wait_for("document.body.getAttribute('data-settled') === '1'", timeout=15)

    # ------------------------------------------------------------------ script
    def eval(self, js: str, arg=None, *, timeout: float | None = None):
        """Value of the expression ``js`` (or of the function ``js`` called on ``arg``); promises awaited."""
        expression = js if arg is None else f"({js})({json.dumps(arg)})"
        r = self.ff.send("script.evaluate", {"expression": expression, "target": {"context": self.ctx},
                                             "awaitPromise": True, "resultOwnership": "none"}, timeout=timeout)
        if r["type"] == "exception":
            raise AssertionError(f"script failed: {r['exceptionDetails'].get('text')}\n{expression[:300]}")
        return remote_value(r["result"])

    def wait_for(self, condition: str, *, timeout: float = 10.0):
        ms = int(timeout * 1000)
        self.eval(f"""new Promise((ok, no) => {{ const t0 = performance.now();
            (function poll() {{ if ({condition}) ok(true);
              else if (performance.now() - t0 > {ms}) no(new Error('timed out waiting for: ' + {json.dumps(condition)}));
              else setTimeout(poll, 50); }})(); }})""", timeout=timeout + 5)

    def sleep(self, ms: int):
        self.eval(f"new Promise(ok => setTimeout(ok, {int(ms)}))")

    # ------------------------------------------------------------------ input (real pointer and key events)
    def _actions(self, source: dict):
        self.ff.send("input.performActions", {"context": self.ctx, "actions": [source]})

    def click(self, x: float, y: float):
        self._actions({"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "x": round(x), "y": round(y), "duration": 0},
            {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]})

    def press_enter(self):
        self._actions({"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": "\ue007"}, {"type": "keyUp", "value": "\ue007"}]})

    def fill(self, selector: str, text: str):
        """Like Playwright's ``fill``: focus, set the value, fire ``input``."""
        self.eval("""([sel, text]) => { const el = document.querySelector(sel); el.focus(); el.value = text;
            el.dispatchEvent(new Event('input', {bubbles: true})); }""", [selector, text])

    def click_node(self, node_id: str):
        """A real click on the node drawn for entity ``node_id``, tried again (at most three times)
        if it landed while the layout was still moving (as in the Chromium test)."""
        for _ in range(3):
            self.eval("new Promise(ok => { window.kgNetwork.stopSimulation(); requestAnimationFrame(() => requestAnimationFrame(ok)); })")
            xy = self.eval("""(id) => {
                const net = window.kgNetwork, i = JSON.parse(document.getElementById('kg-data').textContent).nodes.findIndex(n => n.id === id);
                const p = net.canvasToDOM(net.getPosition(i)), r = document.getElementById('graph').getBoundingClientRect();
                return [r.left + p.x, r.top + p.y]; }""", node_id)
            self.click(*xy)
            if self.eval("window.kgNetwork.getSelectedNodes().length") == 1:
                return
            self.sleep(300)

    def click_edge(self, index: int):
        """A real click on the middle of edge ``index`` as drawn (curve included)."""
        xy = self.eval("""(i) => {
            const net = window.kgNetwork, e = net.body.edges[i];
            const m = e.edgeType.getPoint(0.5), p = net.canvasToDOM(m), r = document.getElementById('graph').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", index)
        self.click(*xy)

    # ------------------------------------------------------------------ checks
    def _events(self, method: str) -> list[dict]:
        out = []
        for e in self.ff.events[self.first_event:]:
            if e["method"] != method:
                continue
            p = e["params"]
            ctx = p.get("context") if method.startswith("network.") else (p.get("source") or {}).get("context")
            if ctx in (self.ctx, None):
                out.append(p)
        return out

    @property
    def errors(self) -> list[str]:
        self.eval("0")  # flush events that arrived since the last command
        return [f"{p.get('type')}.{p.get('level')}: {p.get('text')}" for p in self._events("log.entryAdded")
                if p.get("type") == "javascript" or p.get("level") == "error"]

    @property
    def requests(self) -> list[str]:
        seen = [p["request"]["url"] for p in self._events("network.beforeRequestSent")]
        seen += self.eval("performance.getEntriesByType('resource').map(e => e.name)")
        return [u for u in seen if not u.startswith(LOCAL_SCHEMES)]

    def panel_text(self) -> str:
        return self.eval("document.getElementById('panel-body').textContent")

    def check_clean(self):
        assert not self.errors, self.errors
        assert not self.requests, f"network requests from an offline page: {self.requests}"
        assert self.eval("typeof window.__pwned") == "undefined"

    def close(self):
        try:
            self.ff.send("browsingContext.close", {"context": self.ctx}, timeout=10)
        except BiDiError:
            pass


@pytest.fixture
def open_page(firefox, tmp_path):
    pages = []

    def _open(G: nx.MultiDiGraph) -> Page:
        path = write_html(G, tmp_path / f"graph{len(pages)}.html")
        pages.append(Page(firefox, path))
        return pages[-1]

    yield _open
    for p in pages:
        p.close()


def _canvas_ink(p: Page) -> int:
    """Pixels of the graph canvas that are not background (transparent)."""
    return p.eval("""(() => {
        const c = document.querySelector('#graph canvas'), ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data; let ink = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
        return ink; })()""")


def test_harness_sees_errors_and_requests(firefox, tmp_path):
    """The checks below would catch a page that throws or goes online (else they prove nothing)."""
    with socket.socket() as s:  # a local port nobody listens on: the requests fail at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        page = tmp_path / "canary.html"
        page.write_text(f'<!DOCTYPE html><img src="http://127.0.0.1:{port}/x.png">'
                        f'<script>fetch("https://127.0.0.1:{port}/y").catch(() => 0); no_such_function();</script>',
                        encoding="utf-8")
        p = Page(firefox, page, settle=False)
        try:
            p.sleep(200)
            assert any("no_such_function" in e for e in p.errors), p.errors
            assert f"http://127.0.0.1:{port}/x.png" in p.requests and f"https://127.0.0.1:{port}/y" in p.requests
        finally:
            p.close()


def test_draws_small_graph_offline(open_page, small_graph):
    p = open_page(small_graph)
    assert p.eval("window.kgNetwork.body.nodeIndices.length") == small_graph.number_of_nodes()
    assert p.eval("window.kgNetwork.body.edgeIndices.length") == small_graph.number_of_edges()
    assert p.eval("document.querySelectorAll('#graph canvas').length") == 1
    assert _canvas_ink(p) > 2000
    assert p.eval("document.documentElement.dir") == "rtl"
    legend = p.eval("document.getElementById('legend-entities').textContent")
    assert "شخص" in legend and "دولة" in legend
    p.check_clean()


def test_side_panel_reads_right_to_left(open_page, small_graph):
    p = open_page(small_graph)
    p.click_node("recep-tayyip-erdogan")
    assert p.eval("window.kgNetwork.getSelectedNodes().length") == 1
    assert "رجب طيب أردوغان" in p.panel_text() and "Recep Tayyip Erdoğan" in p.panel_text()
    assert p.eval("getComputedStyle(document.querySelector('#panel-body h3')).direction") == "rtl"
    assert p.eval("getComputedStyle(document.querySelector('#panel-body .sub')).direction") == "ltr"  # the English name
    p.eval("window.kgNetwork.fit({animation: false})")
    ev_ids = p.eval("JSON.parse(document.getElementById('kg-data').textContent).edges.map(e => e.ev_id)")
    p.click_edge(ev_ids.index("met-0a1b2c3d4e"))
    assert "استقبل الرئيس عبد الفتاح السيسي نظيره التركي رجب طيب أردوغان" in p.panel_text()
    sentence = "document.querySelector('#panel-body p.sentence')"
    assert p.eval(f"{sentence}.getAttribute('dir')") == "rtl"
    assert p.eval(f"getComputedStyle({sentence}).direction") == "rtl"
    assert p.eval("getComputedStyle(document.getElementById('panel')).direction") == "rtl"
    marks = p.eval("[...document.querySelectorAll('#panel-body mark')].map(m => m.textContent)")
    assert "عبد الفتاح السيسي" in marks and "رجب طيب أردوغان" in marks
    p.fill("#search", "اردوغان")
    results = p.eval("[...document.querySelectorAll('#search-results button')].map(b => b.textContent)")
    assert results and "رجب طيب أردوغان" in results[0], results
    p.check_clean()


def test_payloads_execute_nothing_and_show_literally(open_page):
    p = open_page(make_payload_graph())
    ev_ids = p.eval("JSON.parse(document.getElementById('kg-data').textContent).edges.map(e => e.ev_id)")
    for k, text in enumerate(PAYLOADS):
        # long payload labels overlap; move the node to an empty spot so the click is unambiguous
        p.eval("""(id) => { const net = window.kgNetwork;
            const i = JSON.parse(document.getElementById('kg-data').textContent).nodes.findIndex(n => n.id === id);
            net.moveNode(i, 4000 * Math.cos(i), 4000 * Math.sin(i)); net.focus(i, {scale: 0.6, animation: false}); }""", f"evil-{k}")
        p.click_node(f"evil-{k}")
        assert p.eval("window.kgNetwork.getSelectedNodes().length") == 1
        assert text in p.panel_text(), text
        p.eval("window.kgNetwork.fit({animation: false})")
        p.click_edge(ev_ids.index(f"met-evil-{k}"))
        assert p.eval("window.kgNetwork.getSelectedEdges()") == [ev_ids.index(f"met-evil-{k}")]
        body = p.panel_text()
        assert f"التقى {text} مع بوتين {text}" in body  # sentence, literally
        assert f"/in/{text}.txt" in body  # document title and path
        assert p.eval("document.querySelectorAll('#panel-body img, #panel-body script, #panel-body svg, #panel-body iframe').length") == 0
        assert p.eval("[...document.querySelectorAll('#panel a')].every(a => a.href.startsWith('https://www.wikidata.org/wiki/Q'))")
        p.fill("#search", text[:12])
        p.press_enter()
        p.sleep(700)  # the focus animation
        assert p.eval("typeof window.__pwned") == "undefined", text
    for text in PAYLOADS:
        p.fill("#search", text)
        assert p.eval("document.querySelectorAll('#search-results img, #search-results script, #search-results svg').length") == 0
    assert p.eval("document.querySelectorAll('body img, body iframe, body svg').length") == 0
    assert p.eval("document.scripts.length") == 3
    p.check_clean()


def test_big_graph_draws_without_physics(open_page):
    import random

    rng = random.Random(3)
    G = nx.MultiDiGraph()
    n = 800
    for i in range(n):
        G.add_node(f"n{i:04d}", type=rng.choice(["PERSON", "STATE", "ORG"]), label_ar=f"شخص رقم {i}", aliases=[])
    for i in range(1, n):
        j = rng.randrange(i)
        G.add_edge(f"n{i:04d}", f"n{j:04d}", key=f"met-{i}", type="met", event_id=f"met-{i}", date="2024", status="asserted",
                   evidence=[{"doc": "d", "start": 0, "end": 1, "sentence": "جملة", "extractor": "x", "confidence": 1}])
    p = open_page(G)
    assert p.eval("window.kgNetwork.physics.options.enabled") is False
    assert p.eval("window.kgNetwork.body.nodeIndices.length") == n
    assert _canvas_ink(p) > 5000
    p.fill("#search", "شخص رقم 7")
    p.eval("document.getElementById('search').focus()")
    p.press_enter()
    assert "شخص رقم 7" in p.panel_text()
    p.check_clean()
