"""Generated docs and schemas are up to date with the catalog and the output models."""

from __future__ import annotations

from conftest import ROOT

from linter import generated


def test_generated_files_are_current() -> None:
    assert generated.stale(ROOT) == [], "run `job2pod generate` and commit the result"


def test_generation_writes_every_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert sorted(generated.write(tmp_path)) == sorted(generated.GENERATED)
    assert generated.stale(tmp_path) == []
    (tmp_path / "docs" / "rules.md").write_text("hand edit\n")
    assert generated.stale(tmp_path) == ["docs/rules.md"]
