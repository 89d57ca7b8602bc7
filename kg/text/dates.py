"""Arabic date expressions → ISO values, with spans into the original text.

``find_dates(text, anchor=None)`` returns :class:`DateMention` objects.  Matching runs on the
matching form (:func:`kg.text.normalize.normalize_with_offsets`: digits ASCII, أ/إ/آ → ا,
ة → ه, diacritics and tatweel removed) and maps spans back to the original text.

Covered: Levantine (كانون الثاني … كانون الأول), Egyptian/Gulf (يناير … ديسمبر and press
variants) and Maghrebi (جانفي، فيفري، أفريل، جوان، جويلية، أوت …) month names, paired forms
(تموز/ يوليو, أبريل/ نيسان, يوليو (تموز)), numeric dates (2024-04-13, 13/4/2024), ordinal
day words (الثاني عشر من يوليو), "في يوم 12 من تموز", ranges (من 12 إلى 14 حزيران → ``value``
= start, ``end_value`` = end), years (عام 2019, في 2019, العام 2019), month + year (أيلول عام
2023, في شهر سبتمبر/ أيلول من العام الماضي), Hijri dates with هـ (converted with ``hijridate``),
relative expressions (أمس, اليوم, غدا, الأحد الماضي, الشهر الماضي, العام المقبل, قبل أسبوعين,
منذ ثلاثة أيام, 14 أيلول/سبتمبر الحالي, 31 آب الماضي) anchored on ``anchor`` (ISO date).

Values: ISO at the precision the text supports — ``2024-06-19`` (day), ``2024-06`` (month),
``2024`` (year), ``2024-W15`` (week), ``--07-12`` (day and month, year unknown), ``--09``
(month, year unknown).  A relative expression without an anchor has ``value=None``.
``kind``: ``absolute`` (the text gives the year), ``inherited`` (year taken from the anchor),
``partial`` (year unknown: ``--MM-DD`` / ``--MM``), ``relative`` (computed from the anchor),
``hijri`` (converted from a Hijri date).

All vocabulary lives in ``kg/data/lexicons/months.tsv``.  Regexes are compiled once, use only
bounded quantifiers and no nested repetition, so matching is linear in the input length.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kg.lexicons import event_words
from kg.text.normalize import normalize, normalize_with_offsets

__all__ = ["DateMention", "find_dates", "document_date", "parse_anchor"]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str | None
    precision: str  # day | week | month | year
    kind: str  # absolute | inherited | partial | relative | hijri
    end_value: str | None = None  # ranges: ISO value of the end


# ----------------------------------------------------------------------------- vocabulary


@dataclass
class _Vocab:
    month: dict[str, int]
    month_ctx: set[str]
    hijri: dict[str, int]
    hijri_ctx: set[str]
    weekday: dict[str, int]
    relday: dict[str, int]
    reldir: dict[str, int]
    unit: dict[str, tuple[str, int | None]]
    number: dict[str, int]
    ordinal: dict[str, int]
    yearword: set[str]
    prep: set[str]


def _key(s: str) -> str:
    return " ".join(normalize(s).split())


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    v = _Vocab({}, set(), {}, set(), {}, {}, {}, {}, {}, {}, set(), set())
    text = resources.files("kg").joinpath("data/lexicons/months.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        kind, value, form = parts[0], parts[1], _key(parts[2])
        flags = parts[3].split(",") if len(parts) > 3 else []
        if kind == "month":
            v.month[form] = int(value)
            if "ctx" in flags:
                v.month_ctx.add(form)
        elif kind == "hijri":
            v.hijri[form] = int(value)
            if "ctx" in flags:
                v.hijri_ctx.add(form)
        elif kind == "weekday":
            v.weekday[form] = int(value)
        elif kind == "relday":
            if "ctx" not in flags:
                v.relday[form] = int(value)
        elif kind == "reldir":
            v.reldir[form] = int(value)
        elif kind == "unit":
            u, _, n = value.partition(":")
            v.unit[form] = (u, int(n) if n else None)
        elif kind == "number":
            v.number[form] = int(value)
        elif kind == "ordinal":
            v.ordinal[form] = int(value)
        elif kind == "yearword":
            v.yearword.add(form)
        elif kind == "prep":
            v.prep.add(form)
    return v


def _alt(words) -> str:
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", _WS) for w in ws) + ")"


# one run of horizontal space, or one line break with some space around it: bounded, linear
_WS = r"(?:[^\S\n]{1,3}|[^\S\n]{0,3}\n[^\S\n]{0,3})"
_OS = r"[^\S\n]{0,3}"
_B = r"(?!\w)"  # end of word
_LB = r"(?:(?<!\w)|(?<=(?<!\w)[وفبل]))"  # start of word, optionally after one clitic letter


@dataclass
class _Patterns:
    items: list[tuple[str, re.Pattern]]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    v = _vocab()
    M = _alt(v.month)
    H = _alt(v.hijri)
    WD = _alt(v.weekday)
    DIR = _alt(v.reldir)
    ORD = _alt(v.ordinal)
    YW = _alt(v.yearword)
    PREP = _alt(v.prep)
    UNIT = _alt(v.unit)
    NUMW = _alt(v.number)
    RELD = _alt(v.relday)
    ws, os_ = _WS, _OS
    pair = lambda g: rf"(?:{os_}[/(\\\-–]{os_}(?P<{g}>{M}){os_}\)?)?"  # noqa: E731
    year = (
        rf"(?:{os_},?{ws}(?:من{ws})?(?:(?:{YW}){ws})?(?P<y>\d{{4}})(?!\d)(?:{os_}م{_B})?"
        rf"|{ws}(?:من{ws})?(?P<ryw>العام|السنه|عام){ws}(?P<rydir>{DIR})"
        rf"|{ws}(?P<ythis>هذا{ws}العام|هذه{ws}السنه))?"
    )
    day = rf"(?:(?P<d>[0-3]?\d)(?!\d)|(?P<od>{ORD}))"
    wdpre = rf"(?:(?P<wd>{WD}){os_},?{os_}(?:{ws})?)?"
    pats = [
        # ranges: من 12 إلى 14 حزيران 2024 ; بين 12 و14 حزيران
        ("range", rf"(?<![\w\d/.-])(?:(?:من|بين){ws})?(?P<d>[0-3]?\d)(?!\d){os_}(?:-|–|الي|حتي|و){os_}"
                  rf"(?P<d2>[0-3]?\d)(?!\d){ws}(?:من{ws})?(?:شهر{ws})?(?P<m>{M}){pair('m2')}{year}{_B}"),
        ("range2", rf"(?<![\w\d/.-])(?:(?:من|بين){ws})?(?P<d>[0-3]?\d)(?!\d){ws}(?P<m>{M}){pair('m2')}{os_}"
                   rf"(?:-|–|الي|حتي|و){os_}(?P<d2>[0-3]?\d)(?!\d){ws}(?P<me>{M}){pair('me2')}{year}{_B}"),
        # day month [year]: السبت 27 ديسمبر 2025 ; في يوم 12 من تموز/ يوليو ; الثاني عشر من يوليو
        ("dmy", rf"(?<![\w\d/.:-]){wdpre}(?:يوم{ws})?{day}(?:{ws}من)?{ws}(?:شهر{ws})?(?P<m>{M}){pair('m2')}"
                rf"{year}(?:{ws}(?P<dir>{DIR}))?{_B}"),
        # day/month-name/year: «[03/ أغسطس/2025]» (Saba, some Gulf sites)
        ("dmy", rf"(?<![\w\d/.:-])(?P<d>[0-3]?\d)(?!\d){os_}/{os_}(?P<m>{M}){os_}/{os_}(?P<y>\d{{4}})(?!\d)"),
        # month day, year: ديسمبر 27، 2025
        ("mdy", rf"{_LB}(?P<m>{M}){pair('m2')}{ws}(?P<d>[0-3]?\d)(?!\d){os_},?{ws}(?P<y>\d{{4}})(?!\d){_B}"),
        # month [year]: أيلول عام 2023 ; في أبريل/ نيسان عام 2019 ; سبتمبر الماضي
        ("my", rf"{_LB}(?:(?P<shahr>شهر){ws})?(?P<m>{M}){pair('m2')}{year}(?:{ws}(?P<dir>{DIR}))?{_B}"),
        # Hijri: 15 رمضان 1445 هـ ; ربيع الأول 1446هـ ; 1445 هـ
        ("hijri", rf"(?<![\w\d]){wdpre}(?:(?:(?P<d>[0-3]?\d)(?!\d)|(?P<od>{ORD})){ws}(?:من{ws})?)?(?P<hm>{H}){os_},?{os_}"
                  rf"(?:(?:سنه|عام|لعام){ws})?(?P<y>\d{{3,4}})(?!\d){os_}ه{_B}"),
        ("hijri_y", rf"(?<![\w\d])(?:(?:{YW}){ws})?(?P<y>1[2-5]\d\d)(?!\d){os_}ه{_B}"),
        # numeric
        ("iso", rf"(?<![\w\d/.-])(?P<y>[12]\d\d\d)(?P<sep>[-/.])(?P<mo>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)(?![\d]|[-/.]\d)"),
        ("dmy_num", rf"(?<![\w\d/.-])(?P<d>[0-3]?\d)(?P<sep>[-/.])(?P<mo>[01]?\d)(?P=sep)(?P<y>[12]\d\d\d|\d\d)(?![\d]|[-/.]\d)"
                    # KUNA-style spaced dashes: «الكويت - 13 - 5 - 2025 (كونا)» (a four-digit year only)
                    rf"|(?<![\w\d/.-])(?P<d_>[0-3]?\d)[^\S\n]{{1,2}}[-–][^\S\n]{{1,2}}(?P<mo_>[01]?\d)[^\S\n]{{1,2}}[-–][^\S\n]{{1,2}}(?P<y_>[12]\d\d\d)(?!\d)"),
        # years: عام 2019 ; في 2019 ; منذ عام 2019
        ("year", rf"{_LB}(?:(?P<pre>{PREP}){ws})?(?P<s>(?:(?P<yw>{YW}){ws})?(?P<y>\d{{4}}))(?!\d)(?:{os_}م{_B})?(?![\w/.-]\d|{os_}ه{_B})"),
        # relative
        ("relday", rf"(?<!\w)(?P<rd>{RELD})(?:{os_},?{ws}(?P<wd>{WD}))?{_B}"),
        ("weekday", rf"{_LB}(?:يوم{ws})?(?P<wd>{WD})(?:{ws}(?P<dir>{DIR}))?{_B}"),
        ("unitdir", rf"(?<!\w)(?:(?P<this>هذا|هذه){ws}(?P<u0>الاسبوع|الشهر|العام|السنه){_B}|"
                    rf"(?P<u>الاسبوع|الشهر|العام|السنه){ws}(?P<dir>{DIR}){_B})"),
        ("ago", rf"(?<!\w)(?P<ago>قبل|منذ|بعد){ws}(?:(?P<num>\d{{1,3}}|{NUMW}){ws})?(?P<unit>{UNIT}){_B}"
                rf"(?:{ws}(?:من{ws})?(?:الان|اليوم))?(?!{ws}?\d)"),
    ]
    return _Patterns([(name, re.compile(p)) for name, p in pats])


# ----------------------------------------------------------------------------- anchor


def parse_anchor(anchor: str | _dt.date | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of an ISO anchor (``2024-04-13``, ``2024-04``, ``2024``; a time part
    is ignored); missing parts are None."""
    if anchor is None:
        return None, None, None
    if isinstance(anchor, _dt.datetime):
        anchor = anchor.date()
    if isinstance(anchor, _dt.date):
        return anchor.year, anchor.month, anchor.day
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(anchor))
    if not m:
        return None, None, None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else None
    d = int(m.group(3)) if m.group(3) else None
    # metadata dates are untrusted ("2024-13-45", "0000"): keep only the valid prefix
    if not 1 <= y <= 9999:
        return None, None, None
    if mo is not None and not 1 <= mo <= 12:
        return y, None, None
    if d is not None and not _valid(y, mo, d):
        d = None
    return y, mo, d


