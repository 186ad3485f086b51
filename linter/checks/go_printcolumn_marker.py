"""kubebuilder `+kubebuilder:printcolumn` markers on a renamed status field
(`JSONPath=.status.jobName`): controller-gen turns them into the CRD's printer columns, so
the column moves with the field, and a column titled Job becomes Pod."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Edit, Fix, Violation
from linter.kube.go.markers import Argument, markers
from linter.kube.renames import pod_title, renamed_path
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource

TARGET = "go"


@dataclass(frozen=True)
class Params:
    renames: dict[str, str] = param(description="Field names and their new names.")


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for marker in markers(source, "kubebuilder:printcolumn"):
        path = marker.argument("JSONPath")
        if path is None or not marker.well_formed:
            continue
        new_path = renamed_path(path.value, params.renames)
        if new_path == path.value:
            continue
        edits = [_replace_value(path, new_path)]
        name = marker.argument("name")
        if name is not None and pod_title(name.value) != name.value:
            edits.append(_replace_value(name, pod_title(name.value)))
        fix = Fix(tuple(edits), FixSafety.UNSAFE, f"Show `{new_path}`")
        args = {"path": path.value, "new": new_path}
        yield Violation(path.span, args, fix, source.scope_of(marker.comment))


def _replace_value(argument: Argument, new: str) -> Edit:
    """The value's text replaced, its quotes kept."""
    quoted = argument.raw != argument.value
    start = argument.span.start + (1 if quoted else 0)
    end = argument.span.end - (1 if quoted else 0)
    return Edit(start, end, new)
