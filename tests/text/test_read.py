from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.text.read import Document, InputProblem, decode_bytes, iter_input_paths, read_documents, read_path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256", "iso-8859-6"])
def test_reencoded_seeds_decode_identically(tmp_path, seed, enc):
    text = seed.read_text(encoding="utf-8")
    if enc == "iso-8859-6":
        # ISO-8859-6 has no code points for some characters of the seeds (e.g. “ ” ً ّ …)
        text = "".join(c for c in text if _encodable(c, enc))
    elif enc == "cp1256":
        text = "".join(c for c in text if _encodable(c, enc))
    p = tmp_path / f"{seed.stem}.txt"
    p.write_bytes(text.encode(enc))
    (doc,) = read_path(p)
    assert doc.text == text.replace("\ufeff", "", 1) if enc == "utf-16" else doc.text == text
    assert doc.id == seed.stem


def _encodable(c: str, enc: str) -> bool:
    try:
        c.encode(enc)
        return True
    except UnicodeEncodeError:
        return False


def test_encoding_names(tmp_path):
    text = SEED_FILES[0].read_text(encoding="utf-8")
    for enc, expected in [("cp1256", "cp1256"), ("utf-16-le", "utf-16-le"), ("utf-8-sig", "utf-8-sig")]:
        t = "".join(c for c in text if _encodable(c, enc))
        assert decode_bytes(t.encode(enc))[1] == expected
    iso = "".join(c for c in text if _encodable(c, "iso-8859-6"))
    assert decode_bytes(iso.encode("iso-8859-6"))[1] == "iso-8859-6"


def test_bomless_utf16_detected():
    t = "قال الرئيس إن الزيارة ناجحة. Hello 2024."
    assert decode_bytes(t.encode("utf-16-le")) == (t, "utf-16-le")
    assert decode_bytes(t.encode("utf-16-be")) == (t, "utf-16-be")


def test_binary_and_empty_files(tmp_path):
    png = tmp_path / "x.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(InputError, match=r"binary file \(PNG\)"):
        read_path(png)
    z = tmp_path / "z.txt"
    z.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(InputError, match="ZIP"):
        read_path(z)
    nul = tmp_path / "n.txt"
    nul.write_bytes(b"abc\x00\x01\x02\xff\xfe\x00\x00\x00zz" * 10)
    with pytest.raises(InputError, match="binary"):
        read_path(nul)
    e = tmp_path / "e.txt"
    e.write_bytes(b"  \n\t \n")
    with pytest.raises(InputError, match="empty"):
        read_path(e)
    e2 = tmp_path / "e2.txt"
    e2.write_bytes(b"")
    with pytest.raises(InputError) as ei:
        read_path(e2)
    assert ei.value.path == str(e2)


def test_max_size(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("كلمة " * 1000, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        read_path(p, max_bytes=100)


HTML = """<!doctype html><html><head><title>زيارة الرئيس - موقع الأخبار</title>
<style>.x{color:red}</style><script>var a = "لا تظهر";</script></head>
<body><header><nav><a href="/">الرئيسية</a> | <a>سياسة</a></nav></header>
<aside class="sidebar">الأكثر قراءة</aside>
<article><h1>الرئيس يزور موسكو</h1>
<p>موسكو 12 تموز/يوليو (وكالات) - وصل الرئيس إلى موسكو <b>اليوم</b> في زيارة رسمية.</p>
<p>وقال في بيان إن الزيارة تهدف إلى تعزيز العلاقات.</p>
<div class="share-buttons">شارك على فيسبوك</div>
</article><footer>جميع الحقوق محفوظة</footer></body></html>"""


def test_html_article_text(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(HTML, encoding="utf-8")
    (doc,) = read_path(p)
    assert doc.title == "الرئيس يزور موسكو"
    assert "وصل الرئيس إلى موسكو اليوم في زيارة رسمية." in doc.text
    for junk in ["لا تظهر", "color", "الرئيسية", "الأكثر قراءة", "جميع الحقوق", "فيسبوك"]:
        assert junk not in doc.text
    paras = doc.text.split("\n\n")
    assert len(paras) == 3 and paras[0] == "الرئيس يزور موسكو"


def test_html_sniffed_and_cp1256(tmp_path):
    p = tmp_path / "page.txt"
    p.write_bytes(HTML.replace("“", "").encode("cp1256", errors="ignore"))
    (doc,) = read_path(p)
    assert "وقال في بيان" in doc.text and doc.encoding == "cp1256"


def test_jsonl_with_bad_line(tmp_path):
    p = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "التقى الرئيس نظيره أمس.", "date": "2024-05-02", "source": "وكالة", "title": "لقاء"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "a2", "text": "السبت 27 ديسمبر 2025 - 10:54 م\nنص الخبر."}, ensure_ascii=False),
        json.dumps({"id": "a3", "text": ""}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_documents([p]))
    docs = [d for d in out if isinstance(d, Document)]
    probs = [d for d in out if isinstance(d, InputProblem)]
    assert [d.id for d in docs] == ["a1", "a2"]
    assert docs[0].date == "2024-05-02" and docs[0].date_source == "metadata" and docs[0].source == "وكالة"
    assert docs[1].date == "2025-12-27" and docs[1].date_source == "date-line"
    assert [pr.path for pr in probs] == [f"{p}:2", f"{p}:4"]


def test_iter_input_paths(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    for rel in ["b/2.txt", "a/1.html", "a/z.jsonl", "a/skip.png", "top.htm"]:
        (tmp_path / rel).write_text("نص", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "a" / "loop")  # symlink loop
    got = list(iter_input_paths([tmp_path, tmp_path / "missing.txt", str(tmp_path / "b" / "*.txt")]))
    files = [p.relative_to(tmp_path).as_posix() for p in got if isinstance(p, Path)]
    assert files == ["a/1.html", "a/z.jsonl", "b/2.txt", "top.htm"]
    probs = [p for p in got if isinstance(p, InputProblem)]
    assert len(probs) == 1 and "missing.txt" in probs[0].path


def test_seed_documents():
    docs = [d for d in read_documents([SEEDS]) if isinstance(d, Document)]
    assert len(docs) == 5
    by = {d.id[:3]: d for d in docs}
    assert (by["001"].date, by["001"].date_source) == ("2024-04-13", "date-line")
    assert (by["004"].date, by["004"].date_source) == ("2025-12-27", "date-line")
    for k in ("000", "002", "003"):
        assert by[k].date is None
