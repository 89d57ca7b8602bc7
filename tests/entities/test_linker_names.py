"""Linking on the packaged KB: Arab name chains, homographs, titles the document itself defines,
and how far a transliteration variant may drift."""

import pytest

from tests.entities.conftest import mentions


@pytest.fixture(scope="module")
def nlp():
    from kg.pipeline import load_pipeline

    return load_pipeline()


def _people(a):
    return [(m.text, m.entity_ids[0]) for m in a.mentions if m.type == "PERSON"]


def test_nasab_chain_is_one_mention_of_the_known_person(nlp):
    a = mentions(nlp, "استقبل ولي العهد الأمير محمد بن سلمان بن عبدالعزيز آل سعود الضيف.")
    (text, eid), = _people(a)
    assert eid == "mohammed-bin-salman" and text.endswith("بن عبدالعزيز آل سعود")


def test_father_name_inside_another_persons_name_is_not_the_father(nlp):
    a = mentions(nlp, "وقّعها الأمير عبدالعزيز بن سلمان بن عبدالعزيز وزير الطاقة.")
    ids = [e for _, e in _people(a)]
    assert "salman-of-saudi-arabia" not in ids
    assert any(t.startswith("عبدالعزيز بن سلمان") for t, _ in _people(a))


def test_statistical_ibn_after_a_known_name_is_absorbed(nlp):
    a = mentions(nlp, "استقبل الرئيس السيسي الملك عبد الله الثاني ابن الحسين.")
    assert [e for _, e in _people(a)] == ["abdel-fattah-el-sisi", "abdullah-ii"]


@pytest.mark.parametrize("text, expected", [
    ("دعا الملك الضيف إلى زيارة عمّان.", "amman"),          # the shadda decides
    ("وصل الوزير إلى عمان في زيارة إلى الأردن.", "amman"),   # Jordan named elsewhere
    ("وصل الوزير العماني إلى عمان.", "oman"),               # an Omani nisba
])
def test_oman_amman_homograph(nlp, text, expected):
    a = mentions(nlp, text)
    found = [m.entity_ids[0] for m in a.mentions if m.text.replace("ّ", "") == "عمان"]
    assert found == [expected]


def test_bare_title_goes_to_the_person_the_document_gave_that_office(nlp):
    a = mentions(nlp, "استقبل الرئيس لي جيه ميونغ وزير الخارجية الياباني توشيميتسو موتيغي. وكان الوزير الياباني قد وصل إلى سيول أمس.",
                 date="2025-12-11")
    titles = [m.entity_ids[0] for m in a.mentions if m.method == "title"]
    assert titles == ["toshimitsu-motegi"]


@pytest.mark.parametrize("text, must, must_not", [
    ("حضر اللقاء تشاو مينغ هوا مساعد الوزير.", None, "choe-ryong-hae"),  # MNG is not RNG
    ("التقى كيم يونج أون الضيف.", "kim-jong-un", None),
])
def test_transliteration_tolerance(nlp, text, must, must_not):
    ids = {e for m in mentions(nlp, text).mentions for e in m.entity_ids}
    if must:
        assert must in ids
    if must_not:
        assert must_not not in ids


@pytest.mark.parametrize("text, name", [
    ("وكان في استقباله في مطار رفيق الحريري الدولي رئيس الحكومة.", "مطار رفيق الحريري الدولي"),  # not the person, not the title
    ("استقبل الأمير اليوم في قصر الشاطئ بأبوظبي الوزير.", "قصر الشاطئ"),                      # stops at the clitic
    ("استقبل الملك الرئيس بالقصر الملكي بالدار البيضاء.", "القصر الملكي"),                    # keeps its article
])
def test_named_facilities_are_places(nlp, text, name):
    a = mentions(nlp, text)
    assert [m.text for m in a.mentions if m.method == "facility"] == [name]
    assert not [m for m in a.mentions if m.type == "PERSON" and m.start >= text.index(name) and m.end <= text.index(name) + len(name)]


def test_an_airport_named_after_its_city_is_a_place_and_keeps_the_city(nlp):
    a = mentions(nlp, "وصل الوزير إلى مطار دمشق الدولي.")
    assert [m.text for m in a.mentions if m.method == "facility"] == ["مطار دمشق الدولي"]
    assert "syria" in {e for m in a.mentions for e in m.entity_ids}  # the arrival still reaches the city
    a = mentions(nlp, "وصل الوزير إلى مطار دمشق.")
    assert not [m for m in a.mentions if m.method == "facility"]  # only «… الدولي» closes an airport's name


