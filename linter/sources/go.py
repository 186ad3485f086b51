"""Go text to a located tree-sitter tree; the code is parsed, never built or run.

tree-sitter is imported only when a `.go` file gets past the prefilter. It reports byte
offsets into UTF-8; spans here are str offsets into the text as read (CRLF included), like
YAML and Python spans: the conversion happens once, at this boundary.

tree-sitter recovers from syntax errors with ERROR and MISSING nodes. A file holding one
is reported (JP006, the first error's position) and no Go rule looks at it: a rewrite of
code whose shape is guessed is worse than none, and the fix engine's check that its
output parses needs a clean start.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

from linter.findings import ObjectId, Span
from linter.sources.problems import SourceProblem

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

_T = TypeVar("_T")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_GENERATED = re.compile(r"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)
# Declarations that name the scope of a finding.
_SCOPES = {
    "function_declaration": "function",
    "method_declaration": "method",
    "type_spec": "type",
}


@functools.lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter
    import tree_sitter_go

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))


class _Offsets:
    """UTF-8 byte offsets to str offsets: the bytes each non-ASCII character adds."""

    __slots__ = ("_ends", "_extra")

    def __init__(self, text: str) -> None:
        self._ends: list[int] = []
        self._extra: list[int] = []
        extra = 0
        for m in _NON_ASCII.finditer(text):
            width = len(m.group().encode("utf-8", "surrogatepass"))
            self._ends.append(m.start() + extra + width)
            extra += width - 1
            self._extra.append(extra)

    def char(self, byte: int) -> int:
        k = bisect.bisect_right(self._ends, byte)
        return byte - (self._extra[k - 1] if k else 0)


@dataclass
class GoSource:
    text: str
    tree: Tree
    problems: list[SourceProblem] = field(default_factory=list)
    # Analyses several rules share (the Jobs built in the file), computed once per file.
    analyses: dict[str, object] = field(default_factory=dict)

    def analysis(self, key: str, compute: Callable[[], _T]) -> _T:
        if key not in self.analyses:
            self.analyses[key] = compute()
        return cast(_T, self.analyses[key])

    @cached_property
    def generated(self) -> bool:
        """A `// Code generated … DO NOT EDIT.` header (go generate's convention; controller-gen
        writes it on zz_generated.deepcopy.go)."""
        return _GENERATED.search(self.text[:4000]) is not None

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @cached_property
    def _offsets(self) -> _Offsets:
        return _Offsets(self.text)

    def offset(self, byte: int) -> int:
        return self._offsets.char(byte)

    def span(self, node: Node) -> Span:
        return Span(self.offset(node.start_byte), self.offset(node.end_byte))

    def code(self, node: Node) -> str:
        span = self.span(node)
        return self.text[span.start : span.end]

    @cached_property
    def package(self) -> str:
        for clause in children(self.root, "package_clause"):
            for name in children(clause, "package_identifier"):
                return self.code(name)
        return ""

    @cached_property
    def import_specs(self) -> list[Node]:
        return [n for n in walk(self.root, stop=_BODIES) if n.type == "import_spec"]

    @cached_property
    def imports(self) -> dict[str, str]:
        """Package name in the file → import path, for named and plain imports (a plain
        import is known by its path's last element, `k8s.io/utils/ptr` → `ptr`; a major
        version element `…/v2` gives the one before it). Dot imports are in
        `dot_imports`; blank (`_`) imports bind nothing."""
        found: dict[str, str] = {}
        for spec in self.import_specs:
            path = import_path(self, spec)
            name = spec.child_by_field_name("name")
            if name is None:
                found[default_package_name(path)] = path
            elif name.type == "package_identifier":
                found[self.code(name)] = path
        return found

    @cached_property
    def dot_imports(self) -> tuple[str, ...]:
        return tuple(
            import_path(self, spec)
            for spec in self.import_specs
            if (name := spec.child_by_field_name("name")) is not None and name.type == "dot"
        )

    def resolve(self, node: Node) -> tuple[str, str] | None:
        """(import path, name) that a qualified type or a selector on a package names
        (`batchv1.Job`, `ptr.To`), or that a bare name stands for through a dot import
        (`Job` after `. "k8s.io/api/batch/v1"`); None for anything else."""
        if node.type in ("qualified_type", "selector_expression"):
            package = node.child_by_field_name("package") or node.child_by_field_name("operand")
            name = node.child_by_field_name("name") or node.child_by_field_name("field")
            if package is None or name is None or package.type not in _PACKAGE_NAMES:
                return None
            path = self.imports.get(self.code(package))
            return (path, self.code(name)) if path is not None else None
        if node.type in ("type_identifier", "identifier") and self.dot_imports:
            bare = self.code(node)
            if bare in self.declared or len(self.dot_imports) != 1:
                return None
            return (self.dot_imports[0], bare)
        return None

    @cached_property
    def declared(self) -> frozenset[str]:
        """Names the file declares at package level (types, functions, vars, consts)."""
        names: set[str] = set()
        for node in self.root.children:
            if node.type in ("function_declaration", "type_declaration"):
                for spec in [node, *children(node, "type_spec")]:
                    name = spec.child_by_field_name("name")
                    if name is not None and spec.type != "type_declaration":
                        names.add(self.code(name))
            elif node.type in ("var_declaration", "const_declaration"):
                for spec in walk(node):
                    if spec.type in ("var_spec", "const_spec"):
                        names.update(self.code(n) for n in spec.children_by_field_name("name"))
        return frozenset(names)

    @cached_property
    def _scopes(self) -> list[tuple[int, int, ObjectId]]:
        found = []
        for node in walk(self.root, stop=_BODIES):
            kind = _SCOPES.get(node.type)
            name = node.child_by_field_name("name")
            if kind is None or name is None:
                continue
            label = self.code(name)
            receiver = node.child_by_field_name("receiver")
            if receiver is not None:
                types = [n for n in walk(receiver) if n.type == "type_identifier"]
                if types:
                    label = f"{self.code(types[0])}.{label}"
            found.append((node.start_byte, node.end_byte, ObjectId(kind=kind, name=label)))
        return found

    def scope_of(self, node: Node) -> ObjectId | None:
        """The function, method or type declaration holding `node`: the object of its
        finding."""
        inner = None
        for start, end, scope in self._scopes:
            if start <= node.start_byte and node.end_byte <= end:
                inner = scope
        return inner

    @cached_property
    def _by_type(self) -> dict[str, list[Node]]:
        index: dict[str, list[Node]] = {}
        for node in walk(self.root):
            index.setdefault(node.type, []).append(node)
        return index

    def nodes(self, *types: str) -> list[Node]:
        """Every node of the given types, in source order (one walk of the tree per file,
        shared by every rule)."""
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        found = [n for t in types for n in self._by_type.get(t, [])]
        return sorted(found, key=lambda n: (n.start_byte, -n.end_byte))

    def comments(self) -> list[Node]:
        return self.nodes("comment")


_PACKAGE_NAMES = ("package_identifier", "identifier")
# Function bodies hold no import or declaration of interest to a package-level walk.
_BODIES = frozenset({"block", "literal_value"})


def walk(node: Node, stop: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every node under `node`, itself first, in source order; the children of node types
    in `stop` are not entered."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current.type not in stop:
            stack.extend(reversed(current.children))


def children(node: Node, kind: str) -> Iterator[Node]:
    return (c for c in node.children if c.type == kind)


def import_path(source: GoSource, spec: Node) -> str:
    path = spec.child_by_field_name("path")
    return string_value(source, path) if path is not None else ""


def string_value(source: GoSource, node: Node) -> str:
    """The content of an interpreted or raw string literal (escapes left as written: the
    strings job2pod reads are import paths, labels and tags)."""
    code = source.code(node)
    return code[1:-1] if len(code) >= 2 and code[0] in '"`' else code


# `github.com/x/y/v2` is package y; `k8s.io/api/batch/v1` is package v1.
_MAJOR_VERSION = re.compile(r"v(?:[2-9]|[1-9][0-9]+)")


def default_package_name(path: str) -> str:
    parts = path.split("/")
    last = parts[-1]
    if len(parts) > 1 and _MAJOR_VERSION.fullmatch(last):
        last = parts[-2]
    # `gopkg.in/yaml.v3` is package yaml.
    return re.sub(r"\.v[0-9]+$", "", last).replace("-", "_")


def first_error(source: GoSource) -> SourceProblem | None:
    if not source.root.has_error:
        return None
    for node in walk(source.root):
        if node.is_missing:
            # Where the token should have been: after the code before it.
            at = len(source.text[: source.offset(node.start_byte)].rstrip())
            where = Span(at, at)
            return SourceProblem("go-syntax", where, f"missing `{node.type}`")
        if node.is_error:
            shown = " ".join(source.code(node).split())
            shown = shown if len(shown) <= 30 else shown[:29] + "…"
            return SourceProblem("go-syntax", source.span(node), f"unexpected `{shown}`")
    return SourceProblem("go-syntax", Span(0, 0), "the Go parser reported an error")


def parse(text: str) -> GoSource:
    tree = _parser().parse(text.encode("utf-8", "surrogatepass"))
    source = GoSource(text, tree)
    problem = first_error(source)
    if problem is not None:
        source.problems.append(problem)
    return source
