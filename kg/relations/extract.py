"""Relation stage: events (met, visited, signed, …) with arguments, date, place and modality.

Works sentence by sentence on the linked mentions of the entity stage.  Roles are chosen by
rules over tokens: the preposition that governs a mention (ب، مع، إلى، ل، من، على، بين), its
position relative to the trigger (VSO and SVO orders), coordination, relative pronouns
(الذي/الذين) and pro-drop (the discourse topic).  Every event keeps the sentence it came from.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from spacy.attrs import IDX, IS_PUNCT
from spacy.tokens import Doc

from kg.entities.dateline import dateline_place, dateline_state
from kg.entities.gazetteer import kb_spans
from kg.entities.model import Mention
from kg.relations.lexicon import Cue, Trigger, TriggerLexicon
from kg.relations.model import Event, Evidence
from kg.text.normalize import normalize
from kg.text.tokenizer import clitic_key, doc_text

_N = normalize
PREPOSITIONS = {_N(w): _N(w) for w in ("ب", "ل", "ك", "مع", "من", "إلى", "الى", "على", "بين", "عن", "في", "فى", "لدى")}
PREPOSITIONS[_N("الى")] = _N("إلى")
PREPOSITIONS[_N("فى")] = _N("في")
_TO = {_N("إلى"), _N("ل")}
_WITH = {_N("ب"), _N("مع")}
_RELATIVES = {_N(w) for w in ("الذي", "التي", "الذين", "اللذين", "اللذان", "اللتين", "اللاتي")}
_PLURAL_RELATIVES = {_N(w) for w in ("الذين", "اللذين", "اللذان", "اللتين", "اللاتي")}
_SKIP_WORDS = ("قد", "جلالة", "سمو", "فخامة", "معالي", "سعادة", "سماحة", "حضرة", "صاحب", "السمو", "الجلالة", "الفخامة",
               "المعالي", "أخيه", "أخاه", "أخوه", "أخته", "أخيها", "شقيقه", "شقيقها", "الرفيق", "الرفيقة", "السيد", "السيدة", "المحترم", "المحترمة", "القائد", "حينها", "رسميا", "أيضا", "الشيخ", "الدكتور")
_KIN = {_N(w) for w in ("أخي", "أخو", "أخا", "أخت", "أخته", "شقيق", "شقيقة")}  # Gulf courtesy: «أخيه جلالة الملك»
_SKIP = {_N(w) for w in _SKIP_WORDS} | {_N(w).removeprefix("ال") for w in _SKIP_WORDS}
_PARAGRAPH_RE = re.compile(r"\n[ \t\u00a0]*\n")
_AGENT_TYPES = {"PERSON"}
_DEST_TYPES = {"STATE", "PLACE"}
_CURRENT_IN_RE = re.compile(r"(الحالي|الجاري)\s*$")
_CURRENT_RE = re.compile(r"^\s*(?:/\s*\S+\s*)?(الحالي|الجاري)")


@dataclass
class _Unit:
    """A mention placed in the token stream with its governing preposition."""

    mention: Mention
    tok_start: int
    tok_end: int
    np_start: int  # first token of its noun phrase (titles and honorifics included)
    gov: str | None


@dataclass
class _State:
    topic: str | None = None  # discourse subject for pro-drop
    last_visit: dict[str, list[str]] = field(default_factory=dict)  # visitor -> destinations of their last visit
    last_agent: str | None = None  # the visitor of the sentence's previous event (None at a new sentence)
    last_message: tuple[str, str] | None = None  # (sender, recipient) of the sentence's message, if any
    counts: dict[str, int] = field(default_factory=dict)
    narrative_date: str | None = None  # last absolute date seen, for year inheritance


class RelationExtractor:
    def __init__(self, lexicon: TriggerLexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = self.extract(doc)
        return doc

    # ------------------------------------------------------------------ driver
    def extract(self, doc: Doc) -> list[Event]:
        doc_id = doc.user_data.get("kg_doc_id", "")
        doc_date = doc.user_data.get("kg_date")
        mentions = [m for m in doc._.mentions if m.method != "nisba"]
        units = self._units(doc, mentions)
        triggers = self.lexicon.triggers(doc)
        cues = self.lexicon.cues(doc)
        dates = list(doc.user_data.get("kg_dates", []))
        text = doc_text(doc)
        # occasions («تهنئة بعام 2026») and intervals («بعد عام من») never date an event: dropped once here
        event_dates = [d for d in dates if not _occasion(text, d.start) and not _interval(text, d)]
        if not doc_date:
            doc_date = _current_month(text, dates)
        paragraphs = [m.start() for m in _PARAGRAPH_RE.finditer(text)]
        state = _State()
        home = self._home_state(doc, mentions)
        events: list[Event] = []
        body_started = False
        for s_start, s_end in doc.user_data.get("kg_sentences", [(0, len(text))]):
            body_started = body_started or not _is_headline(text, s_start, s_end, False)
            s_units = [u for u in units if s_start <= u.mention.start < s_end]
            s_trigs = _group_predicates(doc, [t for t in triggers if s_start <= doc[t.start].idx < s_end])
            for u in s_units:
                if u.mention.type == "PERSON" and not _attendee(doc, u):  # those present «بحضور» are no topic
                    for e in u.mention.entity_ids:
                        state.counts[e] = state.counts.get(e, 0) + 1
            state.last_agent = None
            state.last_message = None
            for k, trig in enumerate(s_trigs):
                prev_end = s_trigs[k - 1].end if k else None
                next_start = s_trigs[k + 1].start if k + 1 < len(s_trigs) else None
                ev = self._event(doc, trig, s_units, prev_end, next_start, state, home, s_trigs)
                if ev is None:
                    continue
                for part in [p for e in (ev if isinstance(ev, list) else [ev]) for p in _split(e)]:
                    self._finish(doc, part, trig, s_trigs, cues, event_dates, s_start, s_end, prev_end, next_start, paragraphs, state, doc_date, body_started, doc_id, s_units)
                    events.append(part)
                    if part.type == "visited" and part.status == "asserted":
                        for visitor in part.agents:
                            state.last_visit[visitor] = list(part.targets)
                    if part.type == "visited" and len(part.agents) == 1:
                        state.last_agent = part.agents[0]
            self._advance_narrative(dates, s_start, s_end, state)
        return merge_document_events(_fold_headlines(events, doc_date))

    def _finish(self, doc, ev, trig, s_trigs, cues, dates, s_start, s_end, prev_end, next_start, paragraphs, state, doc_date, body_started, doc_id, s_units) -> None:
        """Status, date, place and evidence of an event whose arguments are known."""
        if True:
            ev.status = _status(doc, trig, cues, self.lexicon.future_prefixes())
            if ev.status in ("asserted", "planned") and _invited_to(doc, trig, s_trigs):
                ev.status = "hypothetical"  # «دعاه إلى زيارة موسكو»: the visit is what is asked for
            if ev.type == "signed" and ev.status == "asserted" and trig.pos == "noun" and _purpose(doc, trig):
                ev.status = "planned"  # «وصل … لتوقيع اتفاق»: to sign, the purpose of the trip, not a signing
            if ev.type == "invited" and ev.status == "planned" and trig.pos == "noun" and (
                    _issued_before(doc, trig) or (trig.start > 0 and _stem(doc[trig.start - 1].norm_) in _CONTAIN_VERBS)):
                ev.status = "asserted"  # «وجّه دعوة لزيارة لاوس … المقبل»: the future is the visit's, the invitation is made
            ev.date, ev.date_source = self._date(doc, trig, dates, s_start, s_end, prev_end, next_start, paragraphs, state, doc_date, s_trigs)
            if ev.status == "asserted" and ev.date_source == "text" and (
                    _after(ev.date, doc_date) or (ev.type in ("invited", "sent_message") and _later_period(ev.date, doc_date))):
                if ev.type in ("invited", "sent_message"):
                    # a message or an invitation handed over in the story is dated by the story; a later date
                    # is what it speaks of («رسالة … تضمنت دعوة لزيارة واشنطن مطلع العام المقبل»)
                    # «وجّه دعوة … لزيارة لاوس … في الثاني من ديسمبر المقبل»: the later date is the visit's;
                    # the invitation is made in the story, on its day
                    ev.date, ev.date_source = doc_date, "document"
                else:
                    ev.status = "planned"  # «ويواصل جولته غداً بزيارة الدوحة»: dated after the story, not yet happened
            if _is_headline(doc_text(doc), s_start, s_end, body_started):
                ev.date_source = "headline"
            ev.place = ev.place or self._place(doc, trig, s_units, next_start)
            sentence = doc_text(doc)[s_start:s_end]
            ev.evidence = [Evidence(doc_id, s_start, s_end, sentence, f"rules:{trig.type}:{trig.pos}", ev.confidence, trig.text)]

    # ----------------------------------------------------------------- units
    def _units(self, doc: Doc, mentions: list[Mention]) -> list[_Unit]:
        title_start = {p["at"]: p["title_start"] for p in doc._.positions if "at" in p and "title_start" in p}
        units = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            np_char = title_start.get(m.start, m.start)
            np_span = doc.char_span(np_char, m.end, alignment_mode="expand") or span
            units.append(_Unit(m, span.start, span.end, np_span.start, governor(doc, np_span.start)))
        units.sort(key=lambda u: u.tok_start)
        # «زعيم كوريا الشمالية كيم جونغ أون»: the state inside the title belongs to the person
        return [u for u in units if not any(o is not u and o.np_start <= u.tok_start and u.tok_end <= o.tok_start for o in units)]

    def _home_state(self, doc: Doc, mentions: list[Mention]) -> str | None:
        """The host country that «بلادنا»، «زيارته للبلاد» name: the state of the dateline («الدوحة في 22
        أكتوبر /قنا/»), else the country of the document's main actor."""
        kb = doc.user_data.get("kg_kb")
        places = [(m.start, m.end, m.entity_id) for m in mentions if m.type in ("STATE", "PLACE")]
        host = dateline_state(doc_text(doc), places, [d.start for d in doc.user_data.get("kg_dates", [])], kb)
        if host:
            return host
        counts: dict[str, int] = {}
        for m in mentions:
            if m.type == "PERSON":
                for e in m.entity_ids:
                    counts[e] = counts.get(e, 0) + 1
        for person, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if kb is not None and person in kb and kb[person].country:
                return kb[person].country
        return None

    # ------------------------------------------------------------------ events
    def _event(self, doc, trig: Trigger, units: list[_Unit], prev_end, next_start, state: _State, home, s_trigs: list[Trigger]) -> Event | None:
        before = [u for u in units if u.tok_end <= trig.start and (prev_end is None or u.tok_start >= prev_end)]
        after = [u for u in units if u.np_start >= trig.end and (next_start is None or u.tok_start < next_start)]
        all_before = [u for u in units if u.tok_end <= trig.start]
        if (state.last_agent and prev_end is not None and trig.pos == "verb" and trig.start >= 2
                and not any(u.mention.type in _AGENT_TYPES and u.tok_start >= trig.start - 2 for u in before)
                and doc[trig.start - 1].norm_ == "و" and doc[trig.start - 2].text in ("،", ",")
                and doc[trig.start].norm_ in _MEET_OBJECT_VERBS and not _object_pronoun(doc, trig)
                and state.last_agent not in [u.mention.entity_id for u in after[:1]]):
            # «وصل X إلى مسقط، والتقى السلطان هيثم»: the second verb of one sentence keeps its subject
            subject, how = state.last_agent, "topic"
        else:
            subject, how = self._subject(doc, trig, before, after, all_before, state)
        relatives = how.startswith("relative:")
        if relatives and how == "relative:plural":
            antecedents = self._plural_antecedents(doc, trig, all_before)
        else:
            antecedents = []
        etype = trig.type
        conf = 0.85 if trig.pos.startswith("verb") else 0.7
        if etype == "witnessed" and trig.pos != "noun" and _stem(doc[trig.start].norm_).startswith(_CHAIR):
            # «ترأس X وY أعمال الدورة …»: two people who chair a session together meet there
            chairs = [subject] if subject and how == "explicit" else []
            for u in after:
                if u.mention.type != "PERSON" or u.gov not in (None, "و") or _uncovered_words(doc, trig.end, u.np_start) > 3 + 4 * len(chairs):
                    break
                chairs += [e for e in u.mention.entity_ids if e not in chairs]
            return Event("met", chairs[:2], confidence=0.6) if len(chairs) >= 2 else None
        if etype in ("met", "phone_call"):
            held = _held_by(doc, trig)
            host = next((u for u in after if u.tok_start >= held and u.mention.type in _AGENT_TYPES), None) if held else None
            if host is not None and _uncovered_words(doc, held, host.np_start) <= 1:
                # «المباحثات التي أجراها جلالة الملك مع السيد سانشيز»: the relative's subject held it, with
                # those after «مع»; whoever the sentence is about before the noun is not a party
                subject, how = host.mention.entity_id, "explicit"
                rest = [u for u in after if u.tok_start >= host.tok_end]
                others = self._companions(doc, Trigger(host.tok_end, host.tok_end, "met", "verb", ""), rest, subject, [])
            else:
                others = self._companions(doc, trig, after, subject, before)
            if etype == "met" and trig.pos != "noun" and subject and _object_pronoun(doc, trig):
                # «وصل X إلى طوكيو، واستقبله الإمبراطور Y»: the pronoun is the person just named
                ante = next((u.mention.entity_id for u in reversed(all_before) if u.mention.type in _AGENT_TYPES
                             and u.mention.method != "plural" and u.mention.entity_id != subject), None)
                ante = ante or (state.topic if state.topic != subject else None)
                if ante and ante not in others:
                    others.insert(0, ante)
            if trig.pos == "noun" and not others:
                return None
            if trig.pos == "noun" and _between_no_people(doc, trig, after):
                return None  # «القمة الأولى بين دول المجلس ودول آسيا الوسطى»: a summit of states, no people named
            if trig.pos == "verb_pair" and not others:
                return None
            if trig.pos == "noun" and how != "relative:single" and _between_pair(doc, trig, after, others):
                subject = None  # «أهمية لقاء القمة بين X وY»: X and Y meet, not whoever speaks of it
            agents = [a for a in dict.fromkeys(([subject] if subject else []) + others)]
            if len(agents) < 2:
                return None
            ev = Event(etype, agents, confidence=conf)
            if subject and len(others) > 1 and not any(u.mention.method == "plural" for u in before + after):
                # «التقى X بـ A و B و C»: X met each of them; A, B and C are not said to meet each other
                ev.split_from = subject
        elif etype == "visited":
            dests = self._destinations(doc, trig, after, home)
            visitors = antecedents or ([subject] if subject else [])
            done_by = _performed_by(doc, trig)
            if done_by is not None:
                # «الزيارة التي قام بها X إلى Y»: the agent and the destination follow the relative
                agent = next((u for u in after if u.tok_start >= done_by and u.mention.type in _AGENT_TYPES), None)
                if agent is not None and _uncovered_words(doc, done_by, agent.np_start) <= 1:
                    visitors = [agent.mention.entity_id]
                    dests = self._destinations(doc, Trigger(agent.tok_end, agent.tok_end, "visited", "noun", ""),
                                               [u for u in after if u.tok_start >= agent.tok_end], home)
            invitee = self._invitee(doc, trig, s_trigs, units, subject, all_before, state, prev_end)
            if invitee:
                visitors = [invitee]  # «دعوة إلى Y لزيارة Z»: the visit asked for is Y's
            if not visitors or not dests or _possessive_plural(doc, trig):
                return None
            if dests[0] in self._facilities(doc):
                # «توجّه فور وصوله إلى قصر الشعب»: a palace or an airport the KB cannot place is in the
                # city the visitor was last said to visit, else in the dateline's city
                dests = state.last_visit.get(visitors[0]) or self._dateline_visit(doc, home)
                if not dests:
                    return None
            ev = Event("visited", visitors, dests, confidence=conf)
        elif etype == "signed":
            if trig.pos == "noun" and any(t.type == "signed" and t.pos != "noun" and t.start > trig.end for t in s_trigs):
                return None  # «التوقيع على محضر …، وقّعه X وY»: the verb that follows names the signers
            agreements = [u.mention.entity_id for u in after if u.mention.type == "AGREEMENT"][:1]
            if not agreements and trig.pos != "noun":
                # «ووقّع الوزيران في ختام المباحثات مذكرة …»: an event noun in a time phrase does not end the clause
                later = [u for u in units if u.mention.type == "AGREEMENT" and trig.end <= u.tok_start <= trig.end + 30
                         and not _boundary_between(doc, trig.end, u.tok_start)
                         and not any(t.type == "signed" and trig.end <= t.start < u.tok_start for t in s_trigs)]
                agreements = [later[0].mention.entity_id] if later else []
            if not agreements and trig.pos != "noun":
                # «…، مذكرة تفاهم …، وقّعها X وY»: the agreement named just before the verb
                agreements = [u.mention.entity_id for u in all_before if u.mention.type == "AGREEMENT"][-1:]
            # the discourse topic is no signer: the signers are named after the verb, or the verb is passive
            # («وُقّعت مذكرة»), or a bare noun names the signing («.. وتوقيع مذكرة تفاهم»)
            passive = _passive(doc, trig)
            signers = [subject] if subject and how == "explicit" and not passive else []
            for u in after:
                if u.mention.type in _AGENT_TYPES and u.gov in (None, "و", _N("من"), _N("عن"), _N("بين")) and not _attendee(doc, u):
                    signers += [e for e in u.mention.entity_ids if e not in signers]
            if not agreements or not signers:
                return None
            ev = Event("signed", signers, agreements, confidence=conf)
        elif etype == "sent_message":
            # the message noun a verb heads («نقل X إلى Y تحية دافئة من Z») does not end its clause
            bound = next((t.start for t in s_trigs if t.start >= trig.end and t.type != "sent_message"), None)
            after = [u for u in units if u.np_start >= trig.end and (bound is None or u.tok_start < bound)]
            sentence_units = [u for u in all_before if u.tok_start >= (prev_end or 0)] + after
            if trig.pos != "noun" and not _message_noun_near(trig, s_trigs):
                return None  # «نقل» alone is not a message
            if _carried_back(doc, trig):
                return None  # «وحمّله تحياته إلى …»: greetings the host gives the visitor to take home
            source = [u for u in sentence_units if u.gov == _N("من") and u.mention.type == "PERSON"]
            source = source or _sender_after_noun(doc, trig, s_trigs, after)
            source = _greeting_sender(doc, sentence_units) + source  # «نقل X إلى Y تحيات الرئيس Z»: Z greets
            target = [u for u in sentence_units if u.gov in _TO and u.mention.type == "PERSON"]
            agent = source[0].mention.entity_id if source else subject
            recipient = target[0].mention.entity_id if target else None
            receipt = _receiving_verb(doc, trig)
            if recipient is None and source and receipt is not None:
                shared = _shared_subject(doc, receipt, all_before + after)
                if shared is not None:
                    subject = shared  # «X يستقبل Y ويتسلم رسالة من Z»: the second verb's subject is X's
            if recipient is None and source and subject and subject != agent and trig.pos == "noun" and _borne(doc, trig):
                # «X يستقبل Y حاملا رسالة من Z»: Y only carries it; it is for the person Y comes to
                people = [u for u in sentence_units if u.tok_end <= trig.start and u.mention.type == "PERSON"
                          and u.gov is None and u.mention.entity_id != agent]
                if people and people[-1].mention.entity_id == subject:
                    host = [u for u in people if u.mention.entity_id != subject]
                    if not host:
                        return None
                    recipient = host[0].mention.entity_id
            if recipient is None and source and subject and subject != agent and (trig.pos == "noun" or receipt is not None):
                recipient = subject  # «تلقى X رسالة من Y»: Y wrote to X (a sending verb's subject is no recipient)
            if (recipient is None and source and trig.pos != "noun" and subject and _object_pronoun(doc, trig)
                    and not _addressed_after(doc, trig.end)):
                # «التقى X Y، وسلّمه رسالة من Z»: the pronoun is the person just named, unless the message is
                # addressed further on («… موجهة إلى Y»: the pronoun's person only carries it); when that person
                # is the verb's subject, the subject was taken from the wrong person: no recipient, not a wrong one
                skip = (agent, subject) if how == "relative:single" else (agent,)
                # «استقبل X Y، الذي سلّمه رسالة من Z»: Y, the relative's antecedent, hands it to X
                ante = next((u.mention.entity_id for u in reversed(all_before) if u.mention.type == "PERSON"
                             and u.mention.method != "plural" and u.mention.entity_id not in skip), None)
                recipient = ante if ante != subject else None
            if recipient is None and trig.pos != "noun" and subject:
                # «سلّم X سموه رسالة»: the recipient is the verb's direct object
                recipient = next((e for e in self._object(doc, trig, after, subject) if e != agent), None)
            if not agent or not recipient or agent == recipient:
                return None
            state.last_message = (agent, recipient)
            ev = Event("sent_message", [agent], [recipient], confidence=conf - 0.1)
        elif etype == "invited":
            target = [u.mention.entity_id for u in after if u.mention.type == "PERSON" and u.mention.entity_id != subject][:1]
            if trig.pos == "noun":
                pair = self._invitation(doc, trig, units, subject, all_before, state, prev_end)
                if pair is None:
                    return None
                ev = Event("invited", [pair[0]], [pair[1]], confidence=0.6)
            else:
                if not subject or not target:
                    return None
                ev = Event("invited", [subject], target, confidence=0.6)
        elif etype == "attended":
            places = [u.mention.entity_id for u in after if u.mention.type == "PLACE"][:1]
            summit = _summit_meeting(doc, trig, units, subject) if subject else None
            if not subject or not places:
                return summit
            ev = Event("attended", [subject], places, confidence=0.6)
            if summit is not None:
                return [ev, summit]
        else:
            return None
        if how == "explicit" and subject and etype != "attended":
            # the grammatical subject carries the story on: not the sender named after «من», not those
            # present («وحضر اللقاء X»)
            state.topic = subject
        for m_units in (before, after):
            for u in m_units:
                ev.confidence = min(ev.confidence, 0.5 + u.mention.score / 2) if u.mention.entity_id in ev.agents + ev.targets else ev.confidence
        return ev

    def _subject(self, doc, trig, before, after, all_before, state) -> tuple[str | None, str]:
        """Who does it, and how we know: relative antecedent, VSO/SVO subject, or the topic."""
        # relative clause: «… ميدفيديف، رئيس حزب … الذي قام بزيارة»
        k = trig.start - 1
        while k >= 0 and k >= trig.start - 3:
            if doc[k].norm_ in _RELATIVES:
                antecedents = [u for u in all_before if u.tok_end <= k and u.mention.type in _AGENT_TYPES]
                if antecedents and _uncovered_words(doc, antecedents[-1].tok_end, k) <= 3:
                    kind = "relative:plural" if doc[k].norm_ in _PLURAL_RELATIVES else "relative:single"
                    return antecedents[-1].mention.entity_id, kind
                return None, "none"
            k -= 1
        carried = state.last_agent or state.topic
        if trig.pos != "noun" and trig.start > 0 and doc[trig.start - 1].norm_ == _N("حيث") and not _object_pronoun(doc, trig):
            # «زار X طهران، حيث التقى A وB»: «حيث» continues the clause before it; X met A and B — and
            # «انتقل الموفد الفرنسي إلى عين التينة، حيث التقى» names its subject before «حيث» itself
            lead = next((u for u in reversed(before) if u.mention.type in _AGENT_TYPES and u.gov is None
                         and u.mention.method != "plural" and not _attendee(doc, u)), None)
            if lead is not None and lead.mention.entity_id not in [u.mention.entity_id for u in after[:1]]:
                return lead.mention.entity_id, "explicit"
            if carried and carried not in [u.mention.entity_id for u in after[:1]]:
                return carried, "topic"
        if trig.pos != "noun":
            # SVO: «X التقى Y» — a person right before the verb is the subject
            if before and before[-1].mention.type in _AGENT_TYPES and before[-1].gov is None and before[-1].mention.method != "plural" \
                    and _uncovered_words(doc, before[-1].tok_end, trig.start) == 0 and not _attendee(doc, before[-1]) \
                    and (not _boundary_between(doc, before[-1].tok_end, trig.start) or _closed_apposition(doc, before[-1].tok_end, trig.start)):
                return before[-1].mention.entity_id, "explicit"
            # VSO: the first person right after the verb with no preposition
            for u in after[:2]:
                if u.mention.type in _AGENT_TYPES and u.gov is None and (u.np_start - trig.end <= 2 or _uncovered_words(doc, trig.end, u.np_start) <= 1):
                    return u.mention.entity_id, "explicit"
            # SVO: a person before the verb in the same clause
            for u in reversed(before):
                if u.mention.type in _AGENT_TYPES and u.gov is None and u.mention.method != "plural" and not _attendee(doc, u) \
                        and not _boundary_between(doc, u.tok_end, trig.start):
                    return u.mention.entity_id, "explicit"
            for u in before:
                if u.mention.method == "plural" and u.gov is None:
                    return u.mention.entity_id, "explicit"
        else:
            # noun trigger: genitive agent right after («زيارة القائد كيم»), or «قام X بزيارة»;
            # with a possessive pronoun («لقائه») the pronoun is the agent and what follows the object
            for u in ([] if _possessive(doc, trig) else after[:1]):
                if u.mention.type in _AGENT_TYPES and u.gov is None and u.np_start - trig.end <= 1:
                    return u.mention.entity_id, "explicit"
            for u in reversed(before):
                if u.mention.type in _AGENT_TYPES and u.gov is None:
                    return u.mention.entity_id, "explicit"
            if _possessive_plural(doc, trig):
                return None, "none"
        if state.topic:
            return state.topic, "topic"
        if state.counts:
            return sorted(state.counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0], "topic"
        return None, "none"

    def _plural_antecedents(self, doc, trig, all_before) -> list[str]:
        """«… بالرفيق X … والرفيق Y … الذين قاموا بزيارة»: every person of the list before «الذين»."""
        k = trig.start - 1
        while k >= 0 and doc[k].norm_ not in _RELATIVES:
            k -= 1
        chain: list[str] = []
        units = [u for u in all_before if u.tok_end <= k and u.mention.type in _AGENT_TYPES]
        for u in reversed(units):
            if u.mention.method == "title" and u.mention.entity_id in chain + [v.mention.entity_id for v in units if v is not u]:
                continue  # «X، الأمين العام للحزب …»: a title in apposition is not another link of the list
            chain.append(u.mention.entity_id)
            if u.gov not in ("و",):
                break
        return list(dict.fromkeys(reversed(chain)))

    def _companions(self, doc, trig, after, subject, before) -> list[str]:
        """Other participants: «ب/مع X و Y», «استقبل X Y», «بين X و Y», plural references."""
        out: list[str] = []
        for u in before:
            if u.mention.method == "plural" and u.gov in (None, _N("بين")):
                out.extend(u.mention.entity_ids)
        noun = trig.pos == "noun"
        in_list = False  # a «ب/مع/بين» phrase has started: «و» continues it
        # «X وY التقيا»، «التقى X وY»، «عقد X وY قمة»: a subject coordinated with the subject
        chain = [u for u in before + after if u.mention.entity_id == subject and u.gov in (None, "و") and not _attendee(doc, u)]
        prev = chain[0] if chain else None
        if prev is not None and prev in before:
            k = before.index(prev)
            if k > 0 and prev.gov == "و" and before[k - 1].mention.type in _AGENT_TYPES and _uncovered_words(doc, before[k - 1].tok_end, prev.np_start) <= 1:
                out.extend(before[k - 1].mention.entity_ids)
        received = trig.type == "phone_call"  # «تلقى X اتصالاً هاتفياً من Y»
        for u in after:
            m = u.mention
            if m.type not in _AGENT_TYPES or _attendee(doc, u):
                continue  # those present «بحضور» are not parties to the meeting
            if _relative_between(doc, trig.end, u.np_start):
                break
            if prev is not None and u.gov == "و" and u.tok_start > prev.tok_start and _uncovered_words(doc, prev.tok_end, u.np_start) <= 1 and m.entity_id != subject:
                out.extend(m.entity_ids)
                prev = u
                continue
            if received and u.gov == _N("من"):
                out.extend(e for e in m.entity_ids if e != subject)
                in_list = True
                continue
            direct = u.gov is None and _possessive(doc, trig) and _uncovered_words(doc, trig.end, u.np_start) <= 1
            bare_ok = not noun and u.gov is None and m.entity_id != subject and _uncovered_words(doc, trig.end, u.np_start) <= 1
            if u.gov in _WITH or u.gov == _N("بين") or (u.gov == "و" and in_list) or bare_ok or direct or m.method == "plural":
                in_list = True
                out.extend(e for e in m.entity_ids if e != subject or m.method == "plural")
        if not out and not noun and trig.pos == "verb" and subject:
            out.extend(self._object(doc, trig, after, subject))
        if not out and noun and subject and _possessive(doc, trig):
            # «حيث كان في استقباله بمطار … الوزير X»، «خلال لقائه … الرئيس Y»: the possessor met X
            out.extend(self._object(doc, trig, after, subject))
        return [e for e in dict.fromkeys(out)]

    def _object(self, doc, trig, after, subject) -> list[str]:
        """«استقبل [X، رئيس الدولة، اليوم في قصر …] Y»: the first other person of the clause that no
        preposition governs, however long the subject's apposition and the time and place phrases."""
        subj_end = next((u.tok_end for u in after if u.mention.entity_id == subject), trig.end)
        for u in after:
            if u.tok_start < subj_end or u.mention.type not in _AGENT_TYPES or u.mention.entity_id == subject:
                continue
            if _relative_between(doc, subj_end, u.np_start) or self._new_clause(doc, subj_end, u.np_start):
                return []
            if u.gov is None and not _attendee(doc, u) and u.mention.method != "plural":
                return list(u.mention.entity_ids)
            return []
        return []

    def _invitee(self, doc, trig, s_trigs, units, subject, all_before, state, prev_end) -> str | None:
        """The person invited by an invitation just before this visit noun («دعوة … لزيارة»)."""
        inv = next((t for t in reversed(s_trigs) if t.type == "invited" and t.end <= trig.start
                    and trig.start - t.end <= 14 and not _boundary_between(doc, t.end, trig.start)), None)
        if inv is None:
            return None
        if inv.pos == "noun":
            k = s_trigs.index(inv)
            pair = self._invitation(doc, inv, units, subject, all_before, state, s_trigs[k - 1].end if k else None)
            return pair[1] if pair else None
        # «دعا X Y إلى زيارة»: the object, the person nearest the visit (X, right after the verb, invites)
        between = [u for u in units if inv.end <= u.tok_start < trig.start and u.mention.type == "PERSON" and not _attendee(doc, u)]
        return between[-1].mention.entity_id if len(between) >= 2 or (between and inv.start > 0 and between[0].gov is not None) else None

    def _invitation(self, doc, trig, units, subject, all_before, state, prev_end) -> tuple[str, str] | None:
        """Who invites whom, around the noun «دعوة»:

        * «وجّه X (إلى Y) دعوة (إلى Y)»: X invites Y;
        * «تلقى X دعوة من Y»: Y invites X;
        * «سلّمه / نقل إليه دعوة من Y»: Y invites the one the message is handed to.
        """
        if state.last_message is not None and trig.start > 0 and _stem(doc[trig.start - 1].norm_) in _CONTAIN_VERBS:
            return state.last_message  # «رسالة خطية من X … تضمنت دعوة لزيارة …»: X invites the message's recipient
        verb = _invite_verb(doc, trig)
        kind = _INVITE_VERBS.get(_stem(doc[verb].norm_)) if verb is not None else None
        lo = verb if verb is not None else trig.start
        clause = [u for u in units if u.tok_start >= lo and (prev_end is None or u.tok_start >= prev_end)
                  and not _boundary_between(doc, lo, u.tok_start) and u.mention.type == "PERSON"]
        if verb is not None:
            # VSO: «وجّه الملك عبد الله الثاني دعوة …»، «ووجّه المنفي إلى الرئيس سعيّد دعوة»
            subject = next((u.mention.entity_id for u in clause if u.tok_start < trig.start and u.gov is None
                            and u.mention.method != "plural"), subject)
        source = next((u.mention.entity_id for u in clause if u.tok_start > trig.start and u.gov == _N("من")), None)
        genitive = None
        if source is None and kind in ("convey", "receive"):
            # «أبلغه دعوة ماكرون إياه»، «جدّد دعوة الرئيس السيسي له»: the name right after the noun invites
            first = next((u for u in clause if u.tok_start >= trig.end), None)
            if first is not None and first.gov is None and _uncovered_words(doc, trig.end, first.np_start) == 0:
                source = genitive = first.mention.entity_id
        to = next((u.mention.entity_id for u in clause if u.gov in _TO and u.mention.entity_id not in (subject, source)), None)
        after_inviter = range(trig.end, min(len(doc), trig.end + 6)) if genitive else range(0)
        if to is None and verb is not None and (_pronoun_after(doc, verb) or doc[verb].norm_ in _TO_PRONOUNS or
                                                any(doc[k].norm_ in _TO_PRONOUNS for k in range(verb, trig.start))
                                                or any(doc[k].norm_ in _TO_PRONOUNS or doc[k].norm_ == _N("إياه") for k in after_inviter)):
            # «سلّمه دعوة»، «ونقل إليه دعوة»: the person just named who is not the one handing it
            named = [u for u in reversed(all_before) if u.mention.type == "PERSON" and u.tok_end <= lo
                     and u.mention.method != "plural" and u.mention.entity_id not in (subject, source)]
            # the one something was just handed to («نقل X إلى جلالته …، وسلّمه») before any other
            to = next((u.mention.entity_id for u in named if u.gov in _TO), None) or (named[0].mention.entity_id if named else None)
        if to is None and kind == "convey" and source is not None:
            # «أبلغ X الرئيسَ Y دعوة …»: the verb's second object, between its subject and the noun
            to = next((u.mention.entity_id for u in clause if u.tok_start < trig.start and u.gov is None
                       and u.mention.method != "plural" and u.mention.entity_id not in (subject, source)), None)
        if source is None:
            if kind != "issue" or not subject or not to:
                return None
            return subject, to  # «وجّه X دعوة إلى Y»
        if to is None:
            if kind == "convey" or not subject:
                return None
            to = subject  # «تلقى X دعوة من Y»، «X … دعوة من Y»
        return (source, to) if source != to else None

    def _new_clause(self, doc, a: int, b: int) -> bool:
        """A clause-opening verb («وقال»، «وأكد»، «وكان») between tokens ``a`` and ``b``."""
        openers = self.lexicon.clause_openers
        return any(doc[k].norm_ in openers and getattr(doc[k]._, "clitic", "") == "" for k in range(a, min(b, len(doc))))

    def _destinations(self, doc, trig, after, home) -> list[str]:
        kb = doc.user_data.get("kg_kb")
        home_at = None
        if home:
            for span in kb_spans(doc):
                if span.label_ == "home_state" and span.start >= trig.end and _uncovered_words(doc, trig.end, span.start) <= 3:
                    home_at = span.start
                    break
                # wire style «زيارته للبلاد»، «الذي يزور الدولة حالياً»: the host country, only as the
                # visit's direct object or after ل/إلى (never «زيارة رئيس الدولة»)
                if span.label_ != "home_generic" or span.start < trig.end:
                    continue
                gap, gov = _uncovered_words(doc, trig.end, span.start), governor(doc, span.start)
                if gap <= 2 and (gov in _TO or (gap == 0 and gov is None and trig.pos != "noun")):
                    home_at = span.start
                    break
        for u in after:
            m = u.mention
            if _relative_between(doc, trig.end, u.np_start) or _uncovered_words(doc, trig.end, u.np_start) > 3:
                break
            if home_at is not None and home_at < u.np_start:
                return [home]
            if m.method == "facility" and any(v.mention.start >= m.start and v.mention.end <= m.end for v in after if v is not u):
                continue  # «وصل إلى مطار نواكشوط الدولي»: the city the airport is named after is the destination
            if m.type in _DEST_TYPES and (u.gov in _TO or u.gov is None or u.gov in (_N("على"), _N("ب"))):
                dests = [m.entity_id]
                if m.method == "metonymy" and kb is not None and m.entity_id in kb and kb[m.entity_id].capital:
                    dests = [kb[m.entity_id].capital, m.entity_id]  # «زار موسكو»: the city, and its state
                if m.type == "PLACE" and kb is not None and m.entity_id in kb:
                    st = kb.state_of(m.entity_id)
                    if st and st not in dests:
                        dests.append(st)
                city = _pinpointed(doc, u, after)
                if city is not None and city not in dests:
                    dests.insert(0, city)  # «زار روسيا أيضاً، وتحديداً مدينة فلاديفوستوك»
                return dests
        return [home] if home_at is not None else []

    @staticmethod
    def _facilities(doc: Doc) -> set[str]:
        kb = doc.user_data.get("kg_kb")
        return {m.entity_id for m in doc._.mentions if m.method == "facility" and (kb is None or m.entity_id not in kb)}

    @staticmethod
    def _dateline_visit(doc: Doc, home: str | None) -> list[str]:
        """The dateline's city and its state (the host state alone when the city is not known)."""
        if not home:
            return []
        kb = doc.user_data.get("kg_kb")
        # a capital read as its state («موسكو» for Russia) is, in a dateline, the city
        places = [(m.start, m.end, kb[m.entity_id].capital if m.method == "metonymy" and kb is not None and m.entity_id in kb
                   and kb[m.entity_id].capital else m.entity_id) for m in doc._.mentions if m.type in ("STATE", "PLACE")]
        city = dateline_place(doc_text(doc), places, [d.start for d in doc.user_data.get("kg_dates", [])])
        if city and kb is not None and city in kb and kb[city].type == "PLACE" and kb.state_of(city) == home:
            return [city, home]
        return [home]

    def _place(self, doc, trig, units, next_start) -> str | None:
        for u in units:
            if u.tok_start >= trig.end and (next_start is None or u.tok_start < next_start) and u.gov == _N("في") and u.mention.type == "PLACE":
                return u.mention.entity_id
        return None

    # ------------------------------------------------------------------- dates
    def _date(self, doc, trig, dates, s_start, s_end, prev_end, next_start, paragraphs, state, doc_date, s_trigs=()) -> tuple[str | None, str]:
        """The date governing the clause, else the paragraph's, else the story's, else the document's."""
        t_char = doc[trig.start].idx
        lo = doc[prev_end].idx if prev_end is not None and prev_end < len(doc) else s_start
        hi = doc[next_start].idx if next_start is not None and next_start < len(doc) else s_end
        text = doc_text(doc)
        in_clause = [d for d in dates if lo <= d.start < hi]
        in_sentence = [d for d in dates if s_start <= d.start < s_end]
        later = next((t for t in s_trigs if t.start >= trig.end), None) if s_trigs else None
        if not in_clause and later is not None and later.type != trig.type and not (
                later.start > 0 and doc[later.start - 1].norm_ in _RELATIVES):  # «شويغو، الذي زار … في عام 2025» frames it
            # «يقوم X بزيارة … ، تندرج في إطار … المباحثات التي أجراها … في 7 أبريل 2022»: a date past a comma,
            # in the clause of a later event of another kind, is that event's
            in_sentence = [d for d in in_sentence if not (d.start >= hi and _COMMA_RE.search(text, t_char, d.start))]
        pick = in_clause or in_sentence
        # «تلقى اتصالًا … في أكتوبر الماضي، فيما زار X برلين في سبتمبر الماضي»: a date behind a comma belongs
        # to the clause before it when the trigger's own clause has one after it
        pick = [d for d in pick if not (d.end <= t_char and _COMMA_RE.search(text, d.end, t_char))] or pick
        if pick:
            d = min(pick, key=lambda d: abs(d.start - t_char))
            if not d.value:  # «الأحد الماضي» in a document without a date
                return doc_date, "document"
            ref = _reference_before(dates, d.start) or state.narrative_date
            value = _refine(_anchored(d, ref), d, in_clause, ref, text)
            if d.end <= t_char and _TEMPORAL_RE.search(text[d.end:t_char]):
                value = _coarsen(value, 4)  # «… في نيسان، بعد مدة قصيرة من قمته»: the summit was earlier
            elif not in_clause and trig.type == "visited":
                value = _coarsen(value, 7)  # «التقى X يوم 10 … Y الذي قام بزيارة»: the visit spans that day
            return value, "text"
        para_start = max([p for p in paragraphs if p <= s_start], default=0)
        earlier = [d for d in dates if para_start <= d.start < s_start and d.value]
        if earlier:
            d = earlier[-1]
            ref = _reference_before(dates, d.start) or state.narrative_date
            return _refine(_anchored(d, ref), d, earlier, ref, text), "context"
        if doc_date:
            return doc_date, "document"
        if state.narrative_date:
            return state.narrative_date[:7], "context"
        return None, "document"

    def _advance_narrative(self, dates, s_start, s_end, state: _State) -> None:
        for d in dates:
            if s_start <= d.start < s_end and d.value and d.value[:1].isdigit():
                state.narrative_date = _inherit(d.value, state.narrative_date)
            elif s_start <= d.start < s_end and d.value and state.narrative_date:
                state.narrative_date = _anchored(d, state.narrative_date)


