"""The per-document result of the pipeline, as plain JSON-able data (cacheable, picklable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.entities.model import Mention
from kg.relations.model import Event

PIPELINE_VERSION = "0.1.0"


@dataclass
class DocumentAnalysis:
    """Everything the graph needs from one document, as plain JSON-able data."""

    doc_id: str
    title: str | None
    date: str | None
    date_source: str | None
    path: str | None
    checksum: str
    mentions: list[Mention] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id, "title": self.title, "date": self.date, "date_source": self.date_source,
            "path": self.path, "checksum": self.checksum,
            "mentions": [m.to_dict() for m in self.mentions], "positions": self.positions,
            "events": [e.to_dict() for e in self.events],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DocumentAnalysis":
        d = dict(d)
        d["mentions"] = [Mention.from_dict(m) for m in d.get("mentions", [])]
        d["events"] = [Event.from_dict(e) for e in d.get("events", [])]
        return cls(**d)
