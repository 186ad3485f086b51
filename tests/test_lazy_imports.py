"""What a run imports depends on what it reads: YAML-only runs never load LibCST, and a
file the prefilter drops costs neither a YAML parser nor pydantic (a pre-commit hook on a
few files pays mostly for Python's own startup)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import FIXTURES

PROBE = """\
import atexit, sys
watched = set(sys.argv[1].split(","))
# Forgotten, so that an import by the run shows (site may have loaded them: an editable
# install's path finder imports pathlib).
for name in watched:
    sys.modules.pop(name, None)
atexit.register(lambda: print(sorted(set(sys.modules) & watched), file=sys.stderr))
from linter.cli import main
sys.argv = ["job2pod", "check", *sys.argv[2:]]
main()
"""
PARSERS = ("libcst", "pydantic", "ruamel.yaml")


@pytest.fixture(scope="module")
def warm_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A user cache that already holds the validated catalog: validating it imports every
    check (LibCST included) once per installation, which is not what these tests measure."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("user-cache"))}
    _imports(FIXTURES / "JP101", env=env)
    return env


def _imports(
    *paths: Path,
    env: dict[str, str] | None = None,
    watched: Sequence[str] = PARSERS,
    options: Sequence[str] = ("--no-cache",),
) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(watched), *options, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=paths[0].parent,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stderr.strip().splitlines()[-1]


def _loads_libcst(env: dict[str, str], *paths: Path) -> bool:
    return "'libcst'" in _imports(*paths, env=env)


@pytest.mark.parametrize("folder", ["JP101", "JP201", "JP401"])
def test_yaml_only_run_never_imports_libcst(folder: str, warm_env: dict[str, str]) -> None:
    assert not _loads_libcst(warm_env, FIXTURES / folder)


def test_python_file_past_the_prefilter_loads_it(tmp_path: Path, warm_env: dict[str, str]) -> None:
    controller = tmp_path / "controller.py"
    controller.write_text(
        "from kubernetes import client\n\nbatch = client.BatchV1Api()\n"
        "batch.create_namespaced_job('tasks', {})\n"
    )
    assert _loads_libcst(warm_env, controller)


def test_python_file_the_prefilter_drops_does_not(tmp_path: Path, warm_env: dict[str, str]) -> None:
    script = tmp_path / "script.py"
    script.write_text("import json\n\nprint(json.dumps({'a': 1}))\n")
    assert not _loads_libcst(warm_env, script)
    assert _imports(script, env=warm_env, watched=("pathlib", "ast"), options=()) == "['ast']"


def test_a_file_the_prefilter_drops_needs_no_parser_and_no_pydantic(tmp_path: Path) -> None:
    deployment = tmp_path / "deployment.yaml"
    deployment.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    # The first run validates the rule files (a YAML parse) and keeps them in the user cache.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert "'ruamel.yaml'" in _imports(deployment, env=env)
    assert _imports(deployment, env=env) == "[]"


def test_rule_params_validated_once_need_no_pydantic_on_later_runs(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    _imports(FIXTURES / "JP202" / "bad.yaml", env=env)
    assert _imports(FIXTURES / "JP202" / "bad.yaml", env=env) == "['ruamel.yaml']"


def test_a_config_file_is_validated_by_pydantic_once(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    config = tmp_path / ".job2pod.yaml"
    config.write_text("fail-on: error\n")
    deployment = tmp_path / "deployment.yaml"
    deployment.write_text("apiVersion: apps/v1\nkind: Deployment\n")
    assert "'pydantic'" in _imports(deployment, env=env)
    assert _imports(deployment, env=env) == "[]"
    config.write_text("fail-on: error\nbackoff-limit: 3\n")  # new content: validated again
    assert "'pydantic'" in _imports(deployment, env=env)


def test_a_file_the_prefilter_drops_needs_no_finding_classes_and_no_openssl(
    tmp_path: Path, warm_env: dict[str, str]
) -> None:
    """What a pre-commit hook pays for most files: nothing past the byte search, with the
    result cache on (its keys are blake2 digests, not hashlib's OpenSSL-backed ones, and
    its atomic writes need no tempfile)."""
    service = tmp_path / "service.yaml"
    service.write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")
    # pathlib (with urllib.parse and ipaddress) was a tenth of such a run.
    heavy = ("hashlib", "tempfile", "linter.findings", "linter.sources.text", "linter.globs")
    heavy += ("pathlib",)
    for _ in range(2):  # the second run reads the result cache the first one wrote
        assert _imports(service, env=warm_env, watched=heavy, options=()) == "[]"
    assert (tmp_path / ".job2pod_cache").is_dir()
    job = FIXTURES / "JP202" / "bad.yaml"
    loaded = _imports(job, env=warm_env, watched=heavy)
    assert "'linter.findings'" in loaded and "'hashlib'" in loaded  # fingerprints


@pytest.mark.parametrize("module", ["linter.sources.python", "linter.sources.go"])
def test_python_and_go_sources_do_not_import_the_yaml_parser(module: str) -> None:
    probe = f"import sys, {module}; print(sorted(m for m in sys.modules if 'ruamel' in m))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
