"""`job2pod check` and `job2pod rules` end to end, on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from samples import KEPT_JOB, THIN_JOB

from linter.cli import cli
from linter.findings import Finding, Fix, ObjectId, Position, Span
from linter.levels import FixSafety, Severity

EXAMPLES = ROOT / "examples"
ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
  namespace: tasks
rules:
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [create]
"""


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "role.yaml").write_text(ROLE)
    (tmp_path / "clean.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: jobs}\n"
    )
    return tmp_path


def test_text_output_is_clickable_and_summarised(repo: Path) -> None:
    code, out = run("check", ".")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("role.yaml:8:17: JP101 [rbac-grants-batch-jobs] Role grants create")
    assert lines[-1] == (
        "Found 1 finding (1 warning) in 2 files checked; 1 with `job2pod fix --unsafe-fixes`."
    )


def test_clean_run_exits_zero(repo: Path) -> None:
    code, out = run("check", "clean.yaml")
    assert (code, out) == (0, "All checks passed (1 file checked).\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--fail-on", "error"), 0),
        (("--fail-on", "warning"), 1),
        (("--fail-on", "never"), 0),
        (("--ignore", "JP1"), 0),
        (("--ignore", "rbac-grants-batch-jobs"), 0),
        (("--select", "JP101"), 1),
        (("--select", "JP0,JP002"), 0),
    ],
)
def test_exit_code_follows_fail_on_and_selection(
    repo: Path, args: tuple[str, ...], expected: int
) -> None:
    assert run("check", *args, "role.yaml")[0] == expected


def test_unknown_selector_is_a_usage_error(repo: Path) -> None:
    code, out = run("check", "--select", "JP999", "role.yaml")
    assert code == 2
    assert "unknown rule selector 'JP999'" in out


def test_missing_path_is_a_usage_error(repo: Path) -> None:
    code, out = run("check", "nope.yaml")
    assert code == 2
    assert "no such file or directory: nope.yaml" in out


def test_stdin_needs_and_uses_a_filename(repo: Path) -> None:
    assert run("check", "-", input=ROLE)[0] == 2
    code, out = run("check", "-", "--stdin-filename", "deploy/role.yaml", input=ROLE)
    assert code == 1
    assert out.startswith("deploy/role.yaml:8:17: JP101")


