"""Relation rules, one construction per test (mini KB, rules only)."""

import pytest

from tests.relations.conftest import mentions


def _events(text, nlp, date=None):
    a = mentions(nlp, text, date)
    return [(e.type, sorted(e.agents) if e.type == "met" else e.agents, e.targets, e.status, e.date) for e in a.events]


@pytest.mark.parametrize("text, expected", [
    # VSO with ب
    ("التقى الرئيس الروسي فلاديمير بوتين بالرئيس الصيني شي جين بينغ في 21 آذار 2023.",
     [("met", ["vladimir-putin", "xi-jinping"], [], "asserted", "2023-03-21")]),
    # استقبل X Y
    ("استقبل فلاديمير بوتين سيرغي لافروف يوم 5 أيار 2024.",
     [("met", ["sergey-lavrov", "vladimir-putin"], [], "asserted", "2024-05-05")]),
    # SVO
    ("فلاديمير بوتين التقى شي جين بينغ عام 2019.",
     [("met", ["vladimir-putin", "xi-jinping"], [], "asserted", "2019")]),
    # noun trigger with بين … و
    ("جرت محادثات بين فلاديمير بوتين وشي جين بينغ في تموز 2024.",
     [("met", ["vladimir-putin", "xi-jinping"], [], "asserted", "2024-07")]),
])
def test_extract_meetings(mini_nlp, text, expected):
    assert _events(text, mini_nlp) == expected


def test_extract_subject_meets_each_listed_person(mini_nlp):
    ev = _events("التقى كيم جونغ أون بسيرغي لافروف وسيرغي شويغو في 2025.", mini_nlp)
    assert sorted(e[1] for e in ev) == [["kim-jong-un", "sergei-shoigu"], ["kim-jong-un", "sergey-lavrov"]]


def test_extract_visit_city_also_visits_its_state(mini_nlp):
    ev = _events("زار شي جين بينغ موسكو في 20 آذار 2023.", mini_nlp)
    assert ev == [("visited", ["xi-jinping"], ["moscow", "russia"], "asserted", "2023-03-20")]


def test_extract_relative_clause_visitor(mini_nlp):
    ev = _events("التقى كيم جونغ أون بسيرغي لافروف الذي زار كوريا الشمالية في تموز 2025.", mini_nlp)
    assert ("visited", ["sergey-lavrov"], ["north-korea"], "asserted", "2025-07") in ev


@pytest.mark.parametrize("text, status", [
    ("سيزور فلاديمير بوتين الصين الشهر المقبل.", "planned"),
    ("من المقرر أن يزور فلاديمير بوتين الصين.", "planned"),
    ("لم يلتق فلاديمير بوتين شي جين بينغ.", "negated"),
    ("قد يلتقي فلاديمير بوتين شي جين بينغ.", "hypothetical"),
    ("دعا كيم جونغ أون فلاديمير بوتين إلى زيارة كوريا الشمالية.", "hypothetical"),
])
def test_extract_modality_blocks_assertion(mini_nlp, text, status):
    evs = [e for e in _events(text, mini_nlp) if e[0] in ("met", "visited")]
    assert evs and all(e[3] == status for e in evs)


def test_extract_signing_with_quoted_agreement(mini_nlp):
    a = mentions(mini_nlp, 'وقع كيم جونغ أون وفلاديمير بوتين على "معاهدة الشراكة الاستراتيجية الشاملة" يوم 19 حزيران 2024.')
    (ev,) = [e for e in a.events if e.type == "signed"]
    assert sorted(ev.agents) == ["kim-jong-un", "vladimir-putin"] and ev.date == "2024-06-19"
    agreement = [m for m in a.mentions if m.type == "AGREEMENT"][0]
    assert agreement.text == "معاهدة الشراكة الاستراتيجية الشاملة" and ev.targets == agreement.entity_ids


