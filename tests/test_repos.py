"""Whole-repository migrations: `job2pod migrate` on a copy of fixtures/repos/<name>/before/
gives after/ byte for byte, changes nothing on a second run, and reports what is listed in
needs-human.txt (one expected substring of the report's "Needs a human" section a line) and
units.txt (the same, for the verdicts of its "Units" and "Shared by the units" sections)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from linter.cli import cli

REPOS = sorted(p for p in (FIXTURES / "repos").iterdir() if p.is_dir())
NEEDS_A_HUMAN = "## Needs a human\n"
UNITS = "## Units\n"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _migrate(tree: Path, report: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # Run from inside the tree, as users do, so the report names repository-relative paths.
    monkeypatch.chdir(tree)
    args = ["migrate", "--report", str(report), "."]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return report.read_text(encoding="utf-8")


@pytest.mark.parametrize("repo", REPOS, ids=lambda p: p.name)
def test_migrate_gives_after_and_reports_what_needs_a_human(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / repo.name
    shutil.copytree(repo / "before", tree)
    report = _migrate(tree, tmp_path / "first.md", monkeypatch)
    migrated, expected = _files(tree), _files(repo / "after")
    assert sorted(migrated) == sorted(expected)
    for name, data in expected.items():
        assert migrated[name] == data, f"{name} differs from after/{name}"
    assert NEEDS_A_HUMAN in report
    needs_a_human = report.split(NEEDS_A_HUMAN, 1)[1]
    wanted = (repo / "needs-human.txt").read_text(encoding="utf-8").splitlines()
    missing = [line for line in wanted if line.strip() and line not in needs_a_human]
    assert missing == [], f"not in the report's Needs a human section:\n{needs_a_human}"
    verdicts = report.split(UNITS, 1)[1].split("\n## Rewritten\n", 1)[0]
    wanted = (repo / "units.txt").read_text(encoding="utf-8").splitlines()
    missing = [line for line in wanted if line.strip() and line not in verdicts]
    assert missing == [], f"not in the report's units:\n{verdicts}"

    _migrate(tree, tmp_path / "second.md", monkeypatch)
    assert _files(tree) == migrated, "a second migrate changed files"
