"""Hostile input, crashes mid-write, concurrent runs, and what job2pod never does."""

from __future__ import annotations

import codecs
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import fixes
from linter.cli import cli

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [get]
"""
ROLE_FIXED = ROLE.replace("[batch]", '[""]').replace("[jobs]", "[pods]")
THIN_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: task-{n}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: task
          image: registry.example.dev/task:{n}
"""


def _hostile(root: Path) -> dict[str, str | None]:
    """Files and the JP0xx each must get (None: checked normally, no JP0xx)."""
    cases: dict[str, tuple[bytes, str | None]] = {
        "binary.yaml": (b"kind: Job\n\x00\x01\x02\xff" * 50, "JP003"),
        "latin1.yaml": ("kind: Job\nmetadata: {name: caf\xe9}\n".encode("latin-1"), "JP003"),
        "utf16-bom.yaml": (codecs.BOM_UTF16_LE + ROLE.encode("utf-16-le"), None),
        "utf16-no-bom.yaml": (ROLE.encode("utf-16-le"), "JP003"),
        "utf8-bom.yaml": (codecs.BOM_UTF8 + ROLE.encode(), None),
        "nul.yaml": (ROLE.encode() + b"\x00", "JP003"),
        "mixed.yaml": (ROLE.encode() + "# caf\xe9\n".encode("latin-1"), "JP003"),
        "deep.yaml": (b"kind: Job\nspec: " + b"[" * 40_000 + b"]" * 40_000 + b"\n", "JP005"),
        "deep-block.yaml": (b"kind: Job\n" + b"- " * 40_000 + b"x\n", "JP005"),
        "bomb.yaml": (_alias_bomb(), "JP005"),
        "crlf.yaml": (ROLE.replace("\n", "\r\n").encode(), None),
        "cr-only.yaml": (ROLE.replace("\n", "\r").encode(), None),
        "tabs.yaml": (b"kind: Job\nspec:\n\tbackoffLimit: 0\n", "JP001"),
        "duplicate-keys.yaml": ((ROLE + "kind: Role\n").encode(), None),
        "yaml11.yaml": (
            b"kind: Job\nspec:\n  suspend: yes\n  backoffLimit: 0x0\n  x: 1:30\n  on: off\n",
            None,
        ),
        "helm-unterminated.yaml": (b"kind: Job\nmetadata:\n  name: {{ .Release.Name\n", "JP001"),
        "python-tag.yaml": (
            b"kind: Job\nspec: !!python/object/apply:os.system ['touch "
            + str(root / "pwned").encode()
            + b"']\n",
            None,
        ),
        "broken.py": (b"from kubernetes import client\ndef f(:\n", "JP002"),
        "nul.py": (b"from kubernetes import client\n\x00\n", "JP003"),
        "huge.yaml": (b"kind: Job\n" + b"# padding padding padding padding\n" * 200_000, "JP004"),
    }
    for name, (data, _) in cases.items():
        (root / name).write_bytes(data)
    # 100 MB, sparse: the size limit is read from the file system, the bytes never are.
    with (root / "100mb.yaml").open("wb") as big:
        big.write(b"kind: Job\n")
        big.truncate(100 * 1024 * 1024)
    cases["100mb.yaml"] = (b"", "JP004")
    (root / "good-role.yaml").write_text(ROLE)
    return {name: expected for name, (_, expected) in cases.items()}


def _alias_bomb() -> bytes:
    lines = [
        "kind: Job",
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def test_hostile_input_gets_a_finding_and_never_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".job2pod.yaml").write_text("max-file-size: 1000000\n")
    expected = _hostile(tmp_path)
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "--format", "json", "."], catch_exceptions=False
    )
    assert result.exit_code == 1
    findings = json.loads(result.output)
    by_file: dict[str, set[str]] = {}
    for f in findings:
        by_file.setdefault(f["path"], set()).add(f["code"])
    for name, code in expected.items():
        problems = {c for c in by_file.get(name, set()) if c < "JP100"}
        assert problems == ({code} if code else set()), name
    assert "JP101" in by_file["good-role.yaml"], "the other files are still checked"
    assert "JP101" in by_file["utf16-bom.yaml"] and "JP101" in by_file["cr-only.yaml"]
    assert not (tmp_path / "pwned").exists(), "a YAML tag was constructed"


def test_memory_is_bounded_under_an_address_space_limit(tmp_path: Path) -> None:
    _hostile(tmp_path)
    code = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from linter.cli import main
        main(["check", "--no-cache", "--jobs", "1", sys.argv[1]])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def _migrate(tree: Path) -> list[str]:
    return [sys.executable, "-m", "linter", "migrate", "--report", os.devnull, str(tree)]


