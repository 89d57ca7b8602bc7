"""Linking and in-document coreference: every mention → one canonical entity (or several).

Input: gazetteer matches (``doc.spans["kb"]``) and statistical NER spans (``doc.spans["ner"]``).
Output: ``doc._.mentions`` (list of :class:`Mention`) and ``doc._.positions`` (apposition facts).

Rules, in the order they apply:
1. the longest gazetteer match wins; names beat short forms, titles and adjectives;
2. a capital is a STATE when it stands for its government (metonymy), a PLACE after a place
   preposition (في، إلى، العاصمة …);
3. a title followed by a person (``وزير الخارجية الروسي سيرغي لافروف``) is a position of that
   person, not a mention of its own; a title alone (``الرئيس الروسي``) resolves to the holder of
   that office at the document date, preferring people already named in the document;
4. short forms (بوتين، كيم) link only to an entity already named in the document or unique in the KB;
5. NER persons that the KB lacks get a minted entity; their later surname-only or
   transliteration-variant mentions join it;
6. plural references (الزعيمان، الطرفان) point at the people just mentioned.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.entities.dateline import dateline_agency_state, dateline_state
from kg.entities.gazetteer import kb_spans
from kg.entities.kb import KnowledgeBase
from kg.entities.model import Mention
from kg.entities.translit import similar_names
from kg.lexicons import clause_openers, event_words, read_word_list, trigger_verbs
from kg.text.normalize import normalize
from kg.text.tokenizer import doc_text

_KIND_RANK = {"facility": 0, "org": 0, "label": 0, "alias": 0, "abbrev": 1, "short": 2, "role": 3, "plural": 3, "counterpart": 3, "guest": 3, "nisba": 4, "honorific": 5, "place_preposition": 6}
_LINKABLE = {"facility", "label", "alias", "abbrev", "short", "role", "counterpart", "plural", "guest", "nisba", "ner", "org"}
_NER_TYPES = {"PERS": "PERSON", "PER": "PERSON", "ORG": "ORG", "LOC": "PLACE", "GPE": "STATE"}
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass
class _Person:
    entity_id: str
    name: str


class EntityLinker:
    def __init__(self, kb: KnowledgeBase, *, use_ner: bool = True, lexicon=None, rare_max: int = 5) -> None:
        self.kb = kb
        self.use_ner = use_ner
        self.lexicon = lexicon  # word frequencies (kg.text.clitics.Lexicon): names are rare words
        self.rare_max = rare_max
        # heads of state (the KB's roles) and of government: the offices an envoy or a delegation's head is not
        self._head_roles = frozenset({r.id for r in kb.roles.values() if r.head_of_state} | {"prime-minister"})

    # ----------------------------------------------------------------- public
    def __call__(self, doc: Doc) -> Doc:
        date = doc.user_data.get("kg_date")
        spans = self._select(doc)
        mentions: list[Mention] = []
        positions: list[dict] = []
        named: dict[str, str] = {}  # entity id → type, in order of first mention
        people: list[_Person] = []
        by_recency: list[Mention] = []  # plural references resolved to the last two people named
        # KB people named anywhere in the document: a headline's «عبد العاطي» comes before the body's
        # «بدر عبد العاطي», and is him, not an unknown person
        doc_people = [(s.kb_id_, display_text(s)) for s in spans if s.label_ in ("label", "alias")
                      and s.kb_id_ in self.kb and self.kb[s.kb_id_].type == "PERSON"]
        i = 0
        while i < len(spans):
            span = spans[i]
            kind = span.label_
            nxt = spans[i + 1] if i + 1 < len(spans) else None
            if kind in ("label", "alias", "abbrev"):
                m = self._name(doc, span, named)
                if m:
                    mentions.append(m)
            elif kind == "org":
                known = [s for s in kb_spans(doc) if s.label_ in ("label", "alias") and s.start >= span.start and s.end <= span.end
                         and s.kb_id_ in self.kb and self.kb[s.kb_id_].type in ("ORG", "PARTY")]
                eid = known[0].kb_id_ if known else mint_id("ORG", display_text(span))
                mentions.append(Mention(span.start_char, span.end_char, display_text(span), [eid], "ORG", "org-pattern", 0.75))
            elif kind == "facility":
                text = display_text(span)
                known = [a.entity_id for a in self.kb.lookup(text) if self.kb[a.entity_id].type == "PLACE"]
                mentions.append(Mention(span.start_char, span.end_char, text, [known[0] if known else mint_id("PLACE", text)], "PLACE", "facility", 0.75))
            elif kind == "short":
                m = self._short(doc, span, named)
                if m:
                    mentions.append(m)
            elif kind == "ner":
                m = self._ner(doc, span, named, people, doc_people)
                if m:
                    mentions.append(m)
            elif kind in ("role", "counterpart"):
                consumed, m, pos = self._title(doc, spans, i, named, mentions, date, positions)
                if pos:
                    positions.append(pos)
                if m:
                    mentions.append(m)
                i += consumed
                continue
            elif kind == "guest":
                m = self._guest(doc, span, mentions, positions)
                if m:
                    mentions.append(m)
            elif kind == "plural":
                m = self._plural(doc, span, spans, i, named, mentions, date, by_recency, positions)
                if m:
                    mentions.append(m)
            elif kind == "nisba":
                capital = self._capital_ref(doc, span)
                mentions.append(capital or Mention(span.start_char, span.end_char, display_text(span), [span.kb_id_], "STATE", "nisba", 0.6))
            if mentions and mentions[-1].type == "PERSON" and mentions[-1].method not in ("plural",):
                for eid in mentions[-1].entity_ids:
                    named.setdefault(eid, "PERSON")
                    if not any(p.entity_id == eid for p in people):
                        people.append(_Person(eid, mentions[-1].text))
            elif mentions and mentions[-1].method != "nisba":
                for eid in mentions[-1].entity_ids:
                    named.setdefault(eid, mentions[-1].type)
            i += 1
        text = doc_text(doc)
        freq = self.lexicon.freq if self.lexicon is not None else None
        rare = (lambda w: freq.get(w, 0) <= self.rare_max) if freq is not None else None
        mentions = self._label_head(text, self._family_tail(text, _nasab(text, mentions, rare)))
        mentions = self._surnames(text, mentions)
        home = self._home_state(doc)
        home_people = {e for e, st in self._person_states(mentions, positions).items() if home and st == home}
        mentions = _dedupe(_honorific_pronouns(text, mentions, home_people) + self._city_airports(doc))
        # «ثم أجرى النفطي وتاياني جلسة … بتوقيع الجانبين»: surname-only mentions are found after the first
        # pass, so a plural resolved to the last two people named is resolved again with them (not with
        # «سعادته»-style pronouns, whose antecedent is a guess of its own)
        if by_recency:
            ordered = sorted((m for m in mentions if m.method not in ("plural", "honorific-pronoun")), key=lambda m: m.start)
            starts = [m.start for m in ordered]
            for m in by_recency:
                again = _recent_people(text, ordered[:bisect_left(starts, m.start)])
                if len(again) == 2:
                    m.entity_ids = again
        moved = _without_honorifics(text, mentions)
        doc._.mentions = mentions
        by_start = {m.start: m for m in doc._.mentions if m.type == "PERSON"}
        for p in positions:
            if "at" in p:
                p["at"] = moved.get(p["at"], p["at"])  # the name now starts after its honorific
            if "at" in p and p["at"] in by_start:
                p["person"] = by_start[p["at"]].entity_id
        doc._.positions = positions
        return doc

    # -------------------------------------------------------------- selection
    def _select(self, doc: Doc) -> list[Span]:
        """Non-overlapping spans: longest first, then by kind rank; NER fills the gaps."""
        cands: list[Span] = kb_spans(doc) + self._org_spans(doc) + self._facility_spans(doc) + self._titled_names(doc)
        if self.use_ner:
            # a tagged «العماد» or «الشيخ» alone is the courtesy before a name, not a person
            courtesy = _courtesy_tokens(doc)
            for s in _with_geo_heads(doc, list(doc.spans.get("ner", []))):
                if all(t in courtesy for t in range(s.start, s.end)):
                    continue
                start = s.start
                while start < s.end and (doc[start].norm_ in _FILLER or getattr(doc[start]._, "clitic", "") == "article" and start + 1 < s.end and doc[start + 1].norm_ in _FILLER_STEMS):
                    start += 1
                if s.label_ in _NER_TYPES and start < s.end:
                    cands.append(Span(doc, start, s.end, label="ner", kb_id=s.label_))
        # a title that ends inside a party's or body's name («الأمين العام للجنة المركزية للحزب» + «الحزب
        # الشيوعي الصيني») yields to the name; a shorter reading of the title remains
        bodies = [c for c in cands if c.label_ in ("label", "alias") and c.kb_id_ in self.kb and self.kb[c.kb_id_].type in ("PARTY", "ORG")]
        cands = [c for c in cands if not (c.label_ == "role" and any(b.start < c.end < b.end and b.start >= c.start for b in bodies))]
        preference = self._homograph_preference(doc, cands)
        doc.user_data["kg_homographs"] = preference
        cands.sort(key=lambda s: (s.label_ == "ner", -(s.end_char - s.start_char), _KIND_RANK.get(s.label_, 9), s.start,
                                  -preference.get((s.start, s.end, s.kb_id_), 0)))
        taken = [False] * len(doc)
        chosen: list[Span] = []
        for s in cands:
            if s.label_ not in _LINKABLE:
                continue
            if s.label_ == "role" and s.end < len(doc) and doc[s.end].norm_ in _PATRONYMIC:
                continue  # «سلطان بن سعد المريخي»: a title word followed by «بن» is a given name
            if any(taken[s.start:s.end]):
                continue
            if s.label_ == "ner" and _has_kb_inside(s, doc):
                continue
            for t in range(s.start, s.end):
                taken[t] = True
            chosen.append(s)
        chosen.sort(key=lambda s: s.start)
        return chosen

    def _surnames(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """«وكان المنفي قد حل …» after «محمد يونس المنفي»: the last name alone, later in the document, is
        the person already named — when it is a rare word and does not follow a definite noun it could
        qualify («الرئيس السوداني» is an adjective, not al-Sudani)."""
        people = [m for m in mentions if m.type == "PERSON" and m.method not in ("plural", "title", "nisba")]
        if not people:
            return mentions
        freq = self.lexicon.freq if self.lexicon is not None else {}
        by_last: dict[str, tuple[int, str]] = {}
        for m in people:
            words = normalize(m.text).split()
            if len(words) >= 2 and len(words[-1].removeprefix("ال")) >= 3:
                by_last.setdefault(words[-1], (m.end, m.entity_id))
        for m in people:
            # a rare given name used alone, as East Asian and Gulf stories do («ثونغلون»، «طحنون»)
            words = normalize(m.text).split()
            while len(words) > 2 and freq.get(words[0], 0) > self.rare_max:
                words = words[1:]  # «الشيخ طحنون بن زايد»: the honorific is not the name
            if len(words) >= 2 and len(words[0]) >= 4 and freq.get(words[0], 0) <= self.rare_max and words[0] not in _CONNECTORS:
                by_last.setdefault(words[0], (m.end, m.entity_id))
        if not by_last:
            return mentions
        spans = sorted((m.start, m.end) for m in mentions if m.method != "nisba")
        # where a word right after a person's name starts (for «X وY»)
        person_ends = {m.end + len(text[m.end:m.end + 3]) - len(text[m.end:m.end + 3].lstrip()) for m in people}
        out = list(mentions)
        for w in _WORD_RE.finditer(text):
            word = normalize(w.group(0))
            for pre in ("", "و", "ف", "ب", "ل"):
                if word.startswith(pre) and word[len(pre):] in by_last:
                    name = word[len(pre):]
                    break
            else:
                continue
            first_end, eid = by_last[name]
            start = w.start() + len(pre)
            if start < first_end or any(a < w.end() and start < b for a, b in spans):
                continue
            prev = _WORD_RE.findall(text[max(0, start - 30):start])
            prev_word = normalize(prev[-1]).removeprefix("و").removeprefix("ف") if prev else ""
            # «عقد الصفدي ودار»: coordinated with a person just named, it is a person too
            coordinated = pre == "و" and w.start() in person_ends
            courtesy = prev_word in _courtesy_words()  # «المشير منير»، «السيد عطاف»: a rank or honorific names him
            # «فيما زار الوزير اليحيا برلين»: a one-word office names the rare surname after it (not a common
            # word: «الرئيس السوداني» stays an adjective)
            titled = prev_word in self._office_words() and freq.get(name, 0) <= self.rare_max
            # «الى» is no article, nor are the first letters of «التقى»
            if prev_word.startswith("ال") and prev_word not in _NOUN_PREPOSITIONS and prev_word not in trigger_verbs() \
                    and not coordinated and not courtesy and not titled:
                continue
            # a common word (السوداني is also "Sudanese") counts as the surname only where no noun
            # precedes it for it to qualify: after a verb («وكان السوداني قد وصل»، «التقى السوداني»)
            # or a preposition («نقل إلى السوداني رسالة»), or an indefinite noun a definite adjective
            # cannot qualify («بحضور السوداني»)
            if freq.get(name, 0) > self.rare_max and not (coordinated or courtesy or prev_word in clause_openers() or prev_word in event_words()
                                                          or prev_word in _NOUN_PREPOSITIONS
                                                          or _indefinite(prev[-1] if prev else "")):
                continue
            out = [m for m in out if not (m.method == "nisba" and m.start < w.end() and start < m.end)]
            out.append(Mention(start, w.end(), text[start:w.end()], [eid], "PERSON", "surname", 0.75))
        return out

    def _office_words(self) -> frozenset[str]:
        """One-word definite office titles of the roles lexicon (الوزير، السفير، الرئيس …), normalized."""
        if not hasattr(self, "_office_cache"):
            self._office_cache = frozenset(normalize(t) for r in self.kb.roles.values() for t in r.ar
                                           if " " not in t and t.startswith("ال"))
        return self._office_cache

    def _homograph_preference(self, doc: Doc, cands: list[Span]) -> dict[tuple[int, int, str], int]:
        """عمان is Oman or Amman: the written vowels decide first («عمّان» / «عُمان»), then the
        document (Jordan named elsewhere → Amman).  Returns a score per (start, end, entity)."""
        by_place: dict[tuple[int, int], list[Span]] = {}
        for c in cands:
            if c.label_ in ("label", "alias", "short") and c.kb_id_ in self.kb:
                by_place.setdefault((c.start, c.end), []).append(c)
        groups = {k: v for k, v in by_place.items() if len({c.kb_id_ for c in v}) > 1}
        if not groups:
            return {}
        states_at: dict[str, set[tuple[int, int]]] = {}
        for c in kb_spans(doc):
            if (c.start, c.end) in groups:
                continue  # another «عمان» is no evidence for either reading
            if c.label_ in ("label", "alias", "nisba") and c.kb_id_ in self.kb:
                st = self.kb.state_of(c.kb_id_) or c.kb_id_
                states_at.setdefault(st, set()).add((c.start, c.end))
        out: dict[tuple[int, int, str], int] = {}
        for (start, end), group in groups.items():
            surface = doc[start:end].text.replace("\u0640", "")
            for c in group:
                ent = self.kb[c.kb_id_]
                score = 2 if surface in {ent.label_ar, *ent.aliases_ar} and surface != normalize(surface) else 0
                home = self.kb.state_of(ent.id) or ent.id
                if states_at.get(home, set()) - {(start, end)}:
                    score += 1
                out[(start, end, c.kb_id_)] = score
        return out

    def _titled_names(self, doc: Doc) -> list[Span]:
        """«بوزيرة الثقافة أولغا ليوبيموفا»، «والرفيق تو لام»: rare words right after a title or an
        honorific are a person's name, even when the NER model and the KB miss it."""
        if self.lexicon is None:
            return []
        matches = kb_spans(doc)
        covered = set()
        for sp in matches:
            if sp.label_ not in ("honorific", "role", "place_preposition", "nisba"):
                covered.update(range(sp.start, sp.end))
        starts = {sp.end for sp in matches if sp.label_ in ("honorific", "role", "nisba", "org")} | {sp.end for sp in self._org_spans(doc)}
        geo = {sp.start for sp in matches if sp.label_ == "geo_head"}
        for sp in matches:  # «وزيرة الثقافة X Y»: a role, one complement word, then the name
            if sp.label_ == "role":
                k = sp.end
                while k < len(doc) and getattr(doc[k]._, "clitic", "") == "article":
                    k += 1
                if k < len(doc) and not doc[k].is_punct and k not in geo:
                    starts.add(k + 1)  # (not after «محافظة»، «جزيرة»: a place's name follows)
        starts = sorted(starts)
        courtesy = _courtesy_tokens(doc)
        out: list[Span] = []
        for k in starts:
            # skip a state complement or further honorifics: «رئيس مجلس الدوما للاتحاد الروسي X Y»،
            # «رئيس الجمهورية العماد جوزاف عون» (a rank that is also a given name, عماد)
            while k < len(doc) and (doc[k].norm_ in _FILLER_STEMS or getattr(doc[k]._, "clitic", "") == "article" or k in courtesy):
                k += 1
            end, words = k, 0
            while end < len(doc) and words < 4 and end not in covered:
                tok = doc[end]
                # «وولودين»: a name starting with و that the segmenter took for a clitic
                if words and tok.norm_ == "و" and tok._.clitic == "prefix" and tok.whitespace_ == "" and end + 1 < len(doc) and self._name_like(doc[end + 1]):
                    end += 2
                    words += 1
                    continue
                if not self._name_like(tok):
                    # «فو ثي آن شوان»: a short word that is also a known name, between two name syllables
                    nxt = doc[end + 1] if end + 1 < len(doc) else None
                    if not (words and nxt is not None and end + 1 not in covered and len(tok.text) <= 3
                            and tok.norm_ in self.lexicon.names and not getattr(tok._, "clitic", "")
                            and tok.whitespace_ and self._name_like(nxt)):
                        break
                end += 1
                words += 1
                # «ثانه»: a letter the segmenter split off as a pronoun belongs to the name
                while end < len(doc) and getattr(doc[end]._, "clitic", "") == "suffix" and not doc[end - 1].whitespace_:
                    end += 1
            if words >= 2:
                out.append(Span(doc, k, end, label="ner", kb_id="PERS"))
        return out

    def _name_like(self, tok) -> bool:
        if getattr(tok._, "clitic", "") or tok.is_punct or not tok.text.isalpha() or len(tok.text) < 2:
            return False
        if not any("\u0600" <= ch <= "\u06ff" for ch in tok.text):
            return False
        norm = tok.norm_
        freq = self.lexicon.freq  # corpus counts only: a protected KB name is not a common word

        def seen(w: str) -> int:
            return freq.get(w, 0) + freq.get("ال" + w, 0)

        if norm.endswith("ا") and seen(norm[:-1]) > self.rare_max:
            return False  # «تقريرا تأريخيا»: an indefinite accusative noun, not a foreign name
        return seen(norm) <= self.rare_max

    def _org_spans(self, doc: Doc) -> list[Span]:
        """State bodies: «وزارة الثقافة للاتحاد الروسي»، «مجلس الأمن الروسي»، «الجيش الروسي».

        An organization head noun (references lexicon) followed within three words by the name
        or nisba of a state is one ORG entity ending with that state.
        """
        matches = kb_spans(doc)
        states = [s for s in matches if (s.label_ == "nisba") or (s.label_ in ("label", "alias") and s.kb_id_ in self.kb and self.kb[s.kb_id_].type == "STATE")]
        out: list[Span] = []
        for head in matches:
            if head.label_ != "org_head":
                continue
            for st in states:
                if st.start < head.end:
                    continue
                between = doc[head.end:st.start]
                if len([t for t in between if getattr(t._, "clitic", "") == ""]) > 3 or any(t.is_punct for t in between):
                    break
                if any(k.label_ in ("label", "alias") and head.end <= k.start < st.start and k.kb_id_ in self.kb
                       and self.kb[k.kb_id_].type in ("PARTY", "ORG") for k in matches):
                    break  # «اللجنة المركزية للحزب الشيوعي الصيني»: the party is the named body
                start = _with_article(doc, head.start)
                if not self._generic_office(matches, start, head.start):
                    out.append(Span(doc, start, st.end, label="org", kb_id="ORG"))
                break
        return out

    @staticmethod
    def _generic_office(matches: list[Span], start: int, head: int) -> bool:
        """«رئيس مجلس الوزراء العراقي»: the cabinet inside a head-of-government title is the office, not
        a body the story names (the seeds' convention for generic office titles)."""
        generic = any(s.label_ == "generic_office" and s.start in (start, head) for s in matches)
        return generic and any(s.label_ == "role" and s.end == start for s in matches)

    def _facility_spans(self, doc: Doc) -> list[Span]:
        """Named buildings and sites: «قصر بعبدا»، «مطار رفيق الحريري الدولي»، «القصر الملكي».

        A facility head (references lexicon) and up to four name words after it, stopping at a clitic
        («بأبوظبي»), punctuation, a number, a time or function word, or a known place or state — «مطار
        دمشق» stays the city Damascus, so a visit to it still reaches its state.
        """
        matches = kb_spans(doc)
        places = {t for s in matches if (s.label_ in ("label", "alias") and s.kb_id_ in self.kb and self.kb[s.kb_id_].type in ("PLACE", "STATE"))
                  or s.label_ in ("role", "honorific", "counterpart", "plural", "nisba_person") for t in range(s.start, s.end)}
        # a head word that is the surname of a person the document names is that person
        surnames = {normalize(doc[sp.end - 1].text) for sp in list(doc.spans.get("ner", [])) + matches
                    if sp.end - sp.start >= 2 and (sp.label_ == "ner" and sp.kb_id_ == "PERS" or
                                                   sp.label_ in ("label", "alias") and sp.kb_id_ in self.kb and self.kb[sp.kb_id_].type == "PERSON")}
        surname_at = {sp.start for sp in matches if sp.label_ == "facility_head" and normalize(sp.text) in surnames}
        # a royal or presidential title right after the head is part of a facility's name
        royal = {sp.start: sp.end for sp in matches if sp.label_ in ("role", "honorific")
                 and normalize(doc[sp.start:sp.end].text).removeprefix("ال") in _ROYAL_TITLES}
        bodies = {sp.start for sp in matches if sp.label_ == "org_head"}
        out: list[Span] = []
        for head in matches:
            if head.label_ != "facility_head":
                continue
            if normalize(head.text) in _SEAT_HEADS and self._body_after(doc, head.end, bodies):
                continue  # «في مقر وزارة الخارجية»: the ministry is the named body, its seat is no place of its own
            end, words = head.end, 0
            while end < len(doc) and words < 4:
                tok = doc[end]
                clitic = getattr(tok._, "clitic", "")
                if clitic == "article":
                    end += 1
                    continue
                if words == 0 and end in royal and end + 1 < len(doc) and not doc[end + 1].is_punct:
                    end = royal[end]  # «مطار الملكة علياء الدولي»، «جسر الملك فهد»: a title inside the name
                    continue
                if clitic == "prefix" and words == 0 and tok.norm_ == "ب" and end + 1 < len(doc) and end + 1 not in places \
                        and doc[end].whitespace_ == "" and doc[end + 1].text.isalpha():
                    end += 2  # «قصر بسمان»: a name the segmenter split as ب + سمان
                    words += 1
                    continue
                if clitic or tok.is_punct or tok.like_num or end in places or tok.norm_ in _FACILITY_STOP or not tok.text.isalpha() \
                        or tok.norm_ in _COMPLEMENTIZERS or tok.norm_ in event_words():
                    break
                end += 1
                words += 1
            while end > head.end and getattr(doc[end - 1]._, "clitic", "") == "article":
                end -= 1
            start = _with_article(doc, head.start)
            if head.start in surname_at and start == head.start and not any(
                    getattr(t._, "clitic", "") == "article" for t in doc[head.end:end]):
                continue  # «ودار جلسة مباحثات»، «دار قد وصل»: Ishaq Dar's surname; «دار رئاسة الوزراء» is a building
            if words:
                out.append(Span(doc, start, end, label="facility", kb_id="PLACE"))
        return out

    @staticmethod
    def _body_after(doc: Doc, k: int, bodies: set[int]) -> bool:
        """An organization head noun («وزارة»، «مجلس») at ``k``, after an optional article."""
        if k < len(doc) and getattr(doc[k]._, "clitic", "") == "article":
            k += 1
        return k in bodies

    def _city_airports(self, doc: Doc) -> list[Mention]:
        """«مطار دمشق الدولي»، «بمطار الكويت الدولي»: an international airport named after its city or
        state is a place of its own, on top of the city it names (which stays a mention, so that an
        arrival there still reaches the city and its state)."""
        matches = kb_spans(doc)
        known = {sp.start: sp.end for sp in matches if sp.label_ in ("label", "alias") and sp.kb_id_ in self.kb
                 and self.kb[sp.kb_id_].type in ("PLACE", "STATE")}
        out: list[Mention] = []
        for head in matches:
            if head.label_ != "facility_head" or normalize(head.text) not in _AIRPORT_HEADS:
                continue
            k = head.end
            if k not in known:
                continue
            end = known[k]
            if end < len(doc) and getattr(doc[end]._, "clitic", "") == "article":
                end += 1
            if end >= len(doc) or doc[end].norm_ not in _INTERNATIONAL:
                continue
            span = Span(doc, _with_article(doc, head.start), end + 1)
            text = display_text(span)
            ids = [a.entity_id for a in self.kb.lookup(text) if self.kb[a.entity_id].type == "PLACE"]
            out.append(Mention(span.start_char, span.end_char, text, [ids[0] if ids else mint_id("PLACE", text)],
                               "PLACE", "facility", 0.75))
        return out

    # ------------------------------------------------------------------ rules
    def _candidates(self, span: Span) -> list[str]:
        return [a.entity_id for a in self.kb.lookup(display_text(span))] or [span.kb_id_]

    def _name(self, doc: Doc, span: Span, named: dict[str, str]) -> Mention | None:
        ids = [e for e in dict.fromkeys(self._candidates(span)) if e in self.kb]
        if span.kb_id_ in self.kb and span.kb_id_ not in ids:
            ids.insert(0, span.kb_id_)
        if not ids:
            return None
        eid = _prefer(ids, named, self.kb)
        scores = doc.user_data.get("kg_homographs", {})
        ranked = sorted(((scores.get((span.start, span.end, e), 0), e) for e in ids), reverse=True)
        if len(ranked) > 1 and ranked[0][0] > ranked[1][0]:
            eid = ranked[0][1]  # «عمّان» / Jordan named elsewhere: the homograph the document means
        ent = self.kb[eid]
        etype, method = ent.type, "kb-name"
        if ent.type == "PLACE" and ent.capital_of and not _after_place_word(doc, span):
            eid, etype, method = ent.capital_of, "STATE", "metonymy"
        score = 1.0 if len(ids) == 1 else 0.8
        return Mention(span.start_char, span.end_char, display_text(span), [eid], etype, method, score)

    def _short(self, doc: Doc, span: Span, named: dict[str, str]) -> Mention | None:
        ids = [a.entity_id for a in self.kb.lookup(display_text(span)) if a.kind in ("short", "label", "alias")]
        ids = list(dict.fromkeys(ids))
        nxt = doc[span.end] if span.end < len(doc) else None
        if (nxt is not None and self.lexicon is not None and span.end_char == nxt.idx - 1 and self._name_like(nxt)
                and nxt.norm_ not in event_words() and (nxt.whitespace_ or nxt.i + 1 == len(doc)) and ids and all(self.kb[e].type == "PERSON" for e in ids)
                and not any(sp.start == span.end for sp in kb_spans(doc) if sp.label_ != "ner")):
            return None  # «وانغ جيان غو»: the first word of another name, not Wang Yi
        in_doc = [e for e in ids if e in named]
        if in_doc:
            eid, score = in_doc[0], 0.9
        elif len(ids) == 1:
            eid, score = ids[0], 0.7
        else:
            return None
        return Mention(span.start_char, span.end_char, display_text(span), [eid], self.kb[eid].type, "short-form", score)

    def _ner(self, doc: Doc, span: Span, named: dict[str, str], people: list[_Person],
             doc_people: list[tuple[str, str]] = ()) -> Mention | None:
        etype = _NER_TYPES[span.kb_id_]
        if etype == "PERSON":
            span = _without_event_words(doc, span)
            if span is None:
                return None
        text = display_text(span)
        if etype == "PERSON":
            # a surname or a spelling variant of someone already named in this document
            for p in people:
                # a part of a name given before, or a fuller form of an unknown person's name
                # («طحنون بن زايد» … «طحنون بن زايد آل نهيان»)
                if (similar_names(text, p.name) or _is_part_of(text, p.name)
                        or (p.entity_id not in self.kb and _is_part_of(p.name, text))):
                    return Mention(span.start_char, span.end_char, text, [p.entity_id], "PERSON", "coref-name", 0.8)
            ahead = {eid for eid, name in doc_people if self._is_surname_of(text, name)}
            if len(ahead) == 1:
                return Mention(span.start_char, span.end_char, text, [ahead.pop()], "PERSON", "coref-name", 0.8)
            cut = _honorific_re().match(text)
            bare = text[cut.end():] if cut and cut.end() < len(text) else text  # «العماد جوزاف عون»
            fuzzy = self.kb.fuzzy_people(bare)
            if len(fuzzy) == 1:
                return Mention(span.start_char, span.end_char, text, fuzzy, "PERSON", "kb-translit", 0.75)
            fuller = self.kb.people_within(bare)
            if len(fuller) == 1:
                return Mention(span.start_char, span.end_char, text, fuller, "PERSON", "kb-middle-name", 0.75)
            if len(normalize(text).split()) < 2:
                return None  # a lone unknown word is too weak to mint a person
        elif etype in ("PLACE", "STATE"):
            hits = [a.entity_id for a in self.kb.lookup(text)]
            if hits:
                return None  # the gazetteer already had its chance; an odd partial match is noise
            state = self._short_state(text, named)
            if state:
                return Mention(span.start_char, span.end_char, text, [state], "STATE", "kb-partial", 0.7)
        return Mention(span.start_char, span.end_char, text, [mint_id(etype, text)], etype, "ner", 0.6)

    def _is_surname_of(self, short: str, full: str) -> bool:
        """``short`` is the last words of ``full`` (two or more words, or one rare word)."""
        s, f = normalize(short).split(), normalize(full).split()
        if not (0 < len(s) < len(f) and s == f[-len(s):]):
            return False
        freq = self.lexicon.freq if self.lexicon is not None else {}
        return len(s) >= 2 or freq.get(s[0], 0) <= self.rare_max

    def _is_person_span(self, span: Span) -> bool:
        if span.label_ == "ner":
            return _NER_TYPES.get(span.kb_id_) == "PERSON"
        if span.label_ in ("label", "alias", "short"):
            return span.kb_id_ in self.kb and self.kb[span.kb_id_].type == "PERSON"
        return False

    def _short_state(self, text: str, named: dict[str, str]) -> str | None:
        """«كوريا» after «كوريا الشمالية» was named: the first word(s) of a state's name."""
        norm = normalize(text)
        states = self.kb.states_starting_with(norm)
        in_doc = [s for s in states if s in named]
        if len(in_doc) == 1:
            return in_doc[0]
        return states[0] if len(states) == 1 else None

    def _title(self, doc, spans, i, named, mentions, date, positions=()):
        """A role title: apposition (position of the next person) or a reference to the office holder."""
        role_span = spans[i]
        end = _portfolio_end(doc, role_span, spans, i, self.kb)
        if end > role_span.end:
            # «وزير الشؤون الخارجية والاتحاد الأوروبي والتعاون الإسباني»: the minister's portfolio is part
            # of the title; the names inside it («الاتحاد الأوروبي») are not mentions of their own
            inside = 0
            while i + 1 + inside < len(spans) and spans[i + 1 + inside].end <= end:
                inside += 1
            title = Span(doc, role_span.start, end, label=role_span.label_, kb_id=role_span.kb_id_)
            consumed, m, pos = self._title(doc, [*spans[:i], title, *spans[i + 1 + inside:]], i, named, mentions, date, positions)
            return consumed + inside, m, pos
        role = role_span.kb_id_ if role_span.label_ == "role" else None
        title_start = role_span.start_char
        deputy = _deputy_before(doc_text(doc), role_span.start_char)
        if deputy is not None:
            # «النائب الأول لرئيس الجمهورية»: the deputy's office, never the principal's
            title_start = deputy
            role = self._deputy_role(doc_text(doc)[role_span.start_char:role_span.end_char]) if role else None
        j = i + 1
        of: str | None = None
        # the office's complement: a nisba (الروسي), a state/party/org name (الاتحاد الروسي، لحزب العمل)
        events = event_words()
        while j < len(spans) and _gap(doc, spans[j - 1], spans[j]) <= (1 if of is None else 0):
            s = spans[j]
            if any(_is_event_word(doc[k].norm_, events) for k in range(spans[j - 1].end, s.start)):
                break  # «رئيس الدولة يستقبل وزير …»، «لسمو الأمير لزيارة بغداد»: a verb or an event noun ends the title
            if _surname_between(doc, spans[j - 1].end, s.start, mentions):
                break  # «فيما زار الوزير اليحيا برلين»: the minister named by his surname, then his destination
            if s.label_ == "nisba" and of is None and self._capital_ref(doc, s) is None:  # not «العاصمة السورية»
                of = s.kb_id_
                j += 1
                continue
            if s.label_ in ("label", "alias", "abbrev") and of is None and s.kb_id_ in self.kb and self.kb[s.kb_id_].type in ("STATE", "PARTY", "ORG", "PLACE"):
                ent = self.kb[s.kb_id_]
                of = ent.capital_of or ent.id
                mentions.append(self._name(doc, s, named) or Mention(s.start_char, s.end_char, s.text, [ent.id], ent.type, "kb-name"))
                named.setdefault(ent.id, ent.type)
                j += 1
                continue
            if s.label_ == "role" and of is None:  # "رئيس شؤون الدولة" then another title: keep the first role
                j += 1
                continue
            break  # «الوزير الأمريكي سمو الأمير»: after its state, another title is another person's
        consumed = j - i
        home_of = False
        if of is None and role and self._home_title(doc, spans, i, j):
            of = self._home_state(doc)  # «سمو أمير البلاد»، «رئيس الدولة»، «جلالة الملك»: the story's own country
            home_of = True
        # apposition: a person right after the title
        if (j < len(spans) and _gap(doc, spans[j - 1], spans[j]) <= 2 and self._is_person_span(spans[j])
                and not _coordinated(doc, spans[j - 1], spans[j]) and not _governed(doc, spans[j - 1], spans[j])
                and not _clause_between(doc, spans[j - 1], spans[j])):
            return consumed, None, {"role": role, "of": of, "at": spans[j].start_char, "title_start": title_start, "title": doc_text(doc)[title_start:spans[j - 1].end_char]}
        # apposition after a person: "كيم، الأمين العام لحزب العمل"
        prev = mentions[-1] if mentions else None
        foreign = (prev is not None and of is not None and not home_of and prev.entity_id in self.kb and self.kb[prev.entity_id].country
                   and (self.kb.state_of(of) or of) != self.kb[prev.entity_id].country)
        # «وسلّم الزياني رئيس الوزراء الماليزي رسالة»: a Bahraini is not Malaysia's prime minister — the title
        # is the verb's object, a reference to its holder
        if (prev and prev.type == "PERSON" and prev.method != "title" and not foreign
                and doc_text(doc)[prev.end:role_span.start_char].strip() in ("،", ",", "")):
            return consumed, None, {"role": role, "person": prev.entity_id, "of": of, "title": doc_text(doc)[role_span.start_char:spans[j - 1].end_char]}
        # a bare title: resolve to the office holder
        holder = None
        if deputy is not None and role is None:
            return consumed, None, None
        if role_span.label_ != "counterpart":
            holder = self._stated_holder(role, of, mentions, positions)
        if holder is None and role_span.label_ == "counterpart":
            holder = self._counterpart(of, mentions, named, date, positions, self._coordinated_title_holder(doc, spans, i, mentions, positions, of))
        holder = holder or self._holder(role, of, named, date, counterpart=role_span.label_ == "counterpart")
        if (holder is None and of is None and role in self.kb.roles and self.kb.roles[role].head_of_state
                and role_span.label_ != "counterpart" and role_span.text.startswith("ال") and self._home_state(doc)):
            # «سلّم الوزير الضيف الرئيس رسالة» in a Cairo story: the bare, definite head-of-state title (not
            # «رئيس مجلس الشورى») is the host country's, once the story has named him
            home_head = self._holder(role, self._home_state(doc), named, date)
            holder = home_head if home_head in named else None
        if holder is None and of is not None and role in _VISITOR_ROLES and role_span.label_ != "counterpart":
            # «الموفد الفرنسي»، «الوزير الأول النيجري» in a host-country story, an office the KB does not fill:
            # the visitor from that state the story keeps naming
            holder = self._visitor_from(doc, of, role, mentions, positions, date)
        if holder:
            end = spans[j - 1].end_char
            return consumed, Mention(role_span.start_char, end, doc_text(doc)[role_span.start_char:end], [holder], "PERSON", "title", 0.7, role), None
        return consumed, None, None

    def _family_tail(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """«صباح خالد الحمد» + «المبارك الصباح»: a known person's name runs on to the family name its
        KB label ends with when it comes within two more words («الصباح»، «آل خليفة»)."""
        taken = sorted((m.start, m.end) for m in mentions)
        for m in mentions:
            if m.type != "PERSON" or m.entity_id not in self.kb or m.method not in ("kb-name", "kb-middle-name", "short-form"):
                continue
            family = normalize(self.kb[m.entity_id].label_ar).split()[-1:]
            if not family or normalize(m.text).split()[-1:] == family:
                continue
            tail = _WORD_RE.finditer(text[m.end:m.end + 40])
            for n, w in enumerate(tail):
                if n >= 2 or "\n" in text[m.end:m.end + w.start()] or any(c in text[m.end:m.end + w.start()] for c in "،,.:؛()"):
                    break
                if normalize(w.group(0)) == family[0]:
                    end = m.end + w.end()
                    if not any(a < end and m.end < b for a, b in taken):
                        m.text = text[m.start:end]
                        m.end = end
                    break
        return mentions

    def _label_head(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """«بزيارة ولد الشيخ الغزواني»: a short form of a known person's name runs back over the words of
        its KB label right before it (at most two, in the same clause), so the name starts where the
        text starts it."""
        taken = sorted((m.start, m.end) for m in mentions)
        for m in mentions:
            if m.type != "PERSON" or m.entity_id not in self.kb or m.method not in ("short-form", "surname"):
                continue
            label = normalize(self.kb[m.entity_id].label_ar).split()
            words = normalize(m.text).split()
            at = next((k for k in range(1, len(label) - len(words) + 1) if label[k:k + len(words)] == words), None)
            if at is None:
                continue
            start, k = m.start, at - 1
            for w in reversed(list(_WORD_RE.finditer(text[max(0, m.start - 40):m.start]))):
                gap = text[max(0, m.start - 40) + w.end():start]
                if k < 1 or gap.strip() or normalize(w.group(0)) != label[k]:
                    break  # the first word of the label (a given name) is the full name's business, not ours
                start, k = max(0, m.start - 40) + w.start(), k - 1
            if start < m.start and not any(a < m.start and start < b for a, b in taken):
                m.text = text[start:m.end]
                m.start = start
        return mentions

    def _capital_ref(self, doc: Doc, span: Span) -> Mention | None:
        """«العاصمة السورية»: the capital of the nisba's state, a place."""
        k = span.start - 1
        if k < 0 or doc[k].norm_ not in ("عاصمه", "العاصمه"):
            return None
        if doc[k].norm_ == "عاصمه" and k > 0 and getattr(doc[k - 1]._, "clitic", "") == "article":
            k -= 1
        state = span.kb_id_
        capital = self.kb[state].capital if state in self.kb else None
        if not capital or capital not in self.kb:
            return None
        start = doc[k].idx
        return Mention(start, span.end_char, doc_text(doc)[start:span.end_char], [capital], "PLACE", "capital-ref", 0.75)

    def _deputy_role(self, principal: str) -> str | None:
        """The role named «نائب» + the principal's title («نائب رئيس الجمهورية» → vice-president)."""
        want = normalize("نائب " + principal.removeprefix("ل").removeprefix("ل"))
        for r in self.kb.roles.values():
            if any(normalize(f) == want for f in r.ar):
                return r.id
        return None

    def _home_title(self, doc: Doc, spans: list[Span], i: int, j: int) -> bool:
        """A title that names the host country's office without naming the country: «أمير البلاد»،
        «رئيس الدولة»، «رئيس الجمهورية», or an honorific right before it («سمو الأمير»، «جلالة الملك»)."""
        words = normalize(doc[spans[i].start:spans[j - 1].end].text).split()
        if any(w in _HOME_WORDS for w in words[1:]) or (words and words[0] in _HOME_HONORIFICS):
            return True
        # the honorifics right before it, in a row: «معالي السيد وزير الخارجية»
        ending = {sp.end: sp for sp in kb_spans(doc) if sp.label_ == "honorific"}
        start = spans[i].start
        role = self.kb.roles.get(spans[i].kb_id_) if spans[i].label_ == "role" else None
        head = role is None or role.head_of_state
        while start in ending:
            honorific = normalize(ending[start].text)
            if honorific in _HOME_HONORIFICS or (honorific in _MINISTERIAL_HONORIFICS and not head):
                return True
            start = ending[start].start
        return False

    def _home_state(self, doc: Doc) -> str | None:
        """The country whose offices a wire story names bare: its national agency's («إسلام آباد … واس»:
        «سمو وزير الخارجية» is Saudi Arabia's), else the dateline's."""
        if "kg_home" not in doc.user_data:
            doc.user_data["kg_home"] = dateline_agency_state(doc_text(doc), self.kb)
        return doc.user_data["kg_home"] or self._host_state(doc)

    def _host_state(self, doc: Doc) -> str | None:
        if "kg_host" not in doc.user_data:
            places = [(s.start_char, s.end_char, s.kb_id_) for s in kb_spans(doc)
                      if s.label_ in ("label", "alias") and s.kb_id_ in self.kb and self.kb[s.kb_id_].type in ("STATE", "PLACE")]
            dates = [d.start for d in doc.user_data.get("kg_dates", [])]
            doc.user_data["kg_host"] = dateline_state(doc_text(doc), places, dates, self.kb)
        return doc.user_data["kg_host"]

    @staticmethod
    def _stated_holder(role, of, mentions, positions) -> str | None:
        """«الوزير الياباني» after «وزير الخارجية الياباني توشيميتسو موتيغي»: the person this document
        itself gave that office (a generic «الوزير» fits any ministry), before any KB look-up."""
        if of is None:
            return None
        by_start = {m.start: m.entity_id for m in mentions if m.type == "PERSON"}
        found = None
        for p in positions:
            person = p.get("person") or by_start.get(p.get("at"))
            if person and p.get("of") == of and _role_fits(role, p.get("role")):
                found = person
        return found

    def _holder(self, role, of, named, date, *, counterpart=False) -> str | None:
        """The person holding ``role`` of ``of``: someone named in the document first, else the KB."""
        if of is None:
            return None
        state = self.kb.state_of(of) or of
        head = counterpart or (role in self.kb.roles and self.kb.roles[role].head_of_state) or role is None

        def fits(e: str) -> bool:
            ent = self.kb[e]
            if any(p.get("of") == of and _role_fits(role, p.get("role")) for p in ent.positions):
                return True
            return head and ent.country == state and self.kb.entities[of].type == "STATE" and self._leads(ent, state)

        in_doc = [e for e, t in named.items() if t == "PERSON" and e in self.kb and fits(e)]
        if role and not counterpart:
            holders = self.kb.holders(role, of, date)
            for h in holders:
                if h in named:
                    return h
            if in_doc:
                return in_doc[-1]
            if len(holders) == 1:
                return holders[0]
            current = [h for h in holders if any(p.get("end") is None and p.get("role") == role for p in self.kb[h].positions)]
            return current[0] if len(current) == 1 else None
        return in_doc[-1] if in_doc else None

    def _text_roles(self, mentions: list[Mention], positions=()) -> dict[str, set[str]]:
        """Roles the document gives each person: its title mentions («الوزير الهندي» → minister) and the
        titles in apposition found so far («وزير الاقتصاد … الياباني ريوسي أكازاوا»)."""
        out: dict[str, set[str]] = {}
        for m in mentions:
            if m.type == "PERSON" and m.role:
                for e in m.entity_ids:
                    out.setdefault(e, set()).add(m.role)
        if positions:
            named_at = {m.start: m.entity_ids for m in mentions if m.type == "PERSON"}
            for p in positions:
                of = self.kb.entities.get(p.get("of") or "")
                if not p.get("role") or (of is not None and of.type in ("PARTY", "ORG")):
                    continue  # a party's or a body's leader is not one of «الزعيمان» of two states
                for e in named_at.get(p.get("at"), ()):
                    out.setdefault(e, set()).add(p["role"])
        return out

    def _recent_holders(self, office: str, mentions: list[Mention], positions_of: dict[str, set[str]], date) -> list[str]:
        """People named most recently first whose office (KB at the date, or the text) is of ``office``'s kind."""
        out: list[str] = []
        for m in reversed(mentions):
            if m.type != "PERSON" or m.method == "plural" or len(m.entity_ids) != 1 or m.entity_id in out:
                continue
            roles = set(positions_of.get(m.entity_id, ()))
            ent = self.kb.entities.get(m.entity_id)
            if ent is not None:
                roles.update(_current_roles(ent, date))
            if any(_office_kind(r) == office for r in roles):
                out.append(m.entity_id)
        return out

    def _heads_now(self, eid: str, date) -> bool:
        """The KB has this person as a head of state or government at ``date``."""
        ent = self.kb.entities.get(eid)
        return ent is not None and any(p.get("role") in self._head_roles and ent.holds(p["role"], p.get("of"), date)
                                       for p in ent.positions)

    def _person_states(self, mentions: list[Mention], positions) -> dict[str, str]:
        """Each person's state: from the document's own titles first, else the KB."""
        stated: dict[str, str] = {}
        by_start = {m.start: m.entity_id for m in mentions if m.type == "PERSON"}
        for p in positions:
            person = p.get("person") or by_start.get(p.get("at"))
            if p.get("role") == "ambassador" and _ACCREDITED_TO in normalize(p.get("title") or ""):
                continue  # «سفير خادم الحرمين الشريفين لدى أذربيجان»: the state he is posted to is not his
            if person and p.get("of"):
                stated.setdefault(person, self.kb.state_of(p["of"]) or p["of"])
        for m in mentions:
            if m.type == "PERSON" and m.entity_id not in stated and m.entity_id in self.kb and self.kb[m.entity_id].country:
                stated[m.entity_id] = self.kb[m.entity_id].country
        return stated

    def _visitor_from(self, doc: Doc, state: str, role: str, mentions: list[Mention], positions, date) -> str | None:
        """The person of ``state`` a host-country story names most (not a head of state or government
        the KB knows, unless the title is that office)."""
        host = self._host_state(doc)
        state = self.kb.state_of(state) or state
        if host is None or state == host:
            return None
        stated = self._person_states(mentions, positions)
        counts: dict[str, int] = {}
        for m in mentions:
            if m.type != "PERSON" or m.method in ("plural", "guest", "title") or stated.get(m.entity_id) != state:
                continue
            if role not in self._head_roles and self._heads_now(m.entity_id, date):
                continue  # the envoy of the president is not the president
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
        return max(counts, key=lambda e: counts[e]) if counts else None

    def _guest(self, doc: Doc, span: Span, mentions: list[Mention], positions) -> Mention | None:
        """«الضيف»، «الوزير الضيف»: the foreign visitor of a host-country story — the person named most
        so far whose state (from the KB or the document's own titles) is not the dateline's.  «الوفد
        العراقي»: the visitor from the state its adjective names."""
        host = self._host_state(doc)
        if host is None:
            return None
        nisba = next((sp.kb_id_ for sp in kb_spans(doc) if sp.label_ == "nisba" and sp.start == span.end), None)
        delegation = normalize(span.text) in _DELEGATION_WORDS
        if delegation:
            head = _delegation_head(doc, span, mentions)
            if head is not None:
                return Mention(span.start_char, span.end_char, display_text(span), [head], "PERSON", "guest", 0.7)
        if nisba is None and delegation:
            return None  # «الوفد» alone may be either side's
        stated = self._person_states(mentions, positions)
        counts: dict[str, int] = {}
        date = doc.user_data.get("kg_date")
        for m in mentions:
            if m.type != "PERSON" or m.method in ("plural", "guest"):
                continue
            eid = m.entity_id
            state = stated.get(eid)
            if not (state and state != host and (nisba is None or state == (self.kb.state_of(nisba) or nisba))):
                continue
            if delegation and self._heads_now(eid, date):
                continue  # «الوفد الصيني» is led by the visiting official, not the president who sent him
            counts[eid] = counts.get(eid, 0) + 1
        # «الوزير الضيف»: the guest holds the title said before it
        title = next((sp.kb_id_ for sp in kb_spans(doc) if sp.label_ == "role" and sp.end == span.start), None)
        if title:
            holding = {e: n for e, n in counts.items() if e in self.kb and any(_role_fits(title, p.get("role")) for p in self.kb[e].positions)}
            counts = holding or counts
        if not counts:
            return None
        # the visitor is the foreigner the story keeps naming, not one it mentions in passing
        guest = max(counts, key=lambda e: counts[e])
        return Mention(span.start_char, span.end_char, display_text(span), [guest], "PERSON", "guest", 0.7)

    def _coordinated_title_holder(self, doc: Doc, spans: list[Span], i: int, mentions: list[Mention], positions,
                                  of: str | None) -> str | None:
        """«عقد سمو وزير الطاقة ونظيره الأذربيجاني»: the person this document gave the title right
        before «و» + the counterpart («وزير الطاقة الأمير عبدالعزيز بن سلمان»)."""
        if i == 0 or spans[i - 1].label_ != "role":
            return None
        prev = spans[i - 1]
        end = _portfolio_end(doc, prev, spans, i - 1, self.kb)  # «وزير» + «الطاقة»
        between = doc[end:spans[i].start]
        if len(between) != 1 or between[0].norm_ != "و":
            return None
        title = normalize(doc[prev.start:end].text)
        at = {m.start: m.entity_id for m in mentions if m.type == "PERSON"}
        for p in reversed(positions):
            person = p.get("person") or at.get(p.get("at"))
            if person and p.get("of") != of and normalize(p.get("title") or "").startswith(title):
                return person  # not «وزير الطاقة الأذربيجاني»: the counterpart is the Azerbaijani one
        return None

    def _counterpart(self, of, mentions, named, date, positions, owner: str | None = None) -> str | None:
        """«نظيره الياباني» after «الوزير اليحيا»: the holder, for ``of``, of the office the person just
        named holds (Japan's foreign minister, not its prime minister)."""
        if of is None:
            return None
        # the person just named, unless of that very state: «… برويز شهبازوف. عقد سمو وزير الطاقة ونظيره
        # الأذربيجاني»: the Azerbaijani minister is the counterpart, not the one whose counterpart is meant
        states = self._person_states(mentions, positions)
        owner = owner or next((m.entity_id for m in reversed(mentions) if m.type == "PERSON" and m.method != "plural"
                               and states.get(m.entity_id) != of), None)
        if owner is None:
            return None
        # the KB's offices at the date first: a title the story seems to give can be a misread object
        roles = _current_roles(self.kb[owner], date) if owner in self.kb else []
        roles += [p.get("role") for p in positions if p.get("person") == owner and p.get("role")]
        at = {m.start: m.entity_id for m in mentions if m.type == "PERSON"}
        for role in dict.fromkeys(roles):
            holders = [h for h in self.kb.holders(role, of, date) if h != owner and (date or any(
                p.get("role") == role and p.get("of") == of and p.get("end") is None for p in self.kb[h].positions))]
            # the story's own apposition first («وزير الخارجية الصومالي أحمد معلم فقي», «وزير الطاقة
            # الأذربيجاني برويز شهبازوف»): it names this office's holder even where the KB has others
            told = [p.get("person") or at.get(p.get("at")) for p in positions if p.get("role") == role and p.get("of") == of]
            told = [t for t in told if t is not None and t != owner]
            if told:
                return told[-1]
            in_doc = [h for h in holders if h in named]
            if in_doc:
                return in_doc[0]
            if len(holders) == 1:
                return holders[0]
        return None  # no office of that name there (North Korea has no «president»): the leader rule decides

    def _leads(self, ent, state: str) -> bool:
        """Has this person held a head-of-state or head-of-government office of ``state``?"""
        heads = {r.id for r in self.kb.roles.values() if r.head_of_state}
        return any(p.get("of") == state and p.get("role") in heads for p in ent.positions) or not ent.positions

    def _plural(self, doc, span, spans, i, named, mentions, date, by_recency: list[Mention], positions=()) -> Mention | None:
        """الزعيمان [الكوري والروسي] → the two leaders just named (or named by the adjectives); a
        reference resolved only by who was named last is also added to ``by_recency``."""
        states: list[str] = []
        j = i + 1
        while j < len(spans) and spans[j].label_ == "nisba" and _gap(doc, spans[j - 1], spans[j]) <= 1:
            states.append(spans[j].kb_id_)
            j += 1
        if not states and j < len(spans) and self._is_person_span(spans[j]) and _gap(doc, span, spans[j]) == 0:
            return None  # «الوزيران الشيباني وحسين»: the names that follow are the two, not the last two named
        persons = [e for e, t in named.items() if t == "PERSON"]
        chosen: list[str] = []
        if states:
            for st in states:
                for e in reversed(persons):
                    ent = self.kb.entities.get(e)
                    if ent and (ent.country == st or any(p.get("of") == st for p in ent.positions)) and e not in chosen:
                        chosen.append(e)
                        break
        if len(chosen) < 2:
            # «الوزيران»: the two ministers just named, not the ambassador and the deputy named since
            office = _plural_office(normalize(span.text))
            if office is not None:
                holders = self._recent_holders(office, mentions, positions_of=self._text_roles(mentions, positions), date=date)
                if len(holders) >= 2:
                    chosen = list(reversed(holders[:2]))
        recency = len(chosen) < 2
        if recency:
            chosen = _recent_people(doc_text(doc), mentions)
        if len(chosen) < 2:
            return None
        end = spans[j - 1].end_char
        m = Mention(span.start_char, end, doc_text(doc)[span.start_char:end], chosen[:2], "PERSON", "plural", 0.7)
        if recency:
            by_recency.append(m)
        return m


# ---------------------------------------------------------------------- helpers
_WORD_RE = re.compile(r"[\u0621-\u064a\u0640\u064b-\u0652]+")
_GENERIC_ROLES = {"minister"}
_PATRONYMIC = {normalize(w) for w in ("بن", "ابن", "بنت")}
# offices a visiting delegation's head holds, which a host-country story may give only as a title
# («الموفد الفرنسي»، «الوزير الأول النيجري»); not heads of state or ambassadors, who are other people
_VISITOR_ROLES = {"envoy", "prime-minister", "premier", "deputy-prime-minister", "foreign-minister", "minister", "speaker",
                  "high-representative", "secretary-general"}
_DELEGATION_WORDS = {normalize(w) for w in ("الوفد", "الوفد الزائر")}
_LED_BY = re.compile(r"(?:برئاسة|يرأسه|يترأسه|ترأسه)|(?P<head>على رأس (?:ال)?وفد)")


def _surname_between(doc: Doc, a: int, b: int, mentions: list[Mention]) -> bool:
    """A word between tokens ``a`` and ``b`` is the last word of a person the story already named."""
    if a >= b:
        return False
    last = {normalize(m.text).split()[-1] for m in mentions if m.type == "PERSON" and m.method not in ("plural", "guest", "title")
            and normalize(m.text).split()}
    words = normalize(doc[a:b].text).split()
    return any(w in last for w in words)


def _delegation_head(doc: Doc, span: Span, mentions: list[Mention]) -> str | None:
    """«وفدا من حزب مستقبل وطن برئاسة رئيس الحزب عبد الوهاب عبد الرازق» … «الوفد»: the head the story
    gave the delegation (the person right after the latest «برئاسة» before it, or right before «على رأس
    وفد»)."""
    text = doc_text(doc)
    cue = None
    for cue in _LED_BY.finditer(text, 0, span.start_char):
        pass
    if cue is None:
        return None
    people = [m for m in mentions if m.type == "PERSON" and m.end <= span.start_char and m.method not in ("plural", "guest")]
    if cue.group("head"):
        before = [m for m in people if m.end <= cue.start() and len(text[m.end:cue.start()].split()) <= 1]
        return before[-1].entity_id if before else None
    after = [m for m in people if m.start >= cue.end() and len(text[cue.end():m.start].split()) <= 4]
    return after[0].entity_id if after else None
_HOME_WORDS = {normalize(w) for w in ("البلاد", "الدولة", "الجمهورية", "المملكة", "السلطنة")}
_HOME_HONORIFICS = {normalize(w) for w in ("سمو", "جلالة", "فخامة", "صاحب السمو", "صاحب الجلالة", "صاحب الفخامة")}
# «معالي» goes with a minister, never a head of state: «معالي رئيس مجلس الشورى» is no head of state's title
_MINISTERIAL_HONORIFICS = {normalize("معالي")}


_ACCREDITED_TO = normalize("لدى")

_PLURAL_OFFICES = {normalize(w): kind for kind, words in {
    "minister": ("الوزيران", "الوزيرين", "وزيرا", "وزيري", "الوزيرتان", "الوزيرتين"),
    "leader": ("الرئيسان", "الرئيسين", "الزعيمان", "الزعيمين", "القائدان", "القائدين", "الملكان", "الملكين"),
}.items() for w in words}


def _recent_people(text: str, mentions: list[Mention]) -> list[str]:
    """The last two people named before the end of ``mentions`` (in text order), not counting plural
    references or people listed as attending: who «الجانبان» are when nothing else says."""
    recent: list[str] = []
    for m in reversed(mentions):
        if m.type == "PERSON" and m.method != "plural" and not _in_attendance(text, m.start):
            for e in m.entity_ids:
                if e not in recent:
                    recent.append(e)
        if len(recent) == 2:
            break
    return list(reversed(recent))


def _plural_office(norm: str) -> str | None:
    """The kind of office a plural reference names («الوزيران» → minister), from its first word."""
    return _PLURAL_OFFICES.get(norm.split()[0]) if norm else None


def _current_roles(ent, date) -> list[str]:
    """The roles a KB person holds at ``date`` (ISO prefix), or today's open ones without a date."""
    return [p["role"] for p in ent.positions
            if p.get("role") and (ent.holds(p["role"], p.get("of"), date) if date else p.get("end") is None)]


def _courtesy_tokens(doc: Doc) -> set[int]:
    """Tokens inside an honorific or rank the gazetteer matched («العماد»، «صاحب السمو»)."""
    return {t for sp in kb_spans(doc) if sp.label_ == "honorific" for t in range(sp.start, sp.end)}


def _office_kind(role: str) -> str | None:
    if role.startswith(("deputy-", "vice-", "assistant-")):
        return None  # «مساعد وزير الخارجية» is not one of «الوزيران»
    if role.endswith("minister") and role != "prime-minister":
        return "minister"
    if role in ("president", "prime-minister", "king", "emir", "sultan", "crown-prince", "supreme-leader", "chancellor", "premier",
                "chairman-state-affairs", "leader", "general-secretary"):
        return "leader"
    return None


def _role_fits(wanted: str | None, held: str | None) -> bool:
    """A title fits an office: the same role, or a generic «الوزير» for any ministry but the premiership."""
    if wanted is None or wanted == held:
        return True
    return wanted in _GENERIC_ROLES and bool(held) and held.endswith("minister") and held != "prime-minister"


# «بحضور X»، «وحضر اللقاء X، وY»: an attendance list runs on through its commas to the sentence's end
_ATTENDANCE_RE = re.compile(r"(?:بحضور|وبحضور|حضره|حضرها|(?<![\u0621-\u064a])و?حضر(?![\u0621-\u064a]))[^.؛]{0,120}$")


def _in_attendance(text: str, start: int) -> bool:
    """«…، بحضور مساعد الوزير X»: X is present, not one of «الوزيران» who act next."""
    return bool(_ATTENDANCE_RE.search(text[max(0, start - 80):start]))


def _with_geo_heads(doc: Doc, spans: list[Span]) -> list[Span]:
    """«بحر قزوين»، «جزيرة بوبيان»، «منطقة الخليج»: a geographic head noun (references lexicon,
    ``geo_head``) right before a tagged place is part of its name, as gazetteers and the gold sets write
    it, also when the tagger took the name for a person; a head the tagger took for a place of its own
    («بحر» + «قزوين») joins the place after it."""
    heads = {sp.end: sp.start for sp in kb_spans(doc) if sp.label_ == "geo_head"}
    if not heads:
        return spans
    own_head = {_with_article(doc, start): end for end, start in heads.items()}
    out: list[Span] = []
    for s in spans:
        # «منطقة البحر المتوسط»: a place with a head and a name of its own keeps its name («منطقة الخليج» does not)
        if s.label_ in ("LOC", "PERS") and s.start in heads and not s.end > own_head.get(s.start, s.end):
            # (a PERS: «محافظة سيستان وبلوشستان» is no person)
            start = _with_article(doc, heads[s.start])
            if out and out[-1].label_ == "LOC" and out[-1].start >= start and out[-1].end == s.start:
                out.pop()  # the head was tagged on its own
            s = Span(doc, start, s.end, label="LOC")
        out.append(s)
    return out


def _with_article(doc: Doc, start: int) -> int:
    """The start of a name whose head noun follows a split article («القصر الملكي»، «المجلس الرئاسي»)."""
    return start - 1 if start > 0 and getattr(doc[start - 1]._, "clitic", "") == "article" else start


def _has_kb_inside(ner: Span, doc: Doc) -> bool:
    for s in kb_spans(doc):
        if s.label_ in ("label", "alias", "abbrev") and s.start >= ner.start and s.end <= ner.end:
            return True
    return False


_COMPLEMENTIZERS = frozenset(normalize(w) for w in ("أن", "إن", "أنه", "إنه", "بأن", "لأن", "قد", "لقد"))


def _clause_between(doc: Doc, a: Span, b: Span) -> bool:
    """«بيان لرئيس الوزراء أن عارف نقل»: a complementizer or a verb between a title and a name
    starts a new clause; the name is not the title's holder."""
    words = event_words()  # the clause openers are among them
    return any(t.norm_ in _COMPLEMENTIZERS or (t.norm_ in words and not getattr(t._, "clitic", "")) for t in doc[a.end:b.start])


def _gap(doc: Doc, a: Span, b: Span) -> int:
    """Number of non-clitic, non-honorific tokens between two spans."""
    n = 0
    for tok in doc[a.end:b.start]:
        if tok.is_punct and tok.text in ("،", ","):
            n += 1
            continue
        if getattr(tok._, "clitic", "") in ("prefix", "article"):
            continue
        if normalize(tok.text) in _FILLER:
            continue
        n += 1
    return n


_FACILITY_STOP = {normalize(w) for w in ("في", "فى", "إلى", "على", "من", "مع", "عن", "بين", "حيث", "الذي", "التي", "اليوم", "أمس",
                                         "صباح", "مساء", "يوم", "غدا", "حاليا", "أيضا", "وذلك", "خلال", "بعد", "قبل", "عند", "لدى")}
_AIRPORT_HEADS = {normalize(w) for w in ("مطار", "المطار")}
_INTERNATIONAL = {normalize(w) for w in ("دولي", "الدولي")}
_SEAT_HEADS = {normalize(w) for w in ("مقر", "مقرّ")}  # "the seat of": before a body, the body is the entity
_FILLER_STEMS = {normalize(w) for w in ("رفيق", "رفيقة", "سيد", "سيدة", "محترم", "شيخ", "دكتور")}
_FILLER = {normalize(w) for w in ("الرفيق", "الرفيقة", "السيد", "السيدة", "المحترم", "حينها", "حينذاك", "آنذاك", "الحالي", "السابق", "الشيخ", "الدكتور")}


_BARE_MINISTER = {normalize(w) for w in ("وزير", "وزيرة")}


def _portfolio_end(doc: Doc, role: Span, spans: list[Span], i: int, kb) -> int:
    """Where a minister's title ends when its portfolio goes on in coordinated definite nouns
    («وزير الخارجية والتعاون الإفريقي والمغاربة المقيمين بالخارج»); a nisba that closes the chain is the
    office's state («… والتعاون الإسباني»), not part of the portfolio.  ``role.end`` otherwise."""
    if not normalize(role.text).split()[0].lstrip("ال").startswith("وزير"):
        return role.end
    nisba_starts = {s.start for s in spans[i + 1:] if s.label_ == "nisba"}

    def inside(s: Span) -> bool:  # what a portfolio may name: nationalities and bodies, never a person or a title
        return s.label_ == "nisba" or (s.label_ in ("label", "alias", "abbrev") and s.kb_id_ in kb
                                       and kb[s.kb_id_].type in ("ORG", "STATE", "PLACE", "PARTY"))

    # a name, a title or a courtesy («الأستاذ»، «المهندس») ends the portfolio
    stops = {k for s in spans[i + 1:] if not inside(s) for k in (s.start, s.start + 1)} | _courtesy_tokens(doc)

    def definite(k: int) -> int | None:
        """End of «(ب|ل)? ال + stem (+ suffixes)» at token k, or None."""
        if k < len(doc) and getattr(doc[k]._, "clitic", "") == "prefix" and doc[k].norm_ in ("ب", "ل"):
            k += 1
        if k + 1 < len(doc) and getattr(doc[k]._, "clitic", "") == "article" and k + 1 not in stops:
            k += 2
            while k < len(doc) and getattr(doc[k]._, "clitic", "") == "suffix":
                k += 1
            return k
        return None

    end = role.end
    last_start = None
    k = role.end
    first = role.end + 2  # where a closing nisba may start at the earliest: after «و» + a portfolio noun
    if normalize(role.text) in _BARE_MINISTER and (nxt := definite(k)) is not None and k not in nisba_starts:
        # «وزير الاقتصاد والتجارة والصناعة الياباني»: a minister's word without the article is in construct
        # with its portfolio (not «الوزير الخريّف», where a name follows in apposition)
        last_start, k = k, nxt
        while (more := definite(k)) is not None:
            last_start, k = k, more
        end, first = k, role.end + 1
    while k < len(doc) and doc[k].norm_ == "و" and getattr(doc[k]._, "clitic", "") == "prefix" and k + 1 not in stops:
        nxt = definite(k + 1)
        if nxt is None:
            break
        last_start, k = k + 1, nxt
        while (more := definite(k)) is not None:  # its adjectives: «الإفريقي»، «المقيمين بالخارج»
            last_start, k = k, more
        end = k
    if end > role.end and last_start in nisba_starts and last_start >= first:
        end = last_start  # the closing nisba is the office's state
    return end


def _governed(doc: Doc, a: Span, b: Span) -> bool:
    """A preposition between a title and a name: «رئيس … بالرفيق X» — X is not in apposition."""
    return any(getattr(t._, "clitic", "") == "prefix" and t.norm_ in ("ب", "ل", "ك") for t in doc[a.end:b.start]) or any(
        t.norm_ in _PREPOSITION_WORDS for t in doc[a.end:b.start])


_PREPOSITION_WORDS = {normalize(w) for w in ("مع", "من", "إلى", "الى", "على", "عن", "بين", "لدى")}


def _coordinated(doc: Doc, a: Span, b: Span) -> bool:
    """A «و» between two spans: «… للاتحاد الروسي وألكسندر …» is a list, not an apposition."""
    return any(t.norm_ == "و" and getattr(t._, "clitic", "") == "prefix" for t in doc[a.end:b.start])


def _after_place_word(doc: Doc, span: Span) -> bool:
    """The capital is a location: after a place preposition of ``references.jsonl`` («في الرياض»،
    «إلى طوكيو»، «في مقر الوزارة بطوكيو»، «سفير موريتانيا بالرباط»)."""
    place_words = doc.user_data.get("kg_place_words", frozenset())
    k = span.start - 1
    while k >= 0 and getattr(doc[k]._, "clitic", "") in ("prefix", "article", "suffix") and doc[k].norm_ not in place_words:
        k -= 1
    return k >= 0 and doc[k].norm_ in place_words


def _deputy_before(text: str, start: int) -> int | None:
    """Start of «النائب الأول ل» / «مستشار ل» / «مساعد» (in construct: «مساعد وزير الخارجية») right
    before the title at ``start``, else None."""
    m = _deputy_re().search(text, max(0, start - 40), start)
    return m.start() if m else None


@lru_cache(maxsize=1)
def _deputy_re() -> re.Pattern:
    """The deputy nouns of ``deputy_titles.txt`` as written (any hamza on alef, ة or ه), an optional
    ordinal, and the «ل» that governs the principal's title, or none (the construct state)."""
    def written(word: str) -> str:
        out = "".join("[اأإآ]" if c == "ا" else re.escape(c) for c in word)
        return out[:-1] + "[هة]" if word.endswith("ه") else out

    words = sorted(read_word_list("deputy_titles.txt"), key=len, reverse=True)
    alt = "|".join(written(w) for w in words)
    return re.compile(rf"(?<![\u0621-\u064a])(?:{alt})(?:[ \t\u00a0]+(?:ال)?(?:[أا]ول|[أا]ولى|ثاني))?[ \t\u00a0]+(?:لل?)?$")


_ROYAL_TITLES = frozenset(normalize(w) for w in ("ملك", "ملكة", "أمير", "أميرة", "شيخ", "سلطان", "رئيس", "إمام", "شهيد"))
_CONNECTORS = frozenset(normalize(w) for w in ("بن", "ابن", "بنت", "ولد", "آل", "أبو", "عبد"))
_NOUN_PREPOSITIONS = frozenset(normalize(w) for w in ("إلى", "الى", "مع", "عن", "على", "لدى", "بين"))


_PRONOUN_END = re.compile(r"(?:ه|ها|هما|هم|هن|كم|كما|نا)$")


def _indefinite(word: str) -> bool:
    """A noun without the article or a pronoun suffix («حضور»، «حكومة»), as written: a definite
    adjective after it cannot be its attribute («نظيره السوداني» is; «بحضور السوداني» is not)."""
    w = re.sub(r"[\u064b-\u0652\u0640]", "", word)
    w = re.sub(r"^[وف]?[بلك]?", "", w) if not w.startswith("ال") else w
    return len(w) >= 3 and not w.startswith("ال") and not _PRONOUN_END.search(w) and normalize(w) not in clause_openers()


def _is_part_of(short: str, full: str) -> bool:
    s, f = normalize(short).split(), normalize(full).split()
    return 0 < len(s) < len(f) and (s == f[-len(s):] or s == f[: len(s)])


def _prefer(ids: list[str], named: dict[str, str], kb: KnowledgeBase) -> str:
    for e in ids:
        if e in named:
            return e
    order = {"STATE": 0, "PERSON": 1, "PARTY": 2, "ORG": 3, "PLACE": 4, "AGREEMENT": 5}
    return sorted(ids, key=lambda e: (order.get(kb[e].type, 9), e))[0]


_NASAB_NEXT = re.compile(r"^[ \t\u00a0]+(?:(?:بن|ابن|بنت|ولد)[ \t\u00a0]+(?:عبد[ \t\u00a0]?)?|آل[ \t\u00a0]+)[\u0621-\u064a\u0640\u064b-\u0652]{2,}")
# a name cut right after its connector («سيدي أحمد ولد» | «بوه»): the next word is still the name
_CONNECTOR_END = re.compile(r"(?:^|[ \t\u00a0])(?:بن|ابن|بنت|ولد|آل|أبو|عبد)$")
_NEXT_WORD = re.compile(r"^[ \t\u00a0]+[\u0621-\u064a\u0640\u064b-\u0652]{2,}")
_NASAB_BEFORE = re.compile(r"(?:^|[^\u0621-\u064a])((?:عبد[ \t\u00a0]?)?[\u0621-\u064a\u0640\u064b-\u0652]{2,})[ \t\u00a0]+(?:بن|ابن|بنت)[ \t\u00a0]+$")


_NOT_LETTER = "(?![\u0621-\u064a])"
# honorific pronoun → the honorific that introduced the person it stands for
_HONORIFIC_OF = {p: re.compile(n + _NOT_LETTER) for p, n in (("سموه", "سمو"), ("جلالته", "جلالة"), ("فخامته", "فخامة"),
                                                           ("معاليه", "معالي"), ("سعادته", "سعادة"), ("سماحته", "سماحة"))}
_HONORIFIC_PRONOUN = re.compile(r"(?<![\u0621-\u064a])[وفبل]?(" + "|".join(_HONORIFIC_OF) + ")" + _NOT_LETTER)


_GREETINGS_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?:تحيات|تحية)(?![\u0621-\u064a])[^.\n؛]{0,120}$")
_MESSAGE_FROM_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?:رسالة|برقية)[^.\n؛]{0,40}\sمن\s(?:(?!\sإلى\s)[^.\n؛]){0,90}$")


