"""A file or document job2pod could not read: the loader reports it, this check names it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from linter.context import CheckContext
from linter.findings import Violation
from linter.settings import param

TARGET = "problem"


@dataclass(frozen=True)
class Params:
    problem: Literal[
        "yaml-syntax", "python-syntax", "go-syntax", "undecodable", "too-large", "resource-limit"
    ] = param(description="The kind of input problem the rule reports.")


def check(target: Violation, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    """The engine builds the violation from the loader's problem; it passes through as is."""
    yield target
