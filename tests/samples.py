"""Real records from real systems, read in place from ``settings.SAMPLES_DIR``.

Their licences forbid copying them into the repository, so a plain clone has none: the tests
that read them skip, saying where to put them. CI has them and sets CALLWELL_REQUIRE_SAMPLES=1
(.ci/run), which turns that skip into a failure, so a missing sample can never pass unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


def sample(name: str) -> Path:
    """The path of a real sample file, or a skip (a failure on CI) when it is absent."""
    folder = Path(settings.SAMPLES_DIR)
    path = folder / name
    if path.is_file():
        return path
    where = (
        f"real sample {name} not found in {folder}: put the samples there "
        f"(../shared/data/external beside the checkout) or set CALLWELL_SAMPLES_DIR to their folder"
    )
    if os.environ.get("CALLWELL_REQUIRE_SAMPLES") == "1":
        pytest.fail(f"{where} (CALLWELL_REQUIRE_SAMPLES=1: samples are required here)")
    pytest.skip(where)
