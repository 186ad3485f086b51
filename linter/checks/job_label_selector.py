"""Label selectors on the labels only the Job controller sets (`job-name`, `controller-uid`,
`batch.kubernetes.io/*`): no Pod carries them once the Task creates its Pod itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.context import CheckContext
from linter.findings import Edit, Fix, Violation
from linter.kube import extract
from linter.kube.job_features import is_thin_wrapper, kept_job_names
from linter.levels import FixSafety
from linter.settings import param
from linter.sources import nodes
from linter.sources.nodes import Node
from linter.sources.yaml import K8sObject

if TYPE_CHECKING:
    import libcst as cst

    from linter.sources.go import GoSource
    from linter.sources.python import PythonSource

TARGET = "object"
_MATCHES_NOTHING = "it matches no Pod once no Job exists"
# `NotIn`, `DoesNotExist`, `!job-name`: every Pod lacks the label, so every Pod matches.
_MATCHES_ALL = "it matches every Pod once no Job exists"
# A key of matchLabelKeys that a Pod lacks is skipped: the constraint quietly loosens.
_IGNORED = "no Pod has it once no Job exists, so the key is ignored"


@dataclass(frozen=True)
class Params:
    labels: list[str] = param(
        factory=lambda: list(extract.JOB_GENERATED_LABELS),
        description="Label keys the Job controller sets on its Pods.",
    )
    label_prefixes: list[str] = param(
        factory=lambda: list(extract.JOB_GENERATED_LABEL_PREFIXES),
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
    kept: frozenset[str] | None = None

    def value_text(node: Node | None) -> str | None:
        return extract.name_text(obj, node)

    for found in extract.selector_labels(obj.node, skip, value_text):
        if found.label in params.labels or found.label.startswith(prefixes):
            if found.label in extract.JOB_NAME_LABELS and found.values and not found.negative:
                # Selecting the Pods of a Job that stays a Job in this file is valid (the
                # headless Service of an Indexed Job: Job concepts, Indexed Job).
                kept = kept_job_names(obj.source) if kept is None else kept
                if kept.issuperset(found.values):
                    continue
            effect = _effect(found.field, found.negative)
            args = {"field": found.field, "label": found.label, "effect": effect}
            yield Violation(obj.span(found.node), args)


def _effect(field: str, negative: bool) -> str:
    if field in extract.LABEL_KEY_LISTS:
        return _IGNORED
    return _MATCHES_ALL if negative else _MATCHES_NOTHING


_SELECTOR_KEYWORDS = frozenset({"label_selector", "match_labels", "selector"})


def check_python(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    """The same labels in controller code: `label_selector="job-name=…"` (a string or an
    f-string), `match_labels={"job-name": …}` and `"matchLabels": {…}` dicts."""
    from linter.kube.clients import uses_kubernetes

    if source.module is None or not uses_kubernetes(source):
        return
    prefixes = tuple(params.label_prefixes)

    def job_label(label: str) -> bool:
        return label in params.labels or label.startswith(prefixes)

    from linter.kube.code_jobs import code_jobs

    # A Job's own selector goes with the Job (JP502 drops it, or the Job stays a Job).
    own = [
        source.span(selector)
        for job in code_jobs(source)
        if job.spec is not None and (selector := job.spec.value("selector")) is not None
    ]
    for node, field, label, negative in _code_selectors(source):
        span = source.span(node)
        if any(o.start <= span.start and span.end <= o.end for o in own):
            continue
        if job_label(label):
            args = {"field": field, "label": label, "effect": _effect(field, negative)}
            fix = _by_name(source, node, field, label, negative)
            yield Violation(source.span(node), args, fix, obj=source.scope_of(node))


# The Job controller's labels whose value is the Job's name (Job API reference, "Pod
# selector": `batch.kubernetes.io/job-name`, and `job-name` kept for compatibility).
_NAME_LABELS = frozenset({"job-name", "batch.kubernetes.io/job-name"})


def _by_name(
    source: PythonSource, node: cst.CSTNode, field: str, label: str, negative: bool
) -> Fix | None:
    """`label_selector=f"job-name={name}"` selects the Pods of the Job called `name`; once
    the Task creates the Pod itself, the Pod has that name: `field_selector=
    f"metadata.name={name}"` (every kind serves the metadata.name field selector) selects
    the same Pod. Only a selector that is that one requirement, on a call that sets no
    field selector of its own, is rewritten."""
    import libcst as cst

    if field != "label_selector" or label not in _NAME_LABELS or negative:
        return None
    if not isinstance(node, (cst.SimpleString, cst.FormattedString)):
        return None
    requirements = list(extract.selector_requirements(_static_text(node)))
    static = _static_text(node)
    if len(requirements) != 1 or "," in static or "!=" in static or not static.startswith(label):
        return None
    arg = source.parents.get(node)
    call = source.parents.get(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(arg, cst.Arg) or arg.keyword is None or not isinstance(call, cst.Call):
        return None
    if any(a.keyword is not None and a.keyword.value == "field_selector" for a in call.args):
        return None
    keyword = source.span(arg.keyword)
    text = source.code(node)
    at = text.find(label)
    if at < 0:
        return None
    start = source.span(node).start + at
    edits = (
        Edit(keyword.start, keyword.end, "field_selector"),
        Edit(start, start + len(label), "metadata.name"),
    )
    return Fix(edits, FixSafety.UNSAFE, "Select the Task's Pod by its name: `metadata.name`")


def check_go(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    """The same labels in Go: `client.MatchingLabels{…}`, `labels.Set{…}`, `MatchLabels`
    maps, requirements and selector strings, keys written as literals or as batch/v1's
    label constants (linter/kube/go/selectors.py)."""
    from linter.kube.go.jobs import go_jobs
    from linter.kube.go.selectors import selector_labels

    prefixes = tuple(params.label_prefixes)
    # A Job's own selector goes with the Job (JP604 drops it, or the Job stays a Job).
    own = [(job.literal.start_byte, job.literal.end_byte) for job in go_jobs(source)]
    for found in selector_labels(source):
        if any(start <= found.node.start_byte < end for start, end in own):
            continue
        if found.label in params.labels or found.label.startswith(prefixes):
            effect = _effect(found.field, found.negative)
            args = {"field": found.field, "label": found.label, "effect": effect}
            yield Violation(source.span(found.node), args, obj=source.scope_of(found.node))


def _code_selectors(source: PythonSource) -> Iterator[tuple[cst.CSTNode, str, str, bool]]:
    import libcst as cst

    from linter.kube.code_jobs import fields_of, literal
    from linter.sources import python_flow
    from linter.sources.python import walk

    assert source.module is not None
    for node in walk(source.module):
        if isinstance(node, cst.Arg) and node.keyword is not None:
            name = node.keyword.value
            if name not in _SELECTOR_KEYWORDS:
                continue
            # A selector built in a local first (`selector = f"job-name in (…)"`).
            value = python_flow.value_of(source, node.value)
            if isinstance(
                value,
                (
                    cst.SimpleString,
                    cst.FormattedString,
                    cst.ConcatenatedString,
                    cst.BinaryOperation,
                ),
            ):
                for label, negative in extract.selector_requirements(_static_text(value)):
                    yield value, name, label, negative
            elif isinstance(value, cst.Dict):
                for key in fields_of(value).members:
                    yield value, name, key, False
        elif (
            isinstance(node, cst.DictElement)
            and literal(node.key) == "matchLabels"
            and isinstance(node.value, cst.Dict)
        ):
            for key in fields_of(node.value).members:
                yield node.value, "matchLabels", key, False


def _static_text(node: cst.BaseExpression) -> str:
    """The literal parts of a string, f-string or concatenation (expressions left out)."""
    import libcst as cst

    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else ""
    if isinstance(node, cst.FormattedString):
        return "".join(
            p.value if isinstance(p, cst.FormattedStringText) else "\0" for p in node.parts
        )
    if isinstance(node, cst.ConcatenatedString) or (
        isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
    ):
        return _static_text(node.left) + _static_text(node.right)
    return "\0"
