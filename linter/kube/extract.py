"""The one place that knows where things live inside Kubernetes objects.

Checks ask here for a Job's spec, its pod template and pod spec (also inside a CronJob's
jobTemplate), a Role's rules, a CRD's schemas and printer columns; no check walks
`spec.template.spec` by itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode
from linter.sources.yaml import K8sObject

ROLE_KINDS = frozenset({"Role", "ClusterRole"})
CRD_KIND = "CustomResourceDefinition"
# Labels the Job controller puts on the Pods it creates.
JOB_GENERATED_LABELS = ("job-name", "controller-uid")
JOB_GENERATED_LABEL_PREFIXES = ("batch.kubernetes.io/",)
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


@dataclass(frozen=True)
class JobParts:
    """A Job's spec and what hangs off it; `in_cronjob` for a CronJob's jobTemplate."""

    spec: Node | None
    template: Node | None
    template_metadata: Node | None
    pod_spec: Node | None
    in_cronjob: bool


def job_parts(obj: K8sObject) -> JobParts | None:
    if obj.kind == "Job":
        spec = nodes.get(obj.node, "spec")
        in_cronjob = False
    elif obj.kind == "CronJob":
        spec = nodes.get(obj.node, "spec", "jobTemplate", "spec")
        in_cronjob = True
    else:
        return None
    template = nodes.get(spec, "template")
    return JobParts(
        spec=spec,
        template=template,
        template_metadata=nodes.get(template, "metadata"),
        pod_spec=nodes.get(template, "spec"),
        in_cronjob=in_cronjob,
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
    group = api_group(api_version)
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


def selector_labels(root: Node | None, skip: tuple[Node, ...] = ()) -> Iterator[SelectorLabel]:
    """Every label a selector under `root` matches on: matchLabels keys, matchExpressions
    keys, matchLabelKeys items, plain label maps and selector strings (`job-name=x`).
    Labels themselves (`metadata.labels`) are not selectors and are not looked at."""
    for _, key, value, path in nodes.walk(root, skip):
        holder = next((p for p in reversed(path) if not p.startswith("[")), "")
        name = key.value
        if name == "matchLabels":
            for label_key, _ in nodes.entries(value):
                yield SelectorLabel(label_key.value, label_key, holder)
        elif name == "matchExpressions":
            for expression in nodes.items(value):
                node = nodes.get(expression, "key")
                label = nodes.scalar(node)
                operator = nodes.scalar(nodes.get(expression, "operator"))
                if node is not None and label is not None:
                    negative = operator in NEGATIVE_OPERATORS
                    yield SelectorLabel(label, node, holder, negative)
        elif name in LABEL_KEY_LISTS:
            for item in nodes.items(value):
                label = nodes.scalar(item)
                if label is not None:
                    yield SelectorLabel(label, item, name)
        elif name in SELECTOR_FIELDS:
            yield from _plain_selector(name, value)


def selector_requirements(text: str) -> Iterator[tuple[str, bool]]:
    """(label key, negative) of each requirement of a selector string
    (`job-name=x,!controller-uid,tier notin (a,b)`)."""
    for requirement in _SET_VALUES.sub("", text).split(","):
        m = _REQUIREMENT_KEY.match(requirement)
        if m:
            rest = requirement[m.end() :].lstrip()
            negative = requirement.lstrip().startswith("!") or rest.startswith(("!=", "notin"))
            yield m.group(1), negative


def _plain_selector(name: str, value: Node) -> Iterator[SelectorLabel]:
    text = nodes.scalar(value)
    if text is not None:
        for label, negative in selector_requirements(text):
            yield SelectorLabel(label, value, name, negative)
        return
    pairs = list(nodes.entries(value))
    if any(k.value in ("matchLabels", "matchExpressions") for k, _ in pairs):
        return
    # A label map's values are strings; a mapping value means this is no label map.
    for label_key, label_value in pairs:
        if isinstance(label_value, ScalarNode):
            yield SelectorLabel(label_key.value, label_key, name)
