"""Sentence segmentation with spans into the original text.

``split_sentences(text)`` returns ``[(start, end), ...]``: character spans into ``text``,
stripped of surrounding whitespace, in order, non-overlapping.  One linear pass over lines,
then one over characters.

Line structure first:

* blank lines end paragraphs;
* inside a paragraph, a line break is *joined* (hard wrap) when the line does not end with
  sentence punctuation, is long compared to the document's wrap width, and the next line does
  not start a new paragraph (no extra indentation, not a date line);
* otherwise a line break ends the sentence: headlines (short lines without final punctuation),
  bylines and date lines ("2024-04-13 19:18:53", "السبت 27 ديسمبر 2025 - 10:54 م") stay
  separate sentences.

Then punctuation: . ! ? ؟ ؛ … end a sentence (with closing quotes/brackets kept in it), except
a dot in a number (3.5, 1.000.000), after a single letter (initials, د. م. ق.م أ.ب U.S.),
after a known abbreviation (see ``_ABBREV``), after a list number at a line start ("1."), and
inside a short quotation «…» “…” "…" (up to ``MAX_QUOTE`` characters).
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "split_paragraphs", "MAX_QUOTE"]

MAX_QUOTE = 250
_TERMINAL = set(".!?؟؛…")
_CLOSERS = set("»”\"')]}’›")
_OPEN_CLOSE = {"«": "»", "“": "”", "‹": "›", "(": ")"}
# the characters a sentence scan stops at: regex searches skip the plain text between them in C
_TERMINAL_RE = re.compile("[" + re.escape("".join(sorted(_TERMINAL))) + "]")
_OPENER = re.compile('[«“‹("]')
_ABBREV = {
    # Arabic abbreviations written with a dot (matched on the word before the dot)
    "ص", "ج", "م", "د", "أ", "ا", "ق", "هـ", "ه", "ت", "ب", "س", "ط", "ع", "ف", "ك", "ل", "ن", "و", "ي", "ح",
    "إلخ", "الخ", "اه", "انظر", "ت", "م.م", "ص.ب", "ق.م",
    # Latin
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "No", "vs", "etc", "Inc", "Ltd", "Co", "Gen", "Col",
    "Lt", "Sgt", "Capt", "Gov", "Sen", "Rep", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "e.g", "i.e", "a.m", "p.m",
}
# "إلخ." very often ends a sentence: only treat it as an abbreviation when followed by a lower
# letter / comma; handled below by _WEAK_ABBREV.
_WEAK_ABBREV = {"إلخ", "الخ", "etc"}

_DATE_LINE = re.compile(
    r"^\W{0,3}(?:[\u0600-\u06ff]{2,9}[ ,،]{1,3})?[\d٠-٩]{1,4}[-/. ][\d٠-٩]{1,2}|^\W{0,3}[\d٠-٩]{4}-\d{2}-\d{2}"
)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of blank-line separated blocks (stripped)."""
    out = []
    for s, e in _blocks(text):
        out.append((s, e))
    return out


