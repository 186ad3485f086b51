"""The migration plan's parts: units and verdicts, the gate through the fix loop, following
values in Python, and the plan over small trees written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.findings import Edit, Finding, Fix, Position, Span
from linter.levels import FixSafety, Severity
from linter.migration.gate import FileGate, Site
from linter.migration.units import Member, Place, group, judge
from linter.sources import python_flow
from linter.sources.python import parse, walk


def _member(kind: str, links: tuple[str, ...], blocker: str | None = None) -> Member:
    return Member(
        kind, Place("a.py", 0, 1, 1), kind, links, blocker=blocker, producer=kind == "job"
    )


def test_members_that_share_a_key_through_others_are_one_unit() -> None:
    job = _member("job", ("job:1",))
    create = _member("call", ("client:a", "job:1"))
    read = _member("call", ("client:a",))
    other = _member("job", ("job:2",))
    units = group([job, create, read, other])
    assert [[m.kind for m in u.members] for u in units] == [["job", "call", "call"], ["job"]]


def test_one_blocking_member_keeps_the_unit_and_is_named() -> None:
    blocker = _member("status-read", ("job:1",), blocker="no Pod phase says it")
    units = group([_member("job", ("job:1",)), blocker])
    judge(units)
    assert not units[0].converts
    assert units[0].blocked_by is blocker
    assert units[0].reason == "no Pod phase says it"


def test_a_unit_without_a_job_to_convert_stays_and_says_why() -> None:
    units = group([_member("call", ("client:a",))])
    judge(units)
    assert not units[0].converts
    assert "cannot tell whether it is a thin wrapper" in (units[0].reason or "")


def _finding(rule: str, start: int, end: int) -> Finding:
    fix = Fix((Edit(start, end, "x"),), FixSafety.UNSAFE, "t")
    return Finding(
        rule,
        rule,
        Severity.WARNING,
        "a",
        Position(1, 1),
        Position(1, 1),
        "m",
        Span(start, end),
        fix=fix,
    )


def test_the_gate_lets_through_only_the_rules_of_a_decided_site() -> None:
    gate = FileGate([Site(10, 20, frozenset({"JP502"}))], policy_rules={"JP508"})
    assert gate.allows(_finding("JP502", 12, 15))
    assert not gate.allows(_finding("JP501", 12, 15))
    assert not gate.allows(_finding("JP502", 25, 30))
    assert gate.allows(_finding("JP508", 40, 41))


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([Edit(0, 5, "")], (5, 15)),  # text before the site went
        ([Edit(0, 0, "abc")], (13, 23)),  # text inserted before it
        ([Edit(12, 14, "longer text")], (10, 29)),  # its own text grew
        ([Edit(25, 30, "")], (10, 20)),  # text after it: nothing moves
        ([Edit(5, 12, "")], (5, 13)),  # an edit that cut into its start
    ],
    ids=["removed-before", "inserted-before", "grew", "after", "cut-start"],
)
def test_the_gate_maps_its_sites_through_each_pass(
    edits: list[Edit], expected: tuple[int, int]
) -> None:
    site = Site(10, 20, frozenset({"JP502"}))
    gate = FileGate([site])
    gate.advance(edits)
    assert (site.start, site.end) == expected
    assert site.origin == 10


def test_a_site_whose_fix_never_applied_is_incomplete_unless_replaced_whole() -> None:
    from linter.fixes import FileFix

    site = Site(10, 20, frozenset({"JP502"}))
    gate = FileGate([site])
    result = FileFix("a.py", "x" * 30, "x" * 30)
    assert [reason for _, reason in gate.incomplete(result)] == [
        "its fix was not offered when the file was fixed"
    ]
    gate.advance([Edit(12, 14, "yy")])  # an edit inside it is not its fix
    assert len(gate.incomplete(result)) == 1
    gate.advance([Edit(5, 25, "a loop rewritten around it")])
    assert gate.incomplete(result) == []


FLOW = """\
def build(task):
    spec = V1JobSpec(template=template)
    job = V1Job(spec=spec)
    job.metadata = V1ObjectMeta(name=task)
    twice = 1
    twice = 2
    for looped in range(3):
        pass
    print(job.spec.template.name, twice, looped)
    return job
