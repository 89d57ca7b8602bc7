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
    is_punct,
    normalize,
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
    for k, (w, t) in enumerate(zip(words, tags)):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if w in PROCLITICS and len(nxt) >= 2 and nxt[0] >= "\u0621":
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
    trainer = pycrfsuite.Trainer(algorithm=args.algorithm, verbose=False)
    for x, y in zip(feats, labels):
        trainer.append(x, y)
    params = {"max_iterations": args.max_iter, "feature.possible_transitions": True, "feature.minfreq": args.minfreq,
              "feature.possible_states": args.possible_states}
    if args.algorithm == "lbfgs":
        params.update({"c1": args.c1, "c2": args.c2})
    elif args.algorithm == "l2sgd":
        params.update({"c2": args.c2})
    trainer.set_params(params)
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
            # the dev block is ANERcorp train text and NewsFANE holds the same text (re-tokenised,
            # hamza-normalised): drop every NewsFANE sentence that shares word trigrams with it
            def grams(ws):
                ws = [normalize(w) for w in ws if not is_punct(w)]
                return {tuple(ws[i:i + 3]) for i in range(len(ws) - 2)}

            dev_grams = set().union(*(grams(w) for w, _ in eval_sets["dev"]))
            before = len(extra)
            extra = [s for s in extra if not grams(s[0]) or len(grams(s[0]) & dev_grams) / len(grams(s[0])) < 0.2]
            print(f"NewsFANE: {before} sentences, {len(extra)} kept after removing the dev text", flush=True)
    t0 = time.time()
    gaz_dir = data / "anercorp" / "gazetteers"
    project_kb = Path(__file__).resolve().parents[1] / "kg" / "data" / "kb" if args.project_kb else None
    gaz = read_gazetteers(gaz_dir, data / "kb-sources" if args.kb else None, project_kb) if args.gaz else {}
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
    if not args.stack and args.o_threshold is not None:
        (out / META_FILE).write_text(json.dumps({"o_threshold": args.o_threshold}) + "\n", encoding="utf-8")
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
        (out / META_FILE).write_text(json.dumps({"stack_window": args.window, "o_threshold": args.o_threshold}) + "\n", encoding="utf-8")
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
    if (out / MODEL2_FILE).is_file():
        results["model2_bytes"] = (out / MODEL2_FILE).stat().st_size
    results["lexicon_bytes"] = (out / LEXICON_FILE).stat().st_size
    return results


def _table(res: dict) -> str:
    rows = ["| type | P | R | F1 | gold | pred |", "|---|---:|---:|---:|---:|---:|"]
    for name, s in list(res["per_type"].items()) + [("**micro**", res["micro"])]:
        rows.append(
            f"| {name} | {100 * s['precision']:.2f} | {100 * s['recall']:.2f} | {100 * s['f1']:.2f} | {s['gold']} | {s['pred']} |"
        )
    return "\n".join(rows)


