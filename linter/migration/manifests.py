"""The YAML side of the inventory: what one manifest file contributes to the plan.

Jobs (the Pods they become, or why they stay), the Kustomize patches that target a Job, the
selectors and owner references that name one, the RBAC rules that grant Jobs, and the renamed
fields of CRDs and custom resources. Jobs are tied to what names them by their name: two Jobs
of one name (a base and an overlay's copy) are one unit, which is the careful reading.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from linter.findings import Finding
from linter.kube import extract, job_to_pod, rbac, renames
from linter.kube.job_features import migration_blockers
from linter.migration.units import Member, Place
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode
from linter.sources.text import LineIndex
from linter.sources.yaml import K8sObject, YamlSource

# controller-gen writes the manager's Role here from `+kubebuilder:rbac` markers.
GENERATED_ROLE = "config/rbac/role.yaml"
_GENERATED_HEADER = re.compile(r"\A(?:#[^\n]*\n)*#[^\n]*\bCode generated\b[^\n]*DO NOT EDIT", re.I)
_KUSTOMIZATION_KINDS = ("Kustomization", "Component")
_PATCH_LISTS = ("patches", "patchesStrategicMerge", "patchesJson6902")
_JOB_LABELS = ("job-name", "batch.kubernetes.io/job-name")
RENAME_RULES = frozenset({"JP301", "JP302", "JP303"})


def job_key(name: str | None) -> str:
    return f"yaml-job:{name or '?'}"


@dataclass
class Grant:
    """A Role rule that grants batch Jobs (a JP101 finding) and the Role that holds it."""

    place: Place
    role: str
    fixable: bool
    aggregated: bool
    # Generated from a source that must change instead (controller-gen's rbac markers).
    generated: str | None = None
    # The Role's rules are rendered by a template (`toYaml .Values.rbac.rules`): what they
    # grant is unknown, and nothing can be edited.
    templated: bool = False
    # All the Role's rules, as plain data: whether they already grant what converted code
    # needs on pods.
    rules: tuple[rbac.PolicyRule, ...] = ()


@dataclass
class Occurrence:
    """One place that names a renamed field (`jobName`): all of them rename, or none."""

    name: str
    place: Place
    rule: str
    fixable: bool
    # Code that writes the field (the controller), not only reads it.
    writes: bool = False
    # The unit keys of the code around it: it renames only with them.
    links: tuple[str, ...] = ()
    # Generated from a source that must change instead (controller-gen's Go types).
    generated: str | None = None
    # The source such generated files come from (a Go API type's field): with it in the
    # tree, the generated occurrences rename with it.
    defines: bool = False


@dataclass
class PatchReference:
    """A Kustomization's patch entry: a file beside it, or a patch written inline."""

    kustomization: Place
    path: str | None
    target_kind: str | None
    target_name: str | None


@dataclass
class ManifestFacts:
    path: str
    members: list[Member] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    patch_references: list[PatchReference] = field(default_factory=list)
    # Jobs that stay Jobs (by name), for the RBAC rule of a tree with no controller code.
    kept_jobs: list[str] = field(default_factory=list)
    # Objects of the file that are patches of a Job (partial Jobs): name and place.
    partial_jobs: list[tuple[str | None, Place]] = field(default_factory=list)
    # The Job each JP207 selector and JP304 owner reference names: (start, end, name).
    naming: list[tuple[int, int, str]] = field(default_factory=list)
    generated: str | None = None