def _absent_sender(text: str, start: int) -> bool:
    """A person named as the sender of greetings or of a message («تحيات الملك X»، «رسالة خطية من X»)."""
    before = text[max(0, start - 160):start]
    return bool(_GREETINGS_BEFORE.search(before) or _MESSAGE_FROM_BEFORE.search(before))


_SENTENCE_END = re.compile(r"[.!?؟\n]")


def _honorific_pronouns(text: str, mentions: list[Mention], home_people: set[str] = frozenset()) -> list[Mention]:
    """«إلى سموه»، «وبعث جلالته»: wire style refers to a dignitary by honorific + pronoun; it is the
    last person the story introduced with that honorific («صاحب السمو الشيخ مشعل …» → «سموه»).  When
    that person is a foreigner named in an earlier sentence and the home agency's own dignitary had the
    same honorific before him, a new sentence's «معاليه» is the story's own minister («التقى الخريّف
    معالي وزير الخارجية الياباني …. وكان معاليه قد وصل إلى طوكيو»)."""
    people = sorted((m for m in mentions if m.type == "PERSON" and m.method not in ("plural", "nisba")), key=lambda m: m.start)
    if not people:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    out = list(mentions)
    for hit in _HONORIFIC_PRONOUN.finditer(text):
        start, end = hit.start(1), hit.end(1)
        if any(a < end and start < b for a, b in taken):
            continue
        honorific = _HONORIFIC_OF[hit.group(1)]
        found: list[Mention] = []  # the candidates, latest first: the last one tried is home's
        for m in reversed(people):
            if m.end > start:
                continue
            # a home dignitary's title can be long («معالي وزير الصناعة والثروة المعدنية الأستاذ …»)
            hits = list(honorific.finditer(text, max(0, m.start - (80 if set(m.entity_ids) & home_people else 40)), m.end))
            # the honorific must introduce this person, not someone named between («جلالة السلطان وبزشكيان»)
            # nor the first of two coordinated («سمو وزير الطاقة ونظيره الأذربيجاني»: «سمو» is the minister's)
            coordinated = text[m.start - 1:m.start] == "و" and (m.start < 2 or not text[m.start - 2].isalpha())
            # nor someone who only sent greetings or a message («نقل سموه تحيات … وصاحب السمو الأمير X»)
            if hits and not coordinated and not any(o is not m and hits[-1].start() < o.end and o.start < m.start for o in people) \
                    and not _absent_sender(text, m.start):
                found.append(m)
                if not home_people or set(m.entity_ids) & home_people or not _SENTENCE_END.search(text, m.end, start):
                    break
        if found:
            chosen = next((m for m in found if set(m.entity_ids) & home_people), found[0]) if len(found) > 1 else found[0]
            out.append(Mention(start, end, text[start:end], list(chosen.entity_ids), "PERSON", "honorific-pronoun", 0.7))
    return out


