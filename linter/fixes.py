"""Edits to new text to a verified, atomic write. The one place that changes files.

Checks attach fixes (text edits on the original text) to their findings; this module
sorts them, drops what overlaps or is unsafe to touch (template expressions cut through,
anchored nodes that aliases share), applies the rest, re-checks, and loops until nothing
changes. A pass whose result does not parse, or that made a finding appear, is retried
fix by fix so that only the failing fixes are dropped (and reported).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import re
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linter.engine import RuleSet, check_text
from linter.findings import Edit, Finding, Fix
from linter.levels import FixSafety

if TYPE_CHECKING:
    from linter.migration.gate import FileGate
    from linter.sources.text import DecodedText

MAX_PASSES = 10
_ALIAS = re.compile(r"(?<![\w\"'])\*[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Rejected:
    finding: Finding
    reason: str


@dataclass
class FileFix:
    path: str
    original: str
    fixed: str
    applied: list[Finding] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (sorted here); overlapping ones are a caller bug."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            raise ValueError(f"overlapping edit at offset {edit.start}")
        out.append(text[cursor : edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def _allowed(finding: Finding, unsafe: bool, fixable: Collection[str] | None = None) -> bool:
    fix = finding.fix
    return (
        fix is not None
        and (unsafe or fix.safety is FixSafety.SAFE)
        and (fixable is None or finding.rule_id in fixable)
    )


def fix_text(
    path: str,
    text: str,
    ruleset: RuleSet,
    language: str,
    unsafe: bool = False,
    fixable: Collection[str] | None = None,
    gate: FileGate | None = None,
) -> FileFix:
    """Fix `text` to a fixed point. `fixable` limits which rules' fixes apply (all the
    selected rules still run, so suppressions and verification see the whole picture);
    `gate` is the migration plan's say on which fixes apply where."""
    result = FileFix(path, text, text)
    current = text
    findings = check_text(path, current, ruleset, language)
    rejected_keys: set[str] = set()
    for _ in range(MAX_PASSES):
        candidates = [
            f
            for f in findings
            if _allowed(f, unsafe, fixable)
            and f.fingerprint not in rejected_keys
            and (gate is None or gate.allows(f))
        ]
        if not candidates:
            break
        guard = _Guard(current, language)
        chosen: list[Finding] = []
        taken: list[Edit] = []
        for finding in candidates:
            assert finding.fix is not None
            reason = guard.refuses(finding.fix)
            if reason is not None:
                result.rejected.append(Rejected(finding, reason))
                rejected_keys.add(finding.fingerprint)
                if gate is not None:
                    gate.reject(finding, reason)
                continue
            if any(_overlaps(e, t) for e in finding.fix.edits for t in taken):
                continue  # the next pass re-checks and offers it again
            chosen.append(finding)
            taken.extend(finding.fix.edits)
        if not chosen:
            break
        new_text, new_findings, failed, steps = _apply_verified(
            path, current, findings, chosen, ruleset, language
        )
        for finding, reason in failed:
            result.rejected.append(Rejected(finding, reason))
            rejected_keys.add(finding.fingerprint)
            if gate is not None:
                gate.reject(finding, reason)
        applied = [f for f in chosen if f not in {f for f, _ in failed}]
        if not applied:
            continue
        if gate is not None:
            gate.record(applied)
            for step in steps:
                gate.advance(step)
        result.applied.extend(applied)
        current, findings = new_text, new_findings
    else:
        pending = [
            f
            for f in findings
            if _allowed(f, unsafe, fixable)
            and f.fingerprint not in rejected_keys
            and (gate is None or gate.allows(f))
        ]
        result.rejected.extend(
            Rejected(f, f"fixes did not converge after {MAX_PASSES} passes") for f in pending
        )
    result.fixed = current
    result.remaining = findings
    return result


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start == b.start or (b.start < a.start < b.end) or (a.start < b.start < a.end)
    return a.start < b.end and b.start < a.end


