"""The content cache under `.job2pod_cache/` (like ruff's): results of unchanged files.

A file's results are valid while its size and mtime are unchanged, for one configuration
(job2pod version and code, selected rules and their params, the values fixes insert).
A pre-commit run checks one file in a tree whose whole-tree run cached thousands, so the
entries of a configuration are spread over a fixed number of shard files by a hash of
the path: a run reads only the shards of the paths it looks up and rewrites only those it
stored into, and its cost follows the files it checks, not the size of the cache.
Shards are written atomically, and nothing found on disk is ever an error: a corrupt
entry or shard is a miss; a run that finds a shard replaced by another run since it read
it keeps that run's entries beside its own, and a race lost in the last instant only
costs entries (a miss later).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from linter import __version__

try:
    # hashlib's blake2b is this one; importing hashlib also loads OpenSSL, which takes
    # a tenth of a one-file run.
    from _blake2 import blake2b
except ImportError:  # an interpreter without the builtin module
    from hashlib import blake2b

if TYPE_CHECKING:
    from linter.findings import Finding
    from linter.levels import FixSafety, Severity

# Paths here are strings, as in every module a one-file run imports: pathlib (with the
# urllib.parse and ipaddress it imports) cost such a run 3-4 ms of about 55.
StrPath = str | os.PathLike[str]

DEFAULT_DIR = ".job2pod_cache"
# A new layout is a new directory: caches of another layout are never read.
_LAYOUT = "v3"
# One byte of a digest: a shard of a 14,000-file tree is small (about 20 kB), and a
# whole-tree run opens only a few hundred files.
SHARDS = 256


def prepare(root: StrPath) -> str:
    """Create the cache directory with its own .gitignore (so it is never committed)."""
    os.makedirs(root, exist_ok=True)
    ignore = os.path.join(root, ".gitignore")
    if not os.path.exists(ignore):
        with contextlib.suppress(OSError), open(ignore, "w", encoding="utf-8") as handle:
            handle.write("# Created by job2pod\n*\n")
    return os.fspath(root)


def write_entry(root: StrPath, path: str, text: str) -> None:
    """Atomic write; failures (read-only tree, full disk) only cost the cache.

    Not tempfile: importing it (with shutil and random) cost a one-file run that stores
    its result 2-3 ms, a twentieth of the run. A random name opened exclusively is what
    mkstemp does; a clash is a failed write, never another run's file overwritten."""
    directory = os.path.dirname(path)
    tmp = os.path.join(directory, f".tmp-{os.urandom(8).hex()}")
    try:
        prepare(root)
        os.makedirs(directory, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def read_json(path: str) -> Any:
    """A cache entry's data; None when it is missing or not JSON (a miss, never an error)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):
        return None


def key(parts: object) -> str:
    """A short digest of anything JSON can write: the identity of one configuration."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def stat_identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What stands for a file's text in a cache key. Size and mtime alone miss a same-size
    edit whose mtime was put back (`cp -p`, `rsync -a`, tar); the inode changes when a
    file is replaced, and the ctime on every write, and neither can be set by hand."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> tuple[str, list[tuple[str, int, int, int, int]]]:
    """The version, and the name and stat_identity of every module, rule and schema file
    of job2pod: part of every cache key, so an edited check or rule (an editable install)
    invalidates what was computed with the old one even when the version did not move.

    An installed job2pod (its package beside its dist-info) changes only when an installer
    rewrites it, and that rewrites the RECORD of its files too: one stat instead of 150."""
    record = os.path.join(
        os.path.dirname(package_dir("linter")), f"job2pod-{__version__}.dist-info", "RECORD"
    )
    try:
        return __version__, [("RECORD", *stat_identity(os.stat(record)))]
    except OSError:
        pass  # a checkout, or an editable install: edited in place
    found: list[tuple[str, int, int, int, int]] = []
    for package, suffix in (
        ("linter", ".py"),
        ("linter.rules", ".yaml"),
        ("linter.schemas", ".json"),
    ):
        root = package_dir(package)
        skip = len(root) + 1
        pending = [root]
        while pending:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            pending.append(entry.path)
                    elif entry.name.endswith(suffix):
                        name = f"{package}:{entry.path[skip:]}"
                        found.append((name, *stat_identity(entry.stat())))
    return __version__, sorted(found)


def package_dir(name: str) -> str:
    """The directory of one of job2pod's packages. Not importlib.resources: importing it
    costs a tenth of a one-file run, and pip installs packages as directories."""
    return os.fspath(next(iter(importlib.import_module(name).__path__)))


def shard_of(path: str) -> int:
    """The shard that holds a path's entry: stable across runs, processes and machines."""
    return blake2b(path.encode("utf-8", "surrogatepass"), digest_size=1).digest()[0]


# A shard: a JSON object from each path to [size, mtime_ns, findings as dicts].
_Shard = dict[str, Any]
# What a shard file was when it was read (its stat_identity), None when it was missing.
_Seen = tuple[int, int, int, int] | None


def _read_shard(path: str) -> tuple[_Shard, _Seen]:
    try:
        with open(path, "rb") as handle:
            # The identity of the very file read, not of one that replaced it since.
            seen = stat_identity(os.fstat(handle.fileno()))
            data = handle.read()
    except OSError:
        return {}, None
    try:
        shard = json.loads(data)
    except ValueError:
        return {}, seen
    return (shard if isinstance(shard, dict) else {}), seen


def _identity(path: str) -> _Seen:
    try:
        return stat_identity(os.stat(path))
    except OSError:
        return None


class ResultCache:
    """Findings of unchanged files for one configuration key."""

    def __init__(self, root: StrPath, key: str) -> None:
        self.root = os.fspath(root)
        self.dir = os.path.join(self.root, _LAYOUT, key)
        self._shards: dict[int, _Shard] = {}
        self._seen: dict[int, _Seen] = {}
        self._stored: dict[int, _Shard] = {}

    def shard_path(self, index: int) -> str:
        return os.path.join(self.dir, f"{index:02x}.json")

    def _shard(self, index: int) -> _Shard:
        shard = self._shards.get(index)
        if shard is None:
            shard, self._seen[index] = _read_shard(self.shard_path(index))
            self._shards[index] = shard
        return shard

    def lookup(self, path: str, stat: os.stat_result) -> list[Finding] | None:
        entry: Any = self._shard(shard_of(path)).get(path)
        try:
            size, mtime_ns, findings = entry  # None or a malformed entry: a miss
            if size != stat.st_size or mtime_ns != stat.st_mtime_ns:
                return None
            return findings_from_rows(path, findings)
        except (IndexError, KeyError, TypeError, ValueError):
            return None

    def store(self, path: str, size: int, mtime_ns: int, findings: list[Finding]) -> None:
        index = shard_of(path)
        entry = [size, mtime_ns, [finding_to_row(f) for f in findings]]
        self._shard(index)[path] = entry
        self._stored.setdefault(index, {})[path] = entry

    def save(self) -> None:
        """Rewrite the shards this run stored into, and no other."""
        for index, stored in self._stored.items():
            path = self.shard_path(index)
            shard = self._shards[index]
            if _identity(path) != self._seen[index]:
                # Another run replaced it since it was read: its entries are as good.
                shard = {**_read_shard(path)[0], **stored}
            write_entry(self.root, path, json.dumps(shard, separators=(",", ":")))
        self._stored.clear()


# A finding as a row of its fields, without its path (the entry's, by construction): a
# warm run decodes and builds every cached finding, and rows decode faster than objects
# with named fields and build with no lookup by name.
def finding_to_row(f: Finding) -> list[Any]:
    return [
        f.rule_id,
        f.rule_name,
        f.severity.value,
        f.start.line,
        f.start.column,
        f.end.line,
        f.end.column,
        f.message,
        f.span.start,
        f.span.end,
        None if f.obj is None else [f.obj.api_version, f.obj.kind, f.obj.namespace, f.obj.name],
        None
        if f.fix is None
        else [f.fix.title, f.fix.safety.value, [[e.start, e.end, e.text] for e in f.fix.edits]],
        f.fingerprint,
    ]


def findings_from_rows(path: str, rows: Sequence[Sequence[Any]]) -> list[Finding]:
    if not rows:
        return []
    # Here, once per file, not at the top: a run whose files hold no finding never needs
    # these classes.
    from linter.findings import Edit, Finding, Fix, ObjectId, Position, Span

    severity_of, safety_of = _levels()
    # One loop, no call per row: this builds every finding of a warm run.
    found = []
    for row in rows:
        rule_id, name, severity, line, column, end_line, end_column, message, *rest = row
        start, end, obj, fix, fingerprint = rest
        found.append(
            Finding(
                rule_id,
                name,
                severity_of[severity],
                path,
                Position(line, column),
                Position(end_line, end_column),
                message,
                Span(start, end),
                None if obj is None else ObjectId(*obj),
                None
                if fix is None
                else Fix(tuple([Edit(*e) for e in fix[2]]), safety_of[fix[1]], fix[0]),
                fingerprint,
            )
        )
    return found


@functools.cache
def _levels() -> tuple[dict[str, Severity], dict[str, FixSafety]]:
    """The levels by value: Severity(value) goes through the enum machinery each time."""
    from linter.levels import FixSafety, Severity

    return {s.value: s for s in Severity}, {s.value: s for s in FixSafety}
