"""spaCy tokenizer for Arabic news: whitespace and punctuation, then clitics.

``ArabicTokenizer(vocab, lexicon)`` is callable ``text -> Doc``:

* ``doc.text == text`` exactly: whitespace other than one trailing space becomes whitespace
  tokens, as in spaCy's own tokenizer;
* tokens split on whitespace and punctuation (Arabic ، ؛ ؟ and Latin, quotes « » “ ” " ' and
  brackets); numbers keep their internal separators (3.5, 2024-04-13, 19:18:53, 1,000);
* Arabic words are then split into clitics with :func:`kg.text.clitics.segment_word`; the
  pieces have ``spaces=False`` between them;
* ``token.norm_`` is the matching form (:func:`kg.text.normalize.normalize`) of the piece, the
  article always ``ال``; ``token._.clitic`` is ``"" | "prefix" | "article" | "suffix"``.

Registered as ``@registry.tokenizers("kg.ArabicTokenizer.v1")``::

    [nlp.tokenizer]
    @tokenizers = "kg.ArabicTokenizer.v1"
"""

from __future__ import annotations

import re
from typing import Callable

import numpy
from spacy.attrs import NORM
from spacy.tokens import Doc, Token
from spacy.util import registry
from spacy.vocab import Vocab

from kg.text.clitics import Lexicon, segment_word
from kg.text.normalize import normalize

__all__ = ["ArabicTokenizer", "register_token_extensions", "create_arabic_tokenizer", "split_tokens"]

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff\u200c\u200d"
_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,:/٫٬\-]\d+)+)"  # 3.5 2024-04-13 19:18:53 1,000
    rf"|(?P<w>[\w{_MARKS}]+)"
    r"|(?P<p>\S)",
)
_WS = re.compile(r"\s+")
_TEXT_KEY = "kg_text"
_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")


def register_token_extensions() -> None:
    """Register ``Token._.clitic`` (idempotent)."""
    if not Token.has_extension("clitic"):
        Token.set_extension("clitic", default="")


def split_tokens(text: str) -> list[tuple[int, int, str]]:
    """Surface tokens ``(start, end, kind)`` (kind: num | w | p) before clitic splitting."""
    return [(m.start(), m.end(), m.lastgroup) for m in _TOKEN.finditer(text)]


def clitic_key(char_offset: int) -> tuple:
    """Where spaCy's Underscore keeps ``Token._.clitic`` of the token at ``char_offset`` in
    ``doc.user_data``: read or written there directly, no Token object is made per token."""
    return ("._.", "clitic", char_offset, None)


class ArabicTokenizer:
    """See module docstring."""

    def __init__(self, vocab: Vocab, lexicon: Lexicon | None = None, cache_size: int = 200_000) -> None:
        register_token_extensions()
        self.vocab = vocab
        self.lexicon = lexicon if lexicon is not None else Lexicon.default()
        self._cache: dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[int, str], ...]]] = {}
        self._cache_size = cache_size

    def _segments(self, word: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[int, str], ...]]:
        """The pieces of one surface word, memoised: their texts, the string ids of their norms (in
        this tokenizer's vocab), and ``(offset in the word, kind)`` of the clitic pieces."""
        res = self._cache.get(word)
        if res is None:
            if _ARABIC.search(word):
                pieces = [(s.text, s.norm, s.kind) for s in segment_word(word, self.lexicon)]
            else:
                pieces = [(word, normalize(word), "stem")]
            add = self.vocab.strings.add
            clitics = []
            off = 0
            for t, _, k in pieces:
                if k != "stem":
                    clitics.append((off, k))
                off += len(t)
            res = (tuple(t for t, _, _ in pieces), tuple(add(n) for _, n, _ in pieces), tuple(clitics))
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[word] = res
        return res

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        norms: list[int] = []
        clitics: list[tuple[int, str]] = []  # (char offset, kind) of the clitic pieces
        add = self.vocab.strings.add
        segments = self._segments
        pos = 0
        for m in _TOKEN.finditer(text):
            s = m.start()
            if s > pos:
                if s == pos + 1 and text[pos] == " " and words:
                    spaces[-1] = True  # the common case: one space after a token
                else:
                    self._whitespace(text[pos:s], words, spaces, norms)
            if m.lastgroup == "w":
                texts, ids, cl = segments(m.group())
                words.extend(texts)
                norms.extend(ids)
                if len(texts) == 1:
                    spaces.append(False)
                else:
                    spaces.extend([False] * len(texts))
                    for off, kind in cl:
                        clitics.append((s + off, kind))
            else:
                tok = m.group()
                words.append(tok)
                spaces.append(False)
                norms.append(add(normalize(tok)))
            pos = m.end()
        if pos < len(text):
            self._whitespace(text[pos:], words, spaces, norms)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[_TEXT_KEY] = text  # ``doc.text == text`` by construction (see doc_text)
        if not words:
            return doc
        doc.from_array([NORM], numpy.array(norms, dtype="uint64").reshape(-1, 1))
        # Token._.clitic: write the extension's storage directly (keyed by char offset, as
        # spaCy's Underscore does) instead of creating a Token object per clitic
        ud = doc.user_data
        for off, kind in clitics:
            ud[clitic_key(off)] = kind
        return doc

    def _whitespace(self, ws: str, words: list[str], spaces: list[bool], norms: list[int]) -> None:
        if words and not spaces[-1] and ws[0] == " ":
            spaces[-1] = True
            ws = ws[1:]
        if ws:
            words.append(ws)
            spaces.append(False)
            norms.append(self.vocab.strings.add(ws))

    def pipe(self, texts, batch_size: int = 1000):
        for t in texts:
            yield self(t)

    # serialization: the tokenizer has no state beyond packaged data
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "ArabicTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "ArabicTokenizer":
        return self


@registry.tokenizers("kg.ArabicTokenizer.v1")
def create_arabic_tokenizer() -> Callable:
    def make(nlp) -> ArabicTokenizer:
        return ArabicTokenizer(nlp.vocab, Lexicon.default())

    return make


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy joins every token again at each access, and the entity and
    relation stages read the text of the same document thousands of times."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text
