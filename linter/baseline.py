"""Baselines: today's findings recorded, so that `check --baseline` fails only on new ones.

Entries are fingerprints (rule, file, object, the flagged text, its occurrence), not line
numbers: lines added above a recorded finding do not make it new. Each entry absorbs one
finding, so fixing a recorded finding does not let a new one hide behind its entry.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from linter import __version__
from linter.findings import Finding
from linter.repository import RepositoryPaths

FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be used: one line, exit code 2."""


def dump(findings: Sequence[Finding]) -> str:
    """Paths from the repository root, as the fingerprints see them: the file reads the
    same whatever directory it was recorded from."""
    paths = RepositoryPaths()
    entries = [
        {
            "fingerprint": f.fingerprint,
            "code": f.rule_id,
            "path": paths.relative(f.path),
            "message": f.message,
        }
        for f in sorted(findings, key=Finding.sort_key)
    ]
    return (
        json.dumps({"format": FORMAT, "job2pod": __version__, "findings": entries}, indent=2) + "\n"
    )


def load(path: str) -> Counter[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.loads(handle.read())
        if data.get("format") != FORMAT:
            raise BaselineError(f"{path}: not a job2pod baseline (format {FORMAT})")
        return Counter(str(entry["fingerprint"]) for entry in data["findings"])
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"{path}: not a job2pod baseline ({exc})") from exc


def new_findings(findings: Sequence[Finding], baseline: Counter[str]) -> list[Finding]:
    remaining = Counter(baseline)
    fresh = []
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
        else:
            fresh.append(finding)
    return fresh
