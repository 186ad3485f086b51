"""A file or document job2pod could not read: the loader reports it, this check names it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, Field

from linter.context import CheckContext
from linter.findings import Violation

TARGET = "problem"


class Params(BaseModel):
    problem: Literal[
        "yaml-syntax", "python-syntax", "undecodable", "too-large", "resource-limit"
    ] = Field(description="The kind of input problem the rule reports.")


def check(target: Violation, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    """The engine builds the violation from the loader's problem; it passes through as is."""
    yield target
