"""Helm / Go-template masking: `{{ … }}` regions become same-length placeholders.

Linting a chart in place, not rendered, keeps every position exact: each template region is
replaced character for character, so a node's offset in the masked text is its offset in the
file. A line that holds nothing but template actions (`{{- if … }}`, `{{ end }}`,
`{{ include … | nindent 4 }}`) becomes a YAML comment; a template inside a key, a value or a
flow list becomes a run of TEMPLATE_MARK, a private-use character that no manifest contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TEMPLATE_MARK = "\ue000"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_MARK_RUN = re.compile(TEMPLATE_MARK + "+")


class TemplateError(ValueError):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class MaskedText:
    text: str
    regions: tuple[tuple[int, int], ...]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a template region."""
        return any(s < end and start < e for s, e in self.regions)


def has_template(text: str) -> bool:
    return "{{" in text


def find_regions(text: str) -> list[tuple[int, int]]:
    """Spans of `{{ … }}` actions, skipping Go string literals and comments inside them."""
    regions: list[tuple[int, int]] = []
    pos = text.find("{{")
    while pos != -1:
        end = _action_end(text, pos)
        regions.append((pos, end))
        pos = text.find("{{", end)
    return regions


def _action_end(text: str, start: int) -> int:
    i = start + 2
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close == -1:
                break
            i = close + 2
        elif c == '"':
            i = _string_end(text, i, '"')
        elif c == "`":
            i = _string_end(text, i, "`")
        elif text.startswith("}}", i):
            return i + 2
        else:
            i += 1
    raise TemplateError(start, "unterminated template expression '{{' (no matching '}}')")


def _string_end(text: str, start: int, quote: str) -> int:
    i = start + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and quote == '"':
            i += 2
            continue
        if c == quote:
            return i + 1
        if c in "\r\n" and quote == '"':
            # A Go string never spans lines: treat the quote as a stray character.
            return start + 1
        i += 1
    return start + 1


def mask(text: str) -> MaskedText:
    regions = find_regions(text)
    if not regions:
        return MaskedText(text, ())
    out: list[str] = []
    r = 0
    for m in _LINE.finditer(text):
        line_start, line_end = m.start(), m.end()
        if line_start == line_end:
            break
        line = m.group()
        body = line.rstrip("\r\n")
        body_end = line_start + len(body)
        while r < len(regions) and regions[r][1] <= line_start:
            r += 1
        covered = [
            (max(s, line_start), min(e, body_end))
            for s, e in regions[r:]
            if s < body_end and e > line_start
        ]
        if not covered:
            out.append(line)
            continue
        chars = list(body)
        for s, e in covered:
            for i in range(s - line_start, e - line_start):
                chars[i] = TEMPLATE_MARK
        masked = "".join(chars)
        if not masked.replace(TEMPLATE_MARK, "").strip():
            indent = len(body) - len(body.lstrip(" \t"))
            masked = body[:indent] + "#" + " " * (len(body) - indent - 1)
        out.append(masked + line[len(body) :])
    return MaskedText("".join(out), tuple(regions))


def unmask_message(message: str) -> str:
    """Never show a placeholder to a user: a masked run reads as `{{…}}`."""
    return _MARK_RUN.sub("{{…}}", message)