# ---------------------------------------------------------------------- helpers
_CHAIR = _N("ترأس")  # «ترأس»، «ترأسا»، «ترأست»
_LIGHT_VERBS = {_N(w) for w in ("عقد", "عقدت", "عقدا", "عقدوا", "يعقد", "تعقد", "يعقدان", "أجرى", "أجرت", "أجريا", "يجري", "تجري", "أجري")}


def _group_predicates(doc: Doc, trigs: list[Trigger]) -> list[Trigger]:
    """One predicate, one trigger: «عقد X وY مباحثات»، «أجرى … اتصالاً هاتفياً»، «بعث … برقية تهنئة».

    A verb followed in its clause by a noun of the same event (or a light verb — عقد، أجرى — followed
    by any event noun, whose type it takes) keeps the verb as the head, so that the subject, the
    objects after the noun and the verb's tense all belong to one event.  Two event nouns in a row
    («برقية تهنئة»، «جلسة مباحثات») are one as well.
    """
    out: list[Trigger] = []
    for t in trigs:
        if out:
            head = out[-1]
            gap = _words_between(doc, head.end, t.start)
            same_clause = not _boundary_between(doc, head.end, t.start)
            light = head.pos != "noun" and _stem_norm(doc, head) in _LIGHT_VERBS
            if head.type == "met" and t.type == "phone_call" and _call_medium(doc, t) and not _boundary_between(
                    doc, head.end, t.start, "phrase"):
                # «بحث X مع Y، في اتصال هاتفي/مرئي، …»: the talks took place in a call, not in a meeting
                light = same_clause = True
            if head.type in ("attended", "witnessed") and t.pos == "noun" and same_clause and gap <= 10:
                continue  # «حضر (جلسة) اللقاء X وY»، «شهد X وY توقيع …»: what they attended or witnessed
            if t.pos == "noun" and same_clause and head.type not in ("invited",) and t.type != "invited":
                if head.pos != "noun" and gap <= 16 and (t.type == head.type or light):
                    out[-1] = Trigger(head.start, head.end, t.type if light else head.type, head.pos, head.text, True,
                                      head.noun or (t.start, t.end))
                    continue
                if head.pos == "noun" and gap == 0 and t.type == head.type:
                    continue
        out.append(t)
    return out


