"""kubebuilder rbac markers granting resources of an API group (batch jobs): controller-gen
generates the controller's Role from them. With `replace_with`, the fix drops the
resources and makes sure a core-group marker grants the mapped verbs on that resource."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from linter.context import CheckContext
from linter.edits.go import line_start, newline_of
from linter.findings import Edit, Fix, Violation
from linter.kube.go.jobs import kept_job_note
from linter.kube.go.markers import Argument, Marker, markers
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource

TARGET = "go"
# The core group is written `""` (kubebuilder book, RBAC markers); another spelling is
# not counted as the pods grant.
_CORE = ("",)
_VERB_ORDER = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")


@dataclass(frozen=True)
class Params:
    api_groups: list[str] = param(description="API groups to look for.")
    resources: list[str] = param(description="Resources (and subresources) to look for.")
    replace_with: str | None = param(
        default=None, description="Core-group resource that takes over the grant in the fix."
    )
    verbs_for_pods: dict[str, list[str]] = param(
        factory=dict,
        description="Verb of the old grant → verbs of the new one (the first resource only; "
        "subresources are never mapped).",
    )


@dataclass(frozen=True)
class _Grant:
    marker: Marker
    groups: list[str]
    resources: list[str]
    verbs: list[str]
    namespace: str

    def argument(self, key: str) -> Argument | None:
        return self.marker.argument(key)


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    grants = [g for m in markers(source, "kubebuilder:rbac") if (g := _grant(m)) is not None]
    offenders = [(g, _matched(g, params)) for g in grants]
    pods_done: set[str] = set()
    kept = kept_job_note(source) if any(m or w for m, w in (o[1] for o in offenders)) else None
    for grant, (matched, wildcard) in offenders:
        if not matched and not wildcard:
            continue
        shown = matched or [r for r in grant.resources if r == "*"] or params.resources[:1]
        args = {
            "verbs": ", ".join(grant.verbs) or "(no verbs)",
            "resources": ", ".join(shown),
            "how": " through a wildcard: narrow it by hand" if wildcard else "",
        }
        if kept is not None and not wildcard:
            args["how"] = f" (not rewritten: {kept}, which needs it)"
        fix = None
        if not wildcard and kept is None and params.replace_with and grant.marker.well_formed:
            fix = _fix(source, grants, grant, matched, params, pods_done)
        yield Violation(grant.marker.span, args, fix, source.scope_of(grant.marker.comment))


def _grant(marker: Marker) -> _Grant | None:
    groups, resources = marker.argument("groups"), marker.argument("resources")
    if groups is None or resources is None:
        return None
    verbs = marker.argument("verbs")
    namespace = marker.argument("namespace")
    return _Grant(
        marker,
        groups.items,
        resources.items,
        verbs.items if verbs is not None else [],
        namespace.value if namespace is not None else "",
    )


def _matched(grant: _Grant, params: Params) -> tuple[list[str], bool]:
    """The resources the grant names explicitly, and whether a `*` reaches them."""
    group_hit = any(g in params.api_groups for g in grant.groups)
    explicit = [r for r in grant.resources if r in params.resources] if group_hit else []
    wildcard = ("*" in grant.groups and (explicit or "*" in grant.resources)) or (
        group_hit and "*" in grant.resources
    )
    if "*" in grant.groups:
        explicit = [r for r in grant.resources if r in params.resources]
    return explicit, bool(wildcard)


def _fix(
    source: GoSource,
    grants: Sequence[_Grant],
    grant: _Grant,
    matched: list[str],
    params: Params,
    pods_done: set[str],
) -> Fix | None:
    if "*" in grant.verbs:
        return None
    replace_with = params.replace_with
    assert replace_with is not None
    edits: list[Edit] = []
    remaining = [r for r in grant.resources if r not in matched]
    removed = not remaining
    resources = grant.argument("resources")
    assert resources is not None
    if not removed:
        separator = "," if resources.raw.startswith("{") else ";"
        text = separator.join(remaining)
        text = "{" + text + "}" if resources.raw.startswith("{") else text
        edits.append(Edit(resources.span.start, resources.span.end, text))
    wanted = _wanted_verbs(grants, grant.namespace, params)
    pods: Edit | str | None = None
    if grant.namespace not in pods_done and wanted:
        pods_done.add(grant.namespace)
        pods = _ensure_pods(source, grants, grant, wanted, replace_with)
    line = _line_span(source, grant.marker)
    if removed:
        edits.append(Edit(line[0], line[1], pods if isinstance(pods, str) else ""))
    elif isinstance(pods, str):
        edits.append(Edit(line[1], line[1], pods))
    if isinstance(pods, Edit):
        edits.append(pods)
    title = f"Drop {', '.join(matched)} from the marker"
    if pods is not None:
        title += f" and grant {';'.join(wanted)} on {replace_with}"
    return Fix(tuple(sorted(edits, key=lambda e: e.start)), FixSafety.UNSAFE, title)


def _wanted_verbs(grants: Sequence[_Grant], namespace: str, params: Params) -> list[str]:
    """The mapped verbs of every grant on the first resource (jobs) in this namespace that
    names no resourceNames: subresource grants are never mapped."""
    resource = params.resources[0]
    wanted: set[str] = set()
    for grant in grants:
        if grant.namespace != namespace or grant.argument("resourceNames") is not None:
            continue
        if resource in grant.resources and any(g in params.api_groups for g in grant.groups):
            for verb in grant.verbs:
                wanted.update(params.verbs_for_pods.get(verb, ()))
    return [v for v in _VERB_ORDER if v in wanted] + sorted(wanted - set(_VERB_ORDER))


def _ensure_pods(
    source: GoSource,
    grants: Sequence[_Grant],
    grant: _Grant,
    wanted: list[str],
    resource: str,
) -> Edit | str | None:
    """Verbs added to the core-group marker of `resource` in the grant's namespace, or the
    line of a new marker (put in the dropped marker's place, or below it)."""
    for pods in grants:
        if (
            pods.namespace != grant.namespace
            or pods.argument("resourceNames") is not None
            or resource not in pods.resources
            or not any(g in _CORE for g in pods.groups)
        ):
            continue
        missing = [v for v in wanted if v not in pods.verbs]
        verbs = pods.argument("verbs")
        if not missing:
            return None
        if verbs is None or verbs.raw.startswith("{") or not pods.marker.well_formed:
            return None
        return Edit(verbs.span.end, verbs.span.end, "".join(f";{v}" for v in missing))
    text = source.code(grant.marker.comment)
    prefix = text[: text.index("+kubebuilder:rbac")]
    namespace = f",namespace={grant.namespace}" if grant.namespace else ""
    nl = newline_of(source.text)
    indent = source.text[_line_span(source, grant.marker)[0] : grant.marker.span.start]
    verbs_text = ";".join(wanted)
    return f'{indent}{prefix}+kubebuilder:rbac:groups="",resources={resource}{namespace},verbs={verbs_text}{nl}'


def _line_span(source: GoSource, marker: Marker) -> tuple[int, int]:
    start = line_start(source.text, marker.span.start)
    newline = source.text.find("\n", marker.span.end)
    return start, newline + 1 if newline >= 0 else len(source.text)
