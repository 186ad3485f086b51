"""The rule catalog: rules/*.yaml (data) naming checks in linter/checks/ (code).

The rule files are the registry: every rule, its default state and its docs live there.
They are validated against schemas/rule.schema.json when loaded; a broken rule file is a
CatalogError naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any, NamedTuple

from linter import cache
from linter.levels import FixSafety, Severity

# What `scope.language: any` stands for; a rule of some of them lists them.
ALL_LANGUAGES = ("yaml", "python", "go")


class CatalogError(Exception):
    """A rule file that cannot be used; the message names the file and the field."""


class RuleFix(NamedTuple):
    """A rule's `fix` entry: whether it fixes (`none`, `sometimes`, `always`), how safely."""

    availability: str
    safety: FixSafety | None
    title: str


class Rule(NamedTuple):
    """One rule file, validated: what it checks, where, and how it reports. (A NamedTuple:
    a frozen dataclass of these fields cost every run 1.3 ms to create, a fortieth of a
    one-file run.)"""

    id: str
    name: str
    summary: str
    check: str
    # The check's params, validated when the rule file was loaded, defaults filled in (so a
    # config's rename-map replaces `renames` whether the rule file set it or not).
    param_values: Mapping[str, Any]
    language: str
    kinds: frozenset[str] | None
    triggers: tuple[bytes, ...]
    severity: Severity
    enabled: bool
    migrate: bool
    message: str
    fix: RuleFix
    docs: Mapping[str, str]
    origin: str
    # The check's Params, made on first use: a list the rule is made with, empty (a
    # NamedTuple's fields cannot be assigned; a shared default would be one list for all).
    params_memo: list[Any]
    exclude_kinds: frozenset[str] = frozenset()
    # The languages the rule reads (`language` is how the rule file says it: `any`, one
    # language, or several joined by ", ").
    languages: tuple[str, ...] = ()

    @property
    def fixable(self) -> bool:
        return self.fix.availability != "none"

    def check_module(self) -> ModuleType:
        return importlib.import_module(f"linter.checks.{self.check}")

    def params(self) -> Any:
        """The check's Params dataclass, made once on first use."""
        if not self.params_memo:
            self.params_memo.append(self.check_module().Params(**self.param_values))
        return self.params_memo[0]

    def applies_to(self, kind: str | None) -> bool:
        if kind in self.exclude_kinds:
            return False
        return self.kinds is None or kind in self.kinds

    def matches(self, selector: str) -> bool:
        """`--select`/`--ignore` matching: an id, an id prefix (`JP1`) or the rule name."""
        return self.id.startswith(selector) or self.name == selector or selector == "ALL"


def check_names() -> list[str]:
    root = cache.package_dir("linter.checks")
    return sorted(n[:-3] for n in os.listdir(root) if n.endswith(".py") and n != "__init__.py")


@functools.lru_cache(maxsize=1)
def _rule_schema() -> dict[str, Any]:
    with open(os.path.join(cache.package_dir("linter.schemas"), "rule.schema.json"), "rb") as f:
        schema: dict[str, Any] = json.loads(f.read())
    return schema


