"""Configuration: `[tool.job2pod]` in pyproject.toml or `.job2pod.yaml`, as one pydantic model.

Found by walking up from the first checked path (or given with --config); CLI flags win
over the file. Every problem is one line naming the file and the key
(`.job2pod.yaml: select[2]: unknown rule 'JP999'`), never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CONFIG_FILES = (".job2pod.yaml", ".job2pod.yml", "pyproject.toml")
DEFAULT_RENAMES = {"jobName": "podName", "JobName": "PodName", "job_name": "pod_name"}


class ConfigError(Exception):
    """A configuration problem: one line, exit code 2."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(BaseModel):
    """job2pod settings. Keys are kebab-case in files (`fail-on`, `per-file-ignores`)."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True)

    select: list[str] | None = Field(
        default=None,
        description="Rules to run (ids, id prefixes or names); default: the rules on by default.",
    )
    ignore: list[str] = Field(default_factory=list, description="Rules to leave out.")
    extend_select: list[str] = Field(
        default_factory=list, description="Rules to run on top of `select` (or the default set)."
    )
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Glob (relative to the config file) to the rules it ignores.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Globs of paths never checked (replaces the default: none).",
    )
    extend_exclude: list[str] = Field(default_factory=list, description="More globs to exclude.")
    fail_on: Literal["error", "warning", "info", "never"] = Field(
        default="warning", description="Lowest severity that makes `check` exit 1."
    )
    format: Literal["text", "json", "sarif", "github"] = Field(
        default="text", description="Output format of `check`."
    )
    rename_map: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RENAMES),
        description="Field renames of the migration (CRD schemas, printer columns, custom resources, code).",
    )
    identifier_renames: dict[str, str] = Field(
        default_factory=dict,
        description="Extra Python identifier renames (added to build_job → build_pod and friends).",
    )
    ttl_seconds_after_finished: int = Field(
        default=3600, ge=0, description="TTL the JP202/JP508 fixes insert."
    )
    backoff_limit: int = Field(
        default=6,
        ge=0,
        description="backoffLimit the JP203 fix inserts (6 is what Kubernetes uses when it is absent).",
    )
    stop_grace_period_seconds: int = Field(
        default=30, ge=0, description="Grace period of the Pod deletion that replaces a suspend."
    )
    max_file_size: int = Field(
        default=5 * 1024 * 1024, gt=0, description="Files larger than this (bytes) get JP004."
    )
    rule_dirs: list[str] = Field(
        default_factory=list,
        description="Directories of custom rule files (relative to the config file).",
    )


def schema() -> dict[str, Any]:
    document = Config.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "job2pod configuration"
    return document


def find(start: Path) -> Path | None:
    """The nearest config file at or above `start`; pyproject.toml only with [tool.job2pod]."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "job2pod" in _toml(path).get("tool", {})
    except ConfigError:
        return True  # report the broken file rather than silently skip it


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from exc


def _raw(path: Path) -> Any:
    if path.name == "pyproject.toml":
        return _toml(path).get("tool", {}).get("job2pod", {})
    from linter.catalog import _load_yaml

    try:
        data = _load_yaml(path.read_text(encoding="utf-8"))
    except Exception as exc:  # the parser's own message is the useful part
        raise ConfigError(f"{path.name}: not valid YAML: {exc}") from exc
    return {} if data is None else data


def load(path: Path) -> Config:
    data = _raw(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _location(error["loc"])
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown setting"
        raise ConfigError(f"{path.name}: {where}: {message}") from exc


def _location(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def check_rule_names(config: Config, path: Path, known: Sequence[Any]) -> None:
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
                raise ConfigError(f"{path.name}: {name}[{index}]: unknown rule '{selector}'")
