"""Path globs as config files write them, relative to the file that holds them.

`deploy/legacy/**` or `deploy/legacy/` match everything below that directory, `*.tpl.yaml`
(no slash) matches that name at any depth, like .gitignore.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Glob:
    """A config file's glob and the directory it is relative to."""

    base: str
    pattern: str

    def matches(self, path: str) -> bool:
        rel = os.path.relpath(os.path.abspath(path), self.base).replace(os.sep, "/")
        if rel.startswith("../"):
            return False
        pattern = self.pattern.rstrip("/")
        if pattern.endswith("/**"):
            pattern = pattern[:-3]
        if "/" not in pattern:
            parts = rel.split("/")
            return any(fnmatch.fnmatchcase(part, pattern) for part in parts)
        return fnmatch.fnmatchcase(rel, pattern) or rel.startswith(pattern + "/")
