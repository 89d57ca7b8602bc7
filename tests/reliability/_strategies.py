"""Hypothesis strategies for hostile Arabic text and HTML."""

from __future__ import annotations

from hypothesis import strategies as st

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)] + list("ٱپچژگکیۀ")
MARKS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0654", "\u0655", "\u0610", "\u06d6", "\u08f0"]
TATWEEL = "\u0640"
BIDI = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + [
    "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060"]
DIGITS = [chr(c) for c in range(0x0660, 0x066A)] + [chr(c) for c in range(0x06F0, 0x06FA)] + list("0123456789")
PUNCT = list("،؛؟٫٬٪۔.!?…:\"'«»“”()[]{}<>-/\\&;#") + ["\u2026"]
# str.splitlines() boundaries, NBSP, ideographic space, line/paragraph separators
SPACES = [" ", " ", " ", "\n", "\n\n", "\t", "\r", "\r\n", "\u00a0", "\u3000", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"]
LATIN = list("abcxyzABCXYZ")
PRESENTATION = st.one_of(
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
)
COMBINING = st.characters(categories=("Mn", "Me", "Mc"))

# words the pipeline knows: they make the linker, dates and relation rules fire
KNOWN_WORDS = [
    "بوتين", "فلاديمير بوتين", "كيم جونغ أون", "روسيا", "موسكو", "بيونغ يانغ", "الرئيس", "الروسي",
    "التقى", "زار", "وقع", "اتفاقية", "لروسيا", "للاتحاد", "وبوتين", "بالرئيس", "أمس", "عام 2024",
    "19 يونيو 2024", "١٣ نيسان ٢٠٢٤", "في", "مع", "و", "الى", "إلى", "حزب", "وزير الخارجية", "هـ",
]

arabic_char = st.one_of(
    st.sampled_from(ARABIC_LETTERS), st.sampled_from(MARKS), st.just(TATWEEL), st.sampled_from(BIDI),
    st.sampled_from(DIGITS), st.sampled_from(PUNCT), st.sampled_from([c for c in SPACES if len(c) == 1]), st.sampled_from(LATIN),
    PRESENTATION, COMBINING,
)


def _repeat(piece: str, n: int) -> str:
    return piece * n


long_token = st.builds(_repeat, st.sampled_from(ARABIC_LETTERS + [TATWEEL, "٣", "ـال", "وب", "a", "\u064e"]),
                       st.integers(200, 5000))

piece = st.one_of(
    st.text(arabic_char, min_size=1, max_size=12),
    st.sampled_from(KNOWN_WORDS),
    st.sampled_from(SPACES),
    st.sampled_from(BIDI),
)

arabic_text = st.lists(piece, max_size=40).map("".join)
hostile_text = st.one_of(
    arabic_text,
    st.text(max_size=200),  # arbitrary Unicode (no surrogates)
    st.builds(lambda a, t, b: a + t + b, arabic_text, long_token, arabic_text),
)

# ---------------------------------------------------------------- HTML
TAGS = ["div", "p", "span", "b", "article", "main", "script", "style", "title", "h1", "table", "tr", "td",
        "nav", "header", "br", "img", "a", "li", "ul", "svg", "template", "noscript", "iframe", "body", "html", "head"]


@st.composite
def html_doc(draw) -> str:
    out: list[str] = []
    depth = draw(st.integers(0, 6))
    for _ in range(draw(st.integers(0, 18))):
        kind = draw(st.integers(0, 9))
        tag = draw(st.sampled_from(TAGS))
        if kind <= 2:
            attrs = draw(st.sampled_from(["", ' class="nav"', ' role="navigation"', " id='x", ' onerror="alert(1)"', " class=menu id=main"]))
            out.append(f"<{tag}{attrs}>")
        elif kind <= 4:
            out.append(f"</{tag}>")
        elif kind == 5:
            out.append(draw(st.sampled_from(["<!--", "-->", "<!doctype html>", "<![CDATA[", "]]>", "&amp;", "&#x202e;", "&#0;", "&#xD800;", "&nbsp;", "<", ">", "</", "<?xml?>"])))
        else:
            out.append(draw(arabic_text))
    body = "".join(out)
    nest = draw(st.sampled_from(["div", "p", "b", "span", "table", "article"]))
    n = draw(st.sampled_from([0, depth, 50, 300]))  # deeper nesting: explicit @example cases
    close = draw(st.booleans())
    return f"<{nest}>" * n + body + (f"</{nest}>" * n if close else "")


any_html = st.one_of(html_doc(), st.text(max_size=300).map(lambda t: "<html><body>" + t))
