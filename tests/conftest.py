from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "k8s"
UPDATE_SNAPSHOTS = os.environ.get("JOB2POD_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/k8s is not present")
    return CORPUS