@pytest.mark.parametrize("text, name", [
    # a long title is cut at a word boundary, never inside «لنهر النيل»
    ("وقع الوزيران على بروتوكول للتعاون في مجال إدارة الموارد المائية وتبادل البيانات الهيدرولوجية لنهر النيل "
     "ومراقبة السدود والخزانات والأنهار والبحيرات في البلدين.",
     "بروتوكول للتعاون في مجال إدارة الموارد المائية وتبادل البيانات الهيدرولوجية لنهر النيل ومراقبة السدود والخزانات والأنهار"),
    # a quoted name inside the title
    ('وقع الجانبان اتفاقية تتعلق بتسيير المعبر "الشهيد مصطفى بن بولعيد" وتنقل الأشخاص.',
     'اتفاقية تتعلق بتسيير المعبر "الشهيد مصطفى بن بولعيد" وتنقل الأشخاص'),
    # the parties belong to the title …
    ("وقع الجانبان اتفاقية السلام بين فيتنام ولاوس أمس.", "اتفاقية السلام بين فيتنام ولاوس"),
    # … as names: «و» + anything else is the sentence's
    ("ووقّع الرئيسان معاهدة الصداقة بين روسيا والصين وتوسيع التعاون في آسيا.", "معاهدة الصداقة بين روسيا والصين"),
    ("ووقع الطرفان مذكرة تفاهم للتعاون بين الحزبين.", "مذكرة تفاهم للتعاون بين الحزبين"),
    # … but not after its field, and a time never does
    ("وقع الوزيران مذكرة تفاهم للتعاون في مجال الطاقة بين حكومتي البلدين.", "مذكرة تفاهم للتعاون في مجال الطاقة"),
    ("وقع الوزيران مذكرة تفاهم للتعاون الثقافي بين 12 و14 مايو.", "مذكرة تفاهم للتعاون الثقافي"),
    # «على»/«إلى» inside a name, the occasion or a new object after it
    ("وقع الوزيران اتفاقية لتجنب الازدواج الضريبي على الدخل على هامش القمة.", "اتفاقية لتجنب الازدواج الضريبي على الدخل"),
    ("ووقع الجانبان مذكرة تفاهم للتعاون الثقافي وعلى عشر اتفاقيات أخرى.", "مذكرة تفاهم للتعاون الثقافي"),
    # a definite ordinal and the years of a period belong to the name
    ("ووقّع الوزيران محضر الاجتماع الثالث للجنة المشتركة.", "محضر الاجتماع الثالث للجنة المشتركة"),
    ("ووقع الحزبان مذكرة تعاون للفترة 2025-2029.", "مذكرة تعاون للفترة 2025-2029"),
])
def test_agreement_names(mini_nlp, text, name):
    a = mentions(mini_nlp, text)
    assert [m.text for m in a.mentions if m.type == "AGREEMENT"] == [name]


@pytest.mark.parametrize("text", [
    "قال فلاديمير بوتين إن العلاقات مع الصين قوية.",
    "أكد شي جين بينغ أهمية التعاون بين البلدين.",
    "حضر جلسة اللقاء سيرغي لافروف.",
])
def test_extract_no_event(mini_nlp, text):
    assert [e for e in _events(text, mini_nlp) if e[0] in ("met", "visited", "signed")] == []


def test_extract_year_inherited_from_earlier_date(mini_nlp):
    text = "زار سيرغي شويغو كوريا الشمالية في حزيران 2025. وفي تموز، التقى كيم جونغ أون بسيرغي لافروف."
    ev = _events(text, mini_nlp)
    assert ("met", ["kim-jong-un", "sergey-lavrov"], [], "asserted", "2025-07") in ev


def test_extract_phone_call_is_not_a_meeting(mini_nlp):
    ev = _events("أجرى فلاديمير بوتين اتصالا هاتفيا مع شي جين بينغ.", mini_nlp)
    assert [e[0] for e in ev] == ["phone_call"]


