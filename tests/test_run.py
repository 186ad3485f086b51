"""Speed machinery must not move results: cache, worker processes, prefilter and shards."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, ROOT

from linter import cache, run
from linter.catalog import load_catalog, select_rules
from linter.cli import cli
from linter.engine import RuleSet
from linter.findings import Finding


def _sample(corpus: Path | None, generated: Path) -> list[str]:
    """The fixtures plus 1,500 real manifests, or, in a clone without the shared corpus,
    the benchmark's generated one: either way past the parallel threshold."""
    files = sorted(str(p) for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".py"))
    if corpus is None:
        generate = _benchmark_generator()
        generate(generated, files=600, seed=3)
        corpus = generated
    everything = sorted(str(p) for p in corpus.rglob("*.y*ml"))
    return files + everything[:: max(1, len(everything) // 1500)]


def _benchmark_generator() -> Callable[..., None]:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., None] = module.generate
    return generate


@pytest.fixture
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _sample(CORPUS if CORPUS.is_dir() else None, tmp_path_factory.mktemp("generated"))


def _objects(findings: list) -> list:  # type: ignore[type-arg]
    return [f for f in findings if f.rule_id >= "JP100"]


def _key(findings: list) -> list:  # type: ignore[type-arg]
    return [tuple(f) for f in findings]


@pytest.mark.slow
def test_jobs_cache_and_prefilter_give_identical_findings(
    sample: list[str], tmp_path: Path
) -> None:
    rules = select_rules(load_catalog(), migrate=True)
    ruleset = RuleSet(rules)
    baseline = run.check_files(sample, ruleset, jobs=1)
    assert len(sample) >= run.PARALLEL_THRESHOLD
    assert baseline.findings, "the sample must produce findings to compare"
    pooled = run.check_files(sample, ruleset, jobs=2)
    assert _key(pooled.findings) == _key(baseline.findings)
    # Input problems (JP0xx) are reported only for files that hold a trigger token, by
    # design (JP001's docs); the prefilter must never hide a finding of any other rule.
    unfiltered = run.check_files(sample, RuleSet(rules, prefilter=False), jobs=2)
    assert _key(_objects(unfiltered.findings)) == _key(_objects(baseline.findings))
    store = cache.ResultCache(tmp_path, "k")
    cold = run.check_files(sample, ruleset, cache=store)
    warm_store = cache.ResultCache(tmp_path, "k")
    assert all(warm_store.lookup(p, os.stat(p)) is not None for p in sample)
    warm = run.check_files(sample, ruleset, cache=warm_store)
    assert _key(cold.findings) == _key(warm.findings) == _key(baseline.findings)


def test_the_sample_reaches_the_parallel_threshold_without_the_shared_corpus(
    tmp_path: Path,
) -> None:
    """A clone has no ../shared: the test above must still compare parallel runs."""
    files = _sample(None, tmp_path)
    assert len(files) >= run.PARALLEL_THRESHOLD
    assert any(f.startswith(str(tmp_path)) for f in files)


def test_changed_file_is_rechecked(tmp_path: Path) -> None:
    role = tmp_path / "role.yaml"
    role.write_text("kind: Role\nrules: [{apiGroups: [batch], resources: [jobs], verbs: [get]}]\n")
    ruleset = RuleSet(select_rules(load_catalog()))
    store = cache.ResultCache(tmp_path / "c", "k")
    assert len(run.check_files([str(role)], ruleset, cache=store).findings) == 1
    role.write_text("kind: Role\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n")
    store = cache.ResultCache(tmp_path / "c", "k")
    assert run.check_files([str(role)], ruleset, cache=store).findings == []


def test_shards_partition_the_files_stably() -> None:
    files = [f"deploy/{i}.yaml" for i in range(500)]
    parts = [run.shard(files, k, 4) for k in range(1, 5)]
    assert sorted(p for part in parts for p in part) == sorted(files)
    assert all(60 < len(part) < 190 for part in parts)
    assert run.shard(files, 2, 4) == parts[1]


def test_cli_cache_dir_has_its_gitignore_and_clean_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "role.yaml").write_text("kind: Role\nrules: []\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "."]).exit_code == 0
    assert (tmp_path / ".job2pod_cache" / ".gitignore").read_text().endswith("*\n")
    assert runner.invoke(cli, ["clean"]).exit_code == 0
    assert not (tmp_path / ".job2pod_cache").exists()
    assert runner.invoke(cli, ["check", "--no-cache", "."]).exit_code == 0
    assert not (tmp_path / ".job2pod_cache").exists()


def test_bad_shard_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--shard", "5/4", "."])
    assert result.exit_code == 2
    assert "K must be between 1 and N" in result.output


def test_progress_only_for_long_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ruleset = RuleSet(select_rules(load_catalog()))
    files = []
    for i in range(3 * run.PROGRESS_THRESHOLD):
        path = tmp_path / f"{i}.yaml"
        path.write_text("kind: ConfigMap\n")
        files.append(str(path))
    run.check_files(files[:10], ruleset, progress=True)
    assert capsys.readouterr().err == ""
    run.check_files(files[: run.PROGRESS_THRESHOLD], ruleset, progress=True)
    err = capsys.readouterr().err
    assert "job2pod: checked 300/300 files" in err and err.endswith("\r\x1b[K")
    # With children, this process counts the files every process has taken.
    run.check_files(files, ruleset, jobs=2, progress=True)
    err = capsys.readouterr().err
    assert len(re.findall(r"\rjob2pod: checked \d+/900 files", err)) >= 3
    assert err.endswith("\r\x1b[K")
    run.check_files(files, ruleset, progress=False)
    assert capsys.readouterr().err == ""


def test_a_path_named_twice_is_checked_once_and_reported_twice(tmp_path: Path) -> None:
    role = str(FIXTURES / "JP101" / "bad.yaml")
    ruleset = RuleSet(select_rules(load_catalog()))
    once = run.check_files([role], ruleset).findings
    assert once
    result = run.check_files([role, role], ruleset)
    assert result.files == 2 and result.findings == once + once


def _many_files(tmp_path: Path, count: int = 2 * run.PARALLEL_THRESHOLD) -> list[str]:
    """Enough files for child processes: a Role with a finding, a clean ConfigMap."""
    role = (FIXTURES / "JP101" / "bad.yaml").read_text()
    tmp_path.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        path = tmp_path / f"file-{n:04}.yaml"
        path.write_text(role if n % 2 else "apiVersion: v1\nkind: ConfigMap\n")
        paths.append(str(path))
    return paths


def test_children_share_the_files_and_each_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _many_files(tmp_path / "files")
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)
    marks = tmp_path / "pids"
    marks.mkdir()
    check_one = run._check_one

    def marked(path: str, ruleset: RuleSet) -> tuple:  # type: ignore[type-arg]
        (marks / str(os.getpid())).touch()
        return check_one(path, ruleset)

    monkeypatch.setattr(run, "_check_one", marked)
    shared = run.check_files(paths, ruleset, jobs=3)
    assert len({p.name for p in marks.iterdir()}) >= 2, "no child process checked a file"
    assert _key(shared.findings) == _key(alone.findings)
    assert len({f.path for f in shared.findings}) == len(paths) // 2


