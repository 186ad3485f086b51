"""Kubernetes Jobs built in Python code, judged and converted like YAML Jobs.

Two shapes: client model calls (`V1Job(spec=V1JobSpec(template=V1PodTemplateSpec(…)))`,
keyword arguments in snake_case) and dict manifests (`{"kind": "Job", "spec": {…}}`, keys
in camelCase). Both are read into `Fields` keyed by the API's camelCase names, so the
thin-wrapper test is job_features' own table and the conversion follows DESIGN.md's
migration table as job_to_pod does for YAML: kind and apiVersion change in place, the pod
template's spec is lifted to `spec`, template labels and annotations merge into the
object's metadata (the object's own value wins), activeDeadlineSeconds moves into the pod
spec, and backoffLimit, TTL, completions, parallelism and selectors go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from linter.edits.python import (
    NotRewritable,
    append_member,
    apply_within,
    has_multiline_string,
    line_indent,
    reindent,
    replace_string_content,
    statement_line_region,
)
from linter.findings import Edit
from linter.kube import clients, extract, job_features
from linter.kube.job_to_pod import DEADLINE_NOTE, MERGED_LISTS, MERGED_METADATA, MOVED_TO_POD_SPEC
from linter.sources import python_flow
from linter.sources.python import PythonSource, walk

# lightkube and kr8s Jobs are reported, never rewritten: their APIs do not map one to one.
OTHER_JOB_CLASSES = ("Job",)
_CAMEL = re.compile(r"_([a-z0-9])")


def camel(snake: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), snake)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


@dataclass
class Fields:
    """The members of a model call or a dict literal by camelCase API name; `dynamic`
    says what hides others (`**kwargs`, a positional argument, a computed key)."""

    node: cst.Call | cst.Dict
    members: dict[str, tuple[cst.CSTNode, cst.BaseExpression]] = field(default_factory=dict)
    dynamic: str | None = None

    @property
    def is_dict(self) -> bool:
        return isinstance(self.node, cst.Dict)

    def value(self, name: str) -> cst.BaseExpression | None:
        member = self.members.get(name)
        return member[1] if member else None

    def member_text(self, name: str, value: str) -> str:
        return f'"{name}": {value}' if self.is_dict else f"{snake(name)}={value}"


def fields_of(node: cst.Call | cst.Dict) -> Fields:
    fields = Fields(node)
    if isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is None:
                fields.dynamic = "**kwargs" if arg.star == "**" else "a positional argument"
            else:
                fields.members[camel(arg.keyword.value)] = (arg, arg.value)
        return fields
    for element in node.elements:
        key = element.key if isinstance(element, cst.DictElement) else None
        text = literal(key) if key is not None else None
        if isinstance(element, cst.DictElement) and isinstance(text, str):
            fields.members[text] = (element, element.value)
        else:
            fields.dynamic = "a computed key"
    return fields


def literal(node: cst.BaseExpression | None) -> int | str | bool | None:
    """A number, string or bool written as such; None for anything computed."""
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


@dataclass
class CodeJob:
    """A Job built in code: a `V1Job(…)` call, a lightkube/kr8s `Job(…)` or a dict
    manifest. `spec`, `template` and `pod_spec` are None where they are not written
    inline (a variable, a function call)."""

    node: cst.Call | cst.Dict
    model: str
    fields: Fields
    spec: Fields | None
    template: Fields | None
    pod_spec: Fields | None
    in_cronjob: bool = False
    library: str = "kubernetes"
    # The locals the spec, template and pod spec were reached through (`spec = V1JobSpec(…)`
    # read by `V1Job(spec=spec)`), outermost first.
    refs: list[Ref] = field(default_factory=list)
    # The local the Job itself is bound to (`job = V1Job(…)`): attributes set on it later
    # are the Job's members, and what reads it must still work on a Pod.
    binding: python_flow.Binding | None = None

    @property
    def is_dict(self) -> bool:
        return isinstance(self.node, cst.Dict)


@dataclass(frozen=True)
class Ref:
    """A member of the Job chain written as a local's name: `template=template`."""

    member: str
    name: cst.Name
    binding: python_flow.Binding


def code_jobs(source: PythonSource) -> list[CodeJob]:
    """Every Job built in the file, once per file (several rules ask)."""
    return source.analysis(
        f"{__name__}.code_jobs",
        lambda: list(_find(source)) if source.module is not None else [],
    )


