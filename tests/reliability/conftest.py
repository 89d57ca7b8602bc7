"""Fixtures of the reliability suite: the pipeline once per session (profiles: ``_profiles.py``)."""

from __future__ import annotations

import pytest

from tests.reliability._env import MINIKB, packaged_kb_available

@pytest.fixture(scope="session")
def rel_nlp(request):
    """The session pipeline (``nlp`` of tests/conftest.py); the mini KB when the packaged KB is absent."""
    if packaged_kb_available():
        return request.getfixturevalue("nlp")
    from kg.pipeline import load_pipeline

    return load_pipeline(kb_dir=str(MINIKB))


@pytest.fixture(scope="session")
def rel_kb():
    from kg.pipeline import get_kb

    return get_kb() if packaged_kb_available() else get_kb(str(MINIKB))
