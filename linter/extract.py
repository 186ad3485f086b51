"""The one place that knows where things live inside Kubernetes objects.

Checks ask here for a Job's spec, its pod template and pod spec (also inside a CronJob's
jobTemplate), a Role's rules, a CRD's schemas and printer columns; no check walks
`spec.template.spec` by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode
from linter.sources.yaml import K8sObject

ROLE_KINDS = frozenset({"Role", "ClusterRole"})
CRD_KIND = "CustomResourceDefinition"
# Labels the Job controller puts on the Pods it creates.
JOB_GENERATED_LABELS = ("job-name", "controller-uid")
JOB_GENERATED_LABEL_PREFIXES = ("batch.kubernetes.io/",)


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


def role_rules(obj: K8sObject) -> list[Node]:
    """The PolicyRules of a Role or ClusterRole (empty for other kinds)."""
    if obj.kind not in ROLE_KINDS:
        return []
    return [r for r in nodes.items(nodes.get(obj.node, "rules")) if isinstance(r, MappingNode)]


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
    """A property of a CRD schema: its key node, its schema node and its dotted path."""

    key: ScalarNode
    schema: Node
    path: tuple[str, ...]


def schema_properties(schema: Node, max_depth: int = 64) -> Iterator[SchemaProperty]:
    """Every named property under `properties`, depth first, items and additionalProperties
    included; bounded so a pathological schema cannot run away."""
    stack: list[tuple[Node, tuple[str, ...]]] = [(schema, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > max_depth:
            continue
        for key, child in reversed(list(nodes.entries(nodes.get(node, "properties")))):
            yield SchemaProperty(key, child, (*path, key.value))
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
            yield column, "jsonPath"


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