def _pyver(dist: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:
        return "?"


def write_card(out: Path, args, results: dict) -> None:
    tries = out / "TRIES.md"
    tries_text = tries.read_text(encoding="utf-8") if tries.is_file() else "(no experiment log)"
    cmd = results.get("command") or "python pipelines/train_ner.py"
    files = f"`{MODEL_FILE}` ({results['model_bytes'] / 1e6:.1f} MB, first pass)"
    if results.get("model2_bytes"):
        files += f", `{MODEL2_FILE}` ({results['model2_bytes'] / 1e6:.1f} MB, second pass), `{META_FILE}`"
    kb_lines = ""
    if args.gaz and args.kb:
        kb_lines = """
* **kb-sources name lists** (`kb-sources/`), used only as gazetteer classes, stored as hashes:
  country names and aliases and nisba adjectives (`derived/countries_ar_joined.csv`: ODC-PDDL + MIT sources),
  IGO Arabic names (`derived/igos_ar_qid.csv`: CC BY-SA 4.0 supraverden + MIT ArWikiCats), Arabic-script party
  names (`parties/partyfacts_wikidata.csv`: MIT, Party Facts), PETRARCH Arabic actor headwords
  (`petrarch-arabic/actor_dict_ar_v4.txt`: MIT, Open Event Data Alliance)."""
    if args.gaz and args.project_kb:
        kb_lines += """
* **Rawabit's own KB** (`kg/data/kb/*.jsonl`, built by `pipelines/build_kb.py` from the sources above and the
  curated files in `pipelines/kb_curated/`): Arabic names and press spellings of people (P), parties and
  organisations (O), states and places (L), as gazetteer classes stored as hashes."""
    card = f"""# ner-crf: CRF Arabic named-entity tagger

Trained by `pipelines/train_ner.py` on {results.get('date', _dt.date.today().isoformat())} (Python {platform.python_version()},
python-crfsuite {_pyver('python-crfsuite')}). Reproduce with `nice {cmd}` from the repository root
(corpora in `../shared/data`); it retrains, re-scores and rewrites this card.

* Files: {files}, `{LEXICON_FILE}` ({results['lexicon_bytes'] / 1e6:.2f} MB: gazetteer and label-lexicon
  look-ups keyed by 48-bit BLAKE2b hashes of normalised words, so no corpus or list text is stored; every
  multi-word phrase also has its word prefixes as empty entries, so the tagger extends a phrase only while
  some entry starts with it — same features, far fewer hashes).
* Input: ANERcorp-like words (whitespace tokens, punctuation split off, clitics attached). Output: IOB2
  `B-/I-` PERS, LOC, ORG, MISC. Used by `kg.entities.ner.CrfTagger` (`tag`, `tag_sents` for a document)
  and the spaCy factory `kg_ner`; the tagger reads the crfsuite files' exact weights into numpy
  (`kg.entities.crf`) and gives crfsuite's tags at a fraction of its cost. Score any CoNLL file with `python -m kg.entities.ner --data FILE`.
* Training time: {results['train_seconds']:.0f} s wall clock on a {os.cpu_count()}-core CPU shared with other jobs
  (feature extraction, {'first pass, 5 out-of-fold first-pass models and the second pass' if results.get('model2_bytes') else 'one CRF'}).

## Training data and licences

* **ANERcorp, CAMeL Lab train split** (`anercorp/train.txt`, 3,982 sentences, 125,088 tokens),
  rebuilt from the original ANERcorp (Benajiba, Rosso & Benedí 2007). The original copy states no licence;
  CAMeL Lab releases its split under **CC BY-SA 4.0** (Obeid et al. 2020). Cite both papers.
* **ANERGazet** gazetteers (LOC/ORG/PERS lists, Benajiba et al. 2007): *no licence stated in source*;
  used as gazetteer features only, stored as hashes.{kb_lines}
{"* **NewsFANE Gold** without the ANERcorp-test block (CC BY-SA 3.0, Alotaibi & Lee 2014), clitics re-joined, coarse tags mapped PER→PERS, GPE/LOC→LOC, ORG→ORG, MISC→MISC, NORP→O." if args.newsfane else "* NewsFANE Gold was tried and is **not** used: it lowered the dev score (see below)."}
* Nothing from the ANERcorp test split or AQMAR is used for training or for choosing settings.
* Licence of this model: it is derived from ANERcorp (CC BY-SA 4.0 per CAMeL Lab) and CC BY-SA 4.0 lists,
  so treat the weights as **CC BY-SA 4.0** with the attributions above.

## Model

Linear-chain CRFs (CRFsuite, {args.algorithm}), c1={args.c1}, c2={args.c2}, max_iterations={args.max_iter},
feature.minfreq={args.minfreq}, all possible transitions. Label lexicon jackknifed over {args.folds} folds.
{"Two passes: the first-pass CRF tags every sentence; the second-pass CRF gets the same features plus the first-pass tags (±1) and how the same (clitic-stripped) word was tagged by the first pass in the " + str(args.window) + " sentences before and after (document consistency). It is trained on out-of-fold first-pass tags (" + str(args.stack_folds) + " folds), so it learns how far to trust them." if results.get('model2_bytes') else "One pass."}

Features (`kg/entities/ner_features.py`), per word: normalised form (no diacritics/tatweel, one
alef/yeh/teh-marbuta/hamza seat), raw form when different, clitic-stripped stem (conjunction و/ف,
preposition ب/ل/ك incl. لل, article ال; {'frequency-based' if args.freq else 'rule-based'}), the stripped proclitic string,
article flag, prefixes and suffixes of the stem (1–4 chars), shape, length, digit/Latin/punctuation flags;
gazetteer BIO tags (longest phrase match up to {MAX_PHRASE} words, article-insensitive; classes P/L/O from
ANERGazet{', L/N/O/A from kb-sources' if args.kb else ''}); label-lexicon class and confidence bucket of the word, and BIO tags of
multi-word entity phrases seen in training (both from training labels, jackknifed at training time so the
CRF does not over-trust them); hand-written trigger
words (titles, organisation and place head nouns) on the word and at −3…+1; window ±2 normalised forms and
stems; ±1 proclitic, suffix, gazetteer, lexicon and punctuation features; stem bigrams with both neighbours.

Decoding: {"Viterbi, then any `O` whose most likely entity label has a marginal probability ≥ " + str(args.o_threshold) + " takes that label (recall boost, threshold tuned on dev), then IOB2 repair." if args.o_threshold else "Viterbi, then IOB2 repair."}

## Scores

CoNLL exact span (conlleval rules), micro over the types. Documents are tagged as a stream of
sentences (the second pass looks at ±{args.window} sentences), as `evaluate_ner` does.

### ANERcorp CAMeL test split (925 sentences, 25,008 tokens)

{_table(results['anercorp_test'])}

### AQMAR test (out of domain: Arabic Wikipedia), MISC → O in gold and prediction (PER read as PERS)

{_table(results['aqmar_test_misc_as_o']) if 'aqmar_test_misc_as_o' in results else '(not run)'}

For comparison, published fine-tuned BERT systems reach 83–88 micro-F1 on the ANERcorp test split.

## What was tried

{tries_text}
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(REPO / "kg" / "models" / "ner-crf"))
    ap.add_argument("--dev", action="store_true", help="hold out the last sixth of train, score it, write no card")
    ap.add_argument("--algorithm", default="lbfgs", choices=["lbfgs", "l2sgd", "ap", "pa", "arow"])
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--minfreq", type=float, default=0)
    ap.add_argument("--possible-states", action="store_true",
                    help="also weigh attribute/label pairs never seen together in training (crfsuite feature.possible_states)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-gaz", dest="gaz", action="store_false")
    ap.add_argument("--no-lex", dest="lex", action="store_false")
    ap.add_argument("--no-kb", dest="kb", action="store_false", help="ANERGazet only, without the kb-sources name lists")
    ap.add_argument("--project-kb", action="store_true",
                    help="add the names of Rawabit's own KB (kg/data/kb) as gazetteer classes (try #15: not kept)")
    ap.add_argument("--freq", action="store_true", help="frequency-based clitic segmentation (default: rule-based)")
    ap.add_argument("--newsfane", action="store_true", help="add NewsFANE (no ANERcorp-test block), clitics re-joined")
    ap.add_argument("--no-stack", dest="stack", action="store_false", help="first pass only (no document-aware second pass)")
    ap.add_argument("--stack-folds", type=int, default=5)
    ap.add_argument("--o-threshold", type=float, default=0.35,
                    help="decode: an O whose best entity marginal is >= this takes that label (tuned on dev: 0.35; 0 = off)")
    ap.add_argument("--window", type=int, default=STACK_WINDOW, help="sentences each side used by the second pass")
    ap.add_argument("--json", help="also write the results as JSON here")
    ap.add_argument("--card-from", help="only rewrite MODEL_CARD.md from a results JSON written by --json (same options)")
    args = ap.parse_args(argv)

    if args.card_from:
        results = json.loads(Path(args.card_from).read_text(encoding="utf-8"))
        write_card(Path(args.out), args, results)
        return 0
    if args.o_threshold is not None and args.o_threshold <= 0:
        args.o_threshold = None
    results = train(args)
    results["command"] = "python pipelines/train_ner.py " + " ".join(a for a in (argv if argv is not None else sys.argv[1:]) if not a.startswith("--json") and "/tmp/" not in a)
    results["date"] = _dt.date.today().isoformat()
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
