#!/usr/bin/env python3
"""Train the CRF Arabic NER model (``kg/models/ner-crf/``) and write its model card.

Reproducible command (2 CPU cores, a few minutes)::

    nice python pipelines/train_ner.py            # data from <repo>/../shared/data

Experiment mode (no files written to the model dir; scores a held-out dev block that is the
last sixth of ANERcorp train, so choices are not tuned on the test split)::

    python pipelines/train_ner.py --dev --out /tmp/ner-try --c1 0.05 --c2 0.01

Inputs: ANERcorp CAMeL train split (``anercorp/train.txt``), ANERGazet gazetteers
(``anercorp/gazetteers/``), optionally NewsFANE Gold without the ANERcorp-test block
(``newsfane-gold/newsfane.no-anercorp-test.conll``, re-joined to whitespace words).
Evaluation: ANERcorp CAMeL test split, AQMAR test (MISC → O).
Corpus text is never written into the repository: the lexicon file stores hashes only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pycrfsuite  # noqa: E402

from kg.entities.ner import (  # noqa: E402
    LEXICON_FILE,
    META_FILE,
    MODEL2_FILE,
    MODEL_FILE,
    evaluate_ner,
    format_scores,
    map_tags,
    read_conll,
    repair_iob2,
    score_chunks,
    CrfTagger,
)
from kg.entities.ner_features import (  # noqa: E402
    MAX_PHRASE,
    Lexicon,
    STACK_WINDOW,
    build_freq,
    document_contexts,
    stack_features,
    build_label_lexicon,
    read_gazetteers,
    sent_features,
)

NEWSFANE_MAP = {"PER": "PERS", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG", "NORP": None, "MISC": "MISC"}
PROCLITICS = {"و", "ف", "ب", "ل", "ك", "س"}
ENCLITICS = {"ه", "ها", "هم", "هما", "هن", "كم", "كما", "كن", "نا", "ني", "ي", "ك"}


def rejoin_newsfane(words: list[str], tags: list[str]) -> tuple[list[str], list[str]]:
    """Undo NewsFANE's clitic segmentation approximately: ``و قال`` → ``وقال``, ``اقدام نا`` → ``اقدامنا``.

    The word takes the tag of its first non-clitic token (``B-`` if any piece starts a chunk).
    """
    out_w: list[str] = []
    out_t: list[str] = []
    pending_w, pending_t = "", []
    for w, t in zip(words, tags):
        if w in PROCLITICS:
            pending_w += w
            pending_t.append(t)
            continue
        if pending_w:
            stem = w
            if pending_w.endswith("ل") and stem.startswith("ال"):
                stem = stem[1:]  # ل + الحياة → للحياة
            tag = t
            if tag.startswith("I-") and any(pt.startswith("B-") for pt in pending_t):
                tag = "B-" + tag[2:]
            out_w.append(pending_w + stem)
            out_t.append(tag)
            pending_w, pending_t = "", []
            continue
        if w in ENCLITICS and out_w and t == "O" or (w in ENCLITICS and out_w and t.startswith("I-")):
            out_w[-1] += w
            continue
        out_w.append(w)
        out_t.append(t)
    if pending_w:
        out_w.append(pending_w)
        out_t.append(pending_t[0])
    return out_w, repair_iob2(out_t)


def jackknife_features(sents, gaz: dict[str, str], freq: dict[str, int], folds: int, use_lex: bool) -> list[list[list[str]]]:
    """Features for training sentences; the label lexicon of fold k is built from the other folds."""
    n = len(sents)
    feats: list = [None] * n
    if not use_lex or folds < 2:
        lex = Lexicon(gaz=gaz, gaz_max=MAX_PHRASE, freq=freq)
        return [sent_features(w, lex) for w, _ in sents]
    bounds = [n * k // folds for k in range(folds + 1)]
    for k in range(folds):
        a, b = bounds[k], bounds[k + 1]
        others = sents[:a] + sents[b:]
        lex = Lexicon(gaz=gaz, lex=build_label_lexicon(others, freq=freq), gaz_max=MAX_PHRASE, freq=freq)
        for i in range(a, b):
            feats[i] = sent_features(sents[i][0], lex)
    return feats


def train_crf(feats, labels, path: Path, args) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(feats, labels):
        trainer.append(x, y)
    trainer.set_params({
        "c1": args.c1,
        "c2": args.c2,
        "max_iterations": args.max_iter,
        "feature.possible_transitions": True,
        "feature.minfreq": args.minfreq,
    })
    trainer.train(str(path))


def train(args) -> dict:
    data = Path(args.data_dir)
    anercorp_train = list(read_conll(data / "anercorp" / "train.txt"))
    if args.dev:
        cut = len(anercorp_train) * 5 // 6
        train_sents, eval_sets = anercorp_train[:cut], {"dev": anercorp_train[cut:]}
    else:
        train_sents, eval_sets = anercorp_train, {}
    extra = []
    if args.newsfane:
        nf = data / "newsfane-gold" / "newsfane.no-anercorp-test.conll"
        for w, t in read_conll(nf):
            w2, t2 = rejoin_newsfane(w, map_tags(t, NEWSFANE_MAP))
            extra.append((w2, t2))
        if args.dev:
            # the dev block is ANERcorp train text; NewsFANE holds the same text, so drop
            # NewsFANE sentences whose words mostly occur in a dev sentence (approximate)
            dev_keys = {" ".join(w) for w, _ in eval_sets["dev"]}
            extra = [s for s in extra if " ".join(s[0]) not in dev_keys]
    t0 = time.time()
    gaz_dir = data / "anercorp" / "gazetteers"
    gaz = read_gazetteers(gaz_dir) if args.gaz else {}
    freq = build_freq([w for w, _ in train_sents], gaz_dir if args.gaz else None) if args.freq else {}
    lexicon = Lexicon(gaz=gaz, lex=build_label_lexicon(train_sents, freq=freq) if args.lex else {}, gaz_max=MAX_PHRASE, freq=freq)

    feats = jackknife_features(train_sents, gaz, freq, args.folds, args.lex)
    if extra:
        feats += [sent_features(w, lexicon) for w, _ in extra]
    labels = [t for _, t in train_sents] + [t for _, t in extra]

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in (MODEL2_FILE, META_FILE):
        (out / stale).unlink(missing_ok=True)
    train_crf(feats, labels, out / MODEL_FILE, args)
    lexicon.save(out / LEXICON_FILE)
    print(f"pass 1 trained in {time.time() - t0:.0f} s", flush=True)

    if args.stack:
        # out-of-fold first-pass tags on the training stream, then the document-aware second pass
        n = len(train_sents)
        bounds = [n * k // args.stack_folds for k in range(args.stack_folds + 1)]
        oof: list = [None] * n
        tmp = out / "_fold.crfsuite"
        for k in range(args.stack_folds):
            a, b = bounds[k], bounds[k + 1]
            idx = [i for i in range(len(feats)) if not (a <= i < b)]
            train_crf([feats[i] for i in idx], [labels[i] for i in idx], tmp, args)
            tg = pycrfsuite.Tagger()
            tg.open(str(tmp))
            for i in range(a, b):
                oof[i] = repair_iob2(tg.tag(feats[i]))
            tg.close()
            print(f"  fold {k + 1}/{args.stack_folds} done at {time.time() - t0:.0f} s", flush=True)
        tmp.unlink(missing_ok=True)
        words = [w for w, _ in train_sents]
        ctxs = document_contexts(words, oof, freq, args.window)
        feats2 = [
            [x + y for x, y in zip(f, stack_features(w, t1, ctx, freq))]
            for f, w, t1, ctx in zip(feats, words, oof, ctxs)
        ]
        train_crf(feats2, labels[: len(feats2)], out / MODEL2_FILE, args)
        (out / META_FILE).write_text(json.dumps({"stack_window": args.window}) + "\n", encoding="utf-8")
    train_secs = time.time() - t0

    results = {"train_seconds": round(train_secs, 1), "train_sentences": len(train_sents) + len(extra)}
    if args.dev:
        tagger = CrfTagger.load(out)
        gold = [t for _, t in eval_sets["dev"]]
        pred = tagger.tag_sents([w for w, _ in eval_sets["dev"]])
        results["dev"] = score_chunks(gold, pred)
    else:
        results["anercorp_test"] = evaluate_ner(out, data / "anercorp" / "test.txt")
        aq = data / "aqmar" / "test.conll"
        if aq.is_file():
            results["aqmar_test_misc_as_o"] = evaluate_ner(out, aq, misc_as_o=True)
    results["model_bytes"] = (out / MODEL_FILE).stat().st_size
    results["lexicon_bytes"] = (out / LEXICON_FILE).stat().st_size
    return results


def _table(res: dict) -> str:
    rows = ["| type | P | R | F1 | gold | pred |", "|---|---:|---:|---:|---:|---:|"]
    for name, s in list(res["per_type"].items()) + [("**micro**", res["micro"])]:
        rows.append(
            f"| {name} | {100 * s['precision']:.2f} | {100 * s['recall']:.2f} | {100 * s['f1']:.2f} | {s['gold']} | {s['pred']} |"
        )
    return "\n".join(rows)


def write_card(out: Path, args, results: dict) -> None:
    tries = out / "TRIES.md"
    tries_text = tries.read_text(encoding="utf-8") if tries.is_file() else "(no experiment log)"
    cmd = "python pipelines/train_ner.py " + " ".join(sys.argv[1:])
    card = f"""# ner-crf: CRF Arabic named-entity tagger

