"""A run's options: each file's config file merged with the command line (flags win).

As in ruff, the config that applies to a file is the nearest `.job2pod.yaml` /
`.job2pod.yml` / `pyproject.toml` with `[tool.job2pod]` at or above it, whatever the order
of the paths; `--config FILE` applies to every file. Settings of the run as a whole
(`format`, `fail-on`, the catalog `job2pod rules` lists) come from the config of the
working directory. Each config file is read and resolved once per run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Set
from typing import TYPE_CHECKING, NamedTuple

from linter.catalog import (
    CatalogError,
    Rule,
    Selection,
    load_catalog,
    select_rules,
    unknown_selectors,
)
from linter.config import (
    CONFIG_FILES,
    Config,
    ConfigError,
    check_rule_names,
    has_tool_table,
    in_directory,
    load,
)
from linter.context import CheckContext
from linter.engine import RuleSet

if TYPE_CHECKING:
    from linter.globs import Glob

# A path that ends in a config file's name (paths are written with "/", or as given).
_CONFIG_ENDINGS = tuple({sep + name for sep in ("/", os.sep) for name in CONFIG_FILES})

# The rule params a config's rename map replaces.
_RENAME_PARAMS = ("renames",)


class Overrides(NamedTuple):
    """What the command line says over every config file: a rule selection applied on top
    of the file's (ruff's layering: `--select` starts afresh, `--ignore` and the
    `--extend-*` flags add to the file's) and the run-wide settings."""

    selection: Selection = Selection()
    migrate: bool = False
    fail_on: str | None = None
    output_format: str | None = None


class Options(NamedTuple):
    """Everything a command needs to know before it looks at a file of one config."""

    config: Config
    config_path: str | None
    catalog: list[Rule]
    rules: list[Rule]
    ruleset: RuleSet
    fail_on: str
    output_format: str
    exclude: list[Glob]

    def excluded(self, path: str) -> bool:
        # Most configs have no globs: no generator for each of a big tree's files.
        return bool(self.exclude) and any(glob.matches(path) for glob in self.exclude)