def test_a_child_that_dies_loses_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _many_files(tmp_path)
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)

    def dies_after_taking_work(pipe: Any, rulesets: object) -> None:
        pipe.recv()  # takes a chunk, then never reports it
        os._exit(3)

    monkeypatch.setattr(run, "_child", dies_after_taking_work)
    survived = run.check_files(paths, ruleset, jobs=2)
    assert _key(survived.findings) == _key(alone.findings)
    assert survived.errors == []


def test_a_spawned_child_checks_what_it_is_sent(tmp_path: Path) -> None:
    """Windows has no fork: children are spawned, so the pipe must reach them by pickling,
    the ruleset comes with the first chunk, and their results come back."""
    import multiprocessing

    paths = _many_files(tmp_path, count=40)
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    child = context.Process(target=run._child, args=(there, {}))
    child.start()
    there.close()
    here.send((7, ruleset, paths[:25]))
    here.send((7, None, paths[25:]))  # the child keeps what it was sent
    results, answers = [], 2
    while answers:  # a chunk that took long comes back with the files it left
        checked, left = here.recv()
        results.extend(checked)
        answers -= 1
        if left:
            here.send((7, None, left))
            answers += 1
    here.send(None)
    child.join(timeout=120)
    assert child.exitcode == 0
    assert sorted(r[0] for r in results) == sorted(paths)
    findings = [f for r in results for f in r[1]]
    assert _key(findings) == _key(alone.findings)


def test_checks_run_in_spawned_children_when_fork_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    paths = _many_files(tmp_path)
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)
    in_main: list[str] = []
    check_one = run._check_one

    def recorded(path: str, ruleset: RuleSet) -> tuple:  # type: ignore[type-arg]
        in_main.append(path)  # a spawned child imports run afresh: never this function
        return check_one(path, ruleset)

    monkeypatch.setattr(run, "_check_one", recorded)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    spawned = run.check_files(paths, ruleset, jobs=2)
    assert in_main == [], "the children checked nothing; the main process did it all"
    assert _key(spawned.findings) == _key(alone.findings)