def _find(source: PythonSource) -> Iterator[CodeJob]:
    assert source.module is not None
    cronjob_specs: set[int] = set()
    inside_jobs: set[int] = set()
    # A patch's body is a change to a Job that exists, not a Job being built.
    patches: set[int] = set()
    jobs: list[CodeJob] = []
    standalone: list[cst.Call] = []
    # Pre-order: a call comes before its arguments, a V1Job (or a V1JobTemplateSpec)
    # before the V1JobSpec inside it.
    for node in walk(source.module):
        if id(node) in patches:
            if isinstance(node, cst.Call):
                spec = fields_of(node).value("spec")
                inside_jobs.add(id(spec))
            continue
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value.startswith("patch_")
        ):
            body = patch_body(node)
            if body is not None:
                patches.add(id(body))
        if isinstance(node, cst.Dict):
            manifest = _dict_job(source, node)
            if manifest is not None:
                jobs.append(manifest)
            continue
        if not isinstance(node, cst.Call):
            continue
        model = _model(source, node.func)
        if model is None:
            continue
        library, name = model
        if library != "kubernetes":
            if name in OTHER_JOB_CLASSES:
                yield CodeJob(node, name, fields_of(node), None, None, None, library=library)
        elif name == "V1JobTemplateSpec":
            spec = _model_call(source, fields_of(node).value("spec"), "V1JobSpec", [])
            if spec is not None:
                cronjob_specs.add(id(spec))
        elif name == "V1Job":
            job = _model_job(source, node, name, _object_fields(source, node), None)
            if job.spec is not None:
                inside_jobs.add(id(job.spec.node))
            jobs.append(job)
        elif name == "V1JobSpec":
            standalone.append(node)
    yield from jobs
    # A V1JobSpec built in a local before the V1Job that reads it belongs to that Job.
    for node in standalone:
        if id(node) not in inside_jobs:
            job = _model_job(source, node, "V1JobSpec", fields_of(node), node)
            job.in_cronjob = id(node) in cronjob_specs
            yield job


def _model(source: PythonSource, func: cst.BaseExpression) -> tuple[str, str] | None:
    """(library, class) of a client model class: "kubernetes" for the official client and
    its asyncio port alike."""
    found = clients.symbol(source, func)
    if found is None:
        return None
    if found.library in clients.CLIENT_LIBRARIES:
        return "kubernetes", found.name
    return found.library, found.name


def _model_call(
    source: PythonSource,
    node: cst.BaseExpression | None,
    name: str,
    refs: list[Ref] | None = None,
    member: str = "",
) -> cst.Call | None:
    """The `name` model call that `node` is, or names through a local (recorded in `refs`
    when a list is given: a conversion must know which locals it makes unused)."""
    node = _through_local(source, node, refs, member)
    if isinstance(node, cst.Call):
        model = _model(source, node.func)
        if model is not None and model == ("kubernetes", name):
            return node
    return None


def _through_local(
    source: PythonSource, node: cst.BaseExpression | None, refs: list[Ref] | None, member: str
) -> cst.BaseExpression | None:
    if refs is None or not isinstance(node, cst.Name):
        return node
    bound = python_flow.binding(source, node)
    if bound is None:
        return node
    refs.append(Ref(member, node, bound))
    return bound.value


def _object_fields(source: PythonSource, node: cst.Call | cst.Dict) -> Fields:
    """The members of a model call, with the attributes set on the local it is bound to
    afterwards (`body = V1Job(); body.spec = V1JobSpec(…)`)."""
    fields = fields_of(node)
    bound = python_flow.bound_to(source, node) if isinstance(node, cst.Call) else None
    if bound is not None:
        for attribute in python_flow.attribute_sets(source, bound):
            name = camel(attribute.attr)
            if name in fields.members:
                fields.dynamic = f"`{attribute.attr}` set twice"
            fields.members[name] = (attribute.statement, attribute.value)
    return fields


