"""Reading input documents: paths, encodings, HTML and JSON Lines → :class:`Document`.

* Encodings: UTF-8 (with or without BOM), UTF-16 LE/BE (BOM, or BOM-less detected by the
  pattern of NUL bytes), Windows-1256 and ISO-8859-6.  For legacy single-byte input
  charset-normalizer proposes, and we arbitrate between cp1256 and iso-8859-6 ourselves by
  which decoding yields more Arabic letters and fewer C1/control characters (detectors often
  confuse the two, and also propose cp1252/cp1255 etc. for short Arabic texts).
* Binary files (NUL bytes without UTF-16 pattern, known magic numbers) raise
  ``InputError(path, "binary file (PNG)")``; empty / whitespace-only files raise InputError.
* HTML (``.html``/``.htm`` or sniffed) is reduced to the article text with selectolax
  (lexbor): script/style/nav/header/footer/aside/form… dropped, block elements become
  paragraph breaks, title from ``<title>`` or the first ``<h1>``.
* JSON Lines: one Document per line ``{"id","text","date","source","title"}``; a bad line
  becomes an :class:`InputProblem` for ``path:line`` and the other lines are still read.
* The document date comes from metadata when given, else :func:`kg.text.dates.document_date`
  on the text (never the file mtime); ``date_source`` says where it came from.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import InputError

__all__ = [
    "Document",
    "InputProblem",
    "INPUT_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "decode_bytes",
    "html_to_text",
    "iter_input_paths",
    "read_path",
    "read_documents",
    "read_text",
]

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Document:
    id: str
    text: str
    path: str | None = None
    title: str | None = None
    source: str | None = None
    date: str | None = None
    date_source: str | None = None  # "metadata" | "dateline" | "date-line" | ... | None
    encoding: str | None = None

    @property
    def date_from_text(self) -> bool:
        """The date is (to be) read off the text, not given by metadata: a function of the text, so a
        cache keyed by the text need not compute it."""
        return bool(self.__dict__.get("_pending"))

    def _defer_date(self) -> None:
        self.__dict__["_pending"] = True

    def _resolve_date(self) -> None:
        from kg.text.dates import document_date

        self.__dict__["_pending"] = False
        self.__dict__["_date"], self.__dict__["_date_source"] = document_date(self.text)


def _lazy(name: str) -> property:
    """``date`` / ``date_source``: read off the text on first use (a cache hit never needs them)."""
    def get(self):
        if self.__dict__.get("_pending"):
            self._resolve_date()
        return self.__dict__.get(name)

    def put(self, value):
        if self.__dict__.get("_pending"):
            self._resolve_date()  # the other field keeps what the text says; this one takes ``value``
        self.__dict__[name] = value

    return property(get, put)


Document.date = _lazy("_date")  # type: ignore[assignment]
Document.date_source = _lazy("_date_source")  # type: ignore[assignment]


@dataclass(frozen=True)
class InputProblem:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# ----------------------------------------------------------------------------- encodings

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"%PDF-", "PDF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x7fELF", "ELF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2/MS Office"),
    (b"RIFF", "RIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"OggS", "Ogg"),
    (b"ID3", "MP3"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"SQLite format 3\x00", "SQLite"),
)


def _sniff_binary(data: bytes) -> str | None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypheic") or data[4:8] == b"ftyp":
        return "MP4/ISO media"
    if data.startswith(b"RIFF") or data[:4] == b"WEBP":
        return "RIFF"
    return None


def _utf16_guess(data: bytes) -> str | None:
    """BOM-less UTF-16: Arabic (U+06xx) and ASCII text has a NUL or 0x06 in every other byte."""
    n = min(len(data), 4096) & ~1
    if n < 4:
        return None
    even = data[0:n:2]
    odd = data[1:n:2]
    half = n // 2

    def hi_share(b: bytes) -> float:
        return sum(1 for x in b if x in (0, 6, 0x20, 0xFE)) / half

    def nul_share(b: bytes) -> float:
        return b.count(0) / half

    if hi_share(odd) > 0.9 and nul_share(odd) > 0.05 and nul_share(even) < 0.05:
        return "utf-16-le"
    if hi_share(even) > 0.9 and nul_share(even) > 0.05 and nul_share(odd) < 0.05:
        return "utf-16-be"
    return None


def _arabic_score(text: str) -> float:
    """Higher is better: Arabic letters count, C1/controls and replacement chars cost a lot."""
    ar = bad = 0
    for ch in text:
        cp = ord(ch)
        if 0x0621 <= cp <= 0x064A:
            ar += 1
        elif (cp < 0x20 and ch not in "\t\n\r\f") or 0x7F <= cp <= 0x9F or cp == 0xFFFD:
            bad += 1
        elif 0xC0 <= cp <= 0x24F:
            bad += 0.5  # Latin-1/Latin-extended letters in an "Arabic" decoding: suspicious
    return ar - 10 * bad


def _decode_legacy(data: bytes) -> tuple[str, str]:
    candidates: list[tuple[float, str, str]] = []
    for enc in ("cp1256", "iso-8859-6"):
        try:
            txt = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_arabic_score(txt), enc, txt))
    best = max(candidates, default=None)
    ar_letters = 0
    if best is not None:
        ar_letters = sum(1 for ch in best[2] if "\u0621" <= ch <= "\u064a")
    if best is not None and ar_letters >= 1:
        # Arabic somewhere: pick between the two Arabic codepages (cp1256 wins ties: superset in use)
        candidates.sort(key=lambda c: (c[0], c[1] == "cp1256"), reverse=True)
        return candidates[0][2], candidates[0][1]
    # No Arabic in either decoding: ask charset-normalizer (Latin input, etc.)
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(data).best()
    except Exception:  # pragma: no cover - library failure
        match = None
    if match is not None:
        return str(match), match.encoding
    if best is not None:
        return best[2], best[1]
    return data.decode("cp1256", errors="replace"), "cp1256"


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding)``.  Raises InputError on binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise InputError(path, f"invalid UTF-8 after BOM at byte {e.start + 3}") from None
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        text = _decode_utf16(data[2:], enc)
        if text is None:
            raise InputError(path, f"invalid {enc.upper()} text")
        return text
    kind = _sniff_binary(data)
    if kind:
        raise InputError(path, f"binary file ({kind})")
    if b"\x00" in data:
        enc = _utf16_guess(data)
        if enc:
            text = _decode_utf16(data, enc)
            if text is not None:
                return text
        raise InputError(path, "binary file (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        repaired = _repair_utf8(data, err)
        if repaired is not None:
            return repaired
    return _decode_legacy(data)


def _decode_utf16(data: bytes, enc: str) -> tuple[str, str] | None:
    """UTF-16 text; a file cut after an odd byte (or inside a surrogate pair) loses only that stub."""
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as err:
        if err.end == len(data) and len(data) - err.start <= 3:
            try:
                return data[: err.start].decode(enc), f"{enc} (truncated)"
            except UnicodeDecodeError:
                return None
        return None


def _repair_utf8(data: bytes, err: UnicodeDecodeError) -> tuple[str, str] | None:
    """UTF-8 text cut in the middle of a character (a truncated download or copy), or with a
    few stray bytes, must not fall through to the cp1256 guess: that turns every Arabic letter
    into mojibake (ط§ظ„) and the document silently into garbage."""
    if err.reason == "unexpected end of data" and err.end == len(data) and len(data) - err.start <= 3:
        head = data[: err.start].decode("utf-8", errors="replace")
        if "\ufffd" not in head and any(ord(c) >= 0x80 for c in head):
            return head, "utf-8 (truncated)"
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    multibyte = sum(1 for c in text if c >= "\x80") - text.count("\ufffd")
    if 0 < bad and multibyte >= 20 * bad:
        return text, f"utf-8 ({bad} invalid byte sequence{'s' if bad > 1 else ''} replaced)"
    return None


# ----------------------------------------------------------------------------- HTML

_HTML_SNIFF = re.compile(rb"^\s*(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "canvas", "button", "select", "textarea", "menu", "dialog", "object",
    "embed", "link", "meta",
)
_BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table",
    "section", "article", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "dl",
    "main", "address", "hr", "td", "th", "caption", "time",
}
_BOILERPLATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|sidebar|share|social|comments?|footer|header|"
    r"related|advert|ads?|cookie|newsletter|subscribe|tags)(?:$|[\s_-])",
    re.I,
)


def looks_like_html(data: bytes | str) -> bool:
    head = data[:4096]
    if isinstance(head, str):
        head = head.encode("utf-8", "ignore")
    return bool(_HTML_SNIFF.match(head))


def html_to_text(html: str) -> tuple[str, str | None]:
    """Article text (paragraphs separated by blank lines) and title of an HTML page."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = None
    t = tree.css_first("title")
    if t is not None:
        title = " ".join(_CONTROL.sub("", t.text(deep=True)).split()) or None
    h1 = tree.css_first("h1")
    h1_text = " ".join(_CONTROL.sub("", h1.text(deep=True)).split()) if h1 is not None else ""
    if h1_text:
        title = h1_text if not title or h1_text in title or len(h1_text) >= 8 else title
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            _decompose(node)
    for node in tree.css("[class], [id], [role]"):
        if node.tag in ("html", "body"):
            continue  # <html role="navigation"> / <body class="nav">: never drop the page itself
        role = (node.attributes.get("role") or "").lower()
        cls = " ".join(filter(None, [node.attributes.get("class"), node.attributes.get("id")]))
        if role in ("navigation", "banner", "contentinfo", "complementary", "search") or (
            cls and _BOILERPLATE_CLASS.search(cls) and node.tag not in ("article", "main")
        ):
            _decompose(node)
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return "", title
    parts: list[str] = []
    _walk(root, parts)
    raw = _CONTROL.sub("", "".join(parts))  # &#1; and friends
    paras = []
    for block in re.split(r"\n\s*\n", raw):
        line = " ".join(block.split())
        if line:
            paras.append(line)
    return "\n\n".join(paras), title


