"""Label selectors on the labels only the Job controller sets (`job-name`, `controller-uid`,
`batch.kubernetes.io/*`): no Pod carries them once the Task creates its Pod itself."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from linter import extract
from linter.context import CheckContext
from linter.findings import Violation
from linter.job_features import is_thin_wrapper
from linter.sources import nodes
from linter.sources.nodes import Node
from linter.sources.yaml import K8sObject

TARGET = "object"
_MATCHES_NOTHING = "it matches no Pod once no Job exists"
# A key of matchLabelKeys that a Pod lacks is skipped: the constraint quietly loosens.
_IGNORED = "no Pod has it once no Job exists, so the key is ignored"


class Params(BaseModel):
    labels: list[str] = Field(
        default_factory=lambda: list(extract.JOB_GENERATED_LABELS),
        description="Label keys the Job controller sets on its Pods.",
    )
    label_prefixes: list[str] = Field(
        default_factory=lambda: list(extract.JOB_GENERATED_LABEL_PREFIXES),
        description="Label key prefixes of the Job controller (every key under them).",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    parts = extract.job_parts(obj)
    skip: tuple[Node, ...] = ()
    if parts is not None:
        # A CronJob's Jobs and a Job that stays a Job still exist: their Pods keep the labels.
        rendered = extract.spec_rendered(obj, parts)
        if parts.in_cronjob or not is_thin_wrapper(parts, rendered):
            return
        # The Job's own selector goes with the Job (JP201 drops it).
        own = nodes.get(parts.spec, "selector")
        skip = (own,) if own is not None else ()
    if obj.kind is not None and obj.kind.endswith("List"):
        # The items of a List are objects of their own, checked one by one.
        items = nodes.get(obj.node, "items")
        skip = (items,) if items is not None else ()
    prefixes = tuple(params.label_prefixes)
    for found in extract.selector_labels(obj.node, skip):
        if found.label in params.labels or found.label.startswith(prefixes):
            effect = _IGNORED if found.field in extract.LABEL_KEY_LISTS else _MATCHES_NOTHING
            args = {"field": found.field, "label": found.label, "effect": effect}
            yield Violation(obj.span(found.node), args)