def _model_job(
    source: PythonSource, node: cst.Call, name: str, fields: Fields, spec: cst.Call | None
) -> CodeJob:
    """The Job of a `V1Job` call (or of a V1JobSpec built on its own, `spec` = `node`),
    followed down to its pod spec through the models written inline or in locals."""
    refs: list[Ref] = []
    if spec is None:
        spec = _model_call(source, fields.value("spec"), "V1JobSpec", refs, "spec")
    spec_fields = fields_of(spec) if spec is not None else None
    template = _model_call(
        source,
        spec_fields.value("template") if spec_fields else None,
        "V1PodTemplateSpec",
        refs,
        "template",
    )
    template_fields = fields_of(template) if template is not None else None
    pod_spec = _model_call(
        source,
        template_fields.value("spec") if template_fields else None,
        "V1PodSpec",
        refs,
        "pod spec",
    )
    return CodeJob(
        node,
        name,
        fields,
        spec_fields,
        template_fields,
        fields_of(pod_spec) if pod_spec is not None else None,
        refs=refs,
        binding=python_flow.bound_to(source, node) if name == "V1Job" else None,
    )


def _dict_job(source: PythonSource, node: cst.Dict) -> CodeJob | None:
    fields = fields_of(node)
    if literal(fields.value("kind")) != "Job":
        return None
    api_version = fields.value("apiVersion")
    refs: list[Ref] = []
    spec = _dict(source, fields.value("spec"), refs, "spec")
    if api_version is not None:
        if not str(literal(api_version) or "").startswith("batch/"):
            return None
    elif spec is None or "template" not in spec.members:
        # No apiVersion and no pod template: a scheduler's or a pipeline's own "Job".
        return None
    template = _dict(source, spec.value("template"), refs, "template") if spec else None
    pod_spec = _dict(source, template.value("spec"), refs, "pod spec") if template else None
    binding = python_flow.bound_to(source, node)
    return CodeJob(node, "dict", fields, spec, template, pod_spec, refs=refs, binding=binding)


def _dict(
    source: PythonSource,
    node: cst.BaseExpression | None,
    refs: list[Ref] | None = None,
    member: str = "",
) -> Fields | None:
    node = _through_local(source, node, refs, member)
    return fields_of(node) if isinstance(node, cst.Dict) else None


def blockers(job: CodeJob) -> list[str]:
    """Why this Job stays a Job (job_features' table); empty for a thin wrapper."""
    if job.library != "kubernetes":
        return [f"a {job.library} Job: found, not rewritten"]
    if job.in_cronjob:
        return ["jobTemplate (a CronJob creates its Jobs on a schedule)"]
    spec = job.spec
    if spec is None:
        return ["spec (built elsewhere: job2pod cannot read it)"]
    found = []
    if spec.dynamic:
        found.append(f"spec ({spec.dynamic} may set anything)")
    default_changed = set(job_features.BACKOFF_DEFAULT_CHANGED_BY) & set(spec.members)
    if "backoffLimit" not in spec.members and not default_changed:
        found.append(f"backoffLimit ({job_features.ABSENT_BACKOFF_LIMIT})")
    for name, (_, value) in spec.members.items():
        reason = job_features.spec_field_blocker(name, _literal_number(value))
        if reason is not None:
            found.append(f"{_shown(job, name)} ({reason})")
    if job.template is None:
        found.append("template (built elsewhere: job2pod cannot read it)")
    elif job.pod_spec is None:
        found.append("template spec (built elsewhere: job2pod cannot read it)")
    else:
        restart = job.pod_spec.value("restartPolicy")
        if restart is None:
            found.append(f"{_shown(job, 'restartPolicy')} ({job_features.ABSENT_RESTART_POLICY})")
        elif literal(restart) != "Never":
            shown = literal(restart) or "computed"
            found.append(f"{_shown(job, 'restartPolicy')} ({shown}: containers restart in place)")
    return found


def _literal_number(node: cst.BaseExpression) -> int | str | None:
    value = literal(node)
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _shown(job: CodeJob, name: str) -> str:
    return name if job.is_dict else snake(name)


