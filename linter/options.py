"""A run's options: the config file merged with the command line (flags win)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from linter.catalog import CatalogError, Rule, load_catalog, select_rules, unknown_selectors
from linter.config import Config, ConfigError, check_rule_names, find, load
from linter.context import CheckContext
from linter.engine import RuleSet

if TYPE_CHECKING:
    from linter.globs import Glob

# The rule params a config's rename map replaces.
_RENAME_PARAMS = ("renames",)


@dataclass
class Options:
    """Everything a command needs to know before it looks at a file."""

    config: Config
    config_path: Path | None
    catalog: list[Rule]
    rules: list[Rule]
    ruleset: RuleSet
    fail_on: str
    output_format: str
    exclude: list[Glob]

    def excluded(self, path: str) -> bool:
        return any(glob.matches(path) for glob in self.exclude)


def resolve(
    paths: Sequence[str],
    config_path: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    migrate: bool = False,
    fail_on: str | None = None,
    output_format: str | None = None,
    user_cache: Path | None = None,
) -> Options:
    """Raises ConfigError or CatalogError with one clear line."""
    found: Path | None
    if config_path is not None:
        found = Path(config_path)
        if not found.is_file():
            raise ConfigError(f"{config_path}: no such config file")
    else:
        start = Path(next((p for p in paths if p != "-"), "."))
        found = find(start if start.exists() else Path("."))
    config = load(found, user_cache) if found is not None else Config()
    base = found.resolve().parent if found is not None else Path.cwd()
    rule_dirs = [base / d for d in config.rule_dirs]
    for directory in rule_dirs:
        if not directory.is_dir():
            raise ConfigError(
                f"{found.name if found else 'config'}: rule-dirs: no such directory: {directory}"
            )
    catalog = load_catalog(rule_dirs, cache_dir=user_cache)
    if found is not None:
        check_rule_names(config, found, catalog)
    chosen_select = list(select) or list(config.select or [])
    chosen_ignore = list(ignore) or list(config.ignore)
    unknown = unknown_selectors(catalog, [*select, *ignore])
    if unknown:
        raise CatalogError(f"unknown rule selector '{unknown[0]}' (see `job2pod rules`)")
    rules = select_rules(catalog, chosen_select, chosen_ignore, migrate=migrate)
    if config.extend_select:
        extra = select_rules(catalog, config.extend_select, chosen_ignore)
        rules += [r for r in extra if r not in rules]
    rules = [_with_renames(r, config) for r in rules]
    ruleset = RuleSet(
        rules,
        context=CheckContext(
            ttl_seconds_after_finished=config.ttl_seconds_after_finished,
            backoff_limit=config.backoff_limit,
            stop_grace_period_seconds=config.stop_grace_period_seconds,
        ),
        max_file_size=config.max_file_size,
        catalog=catalog,
        per_file_ignores=list(
            zip(
                _globs(base, config.per_file_ignores), config.per_file_ignores.values(), strict=True
            )
        ),
    )
    return Options(
        config=config,
        config_path=found,
        catalog=catalog,
        rules=rules,
        ruleset=ruleset,
        fail_on=fail_on or config.fail_on,
        output_format=output_format or config.format,
        exclude=_globs(base, [*config.exclude, *config.extend_exclude]),
    )


def _globs(base: Path, patterns: Iterable[str]) -> list[Glob]:
    patterns = list(patterns)
    if not patterns:  # most runs: no config file, or one without globs
        return []
    from linter.globs import Glob

    return [Glob(str(base), pattern) for pattern in patterns]


def _with_renames(rule: Rule, config: Config) -> Rule:
    params = dict(rule.param_values)
    changed = False
    for name in _RENAME_PARAMS:
        if name in params and params[name] != config.rename_map:
            params[name] = dict(config.rename_map)
            changed = True
    extra = {
        k: v for k, v in config.identifier_renames.items() if k not in params.get("identifiers", {})
    }
    if "identifiers" in params and extra:
        params["identifiers"] = {**params["identifiers"], **extra}
        changed = True
    if not changed:
        return rule
    # A rule that fires on the old names (JP303) must let files holding them through the
    # prefilter; a rule with other triggers merely looks at a few more files.
    added = [*config.rename_map, *config.identifier_renames]
    triggers = (*rule.triggers, *(k.encode() for k in added))
    if not rule.triggers:
        triggers = ()
    return dataclasses.replace(
        rule, param_values=params, triggers=tuple(dict.fromkeys(triggers)), _params=[]
    )
