"""Property test over ../shared/corpus/k8s: migrate a copy, then check what it did."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from manifests import plain

from linter.engine import language_of
from linter.sources import nodes
from linter.sources.text import decode
from linter.sources.yaml import parse

REPORT = ROOT / "build" / "corpus-migrate.json"


def _migrate(tree: Path, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linter", "migrate", "--report", str(report), str(tree)],
        capture_output=True,
        text=True,
    )


POLICY_RULES = frozenset({"JP202", "JP203", "JP508", "JP610"})


def _planned_paths(report: str) -> set[str]:
    """The files of the units the report says convert, and of the shared decisions applied."""
    units = report.split("## Units\n", 1)[1].split("\n## Rewritten\n", 1)[0]
    paths: set[str] = set()
    converting = False
    for line in units.splitlines():
        if line.startswith("### "):
            converting = line.startswith("### Converts to a Pod:")
        elif converting and line.startswith("- files: "):
            paths.update(line[len("- files: ") :].split(", "))
        elif line.startswith("- ") and line.endswith(
            ("renamed", "removed: every unit whose code calls the Batch API converts")
        ):
            paths.update(
                p.rsplit(":", 1)[0] for p in line[line.index("(") + 1 : line.index(")")].split(", ")
            )
    return paths


def _rewritten(report: str) -> dict[str, set[str]]:
    section = report.split("\n## Rewritten\n", 1)[1].split("\n## Needs a human\n", 1)[0]
    found: dict[str, set[str]] = {}
    path = ""
    for line in section.splitlines():
        if line.startswith("### "):
            path = line[4:]
        elif line.startswith("- line "):
            found.setdefault(path, set()).add(line.split(": ", 1)[1].split(" ", 1)[0])
    return found


def _problems(data: bytes) -> int:
    return len(parse(decode(data).text).problems)


def _shape(data: bytes) -> tuple[list[tuple[str | None, str | None]], int]:
    """Object identities (Job and Pod counted alike) and the number of null list items:
    a fix may turn a Job into a Pod or drop rules, never leave a stray `-` behind."""
    source = parse(decode(data).text)
    objects = [("Job" if o.kind == "Pod" else o.kind, o.identity.name) for o in source.objects()]
    nulls = 0
    stack = [d.root for d in source.documents if d.root is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.SequenceNode):
            nulls += sum(
                1 for item in node.value if nodes.is_plain(item) and item.value in ("", "~", "null")
            )
            stack.extend(node.value)
        elif isinstance(node, nodes.MappingNode):
            stack.extend(v for _, v in node.value)
    return objects, nulls


@pytest.mark.slow
def test_migrating_the_corpus_is_lossless_and_idempotent(corpus: Path, tmp_path: Path) -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    tree = tmp_path / "corpus"
    shutil.copytree(corpus, tree)
    originals = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file() and language_of(p.name)}
    first = _migrate(tree, tmp_path / "first.md")
    assert first.returncode in (0, 1), first.stderr
    assert "Traceback" not in first.stderr
    changed = {p for p, data in originals.items() if p.read_bytes() != data}
    pods = 0
    for path in changed:
        data = path.read_bytes()
        assert _problems(data) <= _problems(originals[path]), f"{path} no longer parses"
        (objects, nulls), (old_objects, old_nulls) = _shape(data), _shape(originals[path])
        assert objects == old_objects and nulls <= old_nulls, f"{path} changed shape"
        source = parse(decode(data).text)
        for obj in source.objects():
            if obj.kind != "Pod" or source.is_template:
                continue
            was_job = b"kind: Job" in originals[path]
            if not was_job:
                continue
            manifest = json.loads(json.dumps(plain(obj.node)))
            kubernetes_validate.validate(manifest, "1.30.0", strict=True)
            pods += 1
    after_first = {p: p.read_bytes() for p in originals}
    second = _migrate(tree, tmp_path / "second.md")
    assert second.returncode in (0, 1), second.stderr
    assert {p for p in originals if p.read_bytes() != after_first[p]} == set()
    report = (tmp_path / "first.md").read_text()
    for path in changed:
        assert f"### {path.as_posix()}\n" in report
    # Nothing is edited outside the units the report says convert and the decisions they
    # share, but for the policy fixes (safe) that apply to Jobs that stay Jobs.
    planned = _planned_paths(report)
    for path, rules in _rewritten(report).items():
        if path not in planned:
            assert rules <= POLICY_RULES, f"{path}: {sorted(rules)} outside any converted unit"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {"files": len(originals), "rewritten": len(changed), "pods_validated": pods},
            indent=2,
        )
        + "\n"
    )
