"""`--changed-since REF`: the files git says changed since REF, plus untracked ones."""

from __future__ import annotations

import os
import subprocess


class NotAGitRepository(Exception):
    """--changed-since needs a git work tree and a ref git knows."""


def _git(args: list[str]) -> bytes:
    try:
        return subprocess.run(["git", *args], capture_output=True, check=True, timeout=120).stdout
    except FileNotFoundError as exc:
        raise NotAGitRepository("--changed-since needs git, which is not installed") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip().splitlines()
        raise NotAGitRepository(
            f"--changed-since: {message[-1] if message else 'git failed'}"
        ) from exc


def changed_files(ref: str) -> set[str]:
    """Absolute paths of files changed since `ref` (committed, staged or not) and
    untracked files git does not ignore."""
    top = _git(["rev-parse", "--show-toplevel"]).decode().strip()
    diff = _git(["diff", "--name-only", "-z", ref, "--"])
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name", top])
    names = [n for n in (diff + b"\0" + untracked).split(b"\0") if n]
    return {os.path.realpath(os.path.join(top, os.fsdecode(n))) for n in names}
