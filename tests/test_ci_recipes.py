"""The GitHub Action, the CI recipes and the pre-commit snippet run what the README
documents, and the action's steps work when run as GitHub runs them."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT
from ruamel.yaml import YAML
from samples import ROLE

from linter import __url__
from linter.cli import cli

README = (ROOT / "README.md").read_text()
RECIPES = sorted((ROOT / "examples" / "ci").glob("*.yml"))


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def _action() -> dict[str, Any]:
    action: dict[str, Any] = _load(ROOT / "action.yml")
    return action


def _step(name: str) -> dict[str, Any]:
    return next(s for s in _action()["runs"]["steps"] if s.get("name") == name)


def _readme_commands() -> list[str]:
    """The indented command lines of the README (those that are not `$ ` set-up lines)."""
    return [
        line.strip()
        for line in README.splitlines()
        if line.startswith("    ") and line.strip().startswith(("job2pod ", "pip install"))
    ]


def _documented_install() -> str:
    (install,) = [c for c in _readme_commands() if c.startswith('pip install "git+')]
    return install


def test_the_documented_install_is_from_this_repository_at_a_tag() -> None:
    assert _documented_install() == f'pip install "git+{__url__}@<tag>"'
    assert "`<tag>`, here and below, stands for a release tag or a full commit SHA" in README


def test_the_action_installs_from_its_own_checkout_as_the_readme_does() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    install = _step("Install job2pod from the action's own checkout")
    assert install["working-directory"] == "${{ github.action_path }}"
    # The README's first command, `pip install . && job2pod check examples/`, there.
    assert install["run"] == "pip install ."
    assert "    $ pip install . && job2pod check examples/" in README


def _job2pod_lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip().startswith("job2pod ")]


def test_the_action_runs_the_commands_the_readme_documents() -> None:
    steps = _action()["runs"]["steps"]
    run = [line for step in steps for line in _job2pod_lines(step.get("run", ""))]
    documented = [
        c for c in _readme_commands() if "$SARIF_FILE" in c or "--format github $ARGS" in c
    ]
    assert run == documented and len(run) == 2
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"], "inputs reach scripts through env only"


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.name)
def test_recipes_use_the_action_or_the_documented_install(recipe: Path) -> None:
    text = recipe.read_text()
    assert "Replace <tag> with a release tag or commit SHA of job2pod" in text
    assert "pip install job2pod" not in text, "no package index has it"
    data = _load(recipe)
    inputs = _action()["inputs"]
    if "jobs" in data:  # GitHub Actions
        steps = [s for job in data["jobs"].values() for s in job["steps"]]
        ours = [s for s in steps if s.get("uses", "").startswith("job2pod/")]
        assert [s["uses"] for s in ours] == ["job2pod/job2pod@<tag>"]
        for key, value in ours[0].get("with", {}).items():
            assert key in inputs, key
            if key == "args":
                _parses_as_check(str(value).replace("${{ matrix.shard }}", "1"))
        return
    script = data["job2pod"]["script"]
    variables = data["job2pod"]["variables"]
    install = script[0].replace("${JOB2POD_REF}", variables["JOB2POD_REF"])
    assert install == _documented_install()
    for line in script[1:]:
        assert line in README
        _parses_as_check(line.removeprefix("job2pod check "))


def _parses_as_check(args: str) -> None:
    from linter.cli import check

    context = check.make_context("check", shlex.split(args))
    assert context.params is not None


def test_readme_quotes_every_recipe() -> None:
    for recipe in RECIPES:
        if recipe.name != "github-matrix.yml":
            assert recipe.read_text() in README, recipe.name
    assert "examples/ci/github-matrix.yml" in README


def test_pre_commit_snippet_names_this_repository_and_its_hooks() -> None:
    block = README.split("# .pre-commit-config.yaml\n", 1)[1].split("```", 1)[0]
    (repo,) = YAML(typ="safe").load(block)["repos"]
    assert (repo["repo"], repo["rev"]) == (__url__, "<tag>")
    hooks = {h["id"] for h in _load(ROOT / ".pre-commit-hooks.yaml")}
    assert {h["id"] for h in repo["hooks"]} == hooks


def _as_github_runs(
    step: dict[str, Any], inputs: dict[str, str], workdir: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    """A `run` step as GitHub runs it: `${{ inputs.* }}` in env filled in, bash, the
    workspace as the working directory, job2pod (this checkout) on PATH."""
    env = {**os.environ, **extra}
    for key, value in step.get("env", {}).items():
        env[key] = re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: inputs[m.group(1)], value)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    assert step["shell"] == "bash"
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_action_steps_check_annotate_and_fail(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "deploy").mkdir(parents=True)
    (workspace / "deploy" / "role.yaml").write_text(ROLE)
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    inputs = {name: str(spec.get("default", "")) for name, spec in _action()["inputs"].items()}
    inputs["paths"] = "deploy"
    output = tmp_path / "github-output"
    output.touch()
    check = _as_github_runs(_step("Check"), inputs, workspace, GITHUB_OUTPUT=str(output))
    assert check.returncode == 0, check.stderr
    assert output.read_text() == "exit-code=1\n"
    sarif = json.loads((workspace / "job2pod.sarif").read_text())
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "deploy/role.yaml"
    annotate = _as_github_runs(_step("Annotate the findings"), inputs, workspace)
    assert annotate.returncode == 0, annotate.stderr
    assert annotate.stdout.startswith("::warning file=deploy/role.yaml,line=7,col=17,")
    fail = _step("Fail on findings")
    fail_env = {"env": {"EXIT_CODE": "1"}}
    assert _as_github_runs({**fail, **fail_env}, inputs, workspace).returncode == 1


def test_the_gitlab_job_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "role.yaml").write_text(ROLE)
    runner = CliRunner()
    assert runner.invoke(cli, ["baseline", ".", "-o", ".job2pod-baseline.json"]).exit_code == 0
    (line,) = _load(ROOT / "examples" / "ci" / "gitlab-ci.yml")["job2pod"]["script"][1:]
    result = runner.invoke(cli, shlex.split(line)[1:])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "job2pod.json").read_text()) == []
