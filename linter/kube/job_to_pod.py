"""The Job → Pod rewrite of a thin-wrapper Job (DESIGN.md's migration table), as text edits.

`kind`/`apiVersion` change in place; the pod template's spec is lifted to `spec`
(re-indented, comments kept); template labels and annotations merge into the object's
metadata (the object's own value wins a conflict); `activeDeadlineSeconds` moves into the
Pod spec; backoffLimit, TTL, completions, parallelism, selectors and Job-generated labels
go. Anything this cannot do exactly (flow style, templates whose indentation would shift)
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
from linter.sources.nodes import MappingNode, Node
from linter.sources.yaml import K8sObject

MERGED_METADATA = ("labels", "annotations")
MOVED_TO_POD_SPEC = ("activeDeadlineSeconds",)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class NotConvertible(Exception):
    """Why the rewrite is not offered; shown in the finding and the migration report."""


@dataclass
class Conversion:
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fix(self) -> Fix:
        title = "Rewrite the Job as a Pod owned by the Task"
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
    conversion = Conversion()
    for key, value in (("apiVersion", "v1"), ("kind", "Pod")):
        node = nodes.get(root, key)
        if node is None or nodes.scalar(node) is None:
            raise NotConvertible(f"{key} is missing or templated")
        conversion.edits.append(yaml_edits.replace_scalar(obj, node, value))
    _merge_metadata(obj, root, parts.template_metadata, conversion)
    assert isinstance(spec, MappingNode)
    conversion.edits.append(_lift_pod_spec(obj, spec, parts.pod_spec, conversion))
    if nodes.entry(spec, "ttlSecondsAfterFinished") is not None:
        conversion.notes.append(
            "ttlSecondsAfterFinished dropped: the Task's ownerReference garbage-collects the Pod"
        )
    return conversion


def _merge_metadata(
    obj: K8sObject, root: MappingNode, template_meta: Node | None, conversion: Conversion
) -> None:
    meta_pair = nodes.entry(root, "metadata")
    meta = meta_pair[1] if meta_pair else None
    if not isinstance(meta, MappingNode):
        raise NotConvertible("the Job has no metadata mapping")
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
                conversion.notes.append(
                    f"{name} {key.value}: the Job's value kept over the pod template's"
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
    indentation, with activeDeadlineSeconds moved in front."""
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
    lines = _LINES.findall(text[start:end])
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
    nl = yaml_edits.newline_of(text)
    moved = []
    for name in MOVED_TO_POD_SPEC:
        pair = nodes.entry(spec, name)
        if pair is None:
            continue
        if nodes.entry(pod_spec, name) is not None:
            conversion.notes.append(f"the Job's {name} dropped: the pod spec sets its own")
            continue
        moved.append(" " * job_indent + f"{name}: {obj.source_text(pair[1])}{nl}")
    spec_span = obj.span(spec)
    region_start = yaml_edits.line_start(masked, spec_span.start)
    region_end = yaml_edits.content_end(masked, spec_span.start, spec_span.end)
    return Edit(region_start, region_end, "".join(moved) + "".join(body))
