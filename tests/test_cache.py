"""The result cache: a run reads and writes only the shards of the files it checks, and
nothing it finds on disk (corrupt, replaced, of an older layout) is ever an error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES

from linter import cache, run
from linter.catalog import load_catalog, select_rules
from linter.engine import RuleSet

# A Role that may manage Jobs: one JP101 finding.
ROLE = "kind: Role\nrules: [{apiGroups: [batch], resources: [jobs], verbs: [get]}]\n"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return RuleSet(select_rules(load_catalog()))


def _key(findings: list) -> list:  # type: ignore[type-arg]
    return [tuple(f) for f in findings]


def _write(path: Path, text: str = ROLE) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def _paths(folder: Path, count: int, same_shard: bool | None = None) -> list[str]:
    """`count` file names under `folder`; all in one shard, or each in its own."""
    names: list[str] = []
    shards: set[int] = set()
    n = 0
    while len(names) < count:
        name = str(folder / f"file-{n}.yaml")
        n += 1
        index = cache.shard_of(name)
        if same_shard is True and names and index not in shards:
            continue
        if same_shard is False and index in shards:
            continue
        names.append(name)
        shards.add(index)
    return names


def _shard_files(root: Path) -> dict[str, tuple[int, int, int, int]]:
    """Every shard file with its stat_identity: a rewrite (os.replace) changes the inode."""
    return {str(p.relative_to(root)): cache.stat_identity(p.stat()) for p in root.rglob("*.json")}


def test_paths_spread_over_every_shard_stably() -> None:
    indexes = [cache.shard_of(f"deploy/app-{i}/job.yaml") for i in range(20_000)]
    assert set(indexes) == set(range(cache.SHARDS))
    assert max(indexes.count(i) for i in range(cache.SHARDS)) < 3 * 20_000 // cache.SHARDS
    assert cache.shard_of("deploy/app-1/job.yaml") == indexes[1]


@pytest.mark.parametrize("same_shard", [True, False], ids=["same-shard", "other-shard"])
def test_entries_of_a_file_survive_a_run_over_another_file(
    tmp_path: Path, ruleset: RuleSet, same_shard: bool
) -> None:
    first, second = (_write(Path(p)) for p in _paths(tmp_path / "tree", 2, same_shard))
    root = tmp_path / "cache"
    run.check_files([first], ruleset, cache=cache.ResultCache(root, "k"))
    run.check_files([second], ruleset, cache=cache.ResultCache(root, "k"))
    later = cache.ResultCache(root, "k")
    for path in (first, second):
        found = later.lookup(path, os.stat(path))
        assert found is not None and [f.rule_id for f in found] == ["JP101"]


def test_a_one_file_run_reads_and_writes_only_its_shard(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "cache"
    filled = cache.ResultCache(root, "k")
    for n in range(3000):  # a whole-tree run's worth of entries, in every shard
        filled.store(f"tree/{n}.yaml", 1, 1, [])
    filled.save()
    before = _shard_files(root)
    assert len(before) == cache.SHARDS
    one = _write(tmp_path / "one.yaml")
    own = f"v3/k/{cache.shard_of(one):02x}.json"
    read: list[str] = []
    read_shard = cache._read_shard

    def recorded(path: str) -> tuple:  # type: ignore[type-arg]
        read.append(Path(path).relative_to(root).as_posix())
        return read_shard(path)

    monkeypatch.setattr(cache, "_read_shard", recorded)
    findings = run.check_files([one], ruleset, cache=cache.ResultCache(root, "k")).findings
    assert [f.rule_id for f in findings] == ["JP101"]
    assert read == [own]
    after = _shard_files(root)
    assert sorted(p for p in after if after[p] != before[p]) == [own]
    # Unchanged, the file is a hit: its shard is read again and nothing is written.
    read.clear()
    again = run.check_files([one], ruleset, cache=cache.ResultCache(root, "k")).findings
    assert _key(again) == _key(findings)
    assert read == [own]
    assert _shard_files(root) == after
    assert len(json.loads((root / own).read_text())) > 1, "the shard kept the other entries"


def test_a_same_size_edit_is_checked_again(tmp_path: Path, ruleset: RuleSet) -> None:
    role = _write(tmp_path / "role.yaml")
    root = tmp_path / "cache"
    assert len(run.check_files([role], ruleset, cache=cache.ResultCache(root, "k")).findings) == 1
    before = os.stat(role)
    Path(role).write_text(ROLE.replace("batch", "apps_"))  # no Job in it any more
    os.utime(role, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert os.stat(role).st_size == before.st_size
    assert run.check_files([role], ruleset, cache=cache.ResultCache(root, "k")).findings == []


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"PATH": 3}',
        '{"PATH": [SIZE]}',
        '{"PATH": [SIZE, MTIME, 7]}',
        '{"PATH": [SIZE, MTIME, [["JP101"]]]}',
        '{"PATH": [SIZE, MTIME, [LOUD]]}',
    ],
    ids=[
        "not-json",
        "not-an-object",
        "not-a-list",
        "short",
        "findings-not-a-list",
        "finding-without-fields",
        "bad-severity",
    ],
)
def test_a_corrupt_shard_is_a_miss_and_is_rewritten(
    tmp_path: Path, ruleset: RuleSet, text: str
) -> None:
    role = _write(tmp_path / "role.yaml")
    root = tmp_path / "cache"
    expected = run.check_files([role], ruleset).findings
    run.check_files([role], ruleset, cache=cache.ResultCache(root, "k"))
    stat = os.stat(role)
    loud = cache.finding_to_row(expected[0])
    loud[2] = "loud"
    shard = root / "v3" / "k" / f"{cache.shard_of(role):02x}.json"
    shard.write_text(
        text.replace("PATH", json.dumps(role)[1:-1])
        .replace("SIZE", str(stat.st_size))
        .replace("MTIME", str(stat.st_mtime_ns))
        .replace("LOUD", json.dumps(loud))
    )
    assert cache.ResultCache(root, "k").lookup(role, stat) is None
    rerun = run.check_files([role], ruleset, cache=cache.ResultCache(root, "k"))
    assert _key(rerun.findings) == _key(expected)
    found = cache.ResultCache(root, "k").lookup(role, stat)
    assert found is not None and _key(found) == _key(expected)


@pytest.mark.parametrize("replacement", ["entries", "garbage", "removed"])
def test_a_shard_another_run_replaced_mid_run_is_no_error(
    tmp_path: Path, ruleset: RuleSet, replacement: str
) -> None:
    mine, theirs = (_write(Path(p)) for p in _paths(tmp_path / "tree", 2, same_shard=True))
    root = tmp_path / "cache"
    run.check_files([mine], ruleset, cache=cache.ResultCache(root, "k"))
    Path(mine).write_text(ROLE + "# edited\n")  # a miss: stored again
    this_run = cache.ResultCache(root, "k")
    assert this_run.lookup(mine, os.stat(mine)) is None  # its shard is read now
    shard = Path(this_run.shard_path(cache.shard_of(mine)))
    if replacement == "entries":  # another run stores its file and saves in between
        other = cache.ResultCache(root, "k")
        run.check_files([theirs], ruleset, cache=other)
    elif replacement == "garbage":
        shard.write_text("{not json")
    else:
        shard.unlink()
    result = run.check_files([mine], ruleset, cache=this_run)
    assert [f.rule_id for f in result.findings] == ["JP101"] and result.errors == []
    later = cache.ResultCache(root, "k")
    assert later.lookup(mine, os.stat(mine)) is not None
    if replacement == "entries":  # the other run's entry was kept beside this one's
        assert later.lookup(theirs, os.stat(theirs)) is not None


def test_an_old_layout_index_is_ignored(tmp_path: Path, ruleset: RuleSet) -> None:
    config_map = _write(tmp_path / "config-map.yaml", "apiVersion: v1\nkind: ConfigMap\n")
    root = tmp_path / "cache"
    stat = os.stat(config_map)
    # A v1 index that claims a finding for this very file at its size and mtime.
    role = _write(tmp_path / "role.yaml")
    claimed = [cache.finding_to_row(f) for f in run.check_files([role], ruleset).findings]
    v1 = root / "v1" / "results-k.json"
    v1.parent.mkdir(parents=True)
    entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "findings": claimed}
    v1.write_text(json.dumps({config_map: entry}))
    store = cache.ResultCache(root, "k")
    assert store.lookup(config_map, stat) is None
    assert run.check_files([config_map], ruleset, cache=store).findings == []
    assert v1.read_text() == json.dumps({config_map: entry}), "an old index is never written"


def test_results_are_identical_with_and_without_the_cache(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(str(p) for p in FIXTURES.glob("JP1*/*.yaml"))
    files += sorted(str(p) for p in FIXTURES.glob("JP2*/*.yaml"))
    alone = run.check_files(files, ruleset)
    assert alone.findings
    root = tmp_path / "cache"
    cold = run.check_files(files, ruleset, cache=cache.ResultCache(root, "k"))

    def unexpected(path: str, ruleset: RuleSet) -> tuple:  # type: ignore[type-arg]
        raise AssertionError(f"{path} was checked again, not read from the cache")

    monkeypatch.setattr(run, "_check_one", unexpected)
    warm = run.check_files(files, ruleset, cache=cache.ResultCache(root, "k"))
    assert _key(cold.findings) == _key(warm.findings) == _key(alone.findings)