_MEDIUM = {_N(w) for w in ("في", "عبر", "خلال", "ب")}


def _call_medium(doc: Doc, trig: Trigger) -> bool:
    """A call noun governed by «في / عبر / خلال / ب»: the means of the talks («بحثا في اتصال هاتفي»),
    not another event of the clause («بعد اتصال هاتفي»)."""
    k = trig.start - 1
    while k >= 0 and getattr(doc[k]._, "clitic", "") == "article":
        k -= 1
    return k >= 0 and doc[k].norm_ in _MEDIUM


def _stem_norm(doc: Doc, trig: Trigger) -> str:
    return doc[_stem_index(doc, trig)].norm_


def governor(doc: Doc, tok: int) -> str | None:
    """The preposition (or coordination و) governing the noun phrase starting at ``tok``."""
    k = tok - 1
    while k >= 0:
        t = doc[k]
        clitic = getattr(t._, "clitic", "")
        if clitic == "article" or t.norm_ in _SKIP:
            k -= 1
            continue
        if clitic == "suffix" and k > 0 and doc[k - 1].norm_ in _KIN:
            k -= 2  # «من أخيه جلالة السلطان …»: the kinship courtesy belongs to the name
            continue
        if clitic == "prefix":
            if t.norm_ in ("و", "ف"):
                # «و» after another prefix is coordination of the phrase
                return "و"
            return PREPOSITIONS.get(t.norm_, t.norm_)
        if t.norm_ in PREPOSITIONS:
            return PREPOSITIONS[t.norm_]
        return None
    return None


