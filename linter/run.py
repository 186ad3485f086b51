"""Checking many files: the cache, child processes, CI shards and progress.

A run below a few hundred files stays in one process, so a pre-commit hook never pays
for starting others; larger runs fan out over `--jobs` child processes. Results are put
back in input order, so the output is the same whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from linter.engine import RuleSet, check_bytes, language_of, oversized

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext

    from linter.cache import ResultCache
    from linter.findings import Finding

PARALLEL_THRESHOLD = 200
# A run allocates millions of short-lived parser nodes; at CPython's default threshold
# (700) the collector runs thousands of times a second. 5,000 cut a corpus run by 12-15%
# for about 13 MiB more (10,000 cost 30 MiB: parse trees hold reference cycles). Collecting
# the middle generation every 100 of those instead of 10 halved the collector's time
# (0.65 -> 0.29 s over the corpus) but cost each process 30 MiB on the 10x corpus.
GC_THRESHOLD = (5000, 10, 10)
PROGRESS_THRESHOLD = 300
_CHUNK = 16
_ruleset: RuleSet | None = None


class RunResult(NamedTuple):
    """The findings of a run over many files, how many, and the files it could not read."""

    findings: list[Finding]
    files: int
    errors: list[str]


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


# A checked file: path, findings, size and mtime (the cache's key), or an error.
_Result = tuple[str, list["Finding"], int, int, "str | None"]


def _check_one(path: str) -> _Result:
    assert _ruleset is not None
    try:
        stat = os.stat(path)
        if stat.st_size > _ruleset.max_file_size:
            report = oversized(path, stat.st_size, _ruleset)
            return path, report.findings, stat.st_size, stat.st_mtime_ns, None
        with open(path, "rb") as handle:
            data = handle.read()
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
    """For a run over many files; child processes inherit it (or set it in _child)."""
    gc.set_threshold(*GC_THRESHOLD)


class Checked(NamedTuple):
    """One file's findings (sorted), or why it could not be read."""

    path: str
    findings: list[Finding]
    error: str | None


def check_files(
    paths: Sequence[str],
    ruleset: RuleSet,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: bool = False,
) -> RunResult:
    result = RunResult([], len(paths), [])
    for checked in check_each(paths, ruleset, jobs, cache, progress):
        result.findings.extend(checked.findings)
        if checked.error is not None:
            result.errors.append(checked.error)
    return result


def check_each(
    paths: Sequence[str],
    ruleset: RuleSet,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: bool = False,
) -> Iterator[Checked]:
    """Each file's results in input order, as soon as it and every file before it are
    checked: a caller can write them out and keep none. Children claim chunks in order,
    so only the few chunks that finish early wait here."""
    unique = list(dict.fromkeys(paths))
    if len(unique) < len(paths):  # a path named twice: reported twice, checked once
        done = {c.path: c for c in check_each(unique, ruleset, jobs, cache, progress)}
        yield from (done[path] for path in paths)
        return
    global _ruleset
    _ruleset = ruleset
    tune_gc()
    hits: dict[str, list[Finding]] = {}
    misses = []
    for path in paths:
        cached = _cached(cache, path)
        if cached is None:
            misses.append(path)
        else:
            hits[path] = cached
    meter = _Progress(len(misses), progress and len(paths) >= PROGRESS_THRESHOLD)
    waiting: dict[str, Checked] = {}
    position = 0
    try:
        for path, findings, size, mtime_ns, error in _map(misses, jobs, meter):
            if error is None and cache is not None:
                cache.store(path, size, mtime_ns, findings)
            waiting[path] = Checked(path, findings, error)
            while position < len(paths) and (paths[position] in waiting or paths[position] in hits):
                ready = _ready(paths[position], waiting, hits)
                position += 1
                if ready.findings:
                    meter.erase()
                yield ready
        for path in paths[position:]:
            yield _ready(path, waiting, hits)
    finally:
        meter.erase()
        if cache is not None:
            cache.save()


