"""Linking rules on hand-written sentences (mini KB, no statistical NER)."""

import pytest

from tests.entities.conftest import mentions


def _ids(analysis, method=None):
    return [(m.text, m.entity_ids) for m in analysis.mentions if method is None or m.method == method]


@pytest.mark.parametrize("text, expected", [
    ("وصل وبوتين إلى المدينة", "vladimir-putin"),
    ("قال لروسيا إن", "russia"),
    ("أكد الرئيس فلاديمير فلاديميروفيتش بوتين", "vladimir-putin"),
    ("كيم يونغ أون", "kim-jong-un"),
])
def test_linker_clitics_and_variants(mini_nlp, text, expected):
    a = mentions(mini_nlp, text)
    assert expected in {e for m in a.mentions for e in m.entity_ids}


def test_linker_capital_is_state_by_metonymy_and_place_after_preposition(mini_nlp):
    a = mentions(mini_nlp, "تعهدت موسكو بتطوير العلاقات. وصل الوفد إلى موسكو أمس.")
    kinds = [(m.text, m.type, m.entity_ids[0]) for m in a.mentions if m.text == "موسكو"]
    assert kinds == [("موسكو", "STATE", "russia"), ("موسكو", "PLACE", "moscow")]


def test_linker_apposition_gives_position_not_mention(mini_nlp):
    a = mentions(mini_nlp, "التقى وزير الخارجية الروسي سيرغي لافروف بالرئيس الصيني شي جين بينغ.")
    assert {"person": "sergey-lavrov", "role": "foreign-minister", "of": "russia"}.items() <= a.positions[0].items()
    people = [m.entity_ids[0] for m in a.mentions if m.type == "PERSON"]
    assert people == ["sergey-lavrov", "xi-jinping"]


def test_linker_title_alone_resolves_to_office_holder_at_date(mini_nlp):
    a = mentions(mini_nlp, "استقبل الرئيس الأمريكي الوفد.", date="2019-05-01")
    assert [m.entity_ids for m in a.mentions if m.method == "title"] == [["donald-trump"]]
    b = mentions(mini_nlp, "استقبل الرئيس الأمريكي الوفد.", date="2023-05-01")
    assert not [m for m in b.mentions if m.method == "title"]


def test_linker_coordinated_title_is_not_apposition(mini_nlp):
    a = mentions(mini_nlp, "حضر نائب وزير الخارجية الروسي وألكسندر بيتروف.")
    assert not [p for p in a.positions if p.get("role") == "foreign-minister"]


def test_linker_plural_reference_with_nisbas(mini_nlp):
    text = "زار كيم جونغ أون روسيا والتقى فلاديمير بوتين. وناقش الزعيمان الكوري والروسي التعاون."
    a = mentions(mini_nlp, text)
    plural = [m for m in a.mentions if m.method == "plural"]
    assert plural and sorted(plural[0].entity_ids) == ["kim-jong-un", "vladimir-putin"]


def test_linker_short_form_needs_context_when_ambiguous(mini_nlp):
    a = mentions(mini_nlp, "قال كيم إن الوضع خطير.")
    # «كيم» is the short form of one person in the mini KB only: linked with a lower score
    short = [m for m in a.mentions if m.method == "short-form"]
    assert short and short[0].entity_ids == ["kim-jong-un"] and short[0].score < 1


def test_linker_titled_unknown_name_is_a_person(mini_nlp):
    a = mentions(mini_nlp, "التقى كيم جونغ أون بوزيرة الثقافة أولغا ليوبيموفا في بيونغ يانغ.")
    assert any(m.type == "PERSON" and m.text == "أولغا ليوبيموفا" for m in a.mentions)


def test_linker_state_body_is_an_org(mini_nlp):
    a = mentions(mini_nlp, "وصل وفد وزارة الثقافة للاتحاد الروسي.")
    orgs = [m for m in a.mentions if m.type == "ORG"]
    assert [m.text for m in orgs] == ["وزارة الثقافة للاتحاد الروسي"]


def test_linker_nisba_is_not_an_entity_mention_for_scoring(mini_nlp):
    a = mentions(mini_nlp, "قال المتحدث الروسي إن")
    assert [m.method for m in a.mentions] == ["nisba"]
