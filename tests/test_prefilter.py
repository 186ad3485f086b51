"""The prefilter: the gated token search finds exactly the tokens a file holds, and turning
the prefilter off (RuleSet.prefilter=False) changes no finding of the rules on objects."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from linter import prefilter
from linter.catalog import load_catalog, select_rules
from linter.engine import RuleSet, check_bytes, language_of

RULES = select_rules(load_catalog(), migrate=True)
# Words made of the shared parts and their neighbours, so that gates open and close.
_WORDS = st.sampled_from([b"Job", b"job", b"Pod", b"Jo", b"b", b"s", b"Name", b"_", b"V1"])
_TOKENS = st.frozensets(st.lists(_WORDS, min_size=1, max_size=3).map(b"".join), max_size=12)


def _catalog_tokens() -> frozenset[bytes]:
    return frozenset(t for r in RULES for t in r.triggers)


@settings(database=None, derandomize=True, deadline=None, max_examples=300)
@given(tokens=_TOKENS, data=st.lists(_WORDS, max_size=12).map(b" ".join))
def test_present_is_every_token_the_data_holds(tokens: frozenset[bytes], data: bytes) -> None:
    assert prefilter.present(data, tokens) == {t for t in tokens if t in data}


def test_the_catalog_tokens_search_under_the_shared_parts() -> None:
    plan = prefilter.plan(_catalog_tokens())
    parts = {gate.needle for gate in plan if not gate.token}
    assert {b"job", b"Pod"} <= parts
    assert len(plan) < len(_catalog_tokens()) / 2


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and language_of(p.name))


def _same_tokens(paths: list[Path]) -> None:
    tokens = _catalog_tokens()
    for path in paths:
        data = path.read_bytes()
        assert prefilter.present(data, tokens) == {t for t in tokens if t in data}, path


def _object_findings(paths: list[Path], ruleset: RuleSet) -> list[tuple[object, ...]]:
    # Input problems (JP0xx) are reported only for files that hold a trigger token, by
    # design (JP001's docs): the prefilter must never hide a finding of any other rule.
    return [
        tuple(f)
        for path in paths
        for f in check_bytes(str(path), path.read_bytes(), ruleset).findings
        if f.rule_id >= "JP100"
    ]


def _unchanged_by_the_prefilter(paths: list[Path]) -> None:
    filtered = _object_findings(paths, RuleSet(RULES))
    assert filtered, "the files must produce findings to compare"
    assert _object_findings(paths, RuleSet(RULES, prefilter=False)) == filtered


def test_the_prefilter_changes_no_finding_of_the_fixtures() -> None:
    """The sample repositories' Python (LibCST on 86 files, twice) is the slow test's."""
    files = [p for p in _files(FIXTURES) if not (p.suffix == ".py" and "repos" in p.parts)]
    _same_tokens(files)
    _unchanged_by_the_prefilter(files)


@pytest.mark.slow
def test_the_prefilter_changes_no_finding_of_any_fixture() -> None:
    _unchanged_by_the_prefilter(_files(FIXTURES))


@pytest.mark.slow
def test_the_prefilter_changes_no_finding_of_a_corpus_sample(corpus: Path) -> None:
    files = _files(corpus)
    _same_tokens(files)
    _unchanged_by_the_prefilter(files[:: max(1, len(files) // 1500)])
