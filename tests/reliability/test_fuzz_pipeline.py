"""Property-based fuzzing of the whole pipeline (``kg.pipeline.analyze`` → graph → RDF/HTML):
hostile text and mutated seed news never crash it, every mention / evidence offset points
inside the document and matches the text there, and every export stays parseable.

Examples: ``_profiles.PIPELINE`` (500 in CI, 5,000 with ``HYPOTHESIS_PROFILE=nightly``).
"""

from __future__ import annotations

import html.parser
import io
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from kg.text.read import Document
from tests.reliability._env import HTML_MISSING, SEEDS, html_exporter_available
from tests.reliability._profiles import PIPELINE
from tests.reliability._strategies import BIDI, KNOWN_WORDS, MARKS, TATWEEL, arabic_text, hostile_text, piece

_SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
_SEED_SNIPPETS = [t[i:i + 700] for t in _SEED_TEXTS for i in range(0, min(len(t), 2800), 700)]


@st.composite
def mutated_news(draw) -> str:
    """A real news passage with hostile characters spliced in at random places."""
    text = draw(st.sampled_from(_SEED_SNIPPETS))
    for _ in range(draw(st.integers(0, 12))):
        pos = draw(st.integers(0, len(text)))
        ins = draw(st.one_of(st.sampled_from(BIDI), st.sampled_from(MARKS), st.just(TATWEEL * 3), piece,
                             st.sampled_from(KNOWN_WORDS)))
        text = text[:pos] + ins + text[pos:]
    return text


documents = st.builds(
    lambda text, doc_id, title, date: Document(id=doc_id, text=text, path=f"/in/{doc_id}.txt", title=title, date=date),
    st.one_of(mutated_news(), hostile_text, arabic_text),
    st.one_of(st.just("doc"), st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20),
              st.sampled_from(["my doc (1)", 'a"b<c>{d}|e^f`g\\h', "\u202eevil", "../../etc/passwd", "doc#1?x=%20"])),
    st.one_of(st.none(), hostile_text),
    st.one_of(st.none(), st.sampled_from(["2024-06-19", "2024-13-45", "0000", "garbage", "9999-12-31", "2024"])),
)


def _check_span(text: str, start: int, end: int, shown: str, what: str) -> None:
    assert 0 <= start < end <= len(text), f"{what} offsets [{start}, {end}) outside a {len(text)}-char document"
    raw = text[start:end]
    # kg.entities.linker.display_text: span text stripped; «ل» (article after ل) shown as «ال»
    assert shown in (raw, raw.strip(), "ا" + raw.strip()), f"{what} text {shown!r} != document text {raw!r}"


def _check_analysis(doc: Document, a) -> None:
    text = doc.text
    for m in a.mentions:
        _check_span(text, m.start, m.end, m.text, "mention")
    for ev in a.events:
        assert ev.evidence
        for evd in ev.evidence:
            assert evd.doc == doc.id
            _check_span(text, evd.start, evd.end, evd.sentence, "evidence")
            assert evd.sentence == text[evd.start:evd.end]


def _check_exports(G) -> None:
    from rdflib import Graph

    from kg.export.rdf import to_rdf
    from kg.graph.schema import validate_graph

    validate_graph(G)
    rdf = to_rdf(G, include_ontology=False)
    for fmt in ("turtle", "nt"):
        data = rdf.serialize(format=fmt, encoding="utf-8")
        back = Graph().parse(data=data, format=fmt)
        assert len(back) == len(rdf), f"{fmt}: {len(rdf)} triples written, {len(back)} read back"
    if html_exporter_available():
        from kg.export.html import to_html

        parser = html.parser.HTMLParser()
        parser.feed(to_html(G))
        parser.close()


@PIPELINE
@given(documents)
@example(Document(id="t", text="التقى الرئيس الروسي فلاديمير بوتين\u202e الزعيم كيم جونغ أون\u2066 في بيونغ يانغ أمس، ووقّعا اتفاقية الشراكة للاتحاد.", date="2024-06-19"))
@example(Document(id="t", text="ﺑﻮﺗﻴﻦ ﻭﻛﻴﻢ ﺟﻮﻧﻎ ﺃﻭﻥ ﺍﻟﺘﻘﻴﺎ ﻓﻲ ﻣﻮﺳﻜﻮ", date=None))  # presentation forms
@example(Document(id="t", text="بـــوتـــيـــن" + "ـ" * 3000 + " زار روسيا", date="2024-13-45"))
@example(Document(id="t", text="و" * 20000, date=None))
def test_pipeline_offsets_and_outputs(rel_nlp, rel_kb, doc):
    from kg.graph.build import build_graph
    from kg.pipeline import analyze

    a = analyze(doc, rel_nlp)
    _check_analysis(doc, a)
    G = build_graph([a], rel_kb)
    _check_exports(G)


def test_html_export_parses_for_fuzzed_graphs():
    if not html_exporter_available():
        pytest.skip(HTML_MISSING)
