from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The shared corpus sits beside a checkout on the project's machines, not in a clone.
# JOB2POD_SHARED names another place for it; set to an empty directory, it simulates a
# clone that has none (every test must then pass or skip cleanly).
SHARED = Path(os.environ.get("JOB2POD_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus" / "k8s"
UPDATE_SNAPSHOTS = os.environ.get("JOB2POD_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is not present")
    return CORPUS