_ATTENDANCE = {_N(w) for w in ("بحضور", "حضور", "حضره", "حضرها")}


def _attendee(doc: Doc, u: _Unit) -> bool:
    """«بحضور X»، «بحضور الوزيرين اليحيا وإيوايا»: X is present, not a party to the act."""
    k = u.np_start - 1
    while k >= 0 and k >= u.np_start - 3:
        if doc[k].norm_ in _ATTENDANCE:  # «ب» + «حضور» as well: «حضور» is in the set
            return True
        if doc[k].is_punct:
            return False
        k -= 1
    # a name coordinated with one who attends attends too: walk back over «و» and the names before it
    k = u.np_start - 1
    if k >= 0 and doc[k].norm_ == "و" and getattr(doc[k]._, "clitic", "") == "prefix":
        for j in range(k - 1, max(-1, k - 12), -1):
            if doc[j].is_punct:
                return False
            if doc[j].norm_ in _ATTENDANCE:
                return True
    return False


def _relative_between(doc: Doc, a: int, b: int) -> bool:
    return any(doc[k].norm_ in _RELATIVES for k in range(a, min(b, len(doc))))


def _between_pair(doc: Doc, trig: Trigger, after: list[_Unit], others: list[str]) -> bool:
    """The meeting noun names its two sides itself: «لقاء (القمة) بين X وY» right after the noun."""
    return (len(others) >= 2 and bool(after) and after[0].gov == _N("بين") and not _possessive(doc, trig)
            and _uncovered_words(doc, trig.end, after[0].np_start) <= 1)