def _apply_verified(
    path: str,
    text: str,
    before: Sequence[Finding],
    chosen: Sequence[Finding],
    ruleset: RuleSet,
    language: str,
) -> tuple[str, list[Finding], list[tuple[Finding, str]], list[list[Edit]]]:
    """Apply all chosen fixes; if the result fails verification, apply them one by one.
    Also returns the edits applied, step by step, each on the text the step before left."""
    edits = [e for f in chosen for e in f.fix.edits] if chosen else []  # type: ignore[union-attr]
    new_text = _applied(text, edits, language)
    new_findings = check_text(path, new_text, ruleset, language)
    baseline = _parse_problems(text, language)
    if _verify(before, new_findings, baseline, new_text, language) is None:
        return new_text, new_findings, [], [edits]
    failed: list[tuple[Finding, str]] = []
    steps: list[list[Edit]] = []
    current, current_findings = text, list(before)
    for finding in chosen:
        # Offsets are into `text`; re-locate each fix by re-checking the current text.
        match = next((f for f in current_findings if f.fingerprint == finding.fingerprint), None)
        if match is None or match.fix is None:
            continue
        candidate = _applied(current, match.fix.edits, language)
        candidate_findings = check_text(path, candidate, ruleset, language)
        reason = _verify(current_findings, candidate_findings, baseline, candidate, language)
        if reason is None:
            current, current_findings = candidate, candidate_findings
            steps.append(list(match.fix.edits))
        else:
            failed.append((finding, reason))
    return current, current_findings, failed, steps


def _applied(text: str, edits: Iterable[Edit], language: str) -> str:
    new_text = apply_edits(text, edits)
    if language == "go":
        # Go refuses an unused import: the fixes of one pass may together rewrite the
        # last Job of the file, which none of them can know alone.
        from linter.edits.go import tidied

        return tidied(text, new_text)
    return new_text


def _parse_problems(text: str, language: str) -> list[str]:
    """What the parser says of `text`, whatever rules are selected."""
    if language == "python":
        from linter.sources import python

        return [p.detail for p in python.parse(text).problems]
    if language == "go":
        from linter.sources import go

        return [p.detail for p in go.parse(text).problems]
    from linter.sources.yaml import parse

    return [p.detail for p in parse(text).problems]


def _verify(
    before: Sequence[Finding],
    after: Sequence[Finding],
    problems: list[str],
    text: str,
    language: str,
) -> str | None:
    """None when the fixed text parses as well as before and gained no finding."""
    new_problems = _parse_problems(text, language)
    if len(new_problems) > len(problems):
        return f"the fixed text would not parse ({new_problems[-1]})"
    old = {f.fingerprint for f in before}
    # A finding whose fingerprint changed without being new: it stays on an object the fix
    # rewrote (Job → Pod), or in a function the fix renamed (build_job → build_pod), or its
    # message names something the fix changed. Such a finding stands in for one of the same
    # rule that vanished; only findings beyond those count as new.
    kept = {f.fingerprint for f in after}
    vanished = Counter(f.rule_id for f in before if f.fingerprint not in kept)
    for finding in after:
        if finding.fingerprint in old:
            continue
        if vanished[finding.rule_id] > 0:
            vanished[finding.rule_id] -= 1
            continue
        if finding.rule_id < "JP100":
            return f"the fixed text would not parse ({finding.message})"
        return f"the fix would add a finding: {finding.rule_id} {finding.message}"
    return None


