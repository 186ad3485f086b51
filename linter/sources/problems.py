"""Why a source could not be read, in every language: the kind names a JP0xx rule.

A module of its own so that the Python and Go sources need no YAML parser to report one.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.findings import Span


@dataclass(frozen=True)
class SourceProblem:
    """Why a document (or the file) could not be read: the kind names a JP0xx rule."""

    kind: str
    span: Span
    detail: str
