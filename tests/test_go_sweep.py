"""The Go toolchain's own sources (where the machine has them: CI installs golang-go) as a
negative corpus: real Go that uses `Job`, `Status`, `Spec`, `Owns` and `Get` in every sense
but Kubernetes'. Outside `testdata` (broken on purpose there), every file parses (no
JP006) and gets no Go finding, with every rule run past the prefilter; nothing crashes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from linter.catalog import builtin_rules
from linter.engine import RuleSet, check_bytes

# Every rule on every file of a fixed sample, past the prefilter.
SAMPLE = 250
MAX_SIZE = 300_000


def _goroot_sources() -> list[Path]:
    go = shutil.which("go")
    if go is None:
        return []
    done = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, timeout=60)
    src = Path(done.stdout.strip()) / "src"
    if done.returncode != 0 or not src.is_dir():
        return []
    return sorted(
        p
        for p in src.rglob("*.go")
        if "testdata" not in p.parts and p.is_file() and p.stat().st_size < MAX_SIZE
    )


@pytest.mark.slow
def test_go_sources_parse_and_get_no_go_finding() -> None:
    files = _goroot_sources()
    if not files:
        pytest.skip("no Go toolchain sources on this machine")
    sample = files[:: max(len(files) // SAMPLE, 1)]
    ruleset = RuleSet(list(builtin_rules()), prefilter=False)
    found = []
    for path in sample:
        for finding in check_bytes(str(path), path.read_bytes(), ruleset).findings:
            if finding.rule_id.startswith(("JP0", "JP6")) or finding.rule_id in ("JP207", "JP304"):
                found.append(f"{path}:{finding.start.line}: {finding.rule_id} {finding.message}")
    assert found == []
