"""Jobs built in Go code: `batchv1.Job{…}` / `&batchv1.Job{…}` composite literals with a
spec, judged by the thin-wrapper table YAML Jobs are judged by (linter/kube/job_features.py).

A literal with no `Spec` (`&batchv1.Job{}` handed to `Owns` or `r.Get`, a Job named by its
metadata for a Delete) builds nothing: it names the type, and the client-call and watch
rules look at it. Fields set on the Job's variable after the literal
(`job.Spec.BackoffLimit = …`) count as the literal's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from linter.kube.go import api
from linter.kube.job_features import ABSENT_BACKOFF_LIMIT, ABSENT_RESTART_POLICY, spec_field_blocker
from linter.sources.go import GoSource, walk

if TYPE_CHECKING:
    from tree_sitter import Node


KEPT_JOB = "this file builds a Job that stays a Job"


@dataclass
class GoJob:
    literal: Node  # the composite literal `batchv1.Job{…}`
    expression: Node  # the literal, or `&` and the literal
    body: Node
    function: Node | None
    # The variable the literal is bound to (`job := &batchv1.Job{…}`), if any.
    binding: str | None
    spec_value: Node | None
    spec: Node | None  # the JobSpec literal's body
    template: Node | None  # the PodTemplateSpec literal's body
    pod_spec_value: Node | None
    pod_spec: Node | None  # the PodSpec literal's body
    # `job.Spec.<Field> = value` after the literal: field → (assignment, value).
    assigned: dict[str, tuple[Node, Node]] = field(default_factory=dict)
    # Assignments below the spec's fields (`job.Spec.Template.Spec.Containers = …`).
    deep_assignments: list[Node] = field(default_factory=list)


def go_jobs(source: GoSource) -> list[GoJob]:
    """Every Job literal with a spec in the file (shared by the Go rules)."""
    return source.analysis("go-jobs", lambda: list(_find(source)))


def _find(source: GoSource) -> list[GoJob]:
    found = []
    for node in source.nodes("composite_literal"):
        if not api.names(source, node.child_by_field_name("type"), api.BATCH_V1, "Job"):
            continue
        body = node.child_by_field_name("body")
        fields = api.keyed_elements(source, body)
        if body is None or "Spec" not in fields:
            continue
        parent = node.parent
        expression = parent if parent is not None and parent.type == "unary_expression" else node
        job = GoJob(
            literal=node,
            expression=expression,
            body=body,
            function=api.enclosing_function(node),
            binding=_binding(source, expression),
            spec_value=fields["Spec"][1],
            spec=None,
            template=None,
            pod_spec_value=None,
            pod_spec=None,
        )
        job.spec = api.literal_body(job.spec_value)
        template = api.keyed_elements(source, job.spec).get("Template")
        job.template = api.literal_body(template[1]) if template else None
        pod_spec = api.keyed_elements(source, job.template).get("Spec")
        job.pod_spec_value = pod_spec[1] if pod_spec else None
        job.pod_spec = api.literal_body(job.pod_spec_value)
        _assignments(source, job)
        found.append(job)
    return found


def _binding(source: GoSource, expression: Node) -> str | None:
    """`job` of `job := &batchv1.Job{…}`, `job = …`, `var job = …`."""
    holder = expression.parent
    if holder is None or holder.type != "expression_list":
        return None
    statement = holder.parent
    if statement is None:
        return None
    if statement.type in ("short_var_declaration", "assignment_statement"):
        left = statement.child_by_field_name("left")
        right = statement.child_by_field_name("right")
        names = left.named_children if left is not None else []
        values = right.named_children if right is not None else []
    elif statement.type == "var_spec":
        names = statement.children_by_field_name("name")
        values = holder.named_children
    else:
        return None
    if len(names) != len(values) or expression not in values:
        return None
    name = names[values.index(expression)]
    return source.code(name) if name.type == "identifier" else None


def _assignments(source: GoSource, job: GoJob) -> None:
    if job.binding is None or job.function is None:
        return
    prefix = f"{job.binding}.Spec."
    for node in walk(job.function):
        if node.type != "assignment_statement" or node.start_byte < job.literal.end_byte:
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or len(left.named_children) != 1:
            continue
        target = source.code(left.named_children[0])
        if not target.startswith(prefix):
            continue
        path = target[len(prefix) :]
        if "." in path or "[" in path or len(right.named_children) != 1:
            job.deep_assignments.append(node)
        else:
            job.assigned[path] = (node, right.named_children[0])


@dataclass(frozen=True)
class GoBlocker:
    field: str
    reason: str

    def describe(self) -> str:
        return f"{self.field} ({self.reason})"


def blockers(source: GoSource, job: GoJob) -> list[GoBlocker]:
    """Every reason this Job cannot become a Pod (JP206's table, with Go field names)."""
    key = f"go-blockers:{job.literal.start_byte}"
    return source.analysis(key, lambda: _blockers(source, job))


def _blockers(source: GoSource, job: GoJob) -> list[GoBlocker]:
    values = api.values(source)
    if job.spec is None:
        return [GoBlocker("Spec", "built elsewhere: its fields are not known here")]
    fields = {k: v for k, (_, v) in api.keyed_elements(source, job.spec).items()}
    fields.update({k: v for k, (_, v) in job.assigned.items()})
    found = []
    if "BackoffLimit" not in fields:
        found.append(GoBlocker("BackoffLimit", ABSENT_BACKOFF_LIMIT))
    for name, value in fields.items():
        json_name = api.JOB_SPEC_FIELDS.get(name)
        if json_name is None:
            found.append(GoBlocker(name, "not a JobSpec field job2pod knows"))
            continue
        literal = values.literal(value)
        reason = spec_field_blocker(json_name, literal if not isinstance(literal, bool) else None)
        if reason is not None:
            found.append(GoBlocker(name, reason))
    if job.template is None:
        found.append(GoBlocker("Template", "built elsewhere: the pod spec is not known here"))
    elif job.pod_spec is None:
        found.append(GoBlocker("RestartPolicy", "the pod spec is built elsewhere"))
    else:
        restart = _restart_policy(source, job)
        if restart is None:
            found.append(GoBlocker("RestartPolicy", ABSENT_RESTART_POLICY))
        else:
            literal = values.literal(restart)
            if literal != "Never":
                shown = literal if isinstance(literal, str) else "computed"
                found.append(GoBlocker("RestartPolicy", f"{shown}: containers restart in place"))
    return found


def _restart_policy(source: GoSource, job: GoJob) -> Node | None:
    assigned = job.binding and [
        n
        for n in job.deep_assignments
        if source.code(n).startswith(f"{job.binding}.Spec.Template.Spec.RestartPolicy ")
    ]
    if assigned:
        right = assigned[-1].child_by_field_name("right")
        return right.named_children[0] if right is not None and right.named_children else None
    element = api.keyed_elements(source, job.pod_spec).get("RestartPolicy")
    return element[1] if element else None


def is_thin_wrapper(source: GoSource, job: GoJob) -> bool:
    return not blockers(source, job)


def kept_job_note(source: GoSource) -> str | None:
    """Why the file's other Job rewrites are withheld: it builds a Job that stays a Job,
    whose client calls, watches, status reads and RBAC the file still needs (as for
    Python, nothing in such a file moves to Pods)."""
    return source.analysis("go-kept-job", lambda: _kept_job_note(source))


def _kept_job_note(source: GoSource) -> str | None:
    for job in go_jobs(source):
        if blockers(source, job):
            line = source.text.count("\n", 0, source.offset(job.literal.start_byte)) + 1
            return f"{KEPT_JOB} (line {line})"
    return None


def returning_functions(source: GoSource, job: GoJob) -> Node | None:
    """The function that returns this Job (the literal itself, or its variable)."""
    if job.function is None:
        return None
    for node in walk(job.function, stop=frozenset({"func_literal"})):
        if node.type != "return_statement" or not node.named_children:
            continue
        for value in node.named_children[0].named_children:
            if value == job.expression or (
                job.binding is not None and source.code(value) == job.binding
            ):
                return job.function
    return None
