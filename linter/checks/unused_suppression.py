"""A suppression comment or annotation that silenced nothing: the engine finds them, this
check reports each with a fix that removes it."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from linter.context import CheckContext
from linter.findings import Fix, FixSafety, Violation
from linter.suppressions import Suppression

TARGET = "suppression"


class Params(BaseModel):
    """No parameters."""


def check(
    target: tuple[Suppression, str], params: Params, ctx: CheckContext
) -> Iterator[Violation]:
    suppression, reason = target
    fix = Fix((suppression.removal,), FixSafety.SAFE, "Remove the unused suppression")
    yield Violation(suppression.span, {"suppression": suppression.text, "reason": reason}, fix)
