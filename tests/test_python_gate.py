"""The Python rules' gate (linter.kube.python_gate): a file that imports no Kubernetes client
and builds no Job manifest never reaches LibCST, and closing the gate changes no finding."""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import FIXTURES

from linter import engine
from linter.catalog import builtin_rules
from linter.engine import RuleSet, check_bytes
from linter.kube import python_gate

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.parametrize(
    "src",
    [
        pytest.param("import kubernetes\n", id="import"),
        pytest.param("import kubernetes.client as k8s\n", id="import-dotted"),
        pytest.param("from kubernetes_asyncio import client\n", id="from-asyncio"),
        pytest.param("def f():\n    from lightkube import Client\n", id="in-a-function"),
        pytest.param("try:\n    import kr8s\nexcept ImportError:\n    pass\n", id="in-try"),
        pytest.param("import kopf\n", id="kopf"),
        pytest.param("from models import V1JobStatus\n", id="status-model-by-name"),
        pytest.param("JOB = {'apiVersion': 'batch/v1', 'kind': 'Job'}\n", id="job-manifest"),
        pytest.param("def f():\n    return [{'kind': u'Job'}]\n", id="nested-manifest"),
    ],
)
def test_python_gate_opens(src: str) -> None:
    assert python_gate.opens(ast.parse(src))


@pytest.mark.parametrize(
    "src",
    [
        pytest.param("import json\n", id="no-import"),
        pytest.param("from .kubernetes import client\n", id="relative-import"),
        pytest.param("import kubernetes_tools\n", id="lookalike-package"),
        pytest.param("POD = {'apiVersion': 'v1', 'kind': 'Pod'}\n", id="pod-manifest"),
        pytest.param("KIND = {'Job': 'kind'}\n", id="swapped"),
        pytest.param("X = {b'kind': b'Job'}\n", id="bytes"),
        pytest.param("def create_job(job_name): return job_name.status.succeeded\n", id="names"),
    ],
)
def test_python_gate_stays_closed(src: str) -> None:
    assert not python_gate.opens(ast.parse(src))


def _python_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.py") if p.is_file())


def _findings(paths: list[Path], ruleset: RuleSet) -> list[tuple[object, ...]]:
    return [
        tuple(f)
        for path in paths
        for f in check_bytes(str(path), path.read_bytes(), ruleset).findings
    ]


def _closes_on(path: Path) -> bool:
    try:
        return not python_gate.opens(ast.parse(path.read_bytes()))
    except SyntaxError:
        return False


def _compare_with_the_gate_open(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # Only a file the gate closes on takes another path than with the gate open.
    closed = [p for p in paths if _closes_on(p)]
    rules = [r for r in builtin_rules() if r.enabled or r.migrate]
    gated = _findings(closed, RuleSet(rules))
    monkeypatch.setattr(python_gate, "opens", lambda tree: True)
    assert _findings(closed, RuleSet(rules)) == gated


def test_the_gate_changes_no_finding_of_the_python_fixtures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = _python_files()
    # Some fixtures hold Job-like names in client-less files: the gate must close on them.
    assert sum(map(_closes_on, files)) >= 10
    _compare_with_the_gate_open(files, monkeypatch)


@pytest.mark.slow
def test_the_gate_changes_no_finding_of_the_standard_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the token prefilter (every rule on every file of a sample), so that the files
    the gate closes on would otherwise reach LibCST and every Python rule."""
    files = sorted(p for p in STDLIB.rglob("*.py") if "site-packages" not in p.parts)
    monkeypatch.setattr(engine, "triggered", lambda data, rules: list(rules))
    _compare_with_the_gate_open(files[:: max(1, len(files) // 150)], monkeypatch)


def test_a_client_less_file_past_the_prefilter_never_imports_libcst(tmp_path: Path) -> None:
    script = tmp_path / "scheduler.py"
    script.write_text(
        "import subprocess\n\n\ndef create_job(job_name: str) -> dict:\n"
        '    return {"kind": "Report", "jobName": job_name}\n'
    )
    # The catalog comes from the cache the first run writes (validating it imports every
    # check); the second run shows what checking the file itself imports.
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from linter.catalog import builtin_rules\n"
        "from linter.engine import RuleSet, check_bytes\n"
        "path, cache = sys.argv[1], Path(sys.argv[2])\n"
        "ruleset = RuleSet(builtin_rules(cache))\n"
        "report = check_bytes(path, open(path, 'rb').read(), ruleset)\n"
        "assert report.parsed and not report.findings, report\n"
        "heavy = ('libcst', 'ruamel', 'linter.suppressions', 'linter.checks.')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    argv = [sys.executable, "-c", probe, str(script), str(tmp_path / "cache")]
    for _ in range(2):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_client_less_file_still_reports_its_unused_suppression() -> None:
    src = (
        b"import json\n\n\ndef create_job():  # job2pod: ignore[JP505]\n    return json.dumps({})\n"
    )
    rules = [r for r in builtin_rules() if r.enabled or r.migrate]
    findings = check_bytes("script.py", src, RuleSet(rules)).findings
    assert [(f.rule_id, f.start.line) for f in findings] == [("JP010", 4)]