class _Guard:
    """What in the current text a fix must leave alone."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.templates: tuple[tuple[int, int], ...] = ()
        self.shared: list[tuple[int, int]] = []
        if language == "yaml":
            from linter.sources.yaml import parse

            source = parse(text)
            self.templates = source.masked.regions
            self.shared = [(s.start, s.end) for s in source.shared]

    def refuses(self, fix: Fix) -> str | None:
        ordered = sorted(fix.edits, key=lambda e: (e.start, e.end))
        # Within one fix, insertions at one offset apply in the fix's order; only a span
        # that starts inside the one before it cannot be applied.
        if any(b.start < a.end for a, b in itertools.pairwise(ordered)):
            # A check's bug, never the user's: reported as a fix not applied, not a crash.
            return "the fix's own edits overlap"
        for edit in fix.edits:
            for start, end in self.templates:
                inside = edit.start <= start and end <= edit.end
                if not inside and start < edit.end and edit.start < end:
                    return "the fix would cut through a template expression"
                if inside and self.text[start:end] not in edit.text:
                    return "the fix would drop a template expression"
            for start, end in self.shared:
                # An insertion counts when it lands inside the shared node.
                if start < max(edit.end, edit.start + 1) and edit.start < end:
                    return "the fix would edit an anchored node that aliases share"
            if _ALIAS.search(self.text[edit.start : edit.end]):
                return "the fix would edit an alias"
        return None


_TEMP_SUFFIX = ".job2pod-tmp"


# Every file this process has replaced, in order: an interrupted run (Ctrl-C) says which
# files it wrote, whoever called write_atomic.
WRITTEN: list[str] = []


def write_atomic(path: Path, data: bytes, expected: bytes) -> None:
    """Replace `path` with `data` unless it no longer holds `expected` (someone else wrote
    it since it was read). Temp file in the same directory, fsync, rename; mode and owner
    kept. Two job2pod processes serialize on a lock of the file, so the later one sees
    the earlier one's write and refuses instead of losing it. Recorded in WRITTEN."""
    if path.is_symlink():
        raise OSError(f"{path} is a symbolic link; not replaced by a regular file")
    directory = path.parent
    remove_stale_temps(directory, path.name)
    stat = path.stat()
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=directory
    )
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.st_mode & 0o7777)
        with contextlib.suppress(PermissionError, AttributeError):
            os.chown(tmp, stat.st_uid, stat.st_gid)
        with _locked(path):
            if path.read_bytes() != expected:
                raise ChangedOnDisk(f"{path} changed on disk since it was read; not overwritten")
            os.replace(tmp, path)
            WRITTEN.append(str(path))
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_directory(directory)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An advisory lock on the file itself: a second writer waits, then reads (through
    the path) what the first one wrote, and refuses."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no advisory locks on this platform
        yield
        return
    with open(path, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_stale_temps(directory: Path, name: str) -> None:
    """Temp files of `name` left by a job2pod that was killed mid-write (its pid is gone)."""
    for leftover in directory.glob(f".{glob.escape(name)}.*{_TEMP_SUFFIX}"):
        pid = leftover.name[len(name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ChangedOnDisk(OSError):
    """The file was modified by someone else between job2pod's read and its write."""


@dataclass
class PathFix:
    """The outcome for one file of a fix run."""

    fix: FileFix | None
    findings: list[Finding]
    error: str | None = None
    written: bool = False


def fix_path(path: str, ruleset: RuleSet, unsafe: bool, write: bool) -> PathFix:
    """Check one file; when it has fixes to offer, fix it and (if `write`) save it."""
    from linter.engine import oversized

    target = Path(path)
    try:
        size = target.stat().st_size
        if size > ruleset.max_file_size:
            return PathFix(None, oversized(path, size, ruleset).findings)
        data = target.read_bytes()
    except OSError as exc:
        return PathFix(None, [], f"cannot read: {exc.strerror}")
    outcome, decoded = fix_bytes(path, data, ruleset, unsafe)
    result = outcome.fix
    if write and result is not None and result.changed and decoded is not None:
        try:
            write_atomic(target, decoded.encode(result.fixed), expected=data)
            outcome.written = True
        except OSError as exc:
            outcome.error = str(exc)
    return outcome


def fix_bytes(
    path: str, data: bytes, ruleset: RuleSet, unsafe: bool
) -> tuple[PathFix, DecodedText | None]:
    """The fix of `data`, the bytes of `path` (a file, or stdin under that name), and the
    encoding to write it back in; (no fix, None) when it has nothing to fix."""
    from linter.engine import check_bytes, language_of
    from linter.sources.text import UndecodableError, decode

    language = language_of(path) or "yaml"
    report = check_bytes(path, data, ruleset, language=language)
    if not any(_allowed(f, unsafe) for f in report.findings):
        return PathFix(None, report.findings), None
    try:
        decoded = decode(data)
    except UndecodableError:
        return PathFix(None, report.findings), None
    result = fix_text(path, decoded.text, ruleset, language, unsafe=unsafe)
    return PathFix(result, result.remaining), decoded


def unified_diff(result: FileFix) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            result.original.splitlines(keepends=True),
            result.fixed.splitlines(keepends=True),
            fromfile=f"a/{result.path}",
            tofile=f"b/{result.path}",
        )
    )
