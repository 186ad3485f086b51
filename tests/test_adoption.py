"""Gradual adoption: baselines that survive line moves, --changed-since, suppressions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli

RULE = "  - apiGroups: [batch]\n    resources: [jobs]\n    verbs: [{verb}]\n"
ROLE = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: runner\nrules:\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def codes(out: str) -> list[tuple[str, int]]:
    return [(f["code"], f["start"]["line"]) for f in json.loads(out)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_baseline_survives_inserted_lines_and_still_catches_a_new_finding(repo: Path) -> None:
    role = repo / "role.yaml"
    role.write_text(ROLE + RULE.format(verb="get"))
    code, out = run("baseline", ".", "-o", ".job2pod-baseline.json")
    assert code == 0 and "Recorded 1 finding in" in out
    assert run("check", "--baseline", ".job2pod-baseline.json", ".")[0] == 0
    role.write_text("# moved\n" * 10 + ROLE + RULE.format(verb="get"))
    assert run("check", "--baseline", ".job2pod-baseline.json", ".") == (
        0,
        "All checks passed (1 file checked).\n",
    )
    role.write_text("# moved\n" * 10 + ROLE + RULE.format(verb="get") + RULE.format(verb="get"))
    code, out = run("check", "--format", "json", "--baseline", ".job2pod-baseline.json", ".")
    assert code == 1
    assert codes(out) == [("JP101", 20)], "the second identical grant is new"


def test_fixing_a_baselined_finding_does_not_hide_a_new_one(repo: Path) -> None:
    role = repo / "role.yaml"
    role.write_text(ROLE + RULE.format(verb="get"))
    run("baseline", ".", "-o", "base.json")
    role.write_text(ROLE + RULE.format(verb="create"))
    code, out = run("check", "--format", "json", "--baseline", "base.json", ".")
    assert code == 1 and codes(out) == [("JP101", 7)], "other verbs: another finding"
    role.write_text(ROLE.replace("runner", "other-runner") + RULE.format(verb="get"))
    code, out = run("check", "--format", "json", "--baseline", "base.json", ".")
    assert code == 1 and codes(out) == [("JP101", 7)], "another object: another finding"


def test_a_broken_baseline_is_a_usage_error(repo: Path) -> None:
    (repo / "base.json").write_text("[]")
    code, out = run("check", "--baseline", "base.json", ".")
    assert code == 2 and "not a job2pod baseline" in out


def test_changed_since_checks_changed_and_untracked_files(repo: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "ci@example.dev")
    git("config", "user.name", "CI")
    (repo / "old.yaml").write_text(ROLE + RULE.format(verb="get"))
    (repo / "edited.yaml").write_text(ROLE)
    git("add", ".")
    git("commit", "-qm", "base")
    (repo / "edited.yaml").write_text(ROLE + RULE.format(verb="get"))
    (repo / "new.yaml").write_text(ROLE + RULE.format(verb="get"))
    code, out = run("check", "--format", "json", "--changed-since", "HEAD", ".")
    assert code == 1
    assert sorted(f["path"] for f in json.loads(out)) == ["edited.yaml", "new.yaml"]


def test_changed_since_outside_git_is_a_clear_error(repo: Path) -> None:
    (repo / "role.yaml").write_text(ROLE)
    code, out = run("check", "--changed-since", "HEAD", ".")
    assert code == 2
    assert "--changed-since" in out and "Traceback" not in out


HELM_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "chart.fullname" . }}
rules:
  {{- if .Values.legacy }}
  - apiGroups: [batch]
    resources: [jobs] # job2pod: ignore[JP101]
    verbs: [get]
  {{- end }}
  # job2pod: ignore[JP101]
  - apiGroups: [""]
    resources: [pods]
    verbs: [get]
"""


def test_suppressions_in_helm_templates_and_unused_ones(repo: Path) -> None:
    (repo / "role.yaml").write_text(HELM_ROLE)
    code, out = run("check", "--format", "json", ".")
    assert codes(out) == [("JP010", 11)]
    code, out = run("fix", ".")
    assert code == 1
    assert '# job2pod: ignore[JP101]\n  - apiGroups: [""]' not in (repo / "role.yaml").read_text()
    assert run("check", ".")[0] == 0


CONTROLLER = """\
from kubernetes import client

batch = client.BatchV1Api()


def start(ns, body):
    batch.create_namespaced_job(ns, body)  # job2pod: ignore[batch-api-job-call]
    # job2pod: ignore[JP501]
    batch.delete_namespaced_job("t", ns)
    # job2pod: ignore[JP507]
    batch.read_namespaced_job("t", ns)
"""


def test_suppressions_in_python_code(repo: Path) -> None:
    """Python comments suppress like YAML ones: by id or name, at the end of the line or
    alone above it; the one that silences nothing is JP010, and its fix removes it."""
    (repo / "controller.py").write_text(CONTROLLER)
    code, out = run("check", "--format", "json", ".")
    assert code == 1
    assert codes(out) == [("JP010", 10), ("JP501", 11)]
    (repo / "other.py").write_text("# job2pod: ignore-file[JP5]\n" + CONTROLLER)
    code, out = run("check", "--format", "json", "other.py")
    assert [c for c, _ in codes(out)] == ["JP010"], "ignore-file silences every JP5xx"
    run("fix", "controller.py")
    assert "ignore[JP507]" not in (repo / "controller.py").read_text()


def test_changed_since_diffs_against_the_merge_base_as_a_pull_request(repo: Path) -> None:
    """What main gained after the branch left it is not the branch's change."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "ci@example.dev")
    git("config", "user.name", "CI")
    for name in ("ours.yaml", "staged.yaml", "edited.yaml"):
        (repo / name).write_text(ROLE)
    # A finding main fixes after the branch left: still in the branch, not its change.
    (repo / "theirs.yaml").write_text(ROLE + RULE.format(verb="list"))
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "feature")
    (repo / "ours.yaml").write_text(ROLE + RULE.format(verb="get"))
    git("commit", "-qam", "feature")
    git("checkout", "-q", "main")
    (repo / "theirs.yaml").write_text(ROLE)
    git("commit", "-qam", "main moves on")
    git("checkout", "-q", "feature")
    (repo / "staged.yaml").write_text(ROLE + RULE.format(verb="watch"))
    git("add", "staged.yaml")
    (repo / "edited.yaml").write_text(ROLE + RULE.format(verb="create"))
    (repo / "untracked.yaml").write_text(ROLE + RULE.format(verb="delete"))
    code, out = run("check", "--format", "json", "--changed-since", "main", ".")
    assert code == 1
    assert sorted(f["path"] for f in json.loads(out)) == [
        "edited.yaml",
        "ours.yaml",
        "staged.yaml",
        "untracked.yaml",
    ]