def _ready(path: str, waiting: dict[str, Checked], hits: dict[str, list[Finding]]) -> Checked:
    found = waiting.pop(path, None)
    if found is None:
        found = Checked(path, hits.pop(path), None)
    found.findings.sort(key=lambda f: f.sort_key())
    return found


def _cached(cache: ResultCache | None, path: str) -> list[Finding] | None:
    if cache is None:
        return None
    try:
        return cache.lookup(path, os.stat(path))
    except OSError:
        return None


class _Progress:
    """`checked N/M files` on stderr, every hundred files, erased at the end."""

    def __init__(self, total: int, shown: bool) -> None:
        self.total = total
        self.shown = shown
        self.last = 0

    def update(self, done: int) -> None:
        if self.shown and done - self.last >= 100:
            self.last = done
            sys.stderr.write(f"\rjob2pod: checked {done}/{self.total} files")
            sys.stderr.flush()

    def erase(self) -> None:
        """Off the line at the end, and before a finding is printed there (the next
        hundred files draw it again)."""
        if self.last:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _map(paths: Sequence[str], jobs: int, meter: _Progress) -> Iterator[_Result]:
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        for done, result in enumerate(map(_check_one, paths), 1):
            meter.update(done)
            yield result
        return
    yield from _parallel(paths, jobs, meter)


def _parallel(paths: Sequence[str], jobs: int, meter: _Progress) -> Iterator[_Result]:
    """`jobs` child processes take chunks of paths in turn from a shared counter and send
    back each chunk's results; this process only waits for them, on the pipes.

    Not multiprocessing.Pool: over the corpus its three helper threads, passing tasks and
    results between them, took this process 0.4 s of CPU on the two cores the workers
    needed (the speedup of `--jobs 2` was 1.7), and a worker that dies leaves imap
    waiting forever. Here, the paths a dead child took are checked at the end."""
    import multiprocessing
    from multiprocessing.connection import wait

    context: ForkContext | SpawnContext
    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    chunks = context.Value("l", 0)
    children: dict[Any, Any] = {}
    # What is alive now (modules, rules, paths) lives as long as a child: frozen, a child's
    # collector never walks it, nor writes to the memory pages it shares with this process.
    # This process thaws it, so that a caller running many checks collects as before.
    gc.freeze()
    try:
        for _ in range(min(jobs, -(-len(paths) // _CHUNK))):
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=_child, args=(_ruleset, paths, chunks, sender), daemon=True
            )
            child.start()
            sender.close()
            children[receiver] = child
    finally:
        gc.unfreeze()
    reported: set[str] = set()
    done = 0
    while children:
        ready: list[Any] = wait(list(children))
        for pipe in ready:
            try:
                results: list[_Result] = pipe.recv()
            except (EOFError, OSError):  # the child is done, or died
                children.pop(pipe).join()
                pipe.close()
                continue
            for result in results:
                reported.add(result[0])
                yield result
            done += len(results)
            meter.update(done)
    for result in map(_check_one, [p for p in paths if p not in reported]):
        done += 1
        meter.update(done)
        yield result


def _claims(paths: Sequence[str], chunks: Any) -> Iterator[Sequence[str]]:
    """The next chunk of `paths` no other process has taken, until none is left. (A child
    killed inside the few instructions that hold the counter's lock would stop the others;
    a lock-free counter is not to be had from multiprocessing.)"""
    while True:
        with chunks.get_lock():
            start = chunks.value * _CHUNK
            chunks.value += 1
        if start >= len(paths):
            return
        yield paths[start : start + _CHUNK]


def _child(ruleset: RuleSet, paths: Sequence[str], chunks: Any, sender: Any) -> None:
    global _ruleset
    _ruleset = ruleset
    tune_gc()
    # Ctrl-C reaches the whole process group, and a check that fails here fails again
    # when the main process checks the chunk itself: either way the main process says so,
    # once, instead of a traceback from each child.
    with contextlib.suppress(KeyboardInterrupt, Exception):
        for chunk in _claims(paths, chunks):
            sender.send([_check_one(path) for path in chunk])
    sender.close()


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
