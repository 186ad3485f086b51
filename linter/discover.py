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

import itertools
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence, Set

from linter.engine import LANGUAGES
from linter.repository import work_tree_of

_SUFFIXES = tuple(LANGUAGES)


OnListing = Callable[[str, Set[str]], None]
# Files of one directory, next to each other in the walk's order (a subdirectory's files
# may come between two runs of its parent's): what applies to a directory (its config,
# its exclusions) is looked up once a run, not once a file.
Run = list[str]


def discover(
    paths: Sequence[str],
    keep: Callable[[Run], Run] | None = None,
    on_listing: OnListing | None = None,
    on_found: Callable[[Run], None] | None = None,
) -> list[str]:
    """Files to check; `keep` filters each run of walked files (never files named
    explicitly). `on_listing(directory, names)` is told the names in each directory a tree
    walk lists; `on_found(run)` each run of files (a file named explicitly is one) as it is
    found, so that checking can start during the walk. A directory's files come in sorted
    order."""
    cwd = os.path.realpath(os.getcwd())
    found: list[str] = []
    for raw in paths:
        runs: Iterable[Run]
        if os.path.isdir(raw):
            walked = _walk(raw, display_path(raw, cwd), on_listing)
            runs = walked if keep is None else (keep(run) for run in walked)
        else:
            runs = [[display_path(raw, cwd)]]
        for run in runs:
            if run:
                found.extend(run)
                if on_found is not None:
                    on_found(run)
    # Several inputs may name the same file; one directory's walk names each file once.
    return list(dict.fromkeys(found)) if len(paths) > 1 else found


def display_path(path: str, cwd: str | None = None) -> str:
    cwd = cwd or os.path.realpath(os.getcwd())
    real = os.path.realpath(path)
    if real == cwd:
        return "."
    if real.startswith(cwd + os.sep):
        return real[len(cwd) + 1 :].replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _walk(root: str, base: str, on_listing: OnListing | None = None) -> Iterator[Run]:
    """Files below `root` with a known suffix, as `base` joined with their path in it,
    in sorted order (the order they are reported in, so that the results of the files
    checked first are written first and not kept), in runs of one directory's files."""
    prefix = "" if base == "." else base.rstrip("/") + "/"
    listed = _git_files(root)
    if listed is not None and _ignored_by_git(root):
        # Named on the command line but ignored as a whole (rendered manifests, a vendored
        # tree, perhaps with a file or two force-added): the user asked for it, so it is walked.
        listed = None
    real_root = os.path.realpath(root)
    if listed is None:
        # A tree walk knows from the directory entries which files are plain (no stat
        # call); symlinks are looked at one by one.
        links: set[str] = set()
        for run in _walk_tree(root, prefix, on_listing, links):
            if links:
                run = [
                    path
                    for path in run
                    if path not in links
                    or _kept(os.path.join(root, path[len(prefix) :]), real_root)
                ]
            if run:  # none, when each was a symlink leading out of the tree
                yield run
    else:
        listed.sort()
        kept = [
            rel
            for rel in listed
            if rel.lower().endswith(_SUFFIXES) and _kept(os.path.join(root, rel), real_root)
        ]
        for _, same_directory in itertools.groupby(kept, key=lambda rel: rel[: rel.rfind("/") + 1]):
            yield [prefix + rel for rel in same_directory]


def _kept(full: str, real_root: str) -> bool:
    """A file git lists, or a symlink the walk met: a regular file (one lstat), or a
    symlink to one inside the walked directory."""
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return False
    if stat.S_ISREG(mode):
        return True
    return (
        stat.S_ISLNK(mode) and _inside(os.path.realpath(full), real_root) and os.path.isfile(full)
    )


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _git_files(root: str) -> list[str] | None:
    """The files git lists in `root`, or None outside a work tree: known without starting
    git and importing subprocess (2-3 ms and 4-5 ms) when no `.git` is in or above it and
    GIT_DIR does not name one."""
    if "GIT_DIR" not in os.environ and work_tree_of(root) is None:
        return None
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


def _walk_tree(
    root: str, prefix: str, on_listing: OnListing | None, links: set[str]
) -> Iterator[Run]:
    """Paths below `root` for the known suffixes, as `prefix` joined with their path in
    it, in sorted order, in runs of one directory's files; the ones that are not plain
    files (symlinks) are added to `links`."""
    pending = [iter(_listing(root, "", prefix, on_listing, links))]
    run: Run = []
    while pending:
        for rel in pending[-1]:
            if rel[-1] == "/":
                if run:
                    yield run
                    run = []
                pending.append(iter(_listing(root, rel[:-1], prefix, on_listing, links)))
                break
            run.append(prefix + rel)
        else:
            pending.pop()
            if run:
                yield run
                run = []


def _listing(
    root: str, rel_dir: str, prefix: str, on_listing: OnListing | None, links: set[str]
) -> list[str]:
    """The entries of one directory worth looking at, sorted: subdirectories but `.git`
    (with a "/" at the end, where the paths of their files sort too), files with a known
    suffix. `on_listing` is told the directory as its files' paths name it."""
    directory = os.path.join(root, rel_dir) if rel_dir else root
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return []
    head = f"{rel_dir}/" if rel_dir else ""
    if on_listing is not None:
        # `prefix` alone is "/" in a walk of the root directory.
        on_listing((prefix + head)[:-1] or prefix, {entry.name for entry in entries})
    names: list[str] = []
    for entry in entries:
        name = entry.name
        if entry.is_dir(follow_symlinks=False):
            if name != ".git":
                names.append(name + "/")
        elif name.lower().endswith(_SUFFIXES):
            names.append(name)
            if not entry.is_file(follow_symlinks=False):
                links.add(prefix + head + name)
    names.sort()
    return [head + name for name in names] if head else names