def _iso(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    if y is not None and not 1 <= y <= 9999:
        raise ValueError(f"year {y} out of range")  # rejected by _find_in_norm
    if y is None:
        if m is None:
            return None
        return f"--{m:02d}-{d:02d}" if d else f"--{m:02d}"
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _valid(y: int | None, m: int, d: int | None) -> bool:
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    if d < 1:
        return False
    return d <= calendar.monthrange(y if y else 2000, m)[1]


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + n
    return t // 12, t % 12 + 1


# ----------------------------------------------------------------------------- resolution


def _month_of(g: str | None, v: _Vocab) -> int | None:
    if not g:
        return None
    return v.month.get(" ".join(g.split()))


def _resolve(name: str, m: re.Match, anchor, v: _Vocab):
    """Return (value, precision, kind, end_value) or None to reject the match."""
    ay, am, ad = anchor
    gd = m.groupdict()
    if name in ("range", "range2", "dmy", "mdy", "my"):
        mo = _month_of(gd.get("m"), v)
        m2 = _month_of(gd.get("m2"), v)
        mname = " ".join(gd["m"].split())
        if m2 is not None and m2 != mo:
            return None  # "تموز/ أغسطس": not a paired form
        d = None
        if gd.get("d"):
            d = int(gd["d"])
        elif gd.get("od"):
            d = v.ordinal.get(" ".join(gd["od"].split()))
        if name == "my" and mname in v.month_ctx and not (
            gd.get("shahr") or m2 or gd.get("y") or gd.get("ryw") or gd.get("ythis") or gd.get("dir")
        ):
            return None
        y, kind = None, "absolute"
        if gd.get("y"):
            y = int(gd["y"])
            if not 1000 <= y <= 2199:
                return None
        elif gd.get("ryw"):
            if ay is None:
                return (None, "month" if d is None else "day", "relative", None)
            y, kind = ay + v.reldir[" ".join(gd["rydir"].split())], "relative"
        elif gd.get("ythis"):
            if ay is None:
                return (None, "month" if d is None else "day", "relative", None)
            y, kind = ay, "relative"
        elif gd.get("dir"):
            direction = v.reldir[" ".join(gd["dir"].split())]
            if ay is None:
                y, kind = None, "partial"
            elif direction == 0:
                y, kind = ay, "relative"
            else:
                # the most recent past (or next future) occurrence of that month/day
                key = (mo, d or 1)
                akey = (am or 12, ad or 31) if direction < 0 else (am or 1, ad or 1)
                if direction < 0:
                    y = ay if key < akey else ay - 1
                else:
                    y = ay if key > akey else ay + 1
                kind = "relative"
        elif ay is not None:
            y, kind = ay, "inherited"
        else:
            kind = "partial"
        if not _valid(y, mo, d):
            return None
        end_value = None
        if name in ("range", "range2"):
            d2 = int(gd["d2"])
            me = _month_of(gd.get("me"), v) if name == "range2" else mo
            if me is None or not _valid(y, me, d2):
                return None
            end_value = _iso(y, me, d2)
        return (_iso(y, mo, d), "day" if d else "month", kind, end_value)
    if name in ("iso", "dmy_num"):
        if name == "dmy_num" and gd.get("y_"):
            gd = {"y": gd["y_"], "mo": gd["mo_"], "d": gd["d_"], "sep": "-"}
        y, mo, d = int(gd["y"]), int(gd["mo"]), int(gd["d"])
        if name == "dmy_num":
            if len(gd["y"]) == 2:
                if gd["sep"] != "/":
                    return None
                y += 2000 if y < 70 else 1900
            if mo > 12 and d <= 12:
                mo, d = d, mo  # US-style month/day
        if not 1000 <= y <= 2199 or not _valid(y, mo, d):
            return None
        return (_iso(y, mo, d), "day", "absolute", None)
    if name == "year":
        if not gd.get("pre") and not gd.get("yw"):
            return None
        y = int(gd["y"])
        if not 1000 <= y <= 2199:
            return None
        if not gd.get("yw") and not (1900 <= y <= 2100):
            return None
        return (_iso(y), "year", "absolute", None)
    if name in ("hijri", "hijri_y"):
        return _hijri(gd, v)
    # relative expressions
    if name == "relday":
        off = v.relday[" ".join(gd["rd"].split())]
        if ay is None or am is None or ad is None:
            return (None, "day", "relative", None)
        day = _dt.date(ay, am, ad) + _dt.timedelta(days=off)
        return (day.isoformat(), "day", "relative", None)
    if name == "weekday":
        wd = v.weekday[" ".join(gd["wd"].split())]
        direction = v.reldir.get(" ".join(gd["dir"].split())) if gd.get("dir") else None
        if ay is None or am is None or ad is None:
            return (None, "day", "relative", None)
        a = _dt.date(ay, am, ad)
        if direction is None or direction == 0:
            delta = -((a.weekday() - wd) % 7)  # most recent such day, today included
        elif direction < 0:
            delta = -((a.weekday() - wd - 1) % 7 + 1)
        else:
            delta = (wd - a.weekday() - 1) % 7 + 1
        return ((a + _dt.timedelta(days=delta)).isoformat(), "day", "relative", None)
    if name == "unitdir":
        if gd.get("this"):
            unit, direction = gd["u0"], 0
        else:
            unit, direction = gd["u"], v.reldir[" ".join(gd["dir"].split())]
        prec = {"الاسبوع": "week", "الشهر": "month", "العام": "year", "السنه": "year"}[unit]
        return _shift(anchor, prec, direction)
    if name == "ago":
        u, fixed = v.unit[" ".join(gd["unit"].split())]
        n = fixed
        if gd.get("num"):
            num = gd["num"]
            n = int(num) if num.isdigit() else v.number.get(" ".join(num.split()))
        if n is None:
            n = 1
        sign = 1 if gd["ago"] == "بعد" else -1
        if gd["ago"] == "منذ" and u == "year" and not gd.get("num") and fixed is None:
            pass
        prec = {"day": "day", "week": "day", "month": "month", "year": "year"}[u]
        if u == "day":
            return _shift(anchor, "day", sign * n)
        if u == "week":
            return _shift(anchor, "day", sign * 7 * n)
        return _shift(anchor, prec, sign * n)
    return None


def _shift(anchor, prec: str, n: int):
    ay, am, ad = anchor
    if prec == "year":
        if ay is None:
            return (None, "year", "relative", None)
        return (_iso(ay + n), "year", "relative", None)
    if prec == "month":
        if ay is None or am is None:
            return (None, "month", "relative", None)
        y, m = _add_months(ay, am, n)
        return (_iso(y, m), "month", "relative", None)
    if ay is None or am is None or ad is None:
        return (None, prec, "relative", None)
    a = _dt.date(ay, am, ad)
    if prec == "week":
        iy, iw, _ = (a + _dt.timedelta(weeks=n)).isocalendar()
        return (f"{iy:04d}-W{iw:02d}", "week", "relative", None)
    return ((a + _dt.timedelta(days=n)).isoformat(), "day", "relative", None)


def _hijri(gd: dict, v: _Vocab):
    try:
        from hijridate import Hijri
    except ImportError:  # pragma: no cover
        return None
    y = int(gd["y"])
    if gd.get("hm"):
        hm = v.hijri[" ".join(gd["hm"].split())]
    else:
        hm = None
    d = int(gd["d"]) if gd.get("d") else (v.ordinal.get(" ".join(gd["od"].split())) if gd.get("od") else None)
    try:
        if hm is None:
            g = Hijri(y, 7, 1).to_gregorian()  # middle of the Hijri year
            return (_iso(g.year), "year", "hijri", None)
        if d is None:
            g = Hijri(y, hm, 15).to_gregorian()
            return (_iso(g.year, g.month), "month", "hijri", None)
        g = Hijri(y, hm, d).to_gregorian()
        return (_iso(g.year, g.month, g.day), "day", "hijri", None)
    except (ValueError, OverflowError):
        return None


# ----------------------------------------------------------------------------- API


def find_dates(text: str, anchor: str | _dt.date | None = None, *,
               normalized: tuple[str, list[int]] | None = None) -> list[DateMention]:
    """All date expressions in ``text``, sorted by position, non-overlapping (longest wins).

    ``normalized`` is ``normalize_with_offsets(text)`` when the caller already has it: the text
    stage normalizes a document once for every stage that reads it.
    """
    if not text:
        return []
    norm, idx = normalized if normalized is not None else normalize_with_offsets(text)
    yearless = re.match(r"^--(\d\d)(?:-(\d\d))?$", str(anchor)) if anchor is not None else None
    if yearless:
        return _yearless(text, norm, idx, int(yearless.group(1)), int(yearless.group(2)) if yearless.group(2) else None)
    return _find_in_norm(text, norm, idx, parse_anchor(anchor))


_PROXY_YEAR = 2000  # a leap year: every yearless day-month is valid in it


def _yearless(text: str, norm: str, idx: list[int], month: int, day: int | None) -> list[DateMention]:
    """Dates of a document whose dateline has no year («الكويت - 16 - 12»): «أمس» is «--12-15» and «الشهر
    الماضي» «--11».  Resolved in a proxy year, then given back without it; a weekday («الأحد الماضي»)
    needs the real calendar, so it stays unresolved."""
    if not (1 <= month <= 12) or (day is not None and not _valid(_PROXY_YEAR, month, day)):
        return _find_in_norm(text, norm, idx, (None, None, None))
    out = []
    for d in _find_in_norm(text, norm, idx, (_PROXY_YEAR, month, day)):
        value = d.value
        if value and value.startswith(str(_PROXY_YEAR)) and str(_PROXY_YEAR) not in d.text:
            weekday = any(w in normalize(d.text) for w in _vocab().weekday) and not any(r in normalize(d.text) for r in _vocab().relday)
            value = None if weekday or len(value) < 7 or "W" in value else "--" + value[5:]
        out.append(DateMention(d.start, d.end, d.text, value, d.precision, d.kind, d.end_value if value else None))
    return out


_PRIORITY = {name: i for i, name in enumerate(
    ["range", "range2", "dmy", "mdy", "hijri", "iso", "dmy_num", "my", "hijri_y", "year",
     "relday", "unitdir", "ago", "weekday"])}
_TRIGGER = re.compile(r"\d|كانون|تشرين")


@lru_cache(maxsize=1)
def _trigger_words() -> frozenset:
    """Every word that can start or anchor a date expression (digits are triggers too)."""
    v = _vocab()
    words: set[str] = set()
    for d in (v.month, v.hijri, v.weekday, v.relday, v.unit, v.ordinal):
        for form in d:
            words.update(form.split())
    # words that only ever precede another trigger (عام 2019, قبل يومين, شهر مارس, من 12 …) are
    # not triggers themselves: the window reaches back _WINDOW_BEFORE characters
    words -= {"من", "الاول", "الثاني", "يوم"}
    words.update(v.month)  # multi-word month names' first words are included above
    return frozenset(w for w in words if len(w) >= 2)


_DIGIT = re.compile(r"\d")
_WORD_OR_DIGITS = re.compile(r"\d+|[\u0621-\u064a]{2,}")
_WINDOW_BEFORE = 45
_WINDOW_AFTER = 100
# which word class a pattern cannot match without (digits are checked per window)
_NEEDS_CLASS = {"range": "month", "range2": "month", "dmy": "month", "mdy": "month", "my": "month",
                "hijri": "hijri", "relday": "relday", "weekday": "weekday", "unitdir": "unit", "ago": "unit"}
_NEEDS_DIGIT = frozenset({"range", "range2", "mdy", "hijri", "hijri_y", "iso", "dmy_num", "year"})
# a cheap scan each pattern's matches cannot do without (every match contains one): a window without it
# skips the pattern's costlier search
_NEEDS_TEXT = {"year": re.compile(r"\d{4}"), "iso": re.compile(r"\d{4}[-/.]\d"), "hijri_y": re.compile(r"1[2-5]\d\d"),
               "dmy_num": re.compile(r"\d[^\S\n]{0,2}[-/.–][^\S\n]{0,2}\d")}


@lru_cache(maxsize=1)
def _word_classes() -> tuple[dict[str, frozenset], dict[str, tuple[str, ...]]]:
    """Trigger word -> the word classes of the forms it is part of; and per class, its forms that
    contain no trigger word («يوم»), which a window is searched for as plain substrings."""
    v = _vocab()
    forms = {"month": v.month, "hijri": v.hijri, "weekday": v.weekday, "relday": v.relday, "unit": v.unit}
    trig = _trigger_words()
    classes: dict[str, set[str]] = {}
    untriggered: dict[str, tuple[str, ...]] = {}
    for cls, fs in forms.items():
        for form in fs:
            for w in form.split():
                if w in trig:
                    classes.setdefault(w, set()).add(cls)
        untriggered[cls] = tuple(f for f in fs if not any(w in trig for w in f.split()))
    return {w: frozenset(c) for w, c in classes.items()}, {c: f for c, f in untriggered.items() if f}


@lru_cache(maxsize=1)
def _trigger_regex() -> re.Pattern:
    """Digit runs and whole trigger words, optionally after one clitic letter: a character trie of the
    trigger words, so the engine tests a word start against the words' first letters, not each word."""
    trie: dict = {}
    for word in _trigger_words():
        if " " in word:
            continue  # multi-word month names are found through their first word
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    letters = "\u0621-\u064a"
    return re.compile(rf"\d+|(?<![{letters}])[وفبل]?{build(trie)}(?![{letters}])")


def _windows(norm: str) -> list[tuple[int, int, set[str]]]:
    """Regions of ``norm`` around trigger words/digits (merged), each with the word classes seen
    in it: patterns only run there, and only those whose class is present (every match of a
    pattern contains a form of its class, so skipping the others changes nothing but the time)."""
    trig = _trigger_words()
    word_classes, untriggered = _word_classes()
    out: list[list] = []
    n = len(norm)
    # the regex finds only digit runs and trigger words (as they stand or after one clitic letter,
    # «بيناير»), so the loop below never sees the other words of the document
    for m in _trigger_regex().finditer(norm):
        w = m.group()
        if w[0].isdigit():
            cls = frozenset()
        elif w in trig:
            cls = word_classes.get(w, frozenset())
        else:
            cls = word_classes.get(w[1:], frozenset())
        s, e = max(0, m.start() - _WINDOW_BEFORE), min(n, m.end() + _WINDOW_AFTER)
        if out and s <= out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], e)
            last[2] |= cls
        else:
            out.append([s, e, set(cls)])
    for win in out:
        chunk = None
        for cls, forms in untriggered.items():
            if cls not in win[2]:
                chunk = norm[win[0]:win[1]] if chunk is None else chunk
                if any(f in chunk for f in forms):
                    win[2].add(cls)
    return [(s, e, c) for s, e, c in out]


