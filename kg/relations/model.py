"""Events and their evidence: the plain records the relation stage hands to the graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

EVENT_TYPES = ("met", "signed", "visited", "attended", "invited", "sent_message", "phone_call")
REQUIRED_TYPES = ("met", "signed", "visited")
STATUSES = ("asserted", "planned", "negated", "hypothetical")
CAMEO = {"met": "040", "visited": "042", "signed": "057", "attended": "043", "invited": "036", "sent_message": "032", "phone_call": "040"}


@dataclass
class Evidence:
    """Where a fact is stated: document, character offsets of the sentence, the sentence itself."""

    doc: str
    start: int
    end: int
    sentence: str
    extractor: str
    confidence: float
    trigger: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["confidence"] = round(self.confidence, 3)
        return d


@dataclass
class Event:
    """One real-world event.

    ``agents`` are the meeting participants, the visitor, the signatories, the sender or the
    inviter; ``targets`` are the destination (visit), the agreement (signing), the recipient
    (message) or the invitee.
    """

    type: str
    agents: list[str]
    targets: list[str] = field(default_factory=list)
    date: str | None = None
    place: str | None = None
    status: str = "asserted"
    confidence: float = 0.5
    evidence: list[Evidence] = field(default_factory=list)
    id: str = ""
    date_source: str = "text"  # text | context | document | headline: how sure the date is

    @property
    def cameo(self) -> str:
        return CAMEO.get(self.type, "")

    def pairs(self) -> list[tuple[str, str]]:
        """The pair instances the event stands for (what edges and scoring use)."""
        if self.type == "met":
            ps = sorted(dict.fromkeys(self.agents))
            return [(a, b) for i, a in enumerate(ps) for b in ps[i + 1:]]
        return [(a, t) for a in dict.fromkeys(self.agents) for t in dict.fromkeys(self.targets) if a != t]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "agents": list(self.agents), "targets": list(self.targets),
            "date": self.date, "place": self.place, "status": self.status,
            "confidence": round(self.confidence, 3), "evidence": [e.to_dict() for e in self.evidence],
            "date_source": self.date_source,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        d = dict(d)
        d["evidence"] = [Evidence(**e) for e in d.get("evidence", [])]
        return cls(**d)