def _decompose(node) -> None:
    try:
        node.decompose()
    except Exception:  # noqa: BLE001 — lexbor refuses to decompose the root node
        pass


def _walk(node, out: list[str]) -> None:
    # iterative DFS; text nodes have tag "-text"
    stack = [(node, False)]
    while stack:
        n, closing = stack.pop()
        tag = n.tag
        if closing:
            out.append("\n\n")
            continue
        if tag == "-text":
            out.append(n.text_content or "")
            continue
        if tag in ("-comment", "!doctype"):
            continue
        block = tag in _BLOCK_TAGS
        if block:
            out.append("\n\n")
            stack.append((n, True))
        children = []
        c = n.child
        while c is not None:
            children.append(c)
            c = c.next
        for c in reversed(children):
            stack.append((c, False))


# ----------------------------------------------------------------------------- paths

_GLOB_CHARS = re.compile(r"[*?\[]")


def iter_input_paths(inputs: Iterable[str | Path] | str | Path) -> Iterator[Path | InputProblem]:
    """Expand inputs: files as given; folders → every .txt/.html/.htm/.jsonl below, sorted by
    relative path (symlink loops are not followed twice); glob patterns; a missing path →
    :class:`InputProblem`.  Each file is yielded once."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    seen: set[str] = set()

    def emit(p: Path) -> Iterator[Path]:
        try:
            key = str(p.resolve())
        except OSError:
            key = str(p)
        if key not in seen:
            seen.add(key)
            yield p

    for item in inputs:
        p = Path(item)
        if p.is_dir():
            for f in _walk_dir(p):
                if isinstance(f, InputProblem):
                    yield f
                else:
                    yield from emit(f)
        elif p.is_file():
            yield from emit(p)
        elif _GLOB_CHARS.search(str(item)):
            matches = _glob(str(item))
            if not matches:
                yield InputProblem(str(item), "no file matches this pattern")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    for f in _walk_dir(mp):
                        if isinstance(f, InputProblem):
                            yield f
                        else:
                            yield from emit(f)
                elif mp.is_file():
                    yield from emit(mp)
                elif mp.suffix.lower() in INPUT_SUFFIXES:
                    yield InputProblem(m, _not_regular(mp))
        elif p.exists() or p.is_symlink():
            yield InputProblem(str(item), _not_regular(p))
        else:
            yield InputProblem(str(item), "no such file or directory")


def _glob(pattern: str) -> list[str]:
    """``glob.glob(pattern, recursive=True)``, sorted, except that ``**`` is expanded by the
    loop-safe directory walk: glob's own ``**`` follows symlinked directories without memory,
    so two links to ``..`` in one folder make it explore 2**40 paths (the build hangs)."""
    if "**" not in pattern:
        return sorted(glob.glob(pattern))
    parts = pattern.split("/")
    k = next(i for i, part in enumerate(parts) if _GLOB_CHARS.search(part))
    root = "/".join(parts[:k]) or ("/" if pattern.startswith("/") else ".")
    if not os.path.isdir(root):
        return []
    rx = _glob_regex(pattern if k else "./" + pattern)  # os.walk(".") yields "./name"
    out: list[str] = []
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in visited:
            dirnames[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in [*dirnames, *filenames]:
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            if rx.match(full):
                out.append(full if k else full[2:])
    return sorted(set(out))


def _glob_regex(pattern: str) -> "re.Pattern[str]":
    """Shell-glob → regex: ``**/`` any number of folders, ``*`` / ``?`` within one name, ``[…]``."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (j := pattern.find("]", i + 2)) > 0:
            body = pattern[i + 1:j]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _not_regular(fp: Path) -> str:
    """Why an input-looking name (``x.txt``) is not read: FIFO, socket, device, broken symlink."""
    try:
        st = os.stat(fp)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symlink loop"
        if os.path.islink(fp):
            return "dangling symlink (target missing)"
        return f"cannot read: {e.strerror or e}"
    mode = st.st_mode
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):
        if test(mode):
            return f"not a regular file ({name})"
    return "not a regular file"


