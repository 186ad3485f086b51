"""Python text to a located LibCST tree; the code is parsed, never imported or run.

`ast` decides whether the file parses (its messages are the interpreter's own) and, through
the rules' gate (linter.kube.python_gate), whether they read it at all; LibCST is imported
only when a rule asks for the tree, so files that concern no Kubernetes client never pay
for it. Spans are str offsets into the text as read, CRLF included, like YAML spans.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

from linter.findings import ObjectId, Span
from linter.sources.problems import SourceProblem
from linter.sources.text import LineIndex

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, Scope

    from linter.kube.clients import ImportedClient

_T = TypeVar("_T")


@dataclass
class PythonSource:
    text: str
    problems: list[SourceProblem] = field(default_factory=list)
    # The `ast` tree that decided the file parses (None when it does not): what the rules'
    # gate reads before anything asks for the LibCST tree.
    syntax: ast.Module | None = None
    # Analyses several rules share (the client index), computed once per file.
    analyses: dict[str, object] = field(default_factory=dict)
    # The file as findings name it, and what the migration plan knows of the names it
    # imports from the scanned tree's other modules (nothing, in a per-file check).
    path: str = ""
    imported_clients: tuple[ImportedClient, ...] = ()
    # Checked as part of a migration plan over a tree: what only the whole tree can decide
    # (whether a client's Jobs are thin wrappers) is the plan's.
    planned: bool = False

    def analysis(self, key: str, compute: Callable[[], _T]) -> _T:
        """An analysis several rules share (the client index, the Jobs built in the file),
        computed on first use and kept for the file's other rules."""
        if key not in self.analyses:
            self.analyses[key] = compute()
        return cast(_T, self.analyses[key])

    @cached_property
    def module(self) -> cst.Module | None:
        """The LibCST tree, or None when LibCST rejects what `ast` accepted (a syntax
        newer than LibCST knows): the Python rules then stay silent on the file."""
        import libcst as cst

        try:
            return cst.parse_module(self.text)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            return None

    @cached_property
    def _wrapper(self) -> MetadataWrapper:
        from libcst.metadata import MetadataWrapper

        assert self.module is not None
        return MetadataWrapper(self.module, unsafe_skip_copy=True)

    @cached_property
    def _positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        from libcst.metadata import PositionProvider

        return self._wrapper.resolve(PositionProvider)

    @cached_property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        """LibCST's scope of every node: which names a function assigns and reads (resolved
        only when a rule follows a value through the file's names)."""
        from libcst.metadata import ScopeProvider

        return self._wrapper.resolve(ScopeProvider)

    @cached_property
    def parents(self) -> Mapping[cst.CSTNode, cst.CSTNode]:
        from libcst.metadata import ParentNodeProvider

        return self._wrapper.resolve(ParentNodeProvider)

    @cached_property
    def _lines(self) -> LineIndex:
        return LineIndex(self.text)

    def span(self, node: cst.CSTNode) -> Span:
        where = self._positions[node]
        return Span(self._offset(where.start), self._offset(where.end))

    def _offset(self, where: CodePosition) -> int:
        if where.line > self._lines.line_count():
            # LibCST ends a file that has no final newline on the line after its last.
            return len(self.text)
        return self._lines.line_start(where.line) + where.column

    def code(self, node: cst.CSTNode) -> str:
        span = self.span(node)
        return self.text[span.start : span.end]

    def line(self, node: cst.CSTNode) -> int:
        return self._positions[node].start.line

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name → the dotted path it was imported as, from every import statement
        of the file (module level, functions, `if TYPE_CHECKING:` and `try:` blocks
        alike). Relative imports name the user's own modules and are left out."""
        import libcst as cst

        found: dict[str, str] = {}
        assert self.module is not None
        for node in walk(self.module):
            if isinstance(node, cst.Import):
                for alias in node.names:
                    dotted = dotted_name(alias.name)
                    if dotted is None:
                        continue
                    if alias.asname is not None:
                        found[_alias_name(alias)] = dotted
                    else:
                        head = dotted.split(".")[0]
                        found[head] = head
            elif isinstance(node, cst.ImportFrom) and not node.relative:
                base = dotted_name(node.module) if node.module is not None else None
                if base is None or isinstance(node.names, cst.ImportStar):
                    continue
                for alias in node.names:
                    name = dotted_name(alias.name)
                    if name is not None:
                        found[_alias_name(alias)] = f"{base}.{name}"
        return found

    def qualified(self, node: cst.CSTNode) -> str | None:
        """The dotted path a Name or Attribute chain stands for through the file's imports
        (`k8s.V1Job` → `kubernetes.client.V1Job`), or None. Shadowing by a local of the
        same name is not followed: files that import a client name rarely reuse it."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self.imports.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    @cached_property
    def _scopes(self) -> list[tuple[Span, ObjectId]]:
        import libcst as cst

        found: list[tuple[Span, ObjectId]] = []

        def visit(node: cst.CSTNode, outer: str) -> None:
            for child in node.children:
                if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
                    name = f"{outer}.{child.name.value}" if outer else child.name.value
                    kind = "class" if isinstance(child, cst.ClassDef) else "function"
                    found.append((self.span(child), ObjectId(kind=kind, name=name)))
                    visit(child, name)
                else:
                    visit(child, outer)

        assert self.module is not None
        visit(self.module, "")
        return found

    def scope_of(self, node: cst.CSTNode) -> ObjectId | None:
        """The innermost function or class holding `node`: the object of its finding."""
        span = self.span(node)
        inner = None
        for where, scope in self._scopes:
            if where.start <= span.start and span.end <= where.end:
                inner = scope
        return inner


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under `node`, itself first, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def dotted_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a Name or an Attribute chain of Names; None for anything else."""
    import libcst as cst

    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _alias_name(alias: cst.ImportAlias) -> str:
    import libcst as cst

    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    dotted = dotted_name(alias.name)
    assert dotted is not None
    return dotted


def parse(text: str) -> PythonSource:
    source = PythonSource(text)
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are the linted code's business.
            warnings.simplefilter("ignore")
            source.syntax = ast.parse(text)
    except SyntaxError as exc:
        source.problems.append(
            SourceProblem("python-syntax", _span(text, exc.lineno, exc.offset), exc.msg)
        )
    except (RecursionError, MemoryError, ValueError) as exc:
        detail = f"the Python parser gave up: {type(exc).__name__}"
        source.problems.append(SourceProblem("python-syntax", Span(0, 0), detail))
    return source


def _span(text: str, line: int | None, column: int | None) -> Span:
    lines = LineIndex(text)
    line = min(max(line or 1, 1), lines.line_count())
    offset = min(lines.line_start(line) + max((column or 1) - 1, 0), len(text))
    return Span(offset, offset)
