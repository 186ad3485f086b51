"""What every check may read besides its target and params: the values fixes insert, and
the migration plan's view of the other files."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from linter.migration.tree import TreeFacts


class CheckContext(NamedTuple):
    """The config's values for fields a fix adds (TTL, backoff limit, grace period), and,
    in a migration, what the plan knows across the files (None in a per-file check)."""

    ttl_seconds_after_finished: int = 3600
    backoff_limit: int = 6
    stop_grace_period_seconds: int = 30
    tree: TreeFacts | None = None