def _nasab(text: str, mentions: list[Mention], rare=None) -> list[Mention]:
    """Arab names run on through «بن/ابن/بنت X» and «آل X»: «محمد بن سلمان بن عبدالعزيز آل سعود» is one
    mention of Mohammed bin Salman, and «سلمان بن عبدالعزيز» right after «عبدالعزيز بن» is the father's
    name inside another person's («الأمير عبدالعزيز بن سلمان بن عبدالعزيز»), not King Salman."""
    # a statistical «ابن الحسين» after «عبد الله الثاني» is the rest of that name, not a person
    loose = {m.start: m for m in mentions if m.method == "ner" and m.type == "PERSON"}
    fixed = {m.start for m in mentions if m.start not in loose}
    out: list[Mention] = []
    absorbed: set[int] = set()
    renamed: dict[str, str] = {}  # minted id of a name → minted id of the longer name it runs on to
    for m in mentions:
        if m.type != "PERSON" or m.method in ("plural", "title") or m.start in absorbed:
            out.append(m)
            continue
        window = max(0, m.start - 30)
        before = _NASAB_BEFORE.search(text[window:m.start])
        end = _nasab_end(text, m.end, fixed)
        if rare is not None and (m.start in loose or m.method == "nasab"):
            end = _family_name_end(text, m.start, end, fixed, rare)
        absorbed.update(s for s in loose if m.end < s < end)
        if before:
            start = window + before.start(1)
            if not any(o.type == "PERSON" and start < o.end <= m.start for o in mentions):
                name = text[start:end]
                m = Mention(start, end, name, [mint_id("PERSON", name)], "PERSON", "nasab", 0.6)
        elif end != m.end:
            name = text[m.start:end]
            ids = [mint_id("PERSON", name)] if m.method == "ner" else list(m.entity_ids)  # minted ids follow the full name
            if m.method == "ner":
                renamed[m.entity_id] = ids[0]
            m = Mention(m.start, end, name, ids, m.type, m.method, m.score, m.role)
        out.append(m)
    for m in out:  # «الوزيران» resolved before the name ran on to «الخريّف» follows it to its new id
        if m.method in ("plural", "title") and any(e in renamed for e in m.entity_ids):
            m.entity_ids = [renamed.get(e, e) for e in m.entity_ids]
    return [m for m in out if not (m.start in absorbed and m.method == "ner")]


