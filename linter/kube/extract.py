"""The one place that knows where things live inside Kubernetes objects.

Checks ask here for a Job's spec, its pod template and pod spec (also inside a CronJob's
jobTemplate), a Role's rules, a CRD's schemas and printer columns; no check walks
`spec.template.spec` by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode
from linter.sources.yaml import K8sObject

ROLE_KINDS = frozenset({"Role", "ClusterRole"})
CRD_KIND = "CustomResourceDefinition"
# Labels the Job controller puts on the Pods it creates.
JOB_GENERATED_LABELS = ("job-name", "controller-uid")
JOB_GENERATED_LABEL_PREFIXES = ("batch.kubernetes.io/",)
# The ones among them whose value is the Job's name (Job concepts, Job labels).
JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
# API groups Kubernetes serves itself: no dot (apps, batch, policy …) or under k8s.io
# (rbac.authorization.k8s.io …). SIG projects' CRDs live under x-k8s.io, which is not.
_BUILTIN_GROUP_SUFFIX = ".k8s.io"
# Fields holding a label selector: a LabelSelector (matchLabels / matchExpressions), or a
# plain label map (a Service's or ReplicationController's `selector`), or a selector string.
SELECTOR_FIELDS = frozenset({"selector", "podSelector", "labelSelector"})
# Label keys whose values are taken from the Pod's own labels (topology spread, affinity).
LABEL_KEY_LISTS = frozenset({"matchLabelKeys", "mismatchLabelKeys"})
NEGATIVE_OPERATORS = frozenset({"NotIn", "DoesNotExist"})
_SET_VALUES = re.compile(r"\([^)]*\)")
_REQUIREMENT_KEY = re.compile(r"\s*!?\s*([A-Za-z0-9][-A-Za-z0-9_./]*)")
# The values a requirement of a selector string admits: `key=v`, `key==v`, `key in (a,b)`.
_REQUIREMENT_VALUES = re.compile(
    r"\s*([A-Za-z0-9][-A-Za-z0-9_./]*)\s*(?:==?\s*([^,\s]*)|\s+in\s*\(([^)]*)\))\s*\Z"
)


@dataclass(frozen=True)
class JobParts:
    """A Job's spec and what hangs off it; `in_cronjob` for a CronJob's jobTemplate.
    `metadata` is the Job's own (the jobTemplate's in a CronJob)."""

    spec: Node | None
    template: Node | None
    template_metadata: Node | None
    pod_spec: Node | None
    in_cronjob: bool
    metadata: Node | None = None


def job_parts(obj: K8sObject) -> JobParts | None:
    if obj.kind == "Job":
        holder: Node | None = obj.node
        in_cronjob = False
    elif obj.kind == "CronJob":
        holder = nodes.get(obj.node, "spec", "jobTemplate")
        in_cronjob = True
    else:
        return None
    spec = nodes.get(holder, "spec")
    template = nodes.get(spec, "template")
    return JobParts(
        spec=spec,
        template=template,
        template_metadata=nodes.get(template, "metadata"),
        pod_spec=nodes.get(template, "spec"),
        in_cronjob=in_cronjob,
        metadata=nodes.get(holder, "metadata"),
    )


@dataclass(frozen=True)
class CrdSchema:
    """One openAPIV3Schema of a CRD: per version (v1) or for the whole CRD (v1beta1)."""

    version: str | None
    schema: Node


def crd_schemas(obj: K8sObject) -> list[CrdSchema]:
    if obj.kind != CRD_KIND:
        return []
    spec = nodes.get(obj.node, "spec")
    found = []
    legacy = nodes.get(spec, "validation", "openAPIV3Schema")
    if legacy is not None:
        found.append(CrdSchema(None, legacy))
    for version in nodes.items(nodes.get(spec, "versions")):
        schema = nodes.get(version, "schema", "openAPIV3Schema")
        if schema is not None:
            found.append(CrdSchema(nodes.scalar(nodes.get(version, "name")), schema))
    return found


@dataclass(frozen=True)
class SchemaProperty:
    """A property of a CRD schema: its key node, its schema node, its dotted path and the
    object schema whose `properties` hold it (where its `required` list lives)."""

    key: ScalarNode
    schema: Node
    path: tuple[str, ...]
    holder: Node


def schema_properties(schema: Node, max_depth: int = 64) -> Iterator[SchemaProperty]:
    """Every named property under `properties`, depth first, items and additionalProperties
    included; bounded so a pathological schema cannot run away."""
    stack: list[tuple[Node, tuple[str, ...]]] = [(schema, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > max_depth:
            continue
        for key, child in reversed(list(nodes.entries(nodes.get(node, "properties")))):
            yield SchemaProperty(key, child, (*path, key.value), node)
            stack.append((child, (*path, key.value)))
        for nested in ("items", "additionalProperties"):
            inner = nodes.get(node, nested)
            if isinstance(inner, MappingNode):
                stack.append((inner, (*path, "[]" if nested == "items" else "*")))


def printer_columns(obj: K8sObject) -> Iterator[tuple[Node, str]]:
    """(column mapping, jsonPath key name) for every additionalPrinterColumn of a CRD."""
    if obj.kind != CRD_KIND:
        return
    spec = nodes.get(obj.node, "spec")
    for column in nodes.items(nodes.get(spec, "additionalPrinterColumns")):
        yield column, "JSONPath"
    for version in nodes.items(nodes.get(spec, "versions")):
        for column in nodes.items(nodes.get(version, "additionalPrinterColumns")):
            # apiextensions.k8s.io/v1beta1 spells it JSONPath in the versions too.
            yield column, "JSONPath" if nodes.get(column, "JSONPath") is not None else "jsonPath"


def metadata(obj: K8sObject) -> Node | None:
    return nodes.get(obj.node, "metadata")


def is_job_generated_label(key: str) -> bool:
    return key in JOB_GENERATED_LABELS or key.startswith(JOB_GENERATED_LABEL_PREFIXES)


def spec_rendered(obj: K8sObject, parts: JobParts) -> bool:
    """Whether a template (an include, toYaml …) renders keys straight into the Job spec,
    its pod template or the pod spec, so that a key absent from them may be there."""
    holder = nodes.get(obj.node, "spec", "jobTemplate") if parts.in_cronjob else obj.node
    for parent, name in ((holder, "spec"), (parts.spec, "template"), (parts.template, "spec")):
        pair = nodes.entry(parent, name)
        if pair is not None and obj.renders_into(*pair):
            return True
    return False


def api_group(api_version: str | None) -> str | None:
    """`batch` of `batch/v1`, "" for the core group (`v1`), None when unknown."""
    if api_version is None:
        return None
    return api_version.rpartition("/")[0]


def is_custom_resource(api_version: str | None) -> bool:
    """An object of a CRD's group: dotted, and not one of Kubernetes' own k8s.io groups."""
    return is_custom_group(api_group(api_version))


def is_custom_group(group: str | None) -> bool:
    if not group or "." not in group:
        return False
    return not group.endswith(_BUILTIN_GROUP_SUFFIX)


def in_groups(group: str | None, groups: Collection[str]) -> bool:
    """Whether `group` is one of `groups` or under one (`trainer.kubeflow.org`, `kubeflow.org`)."""
    return group is not None and any(group == g or group.endswith(f".{g}") for g in groups)


def crd_group(obj: K8sObject) -> str | None:
    """The API group a CRD defines."""
    if obj.kind != CRD_KIND:
        return None
    return nodes.scalar(nodes.get(obj.node, "spec", "group"))


def owner_references(obj: K8sObject) -> list[Node]:
    return nodes.items(nodes.get(metadata(obj), "ownerReferences"))


@dataclass(frozen=True)
class SelectorLabel:
    """A label that a selector matches on: the node that names it (the key, the
    expression's `key` value, or the selector string) and the field holding the selector."""

    label: str
    node: Node
    field: str
    # `NotIn`, `DoesNotExist`, `!key`, `key!=v`: true of every Pod without the label.
    negative: bool = False
    # The label values it admits (`In`, `=`, a label map's value); empty when it admits
    # any value or the values are not literal.
    values: tuple[str, ...] = ()


def selector_labels(
    root: Node | None,
    skip: tuple[Node, ...] = (),
    value_text: Callable[[Node | None], str | None] = nodes.scalar,
) -> Iterator[SelectorLabel]:
    """Every label a selector under `root` matches on: matchLabels keys, matchExpressions
    keys, matchLabelKeys items, plain label maps and selector strings (`job-name=x`).
    Labels themselves (`metadata.labels`) are not selectors and are not looked at.
    `value_text` reads the label values a selector admits (templated ones too, if it can)."""

    def one(node: Node | None) -> tuple[str, ...]:
        text = value_text(node)
        return (text,) if text is not None else ()

    for _, key, value, path in nodes.walk(root, skip):
        holder = next((p for p in reversed(path) if not p.startswith("[")), "")
        name = key.value
        if name == "matchLabels":
            for label_key, label_value in nodes.entries(value):
                yield SelectorLabel(label_key.value, label_key, holder, values=one(label_value))
        elif name == "matchExpressions":
            for expression in nodes.items(value):
                node = nodes.get(expression, "key")
                label = nodes.scalar(node)
                operator = nodes.scalar(nodes.get(expression, "operator"))
                if node is not None and label is not None:
                    negative = operator in NEGATIVE_OPERATORS
                    admitted = nodes.items(nodes.get(expression, "values"))
                    values = tuple(v for item in admitted for v in one(item))
                    if operator != "In" or len(values) != len(admitted):
                        values = ()
                    yield SelectorLabel(label, node, holder, negative, values)
        elif name in LABEL_KEY_LISTS:
            for item in nodes.items(value):
                label = nodes.scalar(item)
                if label is not None:
                    yield SelectorLabel(label, item, name)
        elif name in SELECTOR_FIELDS:
            yield from _plain_selector(name, value, one)


def selector_requirements(text: str) -> Iterator[tuple[str, bool]]:
    """(label key, negative) of each requirement of a selector string
    (`job-name=x,!controller-uid,tier notin (a,b)`)."""
    for requirement in _SET_VALUES.sub("", text).split(","):
        m = _REQUIREMENT_KEY.match(requirement)
        if m:
            rest = requirement[m.end() :].lstrip()
            negative = requirement.lstrip().startswith("!") or rest.startswith(("!=", "notin"))
            yield m.group(1), negative


def _plain_selector(
    name: str, value: Node, one: Callable[[Node | None], tuple[str, ...]]
) -> Iterator[SelectorLabel]:
    text = nodes.scalar(value)
    if text is not None:
        for label, negative in selector_requirements(text):
            values = requirement_values(text, label)
            yield SelectorLabel(label, value, name, negative, values)
        return
    pairs = list(nodes.entries(value))
    if any(k.value in ("matchLabels", "matchExpressions") for k, _ in pairs):
        return
    # A label map's values are strings; a mapping value means this is no label map.
    for label_key, label_value in pairs:
        if isinstance(label_value, ScalarNode):
            yield SelectorLabel(label_key.value, label_key, name, values=one(label_value))


def requirement_values(text: str, label: str) -> tuple[str, ...]:
    """The values the requirements on `label` of a selector string admit (`job-name=x`,
    `job-name in (x,y)`); empty when one admits any value (`job-name`, `!=`, `notin`)."""
    found: list[str] = []
    for requirement in _requirements(text):
        m = _REQUIREMENT_VALUES.match(requirement)
        key = _REQUIREMENT_KEY.match(requirement)
        if key is None or key.group(1) != label:
            continue
        if m is None:
            return ()
        single, listed = m.group(2), m.group(3)
        found.extend([single] if single is not None else [v.strip() for v in listed.split(",")])
    return tuple(found)


def _requirements(text: str) -> list[str]:
    """A selector string split at the commas between requirements, not inside `(a,b)`."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def name_text(obj: K8sObject, node: Node | None) -> str | None:
    """A name as written: the scalar, or for a templated one its source text without
    quotes, so that the same Helm expression in two places reads the same."""
    text = nodes.scalar(node)
    if text is not None or node is None or not nodes.is_templated(node):
        return text
    return obj.source_text(node).strip("'\"")
