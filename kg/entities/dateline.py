"""The host country of a wire story, read off its dateline («الدوحة في 22 أكتوبر /قنا/»).

Gulf, Levant and Maghreb agencies write «سمو الأمير»، «رئيس الدولة»، «زيارته للبلاد» without naming the
country: the dateline names it.  Both the entity stage (bare titles) and the relation stage (the host
of a visit) ask here, so the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kg.entities.kb import KnowledgeBase
from kg.lexicons import read_table
from kg.text.normalize import normalize

_HEAD_CHARS = 600  # a dateline sits in the first lines
_GAP = 12  # «الدوحة في » / «عمان » / «سيول، » before the date
_NUMERIC = re.compile(r"[^\S\n]*[-–—][^\S\n]*[0-9٠-٩]")  # «الكويت - 16 - 12 (كونا)»


def dateline_state(text: str, places: Iterable[tuple[int, int, str]], date_starts: Iterable[int],
                   kb: KnowledgeBase | None) -> str | None:
    """The state of the first place or state named right before a date on the same line, near the top.

    ``places`` are ``(start, end, entity_id)`` of place and state names, ``date_starts`` the character
    offsets of the document's date expressions.
    """
    eid = dateline_place(text, places, date_starts)
    if eid is None or kb is None or eid not in kb:
        return None
    return kb.state_of(eid) or (eid if kb[eid].type == "STATE" else None)


def dateline_place(text: str, places: Iterable[tuple[int, int, str]], date_starts: Iterable[int]) -> str | None:
    """The entity id of the first place or state named right before a date on the same line, near the
    top (the city of «الدوحة في 22 أكتوبر /قنا/»), else None."""
    dates = sorted(date_starts)
    for start, end, eid in sorted(places):
        if start > _HEAD_CHARS:
            break
        if any(0 < d - end <= _GAP and "\n" not in text[end:d] for d in dates) or _NUMERIC.match(text, end):
            return eid
    return None


_AGENCY_LINES = 3  # a dateline and its agency sit in the first lines


@lru_cache(maxsize=None)
def _home_agencies() -> tuple[re.Pattern, dict[str, str]]:
    """The short forms of ``home_agencies.tsv`` (matching form) and one pattern finding any of them as
    a dateline's agency: in brackets or slashes, after a bar, before a dash, or closing the line."""
    table = {normalize(short): agency for short, agency in read_table("home_agencies.tsv")}
    alt = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?:^|[(/|]|(?<=\s))[^\S\n]*({alt})[^\S\n]*(?:[)/|:]|[-–—]|$)", re.MULTILINE)
    return pattern, table


def dateline_agency_state(text: str, kb: KnowledgeBase | None) -> str | None:
    """The home state of the national agency that files the story («إسلام آباد … واس»، «(قنا)»), if
    its first lines name one; else None."""
    if kb is None:
        return None
    pattern, table = _home_agencies()
    lines = [ln for ln in text[:_HEAD_CHARS].split("\n") if ln.strip()][:_AGENCY_LINES]
    for line in lines:
        m = pattern.search(normalize(line))
        if m:
            agency = table[m.group(1)]
            country = kb[agency].country if agency in kb else None
            if country and country in kb and kb[country].type == "STATE":
                return country
    return None
