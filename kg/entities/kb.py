"""The knowledge base: canonical entities, their Arabic names, nisba forms and dated positions.

The KB is data (``kg/data/kb/*.jsonl``, built by ``pipelines/build_kb.py``); this module only
loads it and answers the questions the linker asks: which entities can this name denote, which
state does this adjective name, who held this office at that date.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from kg.entities.model import Entity
from kg.entities.translit import name_key, similar_names
from kg.errors import DataFileError
from kg.text.normalize import normalize

KB_FILES = ("states.jsonl", "places.jsonl", "parties.jsonl", "organizations.jsonl", "people.jsonl")


@dataclass(frozen=True)
class Alias:
    """One Arabic name of an entity; ``kind`` is label | alias | short | nisba | abbrev."""

    text: str
    entity_id: str
    kind: str


@dataclass(frozen=True)
class Role:
    id: str
    en: str
    ar: tuple[str, ...]
    head_of_state: bool = False


_COMPOUND_SPLIT = re.compile(r"(?<![\u0621-\u064a])(عبد|أبو|ابو)[ \u00a0]+(?=[\u0621-\u064a])")
_COMPOUND_JOINED = re.compile(r"(?<![\u0621-\u064a])(عبد|أبو|ابو)(?=ال[\u0621-\u064a]{2,})")


def compound_spellings(name: str) -> list[str]:
    """The other spelling of a name with «عبد» or «أبو» compounds: «عبد اللطيف رشيد» ↔ «عبداللطيف
    رشيد», «أبو ظبي» ↔ «أبوظبي» (the press writes both, the KB lists one)."""
    out = []
    joined = _COMPOUND_SPLIT.sub(r"\1", name)
    if joined != name:
        out.append(joined)
    split = _COMPOUND_JOINED.sub(r"\1 ", name)
    if split != name:
        out.append(split)
    return out


class KnowledgeBase:
    """In-memory KB with normalized-name indexes."""

    def __init__(self, entities: Iterable[Entity], roles: Iterable[Role] = ()) -> None:
        self.entities: dict[str, Entity] = {}
        for ent in entities:
            if ent.id in self.entities:
                raise DataFileError(f"duplicate entity id in KB: {ent.id}")
            self.entities[ent.id] = ent
        self.roles: dict[str, Role] = {r.id: r for r in roles}
        self._by_norm: dict[str, list[Alias]] = defaultdict(list)
        self._by_key: dict[str, list[str]] = defaultdict(list)  # first-token skeleton → person ids
        self._state_prefixes: dict[str, list[str]] | None = None  # first words of state names → ids (lazy)
        self._by_ends: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] | None = None  # (first, last) word → names (lazy)
        self._fuzzy: dict[str, tuple[str, ...]] = {}  # name → fuzzy_people answer (the KB does not change)
        for ent in self.entities.values():
            if ent.type in ("PERSON", "PLACE", "ORG", "PARTY"):
                names = [ent.label_ar, *ent.aliases_ar]
                variants = [v for n in names for v in compound_spellings(n)]
                ent.aliases_ar = list(dict.fromkeys([*ent.aliases_ar, *(v for v in variants if v != ent.label_ar)]))
        for ent in self.entities.values():
            for alias in self._aliases_of(ent):
                self._by_norm[normalize(alias.text)].append(alias)
            if ent.type == "PERSON":
                for name in [ent.label_ar, *ent.aliases_ar]:
                    key = name_key(name)
                    if len(key) >= 2 and ent.id not in self._by_key[key[0]]:
                        self._by_key[key[0]].append(ent.id)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: str | Path | None = None) -> "KnowledgeBase":
        """Load the packaged KB (or the one in ``directory``)."""
        base = Path(directory) if directory else Path(str(resources.files("kg") / "data" / "kb"))
        entities: list[Entity] = []
        for name in KB_FILES:
            path = base / name
            if path.exists():
                entities.extend(Entity.from_record(rec) for rec in _read_jsonl(path))
        if not entities:
            raise DataFileError(f"no knowledge-base files found in {base}; run `python pipelines/build_kb.py`")
        roles_path = base.parent / "lexicons" / "roles.jsonl"
        roles = [
            Role(r["id"], r.get("en", r["id"]), tuple(r.get("ar", [])), bool(r.get("head_of_state", False)))
            for r in (_read_jsonl(roles_path) if roles_path.exists() else [])
        ]
        return cls(entities, roles)

    @staticmethod
    def _aliases_of(ent: Entity) -> Iterator[Alias]:
        yield Alias(ent.label_ar, ent.id, "label")
        for a in ent.aliases_ar:
            yield Alias(a, ent.id, "alias")
        for a in ent.short_ar:
            yield Alias(a, ent.id, "short")
        for a in ent.nisba_ar:
            yield Alias(a, ent.id, "nisba")
        for a in ent.aliases_en:
            if a.isupper() and 2 <= len(a) <= 8:  # Latin abbreviations such as KCNA, NATO
                yield Alias(a, ent.id, "abbrev")

    # ------------------------------------------------------------------ queries
    def __getitem__(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entities

    def __len__(self) -> int:
        return len(self.entities)

    def aliases(self) -> Iterator[Alias]:
        """Every (name, entity) pair, for building matcher patterns."""
        for aliases in self._by_norm.values():
            yield from aliases

    def lookup(self, name: str) -> list[Alias]:
        """Entities whose name, after normalization, is exactly ``name``."""
        return list(self._by_norm.get(normalize(name), ()))

    def fuzzy_people(self, name: str) -> list[str]:
        """People whose name is a transliteration variant of ``name`` (كيم يونج أون → Kim Jong Un).

        Memoised per name: a corpus names the same unknown people in document after document, and each
        answer compares the name with every KB person who shares its first sound."""
        found = self._fuzzy.get(name)
        if found is None:
            if len(self._fuzzy) > 100_000:
                self._fuzzy.clear()
            found = self._fuzzy[name] = tuple(self._fuzzy_people(name))
        return list(found)

    def _fuzzy_people(self, name: str) -> list[str]:
        key = name_key(name)
        if len(key) < 2:
            return []
        out: list[str] = []
        for first, ids in self._by_key.items():
            if first[:1] != key[0][:1] and not ({first[:1], key[0][:1]} <= {"Y", "G", "W"}):
                continue
            for pid in ids:
                ent = self.entities[pid]
                if pid not in out and any(similar_names(name, n) for n in [ent.label_ar, *ent.aliases_ar]):
                    out.append(pid)
        return out

    def people_within(self, name: str) -> list[str]:
        """People whose KB name is this name without its middle names: «محمد يونس المنفي» → «محمد المنفي»
        (same first and last word, the KB's words in order)."""
        words = tuple(normalize(name).split())
        if len(words) < 3:
            return []
        if self._by_ends is None:
            index: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
            for ent in self.entities.values():
                if ent.type == "PERSON":
                    for n in [ent.label_ar, *ent.aliases_ar]:
                        w = tuple(normalize(n).split())
                        if len(w) >= 2:
                            index.setdefault((w[0], w[-1]), []).append((w, ent.id))
            self._by_ends = index
        out: list[str] = []
        for kb_words, pid in self._by_ends.get((words[0], words[-1]), []):
            it = iter(words)
            if all(w in it for w in kb_words) and pid not in out:
                out.append(pid)
        return out

    def states_starting_with(self, prefix: str) -> list[str]:
        """States one of whose multi-word names starts with the (normalized) words ``prefix``."""
        if self._state_prefixes is None:
            index: dict[str, set[str]] = {}
            for ent in self.entities.values():
                if ent.type != "STATE":
                    continue
                for name in [ent.label_ar, *ent.aliases_ar]:
                    words = normalize(name).split()
                    for k in range(1, len(words)):
                        index.setdefault(" ".join(words[:k]), set()).add(ent.id)
            self._state_prefixes = {k: sorted(v) for k, v in index.items()}
        return list(self._state_prefixes.get(prefix, []))

    def holders(self, role: str, of: str | None, date: str | None) -> list[str]:
        """People who held ``role`` of ``of`` at ``date`` (any time when date is None)."""
        return sorted(e.id for e in self.entities.values() if e.type == "PERSON" and e.holds(role, of, date))

    def state_of(self, entity_id: str) -> str | None:
        """The state an entity belongs to: itself for a state, its country otherwise."""
        ent = self.entities.get(entity_id)
        if ent is None:
            return None
        if ent.type == "STATE":
            return ent.id
        return ent.capital_of or ent.country


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise DataFileError(f"{path}:{n}: {err}") from err
