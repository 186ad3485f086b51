"""Reads of a Job's status in Python code (succeeded, failed, active, conditions Complete or
Failed), and the Pod phase that says the same by DESIGN.md's mapping."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from linter.kube import batch_api, clients, code_jobs, kopf
from linter.sources.python import PythonSource, walk

_SUCCEEDED = 'the Pod\'s `status.phase == "Succeeded"`'
_FAILED = (
    '`status.phase == "Failed"` (a Pod evicted or preempted, or gone while Running, failed too)'
)
_ACTIVE = '`status.phase in ("Pending", "Running")`'
PHASE_OF = {
    "succeeded": _SUCCEEDED,
    "failed": _FAILED,
    "active": _ACTIVE,
    "ready": _ACTIVE,
    "completion_time": "the terminated container's `state.terminated.finished_at`",
    "completionTime": "the terminated container's `state.terminated.finished_at`",
    "Complete": _SUCCEEDED,
    "Failed": _FAILED,
    "SuccessCriteriaMet": _SUCCEEDED,
    "FailureTarget": _FAILED,
}
STATUS_FIELDS = frozenset(
    {"succeeded", "failed", "active", "ready", "completion_time", "completionTime"}
)
CONDITION_TYPES = frozenset({"Complete", "Failed", "SuccessCriteriaMet", "FailureTarget"})
_JOB_STATUS_MODELS = frozenset({"V1Job", "V1JobStatus", "V1JobCondition"})


def handles_pods(source: PythonSource) -> bool:
    return code_jobs.builds_pods(source) or any(
        use.method.endswith(("_namespaced_pod", "_namespaced_pod_status"))
        for use in clients.client_index(source).uses
    )


def api_results(source: PythonSource) -> set[str]:
    """Names bound to what a Kubernetes API call returned (`pod = core.read_…(…)`)."""
    assert source.module is not None
    calls = {id(use.attribute) for use in clients.client_index(source).uses}
    found: set[str] = set()
    for node in walk(source.module):
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target, value = node.targets[0].target, node.value
            if isinstance(value, cst.Await):
                value = value.expression
            if (
                isinstance(target, cst.Name)
                and isinstance(value, cst.Call)
                and id(value.func) in calls
            ):
                found.add(target.value)
    return found


def handles_jobs(source: PythonSource) -> bool:
    return bool(
        batch_api.job_uses(source)
        or code_jobs.code_jobs(source)
        or any(p.rsplit(".", 1)[-1] in _JOB_STATUS_MODELS for p in source.imports.values())
        or _mentions_job_model(source)
        or any(True for _ in kopf.job_handlers(source))
    )


def _mentions_job_model(source: PythonSource) -> bool:
    assert source.module is not None
    for node in walk(source.module):
        if isinstance(node, cst.Attribute) and node.attr.value in _JOB_STATUS_MODELS:
            found = clients.symbol(source, node)
            if found is not None:
                return True
    return False


def status_reads(source: PythonSource) -> list[tuple[cst.CSTNode, str]]:
    """(node, field) for every read of Job status: `x.status.succeeded`,
    `status["failed"]`, `status.get("active")`, a comparison with "Complete"/"Failed".
    Once per file: JP506 asks for each handler, JP507 for the file."""
    return source.analysis(f"{__name__}.status_reads", lambda: list(_status_reads(source)))


def _status_reads(source: PythonSource) -> Iterator[tuple[cst.CSTNode, str]]:
    assert source.module is not None
    # In a kopf handler on Jobs every key read is the Job's: `new`, `old`, `body["status"]`
    # and `(new or {})` all hold Job status without being called `status`.
    handlers = [source.span(h.function) for h in kopf.job_handlers(source)]
    for node in walk(source.module):
        found = _status_read(node)
        if found is None and handlers:
            span = source.span(node)
            if any(h.start <= span.start and span.end <= h.end for h in handlers):
                found = _key_read(node)
        if found is not None:
            yield node, found


def _status_read(node: cst.CSTNode) -> str | None:
    if (
        isinstance(node, cst.Attribute)
        and node.attr.value in STATUS_FIELDS
        and _is_status(node.value)
    ):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and _is_status(node.value):
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = code_jobs.literal(index.value)
            if isinstance(key, str) and key in STATUS_FIELDS:
                return key
    if _is_get(node, _is_status):
        assert isinstance(node, cst.Call)
        key = code_jobs.literal(node.args[0].value)
        if isinstance(key, str) and key in STATUS_FIELDS:
            return key
    if isinstance(node, cst.Comparison):
        sides = [node.left, *(c.comparator for c in node.comparisons)]
        literals = [code_jobs.literal(s) for s in sides]
        for value in literals:
            if isinstance(value, str) and value in CONDITION_TYPES and _mentions_type(sides):
                return value
    return None


def _key_read(node: cst.CSTNode) -> str | None:
    """A status field read from any receiver: `x["succeeded"]`, `x.get("failed")`."""
    key: cst.BaseExpression | None = None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        key = index.value if isinstance(index, cst.Index) else None
    elif _is_get(node) and isinstance(node, cst.Call):
        key = node.args[0].value
    value = code_jobs.literal(key)
    return value if isinstance(value, str) and value in STATUS_FIELDS else None


def write_targets(source: PythonSource) -> set[int]:
    assert source.module is not None
    found: set[int] = set()
    for node in walk(source.module):
        if isinstance(node, cst.Assign):
            found.update(id(t.target) for t in node.targets)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            found.add(id(node.target))
    return found


def root_name(node: cst.CSTNode) -> str | None:
    """`job` of `job.status.succeeded`, `job["status"]["failed"]`, `job.status.get(…)`."""
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return None


def _is_status(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "status"
    if isinstance(node, cst.Attribute):
        return node.attr.value == "status"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and code_jobs.literal(index.value) == "status"
    return False


def _mentions_type(sides: list[cst.BaseExpression]) -> bool:
    for side in sides:
        if isinstance(side, cst.Attribute) and side.attr.value == "type":
            return True
        if isinstance(side, cst.Subscript) and len(side.slice) == 1:
            index = side.slice[0].slice
            if isinstance(index, cst.Index) and code_jobs.literal(index.value) == "type":
                return True
        if (
            _is_get(side)
            and isinstance(side, cst.Call)
            and code_jobs.literal(side.args[0].value) == "type"
        ):
            return True
    return False


def _is_get(
    node: cst.CSTNode, receiver: Callable[[cst.BaseExpression], bool] = lambda _: True
) -> bool:
    """`receiver.get(key, …)`."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and bool(node.args)
        and receiver(node.func.value)
    )
