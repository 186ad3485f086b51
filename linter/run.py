"""Checking many files: the cache, worker processes, CI shards and progress.

A run below a few hundred files stays in one process, so a pre-commit hook never pays
for a pool; larger runs fan out over `--jobs` processes. Results come back in input order,
so the output is the same whatever the number of jobs.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linter.engine import RuleSet, check_bytes, language_of, oversized

if TYPE_CHECKING:
    from linter.cache import ResultCache
    from linter.findings import Finding

POOL_THRESHOLD = 200
# A run allocates millions of short-lived parser nodes; at CPython's default threshold
# (700) the collector runs thousands of times a second. 5,000 cut a corpus run by 12-15%
# for about 13 MiB more (10,000 cost 30 MiB: parse trees hold reference cycles).
GC_THRESHOLD = (5000, 10, 10)
PROGRESS_THRESHOLD = 300
_CHUNK = 16
_ruleset: RuleSet | None = None


@dataclass
class RunResult:
    """The findings of a run over many files, how many, and the files it could not read."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    errors: list[str] = field(default_factory=list)


def shard(paths: Sequence[str], index: int, count: int) -> list[str]:
    """The stable 1/count of `paths` that shard `index` (1-based) checks."""
    import hashlib

    return [
        p
        for p in paths
        if int(hashlib.sha1(p.encode("utf-8", "surrogatepass")).hexdigest(), 16) % count
        == index - 1
    ]


def language_for(path: str) -> str:
    """A file named explicitly with no known suffix is read as YAML, like kubectl."""
    return language_of(path) or "yaml"


def _check_one(path: str) -> tuple[str, list[Finding], int, int, str | None]:
    assert _ruleset is not None
    try:
        stat = os.stat(path)
        if stat.st_size > _ruleset.max_file_size:
            report = oversized(path, stat.st_size, _ruleset)
            return path, report.findings, stat.st_size, stat.st_mtime_ns, None
        data = Path(path).read_bytes()
    except OSError as exc:
        return path, [], 0, 0, f"cannot read {path}: {exc.strerror}"
    report = check_bytes(path, data, _ruleset, language=language_for(path))
    return path, [_without_edits(f) for f in report.findings], stat.st_size, stat.st_mtime_ns, None


def _without_edits(finding: Finding) -> Finding:
    """`check` and `baseline` report whether a finding is fixable, never apply the fix:
    its edits (a whole lifted pod spec for JP201) would only cost memory in the main
    process, pickling between processes and room in the cache. `fix` re-checks the text."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return finding
    return dataclasses.replace(finding, fix=dataclasses.replace(fix, edits=()))


def tune_gc() -> None:
    """For a run over many files; worker processes inherit it (or set it in _init)."""
    gc.set_threshold(*GC_THRESHOLD)


def check_files(
    paths: Sequence[str],
    ruleset: RuleSet,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: bool = False,
) -> RunResult:
    global _ruleset
    _ruleset = ruleset
    tune_gc()
    result = RunResult(files=len(paths))
    progress = progress and len(paths) >= PROGRESS_THRESHOLD
    by_path: dict[str, list[Finding]] = {}
    misses = []
    for path in paths:
        cached = _cached(cache, path)
        if cached is None:
            misses.append(path)
        else:
            by_path[path] = cached
    for done, (path, findings, size, mtime_ns, error) in enumerate(_map(misses, jobs), 1):
        if error is not None:
            result.errors.append(error)
        else:
            by_path[path] = findings
            if cache is not None:
                cache.store(path, size, mtime_ns, findings)
        if progress and done % 100 == 0:
            sys.stderr.write(f"\rjob2pod: checked {done}/{len(misses)} files")
            sys.stderr.flush()
    if progress and len(misses) >= 100:
        sys.stderr.write("\r\x1b[K")
    if cache is not None:
        cache.save()
    for path in paths:
        result.findings.extend(by_path.get(path, []))
    return result


def _cached(cache: ResultCache | None, path: str) -> list[Finding] | None:
    if cache is None:
        return None
    try:
        return cache.lookup(path, os.stat(path))
    except OSError:
        return None


def _map(
    paths: Sequence[str], jobs: int
) -> Iterable[tuple[str, list[Finding], int, int, str | None]]:
    if jobs <= 1 or len(paths) < POOL_THRESHOLD:
        return map(_check_one, paths)
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    pool = context.Pool(jobs, initializer=_init, initargs=(_ruleset,))
    return _drain(pool, paths)


def _init(ruleset: RuleSet) -> None:
    global _ruleset
    _ruleset = ruleset
    tune_gc()


def _drain(
    pool: object, paths: Sequence[str]
) -> Iterable[tuple[str, list[Finding], int, int, str | None]]:
    from multiprocessing.pool import Pool

    assert isinstance(pool, Pool)
    with pool:
        yield from pool.imap(_check_one, paths, chunksize=_CHUNK)


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
