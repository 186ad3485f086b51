"""BatchV1Api Job calls in Python code, and the rewrite of a file's BatchV1Api clients to
CoreV1Api: every Job method becomes the Pod method of the same shape, where the file builds
only Jobs that become Pods."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass
class ClientGroup:
    """BatchV1Api clients of one file that convert together, and their Job calls.

    Clients created at different places each are a group of their own (a Task runner's and a
    maintenance loop's); a client known only from an annotation (a parameter) could be any
    of them, so a file that has one makes all its clients one group."""

    key: str
    apis: list[clients.Api]
    uses: list[clients.ApiUse]
    anchor: cst.CSTNode
    # Suspend patches on these clients: JP504 turns them into Pod deletions.
    stops: list[clients.ApiUse] = field(default_factory=list)
    # The BatchV1Api annotations that name these clients (a factory's return annotation).
    annotations: list[cst.CSTNode] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    reason: str | None = None


def client_groups(source: PythonSource) -> list[ClientGroup]:
    """Once per file: JP501 offers one fix per group, JP504 rewrites a stop only where its
    client's group is rewritten (a delete_namespaced_pod on a BatchV1Api would fail)."""
    return source.analysis(f"{__name__}.client_groups", lambda: _client_groups(source))


def group_of(source: PythonSource, api: clients.Api) -> ClientGroup | None:
    return next((g for g in client_groups(source) if api in g.apis), None)


def client_key(source: PythonSource, api: clients.Api) -> str:
    """Where a client comes from, as the plan ties units by it."""
    if api.site is not None:
        return f"client:{api.site[0]}:{api.site[1]}"
    if api.declared:
        return f"client-file:{source.path}"
    return f"client:{source.path}:{source.span(api.created).start}"


def _client_groups(source: PythonSource) -> list[ClientGroup]:
    index = clients.client_index(source)
    batch = [u for u in index.uses if u.api.cls.name == BATCH_API]
    apis: list[clients.Api] = []
    for use in batch:
        if use.api not in apis:
            apis.append(use.api)
    for call, cls in index.constructions:
        if cls.name == BATCH_API and not any(a.created is call for a in apis):
            known = next((a for a in index.bindings.values() if a.created is call), None)
            apis.append(known or clients.Api(cls, call, ""))
    if not apis:
        return []
    owned = _returned_constructions(source, index)
    loose = [
        a.node for a in index.annotations if a.cls.name == BATCH_API and id(a.node) not in owned
    ]
    together = bool(loose) or any(a.declared for a in apis)
    keys = [f"client-file:{source.path}" if together else client_key(source, a) for a in apis]
    groups: dict[str, ClientGroup] = {}
    for key, api in zip(keys, apis, strict=True):
        group = groups.get(key)
        if group is None:
            group = groups[key] = ClientGroup(key, [], [], api.created)
        group.apis.append(api)
    for group in groups.values():
        group.annotations = [
            a.node
            for a in index.annotations
            if a.cls.name == BATCH_API
            and (owned.get(id(a.node)) in [id(x.created) for x in group.apis] or together)
        ]
    jobs = set(map(id, job_uses(source)))
    for use in batch:
        group = next(g for g in groups.values() if use.api in g.apis)
        if id(use) in jobs:
            group.uses.append(use)
        elif use.call is not None and code_jobs.suspend_patch(source, use) is not None:
            group.stops.append(use)
    for group in groups.values():
        group.anchor = _anchor(source, index, group)
        try:
            group.edits = _group_edits(source, index, group, batch, together)
        except NotRewritable as exc:
            group.reason = str(exc)
    return list(groups.values())


def _returned_constructions(source: PythonSource, index: clients.ClientIndex) -> dict[int, int]:
    """id(return annotation) → id(construction) for the functions that return a client
    they create (`def task_runs(self) -> BatchV1Api: return BatchV1Api(…)`): the
    annotation names that client and is renamed with it."""
    from linter.sources import python_flow
    from linter.sources.python import walk

    created = {id(call) for call, cls in index.constructions if cls.name == BATCH_API}
    found: dict[int, int] = {}
    assert source.module is not None
    for function in walk(source.module):
        if not isinstance(function, cst.FunctionDef) or function.returns is None:
            continue
        values = [python_flow.value_of(source, v) for v in python_flow.returned_values(function)]
        calls = [v for v in values if id(v) in created]
        if len(calls) == 1 and len(values) == 1:
            for annotation in index.annotations:
                if annotation.node is function.returns.annotation or _inside(
                    source, annotation.node, function.returns
                ):
                    found[id(annotation.node)] = id(calls[0])
    return found


def _inside(source: PythonSource, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
    span, around = source.span(node), source.span(outer)
    return around.start <= span.start and span.end <= around.end


def _anchor(source: PythonSource, index: clients.ClientIndex, group: ClientGroup) -> cst.CSTNode:
    """Where the group's fix is reported: its first construction here, else annotation,
    else its first call (a client created in another module)."""
    created: list[cst.CSTNode] = [
        c.func for c, cls in index.constructions if any(a.created is c for a in group.apis)
    ]
    if not created and any(a.declared for a in group.apis):
        created = list(group.annotations)
    if not created:
        created = [u.attribute.attr for u in group.uses]
    return min(created, key=lambda n: source.span(n).start) if created else group.apis[0].created


def _group_edits(
    source: PythonSource,
    index: clients.ClientIndex,
    group: ClientGroup,
    batch: list[clients.ApiUse],
    together: bool,
) -> list[Edit]:
    for use in batch:
        # A Pod method on it is JP504's rewrite, waiting for this one.
        method = use.method
        if use.api in group.apis and not (JOB_METHOD.match(method) or POD_METHOD.match(method)):
            raise NotRewritable(f"the BatchV1Api also calls `{method}`")
    for path in source.imports.values():
        if "batch_v1_api" in path.split(".")[:-1]:
            raise NotRewritable("BatchV1Api is imported from its own module")
    if not source.planned:
        _require_only_thin_jobs(source)
    edits: list[Edit] = []
    for call, cls in index.constructions:
        if cls.name == BATCH_API and any(a.created is call for a in group.apis):
            edits.append(_renamed(source, call.func))
    for annotation in group.annotations:
        edits.append(_renamed(source, annotation))
    # A client another module of the tree creates converts there, with its unit.
    if not edits and not any(a.site is not None for a in group.apis):
        raise NotRewritable("the BatchV1Api is created in another file")
    for use in group.uses:
        span = source.span(use.attribute.attr)
        edits.append(Edit(span.start, span.end, pod_method(use.method)))
    return edits + import_edits(source, edits, {BATCH_API: CORE_API})


def _require_only_thin_jobs(source: PythonSource) -> None:
    """In a check of one file: the evidence that the client's Jobs are thin wrappers is the
    Jobs the file builds. (A migration judges the Jobs a client creates across files.)"""
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
