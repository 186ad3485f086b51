"""controller-runtime watches of batch Jobs: `Owns(&batchv1.Job{})`, `Watches(&batchv1.Job{},
…)`, `source.Kind(cache, &batchv1.Job{}, …)`, and `For(&batchv1.Job{})` (a controller of
Jobs themselves). The Task's controller then watches the Pods it owns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.edits.go import NotRewritable
from linter.findings import Edit, Fix, Span, Violation
from linter.kube.go import api, jobs
from linter.kube.go.job_to_pod import core_alias
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource

TARGET = "go"


@dataclass(frozen=True)
class Params:
    rewritten: list[str] = param(
        description="Builder and source calls whose Job argument becomes `&corev1.Pod{}`."
    )
    reported: list[str] = param(
        factory=list, description="Calls reported without a fix (`For`: a Job controller)."
    )


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    calls = {*params.rewritten, *params.reported}
    kept = jobs.kept_job_note(source)
    for node in source.nodes("call_expression"):
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None:
            continue
        name_node = (
            function.child_by_field_name("field")
            if function.type == "selector_expression"
            else function
        )
        name = source.code(name_node) if name_node is not None else ""
        if name not in calls:
            continue
        # From the method's name to the call's end: one link of a builder chain.
        where = (
            Span(source.offset(name_node.start_byte), source.span(node).end)
            if name_node
            else source.span(node)
        )
        for argument in arguments.named_children:
            type_node = api.literal_type(argument)
            if type_node is None or not api.names(source, type_node, api.BATCH_V1, "Job"):
                continue
            if api.keyed_elements(source, api.literal_body(argument)):
                continue  # a Job with fields is built, not watched (JP604)
            args = {"call": f"{name}(&{source.code(type_node)}{{}})"}
            if name in params.reported:
                verdict = "this controller reconciles Jobs themselves: it has no Pod counterpart"
                yield Violation(where, {**args, "verdict": verdict}, obj=source.scope_of(node))
                continue
            try:
                if kept is not None:
                    raise NotRewritable(kept)
                core, imports = core_alias(source)
            except NotRewritable as exc:
                verdict = f"watch the Task's Pods instead (not rewritten: {exc})"
                yield Violation(where, {**args, "verdict": verdict}, obj=source.scope_of(node))
                continue
            span = source.span(type_node)
            fix = Fix(
                (Edit(span.start, span.end, f"{core}.Pod"), *imports),
                FixSafety.UNSAFE,
                f"Watch the Task's Pods: {name}(&{core}.Pod{{}})",
            )
            verdict = "the Task's controller watches the Pods it owns instead"
            yield Violation(where, {**args, "verdict": verdict}, fix, source.scope_of(node))
