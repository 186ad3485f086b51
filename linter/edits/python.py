"""Minimal text edits on Python source: add a member to a call or a dict literal in the
layout it already has, re-indent a lifted expression, and keep `from … import` lists in
step with the names a rewrite starts or stops using (in the file's own import style).

Everything here works on the LibCST tree for positions only; the edits are text, so every
byte outside them (comments, quotes, trailing commas, CRLF) stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst

from linter.findings import Edit, Span
from linter.kube.python_gate import CLIENT_LIBRARIES
from linter.sources.python import PythonSource, dotted_name, walk

_INDENT = re.compile(r"[ \t]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class NotRewritable(Exception):
    """Why the code is reported but not rewritten; shown in the finding."""


def line_indent(source: PythonSource, offset: int) -> str:
    start = source.text.rfind("\n", 0, offset) + 1
    start = max(start, source.text.rfind("\r", 0, offset) + 1)
    m = _INDENT.match(source.text, start)
    return m.group(0) if m else ""


def newline_at(source: PythonSource, offset: int) -> str:
    """The line ending the file uses around `offset` (CRLF files stay CRLF)."""
    end = source.text.find("\n", offset)
    if end > 0 and source.text[end - 1] == "\r":
        return "\r\n"
    return "\n"


def members_of(node: cst.Call | cst.Dict) -> Sequence[cst.Arg | cst.BaseDictElement]:
    return node.args if isinstance(node, cst.Call) else node.elements


def append_member(source: PythonSource, node: cst.Call | cst.Dict, member: str) -> Edit:
    """An edit adding `member` (`ttl_seconds_after_finished=3600`, `"labels": {…}`) as the
    last argument or entry, one a line when the call is laid out one a line."""
    members = members_of(node)
    span = source.span(node)
    if not members:
        return Edit(span.end - 1, span.end - 1, member)
    last = members[-1]
    value_end = source.span(last).end
    multiline = (
        "\n" in source.text[span.start : span.end] or "\r" in source.text[span.start : span.end]
    )
    first_line_start = source.span(members[0]).start
    one_a_line = multiline and any(c in source.text[span.start : first_line_start] for c in "\r\n")
    if not one_a_line:
        return Edit(value_end, value_end, f", {member}")
    indent = line_indent(source, source.span(last).start)
    newline = newline_at(source, value_end)
    if isinstance(last.comma, cst.Comma):
        after_comma = source.text.index(",", value_end) + 1
        return Edit(after_comma, after_comma, f"{newline}{indent}{member},")
    return Edit(value_end, value_end, f",{newline}{indent}{member}")


def has_multiline_string(node: cst.CSTNode) -> bool:
    return any(
        isinstance(n, (cst.SimpleString, cst.FormattedString)) and "\n" in _code(n)
        for n in walk(node)
    )


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def reindent(text: str, old: str, new: str) -> str:
    """Every line after the first that starts with the indentation `old` starts with `new`
    instead (spaces or tabs, as the file has them); other lines are left as they are."""
    if old == new or not old.startswith(new):
        return text
    lines = text.splitlines(keepends=True)
    out = [lines[0]]
    for line in lines[1:]:
        out.append(new + line[len(old) :] if line.startswith(old) else line)
    return "".join(out)


def apply_within(text: str, base: int, edits: Iterable[Edit]) -> str:
    """`text` (which starts at offset `base` of the file) with `edits` (file offsets, all
    inside it) applied."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[cursor : edit.start - base])
        out.append(edit.text)
        cursor = edit.end - base
    out.append(text[cursor:])
    return "".join(out)


def replace_string_content(
    source: PythonSource, node: cst.BaseExpression, old: str, new: str
) -> Edit:
    """`"batch/v1"` → `"v1"`, the quotes as written."""
    span = source.span(node)
    code = source.text[span.start : span.end]
    return Edit(span.start, span.end, code.replace(old, new, 1))


def name_uses(source: PythonSource) -> dict[str, list[Span]]:
    """Where each bare name is used outside import statements (once per file)."""
    return source.analysis(f"{__name__}.name_uses", lambda: _name_uses(source))