def _pinpointed(doc: Doc, u: _Unit, after: list[_Unit]) -> str | None:
    """«روسيا، وتحديداً مدينة فلاديفوستوك»: the place a «تحديداً» phrase right after the destination names."""
    nxt = next((v for v in after if v.tok_start >= u.tok_end), None)
    if nxt is None or nxt.mention.type != "PLACE":
        return None
    words = [t.norm_ for t in doc[u.tok_end:nxt.np_start]]
    if not any("تحديد" in w for w in words) or len(words) > 6:
        return None
    return nxt.mention.entity_id


_HELD = {_N(w) for w in ("أجراها", "أجراه", "أجرتها", "أجرياها", "عقدها", "عقده", "عقدتها", "عقداها")}


def _held_by(doc: Doc, trig: Trigger) -> int | None:
    """«المباحثات التي أجراها X»، «اللقاء الذي عقده X»: the token after the relative's light verb (and
    its object pronoun), where the meeting's holder is named."""
    k = trig.end
    if trig.pos != "noun" or trig.type != "met" or k + 1 >= len(doc) or doc[k].norm_ not in _RELATIVES:
        return None
    verb = doc[k + 1]
    if verb.norm_ in _HELD:
        return k + 2
    if verb.norm_ in _LIGHT_VERBS and k + 2 < len(doc) and getattr(doc[k + 2]._, "clitic", "") == "suffix":
        return k + 3
    return None


def _closed_apposition(doc: Doc, a: int, b: int) -> bool:
    """«وكان رئيس الحكومة، السيد بيدرو سانشيز، قد استقبل»: only the comma that closes the apposition and
    «قد» stand between the subject and its verb."""
    words = [t.norm_ for t in doc[a:b]]
    return bool(words) and words[-1] == _N("قد") and all(w in ("،", ",", _N("قد")) for w in words)


