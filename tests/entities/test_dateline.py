"""Whose story is it: the dateline's country, and the filing agency's home country."""

import pytest

from kg.entities.dateline import dateline_agency_state
from kg.entities.kb import KnowledgeBase


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load()


@pytest.mark.parametrize("text, state", [
    ("إسلام آباد 11 رمضان 1446 هـ الموافق 11 مارس 2025 م واس\nاستقبل رئيس الوزراء", "saudi-arabia"),
    ("كيغالي | قنا | سلّم وزير الدولة", "qatar"),
    ("مدريد - 13 فبراير 2025 (ومع) - أجرى الوزير", "morocco"),
    ("العنوان\n\nطوكيو 19 أيار (بترا)- سلّم نائب رئيس الوزراء", "jordan"),
    ("الكويت - 2 - 12 (كونا) -- استقبل", "kuwait"),
    # an international agency reports on the dateline's country; a common word is not an agency
    ("باريس (أ ف ب) - قال الرئيس", None),
    ("بيروت - 3 - 5 (رويترز) - قال", None),
    ("ومع ذلك قال الوزير إن اللقاء كان مثمرا", None),
    # an agency quoted deep in the story does not file it
    ("العنوان\n\nالرياض - استقبل\n\nفقرة\n\nفقرة ثانية\n\nوقالت (قنا) إن", None),
])
def test_home_agency_of_a_wire_story(kb, text, state):
    assert dateline_agency_state(text, kb) == state