@dataclass
class Conversion:
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def convert(source: PythonSource, job: CodeJob) -> Conversion:
    """The edits that turn a thin-wrapper Job into a Pod; NotRewritable says why not."""
    reasons = blockers(job)
    if reasons:
        raise NotRewritable("it stays a Job: " + "; ".join(reasons))
    spec, template, pod_spec = job.spec, job.template, job.pod_spec
    assert spec is not None and template is not None and pod_spec is not None
    if job.fields.dynamic:
        raise NotRewritable(f"the Job has {job.fields.dynamic}")
    if job.model == "V1JobSpec":
        raise NotRewritable("the V1JobSpec is built apart from its V1Job: rewrite them by hand")
    conversion = Conversion()
    if isinstance(job.node, cst.Call):
        func = job.node.func
        name = func.attr if isinstance(func, cst.Attribute) else func
        if not isinstance(name, cst.Name) or name.value != "V1Job":
            raise NotRewritable("V1Job is imported under another name")
        span = source.span(name)
        conversion.edits.append(Edit(span.start, span.end, "V1Pod"))
    for key, old, new in (("apiVersion", "batch/v1", "v1"), ("kind", "Job", "Pod")):
        value = job.fields.value(key)
        if value is None:
            continue
        if literal(value) != old:
            raise NotRewritable(f"{_shown(job, key)} is not the literal {old!r}")
        conversion.edits.append(replace_string_content(source, value, old, new))
    _require_pod_shaped_reads(source, job)
    _require_own_metadata(source, job)
    _merge_metadata(source, job, template, conversion)
    pod_spec_ref = next((r for r in job.refs if r.member == "pod spec"), None)
    if pod_spec_ref is None:
        conversion.edits.append(_lift_pod_spec(source, job, spec, pod_spec, conversion))
    else:
        conversion.edits.extend(_refer_to_pod_spec(source, job, spec, pod_spec_ref, conversion))
    conversion.edits.extend(_unused_locals(source, job))
    if "ttlSecondsAfterFinished" in spec.members:
        conversion.notes.append(_cleanup_note(source, job))
    return conversion


def _cleanup_note(source: PythonSource, job: CodeJob) -> str:
    """What cleans up the Pod once the TTL is gone: its owner, when the code gives it one
    (owner references in its metadata, kopf's adopt), else only the PodGC threshold
    (kube-controller-manager's --terminated-pod-gc-threshold)."""
    metadata = _meta_fields(source, job.fields.value("metadata"))
    owned = metadata is not None and "ownerReferences" in metadata.members
    if owned or any(word in source.text for word in ("adopt(", "append_owner_reference(")):
        return "the TTL dropped: the Task's ownerReference garbage-collects the Pod"
    return (
        "the TTL dropped: give the Pod its Task as owner, or a finished Pod is cleaned up "
        "only by the PodGC threshold"
    )


# The only Job spec field a Pod spec has too: every other one read off a converted Job fails.
_SHARED_SPEC_FIELDS = frozenset({"activeDeadlineSeconds", "active_deadline_seconds"})


def _require_pod_shaped_reads(source: PythonSource, job: CodeJob) -> None:
    """What reads the Job's local after it is built must work on a Pod: `job.spec.template`
    or `manifest["spec"]["backoffLimit"]` would fail once the Job is a Pod."""
    if job.binding is None:
        return
    for read in job.binding.reads:
        path = python_flow.access_path(source, read)
        if len(path) >= 2 and path[0] == "spec" and path[1] not in _SHARED_SPEC_FIELDS:
            shown = ".".join(path[:2]) if not job.is_dict else "".join(f'["{p}"]' for p in path[:2])
            sep = "." if not job.is_dict else ""
            raise NotRewritable(
                f"`{job.binding.name}{sep}{shown}` is used{clients.where_in(source, read)}: "
                "a Pod has no such field"
            )


def _require_own_metadata(source: PythonSource, job: CodeJob) -> None:
    """The pod template's labels go into the Job's metadata: not into a local that something
    else reads too."""
    value = job.fields.value("metadata")
    if not isinstance(value, cst.Name):
        return
    bound = python_flow.binding(source, value)
    if bound is not None and len(bound.reads) > 1:
        raise NotRewritable(f"the Job's metadata `{bound.name}` is shared with other objects")


def _refer_to_pod_spec(
    source: PythonSource, job: CodeJob, spec: Fields, ref: Ref, conversion: Conversion
) -> list[Edit]:
    """The pod spec is a local of its own (`pod_spec = V1PodSpec(…)`): the Pod's spec names
    it, and activeDeadlineSeconds moves into its call."""
    spec_value = job.fields.value("spec")
    assert spec_value is not None and job.pod_spec is not None
    target = source.span(spec_value)
    moved = _moved_fields(source, job, spec, job.pod_spec, conversion)
    # Setting its own attributes (`pod_spec.image_pull_secrets = …`) is still its own.
    sets = {id(a.target.value) for a in python_flow.attribute_sets(source, ref.binding)}
    others = [r for r in ref.binding.reads if r is not ref.name and id(r) not in sets]
    if moved and others:
        raise NotRewritable(f"the pod spec `{ref.binding.name}` is shared with other objects")
    return [Edit(target.start, target.end, ref.name.value), *moved]


