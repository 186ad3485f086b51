"""The Python side of the inventory: what one controller module contributes to the plan.

The Jobs it builds, the BatchV1Api clients and the calls on them, the stops, the status
reads, the selectors and the kopf handlers on Jobs, each a member tied to the others by
what the code passes around: the Job that a create call sends (followed through locals, the
returns of functions here or in other modules of the tree, and the arguments of this
module's own callers), the client a call is made on, and the function it sits in. A status
read or a selector that nothing ties to one path is tied to all of the module's: the careful
reading of what cannot be told apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from linter.findings import Finding
from linter.kube import batch_api, clients, code_jobs, code_names, job_status, kopf
from linter.migration.manifests import Occurrence
from linter.migration.tree import TreeFacts, is_library
from linter.migration.units import Member, Place
from linter.sources import python_flow
from linter.sources.python import PythonSource, walk

# Calls that change a Job in place: a Pod's spec cannot change, so nothing maps them.
_CHANGES = ("replace_namespaced_job", "patch_namespaced_job", "replace_namespaced_job_status")
_CREATES = ("create_namespaced_job",)
_BODY_POSITION = 1
_MAX_DEPTH = 4
NOT_REWRITTEN = "(not rewritten: "


@dataclass(frozen=True)
class NameUse:
    """An identifier of the rename map (`build_job`) where this module defines, imports or
    calls it, with the JP505 fix that renames it (or none)."""

    name: str
    place: Place
    defines: bool
    fixable: bool
    # The definition this use resolves to: (module, qualname) in the tree, None if unknown.
    target: tuple[str, str] | None
    # The module is a package's public API (not a script or a controller entry point).
    public: bool
    links: tuple[str, ...] = ()
    # Why a rename cannot follow this use (a string, an attribute of an unknown object).
    why: str | None = None


@dataclass
class Handler:
    """A kopf handler on Jobs, to be tied to the Jobs it watches across the tree."""

    member: Member
    labels: tuple[str, ...]
    root: str


@dataclass
class Producer:
    member: Member
    labels: tuple[str, ...]
    root: str


@dataclass
class ControllerFacts:
    path: str
    module: str
    members: list[Member] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    names: list[NameUse] = field(default_factory=list)
    handlers: list[Handler] = field(default_factory=list)
    producers: list[Producer] = field(default_factory=list)
    # Members whose Job comes from a function that another module returns: each key must
    # be a Job some module of the tree builds.
    pending: list[tuple[Member, str]] = field(default_factory=list)


def root_of(module: str, path: str) -> str:
    """The package a module belongs to, or the directory of a script: what one operator
    or controller process is made of, as far as the tree tells."""
    if "." in module:
        return module.split(".")[0]
    return path.rsplit("/", 1)[0] if "/" in path else "."


def job_key(path: str, start: int) -> str:
    return f"code-job:{path}:{start}"


def returns_key(module: str, qualname: str) -> str:
    return f"returns:{module}:{qualname}"


def index(
    path: str,
    source: PythonSource,
    findings: Sequence[Finding],
    tree: TreeFacts,
    renames: tuple[Mapping[str, str], Mapping[str, str]],
    rename_public: bool = False,
) -> ControllerFacts:
    """`renames`: the field and identifier rename maps of the run (JP505's params)."""
    info = tree.by_path.get(path)
    module = info.name if info is not None else path
    facts = ControllerFacts(path, module)
    if source.module is None:
        return facts
    reader = _Reader(path, module, source, findings, tree, facts, renames, rename_public)
    reader.read()
    return facts


class _Reader:
    def __init__(
        self,
        path: str,
        module: str,
        source: PythonSource,
        findings: Sequence[Finding],
        tree: TreeFacts,
        facts: ControllerFacts,
        renames: tuple[Mapping[str, str], Mapping[str, str]],
        rename_public: bool = False,
    ) -> None:
        self.renames = renames
        self.rename_public = rename_public
        self.path = path
        self.module = module
        self.source = source
        self.findings = findings
        self.tree = tree
        self.facts = facts
        info = tree.by_path.get(path)
        self.imported = {i.local: i for i in info.imports} if info is not None else {}
        self.jobs = {id(j.node): j for j in code_jobs.code_jobs(source)}
        self.functions = _functions(source)

    @property
    def _module(self) -> cst.Module:
        assert self.source.module is not None
        return self.source.module

    # -- places and findings ------------------------------------------------------------

    def place(self, node: cst.CSTNode) -> Place:
        span = self.source.span(node)
        return Place(self.path, span.start, span.end, self.source.line(node))

    def finding(self, rule: str, node: cst.CSTNode) -> Finding | None:
        """The rule's finding at `node`; the one with a fix, where there are several (a
        client's fix beside the finding on its first call)."""
        span = self.source.span(node)
        found = [
            f for f in self.findings if f.rule_id == rule and span.start <= f.span.start < span.end
        ]
        return next((f for f in found if f.fix is not None), found[0] if found else None)

    def context(self, node: cst.CSTNode) -> tuple[str, ...]:
        function = python_flow.enclosing_function(self.source, node)
        if function is None:
            return (f"module:{self.path}",)
        return (f"fn:{self.path}:{self.functions.get(id(function), function.name.value)}",)

    # -- the members --------------------------------------------------------------------

    def read(self) -> None:
        self._producers()
        self._sinks()
        self._clients()
        self._status_reads()
        self._handlers()
        self._selectors()
        self._label_reads()
        self._names()
        self._tie_orphans()

    def _producers(self) -> None:
        returned = self._returned_jobs()
        for job in self.jobs.values():
            if job.library == "kubernetes" and job.in_cronjob:
                continue
            key = job_key(self.path, self.source.span(job.node).start)
            links = (key, *self.context(job.node), *returned.get(key, ()))
            rule = "JP503" if job.is_dict else "JP502"
            reasons = code_jobs.blockers(job)
            blocker = f"stays a Job: {'; '.join(reasons)}" if reasons else None
            if blocker is None:
                found = self.finding(rule, _head(job))
                if found is None or found.fix is None:
                    blocker = _reason(found, "its rewrite to a Pod is not selected")
            if blocker is None:
                blocker = self.escapes(job.node, 0) or self._leaves_library(returned.get(key, ()))
            member = Member(
                "job",
                self.place(job.node),
                f"{_described(job)}{clients.where_in(self.source, job.node)}",
                links,
                rules=frozenset({rule}),
                blocker=blocker,
                producer=not reasons,
            )
            self.facts.members.append(member)
            self.facts.producers.append(
                Producer(member, _job_labels(self.source, job), self._root())
            )

    def _leaves_library(self, returns: Sequence[str]) -> str | None:
        """A library's public function that hands the Job out: its callers outside the
        tree would get a Pod (unless `rename-public`, which owns up to changing the API)."""
        if self.rename_public or not is_library(self.tree, self.path):
            return None
        for key in returns:
            qualname = key.rsplit(":", 1)[-1]
            if not any(part.startswith("_") for part in qualname.split(".")):
                return (
                    f"the Job leaves the package through its public `{qualname}` "
                    f"({self.module}): callers outside the scanned paths would get a Pod"
                )
        return None

    def _returned_jobs(self) -> dict[str, list[str]]:
        """job key → the `returns:` keys of the functions that hand that Job out."""
        found: dict[str, list[str]] = {}
        for function in (n for n in walk(self._module) if isinstance(n, cst.FunctionDef)):
            qualname = self.functions[id(function)]
            for value in python_flow.returned_values(function):
                for key in self.trace(value, 0) or ():
                    if key.startswith("code-job:"):
                        found.setdefault(key, []).append(returns_key(self.module, qualname))
        return found

    def _sinks(self) -> None:
        """Calls of functions that may hand out a Job (here or in another module): what the
        caller does with the result must work on a Pod too. Each becomes a member tied to
        the function's Jobs; the plan drops those of functions that return no Job."""
        assert self.source.module is not None
        for call in (n for n in walk(self.source.module) if isinstance(n, cst.Call)):
            keys = self._returned(call, 0) or set()
            if not keys:
                continue
            reason = self.escapes(call, 0)
            if reason is None:
                continue
            self.facts.members.append(
                Member(
                    "sink",
                    self.place(call),
                    f"the use of `{clients.short_code(self.source.code(call.func))}(…)`"
                    f"{clients.where_in(self.source, call)}",
                    tuple(sorted(keys)),
                    blocker=reason,
                )
            )

    def escapes(self, node: cst.CSTNode, depth: int) -> str | None:
        """Why the Job that `node` evaluates to goes where a Pod would break things, or
        None: it is created through a client, returned (its callers are looked at where
        they are), read field by field, adopted by kopf or logged."""
        parent = self.source.parents.get(node)
        where = clients.where_in(self.source, node)
        if isinstance(parent, (cst.Return, cst.Await)) or depth > _MAX_DEPTH:
            return None
        if isinstance(parent, cst.Arg):
            call = self.source.parents.get(parent)
            return self._consumed(call, parent, depth) if isinstance(call, cst.Call) else None
        if isinstance(parent, cst.Assign) and parent.value is node:
            target = parent.targets[0].target if len(parent.targets) == 1 else None
            bound = (
                python_flow.binding(self.source, target) if isinstance(target, cst.Name) else None
            )
            if bound is None:
                shown = self.source.code(target) if target is not None else "several targets"
                return f"the Job is stored in `{clients.short_code(shown)}`{where}"
            for read in bound.reads:
                reason = self._read_escapes(read, depth)
                if reason is not None:
                    return reason
            return None
        if isinstance(parent, cst.Attribute):
            return None  # a field read off it (`job.metadata.name`)
        if isinstance(parent, cst.Expr):
            return None
        return f"the Job is passed on in a way job2pod does not follow{where}"

    def _read_escapes(self, read: cst.Name, depth: int) -> str | None:
        parent = self.source.parents.get(read)
        if isinstance(parent, cst.Attribute) and parent.value is read:
            return None
        if isinstance(parent, cst.Subscript) and parent.value is read:
            return None  # a key read off a dict manifest (`body["metadata"]["name"]`)
        return self.escapes(read, depth + 1)

    def _consumed(self, call: cst.Call, arg: cst.Arg, depth: int) -> str | None:
        """A Job handed to a call: to a client method (the API takes a Pod as well), to
        kopf's owner helpers or a logger, or to a function of this module whose parameter
        is followed in turn."""
        if self._is_api_call(call):
            return None
        name = self._callee(call)
        if name.split(".")[0] in _HARMLESS_ROOTS or name.rsplit(".", 1)[-1] in _HARMLESS_CALLS:
            return None
        local = self._local_function(call.func)
        if local is not None:
            params = [p.name.value for p in local.params.params]
            method = "." in self.functions.get(id(local), "") and params[:1] in (["self"], ["cls"])
            position = (
                [a for a in call.args if a.keyword is None].index(arg)
                if arg.keyword is None
                else -1
            )
            param = (
                arg.keyword.value
                if arg.keyword is not None
                else (
                    params[position + (1 if method else 0)]
                    if position + (1 if method else 0) < len(params)
                    else None
                )
            )
            target = next((p.name for p in local.params.params if p.name.value == param), None)
            if target is None:
                return f"the Job is handed to `{name}` as an argument job2pod cannot follow"
            bound = _parameter_reads(self.source, local, target.value)
            for read in bound:
                reason = self._read_escapes(read, depth + 1)
                if reason is not None:
                    return reason
            return None
        imported = self.imported.get(name.split(".")[0])
        outside = "" if imported is not None else " (not in the scanned paths)"
        return (
            f"the Job is handed to `{name}`{outside}{clients.where_in(self.source, call)}, "
            "which job2pod cannot tell would take a Pod"
        )

    def _is_api_call(self, call: cst.Call) -> bool:
        func = call.func
        index = clients.client_index(self.source)
        return isinstance(func, cst.Attribute) and any(u.attribute is func for u in index.uses)

    def _callee(self, call: cst.Call) -> str:
        from linter.sources.python import dotted_name

        qualified = self.source.qualified(call.func)
        return (
            qualified or dotted_name(call.func) or clients.short_code(self.source.code(call.func))
        )

    def _clients(self) -> None:
        for group in batch_api.client_groups(self.source):
            keys = tuple(
                dict.fromkeys(
                    [group.key, *(batch_api.client_key(self.source, a) for a in group.apis)]
                )
            )
            if not group.uses and not group.stops and group.reason is not None:
                continue
            found = self.finding("JP501", group.anchor)
            blocker = group.reason
            if blocker is None and (found is None or found.fix is None):
                blocker = "its rewrite to CoreV1Api is not selected"
            self.facts.members.append(
                Member(
                    "client",
                    self.place(group.anchor),
                    f"the BatchV1Api `{clients.short_code(self.source.code(group.anchor))}`"
                    f"{clients.where_in(self.source, group.anchor)}",
                    keys,
                    rules=frozenset({"JP501"}),
                    blocker=blocker,
                )
            )
            for use in group.uses:
                self._call(use, keys)
            for use in group.stops:
                stop = self.finding("JP504", use.attribute.attr)
                self.facts.members.append(
                    Member(
                        "stop",
                        self.place(use.attribute),
                        f"the suspend patch `{use.method}`{clients.where_in(self.source, use.attribute)}",
                        (*keys, *self.context(use.attribute)),
                        rules=frozenset({"JP504"}),
                        grants=(("pods", "delete"),),
                        blocker=None
                        if stop is not None and stop.fix
                        else _reason(stop, "no rewrite"),
                    )
                )

    def _call(self, use: clients.ApiUse, keys: tuple[str, ...]) -> None:
        method = use.method
        where = clients.where_in(self.source, use.attribute)
        blocker = None
        links: list[str] = [*keys, *self.context(use.attribute)]
        member = Member(
            "call",
            self.place(use.attribute),
            f"`{method}`{where}",
            (),
            required=False,
            grants=pods_grants(method, watched=use.call is None or _watches(use.call)),
        )
        if method.startswith(_CHANGES) and not _metadata_only(self.source, use):
            blocker = f"`{method}` changes the Job in place: a Pod's spec cannot change that way"
        elif method.startswith(_CREATES):
            body = _body(use)
            traced = self.trace(body, 0) if body is not None else None
            if not traced:
                blocker = (
                    f"`{method}`{where} creates a Job built where job2pod cannot follow it "
                    "(a parameter from outside, another library)"
                )
            else:
                links.extend(traced)
                for key in traced:
                    if key.startswith("returns:") and not key.startswith(f"returns:{self.module}:"):
                        self.facts.pending.append((member, key))
        member.links = tuple(dict.fromkeys(links))
        member.blocker = blocker
        self.facts.members.append(member)

    def _status_reads(self) -> None:
        for node, read in job_status.status_reads(self.source):
            found = self.finding("JP507", node)
            if found is None:
                continue  # a write, or a read the rule leaves alone here
            self.facts.members.append(
                Member(
                    "status-read",
                    self.place(node),
                    f"the read of the Job's `{read}`{clients.where_in(self.source, node)}",
                    self.context(node),
                    rules=frozenset({"JP507"}),
                    blocker=None if found.fix else _reason(found, "no Pod phase says the same"),
                )
            )

    def _handlers(self) -> None:
        for handler in kopf.job_handlers(self.source):
            found = self.finding("JP506", handler.decorator)
            member = Member(
                "handler",
                self.place(handler.decorator),
                f"the kopf handler `{handler.function.name.value}` on Jobs",
                self.context(handler.function.body),
                rules=frozenset({"JP506"}),
                grants=(("pods", "list"), ("pods", "watch")),
                blocker=None if found is not None and found.fix else _reason(found, "no rewrite"),
            )
            self.facts.members.append(member)
            labels = _handler_labels(self.source, handler.decorator)
            self.facts.handlers.append(Handler(member, labels, self._root()))

    def _selectors(self) -> None:
        for found in self.findings:
            if found.rule_id != "JP207":
                continue
            node = _node_at(self.source, found.span.start, found.span.end)
            context = self.context(node) if node is not None else (f"module:{self.path}",)
            self.facts.members.append(
                Member(
                    "selector",
                    Place(self.path, found.span.start, found.span.end, found.start.line),
                    f"the selector {found.message.split(' selects')[0]}",
                    context,
                    rules=frozenset({"JP207"}),
                    blocker=None if found.fix else f"{found.message}",
                )
            )

    def _label_reads(self) -> None:
        """`pod.metadata.labels["job-name"]`: a label only the Job controller sets, read off
        an object (no selector, so no JP207): the Pod the Task creates has none of it."""
        assert self.source.module is not None
        for node in walk(self.source.module):
            if not isinstance(node, (cst.Subscript, cst.Call)):
                continue
            key = _label_key_read(node)
            if key is None or not _is_job_label(key):
                continue
            self.facts.members.append(
                Member(
                    "label-read",
                    self.place(node),
                    f"the read of the `{key}` label{clients.where_in(self.source, node)}",
                    self.context(node),
                    blocker=(
                        f"it reads the `{key}` label, which only the Job controller sets: the "
                        "Pod the Task creates has none (read its name, or a label of its own)"
                    ),
                )
            )

    def _names(self) -> None:
        public = is_library(self.tree, self.path)
        for found in code_names.occurrences(self.source, *self.renames):
            finding = self.finding("JP505", found.node)
            fixable = finding is not None and finding.fix is not None
            place = Place(self.path, found.span.start, found.span.end, self.source.line(found.node))
            links = self.context(found.node)
            if found.what == "function":
                self.facts.names.append(
                    NameUse(
                        found.old,
                        place,
                        found.writes,
                        fixable,
                        self._definition(found),
                        public and not _private(self._definition(found), found.old),
                        links,
                    )
                )
            else:
                self.facts.occurrences.append(
                    Occurrence(found.old, place, "JP505", fixable, found.writes, links)
                )
        for reference in code_names.references(self.source, self.renames[1]):
            node = reference.node
            span = self.source.span(node)
            place = Place(self.path, span.start, span.end, self.source.line(node))
            self.facts.names.append(
                NameUse(reference.name, place, False, False, None, False, why=reference.how)
            )

    def _definition(self, found: code_names.NameOccurrence) -> tuple[str, str] | None:
        node = found.node
        if found.writes:
            function = self.source.parents.get(node)
            if isinstance(function, cst.FunctionDef):
                return self.module, self.functions[id(function)]
        imported = self.imported.get(found.old)
        if imported is not None and imported.name is not None:
            return imported.module, imported.name
        for qualname in self.functions.values():
            if qualname.rsplit(".", 1)[-1] == found.old:
                return self.module, qualname
        return None

    def _tie_orphans(self) -> None:
        """A read or selector alone in its function could be any path's: it is tied to
        every path of the module."""
        counts: dict[str, int] = {}
        for member in self.facts.members:
            for key in member.links:
                counts[key] = counts.get(key, 0) + 1
        module_key = f"module:{self.path}"
        orphans = [
            m
            for m in self.facts.members
            if m.kind in ("status-read", "selector")
            and all(counts.get(k, 0) <= 1 or k == module_key for k in m.links)
        ]
        if not orphans and not any(module_key in m.links for m in self.facts.members):
            return
        for member in self.facts.members:
            if module_key not in member.links:
                member.links = (*member.links, module_key)

    def _root(self) -> str:
        return root_of(self.module, self.path)

    # -- following a Job ------------------------------------------------------------------

    def trace(self, node: cst.BaseExpression | None, depth: int) -> set[str] | None:
        """The Jobs `node` evaluates to, as keys: built here (`code-job:`), or returned by
        a function of another module (`returns:`); None when it cannot be followed."""
        if node is None or depth > _MAX_DEPTH:
            return None
        value = python_flow.value_of(self.source, node)
        if isinstance(value, cst.Await):
            value = value.expression
        job = self.jobs.get(id(value))
        if job is not None:
            return {job_key(self.path, self.source.span(job.node).start)}
        if isinstance(value, cst.Call):
            return self._returned(value, depth)
        if isinstance(value, cst.Name):
            return self._argument(value, depth)
        return None

    def _returned(self, call: cst.Call, depth: int) -> set[str] | None:
        func = call.func
        local = self._local_function(func)
        if local is not None:
            found: set[str] = set()
            for value in python_flow.returned_values(local):
                keys = self.trace(value, depth + 1)
                if keys is None:
                    return None
                found |= keys
            return found or None
        if isinstance(func, cst.Name) and func.value in self.imported:
            imported = self.imported[func.value]
            if imported.name is not None:
                return {returns_key(imported.module, imported.name)}
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            whole = self.imported.get(func.value.value)
            if whole is not None and whole.name is None:
                return {returns_key(whole.module, func.attr.value)}
        return None

    def _local_function(self, func: cst.BaseExpression) -> cst.FunctionDef | None:
        """The function of this module a call names: `build_job(…)` or `self.build_job(…)`."""
        if isinstance(func, cst.Name):
            name = func.value
            wanted = name
        elif (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        ):
            owner = python_flow.enclosing_function(self.source, func)
            qualname = self.functions.get(id(owner)) if owner is not None else None
            if qualname is None or "." not in qualname:
                return None
            wanted = f"{qualname.rsplit('.', 1)[0]}.{func.attr.value}"
        else:
            return None
        for node in walk(self._module):
            if isinstance(node, cst.FunctionDef) and self.functions.get(id(node)) == wanted:
                return node
        return None

    def _argument(self, name: cst.Name, depth: int) -> set[str] | None:
        """A parameter: what this module's callers of the function pass for it."""
        function = python_flow.enclosing_function(self.source, name)
        if function is None:
            return None
        params = [p.name.value for p in function.params.params]
        if name.value not in params:
            return None
        position = params.index(name.value)
        qualname = self.functions[id(function)]
        method = "." in qualname
        found: set[str] = set()
        callers = 0
        for call in (n for n in walk(self._module) if isinstance(n, cst.Call)):
            if self._local_function(call.func) is not function:
                continue
            callers += 1
            argument = _argument_at(call, name.value, position - (1 if method else 0))
            keys = self.trace(argument, depth + 1)
            if keys is None:
                return None
            found |= keys
        return found if callers else None


# Consumers that take a Pod as well as a Job: kopf's owner and label helpers, loggers.
_HARMLESS_ROOTS = frozenset({"kopf", "logging", "print", "log", "logger"})
_HARMLESS_CALLS = frozenset(
    {"debug", "info", "warning", "error", "exception", "sanitize_for_serialization"}
)


def _label_key_read(node: cst.Subscript | cst.Call) -> str | None:
    """The key of `x.labels["k"]`, `x.labels.get("k")`, `x["labels"]["k"]`."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        key = code_jobs.literal(index.value) if isinstance(index, cst.Index) else None
        holder = node.value
    elif (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and node.args
    ):
        key = code_jobs.literal(node.args[0].value)
        holder = node.func.value
    else:
        return None
    labels = isinstance(holder, cst.Attribute) and holder.attr.value == "labels"
    if isinstance(holder, cst.Subscript) and len(holder.slice) == 1:
        inner = holder.slice[0].slice
        labels = isinstance(inner, cst.Index) and code_jobs.literal(inner.value) == "labels"
    return key if labels and isinstance(key, str) else None


def _is_job_label(key: str) -> bool:
    from linter.kube.extract import is_job_generated_label

    return is_job_generated_label(key)


def _parameter_reads(source: PythonSource, function: cst.FunctionDef, name: str) -> list[cst.Name]:
    """The reads of a parameter inside its function."""
    param = next((p for p in function.params.params if p.name.value == name), None)
    if param is None:
        return []
    scope = source.scopes.get(function.body)
    if scope is None:
        return []
    found: list[cst.Name] = []
    for assignment in scope.assignments[name]:
        found.extend(a.node for a in assignment.references if isinstance(a.node, cst.Name))
    return found


# The verb each BatchV1Api Job method needs on the Pod's side once it is the Pod call
# (RBAC reference, "Determine the request verb": get, list, watch, create, delete,
# deletecollection; the status subresource is its own resource).
_VERBS = (
    ("read_namespaced_job_status", "pods/status", "get"),
    ("read_namespaced_job", "pods", "get"),
    ("list_", "pods", "list"),
    ("create_", "pods", "create"),
    ("delete_collection_", "pods", "deletecollection"),
    ("delete_", "pods", "delete"),
)


def pods_grants(method: str, watched: bool) -> tuple[tuple[str, str], ...]:
    for prefix, resource, verb in _VERBS:
        if method.startswith(prefix):
            if verb == "list" and watched:
                return ((resource, "list"), (resource, "watch"))
            return ((resource, verb),)
    return ()


def _watches(call: cst.Call) -> bool:
    """`list_namespaced_job(…, watch=True)`: a watch of the list."""
    return any(
        a.keyword is not None and a.keyword.value == "watch" and code_jobs.literal(a.value) is True
        for a in call.args
    )


def _functions(source: PythonSource) -> dict[int, str]:
    """Every function of the module by id, with its qualified name (`Runner.start`)."""
    found: dict[int, str] = {}

    def visit(node: cst.CSTNode, outer: str) -> None:
        for child in node.children:
            if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
                name = f"{outer}.{child.name.value}" if outer else child.name.value
                if isinstance(child, cst.FunctionDef):
                    found[id(child)] = name
                visit(child, name)
            else:
                visit(child, outer)

    assert source.module is not None
    visit(source.module, "")
    return found


def _head(job: code_jobs.CodeJob) -> cst.CSTNode:
    if isinstance(job.node, cst.Call):
        return job.node.func
    return job.fields.members["kind"][0] if "kind" in job.fields.members else job.node


def _described(job: code_jobs.CodeJob) -> str:
    if job.is_dict:
        return "the Job manifest built"
    if job.library != "kubernetes":
        return f"the {job.library} Job built"
    return f"the `{job.model}` built"


def _reason(found: Finding | None, default: str) -> str:
    if found is None:
        return default
    message = found.message
    if NOT_REWRITTEN in message:
        return message.split(NOT_REWRITTEN, 1)[1].rstrip(")")
    return default


def _body(use: clients.ApiUse) -> cst.BaseExpression | None:
    if use.call is None:
        return None
    for arg in use.call.args:
        if arg.keyword is not None and arg.keyword.value == "body":
            return arg.value
    positional = [a for a in use.call.args if a.keyword is None and not a.star]
    return positional[_BODY_POSITION].value if len(positional) > _BODY_POSITION else None


def _metadata_only(source: PythonSource, use: clients.ApiUse) -> bool:
    """A patch of the Job's labels or annotations only: a Pod takes that one too."""
    body = python_flow.value_of(source, _patch_body(use)) if use.call is not None else None
    if not isinstance(body, cst.Dict):
        return False
    keys = code_jobs.fields_of(body)
    return not keys.dynamic and set(keys.members) == {"metadata"}


def _patch_body(use: clients.ApiUse) -> cst.BaseExpression:
    assert use.call is not None
    body = code_jobs.patch_body(use.call)
    return body if body is not None else cst.Name("None")


def _argument_at(call: cst.Call, keyword: str, position: int) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position].value if 0 <= position < len(positional) else None


