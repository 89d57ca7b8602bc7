"""Error hierarchy: the library raises these, the CLI turns them into one-line messages."""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base class of every error Rawabit raises on purpose."""


class InputError(KGError):
    """A document could not be read; carries the path so the message names the file."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class DataFileError(KGError):
    """A packaged data file (KB, lexicon, model) is missing or malformed."""


class GraphSchemaError(KGError):
    """A graph node or edge does not follow ``kg.graph.schema``."""


class QueryError(KGError):
    """A SPARQL query was refused or failed."""


class BackendUnavailable(KGError):
    """An optional backend (CAMeL BERT NER, Oxigraph, Dask) is not installed or has no model."""