def _between_no_people(doc: Doc, trig: Trigger, after: list[_Unit]) -> bool:
    """The meeting noun's own «بين» phrase (within two words of it) names no person."""
    k = next((k for k in range(trig.end, min(len(doc), trig.end + 6)) if doc[k].norm_ == _N("بين")), None)
    if k is None or _uncovered_words(doc, trig.end, k) > 2 or _boundary_between(doc, trig.end, k):
        return False
    return not any(u.gov == _N("بين") and u.mention.type in _AGENT_TYPES and u.tok_start > k for u in after)


def _possessive_plural(doc: Doc, trig: Trigger) -> bool:
    """«بزيارتهم»: a plural possessive we cannot resolve safely."""
    for k in (trig.end - 1, trig.end):
        if 0 <= k < len(doc) and getattr(doc[k]._, "clitic", "") == "suffix" and doc[k].norm_ in ("هم", "هن"):
            return True
    return False


def _message_noun_near(trig: Trigger, s_trigs: list[Trigger]) -> bool:
    """A message verb («نقل»، «بعث») counts only with a message noun (تحية، برقية، رسالة) near it."""
    return trig.with_noun or any(t.type == "sent_message" and t.pos == "noun" and abs(t.start - trig.start) <= 12 for t in s_trigs)


_SUMMIT = {_N(w) for w in ("قمة", "القمة")}
_SUMMIT_SIDES = {_N(w) for w in ("استضافها", "استضافتها", "استضاف", "استضافت", "مشاركة", "ومشاركة")}


def _summit_meeting(doc: Doc, trig: Trigger, units: list[_Unit], subject: str) -> Event | None:
    """«شارك X في القمة … التي استضافها Y … بمشاركة Z»: the leaders at one summit meet one another
    (every pair); those present «بحضور» do not count."""
    # «في (أعمال) القمة …» after the verb and its subject, in the same sentence
    k, at = trig.end, None
    while k < min(len(doc), trig.end + 30) and doc[k].norm_ not in _SENTENCE_BREAK:
        if doc[k].norm_ == _N("في") and any(doc[j].norm_ in _SUMMIT for j in range(k + 1, min(len(doc), k + 5))):
            at = k
            break
        k += 1
    if at is None:
        return None
    sides = [subject]
    for u in units:
        if u.tok_start < trig.end or u.mention.type != "PERSON" or u.mention.method == "plural" or _attendee(doc, u):
            continue
        cue = next((k for k in range(u.np_start - 1, max(trig.end, u.np_start - 4) - 1, -1) if doc[k].norm_ in _SUMMIT_SIDES), None)
        if cue is not None and _uncovered_words(doc, cue + 1, u.np_start) <= 1:
            sides += [e for e in u.mention.entity_ids if e not in sides]
    return Event("met", sides, confidence=0.6) if len(sides) >= 2 else None


def _split(ev: Event) -> list[Event]:
    """One meeting per companion when a subject met a list of people one after another."""
    subject = getattr(ev, "split_from", None)
    if not subject:
        return [ev]
    return [Event(ev.type, [subject, other], list(ev.targets), confidence=ev.confidence) for other in ev.agents if other != subject]


_GREETINGS = {_N(w) for w in ("تحيات", "تحية", "تحياته", "تهاني", "تهانيه", "تمنيات", "تمنياته")}


def _greeting_sender(doc: Doc, units: list[_Unit]) -> list[_Unit]:
    """The person a greeting noun governs as its genitive («تحيات الرئيس شي جين بينغ»): the sender."""
    out = []
    titled = {t for sp in kb_spans(doc) if sp.label_ in ("honorific", "role") for t in range(sp.start, sp.end)}
    for u in units:
        if u.mention.type != "PERSON" or u.gov is not None:
            continue
        k = u.np_start - 1
        while k >= 0:
            if getattr(doc[k]._, "clitic", "") == "article" or k in titled or doc[k].norm_ in _SKIP:
                k -= 1
            elif getattr(doc[k]._, "clitic", "") == "suffix" and k > 0 and doc[k - 1].norm_ in _KIN:
                k -= 2  # «تحيات أخيه صاحب السمو …»
            else:
                break
        if k >= 0 and doc[k].norm_ in _GREETINGS:
            out.append(u)
    return out


_MEET_OBJECT_VERBS = {_N(w) for w in ("التقى", "التقت", "قابل", "قابلت")}  # take the one met as a direct object
_CARRY = {_N(w) for w in ("حمل", "حملت")}
_CARRY_OBJECT = {_N(w) for w in ("حمله", "حملها", "حملهم", "حملهما", "حملته", "حملتها")}
_BEARING = {_N(w) for w in ("حاملا", "حاملة", "حاملين", "حاملان", "يحمل", "تحمل")}
_ASKING = {_N(w) for w in ("طالبا", "طالبة", "طالبين", "طالبتين")}  # «طالبا نقل تحياته»: asking the guest to convey


def _receiving_verb(doc: Doc, trig: Trigger) -> int | None:
    """The token of a receiving verb («تسلّم»، «يتلقى») that is the trigger or governs its message noun."""
    for k in (trig.start, trig.start - 1):
        if 0 <= k < len(doc) and _stem(doc[k].norm_) in _RECEIVE_VERBS:
            return k
    return None


def _shared_subject(doc: Doc, verb: int, units: list[_Unit]) -> str | None:
    """«سمو الأمير يستقبل وزير الخارجية ويتسلم رسالة …»: a verb joined by «و» with no subject of its own
    between it and the next noun shares the first verb's subject — the sentence's first person."""
    if verb < 1 or doc[verb - 1].norm_ != "و" or any(verb < u.tok_start <= verb + 1 for u in units):
        return None
    first = next((u for u in units if u.mention.type == "PERSON"), None)
    return first.mention.entity_id if first is not None and first.tok_end <= verb - 1 else None


def _borne(doc: Doc, trig: Trigger) -> bool:
    """«حاملا رسالة»: the message noun is what somebody carries, right after a bearing word."""
    return trig.start > 0 and doc[trig.start - 1].norm_ in _BEARING


def _carried_back(doc: Doc, trig: Trigger) -> bool:
    """Greetings the host gives the visitor to take home, not a message sent: «حمّله تحية إلى …»
    («حمّل» with an object pronoun, within three words before the message), «حمّل الرئيس الوزير
    الضيف تحياته إلى …» (the clause's «حمّل» and the sender's own greetings), «طالبا نقل تحياته»."""
    for k in range(max(0, trig.start - 6), trig.start):
        t = doc[k]
        if t.norm_ in _CARRY_OBJECT or (t.norm_ in _CARRY and k + 1 < len(doc) and getattr(doc[k + 1]._, "clitic", "") == "suffix"):
            return True
    if trig.start > 0 and doc[trig.start - 1].norm_ in _ASKING:
        return True
    own = doc[trig.end - 1].norm_ in _GREETINGS and doc[trig.end - 1].norm_.endswith(("ه", "ها"))
    if trig.pos == "noun" and (own or _possessive(doc, trig)):
        for k in range(trig.start - 1, max(-1, trig.start - 24), -1):
            if doc[k].is_punct or doc[k].norm_ in _SENTENCE_BREAK:
                break
            if doc[k].norm_ in _CARRY:
                return True
    return False


def _sender_after_noun(doc: Doc, trig: Trigger, s_trigs: list[Trigger], units: list[_Unit]) -> list[_Unit]:
    """«رسالة خطية من الفريق أول ركن عبد الفتاح البرهان»: the first person after the «من» that
    follows the message noun, across words of a title the KB does not know."""
    spans = [(t.start, t.end) for t in s_trigs if t.type == "sent_message" and t.pos == "noun" and t.start >= trig.start]
    if trig.pos == "noun":
        spans = [(trig.start, trig.end)]
    elif trig.noun is not None:
        spans = [trig.noun]
    for _, noun_end in spans[:1]:
        # «رسالة خطية من»، «تحية دافئة من»: at most two words (an adjective) before «من»
        k, words = noun_end, 0
        while k < len(doc) and doc[k].norm_ != _N("من") and not doc[k].is_punct and words < 2 and not any(
                u.np_start <= k < u.tok_end for u in units):
            words += getattr(doc[k]._, "clitic", "") == ""
            k += 1
        if k >= len(doc) or doc[k].norm_ != _N("من"):
            return []
        person = next((u for u in units if u.tok_start > k and u.mention.type == "PERSON"), None)
        if person is not None and person.tok_start - k <= 10 and not any(doc[j].is_punct for j in range(k, person.tok_start)):
            return [person]
    return []


# the verb that governs an invitation noun, by what it says of the invitation
_INVITE_VERBS = {**{_N(w): "issue" for w in ("وجه", "وجهت", "قدم", "قدمت", "أرسل", "أرسلت", "بعث", "بعثت")},
                 **{_N(w): "convey" for w in ("سلم", "سلمت", "نقل", "نقلت", "حمل", "حملت", "أبلغ", "أبلغت", "جدد", "جددت")},
                 **{_N(w): "receive" for w in ("تلقى", "تلقت", "تسلم", "تسلمت", "استلم", "استلمت", "يتلقى", "يتسلم")}}
_CONTAIN_VERBS = {_N(w) for w in ("تضمنت", "تتضمن", "يتضمن", "تضمن", "تضمنا", "حملت", "تحمل", "يحمل", "شملت", "تشمل")}
_RECEIVE_VERBS = {v for v, kind in _INVITE_VERBS.items() if kind == "receive"}
_TO_PRONOUNS = {_N(w) for w in ("إليه", "إليها", "اليه", "اليها", "له", "لها")}