def _unused_locals(source: PythonSource, job: CodeJob) -> list[Edit]:
    """The statements of the Job spec's and pod template's locals, which only the Job read."""
    edits = []
    for ref in job.refs:
        if ref.member == "pod spec":
            continue  # the Pod reads it now
        bound = ref.binding
        if len(bound.reads) != 1:
            others = [r for r in bound.reads if r is not ref.name]
            where = clients.where_in(source, others[0]) if others else ""
            raise NotRewritable(f"the Job's {ref.member} `{bound.name}` is also read{where}")
        if bound.line is None:
            raise NotRewritable(f"`{bound.name} = …` shares its line with other statements")
        edits.append(Edit(*statement_line_region(source, bound.line), ""))
    return edits


def _merge_metadata(
    source: PythonSource, job: CodeJob, template: Fields, conversion: Conversion
) -> None:
    """The Pod's metadata as the Job controller gives its Pods: the template's labels,
    annotations and finalizers, the template's value winning a conflict."""
    own_value = job.fields.value("metadata")
    own = _meta_fields(source, own_value) if own_value is not None else None
    if own is not None and "finalizers" in own.members:
        raise NotRewritable("the Job has finalizers of its own: on a Pod nobody removes them")
    template_meta = _meta_fields(source, template.value("metadata"))
    if template.value("metadata") is None:
        return
    if template_meta is None:
        raise NotRewritable("the pod template's metadata is built elsewhere: merge it by hand")
    wanted = [n for n in (*MERGED_METADATA, *MERGED_LISTS) if n in template_meta.members]
    if not wanted:
        return
    if own_value is None:
        text = source.code(template.value("metadata"))  # type: ignore[arg-type]
        conversion.edits.append(
            append_member(source, job.fields.node, job.fields.member_text("metadata", text))
        )
        return
    if own is None:
        raise NotRewritable("the Job's metadata is built elsewhere: merge the template's by hand")
    for name in wanted:
        theirs = template_meta.value(name)
        mine = own.value(name)
        assert theirs is not None
        if mine is None:
            text = _without_job_labels(source, theirs) if name == "labels" else source.code(theirs)
            conversion.edits.append(append_member(source, own.node, own.member_text(name, text)))
        elif source.code(mine) == source.code(theirs):
            continue
        elif isinstance(mine, cst.Dict) and isinstance(theirs, cst.Dict):
            _merge_dicts(source, name, mine, theirs, conversion)
        else:
            raise NotRewritable(
                f"the Job's {name} and the pod template's are both computed: merge them by hand"
            )


def _meta_fields(source: PythonSource, node: cst.BaseExpression | None) -> Fields | None:
    node = python_flow.value_of(source, node) if node is not None else None
    if isinstance(node, cst.Dict):
        return fields_of(node)
    call = _model_call(source, node, "V1ObjectMeta")
    return fields_of(call) if call is not None else None


def _without_job_labels(source: PythonSource, labels: cst.BaseExpression) -> str:
    if isinstance(labels, cst.Dict) and any(
        extract.is_job_generated_label(str(k)) for k in fields_of(labels).members
    ):
        raise NotRewritable("the pod template's labels hold Job-generated labels")
    return source.code(labels)


def _merge_dicts(
    source: PythonSource, name: str, mine: cst.Dict, theirs: cst.Dict, conversion: Conversion
) -> None:
    own = fields_of(mine)
    other = fields_of(theirs)
    if own.dynamic or other.dynamic:
        raise NotRewritable(f"the {name} have computed keys: merge them by hand")
    for key, (element, value) in other.members.items():
        if name == "labels" and extract.is_job_generated_label(key):
            continue
        present = own.value(key)
        if present is None:
            conversion.edits.append(append_member(source, mine, source.code(element).rstrip(",")))
        elif source.code(present) != source.code(value):
            where = source.span(present)
            conversion.edits.append(Edit(where.start, where.end, source.code(value)))
            conversion.notes.append(
                f"{name} {key}: the pod template's value replaces the Job's, as on the Job's Pods"
            )


