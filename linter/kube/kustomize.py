"""What job2pod knows of Kustomize: whether an object is a patch rather than a whole
object, and a Kustomization's patch entries as plain data.

Every function reads one parsed object and nothing else. Tying a patch file that a
kustomization names to its base, or a target to the objects it selects, needs the whole
tree: the migration plan does it with these functions.

Kustomize reference, kustomization fields `patches`, `patchesStrategicMerge` and
`patchesJson6902`: an entry is a file path or an inline patch, and `patches` /
`patchesJson6902` entries select their resources with a `target` (group, version, kind,
name, namespace, labelSelector, annotationSelector).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from linter.kube import extract
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.sources.yaml import K8sObject, YamlDocument, YamlSource, parse

KUSTOMIZATION_KINDS = frozenset({"Kustomization", "Component"})
PATCH_FIELDS = ("patches", "patchesStrategicMerge", "patchesJson6902")
JSON_PATCH_KIND = "JSONPatch"
# Kinds whose spec holds a Job spec (directly, or under jobTemplate).
_JOB_KINDS = frozenset({"Job", "CronJob"})
_BATCH_GROUP = "batch"
# Keys that only a strategic-merge patch holds: its directives.
_DIRECTIVE_PREFIXES = ("$patch", "$retainKeys", "$setElementOrder/", "$deleteFromPrimitiveList/")
_TARGET_FIELDS = {
    "group": "group",
    "version": "version",
    "kind": "kind",
    "name": "name",
    "namespace": "namespace",
    "labelSelector": "label_selector",
    "annotationSelector": "annotation_selector",
}


@dataclass(frozen=True)
class PatchTarget:
    """The selector of a `patches` or `patchesJson6902` entry; None where it says nothing
    (or is templated). `name` and `namespace` are anchored regular expressions to Kustomize."""

    group: str | None = None
    version: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    label_selector: str | None = None
    annotation_selector: str | None = None

    def selects_kind(self, kind: str, group: str | None = None) -> bool:
        """Whether the target names `kind` (and no other group than `group`)."""
        if self.kind != kind:
            return False
        return group is None or self.group is None or self.group == group


@dataclass(frozen=True)
class PatchEntry:
    """One entry of a kustomization's patch lists.

    `path` is a file named relative to the kustomization; `patch` the inline patch: a
    string (kustomize) or, in a Flux Kustomization's legacy fields, the patch written as
    YAML. `node` is the entry as written, for positions.
    """

    field: str
    node: Node
    path: str | None
    patch: Node | None
    target: PatchTarget | None

    @property
    def inline_text(self) -> str | None:
        """The inline patch when it is a string (a block scalar or a quoted one)."""
        if isinstance(self.patch, ScalarNode) and self.patch.value.strip():
            return str(self.patch.value)
        return None


def patch_entries(obj: K8sObject, fields: Sequence[str] = PATCH_FIELDS) -> list[PatchEntry]:
    """Every patch entry of a Kustomization or Component (the caller tells one by its
    kind): kustomize's at the top level, Flux's under `spec`, in source order."""
    found = []
    for holder in (obj.node, nodes.get(obj.node, "spec")):
        for name in fields:
            for item in nodes.items(nodes.get(holder, name)):
                entry = _entry(name, item)
                if entry is not None:
                    found.append(entry)
    return found


def _entry(field: str, item: Node) -> PatchEntry | None:
    if isinstance(item, ScalarNode):
        text = nodes.scalar(item)
        if text is None:
            return None
        # patchesStrategicMerge: a bare string is a file, or a patch when it holds YAML.
        if _is_inline_patch(text):
            return PatchEntry(field, item, None, item, None)
        return PatchEntry(field, item, text, None, None)
    if not isinstance(item, MappingNode):
        return None
    if field == "patchesStrategicMerge":
        # Flux's legacy list holds the patches themselves.
        return PatchEntry(field, item, None, item, None)
    path = nodes.scalar(nodes.get(item, "path"))
    return PatchEntry(field, item, path, nodes.get(item, "patch"), _target(item))


def _is_inline_patch(text: str) -> bool:
    return "\n" in text.strip() or ": " in text or text.lstrip().startswith(("{", "["))


def _target(item: MappingNode) -> PatchTarget | None:
    node = nodes.get(item, "target")
    if not isinstance(node, MappingNode):
        return None
    values = {field: nodes.scalar(nodes.get(node, key)) for key, field in _TARGET_FIELDS.items()}
    return PatchTarget(**values)


def patch_objects(obj: K8sObject, entry: PatchEntry) -> list[K8sObject]:
    """The objects of an inline patch of the kustomization `obj`: a list of ops is a JSON
    6902 patch (kind `JSONPatch`); a strategic-merge patch that leaves its kind out takes
    the target's. A patch string is composed on its own, so its objects' spans are offsets
    into `entry.inline_text`; a patch written as YAML (Flux's legacy fields) stays in
    `obj`'s file."""
    target_kind = entry.target.kind if entry.target is not None else None
    text = entry.inline_text
    if text is not None:
        source = parse(text)
        found = [_patch_object(source, doc, doc.root, target_kind) for doc in source.documents]
    elif isinstance(entry.patch, (MappingNode, SequenceNode)):
        found = [_patch_object(obj.source, obj.document, entry.patch, target_kind)]
    else:
        return []
    return [o for o in found if o is not None]


def _patch_object(
    source: YamlSource, doc: YamlDocument, root: Node | None, target_kind: str | None
) -> K8sObject | None:
    if isinstance(root, SequenceNode):
        ops = root.value
        if ops and all(_is_op(op) for op in ops):
            return K8sObject(source, doc, root, JSON_PATCH_KIND, None)
        return None
    if not isinstance(root, MappingNode):
        return None
    kind = nodes.scalar(nodes.get(root, "kind")) or target_kind
    return K8sObject(source, doc, root, kind, nodes.scalar(nodes.get(root, "apiVersion")))


def _is_op(node: Node) -> bool:
    return nodes.get(node, "op") is not None and nodes.get(node, "path") is not None


def is_patch(obj: K8sObject) -> bool:
    """Whether `obj` is a patch rather than a whole object: a JSON 6902 patch, a mapping
    holding strategic-merge directives (`$patch`, `$setElementOrder/…`), or a Job or
    CronJob lacking what the Job API requires of a whole Job (see `is_partial_job`)."""
    if obj.kind == JSON_PATCH_KIND:
        return True
    if _has_directive(obj):
        return True
    return is_partial_job(obj)


def _has_directive(obj: K8sObject) -> bool:
    # Most objects hold no `$` at all: their text decides before any walk.
    if "$" not in obj.source_text(obj.node):
        return False
    return any(key.value.startswith(_DIRECTIVE_PREFIXES) for _, key, _, _ in nodes.walk(obj.node))


def is_partial_job(obj: K8sObject) -> bool:
    """A batch Job or CronJob that only a strategic-merge patch can be.

    The Job API requires a pod template whose spec has containers and a restartPolicy of
    Never or OnFailure (Job API reference, JobSpec.template: "The only allowed
    template.spec.restartPolicy values are Never or OnFailure"). A Job without a spec, a
    template, a pod spec or containers, or whose template has neither a restartPolicy nor
    a container with an image, is a partial Job: the rest comes from the base it patches.
    Templated parts are unknown, never taken for missing: a template that renders keys
    into the spec, the pod template or the pod spec may render what the API requires.
    """
    if obj.kind not in _JOB_KINDS:
        return False
    group = extract.api_group(obj.api_version)
    if group not in (None, _BATCH_GROUP):
        return False
    parts = extract.job_parts(obj)
    if parts is None or extract.spec_rendered(obj, parts):
        return False
    # Each level the API requires: missing makes a patch, templated is unknown.
    for node in (parts.spec, parts.template, parts.pod_spec):
        if node is None:
            return True
        if not isinstance(node, MappingNode):
            return False
    containers = nodes.get(parts.pod_spec, "containers")
    if containers is None:
        return True
    if not isinstance(containers, SequenceNode):
        return False
    if nodes.entry(parts.pod_spec, "restartPolicy") is not None:
        return False
    return not any(nodes.entry(c, "image") is not None for c in nodes.items(containers))
