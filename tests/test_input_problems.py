"""Input problems without marker-carrying fixtures: undecodable files (JP003) and files over
the size limit (JP004). Each is one finding at the file's start, the file is not checked
any further, the other files of the run are, and nothing raises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from linter import run
from linter.catalog import load_catalog, select_rules
from linter.cli import cli
from linter.engine import RuleSet, check_bytes
from linter.findings import Finding, Position

UNDECODABLE = {
    "input-latin1.yaml": "not UTF-8: byte 0xe9 at offset",
    "input-binary.yaml": "binary content (NUL bytes)",
}
UTF16 = FIXTURES / "JP003" / "good-utf16.yaml"
JOB = (FIXTURES / "JP004" / "input-job.yaml").read_bytes()


def _ruleset(max_file_size: int | None = None) -> RuleSet:
    rules = select_rules(load_catalog())
    if max_file_size is None:
        return RuleSet(rules)
    return RuleSet(rules, max_file_size=max_file_size)


def _where(findings: list[Finding]) -> list[tuple[str, Position]]:
    return [(f.rule_id, f.start) for f in findings]


@pytest.mark.parametrize("name", sorted(UNDECODABLE))
def test_undecodable_file_is_one_jp003_finding(name: str) -> None:
    data = (FIXTURES / "JP003" / name).read_bytes()
    report = check_bytes(name, data, _ruleset())
    assert not report.parsed
    assert _where(report.findings) == [("JP003", Position(1, 1))]
    finding = report.findings[0]
    assert UNDECODABLE[name] in finding.message
    assert finding.message.startswith("The file was not checked: ")


@pytest.mark.parametrize("name", sorted(UNDECODABLE))
def test_undecodable_file_is_reported_without_its_trigger_tokens_too(name: str) -> None:
    """The inputs hold a Job so the prefilter lets them through; a cut version that holds
    no trigger token at all never raises either."""
    data = (FIXTURES / "JP003" / name).read_bytes()
    cut = data.replace(b"Job", b"Thing").replace(b"suspend", b"paused")
    report = check_bytes(name, cut, _ruleset())
    assert _where(report.findings) in ([], [("JP003", Position(1, 1))])


def test_utf16_file_with_bom_is_checked_like_any_other() -> None:
    report = check_bytes(UTF16.name, UTF16.read_bytes(), _ruleset())
    assert report.parsed
    ids = {f.rule_id for f in report.findings}
    assert "JP003" not in ids
    suspend = [f for f in report.findings if f.rule_id == "JP401"]
    # Line 9 of the decoded text, `suspend: true` after two spaces of indentation.
    assert [(f.start, f.end) for f in suspend] == [(Position(9, 3), Position(9, 16))]


def test_file_over_the_size_limit_is_one_jp004_finding() -> None:
    report = check_bytes("job.yaml", JOB, _ruleset(max_file_size=len(JOB) - 1))
    assert not report.parsed
    assert _where(report.findings) == [("JP004", Position(1, 1))]
    assert f"{len(JOB):,} bytes is over the limit of {len(JOB) - 1:,}" in (
        report.findings[0].message
    )


def test_file_at_the_size_limit_is_checked() -> None:
    report = check_bytes("job.yaml", JOB, _ruleset(max_file_size=len(JOB)))
    assert report.parsed
    assert "JP004" not in {f.rule_id for f in report.findings}
    assert "JP401" in {f.rule_id for f in report.findings}


def test_size_limit_comes_before_decoding_and_the_prefilter() -> None:
    """A file too large is never read further, whatever it holds."""
    for data in (b"\x00" * 64, b"# nothing job2pod looks for\n" * 4):
        report = check_bytes("blob.yaml", data, _ruleset(max_file_size=16))
        assert _where(report.findings) == [("JP004", Position(1, 1))]


def _run_folder(tmp_path: Path) -> list[Path]:
    for name in [*UNDECODABLE, UTF16.name]:
        shutil.copy(FIXTURES / "JP003" / name, tmp_path / name)
    ok = tmp_path / "stop.yaml"
    ok.write_bytes(JOB)
    return sorted(tmp_path.iterdir())


def test_other_files_of_the_run_are_still_checked(tmp_path: Path) -> None:
    paths = [str(p) for p in _run_folder(tmp_path)]
    result = run.check_files(paths, _ruleset())
    assert result.errors == []
    by_file: dict[str, set[str]] = {}
    for f in result.findings:
        by_file.setdefault(Path(f.path).name, set()).add(f.rule_id)
    assert by_file["input-binary.yaml"] == {"JP003"}
    assert by_file["input-latin1.yaml"] == {"JP003"}
    assert "JP401" in by_file["good-utf16.yaml"]
    assert "JP401" in by_file["stop.yaml"]


def test_size_limit_in_a_whole_run(tmp_path: Path) -> None:
    paths = [str(p) for p in _run_folder(tmp_path)]
    big = tmp_path / "big.yaml"
    big.write_bytes(JOB + b"# padding\n" * 100)
    result = run.check_files([*paths, str(big)], _ruleset(max_file_size=len(JOB) + 500))
    ids = {(Path(f.path).name, f.rule_id) for f in result.findings}
    assert ("big.yaml", "JP004") in ids
    assert ("big.yaml", "JP401") not in ids
    assert ("stop.yaml", "JP401") in ids


def test_cli_reports_input_problems_and_keeps_going(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    _run_folder(folder)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        cli,
        ["check", str(folder), "--format", "json", "-o", str(out), "--no-cache", "--jobs", "1"],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    codes: dict[str, set[str]] = {}
    for finding in json.loads(out.read_text(encoding="utf-8")):
        codes.setdefault(Path(finding["path"]).name, set()).add(finding["code"])
    assert codes["input-binary.yaml"] == {"JP003"}
    assert codes["input-latin1.yaml"] == {"JP003"}
    assert "JP401" in codes["good-utf16.yaml"]
    assert "JP401" in codes["stop.yaml"]


def test_python_files_without_a_final_newline_get_the_same_findings() -> None:
    """LibCST ends such a file on the line after its last (a kopf Job handler's span
    reached past the line index: an internal error)."""
    rules = RuleSet(select_rules(load_catalog(), migrate=True))
    for path in sorted([*FIXTURES.glob("JP506/*.py"), *FIXTURES.glob("JP507/*.py")]):
        data = path.read_bytes()
        with_newline = check_bytes(path.name, data, rules).findings
        without = check_bytes(path.name, data.rstrip(b"\r\n"), rules).findings
        assert [(f.rule_id, f.start, f.message) for f in without] == [
            (f.rule_id, f.start, f.message) for f in with_newline
        ], path
