"""Configuration files: found by walking up, flags win, every mistake is one clear line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import ROOT
from samples import KEPT_JOB, ROLE

from linter.cli import cli


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
            "extend-exlude: [vendor/]\n",
            ".job2pod.yaml: extend-exlude: unknown setting (did you mean 'extend-exclude'?)",
        ),
        (
            "ttl-seconds-after-finished: soon\n",
            ".job2pod.yaml: ttl-seconds-after-finished: Input should be a valid integer, "
            "unable to parse string as an integer",
        ),
        (
            "per-file-ignores:\n  'x/*': [NOPE]\n",
            ".job2pod.yaml: per-file-ignores.x/*[0]: unknown rule 'NOPE'",
        ),
        ("- just\n- a list\n", ".job2pod.yaml: expected a mapping of settings"),
        (
            "fail-on: error\nselect: [unclosed\n",
            ".job2pod.yaml:3:1: not valid YAML: did not find expected ',' or ']'",
        ),
        ("rule-dirs: [nowhere]\n", ".job2pod.yaml: rule-dirs: no such directory: {repo}/nowhere"),
    ],
)
def test_bad_config_is_one_clear_line_and_exit_2(repo: Path, text: str, message: str) -> None:
    """One line on stderr, no usage banner: the file, the key or the place, the problem."""
    (repo / ".job2pod.yaml").write_text(text)
    code, out = run("check", "deploy")
    assert code == 2
    assert out == f"job2pod: {message.format(repo=repo.resolve())}\n"


def test_config_errors_name_the_file_from_the_working_directory(repo: Path) -> None:
    (repo / "deploy" / ".job2pod.yaml").write_text("ignore: [JP999]\n")
    assert run("check", "deploy") == (
        2,
        "job2pod: deploy/.job2pod.yaml: ignore[0]: unknown rule 'JP999'\n",
    )
    (repo / "deploy" / ".job2pod.yaml").write_text("fail-on: error\n")
    (repo / "pyproject.toml").write_text("[tool.job2pod]\nselect = [JP1]\n")
    assert run("check", "deploy/role.yaml", "--config", str(repo / "pyproject.toml")) == (
        2,
        f"job2pod: {repo / 'pyproject.toml'}:2:11: not valid TOML: Invalid value\n",
    )


def test_config_on_a_pyproject_without_the_table_is_an_error(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "tasks"\n')
    assert run("check", "--config", "pyproject.toml", "deploy") == (
        2,
        "job2pod: pyproject.toml: no [tool.job2pod] table in it\n",
    )


@pytest.mark.parametrize(
    "args",
    [
        ("check", "-o", "reports/job2pod.sarif", "--format", "sarif", "deploy"),
        ("baseline", "-o", "reports/baseline.json", "deploy"),
    ],
)
def test_output_into_a_missing_directory_is_an_error_before_the_scan(
    repo: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    from linter import run as run_module

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan started")

    monkeypatch.setattr(run_module, "check_files", no_scan)
    code, out = run(*args)
    assert (code, out) == (2, f"job2pod: --output {args[2]}: no such directory: reports\n")


def test_pyproject_tool_table_is_found_by_walking_up(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.job2pod]\nignore = ["JP101"]\n')
    assert run("check", "deploy/legacy/role.yaml")[0] == 0


def test_flags_win_over_the_file(repo: Path) -> None:
    (repo / ".job2pod.yaml").write_text("ignore: [JP101]\nfail-on: error\n")
    assert run("check", "deploy")[0] == 0
    assert run("check", "--select", "JP101", "--fail-on", "warning", "deploy")[0] == 1


def _codes(repo: Path, config: str, *args: str) -> list[str]:
    (repo / ".job2pod.yaml").write_text(config)
    (repo / "deploy" / "job.yaml").write_text(KEPT_JOB.format(name="nightly-report"))
    code, out = run("check", "--format", "json", *args, "deploy/role.yaml", "deploy/job.yaml")
    assert code in (0, 1), out
    return sorted({f["code"] for f in json.loads(out)})


@pytest.mark.parametrize(
    ("config", "args", "expected"),
    [
        ("", (), ["JP101", "JP202", "JP203", "JP204"]),
        ("ignore: [JP204]\n", ("--ignore", "JP202"), ["JP101", "JP203"]),
        ("ignore: [JP204]\n", ("--extend-ignore", "JP101,JP203"), ["JP202"]),
        (
            "select: [JP2]\n",
            ("--extend-select", "JP101"),
            ["JP101", "JP202", "JP203", "JP204", "JP206"],
        ),
        ("select: [JP2]\n", ("--select", "JP101"), ["JP101"]),
        ("ignore: [JP2]\n", ("--extend-select", "JP204"), ["JP101", "JP204"]),
        ("ignore: [JP204]\n", ("--select", "JP2"), ["JP202", "JP203", "JP204", "JP206"]),
        ("", ("--select", "JP2", "--ignore", "JP202"), ["JP203", "JP204", "JP206"]),
        ("", ("--ignore", "JP2", "--select", "JP202"), ["JP202"]),
        ("", ("--select", "JP202", "--ignore", "job-missing-ttl"), []),
        (
            "select: [ALL]\nignore: [JP1]\n",
            ("--extend-select", "JP101"),
            ["JP101", "JP202", "JP203", "JP204", "JP206"],
        ),
    ],
)
def test_command_line_selection_is_a_layer_over_the_config(
    repo: Path, config: str, args: tuple[str, ...], expected: list[str]
) -> None:
    """As ruff's: a CLI --select starts afresh, --ignore and --extend-* add to the
    config's; within a layer the more specific selector wins, and ignore on a tie."""
    assert _codes(repo, config, *args) == expected


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


