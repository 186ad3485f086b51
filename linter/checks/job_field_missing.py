"""A Job spec field that policy wants written down (TTL, backoffLimit, a deadline)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from linter.context import CheckContext
from linter.edits import yaml as yaml_edits
from linter.findings import Edit, Fix, Violation
from linter.kube import extract, kustomize
from linter.kube.job_features import is_thin_wrapper
from linter.levels import FixSafety
from linter.settings import param
from linter.sources import nodes
from linter.sources.nodes import MappingNode
from linter.sources.yaml import K8sObject

TARGET = "object"


@dataclass(frozen=True)
class Params:
    field: str = param(description="The Job spec field that must be present.")
    include_cronjobs: bool = param(description="Also check CronJob jobTemplates.")
    skip_thin_wrappers: bool = param(
        default=False, description="Leave out Jobs that JP201 rewrites to Pods."
    )
    pod_spec_counts: bool = param(
        default=False, description="The same field in the pod template's spec also satisfies it."
    )
    fix_value: Literal["ttl_seconds_after_finished", "backoff_limit"] | None = param(
        default=None, description="The configured value the fix inserts (none: no fix)."
    )
    default_changed_by: list[str] = param(
        factory=list,
        description="Job spec fields that give the missing field another default: a Job "
        "that sets one is not reported (backoffLimit defaults to 2147483647, not 6, when "
        "backoffLimitPerIndex is set).",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    parts = extract.job_parts(obj)
    if parts is None or (parts.in_cronjob and not params.include_cronjobs):
        return
    spec = parts.spec
    if not isinstance(spec, MappingNode) or nodes.entry(spec, params.field) is not None:
        return
    if params.pod_spec_counts and nodes.entry(parts.pod_spec, params.field) is not None:
        return
    if any(nodes.entry(spec, name) is not None for name in params.default_changed_by):
        return
    # A partial Job patches a base: the field may be there, and a value inserted here
    # would override the base's.
    if kustomize.is_patch(obj):
        return
    rendered = extract.spec_rendered(obj, parts)
    if rendered or (params.skip_thin_wrappers and is_thin_wrapper(parts)):
        return
    holder = nodes.get(obj.node, "spec", "jobTemplate") if parts.in_cronjob else obj.node
    spec_key = nodes.entry(holder, "spec")
    at = spec_key[0] if spec_key is not None else spec
    fix = None
    if params.fix_value is not None:
        value = getattr(ctx, params.fix_value)
        edit = _insert(obj, spec, f"{params.field}: {value}")
        if edit is not None:
            fix = Fix((edit,), FixSafety.SAFE, f"Set {params.field}: {value}")
    kind = "CronJob jobTemplate" if parts.in_cronjob else "Job"
    yield Violation(obj.span(at), {"kind": kind, "name": obj.identity.name or "(unnamed)"}, fix)


def _insert(obj: K8sObject, spec: MappingNode, line: str) -> Edit | None:
    """Before `template:` (where people read a Job's policy fields), else at the end."""
    template = nodes.entry(spec, "template")
    indent = yaml_edits.child_indent(obj, spec)
    if template is None or indent is None:
        return yaml_edits.insert_entries(obj, spec, [line])
    text = obj.source.masked.text
    at = yaml_edits.line_start(text, obj.span(template[0]).start)
    if text[at : obj.span(template[0]).start].strip():
        return yaml_edits.insert_entries(obj, spec, [line])
    return Edit(at, at, " " * indent + line + yaml_edits.newline_of(text))
