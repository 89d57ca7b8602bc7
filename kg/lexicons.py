"""Reading the one-word-a-line lists under ``kg/data/lexicons`` (data, not code), for any stage."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.text.normalize import normalize


def _lexicon_path(name: str, path: str | Path | None) -> Path:
    return Path(path) if path else Path(str(resources.files("kg") / "data" / "lexicons" / name))


def read_jsonl(name: str, path: str | Path | None = None) -> list[dict]:
    """The records of a JSON Lines lexicon file (one object a line; blank lines skipped)."""
    with _lexicon_path(name, path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_table(name: str, path: str | Path | None = None) -> list[list[str]]:
    """The tab-separated rows of a lexicon file (``#`` starts a comment line; blank lines skipped)."""
    with _lexicon_path(name, path).open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]


def read_word_list(name: str, path: str | Path | None = None) -> frozenset[str]:
    """The words of a lexicon file (``#`` starts a comment), in matching form."""
    with _lexicon_path(name, path).open(encoding="utf-8") as fh:
        return frozenset(normalize(w) for w in (line.strip() for line in fh) if w and not w.startswith("#"))


@lru_cache(maxsize=None)
def clause_openers() -> frozenset[str]:
    """Verbs that open a new main clause («قال»، «أكد»، «كان» …): after one, a name is a subject."""
    return read_word_list("clause_openers.txt")


@lru_cache(maxsize=None)
def _triggers() -> tuple[dict, ...]:
    return tuple(read_jsonl("triggers.jsonl"))


@lru_cache(maxsize=None)
def event_words() -> frozenset[str]:
    """Single words that name an event or open a clause (زار، برقية، قال …): never part of a
    person's name, so a tagger's span that starts or ends with one is trimmed."""
    return frozenset(normalize(r["text"]) for r in _triggers() if len(r["text"].split()) == 1) | clause_openers()


@lru_cache(maxsize=None)
def trigger_verbs() -> frozenset[str]:
    """The one-word verb triggers of every event type («التقى»، «زار»): a word before a name that is
    a verb, though some begin with the letters of the article («التقى»، «التقت»)."""
    return frozenset(normalize(r["text"]) for r in _triggers() if r.get("pos") == "verb" and len(r["text"].split()) == 1)


@lru_cache(maxsize=None)
def trigger_words(event_type: str) -> frozenset[str]:
    """The one-word triggers of one event type, verbs and nouns («وقع»، «توقيع»، «إبرام» for ``signed``)."""
    return frozenset(normalize(r["text"]) for r in _triggers() if r["type"] == event_type and len(r["text"].split()) == 1)


@lru_cache(maxsize=None)
def event_verbs(event_type: str) -> frozenset[str]:
    """The one-word verb triggers of one event type («وقع»، «وقعها»، «أبرم» for ``signed``)."""
    return frozenset(normalize(r["text"]) for r in _triggers()
                     if r["type"] == event_type and r["pos"] == "verb" and len(r["text"].split()) == 1)
