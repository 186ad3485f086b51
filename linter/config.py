"""Configuration: `[tool.job2pod]` in pyproject.toml or `.job2pod.yaml`.

Config is a settings dataclass (linter/settings.py): pydantic validates a config file and
writes the JSON Schema, and a run without a config file never imports it.

Each checked file has the nearest config file above it (linter/options.py), or the one
given with --config; CLI flags win over the file. Every problem is one line naming the
file (as given, or relative to the working directory) and the key or the line
(`deploy/.job2pod.yaml: select[2]: unknown rule 'JP999'`), never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from linter.cache import StrPath, code_fingerprint, key, read_json, write_entry
from linter.settings import model_of, param, validated

CONFIG_FILES = (".job2pod.yaml", ".job2pod.yml", "pyproject.toml")
DEFAULT_RENAMES = {"jobName": "podName", "JobName": "PodName", "job_name": "pod_name"}


class ConfigError(Exception):
    """A configuration problem: one line, exit code 2."""


@dataclass(frozen=True)
class Config:
    """job2pod settings. Keys are kebab-case in files (`fail-on`, `per-file-ignores`)."""

    select: list[str] | None = param(
        "Rules to run (ids, id prefixes or names); default: the rules on by default.",
        default=None,
    )
    ignore: list[str] = param("Rules to leave out.", factory=list)
    extend_select: list[str] = param(
        "Rules to run on top of `select` (or the default set).", factory=list
    )
    per_file_ignores: dict[str, list[str]] = param(
        "Glob (relative to the config file) to the rules it ignores.", factory=dict
    )
    exclude: list[str] = param(
        "Globs of paths never checked (replaces the default: none).", factory=list
    )
    extend_exclude: list[str] = param("More globs to exclude.", factory=list)
    fail_on: Literal["error", "warning", "info", "never"] = param(
        "Lowest severity that makes `check` exit 1.", default="warning"
    )
    format: Literal["text", "json", "sarif", "github"] = param(
        "Output format of `check`.", default="text"
    )
    rename_map: dict[str, str] = param(
        "Field renames of the migration (CRD schemas, printer columns, custom resources, code).",
        factory=lambda: dict(DEFAULT_RENAMES),
    )
    identifier_renames: dict[str, str] = param(
        "Extra Python identifier renames (added to build_job → build_pod and friends).",
        factory=dict,
    )
    rename_public: bool = param(
        "Let `migrate` rename public functions and methods of a package (`create_job` of a "
        "library's API), when every use it sees converts: callers outside the scanned paths "
        "break.",
        default=False,
    )
    ttl_seconds_after_finished: int = param("TTL the JP202/JP508 fixes insert.", default=3600, ge=0)
    backoff_limit: int = param(
        "backoffLimit the JP203 fix inserts (6 is what Kubernetes uses when it is absent).",
        default=6,
        ge=0,
    )
    stop_grace_period_seconds: int = param(
        "Grace period of the Pod deletion that replaces a suspend.", default=30, ge=0
    )
    max_file_size: int = param(
        "Files larger than this (bytes) get JP004.", default=5 * 1024 * 1024, gt=0
    )
    rule_dirs: list[str] = param(
        "Directories of custom rule files (relative to the config file).", factory=list
    )


def schema() -> dict[str, Any]:
    document = model_of(Config, kebab_case=True).model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "job2pod configuration"
    return document


def in_directory(directory: str) -> str | None:
    """The config file of `directory` itself, if it has one; pyproject.toml only with
    [tool.job2pod]. (A run over a big tree asks this of each of its thousands of
    directories before any worker starts.)"""
    for name in CONFIG_FILES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and (name != "pyproject.toml" or has_tool_table(candidate)):
            return candidate
    return None


def has_tool_table(path: str) -> bool:
    try:
        return "job2pod" in _toml(path, _read(path, path)).get("tool", {})
    except ConfigError:
        return True  # report the broken file rather than silently skip it


def _read(path: str, shown: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{shown}: cannot read: {exc}") from exc


# tomllib names the place only in its message: "... (at line 3, column 8)". (A pattern
# compiled by re when a file is broken, not by every run.)
_TOML_PLACE = r"\s*\(at line (\d+), column (\d+)\)$"


def _toml(shown: str, text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except ValueError as exc:
        message = str(exc)
        place = re.search(_TOML_PLACE, message)
        where = f"{shown}:{place.group(1)}:{place.group(2)}" if place else shown
        raise ConfigError(f"{where}: not valid TOML: {re.sub(_TOML_PLACE, '', message)}") from exc


def _yaml(shown: str, text: str) -> Any:
    from linter.catalog import _load_yaml

    try:
        return _load_yaml(text)
    except Exception as exc:  # the parser's own message is the useful part
        raise ConfigError(f"{yaml_problem(shown, exc)}") from exc


def yaml_problem(shown: str, exc: Exception) -> str:
    """One line naming the file and the place: `ci.yaml:3:9: not valid YAML: ...`, not
    the parser's `in "<unicode string>", line 3` over several lines."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark is not None else shown
    return f"{where}: not valid YAML: {' '.join(str(problem).split())}"


