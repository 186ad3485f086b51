"""The README's examples are the files in examples/, and they work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from ruamel.yaml import YAML

from linter.cli import cli

README = (ROOT / "README.md").read_text()
EXAMPLE = ROOT / "examples" / "custom-rules"


@pytest.mark.parametrize(
    "path",
    [
        EXAMPLE / "rules" / "ACME001.yaml",
        ROOT / "examples" / "ci" / "github-workflow.yml",
        ROOT / "examples" / "ci" / "gitlab-ci.yml",
    ],
    ids=lambda p: p.name,
)
def test_readme_quotes_the_example_file_verbatim(path: Path) -> None:
    assert path.read_text() in README
    YAML(typ="safe").load(path.read_text())


def test_custom_rule_example_runs_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--no-cache", "--format", "json", "role.yaml"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)
    assert (finding["code"], finding["name"], finding["severity"]) == (
        "ACME001",
        "rbac-grants-cronjob-create",
        "error",
    )
    assert finding["message"] == (
        "Role grants get, list, create on cronjobs: only the platform team creates CronJobs"
    )
    listed = runner.invoke(cli, ["rules"]).output
    assert "ACME001 rbac-grants-cronjob-create" in listed
    quiet = runner.invoke(cli, ["check", "--no-cache", "--ignore", "ACME", "role.yaml"])
    assert quiet.exit_code == 0


def test_readme_starts_with_the_two_commands() -> None:
    commands = [line.strip() for line in README.splitlines() if line.startswith("    $ ")]
    assert commands[:2] == [
        "$ pip install . && job2pod check examples/",
        "$ pip install -e '.[test]' && pytest",
    ]


def test_every_guarantee_names_a_test_that_exists() -> None:
    section = README.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/test_\w+\.py)::(test_\w+)`", section)
    assert len(named) >= 10
    for path, name in named:
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.MULTILINE), name


def _collected(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.split("[")[0] for line in done.stdout.splitlines() if "::" in line}


def test_pytest_alone_leaves_the_slow_tests_to_ci() -> None:
    """The README's `pytest` is the quick run; .ci/run also runs `pytest -m slow`."""
    ci = (ROOT / ".ci" / "run").read_text()
    extracted = re.findall(r"^    \$ (pip install -e .*pytest.*)$", README, re.MULTILINE)
    assert extracted[0] == "pip install -e '.[test]' && pytest"
    assert re.search(r'^run_tests "\$test_command"$', ci, re.MULTILINE)
    assert re.search(r'^run_tests "pytest -m slow"$', ci, re.MULTILINE)
    # One module with tests of both kinds: collecting the whole suite twice costs seconds.
    module = "tests/test_run.py"
    quick, slow = _collected(module), _collected("-m", "slow", module)
    sweep = f"{module}::test_jobs_cache_and_prefilter_give_identical_findings"
    assert sweep in slow and sweep not in quick
    assert f"{module}::test_shards_partition_the_files_stably" in quick
    assert not quick & slow
