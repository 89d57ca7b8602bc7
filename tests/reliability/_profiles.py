"""Per-test Hypothesis settings: ``TEXT`` for the text-layer properties, ``PIPELINE`` for the whole
pipeline (spaCy, NER, linking and relations); both run the profile's full example count."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Profiles: ``ci`` (default) runs 2,000 examples per cheap text-layer property, ``nightly``
# 20,000 (``HYPOTHESIS_PROFILE=nightly`` or ``make fuzz``), ``dev`` 100 for quick local loops.
# They are applied per test through :data:`TEXT` / :data:`PIPELINE` below, not loaded globally,
# so the other suites keep their own example counts.
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=2000, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)
settings.register_profile("nightly", max_examples=20000, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)



PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "nightly", "dev"):
    PROFILE = "ci"
_base = settings.get_profile(PROFILE)
TEXT = settings(_base)
PIPELINE = settings(_base)  # 2,000 in CI: about 35 s on 2 cores since the pipeline got faster