def _walk_dir(root: Path) -> list[Path | InputProblem]:
    found: list[tuple[str, Path | InputProblem]] = []
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
            key = (st.st_dev, st.st_ino)
        except OSError:
            dirnames[:] = []
            continue
        if key in visited:  # symlink loop or second route to the same directory
            dirnames[:] = []
            continue
        visited.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in filenames:
            if fn.startswith("."):
                continue
            if fn.lower().endswith(INPUT_SUFFIXES):
                fp = Path(dirpath) / fn
                rel = fp.relative_to(root).as_posix()
                if fp.is_file():
                    found.append((rel, fp))
                elif not fp.is_dir():  # a FIFO would block the build, a broken link has nothing to read
                    found.append((rel, InputProblem(str(fp), _not_regular(fp))))
    found.sort(key=lambda t: t[0])
    return [fp for _, fp in found]


# ----------------------------------------------------------------------------- reading


def read_text(path: str | Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Bytes of ``path`` decoded to text: ``(text, encoding)``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(path, f"file too large ({size} bytes > {max_bytes})")
        data = path.read_bytes()
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file or directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise InputError(path, "empty file")
    return decode_bytes(data, path)


def _finish(doc: Document) -> Document:
    if doc.date:
        doc.date_source = doc.date_source or "metadata"
    else:
        doc._defer_date()  # read off the text when first asked for (see Document.date_from_text)
    return doc


# C0/C1 control characters (but tab and line ends), DEL and the noncharacters U+FFFE/U+FFFF: never
# text in a news article, and not allowed in XML 1.0, so one "\x01" would make graph.graphml (and
# RDF/XML) unreadable.  Vertical tab, form feed and NEL are line breaks.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_LINE_CONTROL = re.compile("[\x0b\x0c\x85\x1c-\x1e]")


def _one_line(value: str) -> str:
    """Metadata (ids, titles, sources, file names) without control characters."""
    return _CONTROL.sub("", _LINE_CONTROL.sub(" ", value))


def _clean_text(text: str) -> str:
    # line ends: keep one "\n" convention so offsets are stable across platforms
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_CONTROL.sub("\n", text)
    return _CONTROL.sub("", text)


def read_path(path: str | Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read one file into Documents (one, or one per JSONL line).  Raises InputError.
    For JSONL, bad lines are skipped here; use :func:`read_documents` to get them reported."""
    return [d for d in _read_path(path, max_bytes) if isinstance(d, Document)]


def _read_path(path: str | Path, max_bytes: int | None) -> list[Document | InputProblem]:
    path = Path(path)
    text, enc = read_text(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(path, text, enc)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _clean_text(text)
    title = None
    if suffix in (".html", ".htm") or looks_like_html(text):
        text, title = html_to_text(text)
    if not text.strip():
        raise InputError(path, "no text" if suffix not in (".html", ".htm") else "no article text in HTML")
    doc = Document(id=_one_line(path.stem) or "document", text=text, path=str(path), title=title, encoding=enc)
    if title is None:
        doc.title = _first_line_title(text)
    return [_finish(doc)]


_ISO_DATE = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*")


def metadata_date(value: object) -> str | None:
    """A metadata date (JSON Lines ``date``) as an ISO value at its precision, or None when it is
    not a real date: ``2024-06-19``, ``2024-06-19T10:00:00Z``, ``2024-06``, ``2024``, or a date
    written in words (``19 يونيو 2024``).  Metadata is untrusted: ``2024-13-45`` must not reach the
    graph as an ill-typed ``xsd:date``."""
    import datetime as _dt

    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    if not text.strip() or len(text) > 200:
        return None
    m = _ISO_DATE.fullmatch(text)
    if m:
        y, mo, d = (int(g) if g else None for g in m.groups())
        try:
            _dt.date(y, mo or 1, d or 1)
        except ValueError:
            return None
        if y < 1000:
            return None
        return f"{y:04d}" + (f"-{mo:02d}" if mo else "") + (f"-{d:02d}" if d else "")
    from kg.text.dates import find_dates

    for d in find_dates(text):
        if d.value and d.kind in ("absolute", "hijri"):
            return d.value
    return None


def _first_line_title(text: str) -> str | None:
    for line in text.split("\n", 20)[:20]:
        s = line.strip()
        if s:
            return s[:300]
    return None


def _read_jsonl(path: Path, text: str, enc: str) -> list[Document | InputProblem]:
    out: list[Document | InputProblem] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            out.append(InputProblem(where, f"invalid JSON ({e.msg})"))
            continue
        if not isinstance(obj, dict):
            out.append(InputProblem(where, "not a JSON object"))
            continue
        body = obj.get("text")
        if isinstance(body, str):
            body = _clean_text(body)
        if not isinstance(body, str) or not body.strip():
            out.append(InputProblem(where, "missing or empty \"text\""))
            continue
        did = obj.get("id")
        did = _one_line(str(did)) if did is not None else ""
        if not did.strip():
            did = f"{_one_line(path.stem)}-{lineno}"
        title = obj.get("title")
        title = _one_line(str(title)) if title else None
        date = metadata_date(obj.get("date"))  # an invalid date falls back to the date in the text
        if looks_like_html(body):
            body, t2 = html_to_text(body)
            title = title or t2
        doc = Document(
            id=str(did),
            text=body,
            path=str(path),
            title=str(title) if title else _first_line_title(body),
            source=_one_line(str(obj["source"])) if obj.get("source") else None,
            date=str(date) if date else None,
            encoding=enc,
        )
        out.append(_finish(doc))
    if not out:
        raise InputError(path, "no JSON lines")
    return out


def read_documents(
    inputs: Iterable[str | Path] | str | Path, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> Iterator[Document | InputProblem]:
    """Yield a Document for each readable document and an InputProblem for each failure."""
    for p in iter_input_paths(inputs):
        if isinstance(p, InputProblem):
            yield p
            continue
        try:
            docs = _read_path(p, max_bytes)
        except InputError as e:
            yield InputProblem(e.path, e.reason)
            continue
        except Exception as e:  # noqa: BLE001 — a parser bug on one file must not stop the batch
            yield InputProblem(str(p), f"cannot read: {type(e).__name__}: {e}")
            continue
        yield from docs
