"""The HTML graph in headless Chromium: draws, works offline, executes nothing from the data.

Needs the Debian ``chromium`` package and Playwright-python (no browser download: Playwright
drives ``/usr/bin/chromium``).  In CI::

    apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-core
    pip install "playwright>=1.40"

Locally the tests skip (with that reason) when either is missing; set ``RAWABIT_REQUIRE_BROWSER=1``
to make a missing browser a failure instead (CI should).
"""

from __future__ import annotations

import tempfile

import networkx as nx
import pytest

from kg.export.html import write_html
from kg.export.screenshot import chromium_args, find_chromium
from tests.export.conftest import PAYLOADS, make_payload_graph, make_small_graph, missing_browser

pytestmark = pytest.mark.browser

INSTALL = ("apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-core; "
           "pip install 'playwright>=1.40'")


def _missing(reason: str):
    missing_browser(reason, INSTALL)


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        _missing("no Chromium executable (chromium / $CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright-python is not installed")
    with tempfile.TemporaryDirectory(prefix="rawabit-chromium-") as profile, sync_playwright() as p:
        args = [a for a in chromium_args(profile) if not a.startswith(("--headless", "--user-data-dir"))]
        b = p.chromium.launch(executable_path=exe, headless=True, args=args)
        yield b
        b.close()


