"""The Go side of the inventory: what one Go file contributes to the plan.

Each Go finding with a rewrite (or a reason why there is none) is a member: the Job literal
(JP604, the producer), the watches (JP605), the client calls (JP606), the suspend stops
(JP607), the status reads (JP608), the rbac markers (JP601), the functions named for the
Job (JP609), the selectors on Job labels (JP207) and the owner references to a Job (JP304).
The renamed API field and its uses (JP602) and the printcolumn markers (JP603) are
occurrences of the status field, decided with the CRD's own (JP301, JP302).

Members are tied by package: a Go package is compiled as one, its unexported functions
are visible across its files, and a value built in one file (`buildJob`) is created in
another, so every member of a package is one unit with the packages of the tree it imports
(`go.mod`'s module path and the directory make a package's import path). A package that
builds a Job that stays a Job keeps all of its Job code: the careful reading of what a
per-file tree-sitter index cannot tell apart.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from linter.findings import Finding
from linter.kube.go.jobs import KEPT_JOB
from linter.migration.manifests import Occurrence
from linter.migration.units import Member, Place
from linter.sources import go
from linter.sources.go import GoSource, string_value

NOT_REWRITTEN = "not rewritten: "
_MODULE = re.compile(r"^module\s+(\S+)", re.MULTILINE)
# Rule → (member kind, whether a finding without a fix blocks its unit, required).
_MEMBERS = {
    "JP604": ("job", True, True),
    "JP605": ("watch", True, True),
    "JP606": ("call", True, True),
    "JP607": ("stop", True, True),
    "JP608": ("status", True, True),
    "JP601": ("rbac", False, True),
    "JP609": ("name", False, False),
    "JP207": ("selector", True, True),
    "JP304": ("owner-reference", True, True),
}
_OCCURRENCES = ("JP602", "JP603")
_STOP = "a Pod cannot be suspended: the stop must become a deletion of the Pod, by hand"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class GoFacts:
    path: str
    package: str
    members: list[Member] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)


def package_of(path: str) -> tuple[str, str | None]:
    """The import path of the file's package (module path + directory, from the nearest
    go.mod above it), and the module path; the directory alone without a go.mod."""
    directory = posixpath.dirname(path.replace("\\", "/")) or "."
    current = Path(directory).resolve()
    for parent in [current, *current.parents]:
        mod = parent / "go.mod"
        if mod.is_file():
            try:
                m = _MODULE.search(mod.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                break
            if m is None:
                break
            relative = current.relative_to(parent).as_posix()
            module = m.group(1)
            return (module if relative == "." else f"{module}/{relative}"), module
    return directory, None


def package_key(package: str) -> str:
    return f"go-package:{package}"


def index(path: str, text: str, findings: Sequence[Finding], packages: Sequence[str]) -> GoFacts:
    """`packages`: the import paths of every Go package of the scanned paths."""
    package, _ = package_of(path)
    facts = GoFacts(path, package)
    source = go.parse(text)
    if source.problems:
        return facts
    links = [package_key(package)]
    # The packages of the tree this one imports: what they build or read is this one's.
    for imported in source.imports.values():
        if imported != package and imported in packages:
            links.append(package_key(imported))
    for dotted in source.dot_imports:
        if dotted in packages:
            links.append(package_key(dotted))
    for finding in findings:
        place = Place(path, finding.span.start, finding.span.end, finding.start.line)
        if finding.rule_id in _OCCURRENCES:
            facts.occurrences.append(_occurrence(source, text, finding, place, links[0]))
            continue
        kind_of = _MEMBERS.get(finding.rule_id)
        if kind_of is None:
            continue
        kind, blocks, required = kind_of
        blocker = None
        if finding.fix is None and blocks:
            blocker = _blocker(finding)
        rules = frozenset({finding.rule_id}) if finding.fix is not None else frozenset()
        member = Member(
            kind,
            place,
            _what(finding),
            tuple(links),
            rules=rules,
            blocker=blocker,
            producer=finding.rule_id == "JP604" and finding.fix is not None,
            required=required,
        )
        facts.members.append(member)
    return facts


def _blocker(finding: Finding) -> str | None:
    message = finding.message
    if finding.rule_id == "JP607":
        return _STOP
    if finding.rule_id == "JP604":
        return message.split(" built here ", 1)[-1]
    if KEPT_JOB in message:
        return None  # the Job that stays, in the same file, blocks the unit itself
    if f"({NOT_REWRITTEN}" in message:
        reason = message.split(f"({NOT_REWRITTEN}", 1)[1]
        return reason[:-1] if reason.endswith(")") else reason
    if NOT_REWRITTEN in message:
        return message.split(NOT_REWRITTEN, 1)[1]
    if finding.rule_id == "JP606":
        # The call works on what a function builds: it follows that function's rewrite.
        return None
    return message


def _what(finding: Finding) -> str:
    names = {
        "JP604": "the Job literal",
        "JP605": "the watch",
        "JP606": "the client call",
        "JP607": "the suspend stop",
        "JP608": "the Job status read",
        "JP601": "the rbac marker",
        "JP609": "the Job-named function",
        "JP207": "the selector on a Job label",
        "JP304": "the owner reference to a Job",
    }
    where = f" in `{finding.obj.name}`" if finding.obj is not None and finding.obj.name else ""
    return f"{names[finding.rule_id]}{where}"


def _occurrence(
    source: GoSource, text: str, finding: Finding, place: Place, link: str
) -> Occurrence:
    """The status field's JSON name (the one the CRD knows), and whether the code writes it
    (an assignment to it, or a key of a literal)."""
    shown = text[finding.span.start : finding.span.end]
    words = _WORD.findall(shown)
    name = words[-1] if words else shown
    defines = finding.rule_id == "JP602" and finding.message.startswith("API field")
    if finding.rule_id == "JP602":
        name = _json_name(source, finding) or (name[:1].lower() + name[1:])
    writes = finding.rule_id == "JP602" and not defines and _written(source, finding)
    return Occurrence(
        name,
        place,
        finding.rule_id,
        finding.fix is not None,
        writes=writes,
        links=(link,),
        defines=defines,
    )


def _json_name(source: GoSource, finding: Finding) -> str | None:
    """The json tag's name of the API field the finding is on (its declaration)."""
    for declaration in source.nodes("field_declaration"):
        span = source.span(declaration)
        if not (span.start <= finding.span.start < span.end):
            continue
        tag = declaration.child_by_field_name("tag")
        m = re.search(r'json:"([^",]*)', string_value(source, tag)) if tag is not None else None
        return m.group(1) if m else None
    return None


def _written(source: GoSource, finding: Finding) -> bool:
    for node in source.nodes("field_identifier", "identifier"):
        span = source.span(node)
        if span.start != finding.span.start:
            continue
        holder = node.parent
        if holder is not None and holder.type == "selector_expression":
            listing = holder.parent
            statement = listing.parent if listing is not None else None
            return (
                statement is not None
                and statement.type == "assignment_statement"
                and listing == statement.child_by_field_name("left")
            )
        # A key of a composite literal (`TaskStatus{JobName: name}`) writes it.
        return True
    return False