@pytest.fixture
def teams(repo: Path) -> Path:
    """A monorepo: the top config ignores JP101, team-a's own config selects JP1 and
    excludes its generated manifests."""
    (repo / ".job2pod.yaml").write_text("ignore: [JP101]\n")
    (repo / "team-a" / "generated").mkdir(parents=True)
    (repo / "team-a" / ".job2pod.yaml").write_text("select: [JP1]\nextend-exclude: [generated/]\n")
    (repo / "team-a" / "role.yaml").write_text(ROLE)
    (repo / "team-a" / "generated" / "role.yaml").write_text(ROLE)
    return repo


def _paths(*args: str) -> list[str]:
    code, out = run("check", "--format", "json", *args)
    assert code in (0, 1), out
    return [f["path"] for f in json.loads(out)]


def test_each_file_has_its_nearest_config_whatever_the_order(teams: Path) -> None:
    assert _paths("deploy/role.yaml", "team-a/role.yaml") == ["team-a/role.yaml"]
    assert _paths("team-a/role.yaml", "deploy/role.yaml") == ["team-a/role.yaml"]
    assert _paths(".") == ["team-a/role.yaml"], "team-a/generated is excluded by team-a"


def test_a_walk_spares_the_config_lookup_of_directories_without_one(
    teams: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tree walk's listings say which directories hold no config file: only those that
    do (and the ones above the walked tree) are looked into, and a pyproject.toml is
    still read for its [tool.job2pod] table."""
    from linter import options

    (teams / "team-b").mkdir()
    (teams / "team-b" / "pyproject.toml").write_text('[tool.job2pod]\nselect = ["JP1"]\n')
    (teams / "team-b" / "role.yaml").write_text(ROLE)
    asked: list[str] = []
    in_directory = options.in_directory
    monkeypatch.setattr(options, "in_directory", lambda d: asked.append(d) or in_directory(d))
    assert _paths(".") == ["team-a/role.yaml", "team-b/role.yaml"]
    root = os.path.realpath(teams)
    inside = {os.path.relpath(os.path.realpath(d), root) for d in asked}
    assert {d for d in inside if not d.startswith("..")} == {".", "team-a", "team-b"}


def test_explicit_config_overrides_every_file(teams: Path) -> None:
    (teams / "ci.yaml").write_text("select: [JP101]\n")
    code, out = run("check", "--config", "ci.yaml", ".")
    assert code == 1
    assert out.splitlines()[-1].startswith("Found 4 findings (4 warnings) in 4 files checked")
    assert _paths("--config", "ci.yaml", "deploy", "team-a") == [
        "deploy/legacy/role.yaml",
        "deploy/role.yaml",
        "team-a/generated/role.yaml",
        "team-a/role.yaml",
    ]


def test_stdin_finds_its_config_from_its_name(teams: Path) -> None:
    result = CliRunner().invoke(
        cli, ["check", "--stdin-filename", "team-a/role.yaml", "--format", "json"], input=ROLE
    )
    assert [f["path"] for f in json.loads(result.output)] == ["team-a/role.yaml"]
    result = CliRunner().invoke(cli, ["check", "--stdin-filename", "deploy/role.yaml"], input=ROLE)
    assert result.exit_code == 0


def test_force_exclude_applies_exclude_to_files_named_explicitly(teams: Path) -> None:
    named = "team-a/generated/role.yaml"
    assert _paths(named) == [named], "named files are checked"
    assert _paths("--force-exclude", named) == []
    assert run("check", "--force-exclude", named) == (0, "All checks passed (0 files checked).\n")
    assert _paths("--force-exclude", "team-a/role.yaml") == ["team-a/role.yaml"]


def test_pre_commit_hooks_force_the_config_excludes(teams: Path) -> None:
    """pre-commit names every staged file: the hooks' entries pass --force-exclude."""
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        program, *args = hook["entry"].split()
        assert program == "job2pod" and "--force-exclude" in args, hook["id"]
    check = next(h for h in hooks if h["id"] == "job2pod")["entry"].split()[1:]
    staged = ["team-a/generated/role.yaml", "team-a/role.yaml", "team-a/.job2pod.yaml"]
    code, out = run(*check, *staged)
    assert code == 1
    assert out.startswith("team-a/role.yaml:7:17: JP101")
    assert out.splitlines()[-1].endswith("in 1 file checked; 1 with `job2pod fix --unsafe-fixes`.")


def test_config_files_are_not_checked_files(teams: Path) -> None:
    (teams / "team-a" / "generated" / "role.yaml").unlink()
    code, out = run("check", "team-a")
    assert code == 1
    assert out.splitlines()[-1].endswith("in 1 file checked; 1 with `job2pod fix --unsafe-fixes`.")
    assert run("check", "team-a/.job2pod.yaml") == (0, "All checks passed (0 files checked).\n")