def _lift_pod_spec(
    source: PythonSource, job: CodeJob, spec: Fields, pod_spec: Fields, conversion: Conversion
) -> Edit:
    """The Job's spec value replaced by the pod spec's text, re-indented to where it now
    stands, with activeDeadlineSeconds moved in."""
    spec_value = job.fields.value("spec")
    assert spec_value is not None
    inner = _moved_fields(source, job, spec, pod_spec, conversion)
    where = source.span(pod_spec.node)
    text = apply_within(source.text[where.start : where.end], where.start, inner)
    if not has_multiline_string(pod_spec.node):
        text = reindent(
            text,
            line_indent(source, where.start),
            line_indent(source, source.span(spec_value).start),
        )
    target = source.span(spec_value)
    return Edit(target.start, target.end, text)


def _moved_fields(
    source: PythonSource, job: CodeJob, spec: Fields, pod_spec: Fields, conversion: Conversion
) -> list[Edit]:
    """The edits of the pod spec that move activeDeadlineSeconds into it: added, or, when
    both set one, the smaller kept."""
    edits: list[Edit] = []
    for name in MOVED_TO_POD_SPEC:
        moved = spec.value(name)
        if moved is None:
            continue
        present = pod_spec.value(name)
        if present is None:
            edits.append(
                append_member(source, pod_spec.node, pod_spec.member_text(name, source.code(moved)))
            )
            conversion.notes.append(f"{_shown(job, name)} moved into the Pod spec: {DEADLINE_NOTE}")
            continue
        job_value, pod_value = _literal_number(moved), _literal_number(present)
        if not isinstance(job_value, int) or not isinstance(pod_value, int):
            raise NotRewritable(
                f"the Job and its pod spec both set {_shown(job, name)}, not both literally"
            )
        if job_value < pod_value:
            where = source.span(present)
            edits.append(Edit(where.start, where.end, source.code(moved)))
        kept = "the Job's" if job_value < pod_value else "the pod spec's"
        conversion.notes.append(
            f"{_shown(job, name)}: the smaller ({min(job_value, pod_value)}, {kept}) kept; {DEADLINE_NOTE}"
        )
    return edits


STOP_FIELDS = {"suspend": True, "parallelism": 0}


def suspend_patch(source: PythonSource, use: clients.ApiUse) -> str | None:
    """`suspend` or `parallelism` when `use` is a `patch_namespaced_job` call whose body
    stops the Job (`{"spec": {"suspend": True}}`, `V1Job(spec=V1JobSpec(suspend=True))`,
    or a name bound once in the file to such a dict); None otherwise."""
    if use.call is None or use.method != "patch_namespaced_job":
        return None
    body = patch_body(use.call)
    if isinstance(body, cst.Name):
        body = _bound_once(source, body.value)
    if isinstance(body, cst.Dict):
        spec = _dict(source, fields_of(body).value("spec"))
    else:
        job = _model_call(source, body, "V1Job")
        spec_call = _model_call(source, fields_of(job).value("spec"), "V1JobSpec") if job else None
        spec = fields_of(spec_call) if spec_call is not None else None
    if spec is None:
        return None
    for name, stops in STOP_FIELDS.items():
        value = literal(spec.value(name))
        if value == stops and isinstance(value, bool) == isinstance(stops, bool):
            return name
    return None


def patch_body(call: cst.Call) -> cst.BaseExpression | None:
    """The body of `patch_namespaced_job(name, namespace, body, …)`."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "body":
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[2].value if len(positional) > 2 else None


def _bound_once(source: PythonSource, name: str) -> cst.BaseExpression | None:
    assert source.module is not None
    values = [
        node.value
        for node in walk(source.module)
        if isinstance(node, cst.Assign)
        and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
    ]
    return values[0] if len(values) == 1 else None


def builds_pods(source: PythonSource) -> bool:
    """Whether the file builds Pods (a V1Pod call or a Pod dict manifest): with no Job
    left, the evidence that its API calls now handle the Task's Pods."""
    assert source.module is not None
    for node in walk(source.module):
        if isinstance(node, cst.Call):
            model = _model(source, node.func)
            if model is not None and model == ("kubernetes", "V1Pod"):
                return True
        elif isinstance(node, cst.Dict) and literal(fields_of(node).value("kind")) == "Pod":
            return True
    return False