class Projects:
    """The options of each checked file. Raises ConfigError or CatalogError, one line."""

    def __init__(
        self, overrides: Overrides, config_path: str | None = None, user_cache: str | None = None
    ) -> None:
        self.overrides = overrides
        self.user_cache = user_cache
        self.forced = config_path
        if config_path is not None:
            if not os.path.isfile(config_path):
                raise ConfigError(f"{config_path}: no such config file")
            if os.path.basename(config_path) == "pyproject.toml" and not has_tool_table(
                config_path
            ):
                raise ConfigError(f"{config_path}: no [tool.job2pod] table in it")
        self._nearest: dict[str, str | None] = {}
        self._of_directory: dict[str, str | None] = {}
        # Directories known, from a walk's listing, to hold no config file (as their
        # files' paths name them).
        self._without_config: set[str] = set()
        self._resolved: dict[str | None, Options] = {}

    def run_wide(self) -> Options:
        """The options of the working directory: format, fail-on, the catalog."""
        return self._options(self.config_for("."))

    def for_path(self, path: str) -> Options:
        return self._options(self.config_for(path))

    def config_for(self, path: str) -> str | None:
        if self.forced is not None:
            return self.forced
        absolute = os.path.abspath(path)
        return self._nearest_config(
            absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        )

    def config_of_file(self, path: str) -> str | None:
        """`config_for` of a path known to be a file (walked, or checked): memoized on its
        directory as written, so a tree of ten thousand files costs no stat and no
        abspath a file, in the main process that every worker waits for."""
        return self._config_of_directory(_directory_of(path))

    def _config_of_directory(self, directory: str) -> str | None:
        if self.forced is not None:
            return self.forced
        if directory not in self._of_directory:
            parent = _directory_of(directory)
            if directory in self._without_config and parent != directory:
                # The memo answers from now on; a mark kept is memory every worker inherits.
                self._without_config.discard(directory)
                found = self._config_of_directory(parent)
            else:
                found = self._nearest_config(os.path.abspath(directory))
            self._of_directory[directory] = found
        return self._of_directory[directory]

    def excluded(self, path: str) -> bool:
        """A config file is never checked (nor counted); other paths as their config's
        `exclude` and `extend-exclude` say."""
        return self.is_config(path) or self.for_path(path).excluded(path)

    def options_of_file(self, path: str) -> Options:
        """`for_path` of a path known to be a file."""
        return self._options(self.config_of_file(path))

    def kept_in_directory(self, paths: list[str]) -> list[str]:
        """Files of one directory a walk found, less those `excluded` drops: their
        directory's options looked up once."""
        options = self.options_of_file(paths[0])
        if self.forced is None:  # `is_config`, a file at a time
            kept = [p for p in paths if not p.endswith(_CONFIG_ENDINGS) and p not in CONFIG_FILES]
        else:
            kept = [path for path in paths if not self.is_config(path)]
        return [path for path in kept if not options.excluded(path)] if options.exclude else kept

    def is_config(self, path: str) -> bool:
        """A file named as config files are, or the one given with --config."""
        if path.endswith(_CONFIG_ENDINGS) or path in CONFIG_FILES:
            return True
        return self.forced is not None and os.path.realpath(path) == os.path.realpath(self.forced)

    def listed(self, directory: str, names: Set[str]) -> None:
        """The names in `directory` (as its files' paths name it), as a walk listed them:
        when none is a config file's, its config is its parent's, known without an abspath
        and the three stats a directory would take (in the main process, while the
        workers wait for files)."""
        if names.isdisjoint(CONFIG_FILES):
            self._without_config.add(directory)

    def grouped(self, paths: Iterable[str]) -> list[tuple[Options, list[str]]]:
        """The paths by the options that apply to them, in order of first appearance."""
        groups: dict[str | None, list[str]] = {}
        last: str | None = None
        members: list[str] = []
        for path in paths:
            # A walk's files come a directory at a time: a config looked up once a run.
            directory = _directory_of(path)
            if directory != last:
                last = directory
                members = groups.setdefault(self._config_of_directory(directory), [])
            members.append(path)
        return [(self._options(found), members) for found, members in groups.items()]

    def check_selectors(self) -> None:
        """A command-line selector must name a rule of some config's catalog (a custom rule
        lives in the catalog of the config that names its directory)."""
        known = [r for options in self._resolved.values() for r in options.catalog]
        unknown = unknown_selectors(known, self.overrides.selection.selectors)
        if unknown:
            raise CatalogError(f"unknown rule selector '{unknown[0]}' (see `job2pod rules`)")

    def _nearest_config(self, directory: str) -> str | None:
        if directory in self._nearest:
            return self._nearest[directory]
        found = in_directory(directory)
        if found is None:
            parent = os.path.dirname(directory)
            found = None if parent == directory else self._nearest_config(parent)
        self._nearest[directory] = found
        return found

    def _options(self, found: str | None) -> Options:
        if found not in self._resolved:
            self._resolved[found] = resolve(
                found, self.shown(found), self.overrides, self.user_cache
            )
        return self._resolved[found]

    def shown(self, found: str | None) -> str:
        """A config file as messages name it: as given, or relative to the cwd."""
        if found is None:
            return "no config file"
        if found == self.forced:
            return found
        relative = os.path.relpath(found)
        return found if relative.startswith("..") else relative


def _directory_of(path: str) -> str:
    """The directory of a file's path, as abspath reads it: the path up to its last "/"
    (at a fifth of the cost of os.path.dirname, which a file at the root and Windows
    paths still take)."""
    cut = path.rfind("/")
    return path[:cut] if cut > 0 and os.sep == "/" else os.path.dirname(path)


def resolve(
    found: str | None, shown: str, overrides: Overrides, user_cache: str | None = None
) -> Options:
    """The options of one config file (None: no config file, the defaults)."""
    config = load(found, user_cache, shown) if found is not None else Config()
    base = os.path.dirname(os.path.realpath(found)) if found is not None else os.getcwd()
    # Lexically normalized, as ruff does: `base` has no symlink left in it.
    rule_dirs = [os.path.normpath(os.path.join(base, d)) for d in config.rule_dirs]
    for directory in rule_dirs:
        if not os.path.isdir(directory):
            raise ConfigError(f"{shown}: rule-dirs: no such directory: {directory}")
    catalog = load_catalog(rule_dirs, cache_dir=user_cache)
    if found is not None:
        check_rule_names(config, shown, catalog)
    from_file = Selection(config.select, config.extend_select, config.ignore)
    rules = select_rules(catalog, [from_file, overrides.selection], migrate=overrides.migrate)
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
        fail_on=overrides.fail_on or config.fail_on,
        output_format=overrides.output_format or config.format,
        exclude=_globs(base, [*config.exclude, *config.extend_exclude]),
    )


def _globs(base: str, patterns: Iterable[str]) -> list[Glob]:
    patterns = list(patterns)
    if not patterns:  # most runs: no config file, or one without globs
        return []
    from linter.globs import Glob

    return [Glob(base, pattern) for pattern in patterns]


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
    return rule._replace(
        param_values=params, triggers=tuple(dict.fromkeys(triggers)), params_memo=[]
    )
