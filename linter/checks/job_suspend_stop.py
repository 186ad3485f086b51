"""Jobs stopped by suspending them: `spec.suspend: true` or `spec.parallelism: 0` patched
onto a Job that runs.

A stop is a patch: a strategic-merge patch file that is a partial Job, or a patch a
Kustomization holds inline (a string, or Flux's YAML) whose target or own kind says Job.
A whole Job manifest that sets `suspend: true` is created suspended (start gating, Job
concepts: Suspending a Job), and a Job a queue controller manages (Kueue) is suspended and
resumed by it for admission: neither is a stop. A JSON 6902 patch file names no target
(Flux resources, CronJobs and Argo Workflows have `/spec/suspend` too): only the
kustomization that names it ties it to a Job. An inline patch is composed on its own; its
finding is placed on the same text inside the outer file, so the position is where the
user reads it inside the block scalar.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Span, Violation
from linter.kube import extract, kustomize
from linter.kube.job_features import QUEUE_PREFIXES
from linter.kube.kustomize import JSON_PATCH_KIND, PatchEntry
from linter.settings import param
from linter.sources import nodes
from linter.sources.nodes import Node, ScalarNode
from linter.sources.yaml import K8sObject

TARGET = "object"
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
        factory=lambda: sorted(kustomize.KUSTOMIZATION_KINDS),
        description="Kinds whose inline patches are read (kustomize and Flux alike).",
    )
    patch_lists: list[str] = param(
        factory=lambda: list(kustomize.PATCH_FIELDS),
        description="Kustomization fields that hold patches, as entries with `patch:` and "
        "`target:` or as bare strings.",
    )
    queue_prefixes: list[str] = param(
        factory=lambda: list(QUEUE_PREFIXES),
        description="Label and annotation prefixes of a queue controller that suspends and "
        "resumes the Jobs it admits (Kueue): their suspend is admission, not a stop.",
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
    if obj.kind != JOB_KIND or not kustomize.is_patch(obj) or _queued(obj, params):
        return
    for stop in _stops(obj, params):
        yield _violation(stop.span, stop, "")


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


def _queued(obj: K8sObject, params: Params) -> bool:
    """A Job managed by a queue controller: its labels or annotations carry the prefix."""
    meta = extract.metadata(obj)
    return any(
        key.value.startswith(tuple(params.queue_prefixes))
        for name in ("labels", "annotations")
        for key, _ in nodes.entries(nodes.get(meta, name))
    )


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
    for entry in kustomize.patch_entries(obj, params.patch_lists):
        if not _may_target_job(entry, params):
            continue
        for patch in kustomize.patch_objects(obj, entry):
            if not _tied_to_job(patch, entry) or _queued(patch, params):
                continue
            for stop in _stops(patch, params):
                span = stop.span
                if patch.source is not obj.source and isinstance(entry.patch, ScalarNode):
                    span = _locate(obj, entry.patch, patch.source.text, stop)
                yield _violation(span, stop, via)


def _may_target_job(entry: PatchEntry, params: Params) -> bool:
    """Entries whose target selects another kind or group, or Jobs of a queue, are not
    stops of a Task's Job."""
    target = entry.target
    if target is None:
        return True
    if target.kind not in (None, JOB_KIND) or target.group not in (None, _JOB_GROUP):
        return False
    selector = target.label_selector or ""
    return not any(prefix in selector for prefix in params.queue_prefixes)


def _tied_to_job(patch: K8sObject, entry: PatchEntry) -> bool:
    """Whether this file says the patch is a Job's: a strategic-merge patch of kind Job
    (its own, or its target's), or a JSON 6902 patch whose target names kind Job."""
    if patch.kind == JOB_KIND:
        return True
    target = entry.target
    return patch.kind == JSON_PATCH_KIND and target is not None and target.selects_kind(JOB_KIND)


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
