"""The per-document result of the pipeline, as plain JSON-able data (cacheable, picklable)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

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


class AnalysisFile:
    """Analyses stored one JSON object per line (``analyses.jsonl``), read back one at a time in
    document-id order: the corpus merge makes its passes over the file instead of holding every
    analysis in memory (what kept a 100k-document build above 2 GB).

    ``index`` is ``[(doc_id, byte offset, byte length), ...]`` when the writer kept it; otherwise the
    file is scanned once.  Calling the object starts a new pass.
    """

    def __init__(self, path: str | Path, index: Sequence[tuple[str, int, int]] | None = None) -> None:
        self.path = Path(path)
        self.index = sorted(index) if index is not None else self._scan()

    def _scan(self) -> list[tuple[str, int, int]]:
        out = []
        offset = 0
        with self.path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    out.append((json.loads(line)["doc_id"], offset, len(line)))
                offset += len(line)
        return sorted(out)

    def __len__(self) -> int:
        return len(self.index)

    def __call__(self) -> Iterator[DocumentAnalysis]:
        with self.path.open("rb") as fh:
            for _, offset, length in self.index:
                fh.seek(offset)
                yield DocumentAnalysis.from_dict(json.loads(fh.read(length)))
