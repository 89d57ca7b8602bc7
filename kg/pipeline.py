"""The spaCy pipeline: every ``kg_*`` factory on one screen, and ``analyze`` for one document.

text (tokenizer, sentences, dates) → ``kg_ner`` (statistical NER) → ``kg_gazetteer`` (KB names,
titles, adjectives) → ``kg_linker`` (canonical entities, coreference) → ``kg_relations``
(events).  Stages that annotate the Doc are components; what leaves the Doc is plain data
(:class:`DocumentAnalysis`), so the graph and the exporters never reach back into spaCy.
"""

from __future__ import annotations

import hashlib
import warnings
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.entities.agreements import find_agreements
from kg.entities.gazetteer import Gazetteer, load_references
from kg.entities.kb import KnowledgeBase
from kg.entities.linker import EntityLinker
from kg.analysis import PIPELINE_VERSION, DocumentAnalysis  # noqa: F401  (re-exported)
from kg.errors import BackendUnavailable, DataFileError
from kg.relations.extract import RelationExtractor
from kg.relations.lexicon import TriggerLexicon
from kg.text.dates import find_dates
from kg.text.read import Document
from kg.text.segment import split_sentences
from kg.text.tokenizer import doc_text



def register_extensions() -> None:
    """All custom Doc/Token attributes, registered in one idempotent place."""
    from kg.text.tokenizer import register_token_extensions

    register_token_extensions()
    for name, default in (("mentions", None), ("positions", None), ("events", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


@lru_cache(maxsize=4)
def get_kb(directory: str | None = None) -> KnowledgeBase:
    """Load a KB once per process (the KB is read-only after loading)."""
    return KnowledgeBase.load(directory)


# ----------------------------------------------------------------- factories
@Language.factory("kg_text", default_config={})
def make_text_annotator(nlp: Language, name: str):
    """Sentences and dates, kept in ``doc.user_data`` (they are character spans, not tokens)."""

    def annotate(doc: Doc) -> Doc:
        text = doc_text(doc)
        doc.user_data["kg_sentences"] = split_sentences(text)
        doc.user_data["kg_dates"] = find_dates(text, anchor=doc.user_data.get("kg_date"))
        return doc

    return annotate


@Language.factory("kg_gazetteer", default_config={"kb_dir": None})
def make_gazetteer(nlp: Language, name: str, kb_dir: str | None):
    return Gazetteer(nlp, get_kb(kb_dir), load_references())


@Language.factory("kg_linker", default_config={"kb_dir": None, "use_ner": True})
def make_linker(nlp: Language, name: str, kb_dir: str | None, use_ner: bool):
    linker = EntityLinker(get_kb(kb_dir), use_ner=use_ner, lexicon=getattr(nlp.tokenizer, "lexicon", None))
    place_words = frozenset(
        tok.norm_ for ref in load_references() if ref["kind"] == "place_preposition"
        for tok in nlp.tokenizer(ref["text"]) if tok._.clitic in ("", "prefix")
    )

    def link(doc: Doc) -> Doc:
        doc.user_data["kg_kb"] = linker.kb
        doc.user_data["kg_place_words"] = place_words
        linker(doc)
        doc._.mentions = sorted(doc._.mentions + find_agreements(doc), key=lambda m: (m.start, m.end))
        return doc

    return link


@Language.factory("kg_relations", default_config={})
def make_relations(nlp: Language, name: str):
    return RelationExtractor(TriggerLexicon(nlp))


# ------------------------------------------------------------------ loading
def load_pipeline(*, ner: str = "crf", kb_dir: str | None = None) -> Language:
    """Build the Rawabit pipeline.

    ``ner`` is ``"crf"`` (the packaged model trained by ``pipelines/train_ner.py``), ``"camel"``
    (CAMeL Tools' BERT NER, needs ``pip install 'rawabit[camel]'``) or ``"none"`` (KB only).
    """
    register_extensions()
    from kg.text.clitics import Lexicon
    from kg.text.tokenizer import ArabicTokenizer

    nlp = spacy.blank("ar")
    lexicon = Lexicon.default()
    if kb_dir:  # a KB of its own: its names must not be split as clitics either
        kb = get_kb(kb_dir)
        lexicon = Lexicon(lexicon.freq, lexicon.names, lexicon.exceptions)
        lexicon.add_names(name for e in kb.entities.values() for name in [e.label_ar, *e.aliases_ar, *e.short_ar])
    nlp.tokenizer = ArabicTokenizer(nlp.vocab, lexicon)
    nlp.add_pipe("kg_text")
    if ner == "crf":
        try:
            import kg.entities.ner  # noqa: F401  (registers kg_ner)

            nlp.add_pipe("kg_ner")
        except (DataFileError, ImportError) as err:
            warnings.warn(f"statistical NER unavailable ({err}); using the knowledge base only", stacklevel=2)
    elif ner == "camel":
        import kg.entities.camel_ner  # noqa: F401

        nlp.add_pipe("kg_camel_ner")
    elif ner != "none":
        raise BackendUnavailable(f"unknown NER backend {ner!r}: choose crf, camel or none")
    nlp.add_pipe("kg_gazetteer", config={"kb_dir": kb_dir})
    nlp.add_pipe("kg_linker", config={"kb_dir": kb_dir, "use_ner": ner != "none"})
    nlp.add_pipe("kg_relations")
    return nlp


def analyze(document: Document, nlp: Language) -> DocumentAnalysis:
    """Run the pipeline on one document and return its mentions, positions and events."""
    doc = nlp.make_doc(document.text)
    doc.user_data["kg_doc_id"] = document.id
    doc.user_data["kg_date"] = document.date
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    positions = [_clean_position(p) for p in doc._.positions or [] if p.get("person")]
    for k, ev in enumerate(doc._.events or []):
        ev.id = f"{document.id}-e{k + 1}"
    return DocumentAnalysis(
        doc_id=document.id, title=document.title, date=document.date, date_source=document.date_source,
        path=document.path, checksum=hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        mentions=list(doc._.mentions or []), positions=positions, events=list(doc._.events or []),
    )


def _clean_position(p: dict[str, Any]) -> dict[str, Any]:
    return {k: p[k] for k in ("person", "role", "of", "title") if k in p}
