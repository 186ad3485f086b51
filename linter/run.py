"""Checking many files: the cache, child processes, CI shards and progress.

A run below a few hundred files stays in one process, so a pre-commit hook never pays
for starting others; larger runs fan out over `--jobs` child processes. Results are put
back in input order, so the output is the same whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections import deque
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
# Files a child is sent at a time: fewer messages (each wakes this process and a child),
# against a longer wait at the end for the last chunk, which `_TAIL` makes single files.
_CHUNK = 32
_TAIL = 4 * _CHUNK
# A chunk takes 20 ms on average; one of big files is cut short, see check_chunk.
CHUNK_SECONDS = 0.05
# Chunks a child holds while the walk goes on: the one it checks and the next, so that it
# never waits for this process between two chunks of the walk.
_AHEAD = 2
_FEED_EVERY = 8


class RunResult(NamedTuple):
    """The findings of a run over many files, how many, and the files it could not read."""

    findings: list[Finding]
    files: int
    errors: list[str]


def shard(paths: Sequence[str], index: int, count: int) -> list[str]:
    """The stable 1/count of `paths` that shard `index` (1-based) checks."""
    return [p for p in paths if in_shard(p, index, count)]


def in_shard(path: str, index: int, count: int) -> bool:
    import hashlib

    return int(hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest(), 16) % count == (
        index - 1
    )


def language_for(path: str) -> str:
    """A file named explicitly with no known suffix is read as YAML, like kubectl."""
    return language_of(path) or "yaml"


# A checked file: path, findings (sorted), size and mtime (the cache's key), or an error.
_Result = tuple[str, list["Finding"], int, int, "str | None"]


def _check_one(path: str, ruleset: RuleSet) -> _Result:
    try:
        stat = os.stat(path)
        if stat.st_size > ruleset.max_file_size:
            report = oversized(path, stat.st_size, ruleset)
            return path, report.findings, stat.st_size, stat.st_mtime_ns, None
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return path, [], 0, 0, f"cannot read {path}: {exc.strerror}"
    report = check_bytes(path, data, ruleset, language=language_for(path))
    # Sorted here, in a child process when there are some, and stored so: a cache hit
    # needs no sorting.
    findings = sorted([_without_edits(f) for f in report.findings], key=lambda f: f.sort_key())
    return path, findings, stat.st_size, stat.st_mtime_ns, None


def _without_edits(finding: Finding) -> Finding:
    """`check` and `baseline` report whether a finding is fixable, never apply the fix:
    its edits (a whole lifted pod spec for JP201) would only cost memory in the main
    process, pickling between processes and room in the cache. `fix` re-checks the text."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return finding
    return finding._replace(fix=fix._replace(edits=()))


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
    workers: Workers | None = None,
) -> Iterator[Checked]:
    """Each file's results in input order, as soon as it and every file before it are
    checked: a caller can write them out and keep none. Children take chunks in order,
    so only the few chunks that finish early wait here. `workers` may have been handed
    some of the paths already (as discovery found them); without, the run has its own."""
    unique = list(dict.fromkeys(paths))
    if len(unique) < len(paths):  # a path named twice: reported twice, checked once
        done = {c.path: c for c in check_each(unique, ruleset, jobs, cache, progress, workers)}
        yield from (done[path] for path in paths)
        return
    own = workers is None
    if workers is None:
        workers = Workers(jobs)
    hits = workers.take_hits(paths, ruleset, cache)
    misses = [path for path in paths if path not in hits] if hits else paths
    meter = _Progress(len(misses), progress and len(paths) >= PROGRESS_THRESHOLD)
    waiting: dict[str, Checked] = {}
    position, total = 0, len(paths)
    try:
        for count, (path, findings, size, mtime_ns, error) in enumerate(workers.results(misses), 1):
            if meter.shown:
                meter.update(count)
            if error is None and cache is not None:
                cache.store(path, size, mtime_ns, findings)
            waiting[path] = Checked(path, findings, error)
            while position < total:
                ready = waiting.pop(paths[position], None)
                if ready is None:
                    if paths[position] not in hits:
                        break
                    ready = Checked(paths[position], hits.pop(paths[position]), None)
                position += 1
                if ready.findings:
                    meter.erase()
                yield ready
        for path in paths[position:]:
            found = waiting.pop(path, None)
            yield Checked(path, hits.pop(path), None) if found is None else found
    finally:
        meter.erase()
        if own:
            workers.close()
        if cache is not None:
            cache.save()


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


class _Child(NamedTuple):
    process: Any
    # The rulesets it has, by key: those alive when it was forked, then those sent to it.
    known: set[int]
    # The chunks sent to it and not answered yet, in the order sent.
    holding: deque[tuple[int, list[str]]]


