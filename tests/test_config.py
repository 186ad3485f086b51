"""Configuration files: found by walking up, flags win, every mistake is one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import ROOT

from linter.cli import cli

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [create]
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deploy" / "legacy").mkdir(parents=True)
    (tmp_path / "deploy" / "role.yaml").write_text(ROLE)
    (tmp_path / "deploy" / "legacy" / "role.yaml").write_text(ROLE)
    return tmp_path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select: [JP101, JP1, JP999]\n", ".job2pod.yaml: select[2]: unknown rule 'JP999'"),
        (
            "fail-on: loud\n",
            ".job2pod.yaml: fail-on: Input should be 'error', 'warning', 'info' or 'never'",
        ),
        ("colour: always\n", ".job2pod.yaml: colour: unknown setting"),
        (
            "ttl-seconds-after-finished: soon\n",
            ".job2pod.yaml: ttl-seconds-after-finished: Input should be a valid integer",
        ),
        (
            "per-file-ignores:\n  'x/*': [NOPE]\n",
            ".job2pod.yaml: per-file-ignores.x/*[0]: unknown rule 'NOPE'",
        ),
        ("- just\n- a list\n", ".job2pod.yaml: expected a mapping of settings"),
        ("select: [unclosed\n", ".job2pod.yaml: not valid YAML"),
        ("rule-dirs: [nowhere]\n", ".job2pod.yaml: rule-dirs: no such directory"),
    ],
)
def test_bad_config_is_one_clear_line_and_exit_2(repo: Path, text: str, message: str) -> None:
    (repo / ".job2pod.yaml").write_text(text)
    code, out = run("check", "deploy")
    assert code == 2
    assert message in out
    assert "Traceback" not in out


def test_pyproject_tool_table_is_found_by_walking_up(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.job2pod]\nignore = ["JP101"]\n')
    assert run("check", "deploy/legacy/role.yaml")[0] == 0


def test_flags_win_over_the_file(repo: Path) -> None:
    (repo / ".job2pod.yaml").write_text("ignore: [JP101]\nfail-on: error\n")
    assert run("check", "deploy")[0] == 0
    assert run("check", "--ignore", "JP002", "--fail-on", "warning", "deploy")[0] == 1


def test_per_file_ignores_and_exclude_are_relative_to_the_config(repo: Path) -> None:
    (repo / ".job2pod.yaml").write_text(
        "per-file-ignores:\n  deploy/legacy/**: [rbac-grants-batch-jobs]\n"
    )
    _, out = run("check", "--format", "json", ".")
    assert [f["path"] for f in json.loads(out)] == ["deploy/role.yaml"]
    (repo / ".job2pod.yaml").write_text("extend-exclude: [legacy/]\n")
    _, out = run("check", "--format", "json", ".")
    assert [f["path"] for f in json.loads(out)] == ["deploy/role.yaml"]
    _, out = run("check", "--format", "json", "deploy/legacy/role.yaml")
    assert [f["path"] for f in json.loads(out)] == ["deploy/legacy/role.yaml"], (
        "named files are checked"
    )


def test_format_from_config_and_explicit_config_file(repo: Path) -> None:
    (repo / "ci.yaml").write_text("format: github\n")
    _, out = run("check", "--config", "ci.yaml", "deploy/role.yaml")
    assert out.startswith("::warning file=deploy/role.yaml,line=7")
    assert run("check", "--config", "missing.yaml", "deploy")[0] == 2


def test_config_values_reach_the_fixes(repo: Path) -> None:
    (repo / ".job2pod.yaml").write_text("ttl-seconds-after-finished: 120\n")
    from linter.config import Config, load

    assert load(repo / ".job2pod.yaml").ttl_seconds_after_finished == 120
    assert Config().rename_map == {
        "jobName": "podName",
        "JobName": "PodName",
        "job_name": "pod_name",
    }


def test_config_schema_accepts_a_real_config() -> None:
    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text())
    jsonschema.validate(
        {"select": ["JP1"], "fail-on": "error", "per-file-ignores": {"a/*": ["JP2"]}}, schema
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fail-on": "loud"}, schema)


def test_rename_map_replaces_the_rules_map_and_their_triggers(repo: Path) -> None:
    (repo / ".job2pod.yaml").write_text("rename-map: {runnerJob: runnerPod}\n")
    (repo / "task.yaml").write_text(
        "apiVersion: tasks.example.dev/v1\nkind: Task\nmetadata: {name: t}\n"
        "status: {runnerJob: t-1, jobName: t-1}\n"
    )
    code, out = run("check", "--select", "JP303", "task.yaml")
    assert code == 1
    assert out.startswith(
        "task.yaml:4:10: JP303 [resource-job-name-field] Task t holds `status.runnerJob`"
    )
    assert "jobName" not in out


def test_identifier_renames_reach_the_python_rule_and_its_prefilter(repo: Path) -> None:
    (repo / ".job2pod.yaml").write_text("identifier-renames: {launch_job: launch_pod}\n")
    (repo / "runner.py").write_text("import kopf\n\n\ndef launch_job(spec):\n    return spec\n")
    code, out = run("check", "--select", "JP505", "runner.py")
    assert code == 1
    assert out.startswith(
        "runner.py:4:5: JP505 [job-name-field-in-code] function `launch_job` names the Task's Job"
    )


@pytest.mark.parametrize("damage", ["{not json", '{"no_such_setting": 1}', "[1, 2]"])
def test_validated_config_is_kept_and_a_damaged_entry_is_a_miss(
    tmp_path: Path, damage: str
) -> None:
    from linter.config import load

    path = tmp_path / ".job2pod.yaml"
    path.write_text("fail-on: error\nttl-seconds-after-finished: '600'\n")
    cache = tmp_path / "cache"
    first = load(path, cache)
    (entry,) = (cache / "config").glob("*.json")
    assert json.loads(entry.read_text()) == {"fail_on": "error", "ttl_seconds_after_finished": 600}
    assert load(path, cache) == first
    entry.write_text(damage)
    assert load(path, cache) == first
    assert first.ttl_seconds_after_finished == 600 and first.backoff_limit == 6


def test_rename_map_reaches_a_custom_rule_that_keeps_the_default_renames(repo: Path) -> None:
    rule = (ROOT / "rules" / "JP303.yaml").read_text()
    rule = rule.replace("id: JP303", "id: ACME303").replace(
        "name: resource-job-name-field", "name: acme-runner-field"
    )
    rule = rule.replace("  renames: {jobName: podName, JobName: PodName, job_name: pod_name}\n", "")
    (repo / "rules").mkdir()
    (repo / "rules" / "ACME303.yaml").write_text(rule)
    (repo / ".job2pod.yaml").write_text("rename-map: {runnerJob: runnerPod}\nrule-dirs: [rules]\n")
    (repo / "task.yaml").write_text(
        "apiVersion: tasks.example.dev/v1\nkind: Task\nmetadata: {name: t}\n"
        "status: {runnerJob: t-1}\n"
    )
    code, out = run("check", "--select", "ACME303", "task.yaml")
    assert code == 1
    assert out.startswith(
        "task.yaml:4:10: ACME303 [acme-runner-field] Task t holds `status.runnerJob`"
    )
