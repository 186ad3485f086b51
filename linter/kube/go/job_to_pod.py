"""The Job → Pod rewrite of a thin-wrapper Job literal in Go (DESIGN.md's migration table),
as one edit of the literal plus the edits it needs around it.

`batchv1.Job` becomes `corev1.Pod`; the pod template's spec takes the place of the Job's
spec (dedented, its comments kept); the template's labels and annotations join the Job's
metadata (the Job's own value wins a conflict); `ActiveDeadlineSeconds` moves into the pod
spec; BackoffLimit, the TTL, completions, parallelism and selectors go. The keyed elements
are realigned as gofmt aligns them. The function returning the Job returns a `*corev1.Pod`,
and later `job.Spec.Template.Spec` reads become `job.Spec`. What this cannot do exactly
raises NotRewritable with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from linter.edits import go as go_edits
from linter.edits.go import NotRewritable
from linter.findings import Edit
from linter.kube.go import api
from linter.kube.go.jobs import GoJob
from linter.sources.go import GoSource, walk

if TYPE_CHECKING:
    from tree_sitter import Node

MERGED_METADATA = ("Labels", "Annotations")
MOVED_TO_POD_SPEC = ("ActiveDeadlineSeconds",)
# What a Pod's spec has of a Job's: set on the Job's variable after the literal, they stay.
_POD_SPEC_FIELDS = frozenset(MOVED_TO_POD_SPEC)
_TTL_NOTE = "TTLSecondsAfterFinished dropped: the Task's ownerReference garbage-collects the Pod"


@dataclass
class GoConversion:
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def core_alias(source: GoSource) -> tuple[str, list[Edit]]:
    """The file's name for k8s.io/api/core/v1, and the import edit when it has none."""
    name = api.alias(source, api.CORE_V1)
    if name is not None:
        return name, []
    if "corev1" in source.imports or "corev1" in source.declared:
        raise NotRewritable("the name corev1 is taken in this file")
    return "corev1", go_edits.add_import(source, api.CORE_V1, "corev1")


def convert(source: GoSource, job: GoJob) -> GoConversion:
    if job.template is None or job.pod_spec_value is None:
        raise NotRewritable("the pod template is built elsewhere")
    core, import_edits = core_alias(source)
    conversion = GoConversion(edits=list(import_edits))
    inner: list[Edit] = []
    type_node = job.literal.child_by_field_name("type")
    assert type_node is not None
    inner.append(_replace(source, type_node, f"{core}.Pod"))
    fields = api.keyed_elements(source, job.body)
    for name in fields:
        if name not in ("ObjectMeta", "Spec", "TypeMeta"):
            raise NotRewritable(f"the Job literal sets {name}")
    if "TypeMeta" in fields:
        inner.extend(_type_meta(source, fields["TypeMeta"][1]))
    inner.extend(_merged_metadata(source, job, fields, conversion))
    spec_value = fields["Spec"][1]
    inner.append(_replace(source, spec_value, _lifted_pod_spec(source, job, conversion)))
    spec_fields = api.keyed_elements(source, job.spec)
    if "TTLSecondsAfterFinished" in spec_fields or "TTLSecondsAfterFinished" in job.assigned:
        conversion.notes.append(_TTL_NOTE)
    conversion.edits.append(go_edits.rewritten(source, job.literal, inner))
    conversion.edits.extend(_orphaned_locals(source, job))
    conversion.edits.extend(_later_uses(source, job))
    conversion.edits.extend(result_type_edits(source, job, core))
    return conversion


def _replace(source: GoSource, node: Node, text: str) -> Edit:
    span = source.span(node)
    return Edit(span.start, span.end, text)


def _type_meta(source: GoSource, value: Node) -> list[Edit]:
    edits = []
    for name, (_, node) in api.keyed_elements(source, api.literal_body(value)).items():
        new = {"APIVersion": "v1", "Kind": "Pod"}.get(name)
        if new is None:
            continue
        if node.type != "interpreted_string_literal":
            raise NotRewritable(f"TypeMeta.{name} is not a string literal")
        edits.append(_replace(source, node, f'"{new}"'))
    return edits


def _tabs(source: GoSource, node: Node) -> int:
    indent = go_edits.indent_at(source.text, source.offset(node.start_byte))
    if indent.strip("\t"):
        raise NotRewritable("the literal is indented with spaces")
    return len(indent)


