#!/usr/bin/env python3
"""Generate the bad-files corpus of the reliability tests (nothing big is committed).

    python tests/data/make_bad_corpus.py DEST [--no-big] [--many N]

writes into DEST:

* ``good/``: files that must build: UTF-8, Windows-1256, UTF-16 LE/BE with and without BOM,
  an HTML article, a JSON Lines file with one bad line (the good lines build, the bad line is
  reported as ``path:line``);
* ``bad/``: files that must be skipped, each with the reason ``kg build`` must give;
* ``big/``: a 10 MB single-line file (``--no-big`` leaves it out);
* ``many/``: ``--many N`` tiny files (10,000 in the slow test).

and returns / prints a manifest ``{relative path: expected reason (regex) or "ok"}``.
Unreadable files: ``bad/unreadable.txt`` is chmod 000; root reads it anyway, so the tests
either drop privileges or simulate the ``PermissionError`` (see tests/reliability/test_bad_corpus.py).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import zipfile
import zlib
from pathlib import Path

ARTICLE = (
    "موسكو 19 حزيران/يونيو 2024 (وكالات) - التقى الرئيس الروسي فلاديمير بوتين الزعيم الكوري الشمالي "
    "كيم جونغ أون في بيونغ يانغ، ووقع الزعيمان اتفاقية الشراكة الاستراتيجية الشاملة.\n\n"
    "وقال بوتين إن روسيا تقدر دعم كوريا الشمالية الثابت لسياستها.\n"
)

# expected reasons are regular expressions matched against report.json's "reason"
REASONS = {
    "bad/photo.txt": r"binary file \(PNG\)",
    "bad/archive.txt": r"binary file \(ZIP\)",
    "bad/empty.txt": r"empty file",
    "bad/whitespace.txt": r"empty file",
    "bad/nul-in-middle.txt": r"binary file \(NUL bytes\)",
    "bad/scripts-only.html": r"no article text in HTML",
    "bad/unreadable.txt": r"permission denied",
    "bad/loop-a.txt": r"symlink loop",
    "bad/loop-b.txt": r"symlink loop",
    "bad/dangling.txt": r"dangling symlink",
    "bad/fifo.txt": r"not a regular file \(FIFO\)",
    "bad/only-bad-lines.jsonl": r"invalid JSON",
    "good/news-one-bad-line.jsonl:2": r"invalid JSON",
    "big/one-line-10mb.txt": r"file too large",
}


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("article.txt", ARTICLE)
    return buf.getvalue()


def make_bad_corpus(dest: str | Path, *, big: bool = True, many: int = 0) -> dict[str, str]:
    dest = Path(dest)
    good, bad = dest / "good", dest / "bad"
    good.mkdir(parents=True, exist_ok=True)
    bad.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}

    def put(rel: str, data: bytes, reason: str = "ok") -> Path:
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        manifest[rel] = reason
        return p

    # ---------------------------------------------------------------- good
    put("good/utf8.txt", ARTICLE.encode("utf-8"))
    put("good/utf8-bom.txt", b"\xef\xbb\xbf" + ARTICLE.replace("موسكو", "الدوحة").encode("utf-8"))
    put("good/cp1256.txt", ARTICLE.replace("موسكو", "عمان").encode("cp1256"))
    put("good/utf16le-bom.txt", b"\xff\xfe" + ARTICLE.replace("موسكو", "بيروت").encode("utf-16-le"))
    put("good/utf16be-bom.txt", b"\xfe\xff" + ARTICLE.replace("موسكو", "دمشق").encode("utf-16-be"))
    put("good/utf16le-nobom.txt", ARTICLE.replace("موسكو", "القاهرة").encode("utf-16-le"))
    put("good/utf16be-nobom.txt", ARTICLE.replace("موسكو", "تونس").encode("utf-16-be"))
    put("good/utf16le-truncated.txt", (b"\xff\xfe" + ARTICLE.replace("موسكو", "الجزائر").encode("utf-16-le"))[:-1])
    # cut in the middle of the last (2-byte) Arabic letter: decoded as UTF-8 minus the stub
    trunc = (ARTICLE.strip() + " الشمالية").encode("utf-8")[:-1]
    put("good/truncated-utf8.txt", trunc)
    # control characters (never text; XML 1.0 forbids them, so they must not reach graph.graphml)
    put("good/control-chars.txt", ("\x1b[31m" + ARTICLE.replace("موسكو", "بغداد").replace(" ", " \x01", 3) + "\x0c\x7f").encode("utf-8"))
    put("good/article.html", (
        "<!doctype html><html><head><title>قمة بيونغ يانغ</title><script>var x = '</p>';</script></head>"
        "<body><nav class=menu>الرئيسية</nav><article><h1>قمة بيونغ يانغ</h1>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n") if p.strip())
        + "</article><footer>حقوق</footer></body></html>").encode("utf-8"))
    lines = [
        json.dumps({"id": "jl-1", "text": ARTICLE, "date": "2024-06-19"}, ensure_ascii=False),
        '{"id": "jl-2", "text": "broken',
        json.dumps({"id": "jl-3", "text": ARTICLE.replace("موسكو", "الرباط"), "date": "2024-13-45"}, ensure_ascii=False),
    ]
    put("good/news-one-bad-line.jsonl", "\n".join(lines).encode("utf-8"))
    manifest["good/news-one-bad-line.jsonl:2"] = REASONS["good/news-one-bad-line.jsonl:2"]

    # ---------------------------------------------------------------- bad
    put("bad/photo.txt", _png(), REASONS["bad/photo.txt"])
    put("bad/archive.txt", _zip(), REASONS["bad/archive.txt"])
    put("bad/empty.txt", b"", REASONS["bad/empty.txt"])
    put("bad/whitespace.txt", b" \n\t\r\n  \n", REASONS["bad/whitespace.txt"])
    put("bad/nul-in-middle.txt", ARTICLE.encode("utf-8")[:60] + b"\x00" + ARTICLE.encode("utf-8")[60:],
        REASONS["bad/nul-in-middle.txt"])
    put("bad/scripts-only.html", b"<html><head><script>alert(1)</script></head><body><script>document.write('x')</script>"
        b"<style>p{}</style></body></html>", REASONS["bad/scripts-only.html"])
    put("bad/only-bad-lines.jsonl", b'{"text": \n[1, 2\n', REASONS["bad/only-bad-lines.jsonl"])
    u = put("bad/unreadable.txt", ARTICLE.encode("utf-8"), REASONS["bad/unreadable.txt"])
    os.chmod(u, 0)
    for rel, target in (("bad/loop-a.txt", "loop-b.txt"), ("bad/loop-b.txt", "loop-a.txt"),
                        ("bad/dangling.txt", "does-not-exist.txt")):
        (dest / rel).symlink_to(target)
        manifest[rel] = REASONS[rel]
    (bad / "dir-loop").mkdir()
    # directory loops: walked once (two of them made glob's "**" explore 2**40 paths)
    (bad / "dir-loop" / "up").symlink_to("..", target_is_directory=True)
    (bad / "dir-loop" / "up2").symlink_to("..", target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(bad / "fifo.txt")
        manifest["bad/fifo.txt"] = REASONS["bad/fifo.txt"]
    (bad / "ignored.png").write_bytes(_png())  # not an input suffix: ignored, not reported

    # ---------------------------------------------------------------- big / many
    if big:
        size = 10 * 1024 * 1024
        unit = "التقى بوتين كيم في موسكو ".encode("utf-8")
        data = (unit * (size // len(unit) + 1))[:size]
        put("big/one-line-10mb.txt", data.decode("utf-8", "ignore").encode("utf-8"), REASONS["big/one-line-10mb.txt"])
    if many:
        d = dest / "many"
        d.mkdir(exist_ok=True)
        for i in range(many):
            (d / f"{i:05d}.txt").write_bytes(f"زار بوتين موسكو {i}.\n".encode("utf-8"))
            manifest[f"many/{i:05d}.txt"] = "ok"
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dest")
    ap.add_argument("--no-big", action="store_true", help="leave out the 10 MB file")
    ap.add_argument("--many", type=int, default=0, help="also write N tiny files under many/")
    args = ap.parse_args(argv)
    manifest = make_bad_corpus(args.dest, big=not args.no_big, many=args.many)
    json.dump({k: v for k, v in manifest.items() if not k.startswith("many/")}, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
