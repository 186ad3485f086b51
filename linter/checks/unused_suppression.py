"""A suppression comment or annotation that silenced nothing: the engine finds them, this
check reports each with a fix that removes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Fix, Violation
from linter.levels import FixSafety
from linter.suppressions import Suppression

TARGET = "suppression"


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(
    target: tuple[Suppression, str], params: Params, ctx: CheckContext
) -> Iterator[Violation]:
    suppression, reason = target
    fix = Fix((suppression.removal,), FixSafety.SAFE, "Remove the unused suppression")
    yield Violation(suppression.span, {"suppression": suppression.text, "reason": reason}, fix)