def _name_uses(source: PythonSource) -> dict[str, list[Span]]:
    found: dict[str, list[Span]] = {}
    assert source.module is not None
    stack: list[cst.CSTNode] = [source.module]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(node, cst.Annotation):
            # A string annotation (`-> "V1Job"`) uses the names it spells.
            for string in walk(node):
                if isinstance(string, cst.SimpleString):
                    value = string.evaluated_value
                    for name in _NAME.findall(value if isinstance(value, str) else ""):
                        found.setdefault(name, []).append(source.span(string))
        if isinstance(node, cst.Name):
            found.setdefault(node.value, []).append(source.span(node))
        elif isinstance(node, cst.Attribute):
            # `x.V1Job` uses x, not a name V1Job.
            stack.append(node.value)
            continue
        stack.extend(node.children)
    return found


def used_after(source: PythonSource, name: str, edits: Sequence[Edit]) -> bool:
    """Whether `name` is still used once `edits` are applied."""
    for span in name_uses(source).get(name, []):
        if not any(e.start <= span.start and span.end <= e.end for e in edits):
            return True
    return any(name in _NAME.findall(e.text) for e in edits)


def _from_imports(source: PythonSource) -> list[cst.ImportFrom]:
    assert source.module is not None
    return [n for n in walk(source.module) if isinstance(n, cst.ImportFrom)]