def test_a_chunk_that_takes_long_hands_back_the_files_it_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk of big files is not one child's for seconds: past the time a chunk should
    take, a child sends what it checked and the files left, which go to whichever child
    is free first, and the report is as one process makes it."""
    paths = _many_files(tmp_path)
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)
    assert run.check_chunk(paths[:5], ruleset) == (
        [run._check_one(p, ruleset) for p in paths[:5]],
        [],
    )
    monkeypatch.setattr(run, "CHUNK_SECONDS", 0.0)  # forked children inherit it
    checked, left = run.check_chunk(paths[:5], ruleset)
    assert [r[0] for r in checked] == paths[:1] and left == paths[1:5]
    shared = run.check_files(paths, ruleset, jobs=2)
    assert _key(shared.findings) == _key(alone.findings)
    assert shared.errors == []


def test_read_errors_keep_input_order_whatever_the_jobs(tmp_path: Path) -> None:
    paths = _many_files(tmp_path)
    for n in range(0, len(paths), 37):  # unreadable files spread over many chunks
        Path(paths[n]).unlink()
        Path(paths[n]).symlink_to(tmp_path / f"missing-{n}")
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)
    assert len(alone.errors) == len(range(0, len(paths), 37))
    for _ in range(3):
        assert run.check_files(paths, ruleset, jobs=3).errors == alone.errors


def test_a_check_that_fails_in_a_child_is_checked_again_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    paths = _many_files(tmp_path)
    ruleset = RuleSet(select_rules(load_catalog()))
    alone = run.check_files(paths, ruleset, jobs=1)
    main_pid = os.getpid()
    check_one = run._check_one

    def fails_in_children(path: str, ruleset: RuleSet) -> tuple:  # type: ignore[type-arg]
        if os.getpid() != main_pid:
            raise RuntimeError("a check failed")
        return check_one(path, ruleset)

    monkeypatch.setattr(run, "_check_one", fails_in_children)
    recovered = run.check_files(paths, ruleset, jobs=2)
    assert _key(recovered.findings) == _key(alone.findings)
    assert "Traceback" not in capfd.readouterr().err


def test_each_file_is_handed_on_as_soon_as_it_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What lets `check` write a run's findings as they come and keep none of them."""
    paths = _many_files(tmp_path, count=5)
    checked: list[str] = []
    check_one = run._check_one

    def counting(path: str, ruleset: RuleSet) -> tuple[str, list[Finding], int, int, str | None]:
        checked.append(path)
        return check_one(path, ruleset)

    monkeypatch.setattr(run, "_check_one", counting)
    each = run.check_each(paths, RuleSet(select_rules(load_catalog())))
    first = next(each)
    assert first.path == paths[0] and checked == paths[:1]
    assert [c.path for c in each] == paths[1:] and checked == paths


def test_findings_cross_the_pipe_unchanged() -> None:
    """Findings go between processes pickled: every field, nested ones included, must
    come back."""
    import pickle

    from linter.findings import Edit, Fix, ObjectId, Position, Span
    from linter.levels import FixSafety, Severity

    finding = Finding(
        rule_id="JP101",
        rule_name="jobs-rbac",
        severity=Severity.WARNING,
        path="deploy/rbac.yaml",
        start=Position(3, 5),
        end=Position(3, 9),
        message="batch/jobs",
        span=Span(40, 44),
        obj=ObjectId("rbac.authorization.k8s.io/v1", "Role", "tasks", "runner"),
        fix=Fix((Edit(40, 44, "pods"),), FixSafety.SAFE, "grant pods"),
        fingerprint="abc",
    )
    back = pickle.loads(pickle.dumps([finding, finding._replace(obj=None)]))
    assert back[0] == finding and back[0].fix == finding.fix and back[0].obj == finding.obj
    assert back[1].obj is None and back[1].fix == finding.fix