def _raw(path: str, shown: str, text: str) -> Any:
    if os.path.basename(path) == "pyproject.toml":
        return _toml(shown, text).get("tool", {}).get("job2pod", {})
    data = _yaml(shown, text)
    return {} if data is None else data


def load(path: StrPath, cache_dir: StrPath | None = None, shown: str | None = None) -> Config:
    """The settings in `path` (`shown` in messages: the path as the user gave it or as
    found from the working directory). Settings validated before come back from
    `cache_dir` (the user's cache, beside the catalog): validating imports pydantic, which
    would double a pre-commit run on one file. The text read once is both the key and
    what is validated."""
    path = os.fspath(path)
    shown = shown or path
    text = _read(path, shown)
    entry = _cache_entry(os.path.basename(path), text, cache_dir)
    cached = read_json(entry) if entry is not None else None
    if isinstance(cached, dict):
        with contextlib.suppress(TypeError):  # written by another version: validate again
            return Config(**cached)
    values = _validated(path, shown, text)
    if entry is not None and cache_dir is not None:
        write_entry(cache_dir, entry, json.dumps(values))
    return Config(**values)


def _cache_entry(name: str, text: str, cache_dir: StrPath | None) -> str | None:
    if cache_dir is None:
        return None
    # The code fingerprint covers Config's fields and the validation in settings.py.
    return os.path.join(cache_dir, "config", f"{key([code_fingerprint(), name, text])}.json")


def _validated(path: str, shown: str, text: str) -> dict[str, Any]:
    data = _raw(path, shown, text)
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: expected a mapping of settings")
    from pydantic import ValidationError

    try:
        values = validated(Config, data, kebab_case=True)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _location(error["loc"])
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown setting" + _suggestion(str(error["loc"][-1]))
        raise ConfigError(f"{shown}: {where}: {message}") from exc
    return values


def _suggestion(key: str) -> str:
    import difflib

    names = [f.name.replace("_", "-") for f in dataclasses.fields(Config)]
    close = difflib.get_close_matches(key.replace("_", "-"), names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _location(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def check_rule_names(config: Config, shown: str, known: Sequence[Any]) -> None:
    """Every selector in the file must name a rule: `select[2]: unknown rule 'JP999'`."""
    fields: list[tuple[str, list[str]]] = [
        ("select", config.select or []),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
    ]
    fields += [
        (f"per-file-ignores.{glob}", rules) for glob, rules in config.per_file_ignores.items()
    ]
    for name, selectors in fields:
        for index, selector in enumerate(selectors):
            if not any(rule.matches(selector) for rule in known):
                raise ConfigError(f"{shown}: {name}[{index}]: unknown rule '{selector}'")
