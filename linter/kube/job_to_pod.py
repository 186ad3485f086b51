"""The Job → Pod rewrite of a thin-wrapper Job (DESIGN.md's migration table), as text edits.

`kind`/`apiVersion` change in place; the pod template's spec is lifted to `spec`
(re-indented, comments kept); the Pod's metadata is what the Job controller would have
given the Pod it created: the template's labels, annotations and finalizers, the template's
value winning a conflict (the Job's own labels and annotations stay where they do not
conflict); `activeDeadlineSeconds` moves into the Pod spec (the smaller one when both set
it); backoffLimit, TTL, completions, parallelism, selectors and Job-generated labels go.
Anything this cannot do exactly (flow style, templates whose indentation would shift)
gives no fix and a reason instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.edits import yaml as yaml_edits
from linter.findings import Edit, Fix
from linter.kube import extract
from linter.levels import FixSafety
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode
from linter.sources.yaml import K8sObject

MERGED_METADATA = ("labels", "annotations")
# The Job controller copies the template's finalizers onto its Pods (a list, no conflicts).
MERGED_LISTS = ("finalizers",)
MOVED_TO_POD_SPEC = ("activeDeadlineSeconds",)
# JobSpec.activeDeadlineSeconds counts from the Job's startTime; PodSpec's from the Pod's
# start on the node (PodSpec.activeDeadlineSeconds: "relative to StartTime").
DEADLINE_NOTE = (
    "a Job's deadline counts from the Job's start (Pending time included), a Pod's from "
    "the Pod's start on the node"
)
# A bare Pod is deleted by no TTL controller: only PodGC, past kube-controller-manager's
# --terminated-pod-gc-threshold (12500 terminated Pods by default).
UNOWNED_CLEANUP_NOTE = (
    "ttlSecondsAfterFinished dropped: a finished Pod with no owner is never cleaned up "
    "except by the PodGC threshold (--terminated-pod-gc-threshold); have the Task own the Pod"
)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class NotConvertible(Exception):
    """Why the rewrite is not offered; shown in the finding and the migration report."""


@dataclass
class Conversion:
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    owned: bool = False

    def fix(self) -> Fix:
        title = "Rewrite the Job as a Pod"
        if self.owned:
            title += " owned by the Task"
        if self.notes:
            title += " (" + "; ".join(self.notes) + ")"
        return Fix(tuple(self.edits), FixSafety.UNSAFE, title)


def convert(obj: K8sObject) -> Conversion:
    """The edits that turn `obj` (a thin-wrapper Job) into a Pod, or NotConvertible."""
    parts = extract.job_parts(obj)
    root = obj.node
    if parts is None or not isinstance(root, MappingNode) or yaml_edits.is_flow(root):
        raise NotConvertible("the Job is not a block-style mapping")
    spec_pair = nodes.entry(root, "spec")
    if spec_pair is None or nodes.entry(root, "status") is not None:
        raise NotConvertible("the Job has a status or no spec")
    spec = spec_pair[1]
    for node in (spec, parts.template, parts.pod_spec):
        if not isinstance(node, MappingNode) or yaml_edits.is_flow(node) or not node.value:
            raise NotConvertible("the Job spec, its template or pod spec is not block style")
    owners = extract.owner_references(obj)
    conversion = Conversion(owned=bool(owners))
    for key, value in (("apiVersion", "v1"), ("kind", "Pod")):
        node = nodes.get(root, key)
        if node is None or nodes.scalar(node) is None:
            raise NotConvertible(f"{key} is missing or templated")
        conversion.edits.append(yaml_edits.replace_scalar(obj, node, value))
    _merge_metadata(obj, root, parts.template_metadata, conversion)
    assert isinstance(spec, MappingNode)
    conversion.edits.append(_lift_pod_spec(obj, spec, parts.pod_spec, conversion))
    if nodes.entry(spec, "ttlSecondsAfterFinished") is not None:
        conversion.notes.append(_cleanup_note(owners))
    return conversion


def _cleanup_note(owners: list[Node]) -> str:
    if not owners:
        return UNOWNED_CLEANUP_NOTE
    kind = nodes.scalar(nodes.get(owners[0], "kind")) or "owner"
    return f"ttlSecondsAfterFinished dropped: the {kind}'s ownerReference garbage-collects the Pod"


def _merge_metadata(
    obj: K8sObject, root: MappingNode, template_meta: Node | None, conversion: Conversion
) -> None:
    meta_pair = nodes.entry(root, "metadata")
    meta = meta_pair[1] if meta_pair else None
    if not isinstance(meta, MappingNode):
        raise NotConvertible("the Job has no metadata mapping")
    if nodes.entry(meta, "finalizers") is not None:
        # They belong to whatever watches the Job: on a Pod nobody would ever remove them.
        raise NotConvertible("the Job has finalizers of its own")
    for name in MERGED_METADATA:
        own = nodes.get(meta, name)
        wanted: list[tuple[Node, Node]] = []
        for key, value in nodes.entries(nodes.get(template_meta, name)):
            if name == "labels" and extract.is_job_generated_label(key.value):
                continue
            mine = nodes.entry(own, key.value)
            if mine is None:
                wanted.append((key, value))
            elif obj.source_text(mine[1]) != obj.source_text(value):
                conversion.edits.append(_take_value(obj, mine[1], value))
                conversion.notes.append(
                    f"{name} {key.value}: the pod template's value replaces the Job's, as on "
                    "the Job's Pods"
                )
        if name == "labels" and own is not None:
            for key, _ in list(nodes.entries(own)):
                if extract.is_job_generated_label(key.value):
                    edit = yaml_edits.remove_entry(obj, own, key)
                    if edit is None:
                        raise NotConvertible("a Job-generated label could not be removed")
                    conversion.edits.append(edit)
        if wanted:
            conversion.edits.append(_add_entries(obj, meta, own, name, wanted))
    for name in MERGED_LISTS:
        items = nodes.get(template_meta, name)
        if nodes.items(items):
            conversion.edits.append(_add_list(obj, meta, name, nodes.items(items)))


def _take_value(obj: K8sObject, mine: Node, theirs: Node) -> Edit:
    if not isinstance(mine, ScalarNode) or not isinstance(theirs, ScalarNode):
        raise NotConvertible("a label or annotation of the Job and its template is not a string")
    span = obj.span(mine)
    return Edit(span.start, span.end, obj.source_text(theirs))


def _add_list(obj: K8sObject, meta: MappingNode, name: str, items: list[Node]) -> Edit:
    texts = [obj.source_text(item) for item in items]
    if yaml_edits.is_flow(meta):
        edit = yaml_edits.insert_entries(obj, meta, [f"{name}: [{', '.join(texts)}]"])
    else:
        indent = yaml_edits.child_indent(obj, meta) or 2
        edit = yaml_edits.insert_entries(
            obj, meta, [f"{name}:", *(" " * indent + f"- {t}" for t in texts)]
        )
    if edit is None:
        raise NotConvertible(f"metadata cannot take the pod template's {name}")
    return edit


def _add_entries(
    obj: K8sObject, meta: MappingNode, own: Node | None, name: str, pairs: list[tuple[Node, Node]]
) -> Edit:
    texts = [f"{obj.source_text(k)}: {obj.source_text(v)}" for k, v in pairs]
    if own is not None and isinstance(own, MappingNode):
        edit = yaml_edits.insert_entries(obj, own, texts)
    elif own is None:
        if yaml_edits.is_flow(meta):
            edit = yaml_edits.insert_entries(obj, meta, [f"{name}: {{{', '.join(texts)}}}"])
        else:
            indent = yaml_edits.child_indent(obj, meta) or 2
            nested = [f"{name}:", *(" " * indent + t for t in texts)]
            edit = yaml_edits.insert_entries(obj, meta, nested)
    else:
        edit = None
    if edit is None:
        raise NotConvertible(f"metadata.{name} cannot take the pod template's {name}")
    return edit


def _lift_pod_spec(
    obj: K8sObject, spec: MappingNode, pod_spec: Node | None, conversion: Conversion
) -> Edit:
    """Replace the Job spec's body with the pod spec's lines, dedented to the Job spec's
    indentation, with activeDeadlineSeconds moved in front (or, when the pod spec sets its
    own, the smaller of the two kept in its place)."""
    assert isinstance(pod_spec, MappingNode)
    text = obj.source.text
    masked = obj.source.masked.text
    job_indent = yaml_edits.child_indent(obj, spec)
    pod_indent = yaml_edits.child_indent(obj, pod_spec)
    if job_indent is None or pod_indent is None or pod_indent <= job_indent:
        raise NotConvertible("the pod spec is not indented below the Job spec")
    shift = pod_indent - job_indent
    pod_span = obj.span(pod_spec)
    start = yaml_edits.line_start(masked, pod_span.start)
    end = yaml_edits.content_end(masked, pod_span.start, pod_span.end)
    for region_start, region_end in obj.source.masked.regions:
        if start <= region_start < end and "indent" in text[region_start:region_end]:
            raise NotConvertible("a template in the pod spec sets an indentation that would shift")
    nl = yaml_edits.newline_of(text)
    moved, inner = _moved_fields(obj, spec, pod_spec, job_indent, nl, conversion)
    segment = text[start:end]
    for edit in sorted(inner, key=lambda e: e.start, reverse=True):
        segment = segment[: edit.start - start] + edit.text + segment[edit.end - start :]
    lines = _LINES.findall(segment)
    body = []
    for line in lines:
        content = line.rstrip("\r\n")
        leading = len(content) - len(content.lstrip(" "))
        if not content.strip():
            body.append(line[len(content) :] if leading < shift else line[shift:])
        elif leading >= shift:
            body.append(line[shift:])
        elif content.lstrip().startswith("#"):
            body.append(line[leading:])
        else:
            raise NotConvertible("a line of the pod spec is indented less than the spec itself")
    spec_span = obj.span(spec)
    region_start = yaml_edits.line_start(masked, spec_span.start)
    region_end = yaml_edits.content_end(masked, spec_span.start, spec_span.end)
    return Edit(region_start, region_end, "".join(moved) + "".join(body))


def _moved_fields(
    obj: K8sObject,
    spec: MappingNode,
    pod_spec: MappingNode,
    indent: int,
    nl: str,
    conversion: Conversion,
) -> tuple[list[str], list[Edit]]:
    """The lines of the Job spec fields that move into the pod spec, and the edits inside
    the pod spec where it sets the field too and the Job's value is the smaller."""
    moved: list[str] = []
    inner: list[Edit] = []
    for name in MOVED_TO_POD_SPEC:
        pair = nodes.entry(spec, name)
        if pair is None:
            continue
        own = nodes.entry(pod_spec, name)
        if own is None:
            moved.append(" " * indent + f"{name}: {obj.source_text(pair[1])}{nl}")
            conversion.notes.append(f"{name} moved into the Pod spec: {DEADLINE_NOTE}")
            continue
        job_value, pod_value = nodes.as_int(pair[1]), nodes.as_int(own[1])
        if job_value is None or pod_value is None:
            raise NotConvertible(f"the Job and its pod spec both set {name}, not both literally")
        if job_value < pod_value:
            span = obj.span(own[1])
            inner.append(Edit(span.start, span.end, obj.source_text(pair[1])))
        kept = "the Job's" if job_value < pod_value else "the pod spec's"
        conversion.notes.append(
            f"{name}: the smaller ({min(job_value, pod_value)}, {kept}) kept; {DEADLINE_NOTE}"
        )
    return moved, inner