def _load_yaml(text: str) -> Any:
    try:
        from ruamel.yaml.cyaml import CSafeLoader
    except ImportError:  # platforms without ruamel.yaml.clib
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=True).load(text)
    loader = CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def validate_rule(data: Any, origin: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_rule_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        raise CatalogError(f"{origin}: {where}: {err.message}")


def parse_rule(data: Any, origin: str, checks: Sequence[str]) -> Rule:
    """A Rule from rule data that validate_rule accepted."""
    if data["check"] not in checks:
        raise CatalogError(
            f"{origin}: check: unknown check '{data['check']}' (one of: {', '.join(checks)})"
        )
    scope = data["scope"]
    fix = data.get("fix", {"availability": "none"})
    kinds = scope.get("kinds")
    language = scope["language"]
    if isinstance(language, list):
        languages = tuple(language)
    else:
        languages = ALL_LANGUAGES if language == "any" else (language,)
    return Rule(
        id=data["id"],
        name=data["name"],
        summary=data["summary"],
        check=data["check"],
        param_values=data["params"],
        language=", ".join(languages) if isinstance(language, list) else language,
        languages=languages,
        kinds=frozenset(kinds) if kinds else None,
        exclude_kinds=frozenset(scope.get("exclude_kinds", ())),
        triggers=tuple(t.encode() for t in data.get("triggers", [])),
        severity=Severity(data["severity"]),
        enabled=data.get("enabled", True),
        migrate=data.get("migrate", data.get("enabled", True)),
        message=data["message"],
        fix=RuleFix(
            availability=fix["availability"],
            safety=FixSafety(fix["safety"]) if "safety" in fix else None,
            title=fix.get("title", ""),
        ),
        docs=data["docs"],
        origin=origin,
        params_memo=[],
    )


def load_rule_files(
    paths: Iterable[tuple[str, str]], cache_dir: cache.StrPath | None = None
) -> list[Rule]:
    """(origin, text) pairs to rules; ids and names must be unique across all of them."""
    texts = list(paths)
    return _rules(texts, lambda: texts, cache_dir)


def load_rule_paths(
    files: Sequence[tuple[str, str]], cache_dir: cache.StrPath | None = None
) -> list[Rule]:
    """(origin, path) pairs to rules. A file's stat stands for its text in the cache
    digest, so a run that finds the catalog cached reads no rule file."""
    identity = [(origin, *cache.stat_identity(os.stat(path))) for origin, path in files]
    return _rules(identity, lambda: _texts(files), cache_dir)


def _texts(files: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    texts = []
    for origin, path in files:
        with open(path, encoding="utf-8") as handle:
            texts.append((origin, handle.read()))
    return texts


def _rules(
    identity: object, texts: Callable[[], list[tuple[str, str]]], cache_dir: cache.StrPath | None
) -> list[Rule]:
    """Parsing and validation (the rule schema, each check's Params) cost more than the rest
    of a one-file run, so the validated data is kept in the cache directory under a digest
    of the rule files (`identity`) and of the code they were validated against."""
    checks = check_names()
    digest = cache.key([cache.code_fingerprint(), identity])
    cached = _read_cached(cache_dir, digest)
    if cached is None:
        cached = [(origin, _validated(origin, text, checks)) for origin, text in texts()]
        _write_cached(cache_dir, digest, cached)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for origin, data in cached:
        rule = parse_rule(data, origin, checks)
        for key in (rule.id, rule.name):
            if key in seen:
                raise CatalogError(f"{origin}: id/name '{key}' is already defined in {seen[key]}")
            seen[key] = origin
        rules.append(rule)
    return rules


def _validated(origin: str, text: str, checks: Sequence[str]) -> Any:
    try:
        data = _load_yaml(text)
    except Exception as exc:  # a broken rule file is a CatalogError, whatever the parser says
        from linter.config import yaml_problem

        raise CatalogError(yaml_problem(origin, exc)) from exc
    validate_rule(data, origin)
    if data["check"] in checks:  # parse_rule names an unknown check
        data["params"] = _validated_params(data["check"], data.get("params", {}), origin)
    return data


def _validated_params(check: str, params: Any, origin: str) -> dict[str, Any]:
    from pydantic import ValidationError

    from linter.settings import validated

    model = importlib.import_module(f"linter.checks.{check}").Params
    try:
        return dataclasses.asdict(model(**validated(model, params)))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogError(f"{origin}: params.{where}: {first['msg']}") from exc


def _cache_file(cache_dir: cache.StrPath, digest: str) -> str:
    return os.path.join(cache_dir, "catalog", f"{digest}.json")


def _read_cached(cache_dir: cache.StrPath | None, digest: str) -> list[tuple[str, Any]] | None:
    if cache_dir is None:
        return None
    try:
        return [
            (str(origin), rule) for origin, rule in cache.read_json(_cache_file(cache_dir, digest))
        ]
    except (TypeError, ValueError):  # a missing entry (None) or one of another shape
        return None


def _write_cached(
    cache_dir: cache.StrPath | None, digest: str, rules: list[tuple[str, Any]]
) -> None:
    if cache_dir is None:
        return
    cache.write_entry(cache_dir, _cache_file(cache_dir, digest), json.dumps(rules))


def builtin_rule_files() -> list[tuple[str, str]]:
    root = cache.package_dir("linter.rules")
    names = sorted(n for n in os.listdir(root) if n.endswith(".yaml"))
    return [(f"rules/{name}", os.path.join(root, name)) for name in names]


def user_rule_files(directory: cache.StrPath) -> list[tuple[str, str]]:
    """The rule files of a config's rule directory: its .yaml files, then its .yml files."""
    with os.scandir(directory) as entries:
        found = {e.name: e.path for e in entries if not e.name.startswith(".") and e.is_file()}
    names = sorted(n for n in found if n.endswith(".yaml")) + sorted(
        n for n in found if n.endswith(".yml")
    )
    return [(found[name], found[name]) for name in names]


@functools.lru_cache(maxsize=4)
def builtin_rules(cache_dir: str | None = None) -> tuple[Rule, ...]:
    # The code fingerprint in the digest covers the built-in rule files' sizes and mtimes.
    files = builtin_rule_files()
    return tuple(_rules([origin for origin, _ in files], lambda: _texts(files), cache_dir))


def load_catalog(
    extra_dirs: Sequence[cache.StrPath] = (), cache_dir: cache.StrPath | None = None
) -> list[Rule]:
    if extra_dirs:
        files = builtin_rule_files()
        for directory in extra_dirs:
            files.extend(user_rule_files(directory))
        rules = load_rule_paths(files, cache_dir)
    else:
        rules = list(builtin_rules(None if cache_dir is None else os.fspath(cache_dir)))
    return sorted(rules, key=lambda r: r.id)


class Selection(NamedTuple):
    """One layer of rule selection: a config file's, then the command line's. `select`
    replaces what the layers below chose; `extend_select` adds and `ignore` removes."""

    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()

    @property
    def selectors(self) -> list[str]:
        return [*(self.select or ()), *self.extend_select, *self.ignore]


# An exact id or name outranks every prefix (the longer prefix wins), and ALL is lowest.
_EXACT = 1_000


def _specificity(selector: str, rules: Sequence[Rule]) -> int:
    if selector == "ALL":
        return 0
    if any(selector in (r.id, r.name) for r in rules):
        return _EXACT
    return len(selector)


def select_rules(
    rules: Iterable[Rule], layers: Sequence[Selection] = (), migrate: bool = False
) -> list[Rule]:
    """The default set (or the migration set) with each layer applied as ruff applies
    `select`, `extend-select` and `ignore`: within a layer the more specific selector wins
    (`--select JP1 --ignore JP101`, `--ignore JP1 --select JP101`), and at the same
    specificity `ignore` does; a later layer's `select` starts afresh."""
    catalog = list(rules)
    chosen = {r.id for r in catalog if r.enabled or (migrate and r.migrate)}
    for layer in layers:
        if layer.select is not None:
            chosen = set()
        entries = [(s, True) for s in [*(layer.select or ()), *layer.extend_select]]
        entries += [(s, False) for s in layer.ignore]
        # Least specific first, and at one specificity selects before ignores: what is
        # applied last wins.
        for selector, on in sorted(
            entries, key=lambda e: (_specificity(e[0], catalog), e[1] is False)
        ):
            matched = {r.id for r in catalog if r.matches(selector)}
            chosen = chosen | matched if on else chosen - matched
    return [r for r in catalog if r.id in chosen]


def unknown_selectors(rules: Sequence[Rule], selectors: Iterable[str]) -> list[str]:
    return [s for s in selectors if not any(r.matches(s) for r in rules)]
