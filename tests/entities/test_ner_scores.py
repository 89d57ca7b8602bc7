"""The numpy CRF (kg.entities.crf, kg.entities.ner_scores) against crfsuite's own tagger."""

from __future__ import annotations

import numpy as np
import pycrfsuite
import pytest

from kg.entities import ner_scores
from kg.entities.crf import CrfModel, marginals, viterbi
from kg.entities.ner import CrfTagger, default_model_dir, repair_iob2
from kg.entities.ner_features import Lexicon, context_keys, document_contexts, sent_features, stack_features
from kg.entities.ner_scores import Layout, StateScorer, split
from kg.errors import DataFileError

SENTENCES = [
    "وقال الرئيس الروسي فلاديمير بوتين في موسكو إن الولايات المتحدة الأمريكية لم ترد .".split(),
    "التقى وزير الخارجية السعودي الأمير فيصل بن فرحان نظيره التركي هاكان فيدان ، أمس ، في أنقرة".split(),
    ["."],
    "ووقع الجانبان مذكرة تفاهم بين جامعة القاهرة ومنظمة الصحة العالمية عام 2024 .".split(),
    "وبحث الملك عبدالله الثاني مع الأمين العام للأمم المتحدة أنطونيو غوتيريش الأوضاع في غزة".split(),
    ["كيم", "جونغ", "أون"],
]


@pytest.fixture(scope="module")
def packaged() -> CrfTagger:
    return CrfTagger.load()


def _reference(model: CrfModel, feats: list[list[str]]) -> np.ndarray:
    """crfsuite's state scores: the sum of the weight rows of each word's attribute strings."""
    return np.array([model.row_sum(f) for f in feats])


def test_model_file_read_as_crfsuite_reads_it(packaged):
    tagger = pycrfsuite.Tagger()
    tagger.open(str(default_model_dir() / "model.crfsuite"))
    info = tagger.info()
    assert packaged.model.labels == tagger.labels()
    assert packaged.model.attrs == {a: int(i) for a, i in info.attributes.items()}
    for (attr, label), w in list(info.state_features.items())[:2000]:
        assert packaged.model.weights[packaged.model.attrs[attr], packaged.model.labels.index(label)] == pytest.approx(w, abs=1e-6)
    for (a, b), w in info.transitions.items():
        assert packaged.model.transitions[packaged.model.labels.index(a), packaged.model.labels.index(b)] == pytest.approx(w, abs=1e-6)


def test_first_pass_scores_equal_the_feature_strings(packaged):
    scorer = StateScorer([packaged.model], packaged.lexicon)
    layout = Layout.of(SENTENCES, packaged.lexicon)
    for sent, got in zip(SENTENCES, split(scorer.scores(layout), layout)):
        want = _reference(packaged.model, sent_features(sent, packaged.lexicon))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_stacked_scores_equal_the_feature_strings(packaged):
    lex = packaged.lexicon
    scorer = StateScorer([packaged.model, packaged.model2], lex)
    layout = Layout.of(SENTENCES, lex)
    S = scorer.scores(layout)
    first = [repair_iob2([packaged.model.labels[i] for i in p])
             for p in viterbi(split(S[:, scorer.columns[0]], layout), packaged.model.transitions)]
    keys = context_keys(SENTENCES, lex.freq)
    ctxs = document_contexts(SENTENCES, first, lex.freq, keys=keys)
    got = split(scorer.add_stacked(S, 1, layout, first, ctxs, keys), layout)
    for sent, t1, ctx, g in zip(SENTENCES, first, ctxs, got):
        feats = [a + b for a, b in zip(sent_features(sent, lex), stack_features(sent, t1, ctx, lex.freq))]
        np.testing.assert_allclose(g, _reference(packaged.model2, feats), rtol=0, atol=1e-9)


def test_word_cache_starting_again_changes_nothing(packaged, monkeypatch):
    layout = Layout.of(SENTENCES, packaged.lexicon)
    want = StateScorer([packaged.model], packaged.lexicon).scores(layout)
    monkeypatch.setattr(ner_scores, "_MAX_WORDS", 8)
    scorer = StateScorer([packaged.model], packaged.lexicon)
    for sent in SENTENCES + SENTENCES:  # the cache fills and is emptied several times
        scorer.scores(Layout.of([sent], packaged.lexicon))
    np.testing.assert_allclose(scorer.scores(layout), want, rtol=0, atol=1e-12)


