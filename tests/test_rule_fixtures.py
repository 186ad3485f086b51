"""Every rule against its fixtures: bad fires exactly as marked and snapshotted, good is silent."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, UPDATE_SNAPSHOTS
from rule_fixtures import Case, cases, expected_markers, run_rule, snapshot_text

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