Generated by `pipelines/train_ner.py` on {_dt.date.today().isoformat()} (Python {platform.python_version()},
python-crfsuite {getattr(pycrfsuite, '__version__', '?')}). Command: `{cmd.strip()}`.

* Files: `{MODEL_FILE}` ({results['model_bytes'] / 1e6:.1f} MB, CRFsuite weights), `{LEXICON_FILE}`
  ({results['lexicon_bytes'] / 1e6:.2f} MB: hashed gazetteer and label-lexicon look-ups, no corpus text).
* Input: ANERcorp-like words (whitespace tokens, punctuation split off, clitics attached). Output: IOB2
  `B-/I-` PERS, LOC, ORG, MISC. Used by `kg.entities.ner.CrfTagger` and the spaCy factory `kg_ner`.
* Training time: {results['train_seconds']:.0f} s on {os.cpu_count()} CPU cores (feature extraction + L-BFGS).

## Training data and licences

* **ANERcorp, CAMeL Lab train split** (`anercorp/train.txt`, {results['train_sentences'] if not args.newsfane else 3982} sentences, 125,088 tokens),
  rebuilt from the original ANERcorp (Benajiba, Rosso & Benedí 2007). The original copy states no licence;
  CAMeL Lab releases its split under **CC BY-SA 4.0** (Obeid et al. 2020). Cite both papers.
