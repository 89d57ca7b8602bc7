"""Gazetteer stage: every KB name, nisba adjective, role title and reference word in the text.

Patterns are tokenized by the pipeline's own tokenizer, so clitics (وبوتين، لروسيا) and spelling
variants are handled once, in the text layer, for the patterns and the text alike.  Matches go
to ``doc.spans["kb"]`` (overlaps allowed); the linker decides which ones to keep.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.entities.kb import KnowledgeBase

SPAN_KEY = "kb"
_LIST_KEY = "kg_kb_spans"


def kb_spans(doc: Doc) -> list[Span]:
    """The gazetteer's matches as a list, made once per doc: iterating ``doc.spans["kb"]`` builds a
    new ``Span`` per match every time, and the linker and the relation stage read it many times."""
    spans = doc.user_data.get(_LIST_KEY)
    if spans is None:
        spans = doc.user_data[_LIST_KEY] = list(doc.spans.get(SPAN_KEY, []))
    return spans


def load_references(path: str | Path | None = None) -> list[dict]:
    """Reference words (plurals such as الزعيمان, honorifics, place prepositions) from the lexicon."""
    path = Path(path) if path else Path(str(resources.files("kg") / "data" / "lexicons" / "references.jsonl"))
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Gazetteer:
    """PhraseMatcher over token NORMs, one match id per (kind, target)."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, references: list[dict]) -> None:
        self.kb = kb
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        patterns: dict[str, list] = {}
        tokenize = nlp.tokenizer

        def add(key: str, text: str) -> None:
            doc = tokenize(text)
            if len(doc):
                patterns.setdefault(key, {})[tuple(t.norm_ for t in doc)] = doc

        for alias in kb.aliases():
            add(f"{alias.kind}|{alias.entity_id}", alias.text)
        for role in kb.roles.values():
            for text in role.ar:
                add(f"role|{role.id}", text)
        for ref in references:
            add(f"{ref['kind']}|{ref['type']}", ref["text"])
        for key, docs in sorted(patterns.items()):
            self.matcher.add(key, [docs[k] for k in sorted(docs)])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        strings = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            kind, target = strings[match_id].split("|", 1)
            # a match must not start inside a word: the token before it must end the previous word
            spans.append(Span(doc, start, end, label=kind, kb_id=target))
        spans.sort(key=lambda s: (s.start, -len(s), s.label_, s.kb_id_))
        doc.spans[SPAN_KEY] = spans
        doc.user_data[_LIST_KEY] = spans
        return doc
