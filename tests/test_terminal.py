"""Behaviour at the terminal: colour by TTY and environment, Ctrl-C."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from samples import ROLE, THIN_JOB

COLOURED = b"\x1b[33mJP101\x1b[0m"


@pytest.fixture
def role(tmp_path: Path) -> Path:
    (tmp_path / "role.yaml").write_text(ROLE)
    return tmp_path / "role.yaml"


def _environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "TERM": "xterm-256color", **values}


def _on_a_tty(role: Path, *options: str, **env: str) -> bytes:
    """stdout of `job2pod check` on a pseudo-terminal."""
    controller, terminal = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "linter", "check", "--no-cache", *options, str(role)],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        env=_environment(**env),
        cwd=role.parent,
    ) as proc:
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            output += chunk
        proc.wait(timeout=120)
    os.close(controller)
    return output


def _on_a_pipe(role: Path, *options: str, **env: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-cache", *options, str(role)],
        capture_output=True,
        env=_environment(**env),
        cwd=role.parent,
        timeout=120,
    )
    return done.stdout


def test_a_terminal_gets_colour(role: Path) -> None:
    assert COLOURED in _on_a_tty(role)


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["NO_COLOR", "TERM=dumb"]
)
def test_no_color_and_a_dumb_terminal_get_none(role: Path, env: dict[str, str]) -> None:
    output = _on_a_tty(role, **env)
    assert b"JP101" in output and b"\x1b[" not in output


def test_force_color_colours_a_pipe_and_flags_win(role: Path) -> None:
    assert COLOURED in _on_a_pipe(role, FORCE_COLOR="1")
    assert b"\x1b[" not in _on_a_pipe(role, FORCE_COLOR="")
    assert b"\x1b[" not in _on_a_pipe(role, "--color", "never", FORCE_COLOR="1")
    assert COLOURED in _on_a_pipe(role, "--color", "always", NO_COLOR="1")


# Ctrl-C at a chosen moment: the probe sends the process SIGINT itself, after the Nth
# call of a job2pod function (a file checked, a file written).
INTERRUPT = """\
import os, signal, sys
module_name, function_name, after = sys.argv[1], sys.argv[2], int(sys.argv[3])
import importlib
module = importlib.import_module(module_name)
original = getattr(module, function_name)
calls = []
def counted(*args, **kwargs):
    result = original(*args, **kwargs)
    calls.append(1)
    if len(calls) == after:
        os.kill(os.getpid(), signal.SIGINT)
    return result
setattr(module, function_name, counted)
from linter.cli import main
sys.argv = ["job2pod", *sys.argv[4:]]
main()
"""


def _interrupted(
    cwd: Path, target: tuple[str, str, int], *args: str
) -> subprocess.CompletedProcess[str]:
    module, function, after = target
    return subprocess.run(
        [sys.executable, "-c", INTERRUPT, module, function, str(after), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=_environment(),
    )


def _roles(directory: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = directory / f"role-{n}.yaml"
        path.write_text(ROLE.replace("name: runner", f"name: runner-{n}"))
        paths.append(path)
    return paths


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    _roles(tmp_path, 5)
    done = _interrupted(tmp_path, ("linter.run", "_check_one", 2), "check", "--no-cache", ".")
    assert done.returncode == 130
    assert [line for line in done.stderr.splitlines() if line] == ["job2pod: interrupted"]
    assert "Traceback" not in done.stdout + done.stderr


def test_an_interrupted_migrate_names_the_files_it_wrote(tmp_path: Path) -> None:
    jobs = []
    for n in range(4):
        path = tmp_path / f"job-{n}.yaml"
        path.write_text(THIN_JOB.format(name=f"task-{n}"))
        jobs.append(path)
    done = _interrupted(tmp_path, ("linter.fixes", "_fsync_directory", 2), "migrate", ".")
    assert done.returncode == 130, done.stderr
    lines = [line for line in done.stderr.splitlines() if line]
    assert lines == [
        "job2pod: interrupted after writing 2 files (the others are unchanged):",
        "  job-0.yaml",
        "  job-1.yaml",
    ]
    kinds = ["kind: Pod" in path.read_text() for path in jobs]
    assert kinds == [True, True, False, False]
    assert all(
        path.read_text() == THIN_JOB.format(name=f"task-{n}")
        for n, path in enumerate(jobs)
        if n >= 2
    )
