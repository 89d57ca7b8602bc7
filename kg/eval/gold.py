"""Reader of the gold annotation format (``seeds.gold.yaml``); see its header for the conventions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataFileError

PAIR_TYPES = ("met", "signed", "visited", "attended", "invited", "sent_message")


@dataclass
class GoldEntity:
    id: str
    type: str
    names: list[str]
    qid: str | None = None
    en: str | None = None


@dataclass
class GoldRelation:
    type: str
    pair: tuple[str, str]
    date: str | None
    implicit: bool = False


@dataclass
class GoldDocument:
    doc: str
    entities: list[str]
    optional: list[str]
    relations: list[GoldRelation] = field(default_factory=list)
    date: str | None = None

    @property
    def doc_id(self) -> str:
        return Path(self.doc).stem


@dataclass
class Gold:
    entities: dict[str, GoldEntity]
    documents: list[GoldDocument]


def relation_pairs(rel: dict[str, Any]) -> list[tuple[str, str]]:
    """Pair instances of one gold relation, by the scoring rules."""
    t = rel["type"]
    if t == "met":
        args = sorted(set(rel.get("args", [])))
        return [(a, b) for i, a in enumerate(args) for b in args[i + 1:]]
    if t == "signed":
        return [(a, rel["object"]) for a in rel.get("args", [])]
    if t == "visited":
        return [(rel["agent"], rel["destination"])]
    if t == "attended":
        return [(rel["agent"], rel["object"])]
    if t in ("invited", "sent_message"):
        return [(rel["agent"], rel["target"])]
    return []


def load_gold(path: str | Path) -> Gold:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise DataFileError(f"{path}: cannot read gold file ({err})") from err
    if not isinstance(data, dict) or "entities" not in data or "documents" not in data:
        raise DataFileError(f"{path}: a gold file needs 'entities' and 'documents'")
    ents = {
        e["id"]: GoldEntity(e["id"], e["type"], [str(n) for n in e.get("names", [])], e.get("qid"), e.get("en"))
        for e in data["entities"]
    }
    docs = []
    for d in data["documents"]:
        rels = []
        for r in d.get("relations") or []:
            date = str(r["date"]) if r.get("date") is not None else None
            for pair in relation_pairs(r):
                rels.append(GoldRelation(r["type"], pair, date, bool(r.get("implicit", False))))
        docs.append(GoldDocument(d["doc"], list(d.get("entities") or []), list(d.get("optional_entities") or []), rels,
                                 str(d["date"]) if d.get("date") else None))
    return Gold(ents, docs)
