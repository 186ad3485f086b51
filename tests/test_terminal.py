"""Behaviour at the terminal: colour by TTY and environment, Ctrl-C."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [create]
"""
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
