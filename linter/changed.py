"""`--changed-since REF`: the files a pull request against REF changes (since the merge
base, as `git diff REF...HEAD` shows them), plus staged, unstaged and untracked ones."""

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
    """Absolute paths of the files changed on this branch since it left `ref` (what REF
    gained since is not this branch's change), staged or not, and untracked files git
    does not ignore."""
    top = _git(["rev-parse", "--show-toplevel"]).decode().strip()
    branch = _git(["diff", "--name-only", "-z", f"{ref}...HEAD", "--"])
    working = _git(["diff", "--name-only", "-z", "HEAD", "--"])
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name", top])
    names = [n for n in b"\0".join([branch, working, untracked]).split(b"\0") if n]
    return {os.path.realpath(os.path.join(top, os.fsdecode(n))) for n in names}