"""


def _name(source, value: str, nth: int = -1):  # type: ignore[no-untyped-def]
    import libcst as cst

    found = [
        n
        for n in walk(source.module)
        if isinstance(n, cst.Name) and n.value == value and source.scopes.get(n) is not None
    ]
    return found[nth]


def test_a_local_assigned_once_stands_for_its_value() -> None:
    source = parse(FLOW)
    bound = python_flow.binding(source, _name(source, "spec"))
    assert bound is not None and source.code(bound.value) == "V1JobSpec(template=template)"
    assert [source.line(r) for r in bound.reads] == [3]


@pytest.mark.parametrize("name", ["twice", "looped", "task"])
def test_names_assigned_twice_in_a_loop_or_as_parameters_are_not_followed(name: str) -> None:
    source = parse(FLOW)
    assert python_flow.binding(source, _name(source, name)) is None


def test_attributes_set_after_construction_and_paths_read_off_a_local() -> None:
    source = parse(FLOW)
    bound = python_flow.binding(source, _name(source, "job"))
    assert bound is not None
    assert [s.attr for s in python_flow.attribute_sets(source, bound)] == ["metadata"]
    paths = [python_flow.access_path(source, r) for r in bound.reads]
    assert ("spec", "template", "name") in paths


# -- the plan over small trees --------------------------------------------------------

FACTORY = """\
from kubernetes import client


def batch_api() -> client.BatchV1Api:
    return client.BatchV1Api()
"""
BUILDER = """\
from kubernetes import client


def build_job(name: str) -> client.V1Job:
    template = client.V1PodTemplateSpec(
        spec=client.V1PodSpec(restart_policy="Never", containers=[])
    )
    job = client.V1Job(metadata=client.V1ObjectMeta(name=name))
    job.spec = client.V1JobSpec(backoff_limit={backoff}, template=template)
    return job
"""
RUNNER = """\
from tasks.builder import build_job
from tasks.k8s import batch_api


def start(name: str) -> None:
    batch_api().create_namespaced_job("tasks", build_job(name))


def done(name: str) -> bool:
    return bool(batch_api().read_namespaced_job_status(name, "tasks").status.succeeded)
"""


MAIN = """\
from tasks.runner import start

start("nightly")
"""


def _tree(tmp_path: Path, backoff: int) -> Path:
    # A controller run as `python -m tasks`: its names are no library's API.
    package = tmp_path / "tasks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(MAIN)
    (package / "k8s.py").write_text(FACTORY)
    (package / "builder.py").write_text(BUILDER.replace("{backoff}", str(backoff)))
    (package / "runner.py").write_text(RUNNER)
    return package


def _migrate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["migrate", "--report", "report.md", "tasks"])
    assert result.exit_code in (0, 1), result.output
    return (tmp_path / "report.md").read_text()


def test_a_unit_split_over_three_modules_converts_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _tree(tmp_path, backoff=0)
    report = _migrate(tmp_path, monkeypatch)
    assert "### Converts to a Pod: the `V1Job` built in `build_job` (tasks/builder.py:8)" in report
    assert "client.CoreV1Api" in (package / "k8s.py").read_text()
    runner = (package / "runner.py").read_text()
    assert "create_namespaced_pod" in runner and "read_namespaced_pod_status" in runner
    assert '.status.phase == "Succeeded"' in runner
    builder = (package / "builder.py").read_text()
    assert "client.V1Pod(" in builder and "template" not in builder


def test_one_retrying_job_keeps_all_three_modules_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _tree(tmp_path, backoff=2)
    before = {p.name: p.read_text() for p in package.iterdir()}
    report = _migrate(tmp_path, monkeypatch)
    after = {p.name: p.read_text() for p in package.iterdir()}
    # The retrying Job stays, with the TTL policy wants (JP508, a safe fix) and nothing else.
    assert after["builder.py"] == before["builder.py"].replace(
        "template=template)", "template=template, ttl_seconds_after_finished=3600)"
    )
    assert {n: a for n, a in after.items() if n != "builder.py"} == {
        n: b for n, b in before.items() if n != "builder.py"
    }
    assert "### Stays a Job: the `V1Job` built in `build_job` (tasks/builder.py:8)" in report
    assert "blocked by tasks/builder.py:8" in report and "backoff_limit (2 retries)" in report


def test_a_library_that_hands_its_jobs_out_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _tree(tmp_path, backoff=0)
    (package / "__main__.py").unlink()
    before = {p.name: p.read_text() for p in package.iterdir()}
    report = _migrate(tmp_path, monkeypatch)
    assert {p.name: p.read_text() for p in package.iterdir()} == before
    assert "the Job leaves the package through its public `build_job` (tasks.builder)" in report


PROJECT = """\
# Code generated by tool. DO NOT EDIT.
domain: acme.io
layout:
- go.kubebuilder.io/v4
projectName: taskrun
"""
GENERATED_ROLE = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: manager-role
rules:
- apiGroups:
  - batch
  resources:
  - jobs
  verbs:
  - create
  - delete
"""
SMOKE_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: smoke
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: smoke, image: "registry.example.dev/smoke:1"}
"""


def test_a_kubebuilder_projects_generated_role_is_never_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kubebuilder's PROJECT file is a generator config: `make manifests` writes
    config/rbac/role.yaml from the Go code's +kubebuilder:rbac markers."""
    (tmp_path / "PROJECT").write_text(PROJECT)
    (tmp_path / "config" / "rbac").mkdir(parents=True)
    (tmp_path / "config" / "rbac" / "role.yaml").write_text(GENERATED_ROLE)
    (tmp_path / "config" / "samples").mkdir()
    (tmp_path / "config" / "samples" / "smoke.yaml").write_text(SMOKE_JOB)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["migrate", "--report", "report.md", "config"])
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "config" / "rbac" / "role.yaml").read_text() == GENERATED_ROLE
    assert "kind: Pod" in (tmp_path / "config" / "samples" / "smoke.yaml").read_text()
    report = (tmp_path / "report.md").read_text()
    assert "kept: the Role is generated by controller-gen" in report