_FAMILY_NEXT = re.compile(r"^[ \t\u00a0]+(ال[\u0621-\u064a\u0640\u064b-\u0652]{3,})(?![\u0621-\u064a\u0640\u064b-\u0652])")


def _family_name_end(text: str, start: int, end: int, starts: set[int], rare) -> int:
    """«بندر بن إبراهيم» + «الخريّف»: after a patronymic, a rare word with the article is the family name
    (not a nisba «السعودي», not a weekday or a pronoun, which are frequent words)."""
    words = text[start:end].split()
    if len(words) < 3 or words[-2] not in ("بن", "ابن"):
        return end  # only right after the patronymic: «بندر بن إبراهيم | الخريّف»
    nxt = _FAMILY_NEXT.match(text[end:end + 30])
    if nxt is None or any(end < s <= end + nxt.end() for s in starts):
        return end
    word = normalize(nxt.group(1))
    if word.endswith(("ي", "يه")) or not rare(word):
        return end
    return end + nxt.end()


def _nasab_end(text: str, end: int, starts: set[int]) -> int:
    if _CONNECTOR_END.search(text[max(0, end - 6):end]):
        nxt = _NEXT_WORD.match(text[end:end + 30])
        if nxt and not any(end < s < end + nxt.end() for s in starts):
            end += nxt.end()
    for _ in range(4):
        nxt = _NASAB_NEXT.match(text[end:end + 40])
        if not nxt or any(end < s < end + nxt.end() for s in starts):
            break
        end += nxt.end()
    return end


