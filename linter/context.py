"""What every check may read besides its target and params: the values fixes insert."""

from __future__ import annotations

from typing import NamedTuple


class CheckContext(NamedTuple):
    """The config's values for fields a fix adds (TTL, backoff limit, grace period)."""

    ttl_seconds_after_finished: int = 3600
    backoff_limit: int = 6
    stop_grace_period_seconds: int = 30
