"""Go controller projects: `job2pod fix --unsafe-fixes` on a copy of
fixtures/go-repos/<name>/before/ gives after/ byte for byte, changes nothing on a second
run, and leaves the findings listed in remaining.txt (one expected substring of `check`'s
output a line). task-operator is a kubebuilder project whose Tasks run thin-wrapper Jobs
(API types with markers, a reconciler, a Job builder, the generated CRD and RBAC); its
Jobs become Pods. report-operator's Jobs are Indexed and retried per index: they stay
Jobs, and the project comes out untouched, with findings only.

Each file is fixed on its own (the plan that groups a Task's files into one unit is the
migration plan's job: DESIGN.md, "Migration plan")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from linter.cli import cli

REPOS = sorted(p for p in (FIXTURES / "go-repos").iterdir() if p.is_dir())


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _run(tree: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(cli, [*args, "."], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize("repo", REPOS, ids=lambda p: p.name)
def test_fix_gives_after_and_leaves_the_listed_findings(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / repo.name
    shutil.copytree(repo / "before", tree)
    _run(tree, monkeypatch, "fix", "--unsafe-fixes")
    fixed, expected = _files(tree), _files(repo / "after")
    assert sorted(fixed) == sorted(expected)
    for name, data in expected.items():
        assert fixed[name] == data, f"{name} differs from after/{name}"
    _run(tree, monkeypatch, "fix", "--unsafe-fixes")
    assert _files(tree) == fixed, "a second fix changed files"
    remaining = _run(tree, monkeypatch, "check", "--no-cache")
    wanted = (repo / "remaining.txt").read_text(encoding="utf-8").splitlines()
    assert [w for w in wanted if w and w not in remaining] == [], remaining
    if not any(wanted):
        assert "All checks passed" in remaining, remaining
