"""Paths in, the files worth checking out.

Directories are listed through git when they sit in a work tree (what .gitignore ignores is
skipped, untracked files are kept), otherwise walked, and so is a directory named
explicitly that git ignores as a whole; `.git` is never entered. Hidden
directories are kept: real repositories hold manifests in `.github/` or `.helm/`. A file
named explicitly is always checked. Symbolic links that lead outside the directory being
walked are not followed.

Paths are shown relative to the working directory when they are inside it (clickable and
stable across machines), as given otherwise. Everything here works on strings: a
repository of ten thousand files must not pay for ten thousand Path.resolve() calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from linter.engine import LANGUAGES

_SUFFIXES = tuple(LANGUAGES)


def discover(paths: Sequence[str], exclude: Callable[[str], bool] | None = None) -> list[str]:
    """Files to check; `exclude` drops walked files (never ones named explicitly)."""
    cwd = os.path.realpath(os.getcwd())
    seen: set[str] = set()
    found: list[str] = []
    for raw in paths:
        if os.path.isdir(raw):
            base = display_path(raw, cwd)
            walked = (_join(base, rel) for rel in _walk(raw))
            candidates: Iterator[str] = (p for p in walked if not (exclude and exclude(p)))
        else:
            candidates = iter([display_path(raw, cwd)])
        for shown in candidates:
            if shown not in seen:
                seen.add(shown)
                found.append(shown)
    return found


def display_path(path: str, cwd: str | None = None) -> str:
    cwd = cwd or os.path.realpath(os.getcwd())
    real = os.path.realpath(path)
    if real == cwd:
        return "."
    if real.startswith(cwd + os.sep):
        return real[len(cwd) + 1 :].replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _join(base: str, rel: str) -> str:
    return rel if base == "." else f"{base.rstrip('/')}/{rel}"


def _walk(root: str) -> Iterator[str]:
    """Files below `root` with a known suffix, relative to it, sorted."""
    listed = _git_files(root)
    if listed is not None and _ignored_by_git(root):
        # Named on the command line but ignored as a whole (rendered manifests, a vendored
        # tree, perhaps with a file or two force-added): the user asked for it, so it is walked.
        listed = None
    # A tree walk knows from the directory entries which files are plain (no stat call);
    # git's list and symlinks are looked at one by one.
    plain: set[str] = set()
    if listed is None:
        walked = list(_walk_tree(root))
        plain = {rel for rel, is_plain in walked if is_plain}
        listed = [rel for rel, _ in walked]
    real_root = os.path.realpath(root)
    for rel in sorted(listed):
        if not rel.lower().endswith(_SUFFIXES):
            continue
        if rel in plain:
            yield rel
            continue
        full = os.path.join(root, rel)
        if os.path.islink(full) and not _inside(os.path.realpath(full), real_root):
            continue
        if os.path.isfile(full):
            yield rel


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _git_files(root: str) -> list[str] | None:
    import subprocess  # only directories need git; a pre-commit run names files

    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


def _ignored_by_git(root: str) -> bool:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", root, "check-ignore", "-q", "--no-index", "."],
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _walk_tree(root: str) -> Iterator[tuple[str, bool]]:
    """(path, is a plain file) below `root` for the known suffixes."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel_dir) if rel_dir else root))
        except OSError:
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name != ".git":
                    stack.append(rel)
            elif entry.name.lower().endswith(_SUFFIXES):
                yield rel, entry.is_file(follow_symlinks=False)
