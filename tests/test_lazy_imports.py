"""What a run imports depends on what it reads: YAML-only runs never load LibCST."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

PROBE = """\
import atexit, sys
atexit.register(lambda: print("libcst" in sys.modules, file=sys.stderr))
from linter.cli import main
sys.argv = ["job2pod", "check", "--no-cache", *sys.argv[1:]]
main()
"""


def _loads_libcst(*paths: Path) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stderr.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize("folder", ["JP101", "JP201", "JP401"])
def test_yaml_only_run_never_imports_libcst(folder: str) -> None:
    assert not _loads_libcst(FIXTURES / folder)


def test_python_file_past_the_prefilter_loads_it(tmp_path: Path) -> None:
    controller = tmp_path / "controller.py"
    controller.write_text(
        "from kubernetes import client\n\nbatch = client.BatchV1Api()\n"
        "batch.create_namespaced_job('tasks', {})\n"
    )
    assert _loads_libcst(controller)


def test_python_file_the_prefilter_drops_does_not(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text("import json\n\nprint(json.dumps({'a': 1}))\n")
    assert not _loads_libcst(script)
