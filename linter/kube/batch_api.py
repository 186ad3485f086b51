"""BatchV1Api Job calls in Python code, and the rewrite of a file's BatchV1Api clients to
CoreV1Api: every Job method becomes the Pod method of the same shape, where the file builds
only Jobs that become Pods."""

from __future__ import annotations

import re

import libcst as cst

from linter.edits.python import NotRewritable, import_edits
from linter.findings import Edit
from linter.kube import clients, code_jobs
from linter.sources.python import PythonSource, dotted_name

BATCH_API = "BatchV1Api"
CORE_API = "CoreV1Api"
JOB_METHOD = re.compile(
    r"\w+_(?:namespaced_job|job_for_all_namespaces)(?:_status)?(?:_with_http_info)?\Z"
)
POD_METHOD = re.compile(
    r"\w+_(?:namespaced_pod|pod_for_all_namespaces)(?:_status)?(?:_with_http_info)?\Z"
)
_JOB_WORD = re.compile(r"_job(?=_status|_with_http_info|_for_all_namespaces|\Z)")


def pod_method(method: str) -> str:
    """The CoreV1Api method of a BatchV1Api Job method (`read_namespaced_job_status` →
    `read_namespaced_pod_status`): the Pod API has each one under the same shape."""
    return _JOB_WORD.sub("_pod", method)


def job_uses(source: PythonSource) -> list[clients.ApiUse]:
    """Job method uses on a BatchV1Api, suspend patches left to JP504 (once per file:
    JP501, JP504 and JP507 ask)."""
    return source.analysis(f"{__name__}.job_uses", lambda: _job_uses(source))


def _job_uses(source: PythonSource) -> list[clients.ApiUse]:
    return [
        use
        for use in clients.client_index(source).uses
        if use.api.cls.name == BATCH_API
        and JOB_METHOD.match(use.method)
        and not (use.call is not None and code_jobs.suspend_patch(source, use) is not None)
    ]


def client_rewrite(source: PythonSource) -> tuple[list[Edit], str | None]:
    """The file-wide rewrite to CoreV1Api, or no edits and the reason it is not offered;
    once per file. JP504 offers its Pod deletion only where this is offered: a
    delete_namespaced_pod on a client that stays a BatchV1Api would fail at run time."""
    return source.analysis(f"{__name__}.client_rewrite", lambda: _client_rewrite(source))


def _client_rewrite(source: PythonSource) -> tuple[list[Edit], str | None]:
    try:
        return _client_edits(source), None
    except NotRewritable as exc:
        return [], str(exc)


def _client_edits(source: PythonSource) -> list[Edit]:
    index = clients.client_index(source)
    uses = job_uses(source)
    _require_only_thin_jobs(source, index)
    edits: list[Edit] = []
    for call, cls in index.constructions:
        if cls.name == BATCH_API:
            edits.append(_renamed(source, call.func))
    for annotation in index.annotations:
        if annotation.cls.name == BATCH_API:
            edits.append(_renamed(source, annotation.node))
    for use in uses:
        span = source.span(use.attribute.attr)
        edits.append(Edit(span.start, span.end, pod_method(use.method)))
    if not any(True for c, cls in index.constructions if cls.name == BATCH_API) and not any(
        a.cls.name == BATCH_API for a in index.annotations
    ):
        raise NotRewritable("the BatchV1Api is created in another file")
    return edits + import_edits(source, edits, {BATCH_API: CORE_API})


def _require_only_thin_jobs(source: PythonSource, index: clients.ClientIndex) -> None:
    for use in index.uses:
        # A Pod method on it is JP504's rewrite, waiting for this one.
        method = use.method
        if use.api.cls.name == BATCH_API and not (
            JOB_METHOD.match(method) or POD_METHOD.match(method)
        ):
            raise NotRewritable(f"the BatchV1Api also calls `{method}`")
    for path in source.imports.values():
        if "batch_v1_api" in path.split(".")[:-1]:
            raise NotRewritable("BatchV1Api is imported from its own module")
    jobs = [j for j in code_jobs.code_jobs(source) if j.library == "kubernetes"]
    for job in jobs:
        reasons = code_jobs.blockers(job)
        if reasons:
            where = clients.where_in(source, job.node)
            raise NotRewritable(f"the Job built{where} stays a Job ({reasons[0]})")
    if not jobs and not code_jobs.builds_pods(source):
        raise NotRewritable(
            "the file builds no Job, so job2pod cannot tell whether its Jobs are thin wrappers"
        )


def _renamed(source: PythonSource, node: cst.CSTNode) -> Edit:
    """`client.BatchV1Api` → `client.CoreV1Api`, `kc.api.batch_v1_api.BatchV1Api` →
    `kc.api.core_v1_api.CoreV1Api`, `"BatchV1Api"` → `"CoreV1Api"`."""
    span = source.span(node)
    code = source.text[span.start : span.end]
    if not isinstance(node, cst.SimpleString) and dotted_name(node) != code:
        raise NotRewritable(f"`{clients.short_code(code)}` is not a plain dotted name")
    new = code.replace(BATCH_API, CORE_API).replace("batch_v1_api", "core_v1_api")
    return Edit(span.start, span.end, new)
