"""The Python standard library of the running interpreter as a negative corpus: 1,800-odd
files of real code that uses `job`, `status`, `suspend`, `batch` and `create_*` in every
sense but Kubernetes'. No file may crash a run and none may get a JP5xx finding."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from linter.catalog import builtin_rules
from linter.engine import RuleSet, check_bytes

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _stdlib_files() -> list[Path]:
    return sorted(p for p in STDLIB.rglob("*.py") if "site-packages" not in p.parts and p.is_file())


# Every rule on every file, past the prefilter, for a fixed sample (LibCST takes a while):
# the rules themselves must stay quiet, not only their trigger tokens.
UNFILTERED_SAMPLE = 150


@pytest.mark.slow
@pytest.mark.parametrize("prefilter", [True, False], ids=["as-run", "every-rule"])
def test_stdlib_gets_no_jp5xx_finding_and_no_traceback(prefilter: bool) -> None:
    files = _stdlib_files()
    assert len(files) > 500, f"only {len(files)} files under {STDLIB}"
    if not prefilter:
        files = files[:: len(files) // UNFILTERED_SAMPLE]
    rules = [r for r in builtin_rules() if r.enabled or r.migrate]
    ruleset = RuleSet(rules, prefilter=prefilter)
    jp5xx: list[str] = []
    for path in files:
        report = check_bytes(str(path), path.read_bytes(), ruleset)
        jp5xx += [
            f"{f.path}:{f.start.line}: {f.rule_id} {f.message}"
            for f in report.findings
            if f.rule_id.startswith("JP5")
        ]
    assert jp5xx == []