def _alias_local(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None:
        name = alias.asname.name
        return name.value if isinstance(name, cst.Name) else None
    return alias.name.value if isinstance(alias.name, cst.Name) else None


def _import_module(node: cst.ImportFrom) -> str:
    parts = []
    current: cst.BaseExpression | None = node.module
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if isinstance(current, cst.Name):
        parts.append(current.value)
    return ".".join(reversed(parts))


def import_edits(
    source: PythonSource,
    edits: Sequence[Edit],
    renames: Mapping[str, str],
    dropped: Iterable[str] = (),
) -> list[Edit]:
    """The import edits that go with `edits`: a bare name `old` of `renames` that the edits
    stop using while starting to use `new` is renamed in its `from … import` (or `new` is
    added beside it when `old` stays used); a name of `dropped` that nothing uses any more
    leaves its import list. Raises NotRewritable when a needed name cannot be imported in
    the file's style."""
    statements = _from_imports(source)
    # Names imported only for type checkers do not exist when the code runs.
    typing_only = _type_checking_imports(source)
    bound = {
        _alias_local(a)
        for s in statements
        if not isinstance(s.names, cst.ImportStar) and id(s) not in typing_only
        for a in s.names
    }
    removals: dict[int, tuple[cst.ImportFrom, list[cst.ImportAlias]]] = {}
    for name in dropped:
        for statement, alias in _find_aliases(statements, name):
            local = _alias_local(alias)
            if local is not None and not used_after(source, local, edits):
                _add_removal(removals, statement, alias)
    result: list[Edit] = []
    for old, new in renames.items():
        # Every import of the name: a `try:` import and its `except ImportError:` fallback.
        for statement, alias in _find_aliases(statements, old):
            if alias.asname is not None:
                raise NotRewritable(f"`{old}` is imported under another name")
            if new in bound:
                if not used_after(source, old, edits):
                    _add_removal(removals, statement, alias)
            elif used_after(source, old, edits):
                result.append(_insert_alias(source, statement, new, removals))
            else:
                result.append(Edit(*_span_tuple(source.span(alias.name)), new))
        if _find_aliases(statements, old):
            bound.add(new)
    for statement, aliases in removals.values():
        result.extend(_remove_aliases(source, statement, aliases))
    return _joined(result)


def _joined(edits: list[Edit]) -> list[Edit]:
    """An insertion where a removal starts becomes that removal's replacement text (two
    edits at one offset would overlap)."""
    insertions = {e.start: e for e in edits if e.start == e.end}
    out = []
    for edit in edits:
        if edit.start == edit.end:
            continue
        added = insertions.pop(edit.start, None)
        out.append(Edit(edit.start, edit.end, added.text + edit.text) if added else edit)
    return out + list(insertions.values())


def _type_checking_imports(source: PythonSource) -> set[int]:
    assert source.module is not None
    found: set[int] = set()
    for node in walk(source.module):
        if isinstance(node, cst.If) and dotted_name(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            found.update(id(n) for n in walk(node.body) if isinstance(n, cst.ImportFrom))
    return found


def _add_removal(
    removals: dict[int, tuple[cst.ImportFrom, list[cst.ImportAlias]]],
    statement: cst.ImportFrom,
    alias: cst.ImportAlias,
) -> None:
    removals.setdefault(id(statement), (statement, []))[1].append(alias)


def _insert_alias(
    source: PythonSource,
    statement: cst.ImportFrom,
    name: str,
    removals: Mapping[int, tuple[cst.ImportFrom, list[cst.ImportAlias]]],
) -> Edit:
    """`name` added to the import list, beside a name that stays: in order when the list
    is sorted, else after the last name that stays."""
    assert not isinstance(statement.names, cst.ImportStar)
    leaving = removals.get(id(statement), (statement, []))[1]
    names = [a for a in statement.names if all(a is not r for r in leaving)]
    locals_ = [_alias_local(a) or "" for a in names]
    if locals_ == sorted(locals_):
        for alias, local in zip(names, locals_, strict=True):
            if local > name:
                start = source.span(alias).start
                if source.text[:start].rstrip(" \t").endswith(("\n", "\r")):
                    newline = newline_at(source, start)
                    return Edit(start, start, f"{name},{newline}{line_indent(source, start)}")
                return Edit(start, start, f"{name}, ")
    last = source.span(names[-1])
    first = source.span(statement.names[0])
    if any(c in source.text[first.start : source.span(statement.names[-1]).start] for c in "\r\n"):
        # One name a line: the new one gets its own line, at the same indentation.
        newline = newline_at(source, last.end)
        return Edit(last.end, last.end, f",{newline}{line_indent(source, last.start)}{name}")
    return Edit(last.end, last.end, f", {name}")


def _span_tuple(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _find_aliases(
    statements: Sequence[cst.ImportFrom], imported: str
) -> list[tuple[cst.ImportFrom, cst.ImportAlias]]:
    """The `from kubernetes… import` names that import `imported` (under any alias)."""
    found = []
    for statement in statements:
        if isinstance(statement.names, cst.ImportStar) or statement.relative:
            continue
        if _import_module(statement).split(".")[0] not in CLIENT_LIBRARIES:
            continue
        for alias in statement.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == imported:
                found.append((statement, alias))
    return found


def _remove_aliases(
    source: PythonSource, statement: cst.ImportFrom, aliases: list[cst.ImportAlias]
) -> list[Edit]:
    assert not isinstance(statement.names, cst.ImportStar)
    names = list(statement.names)
    keep = [a for a in names if all(a is not r for r in aliases)]
    if not keep:
        return [_remove_statement(source, statement)]
    removed = [i for i, a in enumerate(names) if any(a is r for r in aliases)]
    runs: list[list[int]] = []
    for i in removed:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    edits = []
    for run in runs:
        first, last = run[0], run[-1]
        if last + 1 < len(names):
            # Up to the next kept name: these names, their commas and the space after them.
            start, end = source.span(names[first]).start, source.span(names[last + 1]).start
        else:
            # The last names: from the end of the name before them (its comma included).
            start, end = source.span(names[first - 1]).end, source.span(names[last]).end
        edits.append(Edit(start, end, ""))
    return edits


def _remove_statement(source: PythonSource, statement: cst.ImportFrom) -> Edit:
    """The whole line of an import that loses all its names."""
    span = source.span(statement)
    text = source.text
    start = max(text.rfind("\n", 0, span.start), text.rfind("\r", 0, span.start)) + 1
    if text[start : span.start].strip():
        raise NotRewritable("the import shares its line with other statements")
    end = _through_line_end(text, span.end)
    if end < len(text) and text[end - 1] not in "\r\n":
        raise NotRewritable("the import shares its line with other statements")
    return Edit(start, end, "")


def _through_line_end(text: str, offset: int) -> int:
    """Past the blanks and the line break that follow `offset` (at a line's end, or where
    something else follows on the line)."""
    end = offset
    while end < len(text) and text[end] in " \t":
        end += 1
    if text.startswith("\r\n", end):
        return end + 2
    if end < len(text) and text[end] in "\r\n":
        return end + 1
    return end


def statement_line_region(source: PythonSource, line: cst.SimpleStatementLine) -> tuple[int, int]:
    """The text of a statement line with its line break, and the comment lines directly above
    it at its indentation: what goes when the statement goes."""
    span = source.span(line)
    text = source.text
    start = max(text.rfind("\n", 0, span.start), text.rfind("\r", 0, span.start)) + 1
    indent = text[start : span.start]
    end = _through_line_end(text, span.end)
    while start > 0:
        previous = max(text.rfind("\n", 0, start - 1), text.rfind("\r", 0, start - 1)) + 1
        above = text[previous:start]
        if not above.startswith(indent + "#") or above[len(indent) :].startswith("# job2pod"):
            break
        start = previous
    return start, end