def _blocks(text: str):
    n = len(text)
    i = 0
    start = None
    end = 0
    while i <= n:
        j = text.find("\n", i)
        if j < 0:
            j = n
        line = text[i:j]
        if line.strip():
            if start is None:
                start = i + (len(line) - len(line.lstrip()))
            end = i + len(line.rstrip())
        elif start is not None:
            yield start, end
            start = None
        i = j + 1
    if start is not None:
        yield start, end


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end, indent) of each line, end excluding the newline."""
    out = []
    i = 0
    n = len(text)
    while i <= n:
        j = text.find("\n", i)
        if j < 0:
            j = n
        line = text[i:j]
        indent = len(line) - len(line.lstrip(" \t\u00a0\u3000"))
        out.append((i, j, indent))
        i = j + 1
    return out


def _wrap_width(text: str, lines) -> int:
    """Typical width of hard-wrapped lines: 80th percentile of the lengths of non-blank lines
    that are followed by a non-blank line and do not end with punctuation; 0 if too few."""
    lens = []
    for k in range(len(lines) - 1):
        s, e, ind = lines[k]
        ns, ne, _ = lines[k + 1]
        seg = text[s:e].strip()
        if seg and text[ns:ne].strip() and seg[-1] not in _TERMINAL:
            lens.append(len(seg))
    if len(lens) < 2:
        return 0
    lens.sort()
    return lens[int(0.8 * (len(lens) - 1))]


def _ends_sentence_line(seg: str) -> bool:
    c = seg.rstrip()[-1:]
    if not c:
        return True
    if c in _CLOSERS:
        body = seg.rstrip().rstrip("".join(_CLOSERS))
        return bool(body) and body[-1] in _TERMINAL
    return c in _TERMINAL or c in ":"


def _runs(text: str):
    """Yield (start, end) of runs of lines that form one text unit (paragraph or joined lines)."""
    lines = _lines(text)
    width = _wrap_width(text, lines)
    threshold = max(40, int(width * 0.75)) if width else None
    run_start = None
    run_end = 0
    prev_indent = 0
    for k, (s, e, ind) in enumerate(lines):
        seg = text[s:e]
        stripped = seg.strip()
        if not stripped:
            if run_start is not None:
                yield run_start, run_end
                run_start = None
            continue
        ls = s + ind
        le = s + len(seg.rstrip())
        if run_start is not None:
            prev = text[run_start:run_end]
            last_line = prev[prev.rfind("\n") + 1:].strip()
            join = (
                threshold is not None
                and not _ends_sentence_line(last_line)
                and len(last_line) >= threshold
                and ind <= prev_indent
                and not _DATE_LINE.match(stripped)
                and not _DATE_LINE.match(last_line)
            )
            if join:
                run_end = le
                continue
            yield run_start, run_end
        run_start, run_end = ls, le
        prev_indent = ind
    if run_start is not None:
        yield run_start, run_end


def _quote_spans(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Short quotations (open, close) inside text[s:e], outer level only."""
    spans = []
    search = _OPENER.search
    m = search(text, s, e)
    while m is not None:
        i = m.start()
        c = text[i]
        j = text.find(_OPEN_CLOSE.get(c, c), i + 1, min(e, i + 1 + MAX_QUOTE))
        if j >= 0:
            spans.append((i, j))
            m = search(text, j + 1, e)
        else:
            m = search(text, i + 1, e)
    return spans


def _word_before(text: str, i: int, lo: int) -> str:
    j = i
    while j > lo and not text[j - 1].isspace() and text[j - 1] not in "«“\"'(":
        j -= 1
    return text[j:i]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) into ``text``; see the module docstring."""
    out: list[tuple[int, int]] = []
    for rs, re_ in _runs(text):
        _split_run(text, rs, re_, out)
    return out


def _emit(text: str, s: int, e: int, out: list) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s < e:
        out.append((s, e))


def _split_run(text: str, s: int, e: int, out: list) -> None:
    quotes = _quote_spans(text, s, e)
    qi = 0
    start = s
    i = s
    search = _TERMINAL_RE.search
    while i < e:
        m = search(text, i, e)
        if m is None:
            break
        i = m.start()
        c = text[i]
        while qi < len(quotes) and quotes[qi][1] < i:
            qi += 1
        # inside a short quotation: no split (unless at its very end, handled by closer)
        if qi < len(quotes) and quotes[qi][0] < i < quotes[qi][1]:
            i += 1
            continue
        if c == ".":
            prev = text[i - 1] if i > s else ""
            nxt = text[i + 1] if i + 1 < e else ""
            if prev.isdigit() and nxt.isdigit():
                i += 1
                continue
            w = _word_before(text, i, s)
            core = w.lstrip("(«“\"'")
            if core:
                if core in _ABBREV and core not in _WEAK_ABBREV:
                    i += 1
                    continue
                if core in _WEAK_ABBREV and nxt and not nxt.isspace():
                    i += 1
                    continue
                letters = core.split(".")[-1]
                if len(letters) == 1 and letters.isalpha():
                    i += 1
                    continue
                if core.isdigit() and len(core) <= 2 and _at_line_start(text, i - len(w), s):
                    i += 1
                    continue
            if nxt and not nxt.isspace() and nxt not in _CLOSERS and nxt != "." and not nxt.isalpha():
                pass
            elif nxt and nxt.isalpha() and nxt.isascii():
                # "example.com", "U.S": no space after the dot
                i += 1
                continue
        # consume a run of terminal punctuation and closers
        j = i + 1
        while j < e and (text[j] in _TERMINAL or text[j] in _CLOSERS):
            j += 1
        _emit(text, start, j, out)
        start = j
        i = j
    _emit(text, start, e, out)


def _at_line_start(text: str, i: int, lo: int) -> bool:
    j = i
    while j > lo and text[j - 1] in " \t":
        j -= 1
    return j == lo or text[j - 1] == "\n"