def _invite_verb(doc: Doc, trig: Trigger, *, perfect: bool = False) -> int | None:
    """The nearest verb of issuing, handing or receiving (``perfect``: of those, not an imperfect or a
    future) before an invitation noun, in its clause («وجّه … دعوة»)."""
    for k in range(trig.start - 1, max(-1, trig.start - 24), -1):
        if _boundary_between(doc, k, trig.start):
            return None
        if _stem(doc[k].norm_) in _INVITE_VERBS and not (perfect and doc[k].norm_.startswith(("ي", "ت", "س"))):
            return k
    return None


_PASSIVE_MARK = re.compile("[^\u0621-\u064a]*[\u0621-\u064a]\u064f[^\u0621-\u064a]*[\u0621-\u064a]")  # «وُقّع»


def _passive(doc: Doc, trig: Trigger) -> bool:
    """A verb written with the passive's damma on its first letter («وُقّع»، «وُقِّعت»): it has no agent
    subject, whoever is named after it («كما وُقّع، بحضور الوزيرين، برنامج …»)."""
    return trig.pos == "verb" and _PASSIVE_MARK.match(doc[trig.start].text) is not None


def _purpose(doc: Doc, trig: Trigger) -> bool:
    """The event noun carries the purpose «ل» («لتوقيع»، «للتوقيع على»): what a trip is for."""
    k = trig.start - 1
    while k >= 0 and getattr(doc[k]._, "clitic", "") == "article":
        k -= 1
    return k >= 0 and doc[k].norm_ == "ل" and getattr(doc[k]._, "clitic", "") == "prefix"


def _issued_before(doc: Doc, trig: Trigger) -> bool:
    """A perfect verb of issuing, handing or receiving governs the invitation noun («وجّه … دعوة»)."""
    return _invite_verb(doc, trig, perfect=True) is not None


def _stem(norm: str) -> str:
    """A verb without its conjunction («ووجّه» → «وجه»), for the small verb tables above."""
    return norm[1:] if len(norm) > 3 and norm[0] in "وف" and norm[1:] in _INVITE_VERBS else norm


def _pronoun_after(doc: Doc, k: int) -> bool:
    """«سلّمه»: the verb at ``k`` carries an object pronoun."""
    return ((k + 1 < len(doc) and getattr(doc[k + 1]._, "clitic", "") == "suffix")
            or (doc[k].norm_.endswith(("ه", "ها")) and doc[k].norm_[:-1] in _INVITE_VERBS))


_PERFORM = {_N(w) for w in ("قام", "قامت", "يقوم", "تقوم", "أجرى", "أجراها", "يجريها", "تجريها")}


def _performed_by(doc: Doc, trig: Trigger) -> int | None:
    """«الزيارة التي قام بها …»، «زيارة قام بها …»: the token after «بها/به» when a relative clause of
    «قام» follows the noun."""
    k = trig.end
    if trig.pos != "noun" or k >= len(doc):
        return None
    # «زيارة الدولة التي قام بها»، «الزيارة الرسمية التي قام بها»: up to two words qualify the noun first
    j, words = k, 0
    while j < len(doc) and words < 2 and doc[j].norm_ not in _RELATIVES and not doc[j].is_punct:
        words += getattr(doc[j]._, "clitic", "") == ""
        j += 1
    if j < len(doc) and doc[j].norm_ in _RELATIVES and j + 1 < len(doc) and doc[j + 1].norm_ in _PERFORM:
        k = j
    if doc[k].norm_ in _RELATIVES:
        k += 1
    elif doc[k].norm_ not in _PERFORM:
        return None  # «بعد زيارة قام بها X»: an indefinite noun takes its relative clause without «التي»
    if k < len(doc) and doc[k].norm_ in _PERFORM:
        k += 1
        while k < len(doc) and (doc[k].norm_ in ("بها", "به") or
                                getattr(doc[k]._, "clitic", "") in ("prefix", "suffix") and doc[k].norm_ in ("ب", "ه", "ها")):
            k += 1
        return k
    return None


def _addressed_after(doc: Doc, start: int) -> bool:
    """«… موجهة إلى Y» before the sentence ends: the message names its addressee further on."""
    to = _N("إلى")
    for t in doc[start:]:
        if t.text in _SENTENCE_BREAK:
            return False
        if t.norm_ == to:
            return True
    return False


def _object_pronoun(doc: Doc, trig: Trigger) -> bool:
    """«استقبله»، «التقاها»: a verb carrying its object as a pronoun suffix."""
    last = doc[trig.end - 1]
    if getattr(last._, "clitic", "") == "suffix":
        return last.norm_ in ("ه", "ها", "هم", "هما")
    stem = last.norm_
    return len(stem) > 4 and (stem.endswith("اه") or stem.endswith("اها") or stem.endswith("له") or stem.endswith("لها"))


def _possessive(doc: Doc, trig: Trigger) -> bool:
    """«لقائه»، «زيارتها»: the trigger noun carries a singular possessive pronoun."""
    last = doc[trig.end - 1]
    return getattr(last._, "clitic", "") == "suffix" and last.norm_ in ("ه", "ها")


def _uncovered_words(doc: Doc, a: int, b: int) -> int:
    """Content words between token ``a`` and ``b`` that no gazetteer span (title, name) covers."""
    covered = set()
    for span in kb_spans(doc):
        if span.end > a and span.start < b:
            covered.update(range(span.start, span.end))
    return sum(1 for k in range(a, min(b, len(doc)))
               if k not in covered and getattr(doc[k]._, "clitic", "") == "" and not doc[k].is_punct and doc[k].norm_ not in _SKIP)


def _status(doc: Doc, trig: Trigger, cues: list[Cue], future_prefixes: set[str]) -> str:
    """asserted, or planned / negated / hypothetical when a cue scopes over the trigger.

    A cue before the trigger governs it within its window of words; a clause cue stops at a comma
    («إذا التقى X وY، فقد …»), a denial («نفى … أن يكون قد زار») covers its whole complement.  Cues
    after the trigger are time words («الأسبوع المقبل»، «غداً») that make an imperfect verb or a
    noun a plan, never a perfect verb («زار … الشهر الماضي»).
    """
    if _future_marked(doc, trig, future_prefixes):
        return "planned"
    for cue in cues:
        if cue.where == "before" and cue.end <= trig.start and _words_between(doc, cue.end, trig.start) < cue.window:
            if cue.imperfect_only and not _imperfect(doc, trig):
                continue
            if not _boundary_between(doc, cue.end, trig.start, cue.scope):
                return cue.status
    for cue in cues:
        if cue.where == "after" and cue.start >= trig.end and _words_between(doc, trig.end, cue.start) < cue.window:
            if cue.imperfect_only and trig.pos != "noun" and not _imperfect(doc, trig):
                continue
            if not _boundary_between(doc, trig.end, cue.start, cue.scope):
                return cue.status
    return "asserted"


def _invited_to(doc: Doc, trig: Trigger, s_trigs: list[Trigger]) -> bool:
    """The trigger is the object of an invitation in the same clause («دعوة … لزيارة موسكو»)."""
    return any(t.type == "invited" and t.end <= trig.start and _words_between(doc, t.end, trig.start) < 10
               and not _boundary_between(doc, t.end, trig.start) for t in s_trigs if t is not trig)


def _stem_index(doc: Doc, trig: Trigger) -> int:
    k = trig.start
    while k < trig.end - 1 and getattr(doc[k]._, "clitic", "") == "prefix":
        k += 1
    return k


def _imperfect(doc: Doc, trig: Trigger) -> bool:
    """An imperfect verb («يلتقي»، «تزور»، «سيصل») or a noun (its tense is its governing verb's)."""
    if trig.pos == "noun":
        return True
    return doc[_stem_index(doc, trig)].norm_[:1] in ("ي", "ت", "ن")


def _future_marked(doc: Doc, trig: Trigger, future_prefixes: set[str]) -> bool:
    """«سيلتقي»، «ستتوجه»: the future prefix on the trigger verb; for a noun trigger, on the light
    verb that governs it in the same clause («ستُعقد قمة»، «سيجري اتصالاً هاتفياً»، «سيبعث رسالة»)."""
    def prefixed(k: int) -> bool:
        return (getattr(doc[k]._, "clitic", "") == "prefix" and doc[k].text in future_prefixes
                and k + 1 < len(doc) and doc[k + 1].norm_[:1] in ("ي", "ت", "ن", "ا"))

    if any(prefixed(k) for k in range(max(trig.start - 1, 0), _stem_index(doc, trig))):
        return True
    if trig.pos != "noun":
        return False
    words = 0
    k = trig.start - 1
    while k >= 0 and words < 7:
        t = doc[k]
        if t.text in _CLAUSE_BREAK:
            return False
        if prefixed(k):
            return True
        if getattr(t._, "clitic", "") == "" and not t.is_punct:
            words += 1
        k -= 1
    return False


def _words_between(doc: Doc, a: int, b: int) -> int:
    """Words (tokens that are neither clitics nor punctuation) in ``doc[a:b]``."""
    if b <= a:
        return 0
    counts = _word_counts(doc)
    return counts[b] - counts[a]


def _word_counts(doc: Doc) -> list[int]:
    """Words before each token (a running count, read from the doc's arrays once per doc): the
    cues' windows ask for the words between every cue and every trigger."""
    counts = doc.user_data.get("kg_word_counts")
    if counts is None or len(counts) != len(doc) + 1:
        ud = doc.user_data
        idx, punct = doc.to_array([IDX, IS_PUNCT]).T.tolist() if len(doc) else ([], [])
        counts = [0]
        n = 0
        for i, p in zip(idx, punct):
            if not p and ud.get(clitic_key(i), "") == "":
                n += 1
            counts.append(n)
        doc.user_data["kg_word_counts"] = counts
    return counts