def test_a_rename_follows_the_name_into_all_and_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _tree(tmp_path, backoff=0)
    builder = package / "builder.py"
    builder.write_text('__all__ = ["build_job"]\n\n' + builder.read_text())
    _migrate(tmp_path, monkeypatch)
    assert builder.read_text().startswith('__all__ = ["build_pod"]\n')
    assert "def build_pod(name: str) -> client.V1Pod:" in builder.read_text()
    assert "from tasks.builder import build_pod" in (package / "runner.py").read_text()


def test_a_name_in_a_string_keeps_its_definition_and_the_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _tree(tmp_path, backoff=0)
    runner = package / "runner.py"
    runner.write_text(runner.read_text() + '\nBUILDERS = {"default": "build_job"}\n')
    before = {p.name: p.read_text() for p in package.iterdir()}
    report = _migrate(tmp_path, monkeypatch)
    assert {p.name: p.read_text() for p in package.iterdir()} == before
    assert 'the string "build_job" names `build_job`' in report


INDEXED_JOB = """\
# Job API reference, JobSpec.completionMode: Indexed. The headless Service below gives each
# indexed Pod a DNS name (the Job docs' "Job with Pod-to-Pod Communication" pattern).
apiVersion: batch/v1
kind: Job
metadata:
  name: render-shards
spec:
  completions: 4
  parallelism: 4
  completionMode: Indexed
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      subdomain: render-shards
      containers:
        - {name: render, image: "registry.example.dev/render:2"}
"""
HEADLESS_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: render-shards
spec:
  clusterIP: None
  selector:
    job-name: render-shards
"""


def test_a_selector_on_a_job_that_stays_a_job_elsewhere_in_the_tree_is_no_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "job.yaml").write_text(INDEXED_JOB)
    (tmp_path / "deploy" / "service.yaml").write_text(HEADLESS_SERVICE)
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(cli, ["migrate", "--report", "report.md", "deploy"])
    report = (tmp_path / "report.md").read_text()
    assert "### deploy/service.yaml" not in report.split("## Needs a human", 1)[1]
    check = CliRunner().invoke(cli, ["check", "--no-cache", "deploy/service.yaml"])
    assert "JP207" in check.output  # one file alone cannot tell: check still says so


KUSTOMIZATION_BY_NAME = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  # Kustomize patches, "target": a name alone selects every resource of that name.
  - target:
      name: smoke
    patch: |-
      - op: add
        path: /spec/template/spec/nodeSelector
        value: {pool: canary}
"""


def test_a_patch_whose_target_names_a_job_of_the_tree_keeps_it_a_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "smoke.yaml").write_text(SMOKE_JOB)
    (tmp_path / "canary").mkdir()
    (tmp_path / "canary" / "kustomization.yaml").write_text(KUSTOMIZATION_BY_NAME)
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(cli, ["migrate", "--report", "report.md", "."])
    assert (tmp_path / "base" / "smoke.yaml").read_text() == SMOKE_JOB
    assert "the Kustomize patch of Job smoke" in (tmp_path / "report.md").read_text()