def _multiline_raw_string(source: GoSource, node: Node) -> bool:
    return any(n.type == "raw_string_literal" and "\n" in source.code(n) for n in walk(node))


def _lifted_pod_spec(source: GoSource, job: GoJob, conversion: GoConversion) -> str:
    """The pod spec's text, dedented to the Job spec's place, ActiveDeadlineSeconds first."""
    assert job.pod_spec_value is not None
    spec_element = job.spec_value.parent if job.spec_value is not None else None
    pod_element = job.pod_spec_value.parent
    while spec_element is not None and spec_element.type != "keyed_element":
        spec_element = spec_element.parent
    while pod_element is not None and pod_element.type != "keyed_element":
        pod_element = pod_element.parent
    if spec_element is None or pod_element is None:
        raise NotRewritable("the pod spec is not a field of the template literal")
    shift = _tabs(source, pod_element) - _tabs(source, spec_element)
    if _multiline_raw_string(source, job.pod_spec_value) and shift:
        raise NotRewritable("a raw string spanning lines in the pod spec would shift")
    edits = []
    spec_fields = api.keyed_elements(source, job.spec)
    pod_fields = api.keyed_elements(source, job.pod_spec)
    for name in MOVED_TO_POD_SPEC:
        if name not in spec_fields:
            continue
        if name in pod_fields:
            conversion.notes.append(f"the Job's {name} dropped: the pod spec sets its own")
            continue
        if job.pod_spec is None:
            raise NotRewritable(f"{name} cannot move into a pod spec built elsewhere")
        edits.append(
            _first_element(source, job.pod_spec, f"{name}: {source.code(spec_fields[name][1])}")
        )
    span = source.span(job.pod_spec_value)
    text = go_edits.apply_within(source.text[span.start : span.end], span.start, edits)
    return go_edits.dedent(text, shift)


def _first_element(source: GoSource, body: Node, element: str) -> Edit:
    """`element` inserted as the first element of a composite literal's body."""
    brace = source.offset(body.start_byte) + 1
    first = next((c for c in body.named_children), None)
    if first is None or "\n" not in source.text[brace : source.offset(first.start_byte)]:
        return Edit(brace, brace, f"{element}, ")
    start = go_edits.line_start(source.text, source.offset(first.start_byte))
    indent = go_edits.indent_at(source.text, source.offset(first.start_byte))
    nl = go_edits.newline_of(source.text)
    return Edit(start, start, f"{indent}{element},{nl}")


def last_element(source: GoSource, body: Node, element: str) -> Edit:
    """`element` added as the last element of a composite literal's body."""
    close = source.offset(body.end_byte) - 1
    elements = [c for c in body.named_children if c.type != "comment"]
    if not elements:
        return Edit(close, close, element)
    last = elements[-1]
    end = source.offset(last.end_byte)
    between = source.text[end:close]
    if "\n" not in between:
        comma = "" if between.strip().startswith(",") else ", "
        at = end + 1 if between.startswith(",") else end
        return Edit(at, at, f"{comma}{element}" if comma else f" {element},")
    indent = go_edits.indent_at(source.text, source.offset(last.start_byte))
    nl = go_edits.newline_of(source.text)
    line_end = source.text.index("\n", end) + 1
    return Edit(line_end, line_end, f"{indent}{element},{nl}")


def _merged_metadata(
    source: GoSource, job: GoJob, fields: dict[str, tuple[Node, Node]], conversion: GoConversion
) -> list[Edit]:
    template_meta = api.keyed_elements(source, job.template).get("ObjectMeta")
    wanted = api.keyed_elements(source, api.literal_body(template_meta[1])) if template_meta else {}
    if template_meta and api.literal_body(template_meta[1]) is None:
        raise NotRewritable("the pod template's metadata is built elsewhere")
    wanted = {k: v for k, v in wanted.items() if k in MERGED_METADATA}
    if not wanted:
        return []
    own = fields.get("ObjectMeta")
    body = api.literal_body(own[1]) if own else None
    if body is None:
        raise NotRewritable("the Job's metadata is not a literal the template's can join")
    mine = api.keyed_elements(source, body)
    edits = []
    for name, (_, value) in wanted.items():
        if name in mine:
            if source.code(mine[name][1]) != source.code(value):
                conversion.notes.append(f"{name}: the Job's value kept over the pod template's")
            continue
        if _multiline_raw_string(source, value):
            raise NotRewritable(f"the template's {name} hold a raw string spanning lines")
        shift = (
            _tabs(source, value) - _tabs(source, body.named_children[0])
            if body.named_children
            else 0
        )
        text = go_edits.dedent(source.code(value), max(shift, 0))
        edits.append(last_element(source, body, f"{name}: {text}"))
    return edits


