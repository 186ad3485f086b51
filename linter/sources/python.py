"""Python text to a syntax check; the code is parsed, never imported or run.

The Python rules (JP5xx) will read a LibCST tree from here; until they exist the module
only reports files that do not parse.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from linter.findings import Span
from linter.sources.text import LineIndex
from linter.sources.yaml import SourceProblem


@dataclass
class PythonSource:
    text: str
    problems: list[SourceProblem] = field(default_factory=list)


def parse(text: str) -> PythonSource:
    source = PythonSource(text)
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are the linted code's business.
            warnings.simplefilter("ignore")
            ast.parse(text)
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
