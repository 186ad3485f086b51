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
    exist: a stdin name), or the working directory's outside git."""
    return work_tree_of(path) or os.path.realpath(os.getcwd())


def work_tree_of(path: str) -> str | None:
    """The real path of the work tree holding `path`, found as git finds it: the nearest
    directory above that holds `.git` (a directory, or a file in worktrees and
    submodules); None outside one."""
    here = os.path.realpath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def relative_path(path: str, root: str | None = None) -> str:
    """`path` relative to `root` (default: its own repository root), with `/`. The file's
    own name is kept (a symbolic link is named, not resolved); its directory is resolved,
    as the root is."""
    directory, name = os.path.split(os.path.abspath(path))
    real = os.path.join(os.path.realpath(directory), name)
    return os.path.relpath(real, root or root_of(path)).replace(os.sep, "/")


class RepositoryPaths:
    """relative_path for the many findings of a report. Each directory is resolved, and its
    repository root found, once and from its parent's: realpath stats every part of a path
    and the search for `.git` every directory above it, which per finding (and then per
    directory, walking up from each) was most of a warm run's JSON output."""

    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        self._roots: dict[str, str] = {}
        self._relative: dict[str, str] = {}

    def root(self, path: str) -> str:
        return self._root(self._real_directory(os.path.dirname(os.path.abspath(path))))

    def relative(self, path: str) -> str:
        directory, name = os.path.split(path)
        prefix = self._relative.get(directory)
        if prefix is None:
            real = self._real_directory(os.path.abspath(directory or "."))
            prefix = os.path.relpath(real, self._root(real)).replace(os.sep, "/") + "/"
            prefix = self._relative[directory] = "" if prefix == "./" else prefix
        return prefix + name

    def _real_directory(self, directory: str) -> str:
        """os.path.realpath of an absolute path: one lstat for each directory not met yet."""
        found = self._real.get(directory)
        if found is None:
            parent, name = os.path.split(directory)
            if not name or parent == directory:
                found = directory
            else:
                found = os.path.join(self._real_directory(parent), name)
                if os.path.islink(found):
                    found = os.path.realpath(found)
            self._real[directory] = found
        return found

    def _root(self, real: str) -> str:
        """root_of a resolved directory."""
        found = self._roots.get(real)
        if found is None:
            parent = os.path.dirname(real)
            if os.path.exists(os.path.join(real, ".git")):
                found = real
            elif parent == real:
                found = os.path.realpath(os.getcwd())
            else:
                found = self._root(parent)
            self._roots[real] = found
        return found
