"""Agreements as entities: «المعاهدة حول علاقات الشراكة …», «اتفاقية التعاون الاقتصادي …».

An agreement is named by a head noun (معاهدة، اتفاقية، مذكرة تفاهم …, from the references
lexicon) and the noun phrase that follows it, up to punctuation, a closing quote or a clause
word.  A quoted title is taken whole.  A weak head («اتفاق»، «محضر»، «إعلان») names an agreement
when it is quoted or when a signing governs it («بتوقيع الوزيرين على اتفاق إطاري …»، «ووقّعا محضر
الاجتماع»).  Within a document, definite mentions with the same head
(«المعاهدة …») are one agreement: the first full name wins.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.entities.gazetteer import kb_spans
from kg.entities.linker import display_text, mint_id
from kg.entities.model import Mention
from kg.lexicons import event_verbs, trigger_words
from kg.text.normalize import normalize

STRONG_HEADS = {normalize(w) for w in ("معاهدة", "اتفاقية", "مذكرة تفاهم", "مذكرة تعاون", "بروتوكول", "ميثاق",
                                        "برنامج تنفيذي", "خطة عمل")}
_STOP_WORDS = {normalize(w) for w in ("في", "فى", "التي", "الذي", "يوم", "خلال", "وذلك", "مع", "بعد", "قبل", "أمس", "اليوم", "كما", "حيث", "عام", "أن", "إن", "على", "لكن", "بحضور", "بين", "إلى")}
_PERIOD_WORDS = {normalize(w) for w in ("فترة", "الفترة", "عام", "عامي", "أعوام", "سنة", "سنوات")}
# «على» and «إلى» go on inside a name («الضرائب على الدخل»، «على مستوى رئيسي الوزراء»، «من وادي حلفا إلى
# أسوان») unless the occasion or a clause follows («على هامش القمة»، «على أن»، «إلى اجتماعات اللجنة»)
_ON_TO = {normalize(w) for w in ("على", "إلى")}
_OCCASION_AFTER = {normalize(w) for w in ("هامش", "رأس", "أن", "ان", "اجتماعات", "اجتماع", "حين", "وقت", "مدى", "حد", "ضرورة",
                                           "أهمية", "الاتفاق", "توقيع", "التوقيع")}
# «في» ends a name unless it opens its field: «مذكرة تفاهم للتعاون في مجال الطاقة»
_FIELD_WORDS = {normalize(w) for w in ("مجال", "مجالي", "مجالات", "ميدان", "ميادين", "قطاع", "قطاعات")}
_QUOTES_OPEN = "\"“«'"
_QUOTES_CLOSE = "\"”»'"
MAX_WORDS = 16  # words after which a title is cut (at a word boundary)
# verbal nouns that continue a sentence after an agreement's parties, never a party's name
_ACTION_NOUNS = {normalize(w) for w in ("توسيع", "تعزيز", "تطوير", "تفعيل", "تنفيذ", "بحث", "مناقشة", "دعم", "تعميق", "متابعة",
                                         "تنسيق", "تبادل", "توطيد", "استعراض")}
_GENERIC_PARTIES = {normalize(w) for w in ("بلدين", "البلدين", "دولتين", "الدولتين", "جانبين", "الجانبين", "طرفين", "الطرفين",
                                            "حكومتين", "الحكومتين", "وزارة", "الوزارة", "وزارتين", "الوزارتين")}
# a participle of signing qualifies the name, it is not part of it: «الاتفاقية … الموقعة بين البلدين في نوفمبر»
_SIGNED_PARTICIPLES = {normalize(w) for w in ("الموقعة", "الموقع", "الموقعتين", "الموقعين", "المبرمة", "المبرم", "الموقّعة", "الموقّع")}
_PLURAL_HEADS = {normalize(w) for w in ("اتفاقيات", "اتفاقات", "محاضر", "مذكرات", "وثائق", "صفقات")}
_MINUTES_HEADS = {normalize(w) for w in ("محضر",)}
_SIGNING_REACH = 12  # tokens before a weak head in which a signing word makes it an agreement
_DASHES = {"-", "–", "—"}
_SENTENCE_END = {".", "!", "?", "؟", "؛", "…"}


_CONTEXT_NOUNS = {normalize(w) for w in ("ختام", "إطار", "أعقاب", "حضور", "مقر", "قصر", "العاصمة", "مدينة", "حفل", "مراسم",
                                          "نهاية", "بداية", "أثناء", "ظل", "يوم", "شهر", "عام", "الشهر", "العام", "اليوم",
                                          "وقت", "الوقت", "حين", "سياق", "جلسة", "اجتماع", "لقاء", "زيارة", "قمة", "منتدى",
                                          "محافظة", "منطقة", "ولاية", "إقليم", "مقاطعة", "جزيرة")}


def _opens_field(doc: Doc, k: int) -> bool:
    """After «في»: the agreement's field («في مجال الطاقة»، «في نقل الغاز») continues the name; a
    place, a time or the occasion («في الرياض»، «في ختام الزيارة»، «في 12 مايو») ends it."""
    k = _after_article(doc, k)
    if k >= len(doc):
        return False
    tok = doc[k]
    if tok.norm_ in _FIELD_WORDS:
        return True
    if tok.is_punct or _is_number(tok) or getattr(tok._, "clitic", "") or tok.norm_ in _CONTEXT_NOUNS or tok.norm_ in _STOP_WORDS:
        return False
    return not _in_kb_span(doc, k, ("label", "alias", "nisba", "short"))  # a named place, state or person


def find_agreements(doc: Doc, *, min_words: int = 2) -> list[Mention]:
    """Agreement mentions; strong heads need ``min_words`` words after the head, weak ones are kept
    only when the relation stage asks (``strong_only=False`` through :func:`agreement_at`)."""
    out: list[Mention] = []
    covered = -1
    for span in kb_spans(doc):  # sorted by start, longest first
        if span.label_ != "agreement_head" or span.start < covered:
            continue
        covered = span.end
        head = normalize(span.text).removeprefix("ال")
        quoted = span.start > 0 and doc[span.start - 1].text[-1:] in _QUOTES_OPEN
        strong = quoted or any(head == h or head == h.removeprefix("ال") for h in STRONG_HEADS)
        if not strong and (head.split()[0] in _PLURAL_HEADS or not _signing_before(doc, span.start)):
            continue  # a weak head («إعلان»، «اتفاق») that nobody signs, or several agreements, is not a name
        m = agreement_at(doc, span.start, span.end)
        # «اتفاق عسكري» is a description, «اتفاق إطاري للتعاون في …» a name; «محضر الاجتماع» is the minutes;
        # «إعلان أثينا»، «اتفاق الرياض»: a head and a place is the classic name of a declaration
        need = min_words if strong else (1 if head in _MINUTES_HEADS or _place_after(doc, span.end) else 2)
        if m and len(normalize(m.text).split()) >= 1 + need:
            out.append(m)
    return _corefer(out)


def _after_article(doc: Doc, k: int) -> int:
    """The first token from ``k`` on that is not a split article («ال» of «المجال»)."""
    while k < len(doc) and getattr(doc[k]._, "clitic", "") == "article":
        k += 1
    return k


def _in_kb_span(doc: Doc, k: int, labels: tuple[str, ...]) -> bool:
    """Token ``k`` lies inside a gazetteer match of one of ``labels``."""
    return any(span.start <= k < span.end and span.label_ in labels for span in kb_spans(doc))


def _place_after(doc: Doc, k: int) -> bool:
    """A KB place or state name starts at token ``k`` (after its article)."""
    k = _after_article(doc, k)
    return _in_kb_span(doc, k, ("label", "alias"))


def _continues_after(doc: Doc, k: int) -> bool:
    """After «على»/«إلى»: a plain noun continues the name; the occasion, a clause, a number or a name
    (a place: «وقّعاها على … في الرياض»، a person) ends it."""
    k = _after_article(doc, k)
    if k >= len(doc):
        return False
    tok = doc[k]
    if tok.is_punct or _is_number(tok) or tok.norm_ in _OCCASION_AFTER or tok.norm_ in _STOP_WORDS or tok.norm_ in _CONTEXT_NOUNS:
        return False
    return not _in_kb_span(doc, k, ("label", "alias", "role", "honorific"))


def _is_number(tok) -> bool:
    """A number (digits or a number word) that ends a name — not a definite ordinal («الاجتماع الأول»،
    «الدورة الثامنة عشرة»: spaCy's ``like_num`` takes those too) and not the years of a period the name
    covers («… للفترة 2025-2029»)."""
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    if any(c.isdigit() for c in tok.text):
        return prev is None or prev.norm_ not in _PERIOD_WORDS
    definite = prev is not None and getattr(prev._, "clitic", "") == "article"
    return bool(tok.like_num) and not definite


def _signing_before(doc: Doc, k: int) -> bool:
    """A signing word («وقّع»، «توقيع»، «أبرما») shortly before token ``k`` in the same sentence."""
    words = trigger_words("signed")
    for j in range(k - 1, max(-1, k - 1 - _SIGNING_REACH), -1):
        tok = doc[j]
        if tok.text in _SENTENCE_END or "\n" in tok.whitespace_:
            return False
        if tok.norm_ in words:
            return True
    return False


def agreement_at(doc: Doc, head_start: int, head_end: int) -> Mention | None:
    """The agreement noun phrase starting at the head token ``head_start``."""
    start_tok = head_start
    # a quoted title: take everything up to the closing quote
    before = doc[head_start - 1] if head_start > 0 else None
    if before is not None and before.text and before.text[-1] in _QUOTES_OPEN:
        for k in range(head_start, min(len(doc), head_start + 60)):
            if doc[k].text and doc[k].text[0] in _QUOTES_CLOSE and k > head_start:
                return _mention(doc, start_tok, k)
    end = head_end
    words = 1
    has_field = False
    in_parties = False
    while end < len(doc):
        tok = doc[end]
        if doc[end - 1].whitespace_:
            words += 1
            if words > MAX_WORDS:
                break
        if tok.text and tok.text[0] in _QUOTES_OPEN and doc[end - 1].whitespace_:
            close = _closing_quote(doc, end)
            if close is None:
                break
            end = close + 1  # a quoted name inside the title: «المعبر "الشهيد مصطفى بن بولعيد" وتنقل …»
            continue
        if tok.text in _DASHES and _dash_joins(doc, end):
            end += 1  # «منفذ البوكمال – القائم الحدودي»: a spaced dash between two names
            continue
        if tok.is_punct or tok.is_space or tok.text in _QUOTES_CLOSE or "\n" in doc[end - 1].whitespace_:
            break  # a name never runs past punctuation or the end of a line (a headline)
        if (tok.norm_ in _ON_TO and getattr(tok._, "clitic", "") == "" and doc[end - 1].norm_ != "و"
                and _continues_after(doc, end + 1)):  # «… وعلى عشر اتفاقيات»: another object, not the name
            end += 1
            continue
        if tok.norm_ in _STOP_WORDS and getattr(tok._, "clitic", "") == "":
            field = tok.norm_ == "في" and _opens_field(doc, end + 1)
            # the parties close a title: «المعاهدة بين دولتي كوريا وروسيا»، «… للتعاون بين الحزبين»;
            # after a field («… في مجال الطاقة بين حكومة …») they are the signing's, not the name's
            parties = tok.norm_ == "بين" and not has_field and _names_parties(doc, end + 1)
            if not (field or parties):
                break
            has_field = has_field or field
            in_parties = in_parties or parties
        elif (in_parties and tok.norm_ == "و" and getattr(tok._, "clitic", "") == "prefix" and end + 1 < len(doc)
              and doc[end + 1].norm_ in _ACTION_NOUNS):
            break  # «… بين روسيا وإيران وتوسيع التعاون …»: «و» + an action noun goes on with the sentence
        if _is_number(tok) or (tok.norm_ in event_verbs("signed") and getattr(doc[end - 1]._, "clitic", "") != "prefix"):
            break  # «… والهيدروجين وقّعها عن الجانب الكويتي …»: a signing verb ends the title
        if _signed_participle(doc, end) or (end > head_end and _is_role(doc, end)):
            break  # «… الموقعة بين البلدين»، «وقّع محضرَ الدورة رئيسا الحكومتين»: the name has ended
        end += 1
    # never end inside a word («لنهر ال|نيل»)
    while end < len(doc) and end > head_end and not doc[end - 1].whitespace_ and _continues_word(doc[end]):
        end -= 1
    return _mention(doc, start_tok, end)


def _dash_joins(doc: Doc, k: int) -> bool:
    """The dash at ``k`` joins two words of one name: spaced on both sides, a word (not a number, a
    stop word or punctuation) after it, on the same line."""
    if k + 1 >= len(doc) or not doc[k - 1].whitespace_ or not doc[k].whitespace_ or "\n" in doc[k].whitespace_:
        return False
    nxt = doc[min(_after_article(doc, k + 1), len(doc) - 1)]  # «الشلامجة – البصرة»: the second name's article
    return not (nxt.is_punct or _is_number(nxt) or nxt.norm_ in _STOP_WORDS or getattr(nxt._, "clitic", ""))


def _continues_word(tok) -> bool:
    return not (tok.is_punct or tok.is_space or (tok.text and tok.text[0] in _QUOTES_OPEN + _QUOTES_CLOSE))


def _closing_quote(doc: Doc, k: int, max_tokens: int = 12) -> int | None:
    """The token closing the quote opened at ``k``, when it comes soon on the same line."""
    for j in range(k + 1, min(len(doc), k + max_tokens)):
        if "\n" in doc[j - 1].whitespace_:
            return None
        if doc[j].text and doc[j].text[0] in _QUOTES_CLOSE:
            return j
    return None


def _signed_participle(doc: Doc, k: int) -> bool:
    """Token ``k`` (with a split article before it) is «الموقعة»/«المبرمة»."""
    tok = doc[k]
    if getattr(tok._, "clitic", "") == "article" and k + 1 < len(doc):
        return "ال" + doc[k + 1].norm_ in _SIGNED_PARTICIPLES
    return tok.norm_ in _SIGNED_PARTICIPLES


def _is_role(doc: Doc, k: int) -> bool:
    """A role title starts at token ``k`` (not right after «بين», where the parties may be offices)."""
    return any(span.start == k and span.label_ == "role" for span in kb_spans(doc)) and doc[k - 1].norm_ != "بين"


def _names_parties(doc: Doc, k: int) -> bool:
    """After «بين»: a name or a noun («الحزبين»، «مجلس الشورى») continues the title; a time, a number
    («بين 12 و14 مايو») or just «the two countries / sides» («بين البلدين») does not."""
    k = _after_article(doc, k)
    if k >= len(doc):
        return False
    tok = doc[k]
    construct = k + 1 < len(doc) and getattr(doc[k + 1]._, "clitic", "") == "suffix"  # «وزارتي خارجية البلدين»
    return not (tok.is_punct or _is_number(tok) or tok.norm_ in _STOP_WORDS or tok.norm_ in _CONTEXT_NOUNS
                or (tok.norm_ in _GENERIC_PARTIES and not construct))


def _mention(doc: Doc, start: int, end: int) -> Mention | None:
    if end <= start:
        return None
    span = doc[start:end]
    text = span.text.strip()
    return Mention(span.start_char, span.start_char + len(text), display_text(span), [mint_id("AGREEMENT", display_text(span))], "AGREEMENT", "agreement", 0.7)


def _corefer(mentions: list[Mention]) -> list[Mention]:
    """Definite mentions sharing a head word within one document denote one agreement."""
    first_by_head: dict[str, str] = {}
    for m in mentions:
        head = normalize(m.text).split()[0]
        if head.startswith("ال") and head in first_by_head:
            m.entity_ids = [first_by_head[head]]
            m.method = "agreement-coref"
        else:
            first_by_head.setdefault(head, m.entity_id)
    return mentions