def _two_projects(root: Path) -> Path:
    """A tree of two projects, the inner one with a config of its own that leaves JP101
    out, spread over directories: past the parallel threshold either way."""
    role = (FIXTURES / "JP101" / "bad.yaml").read_text()
    job = (FIXTURES / "JP201" / "bad.yaml").read_text()
    for project in (root / "platform", root / "platform" / "team-b"):
        for n in range(run.PARALLEL_THRESHOLD // 2):
            directory = project / f"svc-{n % 7}"
            directory.mkdir(parents=True, exist_ok=True)
            (directory / f"role-{n}.yaml").write_text(role)
            (directory / f"job-{n}.yml").write_text(job)
    (root / "platform" / "team-b" / ".job2pod.yaml").write_text("ignore: [JP101]\n")
    return root


def test_children_check_while_the_walk_goes_on_and_the_report_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` hands each file on as the walk finds it, children start once there are
    enough, and a config met after they started reaches them: the report is byte for byte
    the one process's."""
    monkeypatch.chdir(_two_projects(tmp_path))
    runner = CliRunner()
    alone = runner.invoke(cli, ["check", "--no-cache", "--jobs", "1", "."])
    assert alone.exit_code == 1 and "JP101" in alone.output and "team-b" in alone.output
    assert not any("JP101" in line for line in alone.output.splitlines() if "team-b/" in line)
    offered_when_started: list[int] = []
    start = run.Workers._start

    def recorded(workers: run.Workers) -> None:
        offered_when_started.append(len(workers._offered))
        start(workers)

    monkeypatch.setattr(run.Workers, "_start", recorded)
    shared = runner.invoke(cli, ["check", "--no-cache", "--jobs", "2", "."])
    files = 4 * (run.PARALLEL_THRESHOLD // 2)
    assert offered_when_started and offered_when_started[0] < files
    assert shared.output == alone.output and shared.exit_code == alone.exit_code


def test_a_walk_gives_the_files_in_sorted_order(tmp_path: Path) -> None:
    """The order the report has: a directory's files sort after names that are smaller
    than "/" ("a-b", "a.yaml") and before larger ones ("a0", "a_")."""
    from linter.discover import discover

    names = ["a-b.yaml", "a.yaml", "a/x.yaml", "a/b/c.yaml", "a0.yaml", "a_.yaml", "A.yaml"]
    names += ["a b/z.yaml", "é.yaml", "b/.hidden/d.yaml", "b.yml", "a/b.yaml", "a/b-c/e.py"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("kind: ConfigMap\n")
    walked = discover([str(tmp_path)])
    assert walked == sorted(walked)
    assert [p[len(str(tmp_path)) + 1 :] for p in walked] == sorted(names)


@pytest.mark.parametrize("listed_by_git", [False, True])
def test_a_walk_hands_on_its_files_a_directory_at_a_time(
    tmp_path: Path, listed_by_git: bool
) -> None:
    """What applies to a directory is looked up once a run of its files: each run is one
    directory's files, a subdirectory's run comes between two of its parent's, the runs
    make the walk, and `keep` sees (and filters) each run before it is handed on."""
    import subprocess

    from linter.discover import discover

    names = ["a.yaml", "b/c.yaml", "b/d.yml", "c.yaml", "d/e/f.py", "d/g.yaml", "z.yaml"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("kind: ConfigMap\n")
    if listed_by_git:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    kept: list[list[str]] = []
    handed: list[list[str]] = []

    def keep(files: list[str]) -> list[str]:
        kept.append(files)
        return [f for f in files if not f.endswith(".yml")]

    walked = discover([str(tmp_path)], keep=keep, on_found=handed.append)
    runs = [[p[len(str(tmp_path)) + 1 :] for p in run] for run in kept]
    # The same whether git lists the tree or it is walked: both sort whole paths.
    expected = ["a.yaml", "b/c.yaml b/d.yml", "c.yaml", "d/e/f.py", "d/g.yaml", "z.yaml"]
    assert runs == [run.split() for run in expected]
    assert handed == [[f for f in run if not f.endswith(".yml")] for run in kept]
    assert walked == [f for run in handed for f in run]


def test_a_directory_of_symlinks_leading_out_is_no_run(tmp_path: Path) -> None:
    """A directory whose only files are symlinks out of the tree hands on nothing, and
    the command checks the rest (it once failed on the empty run)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "role.yaml").write_text((FIXTURES / "JP101" / "bad.yaml").read_text())
    tree = tmp_path / "tree"
    (tree / "links").mkdir(parents=True)
    (tree / "links" / "role.yaml").symlink_to(tmp_path / "outside" / "role.yaml")
    (tree / "job.yaml").write_text((FIXTURES / "JP201" / "bad.yaml").read_text())
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", str(tree)])
    assert result.exit_code == 1, result.output
    assert {f["code"] for f in json.loads(result.output)} >= {"JP201"}
    assert not [f for f in json.loads(result.output) if f["path"].endswith("links/role.yaml")]


@pytest.mark.parametrize("files", [0, 1, 5, 40, 1000])
def test_the_last_files_of_a_run_are_handed_out_one_at_a_time(files: int) -> None:
    """The queue keeps its files and their order; the last `files` (rounded up to a chunk)
    go out one each, so that a child that runs out of work waits at most for the other's
    file, not for its chunk."""
    from collections import deque

    chunks = [(1, [f"a/{n}.yaml" for n in range(c, c + 32)]) for c in range(0, 96, 32)]
    queue = deque([*chunks, (2, ["b/0.yaml", "b/1.yaml"])])
    before = [(key, path) for key, chunk in queue for path in chunk]
    run.split_tail(queue, files)
    assert [(key, path) for key, chunk in queue for path in chunk] == before
    expected = {
        0: [32, 32, 32, 2],
        1: [32, 32, 32, 1, 1],
        5: [32, 32] + [1] * 34,
        40: [32] + [1] * 66,
        1000: [1] * 98,
    }
    assert [len(chunk) for _, chunk in queue] == expected[files]


@pytest.mark.parametrize("walked_as", ["its path", "."])
def test_a_walked_directory_with_no_config_file_takes_its_parents_unasked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walked_as: str
) -> None:
    """A directory the walk listed with no config file's name in it has its parent's
    config, known without looking for one there: each of a big tree's directories would
    cost an abspath and three stats in the process the workers wait on."""
    from linter import options
    from linter.cli import _inputs

    tree = tmp_path / "repo"
    files = ["a.yaml", "x/y/b.yaml", "team/c.yaml", "team/z/d.yaml", "team/z/w/e.yml"]
    for name in files:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("kind: ConfigMap\n")
    (tree / ".job2pod.yaml").write_text("ttl-seconds-after-finished: 60\n")
    (tree / "team" / ".job2pod.yaml").write_text("ttl-seconds-after-finished: 30\n")
    asked: list[str] = []

    def in_directory(directory: str) -> str | None:
        asked.append(os.path.relpath(directory, tree))
        return real(directory)

    real = options.in_directory
    monkeypatch.setattr(options, "in_directory", in_directory)
    if walked_as == ".":
        monkeypatch.chdir(tree)
    projects = options.Projects(options.Overrides(options.Selection()))
    walked = _inputs(["." if walked_as == "." else str(tree)], projects)
    configs = {
        os.path.relpath(path, tree if walked_as != "." else "."): projects.config_of_file(path)
        for path in walked
    }
    assert sorted(configs) == sorted(files)
    assert {name: os.path.relpath(str(found), tree) for name, found in configs.items()} == {
        "a.yaml": ".job2pod.yaml",
        "x/y/b.yaml": ".job2pod.yaml",
        "team/c.yaml": "team/.job2pod.yaml",
        "team/z/d.yaml": "team/.job2pod.yaml",
        "team/z/w/e.yml": "team/.job2pod.yaml",
    }
    assert not {"x", "x/y", "team/z", "team/z/w"} & set(asked)
    assert {".", "team"} <= set(asked)


def test_a_tree_outside_git_is_walked_without_starting_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from linter.discover import discover
    from linter.repository import work_tree_of

    if work_tree_of(str(tmp_path)) is not None:
        pytest.skip("the temporary directory is inside a git work tree")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "job.yaml").write_text("kind: Job\n")

    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"started {args}")

    monkeypatch.setattr(subprocess, "run", no_git)
    monkeypatch.delenv("GIT_DIR", raising=False)
    assert discover([str(tmp_path)]) == [f"{tmp_path}/deploy/job.yaml"]
    (tmp_path / ".git").mkdir()  # now git is asked (and says what it says)
    with pytest.raises(AssertionError, match="started"):
        discover([str(tmp_path)])


@pytest.mark.slow
def test_the_command_gives_the_same_report_whatever_the_jobs(
    sample: list[str], tmp_path: Path
) -> None:
    """The corpus sample through `check` itself, files handed on as they are named."""
    runner = CliRunner()
    common = ["check", "--no-cache", "--fail-on", "never", "--format", "json"]
    alone = runner.invoke(cli, [*common, "--jobs", "1", *sample])
    shared = runner.invoke(cli, [*common, "--jobs", "2", *sample])
    assert alone.exit_code == 0 and '"code": "JP' in alone.output
    assert shared.output == alone.output
    cached = ["check", "--cache-dir", str(tmp_path / "cache"), "--fail-on", "never"]
    cold = runner.invoke(cli, [*cached, "--format", "json", *sample])
    warm = runner.invoke(cli, [*cached, "--format", "json", *sample])
    assert cold.output == warm.output == alone.output
