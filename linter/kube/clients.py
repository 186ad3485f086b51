"""What Kubernetes client objects Python code refers to.

Model classes and API classes are recognised through the file's imports, whatever the
alias or depth (`client.V1Job`, `k8s.V1Job`, `kubernetes_asyncio.client.api.batch_v1_api
.BatchV1Api`). API clients are followed from where they are created to where their
methods are used: locals, `self` attributes, properties and memo methods, dict memos,
parameters annotated with the API class, functions that return one, chained and awaited
calls, and method references handed to retry helpers. The code is never imported: what
cannot be followed by reading is not reported (no guessing from names alone).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from linter.kube.python_gate import CLIENT_LIBRARIES, KUBERNETES_LIBRARIES, OTHER_LIBRARIES
from linter.sources.python import PythonSource, dotted_name

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CLIENT_LIBRARIES", "KUBERNETES_LIBRARIES", "OTHER_LIBRARIES"]
_PROPERTY_DECORATORS = frozenset({"property", "cached_property", "functools.cached_property"})
_FIXPOINT_PASSES = 6


@dataclass(frozen=True)
class Symbol:
    """A name of a Kubernetes client library: `V1Job` of `kubernetes`, say."""

    library: str
    name: str
    path: str

    @property
    def is_api_class(self) -> bool:
        return (
            self.library in CLIENT_LIBRARIES
            and self.name.endswith("Api")
            and self.name != "ApiClient"
        )


def symbol(source: PythonSource, node: cst.CSTNode) -> Symbol | None:
    """The client-library name `node` (a Name or an Attribute chain) stands for."""
    qualified = source.qualified(node)
    if qualified is None:
        return None
    parts = qualified.split(".")
    library = parts[0]
    if library in CLIENT_LIBRARIES and len(parts) >= 3 and parts[1] == "client":
        return Symbol(library, parts[-1], qualified)
    if library in OTHER_LIBRARIES and len(parts) >= 2:
        return Symbol(library, parts[-1], qualified)
    return None


def symbol_in_text(source: PythonSource, text: str) -> Symbol | None:
    """The same for a string annotation (`"client.BatchV1Api"`)."""
    dotted = text.strip()
    try:
        node = cst.parse_expression(dotted)
    except cst.ParserSyntaxError:
        return None
    return symbol(source, node) if dotted_name(node) == dotted else None


@dataclass(frozen=True)
class Api:
    """An API client: its class and where it was created."""

    cls: Symbol
    created: cst.Call
    origin: str
    # Known from an annotation only: created elsewhere (by the caller).
    declared: bool = False
    # Where the client is created, as (path, offset), when another module of the scanned
    # tree creates it: the calls here and that construction convert together.
    site: tuple[str, int] | None = None
    # The annotation that declares it (a parameter's, an attribute's, a return's).
    declaration: cst.CSTNode | None = None


@dataclass(frozen=True)
class ImportedClient:
    """What the scanned tree says of a name this module imports: a client it holds
    (`value`), a function or method that returns one (`returns`), or a class whose instances
    hold one in an attribute (`class`, with `member`). `attribute` is set when the module is
    imported whole and the name is read off it (`k8s.batch_api()`)."""

    local: str
    kind: str
    cls: str
    origin: str
    site: tuple[str, int]
    attribute: str | None = None
    # For `class`: what of an instance holds or hands out the client: an attribute
    # (`attr`), a method's return (`returns`) or an overload's for `literal`.
    member: str | None = None
    member_kind: str = "attr"
    literal: str | None = None


@dataclass(frozen=True)
class ApiUse:
    """`receiver.method` where the receiver holds an API client; `call` when it is called
    right there, None for a method reference (`retry(batch.create_namespaced_job, …)`)."""

    attribute: cst.Attribute
    api: Api
    call: cst.Call | None

    @property
    def method(self) -> str:
        return self.attribute.attr.value


@dataclass(frozen=True)
class ApiAnnotation:
    """An annotation naming an API class (a Name, an Attribute, or a string holding one)."""

    node: cst.BaseExpression
    cls: Symbol


@dataclass
class ClientIndex:
    source: PythonSource
    constructions: list[tuple[cst.Call, Symbol]] = field(default_factory=list)
    annotations: list[ApiAnnotation] = field(default_factory=list)
    uses: list[ApiUse] = field(default_factory=list)
    # Every place a client is stored or returned, by key (what other modules import).
    bindings: dict[_Key, Api] = field(default_factory=dict)
    holders: dict[str, dict[_Member, Api]] = field(default_factory=dict)


_Key = tuple[object, ...]
# What an instance of a client-holding class has: ("attr" | "returns" | "overload", name,
# the overload's literal argument).
_Member = tuple[str, str, object]


def client_index(source: PythonSource) -> ClientIndex:
    """Built once per file and shared by every rule that asks."""
    return source.analysis(f"{__name__}.client_index", lambda: _build(source))


def _build(source: PythonSource) -> ClientIndex:
    index = ClientIndex(source)
    seeded = source.imported_clients
    if source.module is None or not (
        seeded or imports_any(source, CLIENT_LIBRARIES + OTHER_LIBRARIES)
    ):
        return index
    bindings: dict[_Key, Api] = {}
    assigned: set[_Key] = set()
    holders: dict[str, dict[_Member, Api]] = {}
    _seed(seeded, bindings, holders)
    for _ in range(_FIXPOINT_PASSES):
        before = dict(bindings)
        own = _own_holders(bindings)
        source.module.visit(_Binder(source, bindings, assigned, {**holders, **own}))
        if bindings == before:
            break
    source.module.visit(_UseFinder(source, bindings, assigned, index))
    index.bindings = {k: v for k, v in bindings.items() if v is not _AMBIGUOUS}
    index.holders = _own_holders(index.bindings)
    return index


def _own_holders(bindings: dict[_Key, Api]) -> dict[str, dict[_Member, Api]]:
    """The module's top-level classes whose instances keep a client in an attribute or
    hand one out from a method (`kube.batches`, `kube.api("batch")`)."""
    found: dict[str, dict[_Member, Api]] = {}
    for key, api in bindings.items():
        if api is _AMBIGUOUS:
            continue
        kind, inner = key[0], key
        if kind in ("returns", "overload") and isinstance(key[1], tuple):
            inner = key[1]
        if inner[0] != "attr":
            continue
        owner = inner[1]
        if isinstance(owner, tuple) and len(owner) == 1 and isinstance(owner[0], str):
            member: _Member = (str(kind), str(inner[2]), key[2] if kind == "overload" else None)
            found.setdefault(owner[0], {})[member] = api
    return found


def _member_binding(instance: _Key, member: _Member) -> _Key:
    kind, name, literal = member
    attribute: _Key = ("attr", instance, name)
    if kind == "returns":
        return ("returns", attribute)
    if kind == "overload":
        return ("overload", attribute, literal)
    return attribute


def _seed(
    imported: Sequence[ImportedClient],
    bindings: dict[_Key, Api],
    holders: dict[str, dict[_Member, Api]],
) -> None:
    """Bindings for what this module imports from the scanned tree's other modules."""
    for found in imported:
        api = Api(
            Symbol("kubernetes", found.cls, f"kubernetes.client.{found.cls}"),
            cst.Call(func=cst.Name(found.cls)),
            found.origin,
            site=found.site,
        )
        name: _Key = ("name", (), found.local)
        key = ("attr", name, found.attribute) if found.attribute is not None else name
        if found.kind == "value":
            bindings.setdefault(key, api)
        elif found.kind == "returns":
            bindings.setdefault(("returns", key), api)
        elif found.kind == "overload":
            bindings.setdefault(("overload", key, found.literal), api)
        elif found.kind.startswith("instance-") and found.member is not None:
            # An instance the other module made: `kube.task_runs`, `kube.api("batch")`.
            held = _member_binding(
                key,
                (
                    found.kind[len("instance-") :].replace("value", "attr"),
                    found.member,
                    found.literal,
                ),
            )
            bindings.setdefault(held, api)
        elif found.kind == "class" and found.member is not None:
            holder = found.local if found.attribute is None else f"{found.local}.{found.attribute}"
            holders.setdefault(holder, {})[(found.member_kind, found.member, found.literal)] = api


