"""Go code that stops a Task by suspending its Job: `job.Spec.Suspend = ptr.To(true)`,
`job.Spec.Parallelism = ptr.To[int32](0)` on a value holding a Job, or a merge patch body
`{"spec":{"suspend":true}}` in a file that handles Jobs. A Pod cannot be suspended: the
Task is stopped by deleting its Pod with a grace period."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Violation
from linter.kube.go import api
from linter.kube.go.objects import job_values
from linter.settings import param
from linter.sources.go import GoSource, string_value

TARGET = "go"
_PATCH = re.compile(r'"(suspend)"\s*:\s*true|"(parallelism)"\s*:\s*0\b')


@dataclass(frozen=True)
class Params:
    stops: dict[str, int | bool] = param(
        description="JobSpec fields (Go names) and the value that stops the Job's Pods."
    )


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    values = job_values(source)
    literals = api.values(source)
    grace = ctx.stop_grace_period_seconds
    for node in source.nodes(
        "assignment_statement", "interpreted_string_literal", "raw_string_literal"
    ):
        if node.type == "assignment_statement":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None or len(left.named_children) != 1:
                continue
            target = left.named_children[0]
            spec = (
                target.child_by_field_name("operand")
                if target.type == "selector_expression"
                else None
            )
            field = target.child_by_field_name("field")
            holder = spec.child_by_field_name("operand") if spec is not None else None
            if spec is None or field is None or source.code(spec).rsplit(".", 1)[-1] != "Spec":
                continue
            name = source.code(field)
            if name not in params.stops or not values.holds_job(holder):
                continue
            value = literals.literal(right.named_children[0]) if right.named_children else None
            if value is not None and value != params.stops[name]:
                continue  # resuming, or a real parallelism
            args = {"what": f"`{source.code(target)} = …`", "grace": grace}
            yield Violation(source.span(node), args, obj=source.scope_of(node))
        elif node.type in ("interpreted_string_literal", "raw_string_literal"):
            m = _PATCH.search(string_value(source, node))
            if m is not None and api.alias(source, api.BATCH_V1) is not None:
                what = f"a patch setting `{m.group(1) or m.group(2)}`"
                yield Violation(
                    source.span(node), {"what": what, "grace": grace}, obj=source.scope_of(node)
                )