def _orphaned_locals(source: GoSource, job: GoJob) -> list[Edit]:
    """The declarations of locals that only the dropped Job fields used (`retries :=
    int32(0)` for `BackoffLimit: &retries`): Go refuses a local nobody uses. A declaration
    that computes something, or shares its line, blocks the rewrite instead."""
    if job.function is None or job.spec is None:
        return []
    dropped = [
        element
        for name, (element, _) in api.keyed_elements(source, job.spec).items()
        if name not in ("Template", *MOVED_TO_POD_SPEC)
    ]
    names = {source.code(n): n for e in dropped for n in walk(e) if n.type == "identifier"}
    edits = []
    values = api.values(source)
    for name in names:
        uses = [
            n
            for n in walk(job.function)
            if n.type == "identifier"
            and source.code(n) == name
            and not any(e.start_byte <= n.start_byte < e.end_byte for e in dropped)
        ]
        declarations = [n for n in uses if _declares(n)]
        if len(uses) != 1 or len(declarations) != 1:
            continue
        holder = declarations[0].parent
        statement = holder.parent if holder is not None else None
        value = statement.child_by_field_name("right") if statement is not None else None
        if statement is None or value is None:
            continue
        if len(value.named_children) != 1:
            raise NotRewritable(f"`{name}` would be left unused")
        if values.literal(value.named_children[0]) is None:
            raise NotRewritable(f"`{name}` would be left unused")
        start = source.offset(statement.start_byte)
        line = go_edits.line_start(source.text, start)
        end = source.offset(statement.end_byte)
        if source.text[line:start].strip() or source.text[end:].split("\n", 1)[0].strip():
            raise NotRewritable(f"`{name}` would be left unused")
        newline = source.text.find("\n", end)
        edits.append(Edit(line, newline + 1 if newline >= 0 else end, ""))
    return edits


def _declares(name: Node) -> bool:
    holder = name.parent
    statement = holder.parent if holder is not None else None
    return (
        holder is not None
        and statement is not None
        and statement.type == "short_var_declaration"
        and holder == statement.child_by_field_name("left")
        and len(holder.named_children) == 1
    )


def _later_uses(source: GoSource, job: GoJob) -> list[Edit]:
    """After the literal, `job.Spec.Template.Spec` is `job.Spec`; other reads and writes of
    the Job's spec have no Pod equivalent."""
    if job.binding is None or job.function is None:
        return []
    edits = []
    pod_spec = f"{job.binding}.Spec.Template.Spec"
    for node in walk(job.function):
        if node.type != "selector_expression" or node.start_byte < job.literal.end_byte:
            continue
        code = source.code(node)
        if code == pod_spec:
            operand = node.child_by_field_name("operand")
            assert operand is not None
            edits.append(_replace(source, node, f"{job.binding}.Spec"))
        elif code.startswith(f"{job.binding}.Spec.") and code.count(".") == 2:
            parent = node.parent
            if parent is not None and source.code(parent).startswith(pod_spec):
                continue
            field_name = code.rsplit(".", 1)[1]
            if field_name not in _POD_SPEC_FIELDS and field_name != "Template":
                raise NotRewritable(f"`{code}` is used after the literal: a Pod has no such field")
            if field_name == "Template":
                raise NotRewritable(f"`{code}` is used after the literal")
    return edits


def result_type_edits(source: GoSource, job: GoJob, core: str) -> list[Edit]:
    """`*batchv1.Job` in the result of the function returning this Job → `*corev1.Pod`."""
    from linter.kube.go.jobs import returning_functions

    function = returning_functions(source, job)
    if function is None:
        return []
    result = function.child_by_field_name("result")
    if result is None:
        return []
    return [
        _replace(source, node, f"{core}.Pod")
        for node in walk(result)
        if node.type == "qualified_type" and api.names(source, node, api.BATCH_V1, "Job")
    ]
