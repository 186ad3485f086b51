"""The real `pre-commit try-repo` of this repository on a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

BAD = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [get]
"""
STALE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    team: tasks # job2pod: ignore[JP101]
data:
  jobs: "none"
"""
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_try_repo_fails_reports_and_fixes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "bad.yaml").write_text(BAD)
    (repo / "stale.yaml").write_text(STALE)
    (repo / "good.yaml").write_text(GOOD)
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo(hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pre-commit", "try-repo", str(ROOT), hook, "--files", *files],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )

    check = try_repo("job2pod", "bad.yaml", "good.yaml")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "bad.yaml:7:17: JP101 [rbac-grants-batch-jobs]" in check.stdout
    fix = try_repo("job2pod-fix", "stale.yaml", "good.yaml")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert (repo / "stale.yaml").read_text() == STALE.replace(" # job2pod: ignore[JP101]", "")
    assert (repo / "good.yaml").read_text() == GOOD
    again = try_repo("job2pod-fix", "stale.yaml", "good.yaml")
    assert again.returncode == 0, again.stdout + again.stderr
