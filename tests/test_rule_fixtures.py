"""Every rule against its fixtures: bad fires exactly as marked and snapshotted, good is silent."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, UPDATE_SNAPSHOTS
from rule_fixtures import (
    Case,
    cases,
    expected_markers,
    fix_rule,
    fixed_path,
    rules_by_id,
    run_rule,
    snapshot_text,
)

BAD = cases(FIXTURES, "bad")
GOOD = cases(FIXTURES, "good")


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.id)
def test_bad_fixture_fires_where_marked(case: Case) -> None:
    data = case.path.read_bytes()
    findings = run_rule(case.rule, case.path, data)
    expected = expected_markers(data, case.rule.id)
    assert expected, f"{case.path} has no `# expect: {case.rule.id}` marker"
    assert [(f.start.line, f.rule_id) for f in findings] == expected


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.id)
def test_bad_fixture_matches_snapshot(case: Case) -> None:
    findings = run_rule(case.rule, case.path)
    snapshot = case.path.with_name(case.path.name + ".expected")
    text = snapshot_text(findings)
    if UPDATE_SNAPSHOTS:
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.is_file(), (
        f"missing {snapshot.name}; run with JOB2POD_UPDATE_SNAPSHOTS=1 and review it"
    )
    assert text == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.id)
def test_good_fixture_is_silent(case: Case) -> None:
    assert run_rule(case.rule, case.path) == []


FIXABLE = [c for c in BAD if fixed_path(c.path).is_file()]


@pytest.mark.parametrize("case", FIXABLE, ids=lambda c: c.id)
def test_fix_matches_golden_file(case: Case) -> None:
    fixed, _ = fix_rule(case.rule, case.path.name, case.path.read_bytes())
    assert fixed == fixed_path(case.path).read_bytes()


@pytest.mark.parametrize("case", FIXABLE, ids=lambda c: c.id)
def test_fix_is_idempotent_and_leaves_a_parsable_file(case: Case) -> None:
    golden = fixed_path(case.path)
    again, rejected = fix_rule(case.rule, golden.name, golden.read_bytes())
    assert again == golden.read_bytes()
    assert rejected == []
    leftover = run_rule(case.rule, golden)
    assert all(f.fix is None for f in leftover), "a fixable finding survived the fix"
    syntax = [r for r in rules_by_id().values() if r.id in ("JP001", "JP002", "JP006")]
    assert all(run_rule(r, golden) == [] for r in syntax)


@pytest.mark.parametrize(
    "rule", [r for r in rules_by_id().values() if r.fixable], ids=lambda r: r.id
)
def test_fixable_rule_has_a_golden_fixed_file(rule) -> None:  # type: ignore[no-untyped-def]
    assert any(c.rule.id == rule.id for c in FIXABLE), (
        f"fixtures/{rule.id}/ has no bad*.fixed.* file"
    )
