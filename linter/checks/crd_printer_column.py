"""CRD additionalPrinterColumns whose JSONPath reads a renamed field (`.status.jobName`),
per version and in the legacy top-level list. The fix points the column at the new field
and renames a column titled Job."""

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
from linter.sources.nodes import Node, ScalarNode
from linter.sources.yaml import K8sObject

TARGET = "object"


@dataclass(frozen=True)
class Params:
    renames: dict[str, str] = param(
        factory=lambda: dict(DEFAULT_RENAMES),
        description="Old field name to new one; the config's `rename-map` replaces it.",
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
    for column, path_key in extract.printer_columns(obj):
        path_node = nodes.get(column, path_key)
        path = nodes.scalar(path_node)
        if path_node is None or path is None:
            continue
        new_path = renames.renamed_path(path, params.renames)
        if new_path == path:
            continue
        name = nodes.scalar(nodes.get(column, "name")) or "(unnamed)"
        args = {
            "column": name,
            "path": path,
            "new_path": new_path,
            "generated": renames.generated_note(obj),
        }
        # The column follows the property: where JP301 keeps the old name, so does it.
        moved = any(old in kept for old in params.renames if old in path)
        fix = None if moved else _fix(obj, column, path_node, params, new_path)
        yield Violation(obj.span(path_node), args, fix)


def _fix(
    obj: K8sObject, column: Node, path_node: Node, params: Params, new_path: str
) -> Fix | None:
    if not isinstance(path_node, ScalarNode):
        return None
    edits = renames.path_edits(obj, path_node, params.renames)
    if not edits:
        return None  # the renamed segment is not written as such (escapes): left to a human
    title = f"Show {new_path}"
    name_node = nodes.get(column, "name")
    retitled = renames.title_edits(obj, name_node)
    old_name = nodes.scalar(name_node)
    if retitled and old_name is not None:
        title += f"; column {old_name} becomes {renames.pod_title(old_name)}"
    described = renames.description_edits(obj, nodes.get(column, "description"))
    return Fix((*edits, *retitled, *described), FixSafety.UNSAFE, title)
