"""Bytes on disk to text that keeps every byte: BOM, line endings, a missing final newline."""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

# Decoding is what every file past the prefilter needs; the finding classes only a file
# with something to report.
if TYPE_CHECKING:
    from linter.findings import Position

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class UndecodableError(ValueError):
    """The bytes are binary or not in an encoding job2pod reads."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def decode(data: bytes) -> DecodedText:
    """UTF-8, or UTF-16/32 announced by a BOM; anything else (or NUL bytes) is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(encoding), encoding, bom)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"not valid {encoding} after its byte order mark") from exc
    if b"\x00" in data:
        raise UndecodableError("binary content (NUL bytes)")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", b"")
    except UnicodeDecodeError as exc:
        raise UndecodableError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from exc


class LineIndex:
    """Offsets to 1-based line/column; CRLF, CR and LF all end a line."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> Position:
        from linter.findings import Position

        line = bisect.bisect_right(self._starts, offset) - 1
        return Position(line + 1, offset - self._starts[line] + 1)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based `line`."""
        return self._starts[line - 1]

    def line_count(self) -> int:
        return len(self._starts)

    def line_text(self, line: int) -> str:
        """Text of 1-based `line` without its line break."""
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self._text)
        return self._text[start:end].rstrip("\r\n")
