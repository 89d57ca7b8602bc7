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
_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")


def register_token_extensions() -> None:
    """Register ``Token._.clitic`` (idempotent)."""
    if not Token.has_extension("clitic"):
        Token.set_extension("clitic", default="")


def split_tokens(text: str) -> list[tuple[int, int, str]]:
    """Surface tokens ``(start, end, kind)`` (kind: num | w | p) before clitic splitting."""
    return [(m.start(), m.end(), m.lastgroup) for m in _TOKEN.finditer(text)]


class ArabicTokenizer:
    """See module docstring."""

    def __init__(self, vocab: Vocab, lexicon: Lexicon | None = None, cache_size: int = 200_000) -> None:
        register_token_extensions()
        self.vocab = vocab
        self.lexicon = lexicon if lexicon is not None else Lexicon.default()
        self._cache: dict[str, list[tuple[str, str, str]]] = {}
        self._cache_size = cache_size

    def _segments(self, word: str) -> list[tuple[str, str, str]]:
        res = self._cache.get(word)
        if res is None:
            if _ARABIC.search(word):
                res = [(s.text, s.norm, s.kind) for s in segment_word(word, self.lexicon)]
            else:
                res = [(word, normalize(word), "stem")]
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[word] = res
        return res

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        norms: list[str] = []
        kinds: list[str] = []
        pos = 0
        for m in _TOKEN.finditer(text):
            s, e = m.start(), m.end()
            if s > pos:
                self._whitespace(text[pos:s], words, spaces, norms, kinds)
            if m.lastgroup == "w":
                for t, n, k in self._segments(m.group()):
                    words.append(t)
                    spaces.append(False)
                    norms.append(n)
                    kinds.append(k)
            else:
                tok = m.group()
                words.append(tok)
                spaces.append(False)
                norms.append(normalize(tok))
                kinds.append("stem")
            pos = e
        if pos < len(text):
            self._whitespace(text[pos:], words, spaces, norms, kinds)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if not words:
            return doc
        add = self.vocab.strings.add
        arr = numpy.array([add(n) for n in norms], dtype="uint64").reshape(-1, 1)
        doc.from_array([NORM], arr)
        # Token._.clitic: write the extension's storage directly (keyed by char offset, as
        # spaCy's Underscore does) instead of creating a Token object per clitic
        ud = doc.user_data
        off = 0
        for w, sp, k in zip(words, spaces, kinds):
            if k != "stem":
                ud[("._.", "clitic", off, None)] = k
            off += len(w) + sp
        return doc

    @staticmethod
    def _whitespace(ws: str, words, spaces, norms, kinds) -> None:
        if words and not spaces[-1] and ws[0] == " ":
            spaces[-1] = True
            ws = ws[1:]
        if ws:
            words.append(ws)
            spaces.append(False)
            norms.append(ws)
            kinds.append("stem")

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
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text
