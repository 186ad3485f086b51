"""Jobs stopped by suspending them: `spec.suspend: true` or `spec.parallelism: 0`.

Found on Job objects (strategic-merge patch files are partial Jobs), on JSON 6902 patch
files, and on the patches a Kustomization holds inline as strings. An inline patch is
composed on its own; its finding is placed on the same text inside the outer file, so the
position is where the user reads it inside the block scalar.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Span, Violation
from linter.kube import extract
from linter.settings import param
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.sources.yaml import K8sObject, YamlDocument, YamlSource, parse

TARGET = "object"
JSON_PATCH_KIND = "JSONPatch"
JOB_KIND = "Job"
# A Job kind of another API group (Volcano's, say) has no suspend semantics of batch/v1.
_JOB_GROUP = "batch"
_SETTING_OPS = frozenset({"add", "replace"})


@dataclass(frozen=True)
class Params:
    stop_values: dict[str, bool | int] = param(
        factory=lambda: {"suspend": True, "parallelism": 0},
        description="Job spec fields and the value that pauses the Job when it is set.",
    )
    kustomization_kinds: list[str] = param(
        factory=lambda: ["Kustomization", "Component"],
        description="Kinds whose inline patches are read (kustomize and Flux alike).",
    )
    patch_lists: list[str] = param(
        factory=lambda: ["patches", "patchesJson6902", "patchesStrategicMerge"],
        description="Kustomization fields that hold patches, as entries with `patch:` and "
        "`target:` or as bare strings.",
    )


@dataclass(frozen=True)
class _Stop:
    """A pausing value, with its span in the text it was composed from and the texts that
    find it again inside an outer file, most precise first."""

    field: str
    value: bool | int
    span: Span
    needles: tuple[str, ...]


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if obj.kind in params.kustomization_kinds:
        yield from _kustomization(obj, params)
        return
    via = "set by this JSON 6902 patch " if obj.kind == JSON_PATCH_KIND else ""
    for stop in _stops(obj, params):
        yield _violation(stop.span, stop, via)


def _stops(obj: K8sObject, params: Params) -> Iterator[_Stop]:
    if obj.kind == JSON_PATCH_KIND:
        yield from _patch_stops(obj, params)
        return
    # A CronJob's jobTemplate is not looked at: its own suspend pauses a schedule, which
    # is legitimate, and its Jobs stay Jobs.
    parts = extract.job_parts(obj)
    if parts is not None and not parts.in_cronjob and _is_batch(obj.api_version):
        yield from _spec_stops(obj, parts.spec, params)


def _is_batch(api_version: str | None) -> bool:
    # A strategic-merge patch may leave apiVersion out; a templated one is unknown too.
    return api_version is None or api_version.split("/")[0] == _JOB_GROUP


def _spec_stops(obj: K8sObject, spec: Node | None, params: Params) -> Iterator[_Stop]:
    for field, expected in params.stop_values.items():
        pair = nodes.entry(spec, field)
        if pair is None or not _holds(pair[1], expected):
            continue
        key, value = pair
        yield _Stop(field, expected, obj.pair_span(key, value), (_text(obj, key, value), key.value))


def _patch_stops(obj: K8sObject, params: Params) -> Iterator[_Stop]:
    """`add`/`replace` ops that set a pausing value: on its own path (`/spec/suspend`),
    or inside a mapping written to a parent path (`/spec` with `{suspend: true}`)."""
    for op in nodes.items(obj.node):
        if nodes.scalar(nodes.get(op, "op")) not in _SETTING_OPS:
            continue
        path = nodes.get(op, "path")
        pointer = nodes.scalar(path)
        value = nodes.get(op, "value")
        if path is None or pointer is None or value is None:
            continue
        segments = [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]
        for field, expected in params.stop_values.items():
            target = ["spec", field]
            if segments == target and _holds(value, expected):
                yield _Stop(field, expected, obj.span(path), (obj.source_text(path), pointer))
            elif len(segments) < len(target) and target[: len(segments)] == segments:
                parent = nodes.get(value, *target[len(segments) : -1])
                pair = nodes.entry(parent, field)
                if pair is not None and _holds(pair[1], expected):
                    key, found = pair
                    needles = (_text(obj, key, found), key.value)
                    yield _Stop(field, expected, obj.pair_span(key, found), needles)


def _holds(node: Node, expected: bool | int) -> bool:
    # bool first: True is an int to Python, and `parallelism: 1` is no `suspend: true`.
    if isinstance(expected, bool):
        return nodes.as_bool(node) is expected
    return nodes.as_int(node) == expected


def _text(obj: K8sObject, key: Node, value: Node) -> str:
    span = obj.pair_span(key, value)
    return obj.source.text[span.start : span.end]


def _kustomization(obj: K8sObject, params: Params) -> Iterator[Violation]:
    via = f"set by a patch in this {obj.kind} "
    for patch, target_kind in _inline_patches(obj, params):
        inner = parse(patch.value)
        for stop in _embedded_stops(inner, target_kind, params):
            yield _violation(_locate(obj, patch, inner.text, stop), stop, via)


def _inline_patches(obj: K8sObject, params: Params) -> Iterator[tuple[ScalarNode, str | None]]:
    """(patch string, target kind) of a kustomize Kustomization (top level) or a Flux one
    (under `spec`); entries that target another kind than Job are left out."""
    for holder in (obj.node, nodes.get(obj.node, "spec")):
        for name in params.patch_lists:
            for entry in nodes.items(nodes.get(holder, name)):
                patch: Node | None = entry
                target_kind = None
                if isinstance(entry, MappingNode):
                    patch = nodes.get(entry, "patch")
                    target_kind = nodes.scalar(nodes.get(entry, "target", "kind"))
                if target_kind not in (None, JOB_KIND):
                    continue
                # A bare string is a file name or a patch; a file name composes to a scalar.
                if isinstance(patch, ScalarNode) and patch.value.strip():
                    yield patch, target_kind


def _embedded_stops(inner: YamlSource, target_kind: str | None, params: Params) -> Iterator[_Stop]:
    for doc in inner.documents:
        obj = _embedded_object(inner, doc, target_kind)
        if obj is not None:
            yield from _stops(obj, params)


def _embedded_object(
    inner: YamlSource, doc: YamlDocument, target_kind: str | None
) -> K8sObject | None:
    """The patch document as an object: a strategic-merge patch may leave its kind to the
    entry's target; a list of ops is a JSON 6902 patch."""
    root = doc.root
    if isinstance(root, SequenceNode):
        ops = [op for op in root.value if isinstance(op, MappingNode)]
        if ops and len(ops) == len(root.value) and all(_is_op(op) for op in ops):
            return K8sObject(inner, doc, root, JSON_PATCH_KIND, None)
        return None
    if not isinstance(root, MappingNode):
        return None
    kind = nodes.scalar(nodes.get(root, "kind")) or target_kind
    api_version = nodes.scalar(nodes.get(root, "apiVersion"))
    return K8sObject(inner, doc, root, kind, api_version)


def _is_op(node: MappingNode) -> bool:
    return nodes.get(node, "op") is not None and nodes.get(node, "path") is not None


def _locate(obj: K8sObject, patch: ScalarNode, inner_text: str, stop: _Stop) -> Span:
    """The stop's text inside the patch string as the file writes it: the n-th occurrence
    of a needle there is the n-th in the composed string, as long as both hold it equally
    often (quoting or folding may change that; the next needle is then tried)."""
    outer = obj.span(patch)
    written = obj.source.text[outer.start : outer.end]
    for needle in stop.needles:
        if not needle or written.count(needle) != inner_text.count(needle):
            continue
        # str.count counts without overlaps, so the search steps over each match whole.
        at, after = -1, 0
        for _ in range(inner_text.count(needle, 0, stop.span.start) + 1):
            at = written.find(needle, after)
            after = at + len(needle)
        return Span(outer.start + at, outer.start + at + len(needle))
    return outer


def _violation(span: Span, stop: _Stop, via: str) -> Violation:
    value = str(stop.value).lower() if isinstance(stop.value, bool) else str(stop.value)
    return Violation(span, {"via": via, "field": stop.field, "value": value})
