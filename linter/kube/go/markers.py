"""kubebuilder markers in Go comments (`// +kubebuilder:rbac:groups=batch,…`), as
controller-gen reads them: `+name:key=value,key=value`, list values separated by `;` or
written `{a,b}`, strings quoted or not (kubebuilder book, Markers reference; RBAC and CRD
generation markers). Spans are those of the comment text, so an argument can be edited
in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.findings import Span
from linter.sources.go import GoSource

if TYPE_CHECKING:
    from tree_sitter import Node

_MARKER = re.compile(r"//\s*\+(?P<name>kubebuilder:[a-z]+(?::[a-z]+)?)(?::(?P<args>.*))?$")
_ARG = re.compile(r"""(?P<key>[A-Za-z]+)=(?P<value>"[^"]*"|`[^`]*`|\{[^}]*\}|[^,]*)(?:,|$)""")


@dataclass(frozen=True)
class Argument:
    key: str
    raw: str  # as written, quotes included
    span: Span  # of the raw value

    @property
    def value(self) -> str:
        raw = self.raw
        if len(raw) >= 2 and raw[0] in '"`{' and raw[-1] in '"`}':
            return raw[1:-1]
        return raw

    @property
    def items(self) -> list[str]:
        """A list value: `a;b`, `{a,b}`; quotes around items dropped."""
        parts = self.value.split(",") if self.raw.startswith("{") else self.value.split(";")
        return [p.strip().strip("\"'") for p in parts]


@dataclass(frozen=True)
class Marker:
    name: str  # kubebuilder:rbac, kubebuilder:printcolumn …
    comment: Node
    span: Span  # the comment
    arguments: tuple[Argument, ...]
    # The arguments as controller-gen would accept them (each one key=value).
    well_formed: bool

    def argument(self, key: str) -> Argument | None:
        return next((a for a in self.arguments if a.key == key), None)


def markers(source: GoSource, name: str) -> list[Marker]:
    """Every marker `+<name>` of the file, in source order."""
    found = []
    for comment in source.comments():
        text = source.code(comment)
        if "+kubebuilder:" not in text:
            continue
        m = _MARKER.match(text.rstrip("\r"))
        if m is None or m.group("name") != name:
            continue
        base = source.offset(comment.start_byte)
        arguments = []
        args = m.group("args") or ""
        start = m.start("args") if m.group("args") is not None else len(text)
        position = 0
        well_formed = True
        while position < len(args):
            am = _ARG.match(args, position)
            if am is None or am.end() == position:
                well_formed = False
                break
            value_start = base + start + am.start("value")
            arguments.append(
                Argument(
                    am.group("key"),
                    am.group("value"),
                    Span(value_start, value_start + len(am.group("value"))),
                )
            )
            position = am.end()
        found.append(
            Marker(
                name=name,
                comment=comment,
                span=source.span(comment),
                arguments=tuple(arguments),
                well_formed=well_formed,
            )
        )
    return found
