"""The fix engine and the fix/migrate commands: lossless, verified, atomic, idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.catalog import builtin_rules
from linter.checks import rbac_grant
from linter.cli import cli
from linter.engine import RuleSet
from linter.findings import Edit, Fix, Violation
from linter.fixes import ChangedOnDisk, apply_edits, fix_text, write_atomic
from linter.levels import FixSafety

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  # Tasks run as Jobs.
  - apiGroups: ["batch"]
    resources: ["jobs"]
    verbs: ["create", "get"]
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create", "get", "list"]
"""
ROLE_FIXED = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create", "get", "list"]
"""


# A thin-wrapper Job beside the Role: the migration plan removes a batch jobs grant no
# scanned code is tied to once something converts and no Job stays a Job.
TASK_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: nightly-task
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: task, image: "registry.example.dev/task:1.0"}
"""


def jp101() -> RuleSet:
    return RuleSet([r for r in builtin_rules() if r.id == "JP101"])


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_apply_edits_sorts_and_refuses_overlaps() -> None:
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 1, "A")]) == "AbcdEf"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, ""), Edit(2, 4, "")])


def test_covered_grant_goes_with_its_comment() -> None:
    result = fix_text("role.yaml", ROLE, jp101(), "yaml", unsafe=True)
    assert result.fixed == ROLE_FIXED
    assert [f.rule_id for f in result.applied] == ["JP101"]
    assert result.remaining == []


def test_unsafe_fixes_need_the_flag() -> None:
    result = fix_text("role.yaml", ROLE, jp101(), "yaml", unsafe=False)
    assert not result.changed
    assert [f.rule_id for f in result.remaining] == ["JP101"]


@pytest.mark.parametrize(
    ("prefix", "newline", "final"),
    [("", "\r\n", True), ("\ufeff", "\n", False), ("", "\r\n", False)],
    ids=["crlf", "bom-no-final-newline", "crlf-no-final-newline"],
)
def test_line_endings_bom_and_final_newline_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str, newline: str, final: bool
) -> None:
    monkeypatch.chdir(tmp_path)

    def shape(text: str) -> bytes:
        body = text.replace("\n", newline)
        if not final:
            body = body.rstrip("\r\n")
        return (prefix + body).encode("utf-8")

    (tmp_path / "role.yaml").write_bytes(shape(ROLE))
    (tmp_path / "task-job.yaml").write_text(TASK_JOB)
    assert run("fix", "--unsafe-fixes", "role.yaml", "task-job.yaml")[0] == 1
    assert (tmp_path / "role.yaml").read_bytes() == shape(ROLE_FIXED)


def test_diff_writes_nothing_and_fix_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "role.yaml"
    path.write_text(ROLE)
    path.chmod(0o640)
    (tmp_path / "task-job.yaml").write_text(TASK_JOB)
    code, out = run("fix", "--unsafe-fixes", "--diff", ".")
    assert code == 1
    assert "-  # Tasks run as Jobs.\n" in out and "+++ b/role.yaml" in out
    assert path.read_text() == ROLE
    code, out = run("fix", "--unsafe-fixes", ".")
    assert code == 1 and "in 2 files." in out
    assert path.read_text() == ROLE_FIXED
    assert path.stat().st_mode & 0o777 == 0o640
    assert run("fix", "--unsafe-fixes", ".") == (0, "All checks passed (2 files checked).\n")
    assert run("fix", "--unsafe-fixes", "--diff", ".") == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["role.yaml", "task-job.yaml"]


def test_write_refuses_a_file_changed_since_read(tmp_path: Path) -> None:
    path = tmp_path / "role.yaml"
    path.write_text("edited by someone else\n")
    with pytest.raises(ChangedOnDisk):
        write_atomic(path, b"new", expected=ROLE.encode())
    assert path.read_text() == "edited by someone else\n"
    assert [p.name for p in tmp_path.iterdir()] == ["role.yaml"]


