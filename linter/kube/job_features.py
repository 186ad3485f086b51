"""What keeps a Job a Job: the fields a Pod cannot express.

A Job is a thin wrapper (JP201) when none of these blockers apply; otherwise it stays a Job
and each blocker is named (JP206). Anything templated or unknown blocks: a rewrite that
guesses is worse than a finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from linter.kube import extract, kustomize
from linter.kube.extract import JobParts
from linter.sources import nodes
from linter.sources.nodes import Node
from linter.sources.yaml import YamlSource

# Job spec fields a thin wrapper may carry: the migration drops or moves them.
MIGRATABLE_SPEC_FIELDS = frozenset(
    {
        "template",
        "backoffLimit",
        "completions",
        "parallelism",
        "completionMode",
        "ttlSecondsAfterFinished",
        "activeDeadlineSeconds",
        "manualSelector",
        "selector",
    }
)
_SINGLE = {"completions", "parallelism"}
NUMBER_FIELDS = frozenset({"backoffLimit", *_SINGLE})
ABSENT_BACKOFF_LIMIT = "absent: the Job retries 6 times"
ABSENT_RESTART_POLICY = "absent; a Pod would default to Always"
# JobSpec.backoffLimit: "Defaults to 6, unless backoffLimitPerIndex (only Indexed Job) is
# specified": with it, an absent backoffLimit is no blocker of its own.
BACKOFF_DEFAULT_CHANGED_BY = ("backoffLimitPerIndex",)
# Annotations of deploy tools that run a Job as a hook and wait for it to complete.
HOOK_ANNOTATIONS = ("helm.sh/hook", "argocd.argoproj.io/hook")
# Kueue admits a Job by suspending it until its queue has room; a Pod cannot wait so.
QUEUE_PREFIXES = ("kueue.x-k8s.io/",)
# A downward-API field of the Pod's labels or annotations: `metadata.labels['job-name']`.
_META_FIELD = re.compile(r"""metadata\.(labels|annotations)\[\s*['"]([^'"]+)['"]\s*\]""")


@dataclass(frozen=True)
class Kept:
    """What keeps a Job a Job besides its spec: the metadata keys of deploy-tool hooks and
    queue controllers. Rules override the defaults (JP201's params)."""

    hook_annotations: Sequence[str] = HOOK_ANNOTATIONS
    queue_prefixes: Sequence[str] = QUEUE_PREFIXES


@dataclass(frozen=True)
class Blocker:
    field: str
    reason: str
    node: Node | None

    def describe(self) -> str:
        return f"{self.field} ({self.reason})"


def migration_blockers(
    parts: JobParts, rendered: bool = False, kept: Kept = Kept()
) -> list[Blocker]:
    """Every reason this Job cannot become a Pod, in source order where there is one.
    `rendered`: a template renders part of the spec, so what it holds is unknown."""
    spec = parts.spec
    if parts.in_cronjob:
        return [Blocker("jobTemplate", "a CronJob creates its Jobs on a schedule", spec)]
    if not isinstance(spec, nodes.MappingNode):
        return [Blocker("spec", "missing or templated", spec)]
    blockers: list[Blocker] = [*_metadata_blockers(parts, kept)]
    if rendered:
        blockers.append(Blocker("spec", "partly rendered by a template", None))
    backoff_pair = nodes.entry(spec, "backoffLimit")
    changed = any(nodes.entry(spec, name) is not None for name in BACKOFF_DEFAULT_CHANGED_BY)
    if backoff_pair is None and not changed:
        blockers.append(Blocker("backoffLimit", ABSENT_BACKOFF_LIMIT, None))
    for key, value in nodes.entries(spec):
        name = key.value
        blocker = _spec_field_blocker(name, value)
        if blocker is not None:
            blockers.append(Blocker(name, blocker, key))
    if not isinstance(parts.template, nodes.MappingNode):
        blockers.append(Blocker("template", "missing or templated", parts.template))
    restart = nodes.entry(parts.pod_spec, "restartPolicy")
    if restart is None:
        if isinstance(parts.pod_spec, nodes.MappingNode):
            blockers.append(Blocker("restartPolicy", ABSENT_RESTART_POLICY, None))
    elif nodes.scalar(restart[1]) != "Never":
        shown = nodes.scalar(restart[1]) or "templated"
        blockers.append(
            Blocker("restartPolicy", f"{shown}: containers restart in place", restart[0])
        )
    blockers.extend(_job_label_fields(parts))
    return blockers


def _metadata_blockers(parts: JobParts, kept: Kept) -> list[Blocker]:
    """Hooks of deploy tools (Helm, Argo CD), which wait for the Job's completion, and
    queue controllers (Kueue), which admit a Job by unsuspending it."""
    found = []
    for name in ("labels", "annotations"):
        for key, _ in nodes.entries(nodes.get(parts.metadata, name)):
            field = f"{name[:-1]} {key.value}"
            if name == "annotations" and key.value in kept.hook_annotations:
                reason = "a deploy hook: the tool waits for the Job to complete"
                found.append(Blocker(field, reason, key))
            elif key.value.startswith(tuple(kept.queue_prefixes)):
                reason = "queued: the queue admits the Job by unsuspending it"
                found.append(Blocker(field, reason, key))
    return sorted(found, key=lambda b: b.node.start_mark.index if b.node else 0)


def _job_label_fields(parts: JobParts) -> list[Blocker]:
    """Downward-API fields (env `fieldRef`, downwardAPI volume items) that read a label
    or annotation only the Job controller sets: a Pod created directly has none."""
    found = []
    for _, key, value, _ in nodes.walk(parts.pod_spec):
        if key.value != "fieldRef":
            continue
        path_node = nodes.get(value, "fieldPath")
        m = _META_FIELD.fullmatch(nodes.scalar(path_node) or "")
        if m and extract.is_job_generated_label(m.group(2)):
            reason = f"reads the Job controller's {m.group(1)[:-1]} {m.group(2)}, which a Pod lacks"
            found.append(Blocker("fieldRef", reason, path_node))
    return found


def _spec_field_blocker(name: str, value: Node) -> str | None:
    literal = nodes.as_int(value) if name in NUMBER_FIELDS else nodes.scalar(value)
    return spec_field_blocker(name, literal)


def spec_field_blocker(name: str, literal: int | str | None) -> str | None:
    """Why a Job spec field keeps the Job a Job, or None. `literal` is the field's value
    when it is a literal (a number or a string), None when it is computed or templated:
    YAML manifests and Jobs built in Python code are judged by this one table."""
    if name not in MIGRATABLE_SPEC_FIELDS:
        return "only a Job has it"
    if name == "backoffLimit":
        if not isinstance(literal, int):
            return "not a literal number"
        return None if literal == 0 else f"{literal} retries"
    if name in _SINGLE:
        if not isinstance(literal, int):
            return "not a literal number"
        return None if literal == 1 else f"{literal}"
    if name == "completionMode":
        return None if literal == "NonIndexed" else f"{literal or 'templated'}"
    # ttlSecondsAfterFinished, activeDeadlineSeconds and the selector are dropped or moved
    # as text: a template there decides nothing.
    return None


def is_thin_wrapper(parts: JobParts, rendered: bool = False, kept: Kept = Kept()) -> bool:
    return not migration_blockers(parts, rendered, kept)


def kept_job_names(source: YamlSource, kept: Kept = Kept()) -> frozenset[str]:
    """The names (as `extract.name_text` reads them) of the batch Jobs in `source` that stay
    Jobs: not thin wrappers, not patches. Their Pods keep the Job controller's labels and
    their owner stays: selectors on them and references to them keep working."""
    names = set()
    for obj in source.objects():
        parts = extract.job_parts(obj)
        if parts is None or parts.in_cronjob or kustomize.is_patch(obj):
            continue
        if extract.api_group(obj.api_version) not in (None, "batch"):
            continue
        if is_thin_wrapper(parts, extract.spec_rendered(obj, parts), kept):
            continue
        name = extract.name_text(obj, nodes.get(extract.metadata(obj), "name"))
        if name is not None:
            names.add(name)
    return frozenset(names)