def test_name_cut_after_its_connector_is_completed(nlp):
    a = mentions(nlp, "وقّعها عن الجانب الموريتاني وزير الصيد السيد سيدي أحمد ولد بوه.")
    assert any(t.endswith("ولد بوه") for t, _ in _people(a))


def test_middle_names_and_a_later_surname_link_to_the_known_person(nlp):
    a = mentions(nlp, "استقبل الرئيس قيس سعيّد، اليوم الخميس بقصر قرطاج، رئيس المجلس الرئاسي الليبي محمد يونس المنفي "
                      "الذي يؤدي زيارة رسمية إلى تونس. ونفى المكتب أن يكون المنفي قد التقى أحداً.")
    linked = [(m.method, m.entity_ids[0]) for m in a.mentions if m.entity_ids[0] == "mohamed-al-menfi"]
    assert linked and all(e == "mohamed-al-menfi" for _, e in linked)
    assert ("surname", "mohamed-al-menfi") in linked or ("coref-name", "mohamed-al-menfi") in linked


def test_a_nisba_after_a_definite_noun_is_not_a_surname(nlp):
    a = mentions(nlp, "استقبل الملك رئيس الوزراء العراقي محمد شياع السوداني. وأكد الرئيس السوداني دعمه.")
    assert [m.entity_ids[0] for m in a.mentions if m.method == "surname"] == []


def test_a_common_word_surname_after_a_clause_verb(nlp):
    a = mentions(nlp, "استقبل الملك رئيس مجلس الوزراء العراقي محمد شياع السوداني. وكان السوداني قد وصل إلى عمّان مساء أمس.")
    assert [m.entity_ids[0] for m in a.mentions if m.method == "surname"] == ["mohammed-shia-al-sudani"]


def test_a_party_named_inside_a_title_is_a_mention(nlp):
    a = mentions(nlp, "التقى الرفيق تو لام الأمين العام للجنة المركزية للحزب الشيوعي الفيتنامي بالرئيس.")
    assert "communist-party-of-vietnam" in {e for m in a.mentions for e in m.entity_ids}


@pytest.mark.parametrize("text, expected", [
    ("ببرقية تهنئة", None),              # a message noun is no name
    ("يلتقِ عارف", "عارف"),               # nor is a verb the tagger took in
    ("وزار كريم الحداد", "كريم الحداد"),
    ("كريم الحداد", "كريم الحداد"),
])
def test_tagged_person_loses_the_event_words_at_its_edges(nlp, text, expected):
    from spacy.tokens import Span

    from kg.entities.linker import _without_event_words

    doc = nlp.make_doc(text)
    span = _without_event_words(doc, Span(doc, 0, len(doc)))
    assert (span.text if span is not None else None) == expected


def test_fuller_name_of_an_unknown_person_is_the_same_person(nlp):
    a = mentions(nlp, "وصل جاسم بن ناصر إلى الدوحة صباح اليوم. واستقبل الوزير جاسم بن ناصر آل مهنا في مكتبه الوفد.")
    ids = {e for t, e in _people(a) if t.startswith("جاسم")}
    assert len(ids) == 1, _people(a)


def test_rare_given_name_alone_is_the_person_named_before(nlp):
    a = mentions(nlp, "استقبل الرئيس تو لام الرئيس اللاوسي ثونغلون سيسوليث. وكان ثونغلون قد وصل مساء أمس.")
    assert [e for t, e in _people(a) if t == "ثونغلون"] == ["thongloun-sisoulith"]


def test_title_then_foreign_name_keeps_every_syllable(nlp):
    a = mentions(nlp, "وكان في استقباله نائبة الرئيس الفيتنامي فو ثي آن شوان.")
    assert any(t == "فو ثي آن شوان" for t, _ in _people(a)), _people(a)


def test_capital_by_nisba_is_the_capital(nlp):
    a = mentions(nlp, "زار الوزير العاصمة السورية أمس.")
    assert [(m.text, m.entity_ids[0]) for m in a.mentions if m.type == "PLACE"] == [("العاصمة السورية", "damascus")]


