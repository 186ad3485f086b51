"""Jobs built in Python code, as client models (`V1Job(…)`, JP502) or dict manifests
(`{"kind": "Job", …}`, JP503): a thin wrapper becomes a Pod built the same way; a Job that
stays a Job is reported with the fields that keep it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from linter.context import CheckContext
from linter.edits.python import NotRewritable, import_edits
from linter.findings import Edit, Fix, Span, Violation
from linter.kube import clients, code_jobs
from linter.levels import FixSafety
from linter.settings import param
from linter.sources import python_flow
from linter.sources.python import PythonSource, walk

TARGET = "python"
_THIN = "is a thin wrapper around one Pod: build the Pod itself and let the Task own it"
# The models a converted V1Job no longer needs, when they are imported by bare name.
_JOB_ONLY_MODELS = ("V1JobSpec", "V1PodTemplateSpec")


@dataclass(frozen=True)
class Params:
    shape: Literal["model", "dict"] = param(
        description="`model`: client model calls (V1Job, V1JobSpec, V1JobTemplateSpec, "
        'lightkube and kr8s Jobs); `dict`: dict literals with "kind": "Job".'
    )


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for job in code_jobs.code_jobs(source):
        # A CronJob's job template is the CronJob's business (JP203-JP205 look at it).
        if job.is_dict != (params.shape == "dict") or job.in_cronjob:
            continue
        obj = source.scope_of(job.node)
        what = _described(job)
        if job.library != "kubernetes":
            verdict = (
                f"is found, not rewritten ({job.library}'s API does not map one to one): "
                f"if it wraps a single Pod, create a {job.library} Pod instead"
            )
            yield Violation(_head(source, job), {"model": what, "verdict": verdict}, obj=obj)
            continue
        reasons = code_jobs.blockers(job)
        if reasons:
            verdict = "stays a Job: a Pod cannot express " + "; ".join(reasons)
            yield Violation(_head(source, job), {"model": what, "verdict": verdict}, obj=obj)
            continue
        try:
            conversion = code_jobs.convert(source, job)
            conversion.edits.extend(_return_annotation(source, job))
            # Imports follow only where the code names the models bare (`V1Job(…)`), not
            # through a module (`client.V1Job(…)`).
            bare = isinstance(job.node, cst.Call) and isinstance(job.node.func, cst.Name)
            edits = conversion.edits + import_edits(
                source,
                conversion.edits,
                {"V1Job": "V1Pod"} if bare else {},
                () if job.is_dict else _JOB_ONLY_MODELS,
            )
        except NotRewritable as exc:
            verdict = f"{_THIN} (not rewritten: {exc})"
            yield Violation(_head(source, job), {"model": what, "verdict": verdict}, obj=obj)
            continue
        title = "Build a Pod instead of the Job"
        if conversion.notes:
            title += " (" + "; ".join(conversion.notes) + ")"
        fix = Fix(tuple(edits), FixSafety.UNSAFE, title)
        yield Violation(_head(source, job), {"model": what, "verdict": _THIN}, fix, obj)


def _described(job: code_jobs.CodeJob) -> str:
    if job.is_dict:
        return "the Job manifest built here"
    if job.library != "kubernetes":
        return f"the {job.library} Job built here"
    return f"`{job.model}` built here"


def _head(source: PythonSource, job: code_jobs.CodeJob) -> Span:
    """The finding's span: the model's name (`client.V1Job`) or the dict's `"kind": "Job"`."""
    if isinstance(job.node, cst.Call):
        return source.span(job.node.func)
    member = job.fields.members["kind"][0]
    return source.span(member)


def _return_annotation(source: PythonSource, job: code_jobs.CodeJob) -> list[Edit]:
    """`-> client.V1Job` of the function that returns this Job right away becomes
    `-> client.V1Pod`: the annotation follows what the function now builds."""
    if job.is_dict or source.module is None:
        return []
    for function in walk(source.module):
        if not isinstance(function, cst.FunctionDef) or function.returns is None:
            continue
        returns = [n for n in walk(function.body) if isinstance(n, cst.Return)]
        if not any(
            r.value is not None and python_flow.value_of(source, r.value) is job.node
            for r in returns
        ):
            continue
        annotation = function.returns.annotation
        found = clients.symbol(source, annotation)
        if found is None or found.name != "V1Job":
            return []
        name = annotation.attr if isinstance(annotation, cst.Attribute) else annotation
        span = source.span(name)
        return [Edit(span.start, span.end, "V1Pod")]
    return []