def _train_tiny(tmp_path, sentences):
    trainer = pycrfsuite.Trainer(verbose=False)
    lex = Lexicon()
    for words, tags in sentences:
        trainer.append(sent_features(words, lex), tags)
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 60})
    path = tmp_path / "tiny.crfsuite"
    trainer.train(str(path))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return path, tagger, lex


TINY = [
    ("زار بوتين موسكو أمس".split(), ["O", "B-PERS", "B-LOC", "O"]),
    ("التقى الرئيس ماكرون في باريس".split(), ["O", "O", "B-PERS", "O", "B-LOC"]),
    ("وقعت مصر والأردن اتفاقية".split(), ["O", "B-LOC", "B-LOC", "O"]),
    ("قال الأمين العام للأمم المتحدة".split(), ["O", "O", "O", "B-ORG", "I-ORG"]),
]


def test_viterbi_and_marginals_equal_crfsuite_on_a_model_built_here(tmp_path):
    path, tagger, lex = _train_tiny(tmp_path, TINY)
    model = CrfModel.load(path)
    sents = [w for w, _ in TINY] + ["بوتين".split(), "زار ماكرون الأردن ثم مصر وموسكو".split()]
    scores = [_reference(model, sent_features(w, lex)) for w in sents]
    for w, path_ids, probs in zip(sents, viterbi(scores, model.transitions), marginals(scores, model.transitions)):
        feats = sent_features(w, lex)
        assert [model.labels[i] for i in path_ids] == tagger.tag(feats)
        tagger.set(feats)
        want = np.array([[tagger.marginal(lab, i) for lab in model.labels] for i in range(len(w))])
        np.testing.assert_allclose(probs, want, rtol=0, atol=1e-9)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def _log_space_reference(scores: np.ndarray, transitions: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Textbook Viterbi and log-space forward-backward of one sequence, position by position."""

    def logsumexp(x: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
        top = x.max(axis=axis, keepdims=True)
        out = top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))
        return out if keepdims else out.squeeze(axis)

    T, L = scores.shape
    delta, back = scores[0].copy(), np.zeros((T, L), dtype=int)
    fwd = np.zeros((T, L))
    fwd[0] = scores[0]
    for t in range(1, T):
        cand = delta[:, None] + transitions
        back[t], delta = cand.argmax(axis=0), cand.max(axis=0) + scores[t]
        fwd[t] = logsumexp(fwd[t - 1][:, None] + transitions, axis=0) + scores[t]
    bwd = np.zeros((T, L))
    for t in range(T - 2, -1, -1):
        bwd[t] = logsumexp(transitions + scores[t + 1] + bwd[t + 1], axis=1)
    path = [int(delta.argmax())]
    for t in range(T - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    post = fwd + bwd
    return path[::-1], np.exp(post - logsumexp(post, axis=1, keepdims=True))


def test_batched_decoding_equals_the_textbook_recurrences_on_long_and_short_sequences():
    """Sequences of very different lengths in one batch (a 1,500-word run-on sentence next to
    one-word lines) and strong weights: the rescaling every few positions neither overflows nor
    underflows, and the batch gives each sequence its own answer."""
    rng = np.random.default_rng(7)
    L = 9
    transitions = rng.uniform(-8, 8, size=(L, L))
    scores = [rng.normal(0, 6, size=(n, L)) for n in (1500, 1, 37, 2, 1, 300, 64)]
    for seq, path, probs in zip(scores, viterbi(scores, transitions), marginals(scores, transitions)):
        want_path, want_probs = _log_space_reference(seq, transitions)
        assert path == want_path
        assert np.isfinite(probs).all()
        np.testing.assert_allclose(probs, want_probs, rtol=0, atol=1e-9)


def test_tagger_gives_crfsuite_tags_on_the_packaged_model(packaged):
    ref = pycrfsuite.Tagger()
    ref.open(str(default_model_dir() / "model.crfsuite"))
    scorer_tags = CrfTagger(packaged.model, packaged.lexicon, packaged.model_dir).tag_sents(SENTENCES)
    assert scorer_tags == [repair_iob2(ref.tag(sent_features(w, packaged.lexicon))) for w in SENTENCES]


@pytest.mark.parametrize("content", [b"", b"lCRF" + b"\0" * 60, b"not a model at all, just text\n" * 4])
def test_unreadable_model_file_is_a_clear_error(tmp_path, content):
    bad = tmp_path / "model.crfsuite"
    bad.write_bytes(content)
    with pytest.raises(DataFileError, match="NER model unreadable"):
        CrfModel.load(bad)