def index(path: str, source: YamlSource, findings: Sequence[Finding]) -> ManifestFacts:
    facts = ManifestFacts(path, generated=_generated_file(path, source.text))
    lines = LineIndex(source.text)
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)

    def place(start: int, end: int) -> Place:
        return Place(path, start, end, lines.position(start).line)

    for obj in source.objects():
        span = obj.span(obj.node)
        where = place(span.start, span.end)
        inside = [f for f in findings if span.start <= f.span.start and f.span.end <= span.end]
        if obj.kind in _KUSTOMIZATION_KINDS:
            facts.patch_references.extend(_patch_references(obj, place))
        _job(obj, where, inside, facts)
        _templated_rules(obj, where, facts)
        _selectors(obj, inside, place, facts)
        _owner_references(obj, inside, place, facts)
        for finding in inside:
            if finding.rule_id == "JP101":
                aggregated = nodes.get(obj.node, "aggregationRule") is not None
                facts.grants.append(
                    Grant(
                        place(finding.span.start, finding.span.end),
                        str(finding.obj or obj.kind),
                        finding.fix is not None,
                        aggregated,
                        facts.generated,
                        rules=tuple(replace(r, node=None) for r in rbac.policy_rules(obj)),
                    )
                )
            elif finding.rule_id in RENAME_RULES:
                generated = facts.generated or _generated_object(obj)
                facts.occurrences.append(
                    Occurrence(
                        _renamed_name(source.text[finding.span.start : finding.span.end]),
                        place(finding.span.start, finding.span.end),
                        finding.rule_id,
                        finding.fix is not None,
                        generated=generated,
                    )
                )
    return facts


def _job(obj: K8sObject, where: Place, inside: list[Finding], facts: ManifestFacts) -> None:
    parts = extract.job_parts(obj)
    if parts is None or parts.in_cronjob:
        return
    name = obj.identity.name
    if _is_partial(parts):
        facts.partial_jobs.append((name, where))
        return
    rendered = extract.spec_rendered(obj, parts)
    blockers = migration_blockers(parts, rendered=rendered)
    if blockers:
        facts.kept_jobs.append(name or "?")
        return
    blocker = None
    try:
        job_to_pod.convert(obj)
    except job_to_pod.NotConvertible as exc:
        blocker = f"no automatic rewrite: {exc}"
    if blocker is None and not any(f.rule_id == "JP201" and f.fix for f in inside):
        blocker = "the Job → Pod rewrite is not selected or is suppressed"
    facts.members.append(
        Member(
            "job",
            where,
            f"Job {name or '(unnamed)'}",
            (job_key(name),),
            rules=frozenset({"JP201"}),
            blocker=blocker,
            producer=True,
        )
    )


def _templated_rules(obj: K8sObject, where: Place, facts: ManifestFacts) -> None:
    if obj.kind not in extract.ROLE_KINDS or nodes.get(obj.node, "aggregationRule") is not None:
        return
    pair = nodes.entry(obj.node, "rules")
    if (pair is not None and obj.renders_into(*pair)) or (
        pair is None and obj.renders_into(None, obj.node)
    ):
        facts.grants.append(Grant(where, str(obj.identity), False, False, templated=True))


def _is_partial(parts: extract.JobParts) -> bool:
    """A Job without a restartPolicy in its pod template is no Job the API server would
    take (Job API reference, PodTemplateSpec: restartPolicy must be Never or OnFailure):
    it is a patch of one (a Kustomize overlay's), or a fragment."""
    return nodes.entry(parts.pod_spec, "restartPolicy") is None and not any(
        nodes.get(c, "image") is not None
        for c in nodes.items(nodes.get(parts.pod_spec, "containers"))
    )


def _selectors(
    obj: K8sObject, inside: list[Finding], place: Callable[[int, int], Place], facts: ManifestFacts
) -> None:
    """A selector on `job-name: X` tied to Job X: it would select nothing once X is a Pod."""
    if not any(f.rule_id == "JP207" for f in inside):
        return
    for found in extract.selector_labels(obj.node):
        if found.label not in _JOB_LABELS or found.negative:
            continue
        value = _selected_value(obj, found)
        if value is None:
            continue
        span = obj.span(found.node)
        facts.naming.append((span.start, span.end, value))
        facts.members.append(
            _naming(
                "selector",
                place(span.start, span.end),
                f"{obj.identity} selects on `{found.label}: {value}`",
                value,
                f"{obj.identity} selects the Job's Pods by `{found.label}`, which no Pod has "
                "once the Job is gone: select on a label of the pod template instead",
            )
        )


def _naming(kind: str, where: Place, what: str, job: str | None, blocker: str) -> Member:
    """What names Job `job` from outside it: it keeps the Job a Job (the report says why)."""
    return Member(kind, where, what, (job_key(job),), blocker=blocker)