def test_surname_that_is_a_common_noun_is_the_person_not_a_building(nlp):
    a = mentions(nlp, "استقبل الوزير أيمن الصفدي نظيره الباكستاني محمد إسحاق دار. وعقد الصفدي ودار جلسة مباحثات "
                      "في دار رئاسة الوزراء، وكان دار قد وصل أمس.")
    dars = [(m.text, m.entity_ids[0], m.type) for m in a.mentions if m.text.endswith("دار") or m.text.startswith("دار")]
    assert ("دار", "ishaq-dar", "PERSON") in dars and all(t != "PLACE" or x.startswith("دار رئاسة") for x, _, t in dars), dars
    assert sum(1 for x, e, t in dars if e == "ishaq-dar") >= 3


def test_counterpart_holds_the_office_of_the_person_named_before(nlp):
    a = mentions(nlp, "استقبل وزير الخارجية عبدالله علي اليحيا وزير خارجية اليابان تاكيشي إيوايا "
                      "ورئيس وزراء اليابان شيغيرو إيشيبا. وعقد عبدالله علي اليحيا جلسة مباحثات مع نظيره الياباني.", "2025-05-13")
    assert [e for t, e in _people(a) if t == "نظيره الياباني"] == ["takeshi-iwaya"]


def test_guest_is_the_foreign_visitor_of_a_host_country_story(nlp):
    a = mentions(nlp, "الكويت 13 مايو 2025 - استقبل ولي العهد الشيخ صباح خالد الحمد الصباح وزير خارجية اليابان تاكيشي إيوايا. "
                      "كما استقبل رئيس مجلس الوزراء الشيخ أحمد عبدالله الأحمد الصباح الوزير الضيف.")
    assert [e for t, e in _people(a) if t == "الضيف"] == ["takeshi-iwaya"]


@pytest.mark.parametrize("a, b, same", [
    ("كيم جونغ أون", "كيم جون أون", True),       # one token misspelt: a variant
    ("جيرابيتريتيس", "غيرابيتريتيس", True),
    ("نزار بركة", "ناصر بوريطة", False),          # every token edited: another person
    ("العربي بن قادة", "فلاديمير بوتين", False),
])
def test_transliteration_variants_allow_one_misspelt_token(a, b, same):
    from kg.entities.translit import similar_names

    assert similar_names(a, b) is same


def test_short_form_starting_a_longer_name_is_not_that_person(nlp):
    a = mentions(nlp, "والتقى بركة سفير الصين بالرباط السيد وانغ جيان غو.")
    assert "wang-yi" not in [e for _, e in _people(a)]


def test_honorific_is_not_part_of_the_name_and_the_family_name_is(nlp):
    a = mentions(nlp, "استقبل سمو ولي العهد الشيخ صباح خالد الحمد المبارك الصباح في قصر بيان اليوم الضيف.")
    assert ("صباح خالد الحمد المبارك الصباح", "sabah-khalid-al-hamad") in _people(a), _people(a)


def test_royal_title_inside_a_facility_name(nlp):
    a = mentions(nlp, "وكان في استقباله في مطار الملكة علياء الدولي السفير ماهر الطراونة.")
    assert [m.text for m in a.mentions if m.type == "PLACE"] == ["مطار الملكة علياء الدولي"]
    assert all("علياء" not in t for t, _ in _people(a))


def test_title_of_another_country_after_a_name_is_not_its_apposition(nlp):
    a = mentions(nlp, "ووجّه وزير خارجية البحرين عبد اللطيف بن راشد الزياني الشكر. وسلّم الزياني رئيس الوزراء الماليزي "
                      "أنور إبراهيم رسالة خطية.", "2025-07-24")
    assert not any(p.get("person") == "abdullatif-al-zayani" and p.get("of") == "malaysia" for p in a.positions)


def test_headline_surname_before_the_full_name_is_the_known_person(nlp):
    """Headlines name people short («الصفدي يبحث …») before the body gives the full name: the
    short form is the KB person named later, not a second, unknown one."""
    a = mentions(nlp, "عبد العاطي يصل إلى الرباط\n\nوصل وزير الخارجية المصري بدر عبد العاطي إلى الرباط أمس.")
    people = {e for _, e in _people(a)}
    assert people == {"badr-abdelatty"}


def test_counterpart_is_the_office_holder_the_story_names(nlp):
    """«نظيره» after a foreign minister is the other state's foreign minister; when the KB does not
    know who that is, the story's own apposition says it."""
    a = mentions(nlp, "وحضر اللقاء وزير الخارجية الصومالي أحمد معلم فقي. وعقب اللقاء أجرى بدر عبد العاطي "
                      "ونظيره الصومالي جلسة مباحثات.", date="2025-07-14")
    counterpart = [m.entity_ids[0] for m in a.mentions if m.text == "نظيره الصومالي"]
    named = [p["person"] for p in a.positions if p["role"] == "foreign-minister" and p["of"] == "somalia"]
    assert named and counterpart == named


