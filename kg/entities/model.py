"""Plain data records of the entity stage: what a mention is and what a KB entity is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = ("PERSON", "STATE", "PARTY", "ORG", "PLACE", "AGREEMENT")


@dataclass
class Entity:
    """A canonical entity: one node of the graph, however many spellings point at it."""

    id: str
    type: str
    label_ar: str
    label_en: str | None = None
    qid: str | None = None
    aliases_ar: list[str] = field(default_factory=list)
    aliases_en: list[str] = field(default_factory=list)
    short_ar: list[str] = field(default_factory=list)
    nisba_ar: list[str] = field(default_factory=list)
    country: str | None = None
    capital: str | None = None
    capital_of: str | None = None
    positions: list[dict[str, Any]] = field(default_factory=list)
    gender: str | None = None
    known: bool = True  # False for entities minted from text (not in the KB)

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> "Entity":
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in rec.items() if k in names and v is not None})

    def holds(self, role: str, of: str | None, date: str | None) -> bool:
        """True if the entity held ``role`` (of ``of``) at ``date`` (ISO prefix; None = any time)."""
        for pos in self.positions:
            if pos.get("role") != role or (of is not None and pos.get("of") != of):
                continue
            if date is None or _within(date, pos.get("start"), pos.get("end")):
                return True
        return False


def _within(date: str, start: str | None, end: str | None) -> bool:
    """Compare ISO prefixes so that a month-precision date matches a day-precision tenure."""
    if date.startswith("--"):
        return True
    if start and date < start[: len(date)]:
        return False
    if end and date > end[: len(date)]:
        return False
    return True


@dataclass
class Mention:
    """A stretch of the document (character offsets) that refers to one or more entities.

    ``entity_ids`` has several ids only for plural references (الزعيمان).  ``method`` says
    which rule produced the link, so that every merge can be explained (``kg entities``).
    """

    start: int
    end: int
    text: str
    entity_ids: list[str]
    type: str
    method: str
    score: float = 1.0
    role: str | None = None  # title mentions: the role id (president, foreign-minister …)

    @property
    def entity_id(self) -> str:
        return self.entity_ids[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start, "end": self.end, "text": self.text, "entity_ids": list(self.entity_ids),
            "type": self.type, "method": self.method, "score": round(self.score, 3), "role": self.role,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Mention":
        return cls(**d)
