"""CI output that does not depend on where it runs: SARIF, GitHub annotations, JSON and
baselines name files from the repository root, whatever the working directory and whether
the paths were relative or absolute; so do fingerprints."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import ROOT, SHARED
from samples import ROLE
from sarif_subset import schema

from linter.cli import cli

OFFICIAL_SARIF_SCHEMA = SHARED / "schemas-ref" / "sarif-schema-2.1.0.json"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["check", "--no-cache", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    top = tmp_path / "repo"
    (top / "deploy" / "rbac").mkdir(parents=True)
    (top / "deploy" / "rbac" / "role.yaml").write_text(ROLE)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


# (working directory below the repository, path argument): the same run from the top,
# from a subdirectory, and with absolute paths (`$PWD/...`) from either.
PLACES = [
    ("", "deploy"),
    ("", "{top}/deploy"),
    ("deploy", "."),
    ("deploy", "{top}/deploy"),
    ("deploy/rbac", "role.yaml"),
]


def _from(repo: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, path: str) -> str:
    monkeypatch.chdir(repo / cwd)
    return path.format(top=repo)


@pytest.mark.parametrize("output_format", ["sarif", "github", "json"])
def test_ci_formats_are_the_same_from_any_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    outputs = {
        run("--format", output_format, _from(repo, monkeypatch, cwd, path)) for cwd, path in PLACES
    }
    assert len(outputs) == 1, outputs
    (out,) = outputs
    assert "deploy/rbac/role.yaml" in out
    assert str(repo) not in out.replace(repo.as_uri() + "/", "")


def test_text_output_stays_relative_to_the_working_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(_from(repo, monkeypatch, "deploy", ".")).startswith("rbac/role.yaml:7:17: JP101")


def test_sarif_names_its_source_root(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(run("--format", "sarif", _from(repo, monkeypatch, "deploy", ".")))
    (run_,) = document["runs"]
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    location = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "deploy/rbac/role.yaml", "uriBaseId": "%SRCROOT%"}
    jsonschema.validate(document, schema())


def test_baselines_are_the_same_from_any_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    recorded = []
    for n, (cwd, path) in enumerate(PLACES):
        target = tmp_path / f"baseline-{n}.json"
        result = CliRunner().invoke(
            cli, ["baseline", _from(repo, monkeypatch, cwd, path), "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        recorded.append(target.read_text())
    assert len(set(recorded)) == 1
    assert json.loads(recorded[0])["findings"][0]["path"] == "deploy/rbac/role.yaml"
    # Recorded at the top, it silences the finding in a run from a subdirectory.
    monkeypatch.chdir(repo / "deploy")
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "--baseline", str(tmp_path / "baseline-0.json"), "."]
    )
    assert result.exit_code == 0, result.output


def test_outside_git_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "role.yaml").write_text(ROLE)
    monkeypatch.chdir(tmp_path)
    relative = json.loads(run("--format", "json", "deploy"))
    absolute = json.loads(run("--format", "json", str(tmp_path / "deploy")))
    assert relative == absolute
    assert relative[0]["path"] == "deploy/role.yaml"


def test_a_report_resolves_each_directory_as_realpath_and_the_git_search_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RepositoryPaths memoizes per directory what relative_path finds per path: the same
    answers through symbolic links (to a directory inside the repository, to one outside
    it, one in a chain), from inside a nested work tree, outside git, relative or absolute."""
    from linter.repository import RepositoryPaths, relative_path, root_of

    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "charts" / "sub" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "deploy" / "base").mkdir(parents=True)
    (tmp_path / "elsewhere" / "manifests").mkdir(parents=True)
    (tmp_path / "repo" / "linked").symlink_to(tmp_path / "repo" / "deploy")
    (tmp_path / "repo" / "outside").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "repo" / "chain").symlink_to(tmp_path / "repo" / "linked")
    monkeypatch.chdir(tmp_path / "repo" / "deploy")
    paths = [
        "role.yaml",
        "base/job.yaml",
        "../linked/base/job.yaml",
        "../chain/base/x.yaml",
        "../outside/manifests/job.yaml",
        "../charts/sub/templates/job.yaml",
        str(tmp_path / "repo" / "linked" / "role.yaml"),
        str(tmp_path / "elsewhere" / "manifests" / "job.yaml"),
        "../../elsewhere/job.yaml",
    ]
    memo = RepositoryPaths()
    for path in paths * 2:
        assert memo.relative(path) == relative_path(path), path
        assert memo.root(path) == root_of(path), path


def _sarif_of_the_examples() -> dict[str, object]:
    document: dict[str, object] = json.loads(run("--format", "sarif", str(ROOT / "examples")))
    return document


def test_sarif_of_the_sample_repository_validates() -> None:
    """Against a schema of SARIF 2.1.0 as job2pod writes it (made by the tests: a clone
    holds no copy of the OASIS schema)."""
    document = _sarif_of_the_examples()
    jsonschema.validate(document, schema())
    (run_,) = document["runs"]  # type: ignore[misc]
    results = run_["results"]
    assert results, "the sample repository must produce findings"
    rules = run_["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("examples/")


def test_sarif_rules_link_their_section_of_the_generated_docs() -> None:
    rules = _sarif_of_the_examples()["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[index]
    docs = (ROOT / "docs" / "rules.md").read_text()
    built_in = [r for r in rules if r["id"].startswith("JP")]
    assert built_in
    for rule in built_in:
        page, anchor = rule["helpUri"].split("#")
        assert page == "https://github.com/job2pod/job2pod/blob/main/docs/rules.md"
        heading = f"\n## {rule['id']} {rule['name']}\n"
        assert heading in docs and anchor == f"{rule['id'].lower()}-{rule['name']}"
        assert "kubernetes" in rule["properties"]["tags"]
        assert "any" not in rule["properties"]["tags"]
    custom = [r for r in rules if not r["id"].startswith("JP")]
    assert all("helpUri" not in r for r in custom), "custom rules have no section there"


@pytest.mark.skipif(not OFFICIAL_SARIF_SCHEMA.is_file(), reason="the OASIS schema is not present")
def test_sarif_validates_against_the_official_schema_when_present() -> None:
    jsonschema.validate(_sarif_of_the_examples(), json.loads(OFFICIAL_SARIF_SCHEMA.read_text()))