def test_compound_name_spellings_are_one_person(nlp):
    """«عبداللطيف» and «عبد اللطيف» are one name: the KB lists one spelling, the press writes both."""
    from kg.entities.kb import compound_spellings

    assert compound_spellings("عبد اللطيف رشيد") == ["عبداللطيف رشيد"]
    assert compound_spellings("عبدالله بن زايد") == ["عبد الله بن زايد"]
    assert compound_spellings("أبو ظبي") == ["أبوظبي"]
    assert compound_spellings("عبدو") == []
    a = mentions(nlp, "استقبل الرئيس العراقي عبداللطيف جمال رشيد الوفد.")
    assert "abdul-latif-rashid" in {e for _, e in _people(a)}


def test_a_verb_ends_a_title(nlp):
    """«رئيس الدولة يستقبل وزير الخارجية الهندي»: two titles, not one office «of India»."""
    a = mentions(nlp, "أبوظبي، 9 ديسمبر 2025 (وام)\n\nرئيس الدولة يستقبل وزير الخارجية الهندي سوبرامانيام جايشانكار.")
    titles = [m.text for m in a.mentions if m.method == "title"]
    assert all("يستقبل" not in t for t in titles)


def test_plural_office_picks_the_two_ministers_not_the_last_two_names(nlp):
    """«ووقّع الوزيران» after an attendance list: the ministers who met, not the ambassador and deputy."""
    a = mentions(nlp, "بحث وزير الخارجية الأردني أيمن الصفدي مع نظيره العراقي فؤاد حسين العلاقات. حضر اللقاء "
                      "السفير سامي الخطيب، ومدير الإدارة كريم الساعدي. ووقّع الوزيران مذكرة تفاهم للتعاون في مجال النقل.",
                 date="2025-05-01")
    plural = [m.entity_ids for m in a.mentions if m.method == "plural"]
    assert plural and set(plural[-1]) == {"ayman-safadi", "fuad-hussein"}


def test_a_title_after_a_title_is_another_person(nlp):
    """«وسلّم الوزير الأمريكي سمو الأمير رسالة»: two people, and the minister is not made an emir."""
    a = mentions(nlp, "الدوحة في 2 ديسمبر 2025 /قنا/ استقبل الشيخ تميم بن حمد آل ثاني أمير البلاد المفدى، اليوم، "
                      "السيد ماركو روبيو وزير الخارجية الأمريكي. وسلّم الوزير الأمريكي سمو الأمير رسالة خطية.")
    assert ("سمو الأمير", "tamim-bin-hamad") in _people(a)
    assert not any(p.get("person") == "marco-rubio" and p.get("role") in ("emir", "prince") for p in a.positions)


def test_a_title_word_before_bin_is_a_given_name(nlp):
    a = mentions(nlp, "كما اجتمع الدكتور سلطان بن سعد المريخي وزير الدولة للشؤون الخارجية مع السيد ويتكوف.")
    assert any(t.startswith("سلطان بن سعد") for t, _ in _people(a))


def test_surname_after_a_rank_is_the_person(nlp):
    """«المشير منير» after «المشير سيد عاصم منير»: a common word as surname counts when a rank names it."""
    a = mentions(nlp, "استقبل وزير الدفاع رئيس أركان الجيش الباكستاني المشير سيد عاصم منير. ونقل المشير منير "
                      "تحيات رئيس الوزراء.", date="2025-10-08")
    assert [e for t, e in _people(a) if t == "منير"] == ["asim-munir"]


def test_people_in_an_attendance_list_are_not_the_two_who_sign(nlp):
    """«حضر اللقاء X، وY. ووقّع الوزيران»: the two are the ministers, not the attendees named since."""
    a = mentions(nlp, "التقى وزير الخارجية الأردني أيمن الصفدي نظيره العراقي فؤاد حسين. وحضر اللقاء السفير "
                      "سامي الخطيب، ومدير الإدارة كريم الساعدي. ووقّع الجانبان مذكرة تفاهم للتعاون في مجال النقل.")
    plural = [m.entity_ids for m in a.mentions if m.method == "plural"]
    assert plural and set(plural[-1]) == {"ayman-safadi", "fuad-hussein"}


