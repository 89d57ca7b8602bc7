"""Trigger and modality lexicons (data files) turned into matchers over token NORMs."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.lexicons import clause_openers, read_jsonl, read_word_list


@dataclass(frozen=True)
class Trigger:
    start: int  # token indices
    end: int
    type: str
    pos: str  # verb | verb_pair | noun
    text: str
    with_noun: bool = False  # a verb that heads an event noun of its clause («بعث … برقية»)
    noun: tuple[int, int] | None = None  # that noun's tokens


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    status: str
    where: str
    window: int
    imperfect_only: bool
    scope: str = "clause"  # clause: stops at a comma; sentence: a denial covers its whole complement


class TriggerLexicon:
    """Finds event triggers and modality cues in a tokenized Doc."""

    def __init__(self, nlp: Language, triggers_path=None, modality_path=None, openers_path=None) -> None:
        self._triggers = PhraseMatcher(nlp.vocab, attr="NORM")
        self._cues = PhraseMatcher(nlp.vocab, attr="NORM")
        self._trigger_info: dict[str, tuple[str, str]] = {}
        self._cue_info: dict[str, dict] = {}
        by_key: dict[str, dict] = {}
        for rec in read_jsonl("triggers.jsonl", triggers_path):
            key = f"{rec['type']}|{rec['pos']}"
            doc = nlp.tokenizer(rec["text"])
            by_key.setdefault(key, {})[tuple(t.norm_ for t in doc)] = doc
        for key, docs in sorted(by_key.items()):
            self._triggers.add(key, list(docs.values()))
        for n, rec in enumerate(read_jsonl("modality.jsonl", modality_path)):
            key = f"cue{n}"
            self._cue_info[key] = rec
            if rec["where"] != "prefix":
                self._cues.add(key, [nlp.tokenizer(rec["cue"])])
        self._future_prefix = {r["cue"] for r in self._cue_info.values() if r["where"] == "prefix"}
        self.clause_openers = read_word_list("clause_openers.txt", openers_path) if openers_path else clause_openers()

    def triggers(self, doc: Doc) -> list[Trigger]:
        found = []
        for match_id, start, end in self._triggers(doc):
            etype, pos = doc.vocab.strings[match_id].split("|")
            found.append(Trigger(start, end, etype, pos, doc[start:end].text))
        # longest match first at a position (اتصال هاتفي beats nothing), no overlaps
        found.sort(key=lambda t: (t.start, -(t.end - t.start), t.type))
        out: list[Trigger] = []
        last_end = -1
        for t in found:
            if t.start >= last_end:
                out.append(t)
                last_end = t.end
        return out

    def cues(self, doc: Doc) -> list[Cue]:
        out = []
        for match_id, start, end in self._cues(doc):
            rec = self._cue_info[doc.vocab.strings[match_id]]
            # a cue word must be a whole word: not a clitic-split piece of a longer word
            out.append(Cue(start, end, rec["status"], rec["where"], rec["window"], bool(rec.get("imperfect_only")), rec.get("scope", "clause")))
        return sorted(out, key=lambda c: c.start)

    def future_prefixes(self) -> set[str]:
        return self._future_prefix
