"""Meta-tests: the catalog is well-formed, complete and documented."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any

import jsonschema
import pytest
from conftest import FIXTURES, ROOT
from ruamel.yaml import YAML

from linter import cache, catalog
from linter.catalog import (
    CatalogError,
    builtin_rules,
    check_names,
    load_catalog,
    load_rule_files,
)
from linter.levels import FixSafety

RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
# Input problems without a file that can carry markers are proven in test_input_problems.py.
MARKERLESS = {"JP003", "JP004"}


def _schema() -> dict[str, object]:
    return json.loads((ROOT / "schemas" / "rule.schema.json").read_text())


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_file_validates_and_is_named_by_its_id(path: Path) -> None:
    data = YAML(typ="safe").load(path.read_text())
    jsonschema.Draft202012Validator(_schema()).validate(data)
    assert data["id"] == path.stem


def test_ids_and_names_are_unique() -> None:
    rules = builtin_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def test_every_check_is_named_by_a_rule() -> None:
    used = {r.check for r in builtin_rules()}
    assert set(check_names()) - used == set()


def test_checks_never_import_each_other() -> None:
    """What two checks share lives in linter/kube/ or linter/edits/: a newcomer copies one
    check module without untangling another."""
    import ast

    offenders = []
    for path in sorted((ROOT / "linter" / "checks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("linter.checks.") for n in names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.id)
def test_rule_has_fixtures(rule) -> None:  # type: ignore[no-untyped-def]
    folder = FIXTURES / rule.id
    assert folder.is_dir(), f"fixtures/{rule.id}/ is missing"
    if rule.id in MARKERLESS:
        assert any(folder.iterdir())
        return
    for prefix in ("bad", "good"):
        assert any(list(folder.glob(f"{prefix}*.{suffix}")) for suffix in ("y*ml", "py", "go"))


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.id)
def test_params_validate_and_unsafe_fixes_explain_their_safety(rule) -> None:  # type: ignore[no-untyped-def]
    rule.params()
    if rule.fix.safety is FixSafety.UNSAFE:
        assert rule.docs.get("fix_safety")


def test_message_placeholders_are_documented_values() -> None:
    for rule in builtin_rules():
        assert "{" not in rule.summary, rule.id


def test_broken_rule_file_names_file_and_field(tmp_path: Path) -> None:
    text = (
        (ROOT / "rules" / "JP101.yaml").read_text().replace("severity: warning", "severity: loud")
    )
    with pytest.raises(CatalogError, match=r"custom/ACME.yaml: severity: 'loud' is not one of"):
        load_rule_files([("custom/ACME.yaml", text.replace("JP101", "ACME101"))])


def test_unknown_check_is_a_clear_error() -> None:
    text = (ROOT / "rules" / "JP101.yaml").read_text().replace("check: rbac_grant", "check: nope")
    with pytest.raises(CatalogError, match="check: unknown check 'nope'"):
        load_rule_files(
            [("x.yaml", text.replace("JP101", "ACME101").replace("rbac-grants", "acme"))]
        )


def test_duplicate_id_is_a_clear_error() -> None:
    text = (ROOT / "rules" / "JP101.yaml").read_text()
    with pytest.raises(CatalogError, match="already defined"):
        load_rule_files([("a.yaml", text), ("b.yaml", text)])


def _acme(text: str) -> str:
    return text.replace("JP101", "ACME101").replace("rbac-grants-batch-jobs", "acme-grants")


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ("  wildcard: sometimes\n", r"acme.yaml: params.wildcard: Input should be a valid boolean"),
        ("  verbz: [create]\n", r"acme.yaml: params.verbz: Extra inputs are not permitted"),
    ],
)
def test_bad_params_are_refused_when_the_rule_file_loads(params: str, error: str) -> None:
    text = (ROOT / "rules" / "JP101.yaml").read_text()
    text = text.replace("  replace_with: pods\n", f"  replace_with: pods\n{params}")
    with pytest.raises(CatalogError, match=error):
        load_rule_files([("acme.yaml", _acme(text))])


def test_params_are_converted_once_and_kept_with_the_cached_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "rules" / "JP101.yaml").read_text()
    text = _acme(text.replace("  replace_with: pods\n", "  replace_with: pods\n  wildcard: yes\n"))
    (first,) = load_rule_files([("acme.yaml", text)], cache_dir=tmp_path)

    def validate_again(*args: object) -> None:
        raise AssertionError("the cached catalog was validated again")

    monkeypatch.setattr(catalog, "_validated_params", validate_again)
    (cached,) = load_rule_files([("acme.yaml", text)], cache_dir=tmp_path)
    assert list((tmp_path / "catalog").glob("*.json"))
    for rule in (first, cached):
        assert rule.params().wildcard is True
        assert rule.params().verbs == []  # the default comes from the Params dataclass


def test_rule_files_load_without_the_c_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        sys.modules, "ruamel.yaml.cyaml", None
    )  # as if ruamel.yaml.clib were absent
    (rule,) = load_rule_files([("rules/JP101.yaml", (ROOT / "rules" / "JP101.yaml").read_text())])
    assert rule.id == "JP101" and rule.params().replace_with == "pods"


def test_a_cached_catalog_reads_no_rule_file_and_an_edited_one_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    rule_file = rules_dir / "acme.yaml"
    text = _acme((ROOT / "rules" / "JP101.yaml").read_text())
    rule_file.write_text(text)
    user_cache = tmp_path / "cache"

    def message() -> str:
        (rule,) = [r for r in load_catalog([rules_dir], cache_dir=user_cache) if r.id == "ACME101"]
        return rule.message

    first = message()
    reads: list[Path] = []

    def counting_open(path: str, *args: Any, **kwargs: Any) -> IO[Any]:
        if path.endswith(".yaml"):
            reads.append(Path(path))
        return open(path, *args, **kwargs)

    # The catalog module's own `open`, in front of the builtin: every file it reads.
    monkeypatch.setattr(catalog, "open", counting_open, raising=False)
    assert message() == first
    assert reads == []  # the file's size and mtime stood for its text
    rule_file.write_text(text.replace("message: >-\n", "message: >-\n  Edited.\n"))
    assert message() == f"Edited. {first}"
    assert rule_file in reads


def test_the_code_fingerprint_covers_modules_rules_and_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for package in ("linter", "linter/checks", "linter/__pycache__", "rules", "schemas"):
        (tmp_path / package).mkdir(parents=True)
    files = {
        "linter/cli.py": "import click\n",
        "linter/checks/rbac_grant.py": "def check(): ...\n",
        "rules/JP101.yaml": "id: JP101\n",
        "schemas/rule.schema.json": "{}\n",
        "linter/__pycache__/cli.py": "compiled\n",  # never part of it
        "rules/notes.txt": "not a rule\n",  # nor files of other kinds
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    dirs = {"linter": "linter", "linter.rules": "rules", "linter.schemas": "schemas"}
    monkeypatch.setattr(cache, "package_dir", lambda name: str(tmp_path / dirs[name]))
    fingerprint = cache.code_fingerprint.__wrapped__
    before = fingerprint()
    assert [entry[0] for entry in before[1]] == [
        "linter.rules:JP101.yaml",
        "linter.schemas:rule.schema.json",
        "linter:checks/rbac_grant.py",
        "linter:cli.py",
    ]
    for changed in ("linter/checks/rbac_grant.py", "rules/JP101.yaml", "schemas/rule.schema.json"):
        (tmp_path / changed).write_text((tmp_path / changed).read_text() + "\n")
        after = fingerprint()
        assert after != before, changed
        before = after
    (tmp_path / "linter/__pycache__/cli.py").write_text("compiled again\n")
    assert fingerprint() == before


def test_an_installed_job2pod_is_fingerprinted_by_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside its dist-info, job2pod is what an installer wrote: the RECORD it rewrites on
    every install stands for the files, which are not stat'ed one by one."""
    from linter import __version__

    site = tmp_path / "site-packages"
    (site / "linter").mkdir(parents=True)
    (site / "linter" / "cli.py").write_text("import click\n")
    monkeypatch.setattr(cache, "package_dir", lambda name: str(site / "linter"))
    fingerprint = cache.code_fingerprint.__wrapped__
    assert [entry[0] for entry in fingerprint()[1]] == ["linter:cli.py"], "no dist-info: a checkout"
    record = site / f"job2pod-{__version__}.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_text("linter/cli.py,sha256=one,13\n")
    before = fingerprint()
    assert [entry[0] for entry in before[1]] == ["RECORD"]
    record.unlink()  # an installer writes a new file: a new inode and ctime at least
    record.write_text("linter/cli.py,sha256=two,13\n")
    assert fingerprint() != before


def test_a_same_size_edit_with_its_mtime_put_back_is_read_again(tmp_path: Path) -> None:
    """`cp -p`, `rsync -a` and tar restore mtimes: the catalog cache must still see it."""
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    rule_file = rules_dir / "acme.yaml"
    rule_file.write_text(_acme((ROOT / "rules" / "JP101.yaml").read_text()))
    stat = rule_file.stat()

    def severity() -> str:
        catalog = load_catalog([rules_dir], cache_dir=tmp_path / "cache")
        return next(r.severity.value for r in catalog if r.id == "ACME101")

    assert severity() == "warning"
    rule_file.write_text(rule_file.read_text().replace("severity: warning", "severity: error  "))
    os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rule_file.stat().st_size == stat.st_size
    assert severity() == "error"