@pytest.mark.parametrize("text", [
    "وعقد الوزيران جلسة مباحثات في مقر وزارة الخارجية البريطانية بلندن.",
    "والتقى الوزير نظيره في مقر الوزارة بطوكيو.",
    "واستقبله رئيس الوزراء بمقر مجلس الوزراء.",
])
def test_the_seat_of_a_body_is_not_a_place_of_its_own(nlp, text):
    a = mentions(nlp, text)
    assert not [m for m in a.mentions if m.method == "facility"]
    assert not [m for m in a.mentions if m.text.startswith(("مقر", "بمقر"))]


def test_the_seat_of_a_party_is_still_a_place(nlp):
    a = mentions(nlp, "واستقبل الأمين العام الوفد في مقر الحزب المركزي.")
    assert [m.text for m in a.mentions if m.method == "facility"] == ["مقر الحزب المركزي"]


@pytest.mark.parametrize("text, name", [
    ("وتناول اللقاء الأمن البحري في بحر قزوين.", "بحر قزوين"),           # the head tagged on its own joins
    ("وزار الوزير جزيرة بوبيان.", "جزيرة بوبيان"),
    ("وأكد أهمية الاستقرار في منطقة الخليج.", "منطقة الخليج"),
    ("وبحثا التعاون في منطقة البحر المتوسط.", "البحر المتوسط"),         # a place with its own head and name
])
def test_geographic_head_nouns_are_part_of_the_place_name(nlp, text, name):
    a = mentions(nlp, text)
    assert [m.text for m in a.mentions if m.type == "PLACE"] == [name]


def test_a_name_after_a_province_head_is_no_person(nlp):
    a = mentions(nlp, "وزار الرئيس محافظة سيستان وبلوشستان.")
    assert not [m for m in a.mentions if m.type == "PERSON"]


def test_a_ministers_honorific_makes_a_bare_title_the_home_ministers(nlp):
    """«معالي السيد وزير الخارجية» in an Omani wire story is Oman's foreign minister; «معالي» never makes
    a head of state of «رئيس مجلس الشورى»."""
    a = mentions(nlp, "مسقط في 11 نوفمبر 2025 /العُمانية/ استقبل معالي السيد بدر البوسعيدي وزير الخارجية اليوم "
                      "السيد ماورو فييرا. وعقد معالي السيد وزير الخارجية ونظيره البرازيلي جلسة مباحثات.")
    assert ("وزير الخارجية", "badr-albusaidi") in _people(a)
    b = mentions(nlp, "الرياض 12 نوفمبر 2025 م واس\nالتقى معالي رئيس مجلس الشورى الشيخ عبدالله آل الشيخ السفير الصيني.")
    assert "salman-of-saudi-arabia" not in {e for _, e in _people(b)}


def test_the_delegation_is_the_head_the_story_gave_it(nlp):
    """«وفدا … برئاسة X» … «الوفد المغربي»: X, also when no KB or title says which state X is from."""
    a = mentions(nlp, "هانوي 3 مارس 2025 (وكالة الأنباء الفيتنامية) التقى تو لام اليوم في هانوي وفدا من حزب الاستقلال "
                      "المغربي برئاسة الأمين العام للحزب نزار بركة. وكان الوفد المغربي قد وصل إلى هانوي أمس.")
    head = next(e for t, e in _people(a) if t.startswith("نزار"))
    assert ("الوفد", head) in _people(a)


def test_a_later_sentences_honorific_pronoun_is_the_home_dignitary(nlp):
    """SPA style gives «معالي» to both ministers; «وكان معاليه قد وصل» in a new sentence is the Saudi one."""
    a = mentions(nlp, "طوكيو 05 نوفمبر 2025 م واس\nبحث معالي وزير الصناعة والثروة المعدنية الأستاذ بندر بن إبراهيم "
                      "الخريّف، اليوم، مع معالي وزير الاقتصاد الياباني ريوسي أكازاوا سبل التعاون. والتقى الخريّف لاحقاً "
                      "معالي وزير الخارجية الياباني توشيميتسو موتيغي.\n\nوكان معاليه قد وصل إلى طوكيو مساء أمس.")
    pronoun = next(m for m in a.mentions if m.method == "honorific-pronoun")
    bandar = next(e for t, e in _people(a) if t.startswith("بندر"))
    assert pronoun.entity_ids == [bandar]