def _selected_value(obj: K8sObject, found: extract.SelectorLabel) -> str | None:
    node = found.node
    if isinstance(node, ScalarNode) and node.value == found.label:
        holder = _holder_of(obj.node, node)
        return nodes.scalar(nodes.get(holder, found.label) if holder is not None else None)
    text = nodes.scalar(node)
    if text is not None:
        for requirement in text.split(","):
            key, sep, selected = requirement.partition("=")
            if key.strip() == found.label and sep:
                return selected.lstrip("=").strip()
    return None


def _holder_of(root: Node, key: ScalarNode) -> MappingNode | None:
    for parent, child_key, _, _ in nodes.walk(root):
        if child_key is key and isinstance(parent, MappingNode):
            return parent
    return None


def _owner_references(
    obj: K8sObject, inside: list[Finding], place: Callable[[int, int], Place], facts: ManifestFacts
) -> None:
    """An object owned by Job X: garbage collection deletes it once X is gone."""
    if not any(f.rule_id == "JP304" for f in inside):
        return
    for reference in extract.owner_references(obj):
        if nodes.scalar(nodes.get(reference, "kind")) != "Job":
            continue
        owner = nodes.scalar(nodes.get(reference, "name"))
        span = obj.span(reference)
        if owner is not None:
            facts.naming.append((span.start, span.end, owner))
        facts.members.append(
            _naming(
                "owner-reference",
                place(span.start, span.end),
                f"{obj.identity} owned by Job {owner}",
                owner,
                f"{obj.identity} is owned by the Job: once no Job of that name exists, the "
                "garbage collector deletes it",
            )
        )


def _patch_references(
    obj: K8sObject, place: Callable[[int, int], Place]
) -> Iterator[PatchReference]:
    for holder in (obj.node, nodes.get(obj.node, "spec")):
        for list_name in _PATCH_LISTS:
            for entry in nodes.items(nodes.get(holder, list_name)):
                span = obj.span(entry)
                where = place(span.start, span.end)
                path = nodes.scalar(entry) if isinstance(entry, ScalarNode) else None
                kind = name = None
                if isinstance(entry, MappingNode):
                    path = nodes.scalar(nodes.get(entry, "path"))
                    kind = nodes.scalar(nodes.get(entry, "target", "kind"))
                    name = nodes.scalar(nodes.get(entry, "target", "name"))
                if path is not None and "\n" in path:
                    path = None  # an inline patch written as a plain string
                yield PatchReference(where, path, kind, name)


def resolve_patch_path(kustomization_path: str, reference: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(kustomization_path), reference))


def _generated_file(path: str, text: str) -> str | None:
    if "generated" in path.replace("\\", "/").split("/")[:-1]:
        return "its path is under a `generated` directory"
    if _GENERATED_HEADER.match(text.lstrip("\ufeff")):
        return 'its header says "Code generated … DO NOT EDIT"'
    project = _kubebuilder_project(os.path.dirname(os.path.abspath(path)))
    if project is not None:
        inside = os.path.relpath(os.path.abspath(path), os.path.dirname(project)).replace(
            os.sep, "/"
        )
        if inside.startswith("config/crd/bases/") or inside == GENERATED_ROLE:
            return f"generated by controller-gen in the kubebuilder project of {project}"
    return None


@functools.lru_cache(maxsize=256)
def _kubebuilder_project(directory: str) -> str | None:
    """The kubebuilder `PROJECT` file at or above `directory` (a generator config: its
    `config/crd/bases` and `config/rbac/role.yaml` are `make manifests` output)."""
    for _ in range(8):
        candidate = os.path.join(directory, "PROJECT")
        try:
            with open(candidate, encoding="utf-8") as handle:
                if "layout:" in handle.read(4096):
                    return candidate
        except (OSError, ValueError):
            pass
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return None


def _generated_object(obj: K8sObject) -> str | None:
    source = renames.generated_by(obj)
    return f"generated by {source}" if source is not None else None


def _renamed_name(text: str) -> str:
    """`jobName` of a key, a jsonPath `.status.jobName` or a quoted key."""
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
    return words[-1] if words else text