_CLAUSE_BREAK = ("،", ",", ";", "؛", ".", ":")
_PHRASE_BREAK = tuple(m for m in _CLAUSE_BREAK if m not in ("،", ","))
_SENTENCE_BREAK = (";", "؛", ".", "؟", "?", "!")


def _boundary_between(doc: Doc, a: int, b: int, scope: str = "clause") -> bool:
    """A break between tokens ``a`` and ``b``: of a sentence, of a clause, or (``phrase``) any clause
    break but a comma, which may set off a phrase inside the clause («بحث X مع Y، في اتصال هاتفي، …»)."""
    marks = {"sentence": _SENTENCE_BREAK, "phrase": _PHRASE_BREAK}.get(scope, _CLAUSE_BREAK)
    return any(doc[k].text in marks for k in range(a, b))


_FRONTED_RE = re.compile(r"[،,]\s*و\s*(?:في|فى)?\s*$")
_TEMPORAL_RE = re.compile(r"(?:^|\s)(?:بعد|قبل|عقب|إثر|اثر)\s")
_OCCASION_RE = re.compile(r"(?:بمناسبة|تهنئة|التهنئة|ذكرى|الذكرى|بعيد)[^.،؛\n]{0,20}$")


def _interval(text: str, d) -> bool:
    """«بعد عام من الزيارة»، «قبل أسبوعين من القمة»: a time between two events, not a date of either."""
    return d.text.startswith(("بعد", "قبل")) and text[d.end:d.end + 6].lstrip().startswith("من")


def _occasion(text: str, start: int) -> bool:
    """«برقية تهنئة بعام 2026»، «بمناسبة حلول العام الجديد 2026»: the date is what is celebrated."""
    return bool(_OCCASION_RE.search(text[max(0, start - 30):start]))


def _coarsen(value: str | None, width: int) -> str | None:
    """An ISO date cut to year (4) or month (7) precision; yearless and coarser values stay."""
    if value and value[:4].isdigit() and len(value) > width:
        return value[:width]
    return value


def _refine(value: str | None, chosen, candidates, ref, text: str = "") -> str | None:
    """«في أبريل/ نيسان عام 2019 قبل خمسة أعوام»: prefer a nearby date that says the same, more precisely,
    but not a date fronted into the next clause («في عام 2025 وحده، وفي حزيران منه، إلتقى …»)."""
    for o in candidates:
        if o is chosen or not o.value or abs(o.start - chosen.start) > 90:
            continue
        if text and _FRONTED_RE.search(text[max(0, o.start - 12):o.start]):
            continue
        v = _inherit(o.value, ref or value)
        if v and value and len(v) > len(value) and v.startswith(value):
            return v
    return value


def _reference_before(dates, pos: int) -> str | None:
    ref = None
    for d in dates:
        if d.start >= pos:
            break
        if d.value and d.value[:1].isdigit():
            ref = d.value
    return ref


def _inherit(value: str | None, ref: str | None) -> str | None:
    """Give a yearless date (--07-12, --09) the year of the reference date when there is one."""
    value = _calendar(value)
    if value and value.startswith("--") and ref and ref[:4].isdigit():
        return ref[:4] + "-" + value[2:]
    return value


_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


_COMMA_RE = re.compile(r"[،,؛;]")


def _anchored(d, ref: str | None) -> str | None:
    """A deictic date («اليوم»، «أمس الاثنين») counts from the dateline, so a yearless dateline leaves it
    yearless: the year of «يوليو 2023» two sentences up is not today's."""
    return _calendar(d.value) if d.kind == "relative" else _inherit(d.value, ref)


def _calendar(value: str | None) -> str | None:
    """Event dates are calendar dates: an ISO week («الأسبوع الماضي») becomes the month of its Monday."""
    if value:
        m = _WEEK_RE.match(value)
        if m:
            import datetime as _dt

            monday = _dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return f"{monday.year:04d}-{monday.month:02d}"
    return value


def _current_month(text: str, dates) -> str | None:
    """«14 أيلول/سبتمبر الحالي»: a document with no date still tells its month."""
    for d in dates:
        if d.value and (_CURRENT_RE.match(text[d.end:d.end + 24]) or _CURRENT_IN_RE.search(d.text)):
            v = d.value
            return v[:7] if v[:1].isdigit() else v[:4]
    return None


_SENTENCE_END = (".", "؟", "?", "!", "؛", ":", "»", "\"", "”")


def _is_headline(text: str, start: int, end: int, body_started: bool) -> bool:
    """A short line without final punctuation before the body starts: a headline or a kicker."""
    if body_started:
        return False
    s = text[start:end].strip()
    return bool(s) and not s.endswith(_SENTENCE_END) and len(s.split()) <= 16


def _fold_headlines(events: list[Event], doc_date: str | None) -> list[Event]:
    """A headline restates the story: its event joins the first body event with the same
    participants, whatever the dates; only when the body has none does it stand alone."""
    body = [e for e in events if e.date_source != "headline"]
    out = list(body)
    for ev in events:
        if ev.date_source != "headline":
            continue
        twin = next((b for b in body if b.type == ev.type and set(b.agents) == set(ev.agents) and set(b.targets) == set(ev.targets) and b.status == ev.status), None)
        if twin is not None:
            twin.evidence = ev.evidence + twin.evidence
        else:
            ev.date, ev.date_source = doc_date, "document"
            out.append(ev)
    return out


def _compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


def _key(ev: Event) -> tuple:
    return (ev.type, frozenset(ev.agents) if ev.type == "met" else tuple(ev.agents), frozenset(ev.targets), ev.status)


_ONE_VISIT_DAYS = 3


def _after(date: str | None, doc_date: str | None) -> bool:
    """``date`` is a day after the document's own day (both at day precision)."""
    return bool(date and doc_date and len(date) == len(doc_date) == 10 and date > doc_date)


def _later_period(date: str | None, doc_date: str | None) -> bool:
    """``date`` (a month or a year) is a period after the document's («في تشرين الأول المقبل» in September)."""
    return bool(date and doc_date and len(date) in (4, 7) and len(doc_date) == 10 and date > doc_date[:len(date)])


def _days_apart(a: str | None, b: str | None) -> int:
    """Days between two day-precision ISO dates (0 for the same date at any precision, «في آذار» twice; a
    large number when either is not a day)."""
    if a and a == b:
        return 0
    if a and b and len(a) == len(b) == 7 and a.startswith("--") and b.startswith("--"):
        a, b = "2000" + a[1:], "2000" + b[1:]  # a yearless dateline: «--12-08» and «--12-09» (a leap year holds 29 Feb)
    try:
        return abs((_dt.date.fromisoformat(a) - _dt.date.fromisoformat(b)).days) if a and b and len(a) == len(b) == 10 else 10**6
    except ValueError:
        return 10**6


def _within(a: str | None, b: str | None) -> bool:
    """One date is a coarser form of the other («2025-06» and «2025-06-15»)."""
    return bool(a and b and a != b and (a.startswith(b) or b.startswith(a)))


def merge_document_events(events: list[Event], *, within_document: bool = True) -> list[Event]:
    """One event per real event: same type, participants, status and compatible dates/places.

    Within a document, an event whose only date is the document's (no date in its sentence or
    paragraph) is a further mention of the latest event with the same participants.
    """
    merged: list[Event] = []
    by_key: dict[tuple, list[Event]] = {}  # merged events with that key, in merged order (keys never change)
    for ev in events:
        key = _key(ev)
        same = by_key.setdefault(key, [])
        if within_document and ev.date_source == "document":
            twin = same[-1] if same else None
            if twin is not None:
                twin.evidence.extend(ev.evidence)
                twin.place = twin.place or ev.place
                continue
        for other in same:
            # within one article a reception and the talks that follow in another hall are one meeting
            places_fit = within_document or not other.place or not ev.place or other.place == ev.place
            if _compatible(other.date, ev.date) and places_fit:
                # a visit takes the more precise date of the two: «في إطار زيارة الدولة» (this month) and «وصل
                # مساء أمس» (the arrival's day); a meeting keeps its first («قمة حزيران» before the day it names)
                upgrade = ev.type == "visited" and _within(other.date, ev.date)
                other.date = max(other.date, ev.date, key=len) if upgrade else other.date or ev.date
                other.place = other.place or ev.place
                other.evidence.extend(ev.evidence)
                other.confidence = max(other.confidence, ev.confidence)
                break
        else:
            merged.append(ev)
            same.append(ev)
    # a stay of a few days is one visit («وصل مساء أمس» and «بمناسبة زيارته» of today)
    return _merge_stays(merged) if within_document else merged


def _merge_stays(events: list[Event]) -> list[Event]:
    """«وصل إلى موسكو أمس» and «بمناسبة زيارته إلى روسيا» today: one stay, whose destinations are a
    subset of the other's, a few days apart, is one visit (dated by the arrival)."""
    out: list[Event] = []
    for ev in events:
        host = None
        if ev.type == "visited":
            host = next((o for o in out if o.type == "visited" and o.status == ev.status and o.agents == ev.agents
                         and (set(ev.targets) <= set(o.targets) or set(o.targets) <= set(ev.targets))
                         and (_days_apart(o.date, ev.date) <= _ONE_VISIT_DAYS or _within(o.date, ev.date))), None)
        if host is None:
            out.append(ev)
            continue
        if len(ev.targets) > len(host.targets):
            host.targets = list(ev.targets)
        if _within(host.date, ev.date):
            host.date = max(host.date, ev.date, key=len)  # «الزيارة التي يقوم بها» (the month) is the arrival's day
        else:
            host.date = min(host.date, ev.date)
        host.place = host.place or ev.place
        host.evidence.extend(ev.evidence)
        host.confidence = max(host.confidence, ev.confidence)
    return out