@lru_cache(maxsize=1)
def _courtesy_words() -> frozenset[str]:
    """One-word honorifics and ranks (السيد، الدكتور، المشير …), normalized."""
    from kg.entities.gazetteer import load_references

    return frozenset(normalize(r["text"]) for r in load_references() if r["kind"] == "honorific" and " " not in r["text"])


@lru_cache(maxsize=1)
def _honorific_re() -> re.Pattern:
    from kg.entities.gazetteer import load_references

    words = sorted({r["text"] for r in load_references() if r["kind"] == "honorific"}, key=len, reverse=True)
    return re.compile(r"^(?:(?:" + "|".join(re.escape(w) for w in words) + r")[ \t\u00a0]+)+")


def _without_honorifics(text: str, mentions: list[Mention]) -> dict[int, int]:
    """«الشيخ صباح خالد الحمد المبارك الصباح» names the person «صباح خالد الحمد المبارك الصباح»: a
    leading honorific (الشيخ، السيد، الدكتور، الرفيق …) is courtesy, not part of the name.  Returns
    the old start -> new start of every mention it moved (apposition facts point at mentions)."""
    rx = _honorific_re()
    moved: dict[int, int] = {}
    for m in mentions:
        if m.type != "PERSON" or m.method in ("title", "plural", "guest", "honorific-pronoun"):
            continue
        cut = rx.match(m.text)
        if cut and cut.end() < len(m.text):
            moved[m.start] = m.start + cut.end()
            m.start += cut.end()
            m.text = m.text[cut.end():]
    return moved


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen: set[tuple[int, int]] = set()
    out = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out


