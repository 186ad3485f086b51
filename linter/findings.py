"""What a check reports: violations on spans of text, and the findings built from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from linter.levels import FixSafety, Severity


class _Pickled:
    """Pickled as the class and its field values. A frozen slotted dataclass otherwise
    pickles through `__getstate__`/`__setstate__`, which call `dataclasses.fields()` per
    object: unpickling a corpus run's findings sent by the child processes took the main
    process 80 ms of CPU (30 ms this way), while the children needed both cores."""

    __slots__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__slots__])


@dataclass(frozen=True, slots=True)
class Edit(_Pickled):
    """Replace text[start:end] with `text`; offsets are str indices of the original text.

    The text is the file decoded without newline translation, so CRLF pairs count as two
    characters and survive an edit that does not touch them.
    """

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix(_Pickled):
    edits: tuple[Edit, ...]
    safety: FixSafety
    title: str


@dataclass(frozen=True, slots=True)
class Span(_Pickled):
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


@dataclass(frozen=True, slots=True)
class ObjectId(_Pickled):
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


@dataclass(frozen=True, slots=True)
class Position(_Pickled):
    """1-based line and column (columns count characters)."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Finding(_Pickled):
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
