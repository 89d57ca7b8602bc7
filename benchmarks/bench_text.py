#!/usr/bin/env python
"""Throughput of the text stage alone, in words per second on one core.

Stage = read (decode + HTML check + document date) → normalize → sentences → tokens (spaCy
Doc with clitic splitting) → dates.  Input: the seed articles repeated until ≥ 1M words (each
copy is a separate document, as in a real batch).  Target: ≥ 150,000 words/s per core.

Usage: python benchmarks/bench_text.py [--words 1000000] [--seeds seeds]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = ap.parse_args(argv)

    import spacy

    from kg.text.dates import find_dates
    from kg.text.normalize import normalize_with_offsets
    from kg.text.read import Document, read_documents
    from kg.text.segment import split_sentences
    from kg.text.tokenizer import ArabicTokenizer

    seeds = sorted(args.seeds.glob("*.txt"))
    seed_words = sum(len(p.read_text(encoding="utf-8").split()) for p in seeds)
    copies = -(-args.words // seed_words)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for k in range(copies):
            for p in seeds:
                (tmp / f"{k:05d}_{p.name}").write_bytes(p.read_bytes())
        nlp = spacy.blank("ar")
        nlp.tokenizer = ArabicTokenizer(nlp.vocab)
        nlp.tokenizer("تهيئة")  # load lexicons outside the timing
        find_dates("12 تموز 2024")

        timings = dict.fromkeys(["read", "normalize", "sentences", "tokens", "dates"], 0.0)
        words = 0
        t_all = time.process_time()
        t = time.process_time()
        for doc in read_documents([tmp]):
            t1 = time.process_time()
            timings["read"] += t1 - t
            assert isinstance(doc, Document), doc
            text = doc.text
            words += len(text.split())
            normalized = normalize_with_offsets(text)
            t2 = time.process_time()
            timings["normalize"] += t2 - t1
            split_sentences(text)
            t3 = time.process_time()
            timings["sentences"] += t3 - t2
            nlp.tokenizer(text)
            t4 = time.process_time()
            timings["tokens"] += t4 - t3
            find_dates(text, doc.date, normalized=normalized)
            t = time.process_time()
            timings["dates"] += t - t4
        total = time.process_time() - t_all
    print(f"text stage: {words:,} words in {total:.2f} s CPU → {words / total:,.0f} words/s per core")
    for k, v in timings.items():
        print(f"  {k:10s} {v:6.2f} s  ({words / v:,.0f} words/s)" if v else f"  {k:10s} 0")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
