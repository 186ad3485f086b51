"""Custom resources (Task samples, test fixtures, seeded objects) holding a field that the
migration renames (`status.jobName` → `status.podName`), at any depth of spec or status."""

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
        description="Old field name to new one; the config's `rename-map` replaces it.",
    )
    ignore_groups: list[str] = param(
        factory=list,
        description="API groups of other projects (and their subgroups) whose fields by these "
        "names are theirs and keep them.",
    )
    sections: list[str] = param(
        factory=lambda: ["spec", "status"],
        description="Top-level fields of the resource that are searched.",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if not extract.is_custom_resource(obj.api_version):
        return
    if extract.in_groups(extract.api_group(obj.api_version), params.ignore_groups):
        return
    name = obj.identity.name or "(unnamed)"
    for section in params.sections:
        for mapping, key, _, path in nodes.walk(nodes.get(obj.node, section)):
            new = params.renames.get(key.value)
            if new is None:
                continue
            args = {
                "kind": obj.kind,
                "name": name,
                "path": nodes.path_text((section, *path, key.value)),
                "new": new,
            }
            fix = None
            # A sibling already under the new name: which value stays is for a human to say.
            if nodes.entry(mapping, new) is None:
                edit = renames.rename_scalar(obj, key, new)
                fix = Fix((edit,), FixSafety.UNSAFE, f"Rename {key.value} to {new}")
            yield Violation(obj.span(key), args, fix)
