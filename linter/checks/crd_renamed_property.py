"""CRD schema properties named per the rename map (`jobName` → `podName`), in every
version's openAPIV3Schema, at any depth. The fix renames the property, its entry in the
object's `required` list, and the name phrase of its description."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.config import DEFAULT_RENAMES
from linter.context import CheckContext
from linter.findings import Fix, Violation
from linter.kube import extract, renames
from linter.levels import FixSafety
from linter.settings import param
from linter.sources import nodes
from linter.sources.yaml import K8sObject

TARGET = "object"


@dataclass(frozen=True)
class Params:
    renames: dict[str, str] = param(
        factory=lambda: dict(DEFAULT_RENAMES),
        description="Old property name to new one; the config's `rename-map` replaces it.",
    )
    ignore_groups: list[str] = param(
        factory=list,
        description="API groups of other projects (and their subgroups) whose fields by these "
        "names are theirs and keep them.",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if extract.in_groups(extract.crd_group(obj), params.ignore_groups):
        return
    kept = renames.kept_names(obj, params.renames)
    # Versions that share one schema through an alias hold the same key node: one finding.
    seen: set[int] = set()
    for crd_schema in extract.crd_schemas(obj):
        where = f"the {crd_schema.version} schema" if crd_schema.version else "the schema"
        for prop in extract.schema_properties(crd_schema.schema):
            new = params.renames.get(prop.key.value)
            if new is None or id(prop.key) in seen:
                continue
            seen.add(id(prop.key))
            args = {
                "path": nodes.path_text(prop.path),
                "where": where,
                "new": new,
                "generated": renames.generated_note(obj),
            }
            fix = None if prop.key.value in kept else _fix(obj, prop, new)
            yield Violation(obj.span(prop.key), args, fix)


def _fix(obj: K8sObject, prop: extract.SchemaProperty, new: str) -> Fix:
    old = prop.key.value
    edits = [renames.rename_scalar(obj, prop.key, new)]
    for item in nodes.items(nodes.get(prop.holder, "required")):
        if isinstance(item, nodes.ScalarNode) and nodes.scalar(item) == old:
            edits.append(renames.rename_scalar(obj, item, new))
    described = renames.description_edits(obj, nodes.get(prop.schema, "description"))
    title = f"Rename the property {old} to {new}"
    if described:
        title += "; its description names the Pod"
    return Fix((*edits, *described), FixSafety.UNSAFE, title)
