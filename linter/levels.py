"""The two scales a rule declares: how much its findings matter and how safe its fix is.

Apart from findings.py because the catalog needs them on every run, and the finding
classes cost more to create than a run over one file that holds no Job does.
"""

from __future__ import annotations

import enum


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class FixSafety(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