def test_extract_evidence_points_at_sentence(mini_nlp):
    text = "مقدمة. التقى فلاديمير بوتين بشي جين بينغ."
    a = mentions(mini_nlp, text)
    (ev,) = a.events
    e = ev.evidence[0]
    assert text[e.start:e.end] == e.sentence == "التقى فلاديمير بوتين بشي جين بينغ."


def test_facility_visit_is_in_the_city_of_the_dateline(mini_nlp):
    """An airport the KB cannot place is in the dateline's city."""
    text = "موسكو 12 تموز 2025 - وصل كيم جونغ أون إلى مطار فنوكوفو الدولي صباح اليوم."
    visits = [e for e in _events(text, mini_nlp) if e[0] == "visited"]
    assert visits and visits[0][2] == ["moscow", "russia"]


def test_arrival_and_stay_are_one_visit(mini_nlp):
    text = ("وصل كيم جونغ أون إلى موسكو مساء أمس في زيارة رسمية. "
            "واستقبل فلاديمير بوتين اليوم كيم جونغ أون بمناسبة زيارته إلى روسيا.")
    visits = [e for e in _events(text, mini_nlp, "2024-06-19") if e[0] == "visited"]
    assert [v[4] for v in visits if "russia" in v[2]] == ["2024-06-18"], visits


def test_a_pinpointed_city_is_a_destination_too(mini_nlp):
    # «زار روسيا، وتحديداً مدينة فلاديفوستوك»: the city the «تحديداً» phrase names, then the state
    ev = _events("زار كيم جونغ أون روسيا أيضاً، وتحديداً مدينة فلاديفوستوك، في نيسان 2019.", mini_nlp)
    assert ev == [("visited", ["kim-jong-un"], ["vladivostok", "russia"], "asserted", "2019-04")]


def test_arrival_and_stay_are_one_visit_under_a_yearless_dateline(mini_nlp):
    text = ("وصل كيم جونغ أون إلى موسكو مساء أمس في زيارة رسمية. "
            "واستقبل فلاديمير بوتين اليوم كيم جونغ أون بمناسبة زيارته إلى روسيا.")
    visits = [e for e in _events(text, mini_nlp, "--06-19") if e[0] == "visited"]
    assert [v[4] for v in visits if "russia" in v[2]] == ["--06-18"], visits


def test_words_between_counts_words_not_clitics_or_punctuation(mini_nlp):
    from kg.relations.extract import _words_between

    doc = mini_nlp.make_doc("وقال الرئيس، بعد لقائه بالوفد: «سنزور القاهرة».")
    naive = [[sum(1 for k in range(a, b) if doc[k]._.clitic == "" and not doc[k].is_punct) for b in range(len(doc) + 1)]
             for a in range(len(doc) + 1)]
    assert any(doc[k]._.clitic for k in range(len(doc))) and any(t.is_punct for t in doc)
    assert [[_words_between(doc, a, b) for b in range(len(doc) + 1)] for a in range(len(doc) + 1)] == naive


def test_arrival_at_an_airport_named_after_a_city_visits_the_city(mini_nlp):
    ev = _events("وصل شي جين بينغ إلى مطار موسكو الدولي في 20 آذار 2023.", mini_nlp)
    assert ev == [("visited", ["xi-jinping"], ["moscow", "russia"], "asserted", "2023-03-20")]


def test_a_deictic_date_keeps_a_yearless_dateline_yearless(mini_nlp):
    # «اليوم» counts from the dateline (no year); the year of an earlier past event is not today's
    text = ("موسكو - 23 - 9 -- قال البيان إن العلاقات تعززت منذ قمة آذار 2023.\n\n"
            "وفي وقت لاحق اليوم التقى فلاديمير بوتين شي جين بينغ.")
    ev = _events(text, mini_nlp, "--09-23")
    assert ("met", ["vladimir-putin", "xi-jinping"], [], "asserted", "--09-23") in ev
