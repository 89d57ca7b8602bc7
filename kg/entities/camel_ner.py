"""Optional NER backend: CAMeL Tools' BERT tagger (``camel_tools.ner.NERecognizer``) as spaCy component.

``nlp.add_pipe("kg_camel_ner", config={"model_path": None})`` sets ``doc.spans["ner"]`` exactly like
``kg_ner`` (same word rebuilding, same clitic handling; labels PERS/LOC/ORG/MISC), but tags with
CAMeL Lab's fine-tuned AraBERT model.

Install (not a default dependency; pulls PyTorch and transformers)::

    pip install torch==2.13.0          # CPU wheel, pin it
    pip install 'rawabit[camel]'       # camel-tools
    camel_data -i ner-arabert          # the model, needs internet (about 500 MB)

or pass ``model_path`` to any directory holding a BERT token-classification model saved with
``save_pretrained`` (config with CAMeL's labels B-/I-PERS|LOC|ORG|MISC and O, plus ``vocab.txt``).

Note: ``import camel_tools.ner`` loads CAMeL's data catalogue at import time and *downloads* it from
the internet when ``$CAMELTOOLS_DATA/catalogue.json`` (default ``~/.camel_tools``) is missing. This
module imports it with an empty offline catalogue in that case, so an explicit ``model_path`` works
without a network and nothing is fetched behind the user's back.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.entities.ner import annotate_doc, repair_iob2
from kg.errors import BackendUnavailable

INSTALL_HINT = (
    "install it with `pip install torch==2.13.0 'rawabit[camel]'` and then, on a machine with internet, "
    "`camel_data -i ner-arabert`; or pass model_path= a local BERT token-classification model directory"
)
_STUB_CATALOGUE = {"version": "0", "packages": {}, "components": {}}


def _camel_data_dir() -> Path:
    env = os.environ.get("CAMELTOOLS_DATA")
    return Path(env).expanduser() if env else Path.home() / ".camel_tools"


def _import_recognizer():
    """Import ``camel_tools.ner.NERecognizer`` lazily, never letting the import reach the network."""
    try:
        import camel_tools  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailable(f"CAMeL NER backend: camel_tools is not installed; {INSTALL_HINT}") from exc
    import sys

    old = os.environ.get("CAMELTOOLS_DATA")
    stubbed = False
    if "camel_tools.data" not in sys.modules and not (_camel_data_dir() / "catalogue.json").is_file():
        stub = Path(tempfile.mkdtemp(prefix="rawabit-camel-"))
        (stub / "catalogue.json").write_text(json.dumps(_STUB_CATALOGUE), encoding="utf-8")
        os.environ["CAMELTOOLS_DATA"] = str(stub)
        stubbed = True
    try:
        from camel_tools.ner import NERecognizer
    except Exception as exc:  # ImportError, DownloaderError, torch/transformers problems
        raise BackendUnavailable(f"CAMeL NER backend: cannot import camel_tools.ner ({exc}); {INSTALL_HINT}") from exc
    finally:
        if stubbed:
            if old is None:
                os.environ.pop("CAMELTOOLS_DATA", None)
            else:
                os.environ["CAMELTOOLS_DATA"] = old
    return NERecognizer


def _default_model_path() -> Path:
    try:
        from camel_tools.data import CATALOGUE

        comp = CATALOGUE.components["NamedEntityRecognition"]
        path = Path(comp.datasets[comp.default].path)
    except Exception as exc:
        raise BackendUnavailable(f"CAMeL NER backend: no NER model in the CAMeL data catalogue; {INSTALL_HINT}") from exc
    if not path.is_dir():
        raise BackendUnavailable(f"CAMeL NER backend: model data not found at {path}; {INSTALL_HINT}")
    return path


def load_recognizer(model_path: str | Path | None = None):
    """A ``camel_tools.ner.NERecognizer`` (CPU) for ``model_path`` or CAMeL's installed default model."""
    NERecognizer = _import_recognizer()
    path = Path(model_path) if model_path is not None else _default_model_path()
    if not (path / "config.json").is_file():
        raise BackendUnavailable(f"CAMeL NER backend: no model at {path} (config.json missing); {INSTALL_HINT}")
    try:
        return NERecognizer(str(path), use_gpu=False)
    except Exception as exc:
        raise BackendUnavailable(f"CAMeL NER backend: cannot load model at {path} ({exc}); {INSTALL_HINT}") from exc


class CamelNerComponent:
    """spaCy pipe: sets ``doc.spans["ner"]`` from CAMeL Tools' BERT NER."""

    def __init__(self, nlp: Language, name: str, model_path: str | None = None, batch_size: int = 32) -> None:
        self.name = name
        self.recognizer = load_recognizer(model_path)
        self.batch_size = batch_size

    def tag_sents(self, sentences: list[list[str]]) -> list[list[str]]:
        preds = self.recognizer.predict(sentences, batch_size=self.batch_size) if sentences else []
        out = []
        for words, tags in zip(sentences, preds):
            tags = list(tags)[: len(words)] + ["O"] * max(0, len(words) - len(tags))
            out.append(repair_iob2([t if t == "O" or t[:2] in ("B-", "I-") else "O" for t in tags]))
        return out

    def __call__(self, doc: Doc) -> Doc:
        return annotate_doc(doc, self.tag_sents)


@Language.factory("kg_camel_ner", default_config={"model_path": None})
def make_kg_camel_ner(nlp: Language, name: str, model_path: str | None) -> CamelNerComponent:
    return CamelNerComponent(nlp, name, model_path)
