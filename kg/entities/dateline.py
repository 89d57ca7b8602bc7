"""The host country of a wire story, read off its dateline («الدوحة في 22 أكتوبر /قنا/»).

Gulf, Levant and Maghreb agencies write «سمو الأمير»، «رئيس الدولة»، «زيارته للبلاد» without naming the
country: the dateline names it.  Both the entity stage (bare titles) and the relation stage (the host
of a visit) ask here, so the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.entities.kb import KnowledgeBase

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
