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
    """The masked text, every template region, and the regions that may render YAML
    content (an include or toYaml standing where keys could be): a key absent from a
    mapping that holds one of those may well be there once rendered."""

    text: str
    regions: tuple[tuple[int, int], ...]
    # Actions alone on their line, at the indentation of the keys they render.
    injections: tuple[tuple[int, int], ...] = ()
    # Actions in value position (`labels: {{- include … }}`): they render the key's value.
    value_injections: tuple[tuple[int, int], ...] = ()

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
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group()]
    out: list[str] = []
    injections: list[tuple[int, int]] = []
    value_injections: list[tuple[int, int]] = []
    r = 0
    for number, (line_start, line) in enumerate(lines):
        body = line.rstrip("\r\n")
        body_end = line_start + len(body)
        while r < len(regions) and regions[r][1] <= line_start:
            r += 1
        here = [(s, e) for s, e in regions[r:] if s < body_end and e > line_start]
        covered = [(max(s, line_start), min(e, body_end)) for s, e in here]
        if not covered or not body.strip():
            out.append(line)
            continue
        chars = list(body)
        for s, e in covered:
            chars[s - line_start : e - line_start] = TEMPLATE_MARK * (e - s)
        masked = "".join(chars)
        last_start = covered[-1][0] - line_start
        if not masked.replace(TEMPLATE_MARK, "").strip():
            indent = len(body) - len(body.lstrip(" \t"))
            masked = body[:indent] + "#" + " " * (len(body) - indent - 1)
            injections.extend(
                c for c, full in zip(covered, here, strict=True) if _injects(text, full)
            )
        elif _renders_block(masked, last_start, body, lines, number):
            # `labels: {{- include … | nindent 4 }}` followed by more indented lines: the
            # action renders part of a nested block, so it must not become a scalar.
            masked = masked[:last_start] + "#" + " " * (len(masked) - last_start - 1)
            value_injections.append(covered[-1])
        out.append(masked + line[len(body) :])
    masked_text = "".join(out)
    if len(masked_text) != len(text):
        # Offsets into the masked text must be offsets into the file; never guess.
        raise TemplateError(0, "the template could not be masked without moving positions")
    return MaskedText(masked_text, tuple(regions), tuple(injections), tuple(value_injections))


_CONTROL = re.compile(r"\{\{-?\s*(?:if|else|end|range|with|define|block|break|continue|/\*|\$)")


def _injects(text: str, region: tuple[int, int]) -> bool:
    """Whether an action can render YAML content (include, toYaml …), not control flow."""
    return _CONTROL.match(text, region[0]) is None


def _renders_block(
    masked: str, last_start: int, body: str, lines: list[tuple[int, str]], number: int
) -> bool:
    if masked[last_start:].replace(TEMPLATE_MARK, "").strip():
        return False
    before = masked[:last_start].rstrip()
    if not before.endswith(":") or TEMPLATE_MARK in before or last_start == len(before):
        return False
    indent = len(body) - len(body.lstrip(" "))
    for _, following in lines[number + 1 :]:
        stripped = following.strip()
        if stripped and not stripped.startswith(("{{", "#")):
            return len(following) - len(following.lstrip(" ")) > indent
    return False


def unmask_message(message: str) -> str:
    """Never show a placeholder to a user: a masked run reads as `{{…}}`."""
    return _MARK_RUN.sub("{{…}}", message)