def test_json_output_validates_against_the_published_schema(repo: Path) -> None:
    _, out = run("check", "--format", "json", ".")
    data = json.loads(out)
    schema = json.loads((ROOT / "schemas" / "findings.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data[0]["code"] == "JP101"
    assert data[0]["start"] == {"line": 8, "column": 17}
    assert data[0]["object"] == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "namespace": "tasks",
        "name": "runner",
    }


def _fixture_findings() -> list[Finding]:
    from linter.catalog import load_catalog, select_rules
    from linter.engine import RuleSet, check_bytes

    ruleset = RuleSet(select_rules(load_catalog()))
    return [
        f
        for path in sorted(FIXTURES.rglob("bad.*"))
        for f in check_bytes(str(path), path.read_bytes(), ruleset).findings
    ]


_AWKWARD = Finding(
    rule_id="JP101",
    rule_name="rbac-grants-batch-jobs",
    severity=Severity.ERROR,
    path='deploy/"quoted" \\ é\u2028.yaml',
    start=Position(1, 1),
    end=Position(12, 300),
    message='a "quote", a backslash \\, a tab\t, a NUL \x00, é, 中文 and \U0001f600',
    span=Span(0, 1),
    obj=ObjectId(None, "Role", None, 'name with "quotes"'),
    fix=Fix((), FixSafety.UNSAFE, "title\nwith a newline"),
    fingerprint="",
)


def test_a_json_line_is_the_finding_data_as_the_standard_encoder_writes_it() -> None:
    """The JSON reporter writes its lines out by hand (the dicts cost a quarter of a warm
    JSON run): every fixture's findings, and one made of awkward strings and nulls, must
    read exactly as `finding_data` through json."""
    from linter.reporters import encode_line
    from linter.reporters.json import finding_data, finding_line
    from linter.repository import RepositoryPaths

    paths = RepositoryPaths()
    findings = [*_fixture_findings(), _AWKWARD, _AWKWARD._replace(obj=None, fix=None)]
    assert len({f.rule_id for f in findings}) > 20
    for f in findings:
        assert finding_line(f, paths.relative(f.path)) == encode_line(finding_data(f, paths))


def test_github_annotations(repo: Path) -> None:
    _, out = run("check", "--format", "github", "role.yaml")
    assert out.startswith(
        "::warning file=role.yaml,line=8,col=17,endLine=8,endColumn=21,"
        "title=JP101 [rbac-grants-batch-jobs]::Role grants create"
    )


def test_output_file_and_statistics(repo: Path) -> None:
    code, out = run("check", "--statistics", "--output", "report.txt", ".")
    assert code == 1 and out == ""
    assert (repo / "report.txt").read_text() == (
        "1  JP101  [ ] rbac-grants-batch-jobs\n"
        "Found 1 finding (1 warning) in 2 files checked; 1 with `job2pod fix --unsafe-fixes`.\n"
    )


def test_statistics_counts_plurals_and_fixable_agree_with_fix(repo: Path) -> None:
    """The table alone (most frequent rule first) and the summary, in text or JSON; the
    fixable counts of both are what `fix` then reports it fixed."""
    for n in range(3):
        jobs = [KEPT_JOB.format(name=f"report-{n}"), THIN_JOB.format(name=f"task-{n}")]
        (repo / f"jobs-{n}.yaml").write_text("---\n".join(jobs))
    code, out = run("check", "--statistics", ".")
    assert code == 1
    lines = out.splitlines()
    assert lines == [
        "6  JP204  [ ] job-unbounded-runtime",
        "3  JP201  [ ] job-is-thin-wrapper",
        "3  JP202  [*] job-missing-ttl",
        "3  JP203  [*] job-implicit-backoff-limit",
        "1  JP101  [ ] rbac-grants-batch-jobs",
        "Found 16 findings (10 warnings, 6 info) in 5 files checked; 6 fixable with "
        "`job2pod fix` (4 with `job2pod fix --unsafe-fixes`).",
    ]
    assert not any(": JP" in line for line in lines), "no finding lines"
    summary = lines[-1]
    assert "warnings" in summary and "1 warning," not in summary
    statistics = json.loads(run("check", "--statistics", "--format", "json", ".")[1])
    assert {row["code"]: row["count"] for row in statistics}["JP204"] == 6
    fixable = sum(row["fixable_count"] for row in statistics)
    assert f"; {fixable} fixable with `job2pod fix`" in summary
    code, out = run("fix", ".")
    assert code == 1 and out.splitlines()[-1] == f"Fixed {fixable} findings in 3 files."


def test_statistics_is_text_or_json(repo: Path) -> None:
    code, out = run("check", "--statistics", "--format", "sarif", ".")
    assert code == 2 and "--statistics prints text or json, not sarif" in out


def test_color_only_when_asked_or_on_a_tty(repo: Path) -> None:
    assert "\x1b[" not in run("check", "role.yaml")[1]
    assert "\x1b[33mJP101\x1b[0m" in run("check", "--color", "always", "role.yaml")[1]


def test_fingerprints_survive_unrelated_line_moves(repo: Path) -> None:
    before = json.loads(run("check", "--format", "json", "role.yaml")[1])
    (repo / "role.yaml").write_text("# a new comment\n# and another\n" + ROLE)
    after = json.loads(run("check", "--format", "json", "role.yaml")[1])
    assert before[0]["start"]["line"] + 2 == after[0]["start"]["line"]
    assert before[0]["fingerprint"] == after[0]["fingerprint"]


def test_git_aware_discovery_skips_ignored_keeps_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    (tmp_path / ".gitignore").write_text("rendered/\n")
    for folder in ("rendered", ".github/k8s", "deploy"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "role.yaml").write_text(ROLE)
    (tmp_path / "deploy" / "notes.txt").write_text(ROLE)
    _, out = run("check", "--format", "json", ".")
    assert sorted({f["path"] for f in json.loads(out)}) == [
        ".github/k8s/role.yaml",
        "deploy/role.yaml",
    ]
    _, out = run("check", "--format", "json", "rendered/role.yaml")
    assert [f["path"] for f in json.loads(out)] == ["rendered/role.yaml"]
    # An ignored directory named on the command line is what the user asked for, whole,
    # even when a file of it was force-added.
    (tmp_path / "rendered" / "kept.yaml").write_text(ROLE)
    subprocess.run(["git", "add", "-f", "rendered/kept.yaml"], check=True)
    _, out = run("check", "--format", "json", "rendered")
    assert sorted({f["path"] for f in json.loads(out)}) == [
        "rendered/kept.yaml",
        "rendered/role.yaml",
    ]


def test_rules_lists_and_explains() -> None:
    code, out = run("rules")
    assert code == 0
    assert any(line.startswith("JP101   rbac-grants-batch-jobs") for line in out.splitlines())
    code, out = run("rules", "JP101")
    assert code == 0
    for heading in ("What it does:", "Why it matters:", "Example:", "Use instead:", "Fix:"):
        assert heading in out
    assert run("rules", "rbac-grants-batch-jobs")[1] == out
    assert run("rules", "JP999")[0] == 2


def test_console_script_runs_on_the_sample_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linter", "check", str(EXAMPLES)], capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr
    assert "JP101 [rbac-grants-batch-jobs]" in result.stdout
    assert result.stderr == ""


# stdout to a pipe is buffered unless PYTHONUNBUFFERED is set (this machine sets it).
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


@pytest.fixture
def many_findings(tmp_path: Path) -> Path:
    """More output than a pipe holds (64 KiB): 400 Roles, one finding each."""
    for n in range(400):
        (tmp_path / f"role-{n:03}.yaml").write_text(ROLE.replace("name: runner", f"name: r{n}"))
    return tmp_path


def test_the_process_exits_with_its_code_and_all_of_its_output(many_findings: Path) -> None:
    """job2pod skips Python's finalization (_exit): what it printed must still all arrive,
    and a usage error keeps its code."""
    result = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-cache", str(many_findings)],
        capture_output=True,
        text=True,
        env=BUFFERED,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(result.stdout) > 65536
    assert sum("JP101" in line for line in lines) == 400
    assert lines[-1].startswith("Found 400 findings")
    usage = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--jobz", "2"], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "No such option" in usage.stderr


def test_a_reader_that_stops_early_gets_no_traceback(many_findings: Path) -> None:
    """`job2pod check . | head -1`: the closed pipe ends the run quietly."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter", "check", "--no-cache", str(many_findings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=BUFFERED,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert b"JP101" in proc.stdout.readline()
    proc.stdout.close()
    error = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert error == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_an_error(repo: Path) -> None:
    """A full disk must not turn a cut-off report into a clean run."""
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "linter",
                "check",
                "--no-cache",
                "--format",
                "json",
                "clean.yaml",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=BUFFERED,
        )
    assert result.returncode == 2
    assert "job2pod: cannot write the output: No space left on device" in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_findings_of_files_named_out_of_order_come_out_sorted(
    repo: Path, output_format: str
) -> None:
    """Each file's findings are written as it is checked: the files are checked in the
    report's order, whatever order the command line names them in."""
    (repo / "b").mkdir()
    (repo / "b" / "role.yaml").write_text(ROLE)
    (repo / "a.yaml").write_text(ROLE.replace("runner", "other"))
    _, out = run("check", "--format", output_format, "b", "role.yaml", "a.yaml")
    if output_format == "json":
        paths = [f["path"] for f in json.loads(out)]
    elif output_format == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        paths = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    elif output_format == "github":
        paths = [line.split("file=", 1)[1].split(",", 1)[0] for line in out.splitlines()]
    else:
        *lines, summary = out.splitlines()
        paths = [line.split(":", 1)[0] for line in lines]
        assert summary.startswith("Found 3 findings (3 warnings) in 3 files checked")
    assert paths == ["a.yaml", "b/role.yaml", "role.yaml"]


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_machine_formats_need_no_pydantic(repo: Path, output_format: str) -> None:
    """Importing pydantic costs a run about 70 ms: the reporters write plain data."""
    argv = ["-X", "importtime", "-m", "linter", "check", "--no-cache", "role.yaml"]
    done = subprocess.run(
        [sys.executable, *argv, "--format", output_format],
        capture_output=True,
        text=True,
        cwd=repo,
    )
    assert done.returncode == 1 and json.loads(done.stdout)
    assert "pydantic" not in done.stderr


def test_json_of_no_finding_is_an_empty_array(repo: Path) -> None:
    (repo / "role.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    assert run("check", "--format", "json", ".") == (0, "[]\n")