class Workers:
    """The files of a run, checked in the order offered: in this process when there are
    few, otherwise by `jobs` child processes, started as soon as the run has enough
    files, and so while discovery still walks the tree (a core stood idle for that
    tenth of a second of a corpus run). Each child holds at most two chunks of paths at a
    time during the walk and one after it, sent over its own pipe, and sends back each
    chunk's results: all of them, or those of a chunk cut short and the files it left.

    Not multiprocessing.Pool: over the corpus its three helper threads, passing tasks and
    results between them, took this process 0.4 s of CPU on the two cores the workers
    needed, and a worker that dies leaves imap waiting forever. Here, the chunks a dead
    child held go to the others, or are checked here when none is left."""

    def __init__(self, jobs: int) -> None:
        # From the first file on: cache hits, found during the walk, are objects too.
        tune_gc()
        self.jobs = jobs
        self._offered: set[str] = set()
        self._hits: dict[str, list[Finding]] = {}
        self._misses = 0
        self._rulesets: dict[int, RuleSet] = {}
        self._filling: dict[int, list[str]] = {}
        self._queue: deque[tuple[int, list[str]]] = deque()
        self._children: dict[Any, _Child] = {}
        self._done: dict[str, _Result] = {}
        self._started = False
        # Until results are asked for, files are being offered: this process answers a
        # child between two chunks of the walk, and each child holds two chunks.
        self._walking = True

    def offer(self, paths: Sequence[str], ruleset: RuleSet, cache: ResultCache | None) -> None:
        """Look each of `paths` up in the cache, or queue it to be checked with `ruleset`.
        A path offered before is ignored."""
        offered = self._offered
        fresh = [path for path in dict.fromkeys(paths) if path not in offered]
        offered.update(fresh)
        if cache is not None:
            missed = []
            for path in fresh:
                cached = _cached(cache, path)
                if cached is None:
                    missed.append(path)
                else:
                    self._hits[path] = cached
            fresh = missed
        if not fresh:
            return
        key = id(ruleset)
        if key not in self._filling:
            self._rulesets[key] = ruleset
            self._filling[key] = []
        self._misses += len(fresh)
        chunk = self._filling[key]
        for path in fresh:
            chunk.append(path)
            if len(chunk) == _CHUNK:
                self._queue.append((key, chunk))
                chunk = self._filling[key] = []
                # The walk finds a chunk in about a millisecond, a child checks one in about
                # twenty: a look at the pipes every eighth chunk keeps them fed, for an
                # eighth of the system calls.
                if len(self._queue) % _FEED_EVERY == 0:
                    for result in self._exchange(block=False):
                        self._done[result[0]] = result

    def take_hits(
        self, paths: Sequence[str], ruleset: RuleSet, cache: ResultCache | None
    ) -> dict[str, list[Finding]]:
        """`offer`, then the findings the cache had for those of `paths` it had (once)."""
        self.offer(paths, ruleset, cache)
        if not self._hits:
            return {}
        return {path: self._hits.pop(path) for path in paths if path in self._hits}

    def results(self, paths: Sequence[str]) -> Iterator[_Result]:
        """The results of `paths` (offered, not cache hits) in the order they are checked;
        results of other offered paths that come first are kept for their turn."""
        self._queue.extend((key, chunk) for key, chunk in self._filling.items() if chunk)
        self._filling.clear()
        self._walking = False
        if self.jobs > 1:
            split_tail(self._queue, _TAIL)
        wanted = set(paths)
        for path in paths:
            if path in self._done:
                wanted.discard(path)
                yield self._done.pop(path)
        while wanted:
            if not self._queue and not any(c.holding for c in self._children.values()):
                raise RuntimeError(f"{len(wanted)} files were never offered to be checked")
            arrived = self._exchange(block=True) if self._parallel() else self._check_here()
            for result in arrived:
                if result[0] in wanted:
                    wanted.discard(result[0])
                    yield result
                else:
                    self._done[result[0]] = result

    def close(self) -> None:
        """Tell each child to stop, and wait for it: a child stops after its chunk."""
        for pipe, child in self._children.items():
            with contextlib.suppress(OSError):
                pipe.send(None)
            pipe.close()
            child.process.join()
        self._children.clear()

    def _parallel(self) -> bool:
        """Whether children check (started now if the run is big enough), or this process."""
        if not self._started and self.jobs > 1 and self._misses >= PARALLEL_THRESHOLD:
            self._start()
        return bool(self._children)

    def _start(self) -> None:
        import multiprocessing

        self._started = True
        context: ForkContext | SpawnContext
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            inherited = dict(self._rulesets)
        else:  # a spawned child gets each ruleset with its first chunk
            context = multiprocessing.get_context("spawn")
            inherited = {}
        # What is alive now (modules, rules, paths) lives as long as a child: frozen, a
        # child's collector never walks it, nor writes to the memory pages it shares with
        # this process. This process thaws it, so that a caller running many checks
        # collects as before.
        gc.freeze()
        try:
            for _ in range(min(self.jobs, -(-self._misses // _CHUNK))):
                here, there = context.Pipe()
                process = context.Process(target=_child, args=(there, inherited), daemon=True)
                process.start()
                there.close()
                self._children[here] = _Child(process, set(inherited), deque())
        finally:
            gc.unfreeze()

    def _exchange(self, block: bool) -> list[_Result]:
        """Results the children have sent (waiting for one when `block`), the files a
        chunk cut short left queued again first, then queued chunks to each child that
        holds fewer than it may."""
        from multiprocessing.connection import wait

        if not self._parallel():
            return []
        arrived: list[_Result] = []
        holding = [pipe for pipe, child in self._children.items() if child.holding]
        ready: list[Any] = wait(holding, None if block else 0) if holding else []
        for pipe in ready:
            try:
                checked, left = pipe.recv()
                arrived.extend(checked)
                key, _ = self._children[pipe].holding.popleft()
                if not left:
                    continue
                if len(self._queue) >= _AHEAD * len(self._children):
                    self._queue.appendleft((key, left))
                else:  # the end of the run: the big files left go one to a child
                    self._queue.extendleft((key, [path]) for path in reversed(left))
            except (EOFError, OSError):
                self._lose(pipe)
        # A chunk waiting in a child behind a big file would keep the run going after
        # the other child stops. Once the walk is over this process answers a result at
        # once, and a child holds one chunk at a time.
        ahead = _AHEAD if self._walking else 1
        # The child that holds least first: the files a child handed back go to the other.
        for pipe, child in sorted(self._children.items(), key=lambda item: len(item[1].holding)):
            try:
                while self._queue and len(child.holding) < ahead:
                    key, chunk = self._queue.popleft()
                    child.holding.append((key, chunk))
                    pipe.send((key, None if key in child.known else self._rulesets[key], chunk))
                    child.known.add(key)
            except OSError:
                self._lose(pipe)
        return arrived

    def _lose(self, pipe: Any) -> None:
        """A child that died: what it held goes back to the front of the queue."""
        child = self._children.pop(pipe)
        self._queue.extendleft(reversed(child.holding))
        pipe.close()
        child.process.join()

    def _check_here(self) -> Iterator[_Result]:
        """The next queued chunk, checked in this process file by file: with no child,
        each result is handed on as soon as it is known."""
        key, chunk = self._queue.popleft()
        return (_check_one(path, self._rulesets[key]) for path in chunk)


def split_tail(queue: deque[tuple[int, list[str]]], files: int) -> None:
    """The last `files` files queued (or a few more), a chunk each: with no chunk left to
    hand out, the children stop within a file of each other, not within a chunk."""
    tail: list[tuple[int, list[str]]] = []
    while queue and len(tail) < files:
        key, chunk = queue.pop()
        tail.extend((key, [path]) for path in reversed(chunk))
    queue.extend(reversed(tail))


def check_chunk(chunk: list[str], ruleset: RuleSet) -> tuple[list[_Result], list[str]]:
    """The chunk's results; or, once checking it has taken `CHUNK_SECONDS`, the results so
    far and the files left, for whichever child is free first. Chunks count files, and a
    directory of big CRDs in one chunk would otherwise keep one child busy for seconds
    while the other waits at the end."""
    deadline = time.perf_counter() + CHUNK_SECONDS
    checked = []
    for index, path in enumerate(chunk):
        checked.append(_check_one(path, ruleset))
        if time.perf_counter() > deadline:
            return checked, chunk[index + 1 :]
    return checked, []


def _child(pipe: Any, rulesets: dict[int, RuleSet]) -> None:
    tune_gc()
    # Ctrl-C reaches the whole process group, and a check that fails here fails again
    # when the main process checks the chunk itself: either way the main process says so,
    # once, instead of a traceback from each child.
    with contextlib.suppress(KeyboardInterrupt, Exception):
        while (message := pipe.recv()) is not None:
            key, ruleset, chunk = message
            if ruleset is not None:
                rulesets[key] = ruleset
            pipe.send(check_chunk(chunk, rulesets[key]))
    pipe.close()


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