def class_members(index: ClientIndex) -> dict[str, dict[_Member, Api]]:
    """`{class: {attribute: client}}` of the module's classes whose instances hold clients
    (`self.batch = BatchV1Api()`): what another module reads off their instances."""
    return index.holders


def imports_any(source: PythonSource, libraries: Collection[str]) -> bool:
    """Whether the file imports one of `libraries` (top-level package names)."""
    return any(path.split(".")[0] in libraries for path in source.imports.values())


def uses_kubernetes(source: PythonSource) -> bool:
    """A Kubernetes client or kopf is imported: the rules that read names (`job_name`,
    selectors, policy rules) read only such files; a data pipeline's are its own."""
    return imports_any(source, KUBERNETES_LIBRARIES)


class _Scoped(cst.CSTVisitor):
    """Tracks the enclosing classes and functions, and resolves expressions to clients."""

    def __init__(
        self,
        source: PythonSource,
        bindings: dict[_Key, Api],
        assigned: set[_Key],
        holders: dict[str, dict[_Member, Api]] | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.bindings = bindings
        self.assigned = assigned
        # Classes (by the name this module calls them) whose instances hold clients.
        self.holders = holders if holders is not None else {}
        self.frames: list[str] = []
        self.classes: list[tuple[str, ...]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.append(node.name.value)
        self.classes.append(tuple(self.frames))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.frames.pop()
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.frames.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.frames.append("<lambda>")

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.frames.pop()

    def binding_key(self, node: cst.BaseExpression) -> _Key | None:
        """The key an assignment to `node` binds, in the current scope."""
        if isinstance(node, cst.Name):
            return ("name", tuple(self.frames), node.value)
        return self._member_key(node)

    def lookup_keys(self, node: cst.BaseExpression) -> Iterator[_Key]:
        """The keys a read of `node` may find, innermost scope first."""
        if isinstance(node, cst.Name):
            for depth in range(len(self.frames), -1, -1):
                yield ("name", tuple(self.frames[:depth]), node.value)
            return
        key = self._member_key(node)
        if key is not None:
            yield key

    def _member_key(self, node: cst.BaseExpression) -> _Key | None:
        if isinstance(node, cst.Attribute):
            base = node.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls") and self.classes:
                return ("attr", self.classes[-1], node.attr.value)
            inner = self._base_key(base)
            return ("attr", inner, node.attr.value) if inner is not None else None
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
                base_key = self._base_key(node.value)
                if base_key is not None:
                    return ("item", base_key, index.value.evaluated_value)
        return None

    def _base_key(self, node: cst.BaseExpression) -> _Key | None:
        """The key of a container (`APIS` in `APIS["batch"]`): a name resolves to the
        innermost scope that assigns it, as Python resolves it."""
        if not isinstance(node, cst.Name):
            return self._member_key(node)
        for key in self.lookup_keys(node):
            if key in self.assigned:
                return key
        return ("name", (), node.value)

    def api_of(self, node: cst.BaseExpression) -> Api | None:
        if isinstance(node, cst.Await):
            return self.api_of(node.expression)
        if isinstance(node, (cst.BooleanOperation, cst.IfExp)):
            # `batch or BatchV1Api()`, `api if api else BatchV1Api()`: either side's client.
            sides = (
                (node.left, node.right)
                if isinstance(node, cst.BooleanOperation)
                else (node.body, node.orelse)
            )
            apis = [a for a in (self.api_of(side) for side in sides) if a is not None]
            # A client created right here says more than one only declared by annotation.
            apis.sort(key=lambda a: a.declared)
            return apis[0] if apis else None
        if isinstance(node, cst.Call):
            cls = symbol(self.source, node.func)
            if cls is not None and cls.is_api_class:
                return Api(
                    cls,
                    node,
                    f"`{short_code(self.source.code(node))}`{where_in(self.source, node)}",
                )
            for key in self.lookup_keys(node.func):
                # An overload for the literal argument says more than the function's own.
                overloaded = self.bindings.get(("overload", key, _first_literal(node)))
                found = overloaded or self.bindings.get(("returns", key))
                if found is not None:
                    return None if found is _AMBIGUOUS else found
            return None
        for key in self.lookup_keys(node):
            found = self.bindings.get(key)
            if found is not None:
                return None if found is _AMBIGUOUS else found
        return None


class _Binder(_Scoped):
    """One pass over the file, binding every place a client is stored."""

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)
        cls = _annotated_class(self.source, node.annotation.annotation)
        key = self.binding_key(node.target)
        if cls is not None and key is not None:
            self.bindings.setdefault(key, _declared(self.source, cls, node))

    def visit_Param(self, node: cst.Param) -> None:
        if node.annotation is None:
            return
        cls = _annotated_class(self.source, node.annotation.annotation)
        if cls is not None:
            # The parameter belongs to the function being entered: visit_FunctionDef ran.
            key = ("name", tuple(self.frames), node.name.value)
            self.bindings.setdefault(key, _declared(self.source, cls, node))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is None or not self.frames:
            return
        api = self.api_of(node.value)
        if api is None:
            return
        function = self.frames[-1]
        # The function's own key, as seen from the scope it is defined in.
        outer = tuple(self.frames[:-1])
        if self.classes and self.classes[-1] == outer:
            _prefer(self.bindings, ("returns", ("attr", outer, function)), api)
        else:
            _prefer(self.bindings, ("returns", ("name", outer, function)), api)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        decorators = {dotted_name(d.decorator) for d in node.decorators}
        self._bind_return_annotation(node, decorators)
        if decorators & _PROPERTY_DECORATORS and self.classes:
            owner = tuple(self.frames[:-1])
            api = self.bindings.get(("returns", ("attr", owner, node.name.value)))
            if api is not None:
                _prefer(self.bindings, ("attr", owner, node.name.value), api)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            if len(target.elements) == len(value.elements):
                for t, v in zip(target.elements, value.elements, strict=True):
                    self._bind(t.value, v.value)
            return
        key = self.binding_key(target)
        if key is None:
            return
        self.assigned.add(key)
        # An instance of a class that keeps clients in attributes: `kube = KubeClient()`
        # makes `kube.batches` that class's client.
        constructed = value.expression if isinstance(value, cst.Await) else value
        if isinstance(constructed, cst.Call):
            holder = dotted_name(constructed.func)
            for member, held in self.holders.get(holder or "", {}).items():
                _prefer(self.bindings, _member_binding(key, member), held)
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and isinstance(
                    element.key, cst.SimpleString
                ):
                    api = self.api_of(element.value)
                    if api is not None:
                        self.bindings.setdefault(("item", key, element.key.evaluated_value), api)
            return
        api = self.api_of(value)
        if api is not None:
            self.bindings.setdefault(key, api)

    def _bind_return_annotation(self, node: cst.FunctionDef, decorators: set[str | None]) -> None:
        """`def batch(self) -> BatchV1Api:` returns a client whatever its body does; an
        `@overload` of it returns one for the literal argument it names
        (`def _api(self, group: Literal["batch"]) -> BatchV1Api`)."""
        if node.returns is None:
            return
        cls = _annotated_class(self.source, node.returns.annotation)
        if cls is None:
            return
        outer = tuple(self.frames[:-1])
        kind = "attr" if self.classes and self.classes[-1] == outer else "name"
        key = (kind, outer, node.name.value)
        api = _declared(self.source, cls, node.returns)
        if decorators & _OVERLOAD_DECORATORS:
            literal_value = _literal_parameter(node)
            if literal_value is not None:
                self.bindings.setdefault(("overload", key, literal_value), api)
            return
        self.bindings.setdefault(("returns", key), api)


def _prefer(bindings: dict[_Key, Api], key: _Key, api: Api) -> None:
    """Bind `key` unless it is bound already; a client created in the code wins over one
    only declared by an annotation (`def batch(self) -> BatchV1Api: return BatchV1Api()`
    returns that construction). A function that returns clients of two classes returns
    neither for sure: its key is left unbound for good."""
    existing = bindings.get(key)
    if existing is not None and existing.cls.name != api.cls.name and not existing.declared:
        bindings[key] = _AMBIGUOUS
    elif existing is None or (existing.declared and not api.declared):
        bindings[key] = api


# What a key is bound to when it holds clients of two classes.
_AMBIGUOUS = Api(Symbol("", "", ""), cst.Call(func=cst.Name("_")), "")
_OVERLOAD_DECORATORS = frozenset({"overload", "typing.overload", "typing_extensions.overload"})


def _literal_parameter(function: cst.FunctionDef) -> str | None:
    """The string of the first parameter annotated `Literal["…"]` (self and cls left out)."""
    for param in function.params.params:
        if param.name.value in ("self", "cls") or param.annotation is None:
            continue
        annotation = param.annotation.annotation
        if (
            isinstance(annotation, cst.Subscript)
            and (dotted_name(annotation.value) or "").rsplit(".", 1)[-1] == "Literal"
            and len(annotation.slice) == 1
            and isinstance(annotation.slice[0].slice, cst.Index)
            and isinstance(annotation.slice[0].slice.value, cst.SimpleString)
        ):
            value = annotation.slice[0].slice.value.evaluated_value
            return value if isinstance(value, str) else None
        return None
    return None


def _first_literal(call: cst.Call) -> str | None:
    if call.args and isinstance(call.args[0].value, cst.SimpleString):
        value = call.args[0].value.evaluated_value
        return value if isinstance(value, str) else None
    return None


class _UseFinder(_Scoped):
    """The second walk: every construction, annotation and method use of a client."""

    def __init__(
        self,
        source: PythonSource,
        bindings: dict[_Key, Api],
        assigned: set[_Key],
        index: ClientIndex,
    ) -> None:
        super().__init__(source, bindings, assigned)
        self.index = index
        self.calls: dict[int, cst.Call] = {}

    def visit_Call(self, node: cst.Call) -> None:
        self.calls[id(node.func)] = node
        cls = symbol(self.source, node.func)
        if cls is not None and cls.is_api_class:
            self.index.constructions.append((node, cls))

    def visit_Annotation(self, node: cst.Annotation) -> None:
        for part in _annotation_parts(node.annotation):
            cls = (
                symbol_in_text(self.source, str(part.evaluated_value))
                if isinstance(part, cst.SimpleString)
                else symbol(self.source, part)
            )
            if cls is not None and cls.is_api_class:
                self.index.annotations.append(ApiAnnotation(part, cls))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        api = self.api_of(node.value)
        if api is not None:
            self.index.uses.append(ApiUse(node, api, self.calls.get(id(node))))


def _annotation_parts(node: cst.BaseExpression) -> Sequence[cst.BaseExpression]:
    """The names an annotation is made of: `Optional[BatchV1Api]`, `BatchV1Api | None`."""
    if isinstance(node, (cst.Name, cst.Attribute, cst.SimpleString)):
        return [node]
    if isinstance(node, cst.BinaryOperation):
        return [*_annotation_parts(node.left), *_annotation_parts(node.right)]
    if isinstance(node, cst.Subscript):
        parts: list[cst.BaseExpression] = []
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                parts.extend(_annotation_parts(element.slice.value))
        return parts
    return []


def _annotated_class(source: PythonSource, annotation: cst.BaseExpression) -> Symbol | None:
    """The API class an annotation names (`Optional[BatchV1Api]`); None for none, and for
    a union of several (`BatchV1Api | CustomObjectsApi`: which one is not known)."""
    found: list[Symbol] = []
    for part in _annotation_parts(annotation):
        if isinstance(part, cst.SimpleString):
            cls = symbol_in_text(source, str(part.evaluated_value))
        else:
            cls = symbol(source, part)
        if cls is not None and cls.is_api_class and all(f.name != cls.name for f in found):
            found.append(cls)
    return found[0] if len(found) == 1 else None


def _declared(source: PythonSource, cls: Symbol, node: cst.CSTNode) -> Api:
    """A client known from an annotation only: it is created elsewhere (the caller)."""
    where = f"annotated `{cls.name}`{where_in(source, node)}"
    return Api(cls, cst.Call(func=cst.Name(cls.name)), where, declared=True, declaration=node)


def where_in(source: PythonSource, node: cst.CSTNode) -> str:
    """` in `Runner.start`` (or nothing at module level): where code is, in words that do
    not change when a fix moves lines (messages are part of a finding's fingerprint)."""
    scope = source.scope_of(node)
    return f" in `{scope.name}`" if scope is not None else ""


def short_code(code: str, limit: int = 60) -> str:
    """Code on one line, cut to `limit` characters: how findings quote it."""
    flat = " ".join(code.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
