"""Names of the Job in controller code: status keys (`status["jobName"]`), attributes
(`task.status.job_name`) and the controller's own functions (`build_job`), renamed per
the migration's maps. Only files that use a Kubernetes client or kopf are read: a data
pipeline's `job_name` is its own business."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Edit, Fix, Violation
from linter.kube import clients, code_names
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.python import PythonSource

TARGET = "python"


@dataclass(frozen=True)
class Params:
    renames: dict[str, str] = param(
        description="Field names and their new names (status keys and attributes)."
    )
    identifiers: dict[str, str] = param(
        factory=dict,
        description="The controller's own functions and methods, and their new names.",
    )


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if source.module is None:
        return
    renames = params.renames
    if not clients.uses_kubernetes(source):
        # In a migration, a module that imports no client may still call the controller's
        # own functions (a CLI calling `build_job`): they rename with their definition.
        if not source.planned:
            return
        renames = {}
    for found in code_names.occurrences(source, renames, params.identifiers):
        node, what, old, span = found.node, found.what, found.old, found.span
        new = params.identifiers.get(old) if what == "function" else params.renames.get(old)
        assert new is not None
        code = source.text[span.start : span.end]
        edit = Edit(span.start, span.end, code.replace(old, new, 1))
        fix = Fix((edit,), FixSafety.UNSAFE, f"Rename `{old}` to `{new}`")
        args = {"old": old, "new": new, "what": what}
        yield Violation(span, args, fix, source.scope_of(node))