def _is_event_word(norm: str, words: frozenset[str]) -> bool:
    """``norm`` or ``norm`` without the proclitics the tokenizer left on it («ببرقية»)."""
    return norm in words or (len(norm) > 3 and norm[0] in "وفبلك" and (norm[1:] in words or (norm[1] in "بلك" and norm[2:] in words)))


def _without_event_words(doc: Doc, span: Span) -> Span | None:
    """A tagged person without the event words at its edges («ببرقية تهنئة»، «يلتق عارف»): a verb
    or an event noun is never part of a name; None when nothing is left."""
    words = event_words()
    start, end = span.start, span.end

    def word_end(k: int) -> int:  # the token after the word starting at k (its clitics included)
        k += 1
        while k < end and getattr(doc[k]._, "clitic", "") == "suffix":
            k += 1
        return k

    while start < end:
        k = start
        while k < end and getattr(doc[k]._, "clitic", "") == "prefix":
            k += 1
        if k < end and _is_event_word(doc[k].norm_, words):
            start = word_end(k)
        else:
            break
    while start < end:
        k = end - 1
        while k > start and getattr(doc[k]._, "clitic", "") == "suffix":
            k -= 1
        if _is_event_word(doc[k].norm_, words) and not getattr(doc[k]._, "clitic", ""):
            end = k
            while end > start and getattr(doc[end - 1]._, "clitic", "") == "prefix":
                end -= 1
        else:
            break
    if start >= end or _honorific_re().fullmatch(doc[start:end].text + " "):
        return None  # nothing left, or nothing but a courtesy title («داتوك سري»)
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, label=span.label, kb_id=span.kb_id)


def display_text(span: Span) -> str:
    """The span's text, with an article assimilated after ل restored («للاتحاد» → «الاتحاد»)."""
    text = span.text.strip()
    first = span[0]
    if getattr(first._, "clitic", "") == "article" and first.text == "ل":
        return "ا" + text
    return text


def mint_id(etype: str, text: str) -> str:
    """A stable, readable slug for an entity the KB does not know (romanized)."""
    from kg.entities.romanize import romanize

    slug = _SLUG_RE.sub("-", romanize(normalize(text)).lower()).strip("-") or "x"
    return f"{etype.lower()}-{slug}"
