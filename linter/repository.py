"""The repository a checked file belongs to: the git work tree that holds it, or the
working directory outside git.

Fingerprints, baselines and the output CI reads (SARIF, GitHub annotations, JSON) name
files relative to it, so they are the same whether CI runs from the top or from a
subdirectory (`working-directory:`) and whether it names paths relative or absolute.
Text output stays relative to the working directory, where an editor opens it.
"""

from __future__ import annotations

import os


def root_of(path: str) -> str:
    """The real path of the work tree holding `path` (a file or a directory, which need not
    exist: a stdin name), found as git finds it: the nearest directory above that holds
    `.git` (a directory, or a file in worktrees and submodules)."""
    directory = os.path.realpath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    here = directory
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return os.path.realpath(os.getcwd())
        here = parent


def relative_path(path: str, root: str | None = None) -> str:
    """`path` relative to `root` (default: its own repository root), with `/`. The file's
    own name is kept (a symbolic link is named, not resolved); its directory is resolved,
    as the root is."""
    directory, name = os.path.split(os.path.abspath(path))
    real = os.path.join(os.path.realpath(directory), name)
    return os.path.relpath(real, root or root_of(path)).replace(os.sep, "/")


class RepositoryPaths:
    """relative_path for the many findings of a report: each directory's root and its
    path from there looked up once (realpath stats every part of a path; per finding it
    was most of a warm run's JSON output)."""

    def __init__(self) -> None:
        self._roots: dict[str, str] = {}
        self._relative: dict[str, str] = {}

    def root(self, path: str) -> str:
        directory = os.path.dirname(os.path.abspath(path))
        found = self._roots.get(directory)
        if found is None:
            found = self._roots[directory] = root_of(directory)
        return found

    def relative(self, path: str) -> str:
        directory, name = os.path.split(path)
        prefix = self._relative.get(directory)
        if prefix is None:
            # The directory's path, through a name that stands for it ("x" for "x/x.yaml").
            inside = relative_path(os.path.join(directory, "x"), self.root(path))
            prefix = self._relative[directory] = inside[:-1]
        return prefix + name
