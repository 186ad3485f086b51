"""Sweep over ../shared/corpus/k8s: real manifests never crash a run and every file is accounted for."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

from linter.catalog import load_catalog, select_rules
from linter.engine import RuleSet, check_bytes, language_of

REPORT = ROOT / "build" / "corpus-findings.json"


@pytest.mark.slow
def test_every_corpus_file_is_checked_or_reported(corpus: Path) -> None:
    rules = select_rules(load_catalog(), migrate=True)
    ruleset = RuleSet(rules)
    counts: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and language_of(p.name))
    assert len(files) > 10_000
    for path in files:
        report = check_bytes(str(path), path.read_bytes(), ruleset)
        counts.update(f.rule_id for f in report.findings)
        problems = [f for f in report.findings if f.rule_id < "JP100"]
        if problems:
            outcome["input problem (JP0xx)"] += 1
        elif report.parsed:
            outcome["parsed and checked"] += 1
        else:
            outcome["no trigger token (prefiltered)"] += 1
        for finding in report.findings:
            assert finding.start.line >= 1 and finding.start.column >= 1
            assert "\ue000" not in finding.message
    assert sum(outcome.values()) == len(files)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {"files": len(files), "outcome": outcome, "findings": dict(sorted(counts.items()))},
            indent=2,
        )
        + "\n"
    )


@pytest.mark.slow
def test_cli_sweep_has_no_traceback(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.json"
    result = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--format", "json", "-o", str(out), str(corpus)],
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    findings = json.loads(out.read_text())
    assert all(f["path"] and f["start"]["line"] >= 1 for f in findings)
