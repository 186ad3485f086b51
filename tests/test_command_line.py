"""The command line as ruff users type it: stdin for editors, `check --fix`, `rules jp101`,
help for every option, `clean` and `generate` that say what they did and where."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from linter.cli import cli

# A Role whose suppression silences nothing (JP010, a safe fix), beside a finding that
# stays (JP101, unsafe): CRLF line ends, as an editor on Windows hands them over.
ROLE = (
    "apiVersion: rbac.authorization.k8s.io/v1\r\n"
    "kind: Role\r\n"
    "metadata:\r\n"
    "  name: runner\r\n"
    "  labels:\r\n"
    "    team: tasks # job2pod: ignore[JP101]\r\n"
    "rules:\r\n"
    "  - apiGroups: [batch]\r\n"
    "    resources: [jobs]\r\n"
    "    verbs: [create]\r\n"
)
FIXED = ROLE.replace(" # job2pod: ignore[JP101]", "")


def invoke(*args: str, input: bytes | str | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "role.yaml").write_bytes(ROLE.encode())
    return tmp_path


def test_stdin_filename_alone_reads_stdin(repo: Path) -> None:
    result = invoke("check", "--stdin-filename", "deploy/other.yaml", input=ROLE)
    assert result.exit_code == 1
    assert result.output.startswith("deploy/other.yaml:6:17: JP010")


def test_stdin_leaves_out_the_other_paths_with_a_warning(repo: Path) -> None:
    result = invoke("check", "-", "deploy", "--stdin-filename", "in.yaml", input="kind: Pod\n")
    assert result.exit_code == 0
    assert result.stderr == "job2pod: warning: deploy left out: stdin is checked instead\n"
    assert result.stdout == "All checks passed (1 file checked).\n"


def test_a_stdin_name_of_another_language_is_a_usage_error(repo: Path) -> None:
    result = invoke("check", "--stdin-filename", "notes.txt", input=ROLE)
    assert result.exit_code == 2
    assert result.output == (
        "job2pod: --stdin-filename notes.txt: job2pod reads .yaml, .yml, .py, .go files\n"
    )


def test_fix_from_stdin_writes_the_fixed_text_to_stdout(repo: Path) -> None:
    """For editors: stdout is the whole fixed file, byte for byte (CRLF kept); what is
    left goes to stderr; no file is written."""
    result = invoke("fix", "--stdin-filename", "deploy/role.yaml", input=ROLE.encode())
    assert result.stdout_bytes == FIXED.encode()
    assert result.stderr.startswith("deploy/role.yaml:9:17: JP101")
    assert result.exit_code == 1, "JP101 remains"
    assert (repo / "deploy" / "role.yaml").read_bytes() == ROLE.encode()
    clean = invoke("fix", "--stdin-filename", "x.yaml", input="kind: ConfigMap\n")
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "kind: ConfigMap\n", "")


def test_fix_diff_from_stdin(repo: Path) -> None:
    result = invoke("fix", "--diff", "-", "--stdin-filename", "deploy/role.yaml", input=ROLE)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == ["--- a/deploy/role.yaml", "+++ b/deploy/role.yaml"]
    assert (
        b"-    team: tasks # job2pod: ignore[JP101]\r\n+    team: tasks\r\n" in result.stdout_bytes
    )


@pytest.mark.parametrize(
    ("shortcut", "command"),
    [(("check", "--fix"), ("fix",)), (("check", "--diff"), ("fix", "--diff"))],
    ids=["check --fix", "check --diff"],
)
def test_check_fix_and_diff_are_fix_and_fix_diff(
    repo: Path, tmp_path: Path, shortcut: tuple[str, ...], command: tuple[str, ...]
) -> None:
    outcomes = []
    for args in (shortcut, command):
        (repo / "deploy" / "role.yaml").write_bytes(ROLE.encode())
        result = invoke(*args, "deploy")
        outcomes.append(
            (result.exit_code, result.output, (repo / "deploy" / "role.yaml").read_bytes())
        )
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 1


def test_check_fix_refuses_what_only_check_does(repo: Path) -> None:
    result = invoke("check", "--fix", "--format", "sarif", "deploy")
    assert (result.exit_code, result.output) == (
        2,
        "job2pod: --format does not go with --fix or --diff\n",
    )
    assert (repo / "deploy" / "role.yaml").read_bytes() == ROLE.encode()
    result = invoke("check", "--unsafe-fixes", "deploy")
    assert (result.exit_code, result.output) == (
        2,
        "job2pod: --unsafe-fixes goes with --fix or --diff\n",
    )


def test_rule_ids_are_case_insensitive(repo: Path) -> None:
    assert invoke("rules", "jp101").output == invoke("rules", "JP101").output
    assert invoke("rules", "Jp101").exit_code == 0


def _options(command: click.Command, path: str) -> list[tuple[str, click.Option]]:
    found = [
        (f"{path} {p.opts[0]}", p)
        for p in command.params
        if isinstance(p, click.Option) and p.name != "help"
    ]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _options(sub, f"{path} {name}")
    return found


def test_every_option_has_help_text() -> None:
    options = _options(cli, "job2pod")
    assert len(options) > 40
    assert [name for name, option in options if not (option.help or "").strip()] == []


def test_clean_says_when_there_was_nothing_to_remove(repo: Path) -> None:
    result = invoke("clean")
    assert (result.exit_code, result.output) == (
        0,
        "nothing to remove: there is no cache at .job2pod_cache\n",
    )
    invoke("check", "deploy")
    assert invoke("clean").output == "removed .job2pod_cache\n"


def test_generate_never_writes_into_the_working_directory(repo: Path) -> None:
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    result = invoke("generate", ".")
    assert result.exit_code == 2
    assert result.output == "job2pod: generate writes into a job2pod source tree; . is not one\n"
    assert invoke("generate", "--check").exit_code == 0, "the default is job2pod's own tree"
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before


def test_generate_writes_into_a_source_tree(tmp_path: Path) -> None:
    tree = tmp_path / "job2pod"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    (tree / "rules").mkdir()
    result = invoke("generate", str(tree))
    assert result.exit_code == 0
    assert (tree / "docs" / "rules.md").read_text() == (ROOT / "docs" / "rules.md").read_text()


def test_a_migration_over_several_configs_is_refused_before_a_write(repo: Path) -> None:
    """The plan judges units across files with one ruleset: half a unit must never be
    converted under one config and the other half left under another."""
    (repo / "team").mkdir()
    (repo / "team" / ".job2pod.yaml").write_text("ttl-seconds-after-finished: 60\n")
    (repo / "team" / "role.yaml").write_bytes(ROLE.encode())
    result = invoke("migrate", "deploy", "team")
    assert result.exit_code == 2
    assert result.output == (
        "job2pod: the paths have different configs (no config file, team/.job2pod.yaml): a "
        "migration plans with one; pass --config or run it per project\n"
    )
    assert (repo / "team" / "role.yaml").read_bytes() == ROLE.encode()
    assert invoke("migrate", "--config", "team/.job2pod.yaml", "deploy", "team").exit_code != 2


def test_unsafe_fixes_need_files_not_stdin(repo: Path) -> None:
    result = invoke("fix", "--unsafe-fixes", "--stdin-filename", "role.yaml", input=ROLE)
    assert result.exit_code == 2
    assert "--unsafe-fixes reads files" in result.output