def _repo(root: Path, jobs: int = 12) -> dict[str, tuple[bytes, bytes]]:
    """A sample repository and, per file, (original, fully migrated)."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(jobs):
        (root / f"job-{n}.yaml").write_text(THIN_JOB.format(n=n))
    (root / "role.yaml").write_text(ROLE)
    (root / "clean.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    golden = root.parent / f"{root.name}-golden"
    shutil.copytree(root, golden)
    subprocess.run(_migrate(golden), capture_output=True, check=False)
    states = {p.name: (p.read_bytes(), (golden / p.name).read_bytes()) for p in root.iterdir()}
    shutil.rmtree(golden)
    assert sum(1 for a, b in states.values() if a != b) == jobs + 1
    return states


def _killed_then_rerun(
    base: Path, tree: Path, delay: float, states: dict[str, tuple[bytes, bytes]]
) -> list[str]:
    """A migrate of a copy of `base` killed after `delay` seconds, then a run that finishes
    the job; "original" or "fixed" for each file the killed run left whole."""
    shutil.copytree(base, tree)
    proc = subprocess.Popen(
        [*_migrate(tree), "--fail-on", "never"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = []
    for name, (original, fixed) in states.items():
        data = (tree / name).read_bytes()
        assert data in (original, fixed), f"{tree.name}: {name} is partial"
        left.append("original" if data == original else "fixed")
    # A later run cleans up what the killed one left and finishes the job.
    subprocess.run(_migrate(tree), capture_output=True, check=False)
    leftovers = [p.name for p in tree.iterdir() if p.name not in states]
    assert leftovers == [], f"{tree.name}: {leftovers}"
    for name, (_, fixed) in states.items():
        assert (tree / name).read_bytes() == fixed
    shutil.rmtree(tree)
    return left


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_partial_file(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(20261124)
    base = tmp_path / "base"
    states = _repo(base)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    started = time.perf_counter()
    subprocess.run(_migrate(probe), capture_output=True, check=False)
    duration = max(time.perf_counter() - started, 0.3)
    delays = [rng.uniform(0.0, duration * 1.2) for _ in range(200)]
    # Two trials at a time (each is two processes one after the other): half the wait.
    with ThreadPoolExecutor(max_workers=2) as pool:
        trials = list(
            pool.map(
                lambda trial: _killed_then_rerun(
                    base, tmp_path / f"t{trial}", delays[trial], states
                ),
                range(len(delays)),
            )
        )
    outcomes = {outcome for trial in trials for outcome in trial}
    assert outcomes == {"original", "fixed"}


def test_two_fix_runs_at_once_lose_no_update(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    states = _repo(tree, jobs=30)
    procs = [
        subprocess.Popen(
            _migrate(tree),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = "".join(p.communicate()[1] for p in procs)
    assert "Traceback" not in errors
    for name, (_, fixed) in states.items():
        assert (tree / name).read_bytes() == fixed, name
    assert sorted(p.name for p in tree.iterdir()) == sorted(states)


def test_a_file_edited_between_read_and_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "role.yaml"
    path.write_text(ROLE)
    original_fix_text = fixes.fix_text

    def edit_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = original_fix_text(*args, **kwargs)
        path.write_text(ROLE + "# a colleague's edit\n")
        return result

    monkeypatch.setattr(fixes, "fix_text", edit_meanwhile)
    from linter.catalog import builtin_rules
    from linter.engine import RuleSet

    outcome = fixes.fix_path(str(path), RuleSet(list(builtin_rules())), unsafe=True, write=True)
    assert outcome.error is not None and "changed on disk" in outcome.error
    assert path.read_text() == ROLE + "# a colleague's edit\n"


def test_scanned_code_is_never_imported_or_run(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "controller.py").write_text(
        f"from kubernetes import client\nopen({str(marker)!r}, 'w').write('x')\n"
        "client.BatchV1Api().create_namespaced_job('ns', {'kind': 'Job'})\n"
    )
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    for command in (["check"], ["migrate", "--report", os.devnull]):
        subprocess.run(
            [sys.executable, "-m", "linter", *command, str(tmp_path)],
            capture_output=True,
            cwd=tmp_path,
        )
    assert not marker.exists()


def test_no_network_connection_is_opened(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import socket\n"
        "def _refuse(*args, **kwargs):\n"
        "    raise RuntimeError('job2pod opened a socket')\n"
        "socket.socket.connect = _refuse\n"
        "socket.create_connection = _refuse\n"
        "socket.getaddrinfo = _refuse\n"
    )
    repo = tmp_path / "repo"
    _repo(repo, jobs=2)
    env = {**os.environ, "PYTHONPATH": str(site)}
    for command in (["check", "--format", "sarif"], ["migrate", "--report", os.devnull]):
        result = subprocess.run(
            [sys.executable, "-m", "linter", *command, str(repo)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode in (0, 1), result.stderr
        assert "socket" not in result.stderr


def test_symlinks_out_of_the_tree_are_not_followed_and_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "role.yaml").write_text(ROLE)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "escape.yaml").symlink_to(outside / "role.yaml")
    (tree / "real.yaml").write_text(ROLE)
    (tree / "inside.yaml").symlink_to(tree / "real.yaml")
    monkeypatch.chdir(tree)
    out = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", "."]).output
    assert sorted({f["path"] for f in json.loads(out)}) == ["inside.yaml", "real.yaml"]
    CliRunner().invoke(cli, ["fix", "--unsafe-fixes", "inside.yaml", "escape.yaml"])
    assert (tree / "inside.yaml").is_symlink() and (tree / "escape.yaml").is_symlink()
    assert (outside / "role.yaml").read_text() == ROLE