* **ANERGazet** gazetteers (LOC/ORG/PERS name lists, Benajiba et al. 2007): *no licence stated in source*.
  Only hashes of normalised entries are stored with the model.
{"* **NewsFANE Gold** without the ANERcorp-test block (CC BY-SA 3.0, Alotaibi & Lee 2014), clitics re-joined, coarse tags mapped PER→PERS, GPE/LOC→LOC, ORG→ORG, MISC→MISC, NORP→O." if args.newsfane else "* NewsFANE Gold was tried and is **not** used (see tries below)."}
* Nothing from the ANERcorp test split or AQMAR is used for training or for choosing settings (choices
  were made on a dev block = last sixth of ANERcorp train).

## Model

Linear-chain CRF (CRFsuite, L-BFGS), hyper-parameters: c1={args.c1}, c2={args.c2},
max_iterations={args.max_iter}, feature.minfreq={args.minfreq}, all possible transitions,
label-lexicon jackknife folds={args.folds}, gazetteer={'on' if args.gaz else 'off'}, label lexicon={'on' if args.lex else 'off'}.

Features (`kg/entities/ner_features.py`), per word: normalised form (no diacritics/tatweel, one
alef/yeh/teh-marbuta/hamza seat), raw form when different, clitic-stripped stem (conjunction و/ف,
preposition ب/ل/ك incl. لل, article ال), the stripped proclitic string, article flag, prefixes and
suffixes of the stem (1–4 chars), shape, length, digit/Latin/punctuation flags; gazetteer BIO tags
from ANERGazet (longest phrase match up to {MAX_PHRASE} words, with and without the article);
label-lexicon class and confidence bucket of the clitic-stripped word (built from training labels,
jackknifed at training time so the CRF does not over-trust it); window ±2 normalised forms and stems,
±1 proclitic, suffix, gazetteer, lexicon and punctuation features; stem bigrams with both neighbours.

## Scores

CoNLL exact span (conlleval rules), micro over PERS/LOC/ORG/MISC.

### ANERcorp CAMeL test split (925 sentences, 25,008 tokens)

{_table(results['anercorp_test'])}

### AQMAR test (out of domain: Wikipedia), MISC → O in gold and prediction

{_table(results['aqmar_test_misc_as_o']) if 'aqmar_test_misc_as_o' in results else '(not run)'}

## What was tried

{tries_text}
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(REPO / "kg" / "models" / "ner-crf"))
    ap.add_argument("--dev", action="store_true", help="hold out the last sixth of train, score it, write no card")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--minfreq", type=float, default=0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-gaz", dest="gaz", action="store_false")
    ap.add_argument("--no-lex", dest="lex", action="store_false")
    ap.add_argument("--no-freq", dest="freq", action="store_false", help="rule-based clitic stripping instead of frequency-based")
    ap.add_argument("--newsfane", action="store_true", help="add NewsFANE (no ANERcorp-test block), clitics re-joined")
    ap.add_argument("--stack", action="store_true", help="train a document-aware second pass on out-of-fold first-pass tags")
    ap.add_argument("--stack-folds", type=int, default=5)
    ap.add_argument("--window", type=int, default=STACK_WINDOW, help="sentences each side used by the second pass")
    ap.add_argument("--json", help="also write the results as JSON here")
    args = ap.parse_args(argv)

    results = train(args)
    for key in ("dev", "anercorp_test", "aqmar_test_misc_as_o"):
        if key in results:
            print(f"== {key}")
            print(format_scores(results[key]))
    print(f"train {results['train_seconds']} s, model {results['model_bytes'] / 1e6:.2f} MB, lexicon {results['lexicon_bytes'] / 1e6:.2f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.dev:
        write_card(Path(args.out), args, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