def test_no_fix_is_offered_for_a_list_that_holds_a_template() -> None:
    text = ROLE.replace('resources: ["jobs"]', 'resources: ["jobs", {{ .Values.extra }}]')
    result = fix_text("role.yaml", text, jp101(), "yaml", unsafe=True)
    assert not result.changed
    assert [(f.rule_id, f.fix) for f in result.remaining] == [("JP101", None)]


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (0, 10, "the fix would cut through a template expression"),
        (0, 40, "the fix would drop a template expression"),
    ],
)
def test_template_expressions_are_never_cut_or_dropped(
    monkeypatch: pytest.MonkeyPatch, start: int, end: int, reason: str
) -> None:
    def cutting(obj, params, ctx) -> Iterator[Violation]:  # type: ignore[no-untyped-def]
        for violation in original(obj, params, ctx):
            yield Violation(
                violation.span,
                violation.args,
                Fix((Edit(start, end, ""),), FixSafety.UNSAFE, "cut"),
            )

    original = rbac_grant.check
    monkeypatch.setattr(rbac_grant, "check", cutting)
    text = "# {{ .Values.header }} of role\n" + ROLE
    assert text.index("{{") == 2 and text.index("}}") == 20
    result = fix_text("role.yaml", text, jp101(), "yaml", unsafe=True)
    assert not result.changed
    assert [r.reason for r in result.rejected] == [reason]


def test_anchored_nodes_shared_by_aliases_are_not_edited() -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - kind: Role
    metadata: {name: a}
    rules:
      - &jobs {apiGroups: [batch], resources: [jobs], verbs: [get]}
  - kind: Role
    metadata: {name: b}
    rules:
      - *jobs
"""
    result = fix_text("list.yaml", text, jp101(), "yaml", unsafe=True)
    assert not result.changed
    assert {r.reason for r in result.rejected} == {
        "the fix would edit an anchored node that aliases share"
    }


def test_a_fix_that_breaks_the_file_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(obj, params, ctx) -> Iterator[Violation]:  # type: ignore[no-untyped-def]
        for violation in original(obj, params, ctx):
            bad = Fix((Edit(0, 0, "[unclosed\n"),), FixSafety.UNSAFE, "break it")
            yield Violation(violation.span, violation.args, bad)

    original = rbac_grant.check
    monkeypatch.setattr(rbac_grant, "check", broken)
    result = fix_text("role.yaml", ROLE, jp101(), "yaml", unsafe=True)
    assert not result.changed
    assert result.rejected[0].reason.startswith("the fixed text would not parse")


def test_migrate_reports_rewrites_and_what_needs_a_human(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "role.yaml").write_text(ROLE)
    templated = ROLE.replace("  # Tasks run as Jobs.\n", "  {{- if .Values.jobs }}\n")
    (tmp_path / "chart-role.yaml").write_text(templated)
    (tmp_path / "task-job.yaml").write_text(TASK_JOB)
    code, out = run("migrate", "--select", "JP101,JP201", "--report", "report.md", ".")
    assert code == 1 and out == ""
    report = (tmp_path / "report.md").read_text()
    assert "| files rewritten | 2 |" in report
    assert "### role.yaml\n\n- line 8: JP101 Remove jobs from the rule" in report
    assert "### chart-role.yaml" in report
    assert "JP101 fix not applied: the fix would drop a template expression" in report
    assert (tmp_path / "role.yaml").read_text() == ROLE_FIXED
    assert (tmp_path / "chart-role.yaml").read_text() == templated


JOB_WITH_ANTI_AFFINITY = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: export
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector:
                matchExpressions: [{key: job-name, operator: Exists}]
      containers:
        - {name: export, image: "registry.example.dev/export:3.1"}
"""


def test_a_finding_that_stays_on_a_rewritten_object_is_not_new() -> None:
    """JP201 turns the Job into a Pod; JP207's finding in its pod spec now belongs to a Pod
    (another fingerprint) but it is the same finding: the rewrite is not refused for it."""
    rules = [r for r in builtin_rules() if r.id in ("JP201", "JP207")]
    result = fix_text("job.yaml", JOB_WITH_ANTI_AFFINITY, RuleSet(rules), "yaml", unsafe=True)
    assert result.rejected == []
    assert result.fixed.startswith("apiVersion: v1\nkind: Pod\n")
    assert [(f.rule_id, str(f.obj)) for f in result.remaining] == [("JP207", "Pod export")]
