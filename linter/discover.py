"""Paths in, the files worth checking out.

Directories are listed through git when they sit in a work tree (what .gitignore ignores is
skipped, untracked files are kept), otherwise walked; `.git` is never entered. Hidden
directories are kept: real repositories hold manifests in `.github/` or `.helm/`. A file
named explicitly is always checked.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from linter.engine import LANGUAGES


def discover(paths: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        candidates = _walk(path) if path.is_dir() else iter([path])
        for candidate in candidates:
            shown = display_path(candidate)
            if shown not in seen:
                seen.add(shown)
                found.append(shown)
    return found


def display_path(path: Path) -> str:
    """Relative to the working directory when inside it (clickable and stable), else as is."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(root: Path) -> Iterator[Path]:
    listed = _git_files(root)
    files = listed if listed is not None else _walk_tree(root)
    resolved_root = root.resolve()
    for path in sorted(files):
        if path.suffix.lower() not in LANGUAGES:
            continue
        if path.is_symlink() and not _inside(path.resolve(), resolved_root):
            continue
        if path.is_file():
            yield path


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _git_files(root: Path) -> list[Path] | None:
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [root / os.fsdecode(p) for p in out.split(b"\0") if p]


def _walk_tree(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in filenames:
            yield Path(dirpath, name)
