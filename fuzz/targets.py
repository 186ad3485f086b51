"""Fuzz targets for the YAML and Python front ends: any bytes in, findings or nothing out.

A target fails only by raising: job2pod must turn every input into findings (JP0xx for
what it cannot read) and every fix into text that parses as well as the input did.
"""

from __future__ import annotations

from linter.catalog import builtin_rules
from linter.engine import RuleSet, check_bytes
from linter.fixes import fix_text
from linter.sources.text import UndecodableError, decode

_RULES = RuleSet([r for r in builtin_rules() if r.enabled or r.migrate], prefilter=False)


def yaml_target(data: bytes) -> None:
    _target("fuzz.yaml", "yaml", data)


def python_target(data: bytes) -> None:
    _target("fuzz.py", "python", data)


def _target(name: str, language: str, data: bytes) -> None:
    check_bytes(name, data, _RULES, language=language)
    try:
        text = decode(data).text
    except UndecodableError:
        return
    once = fix_text(name, text, _RULES, language, unsafe=True)
    twice = fix_text(name, once.fixed, _RULES, language, unsafe=True)
    if twice.fixed != once.fixed:
        raise AssertionError("fix is not idempotent")
