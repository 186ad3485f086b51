"""What a check reports: violations on spans of text, and the findings built from them.

The types a finding is made of are named tuples, not frozen dataclasses: a warm run over a
big tree builds each cached finding again, and a frozen dataclass takes four times as long
to build (each field set through object.__setattr__), besides 5 ms to define the six classes
at import, in every run. A named tuple pickles as its class and values, too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from linter.levels import FixSafety, Severity


class Edit(NamedTuple):
    """Replace text[start:end] with `text`; offsets are str indices of the original text.

    The text is the file decoded without newline translation, so CRLF pairs count as two
    characters and survive an edit that does not touch them.
    """

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    edits: tuple[Edit, ...]
    safety: FixSafety
    title: str


class Span(NamedTuple):
    """Half-open range of str offsets into the file's text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Violation:
    """What a check yields: where, the values for the rule's message template, a fix."""

    span: Span
    args: Mapping[str, object] = field(default_factory=dict)
    fix: Fix | None = None
    # Set by checks whose target has no Kubernetes identity of its own (Python code: the
    # enclosing function or class); YAML findings get their object from the engine.
    obj: ObjectId | None = None


class ObjectId(NamedTuple):
    """The Kubernetes object (or Python scope) a finding belongs to."""

    api_version: str | None = None
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        parts = [self.kind or "?"]
        if self.namespace:
            parts.append(f"{self.namespace}/{self.name or '?'}")
        elif self.name:
            parts.append(self.name)
        return " ".join(parts)


class Position(NamedTuple):
    """1-based line and column (columns count characters)."""

    line: int
    column: int


class Finding(NamedTuple):
    rule_id: str
    rule_name: str
    severity: Severity
    path: str
    start: Position
    end: Position
    message: str
    span: Span
    obj: ObjectId | None = None
    fix: Fix | None = None
    fingerprint: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.line, self.start.column, self.rule_id)