class Page:
    """A loaded graph page that records console errors, page errors and network requests."""

    def __init__(self, browser, path):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def route(r):
            url = r.request.url
            if not url.startswith(("file:", "data:", "about:")):
                self.requests.append(url)
                return r.abort()
            return r.continue_()

        self.page.route("**/*", route)
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function("document.body.getAttribute('data-settled') === '1'", timeout=30_000)

    def eval(self, js, arg=None):
        return self.page.evaluate(js, arg)

    def click_node(self, node_id: str):
        """A real mouse click on the node drawn for entity ``node_id``.

        The layout may still be settling (physics, a focus animation) when the test clicks: the
        position is read after the simulation is stopped and two animation frames, and the click is
        tried again (at most three times) if it landed while the node was still moving."""
        for _ in range(3):
            self.page.evaluate("() => new Promise(ok => { window.kgNetwork.stopSimulation(); requestAnimationFrame(() => requestAnimationFrame(ok)); })")
            xy = self.eval("""(id) => {
                const net = window.kgNetwork, i = JSON.parse(document.getElementById('kg-data').textContent).nodes.findIndex(n => n.id === id);
                const p = net.canvasToDOM(net.getPosition(i)), r = document.getElementById('graph').getBoundingClientRect();
                return [r.left + p.x, r.top + p.y]; }""", node_id)
            self.page.mouse.click(*xy)
            if self.eval("window.kgNetwork.getSelectedNodes().length") == 1:
                return
            self.page.wait_for_timeout(300)

    def click_edge(self, index: int):
        """A real mouse click on the middle of edge ``index`` as drawn (curve included)."""
        xy = self.eval("""(i) => {
            const net = window.kgNetwork, e = net.body.edges[i];
            const m = e.edgeType.getPoint(0.5), p = net.canvasToDOM(m), r = document.getElementById('graph').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", index)
        self.page.mouse.click(*xy)

    def panel_text(self) -> str:
        return self.eval("document.getElementById('panel-body').textContent")

    def check_clean(self):
        assert not self.errors, self.errors
        assert not self.requests, f"network requests from an offline page: {self.requests}"
        assert self.eval("typeof window.__pwned") == "undefined"

    def close(self):
        self.page.close()


@pytest.fixture
def open_page(browser, tmp_path):
    pages = []

    def _open(G: nx.MultiDiGraph) -> Page:
        path = write_html(G, tmp_path / f"graph{len(pages)}.html")
        pages.append(Page(browser, path))
        return pages[-1]

    yield _open
    for p in pages:
        p.close()


def _canvas_ink(p: Page) -> int:
    """Pixels of the graph canvas that are not background."""
    return p.eval("""() => {
        const c = document.querySelector('#graph canvas'), ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data; let ink = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
        return ink; }""")


def test_draws_small_graph_offline(open_page, small_graph):
    p = open_page(small_graph)
    assert p.eval("window.kgNetwork.body.nodeIndices.length") == small_graph.number_of_nodes()
    assert p.eval("window.kgNetwork.body.edgeIndices.length") == small_graph.number_of_edges()
    assert _canvas_ink(p) > 2000
    assert p.eval("document.documentElement.dir") == "rtl"
    legend = p.eval("document.getElementById('legend-entities').textContent")
    assert "شخص" in legend and "دولة" in legend
    edges_legend = p.eval("document.getElementById('legend-edges').textContent")
    for word in ("met", "التقى", "visited", "زار", "signed", "وقّع"):
        assert word in edges_legend
    p.check_clean()


def test_click_edge_shows_evidence_with_highlights(open_page, small_graph):
    p = open_page(small_graph)
    data_edges = p.eval("JSON.parse(document.getElementById('kg-data').textContent).edges.map(e => e.ev_id)")
    i = data_edges.index("met-0a1b2c3d4e")
    p.click_edge(i)
    text = p.panel_text()
    assert "استقبل الرئيس عبد الفتاح السيسي نظيره التركي رجب طيب أردوغان" in text
    assert "2024-02-14" in text and "القاهرة" in text and "السيسي يستقبل أردوغان في القاهرة" in text
    marks = p.eval("[...document.querySelectorAll('#panel-body mark')].map(m => m.textContent)")
    assert "عبد الفتاح السيسي" in marks and "رجب طيب أردوغان" in marks and "القاهرة" in marks
    # the planned visit: dashed, status shown; diacritics in the sentence do not stop highlighting
    j = data_edges.index("visited-abcdef0123")
    assert p.eval(f"window.kgNetwork.body.edges[{j}].options.dashes") not in (False, None)
    p.click_edge(j)
    text = p.panel_text()
    assert "planned" in text and "مخطَّط له" in text
    marks = p.eval("[...document.querySelectorAll('#panel-body mark')].map(m => m.textContent)")
    assert "فلاديمير بوتين" in marks and "تركيا" in marks
    p.check_clean()


def test_click_node_and_search_normalized(open_page, small_graph):
    p = open_page(small_graph)
    p.click_node("recep-tayyip-erdogan")
    assert "رجب طيب أردوغان" in p.panel_text() and "Recep Tayyip Erdoğan" in p.panel_text()
    for query in ("اردوغان", "أَرْدُوغَان", "ارْدوغـــان", "erdo"):
        p.page.fill("#search", query)
        results = p.eval("[...document.querySelectorAll('#search-results button')].map(b => b.textContent)")
        assert results and "رجب طيب أردوغان" in results[0], (query, results)
    p.page.fill("#search", "القاهره")  # ة written as ه
    p.page.click("#search-results button")
    assert "القاهرة" in p.panel_text()
    assert p.eval("window.kgNetwork.getSelectedNodes().length") == 1
    p.check_clean()


def test_filters(open_page, small_graph):
    p = open_page(small_graph)
    total = small_graph.number_of_edges()
    visible = "window.kgData.edgeView.length"
    assert p.eval(visible) == total
    p.page.locator("#legend-edges label", has_text="met").locator("input").uncheck()
    assert p.eval(visible) == total - 2
    p.page.click("#reset")
    assert p.eval(visible) == total
    p.page.fill("#year-from", "2024")
    p.page.dispatch_event("#year-from", "change")
    # 2024 and 2025 events; undated kept by default
    dated = [d["date"] for _u, _v, d in small_graph.edges(data=True)]
    expect = sum(1 for d in dated if d is None or d[:4] >= "2024")
    assert p.eval(visible) == expect
    p.page.uncheck("#undated")
    assert p.eval(visible) == expect - sum(1 for d in dated if d is None)
    p.page.click("#reset")
    p.page.locator("#legend-entities label", has_text="دولة").locator("input").uncheck()
    assert p.eval("window.kgData.nodeView.getIds().every(i => JSON.parse(document.getElementById('kg-data').textContent).nodes[i].t !== 'STATE')")
    p.page.click("#lang-toggle")
    assert p.eval("document.documentElement.dir") == "ltr"
    assert "Entity types" in p.eval("document.getElementById('controls').textContent")
    p.check_clean()


def test_payloads_execute_nothing_and_show_literally(open_page):
    G = make_payload_graph()
    p = open_page(G)
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
        p.page.fill("#search", text[:12])
        p.page.keyboard.press("Enter")
        p.page.wait_for_timeout(700)  # the focus animation
    for k in range(len(PAYLOADS)):
        p.page.fill("#search", PAYLOADS[k])
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
    p.page.fill("#search", "شخص رقم 7")
    p.page.keyboard.press("Enter")
    assert "شخص رقم 7" in p.panel_text()
    p.check_clean()