def _find_in_norm(text: str, norm: str, idx: list[int], anchor) -> list[DateMention]:
    v = _vocab()
    cands = []
    seen = set()
    n = len(norm)
    has_digit = _DIGIT.search
    for ws, we, classes in _windows(norm):
        digits = has_digit(norm, ws, we) is not None
        for name, rx in _patterns().items:
            if not digits and name in _NEEDS_DIGIT:
                continue
            need = _NEEDS_CLASS.get(name)
            if need is not None and need not in classes:
                continue
            scan = _NEEDS_TEXT.get(name)
            if scan is not None and scan.search(norm, ws, we) is None:
                continue
            for m in rx.finditer(norm, ws, we):
                if m.end() == m.start():
                    continue
                if m.end() == we and we < n:
                    # the window cut the match short: redo it on the full string from here
                    m = rx.match(norm, m.start())
                    if m is None:
                        continue
                key = (m.start(), m.end(), name)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    res = _resolve(name, m, anchor, v)
                except (ValueError, OverflowError):  # "غدا" after 9999-12-31, "قبل 99999999 يوما"
                    res = None
                if res is None:
                    continue
                cands.append((m.start(), m.end(), name, m, res))
    # longest first, then priority; keep non-overlapping
    cands.sort(key=lambda c: (-(c[1] - c[0]), _PRIORITY[c[2]], c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    import bisect

    for c in cands:
        s, e = c[0], c[1]
        i = bisect.bisect_left(taken, (s, -1))
        if i > 0 and taken[i - 1][1] > s:
            continue
        if i < len(taken) and taken[i][0] < e:
            continue
        taken.insert(i, (s, e))
        chosen.append(c)
    chosen.sort(key=lambda c: c[0])
    out = []
    for s, e, name, m, (value, prec, kind, end_value) in chosen:
        if "s" in m.groupdict() and m.group("s") is not None:
            s, e = m.start("s"), m.end("s") if name != "year" else m.end()
        # trim trailing/leading whitespace of the span
        while e > s and norm[e - 1].isspace():
            e -= 1
        while s < e and norm[s].isspace():
            s += 1
        os_, oe = idx[s], idx[e - 1] + 1
        # take marks/tatweel that trail the last character (هـ, ً …) into the span
        while oe < idx[e] and not text[oe].isspace():
            oe += 1
        out.append(DateMention(os_, oe, text[os_:oe], value, prec, kind, end_value))
    return out


# ----------------------------------------------------------------------------- document date

_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[^\S\n]{0,2}(?:[صم]|[AaPp]\.?[Mm]\.?)(?!\w))?")
_DATE_LABEL = re.compile(
    r"(?<!\w)(?:تاريخ(?:[^\S\n]{1,3}ال)?(?:نشر|اضافه|تحديث)?|نشر(?:[^\S\n]{1,3}في)?|اخر[^\S\n]{1,3}تحديث|"
    r"تم[^\S\n]{1,3}النشر|بتاريخ|الموافق|نشر[^\S\n]{1,3}بتاريخ|منذ|GMT|UTC|بتوقيت[^\S\n]{1,3}\w+)(?!\w)",
)
_DATELINE = re.compile(r"^[^\n\d().،,:]{2,40}?(?:[^\S\n]{1,3}|[،,][^\S\n]{0,3})$")  # «سيول، 11 ديسمبر»
# «الكويت - 16 - 12 (كونا) --»: a wire dateline with a numeric day and month and no year
_NUMERIC_DATELINE = re.compile(r"^[^\n\d().،,:]{2,40}?[-–—][^\S\n]{0,3}([0-3]?\d)[^\S\n]{0,3}[-/.][^\S\n]{0,3}([01]?\d)[^\S\n]{0,3}(?:\(|[-–—](?![^\S\n]{0,3}\d))")


_ERA_MARK = re.compile(r"^(?:م|ه|هـ)(?![\u0621-\u064a])\.?[^\S\n]*")  # the Gregorian / Hijri mark after a year
_HEAD_CHARS = 160  # a dateline's place and date fit well inside this
_PHRASE_WORDS = ("بتاريخ", "نشر في", "تاريخ النشر")


def _has_month_word(norm: str) -> bool:
    words = _month_words()
    return any(w in words or (w[0] in "وفبل" and w[1:] in words) for w in _WORD_OR_DIGITS.findall(norm))


@lru_cache(maxsize=1)
def _month_words() -> frozenset:
    """Trigger words of Gregorian and Hijri month names."""
    return frozenset(w for w, cls in _word_classes()[0].items() if cls & {"month", "hijri"})


def _line_dates(line: str, nline: str) -> list[DateMention]:
    """The dates of one line (``nline``: its normalized form) that can date a document: only a
    date with a day can, and that needs a digit or a month name.  A long line is a paragraph:
    only its head can hold a date line or a dateline, so the rest is read only when a date
    phrase («بتاريخ») may come later, or when the head's first date may have been cut."""
    if not _DIGIT.search(nline) and not _has_month_word(nline):
        return []
    keep = lambda ds: [d for d in ds if d.value and d.kind in ("absolute", "hijri", "partial")]  # noqa: E731
    if len(line) <= _HEAD_CHARS:
        return keep(find_dates(line))
    cut = line.rfind(" ", 0, _HEAD_CHARS)
    head = line[: cut if cut > 0 else _HEAD_CHARS]
    mentions = keep(find_dates(head))
    if mentions and mentions[0].end < len(head) - 40:
        return mentions
    if mentions or any(w in nline for w in _PHRASE_WORDS):
        return keep(find_dates(line))
    return []


_SHORT_DATELINE_WORDS = 4
_SHORT_DATELINE_CHARS = 100


def _short_dateline(line: str, nline: str, mentions: list[DateMention], seen: int) -> str | None:
    """A line among the first four that is a place, an agency and a day date, and nothing else: at most
    four other words, none of them a verb.  The Gregorian date wins over a Hijri one on the same line."""
    if seen > 4 or len(line.strip()) > _SHORT_DATELINE_CHARS or any(w in nline for w in _PHRASE_WORDS + ("نشر",)):
        return None  # «نشر بتاريخ …» is a date phrase
    days = [d for d in mentions if d.precision == "day"]
    if not days:
        return None
    rest = line
    for d in sorted(mentions, key=lambda d: -d.start):
        rest = rest[: d.start] + " " + rest[d.end:]
    words = [w for w in re.findall(r"[\u0621-\u064a]+", normalize(_TIME.sub(" ", rest))) if len(w) > 1 and w != "الموافق"]
    if len(words) > _SHORT_DATELINE_WORDS or any(w in event_words() for w in words):  # clause openers included
        return None
    if not words:
        return None  # nothing but the date: a date-line, decided above
    gregorian = [d for d in days if d.kind != "hijri"]
    return (gregorian or days)[0].value


def document_date(text: str, max_lines: int = 15, max_chars: int = 3000) -> tuple[str | None, str | None]:
    """Publication date of a document from its first lines: ``(iso, source)`` with source
    ``date-line`` (a line that is only a date, maybe with time/weekday/label, e.g.
    "2024-04-13 19:18:53", "السبت 27 ديسمبر 2025 - 10:54 م", "تاريخ النشر: ..."),
    ``dateline`` (a news dateline "بيونغ يانغ 13 نيسان/أبريل (كنا) -"), ``date-phrase``
    ("بتاريخ ..." in the first lines) or ``lead`` ("اليوم الأربعاء 22 يناير 2025" in the lead, when
    nothing above dates it); ``(None, None)`` when none is found."""
    head = text[:max_chars]
    if not re.search(r"[\d٠-٩۰-۹]", head):
        return None, None
    lines = head.split("\n")
    seen = 0
    best_phrase = None
    best_lead = None
    for line in lines:
        if not line.strip():
            continue
        seen += 1
        if seen > max_lines:
            break
        nline = normalize(line)
        numeric = _NUMERIC_DATELINE.match(nline)
        if numeric and 1 <= int(numeric.group(1)) <= 31 and 1 <= int(numeric.group(2)) <= 12:
            return f"--{int(numeric.group(2)):02d}-{int(numeric.group(1)):02d}", "dateline"
        # line by line, stopping at the first date line: most documents give it in their first lines
        mentions = _line_dates(line, nline)
        if not mentions:
            continue
        first = mentions[0]
        # date-line: nothing but the date, a time, a weekday, a label and separators
        rest = normalize(line[: first.start] + " " + line[first.end:])
        rest = _TIME.sub(" ", rest)
        rest = _DATE_LABEL.sub(" ", rest)
        for wd in _vocab().weekday:
            rest = rest.replace(wd, " ")
        if not re.sub(r"[\W_]+", "", rest) and first.precision == "day":
            return first.value, "date-line"
        # dateline: a short place name, then the date, then "(agency)" or a dash
        pre = normalize(line[: first.start])
        post = _ERA_MARK.sub("", normalize(line[first.end:]).lstrip(), count=1)  # «9-9-2025م (سونا)»
        if first.precision == "day" and _DATELINE.match(pre) and (post.startswith("(") or post[:1] in "-–—:/"):
            return first.value, "dateline"
        # a short dateline in another house style: «موسكو، 24 تشرين الثاني/نوفمبر 2025. /تاس/.»،
        # «الرياض 23 ربيع الآخر 1447 هـ الموافق 15 أكتوبر 2025 م واس»، «الرياض - سبأ : [03/ أغسطس/2025]»
        short = _short_dateline(line, nline, mentions, seen)
        if short:
            return short, "dateline"
        if best_phrase is None and first.precision == "day" and re.search(r"(?:بتاريخ|نشر في|تاريخ النشر)\W*$", pre):
            best_phrase = first.value
        if best_lead is None and seen <= 4 and first.precision == "day" and not first.value.startswith("--") \
                and _today_before(pre):
            best_lead = first.value
    if best_phrase:
        return best_phrase, "date-phrase"
    if best_lead:
        return best_lead, "lead"
    return None, None


def _today_before(pre: str) -> bool:
    """«… اليوم الأربعاء 22 يناير 2025»: the lead names the story's day as today (the dateline
    gave none), so it is the day of the report."""
    words = re.findall(r"[\u0621-\u064a]+", pre)[-2:]
    if words and words[-1] in _vocab().weekday:
        words = words[:-1]
    return bool(words) and words[-1] == "اليوم"
