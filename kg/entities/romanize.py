"""Romanization of Arabic names into ASCII, for stable IRIs of entities the KB does not know."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    path = resources.files("kg") / "data" / "lexicons" / "romanization.tsv"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            src, dst = line.split("\t")
            table[src] = dst
    return table


def romanize(text: str) -> str:
    """Letter-by-letter romanization; non-Arabic characters pass through.

    >>> romanize("بوتين")
    'bwtyn'
    """
    table = _table()
    return "".join(table.get(ch, ch) for ch in text)
