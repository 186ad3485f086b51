"""Which fixes of one file the plan lets through, pass after pass of the fix loop.

The plan decides on the original text: this site (a Job, a client, a status read) belongs to
a unit that converts, so the fixes of these rules found inside it apply; that one belongs to a
unit that stays, so nothing inside it changes. The fix loop re-checks the file after every
pass, and each pass moves text: the gate maps its sites through the edits of each pass, so a
fix offered again in a later pass (after an overlapping one went first) is recognised as the
same site's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from linter.findings import Edit, Finding

if TYPE_CHECKING:
    from linter.fixes import FileFix


@dataclass
class Site:
    """A span of the file the plan has decided on, and the rules whose fixes may apply there."""

    start: int
    end: int
    rules: frozenset[str]
    # The unit's conversion is not whole unless a fix of one of `rules` applied here.
    required: bool = True
    # Where the site started in the original text: how the plan knows it again.
    origin: int = -1
    # The finding stays once its fix applied (a jobs grant that is kept gains the pods
    # grant beside it): done when the fix applied, not when the finding went.
    persists: bool = False
    # Why a fix here was refused (it would not parse, cut a template …), if one was.
    failed: str | None = None
    # The titles of the fixes applied here, for the report.
    applied: list[str] = field(default_factory=list)
    # An applied edit replaced its text whole (another member's fix rewrote around it: a
    # status read inside the loop that a fix of the loop's first read replaced).
    touched: bool = False

    def __post_init__(self) -> None:
        if self.origin < 0:
            self.origin = self.start


@dataclass
class FileGate:
    """The allowed sites of one file; `policy` says whether fixes of rules outside every
    site (a TTL inserted into a Job that stays a Job) apply, `frozen` spans take none."""

    sites: list[Site] = field(default_factory=list)
    frozen: list[Site] = field(default_factory=list)
    policy_rules: Collection[str] = ()

    def allows(self, finding: Finding) -> bool:
        span = finding.span
        if any(s.start <= span.start and span.end <= s.end for s in self.frozen):
            return False
        if finding.rule_id in self.policy_rules:
            return True
        return self.site_of(finding) is not None

    def site_of(self, finding: Finding) -> Site | None:
        span = finding.span
        for site in self.sites:
            if finding.rule_id in site.rules and site.start <= span.start and span.end <= site.end:
                return site
        return None

    def record(self, applied: Iterable[Finding]) -> None:
        for finding in applied:
            site = self.site_of(finding)
            if site is not None and finding.fix is not None:
                site.applied.append(f"{finding.rule_id} {finding.fix.title}")

    def reject(self, finding: Finding, reason: str) -> None:
        site = self.site_of(finding)
        if site is not None and site.failed is None:
            site.failed = reason

    def advance(self, edits: Iterable[Edit]) -> None:
        """Map every site through edits applied to the text the sites point into."""
        ordered = sorted(edits, key=lambda e: (e.start, e.end))
        for site in [*self.sites, *self.frozen]:
            # Replaced whole: the site's text is gone (another fix rewrote around it).
            if any(
                e.start <= site.start and site.end <= e.end and e.start < e.end for e in ordered
            ):
                site.touched = True
            site.start = _mapped(site.start, ordered, left=True)
            site.end = _mapped(site.end, ordered, left=False)

    def incomplete(self, result: FileFix) -> list[tuple[Site, str]]:
        """The required sites whose fix was refused, or whose finding is still there once
        the file is fixed: the conversion they belong to is not whole."""
        found = []
        for site in self.sites:
            if not site.required:
                continue
            if site.failed is not None:
                found.append((site, site.failed))
                continue
            left = next((f for f in result.remaining if self.site_of(f) is site), None)
            if site.persists:
                if not site.applied:
                    found.append((site, "its fix was not offered when the file was fixed"))
            elif left is not None:
                found.append((site, f"{left.rule_id} is still reported there: {left.message}"))
            elif not site.applied and not site.touched:
                found.append((site, "its fix was not offered when the file was fixed"))
        return found


def _mapped(offset: int, edits: list[Edit], left: bool) -> int:
    """Where `offset` lands once `edits` are applied. An offset inside a replaced span lands
    at the replacement's start (a site's start) or end (a site's end), so the site keeps
    what replaced its text."""
    shift = 0
    for edit in edits:
        if edit.start >= offset and not (edit.start == edit.end == offset):
            break
        delta = len(edit.text) - (edit.end - edit.start)
        if edit.end <= offset:
            shift += delta
        elif left:
            return edit.start + shift
        else:
            return edit.start + shift + len(edit.text)
    return offset + shift
