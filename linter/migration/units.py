"""Units: what belongs to one Task execution path, and the one verdict each gets.

A member is one place of the tree that takes part in running a Task as a Job: the Job that
is built (a YAML manifest, a model or a dict in code), the client that creates it, the calls,
the handlers, the status reads, the selectors, the patches that target it. Members name the
keys that tie them to others (the client they call, the Job they pass); members that share a
key are one unit. A unit converts only if every member converts; one member that cannot
makes the whole unit stay, and the report names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where a member is: the file as reported, the span in its original text, the line."""

    path: str
    start: int
    end: int
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Member:
    """One place of a Task execution path."""

    kind: str
    place: Place
    # What the report calls it: "`create_namespaced_job` call in `Runner.start`".
    what: str
    # The keys that tie it to other members: members sharing one are in one unit.
    links: tuple[str, ...]
    # The rules whose fixes at this place carry the conversion (empty: nothing to edit).
    rules: frozenset[str] = frozenset()
    # Why it cannot convert; None when it can. One such member keeps its unit a Job.
    blocker: str | None = None
    # A Job a Pod can replace: a unit with none of these has nothing to convert.
    producer: bool = False
    # Its fix must have applied for the conversion to be whole (a Job's rewrite must; a
    # fix that only tidies, such as an import, need not).
    required: bool = True
    # What the converted member needs the Role to grant on pods: (resource, verb) pairs.
    grants: tuple[tuple[str, str], ...] = ()


@dataclass
class Unit:
    members: list[Member]
    # Why the unit stays (the first blocking member, or a reason of the unit as a whole).
    blocked_by: Member | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def converts(self) -> bool:
        return self.reason is None

    @property
    def producers(self) -> list[Member]:
        return [m for m in self.members if m.producer]

    @property
    def title(self) -> str:
        jobs = [m for m in self.members if m.kind == "job"]
        first = (self.producers or jobs or self.members)[0]
        return f"{first.what} ({first.place})"

    def other_blockers(self) -> list[Member]:
        return [m for m in self.members if m.blocker is not None and m is not self.blocked_by]

    def paths(self) -> list[str]:
        return sorted({m.place.path for m in self.members})


def group(members: Sequence[Member]) -> list[Unit]:
    """Members that share a link key, directly or through others, form one unit; units come
    in the order of their first member (members are given in path and offset order)."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, member in enumerate(members):
        for key in member.links:
            if key in owner:
                a, b = find(owner[key]), find(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = index
    units: dict[int, Unit] = {}
    for index, member in enumerate(members):
        units.setdefault(find(index), Unit([])).members.append(member)
    return list(units.values())


def judge(units: Iterable[Unit]) -> None:
    """One verdict per unit: it converts when it has a Job to convert and no member blocks."""
    for unit in units:
        # What keeps the Job itself a Job says the most; then the first member in order.
        blocking = next(
            (m for m in unit.members if m.blocker is not None and m.kind == "job"),
            next((m for m in unit.members if m.blocker is not None), None),
        )
        if blocking is not None:
            unit.blocked_by = blocking
            unit.reason = blocking.blocker
        elif not unit.producers:
            unit.reason = _orphan_reason(unit)


def _orphan_reason(unit: Unit) -> str:
    kinds = {m.kind for m in unit.members}
    if "call" in kinds or "client" in kinds:
        return (
            "no Job that these calls handle is built in the scanned paths, so job2pod "
            "cannot tell whether it is a thin wrapper"
        )
    return "no Job of the scanned paths belongs to it"
