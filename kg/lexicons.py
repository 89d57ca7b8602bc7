"""Reading the one-word-a-line lists under ``kg/data/lexicons`` (data, not code), for any stage."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.text.normalize import normalize


def read_word_list(name: str, path: str | Path | None = None) -> frozenset[str]:
    """The words of a lexicon file (``#`` starts a comment), in matching form."""
    p = Path(path) if path else Path(str(resources.files("kg") / "data" / "lexicons" / name))
    with p.open(encoding="utf-8") as fh:
        return frozenset(normalize(w) for w in (line.strip() for line in fh) if w and not w.startswith("#"))


@lru_cache(maxsize=None)
def clause_openers() -> frozenset[str]:
    """Verbs that open a new main clause («قال»، «أكد»، «كان» …): after one, a name is a subject."""
    return read_word_list("clause_openers.txt")


@lru_cache(maxsize=None)
def _triggers() -> tuple[dict, ...]:
    import json

    p = Path(str(resources.files("kg") / "data" / "lexicons" / "triggers.jsonl"))
    with p.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


@lru_cache(maxsize=None)
def event_words() -> frozenset[str]:
    """Single words that name an event or open a clause (زار، برقية، قال …): never part of a
    person's name, so a tagger's span that starts or ends with one is trimmed."""
    return frozenset(normalize(r["text"]) for r in _triggers() if len(r["text"].split()) == 1) | clause_openers()


@lru_cache(maxsize=None)
def event_verbs(event_type: str) -> frozenset[str]:
    """The one-word verb triggers of one event type («وقع»، «وقعها»، «أبرم» for ``signed``)."""
    return frozenset(normalize(r["text"]) for r in _triggers()
                     if r["type"] == event_type and r["pos"] == "verb" and len(r["text"].split()) == 1)
