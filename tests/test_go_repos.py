"""Go controller projects: `job2pod migrate` on a copy of fixtures/go-repos/<name>/before/
gives after/ byte for byte, changes nothing on a second run, and reports what report.txt
lists (one expected substring of the migration report a line); `fix --unsafe-fixes` on the
tree plans the same way. task-operator is a kubebuilder project whose Tasks run
thin-wrapper Jobs (API types with markers, generated deepcopy, a reconciler, a Job builder,
the generated CRD and RBAC): its Jobs become Pods, the generated CRD renamed with its Go
types. report-operator's Jobs are Indexed and retried per index: they stay Jobs, and the
project comes out untouched, with findings only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from linter.cli import cli

REPOS = sorted(p for p in (FIXTURES / "go-repos").iterdir() if p.is_dir())


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".job2pod_cache" not in p.parts
    }


def _run(tree: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(cli, [*args, "."], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


def _assert_after(tree: Path, repo: Path) -> dict[str, bytes]:
    fixed, expected = _files(tree), _files(repo / "after")
    assert sorted(fixed) == sorted(expected)
    for name, data in expected.items():
        assert fixed[name] == data, f"{name} differs from after/{name}"
    return fixed


@pytest.mark.parametrize("repo", REPOS, ids=lambda p: p.name)
def test_migrate_gives_after_and_reports_the_units(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / repo.name
    shutil.copytree(repo / "before", tree)
    report = tmp_path / "report.md"
    _run(tree, monkeypatch, "migrate", "--report", str(report))
    migrated = _assert_after(tree, repo)
    text = report.read_text(encoding="utf-8")
    wanted = (repo / "report.txt").read_text(encoding="utf-8").splitlines()
    assert [w for w in wanted if w and w not in text] == [], text
    _run(tree, monkeypatch, "migrate", "--report", str(tmp_path / "second.md"))
    assert _files(tree) == migrated, "a second migrate changed files"


@pytest.mark.parametrize("repo", REPOS, ids=lambda p: p.name)
def test_fix_unsafe_fixes_on_the_tree_plans_the_same(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / repo.name
    shutil.copytree(repo / "before", tree)
    _run(tree, monkeypatch, "fix", "--unsafe-fixes")
    _assert_after(tree, repo)