def _job_labels(source: PythonSource, job: code_jobs.CodeJob) -> tuple[str, ...]:
    """The label keys of the Job and of its pod template, as written (a literal, or a
    constant's name): a kopf handler on Jobs filters on the Job's, and once the Job is a
    Pod, the Pod carries both."""
    found: list[str] = []
    for fields in (job.fields, job.template):
        metadata = fields.value("metadata") if fields is not None else None
        metadata = python_flow.value_of(source, metadata) if metadata is not None else None
        if not isinstance(metadata, (cst.Call, cst.Dict)):
            continue
        labels = code_jobs.fields_of(metadata).value("labels")
        labels = python_flow.value_of(source, labels) if labels is not None else None
        if isinstance(labels, cst.Dict):
            found.extend(
                _label_key(source, e.key) for e in labels.elements if isinstance(e, cst.DictElement)
            )
    return tuple(dict.fromkeys(found))


def _handler_labels(source: PythonSource, decorator: cst.Call) -> tuple[str, ...]:
    for arg in decorator.args:
        if arg.keyword is not None and arg.keyword.value == "labels":
            value = python_flow.value_of(source, arg.value)
            if isinstance(value, cst.Dict):
                return tuple(
                    _label_key(source, e.key)
                    for e in value.elements
                    if isinstance(e, cst.DictElement)
                )
    return ()


def _label_key(source: PythonSource, node: cst.BaseExpression) -> str:
    literal = code_jobs.literal(python_flow.value_of(source, node))
    return literal if isinstance(literal, str) else source.code(node)


def _node_at(source: PythonSource, start: int, end: int) -> cst.CSTNode | None:
    assert source.module is not None
    best: cst.CSTNode | None = None
    for node in walk(source.module):
        try:
            span = source.span(node)
        except KeyError:
            continue
        if span.start <= start and end <= span.end:
            best = node
    return best


def _private(definition: tuple[str, str] | None, name: str) -> bool:
    """A name with a leading underscore, or a method of such a class."""
    qualname = definition[1] if definition is not None else name
    return any(part.startswith("_") for part in qualname.split("."))


def all_members(facts: Sequence[ControllerFacts]) -> Iterator[Member]:
    for module in facts:
        yield from module.members
