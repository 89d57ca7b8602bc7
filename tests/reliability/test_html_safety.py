"""HTML safety without a browser (the headless-Chromium payload test belongs to the HTML
exporter's owner): names, sentences, document titles and file names carrying script payloads
never produce markup in ``graph.html``.

Differential check: the same graph is exported twice, once with the payloads and once with
harmless strings in their place; parsed with ``html.parser``, both pages must have exactly the
same elements and attribute names (so no ``<script>``, ``<img>``, event handler or
``javascript:`` link came from the data), and no payload appears raw outside ``<script>``.
"""

from __future__ import annotations

import html.parser
import re

import pytest

from kg.analysis import DocumentAnalysis
from kg.entities.kb import KnowledgeBase
from kg.entities.model import Entity, Mention
from kg.graph.build import build_graph
from kg.relations.model import Event, Evidence
from tests.reliability._env import HTML_MISSING, html_exporter_available

pytestmark = pytest.mark.skipif(not html_exporter_available(), reason=HTML_MISSING)

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "</script><script>window.__pwned=2</script>",
    "<img src=x onerror=\"window.__pwned=3\">",
    "<a href=\"javascript:window.__pwned=4\">اضغط</a>",
    "\" onmouseover=\"window.__pwned=5\" x=\"",
    "' onfocus='window.__pwned=6' autofocus='",
    "\u202eتقرير\u202c <svg onload=window.__pwned=7>",
    "<!-- --><iframe srcdoc='<script>parent.__pwned=8</script>'>",
    "{{constructor.constructor('window.__pwned=9')()}}",
    "]]></style><style>*{background:url(javascript:window.__pwned=10)}</style>",
]


def _graph(texts: list[str]):
    kb = KnowledgeBase([Entity("vladimir-putin", "PERSON", texts[0], texts[1], "Q7747"),
                        Entity("russia", "STATE", texts[2], texts[3], "Q159")])
    analyses = []
    for k, t in enumerate(texts):
        doc_id = f"doc-{k} {t}"  # file names are attacker-controlled too
        evil = f"person-evil-{k}"
        mentions = [Mention(0, 5, t, [evil], "PERSON", "ner", 0.9), Mention(6, 9, t + " بوتين", ["vladimir-putin"], "PERSON", "ner", 0.9)]
        ev = Event("met", ["vladimir-putin", evil], date="2024-06-19", place="russia", confidence=0.8,
                   evidence=[Evidence(doc_id, 0, len(t), t, "rules:met:verb", 0.8)])
        analyses.append(DocumentAnalysis(doc_id, t, "2024-06-19", "metadata", f"/in/{t}.txt", "x", mentions,
                                         [{"person": evil, "role": "president", "of": "russia", "title": t}], [ev]))
    return build_graph(analyses, kb)


def _benign(texts: list[str]) -> list[str]:
    return [f"نص{k}" + "x" * max(0, len(t) - 3) for k, t in enumerate(texts)]


class _Structure(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.outside_script: list[str] = []
        self._in = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(sorted(a for a, _ in attrs))))
        self.attrs.extend((tag, a, v or "") for a, v in attrs)
        if tag in ("script", "style"):
            self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if not self._in:
            self.outside_script.append(data)


def _parse(page: str) -> _Structure:
    p = _Structure()
    p.feed(page)
    p.close()
    return p


@pytest.fixture(scope="module")
def pages():
    from kg.export.html import to_html

    return to_html(_graph(PAYLOADS)), to_html(_graph(_benign(PAYLOADS)))


def test_payloads_create_no_elements_or_attributes(pages):
    evil, benign = pages
    e, b = _parse(evil), _parse(benign)
    assert [t for t, _ in e.elements].count("script") == [t for t, _ in b.elements].count("script")
    assert e.elements == b.elements


def test_no_event_handlers_or_javascript_urls_from_data(pages):
    evil, benign = pages
    e, b = _parse(evil), _parse(benign)
    handlers = {(t, a) for t, a, _ in e.attrs if a.startswith("on")}
    assert handlers == {(t, a) for t, a, _ in b.attrs if a.startswith("on")}
    assert not [v for _, a, v in e.attrs if re.match(r"\s*javascript:", v, re.I) and "__pwned" in v]
    assert not [v for _, _, v in e.attrs if "__pwned" in v and "<" in v], "payload inside an attribute unescaped"


def test_payload_never_raw_in_markup(pages):
    evil, _ = pages
    text_outside = "".join(_parse(evil).outside_script)
    for p in PAYLOADS:
        if "<" in p:
            # raw in the page source only if escaped (&lt;) or inside a script as an escaped JS string
            for m in re.finditer(re.escape(p), evil):
                before = evil[: m.start()]
                assert before.lower().rfind("<script") > before.lower().rfind("</script"), f"raw payload {p!r} outside <script>"
    assert "</script><script>" not in evil.replace("<\\/", "")  # cannot break out of the data script


def test_payload_text_kept(pages):
    """The names are still there (escaped), not silently dropped."""
    evil, _ = pages
    assert evil.count("__pwned") >= len(PAYLOADS)
