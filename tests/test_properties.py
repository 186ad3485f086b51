"""Property tests: generated Kubernetes-shaped YAML and Python, and a fuzz run.

The slow one runs 10,000 generated documents with a fixed seed and no example database,
so CI is reproducible; `pytest -m slow` runs it (and .ci/run runs everything).
"""

from __future__ import annotations

import ast
import string
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from linter.catalog import builtin_rules
from linter.engine import RuleSet, check_text
from linter.findings import Edit
from linter.fixes import apply_edits, fix_text
from linter.sources.yaml import parse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fuzz.run import fallback

RULES = RuleSet([r for r in builtin_rules() if r.enabled or r.migrate])
PROFILE = settings(
    database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)

# Names as the regex [a-z][a-z0-9-]{0,12} would draw them; `from_regex` took half of the
# slow run's generation time.
names = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", max_size=12),
)
scalars = st.one_of(
    names,
    st.integers(-3, 10).map(str),
    st.sampled_from(
        ["true", "false", "yes", "null", "''", '""', "'quoted'", '"dq"', "{{ .Values.x }}"]
    ),
)


# Strategies built once: built inside a draw, each one cost more than the draw.
KINDS = st.sampled_from(
    ["Job", "CronJob", "Role", "ClusterRole", "ConfigMap", "CustomResourceDefinition"]
)
RESTART_POLICIES = st.sampled_from(["Never", "OnFailure", "Always"])
JOB_FIELDS = st.lists(
    st.sampled_from(
        [
            "backoffLimit",
            "completions",
            "parallelism",
            "ttlSecondsAfterFinished",
            "activeDeadlineSeconds",
            "suspend",
            "completionMode",
        ]
    ),
    max_size=4,
    unique=True,
)
API_VERSIONS = st.sampled_from(["batch/v1", "v1", "rbac.authorization.k8s.io/v1"])
API_GROUPS = st.lists(st.sampled_from(["batch", '""', "apps", '"*"']), min_size=1, max_size=3)
RESOURCES = st.lists(
    st.sampled_from(["jobs", "jobs/status", "pods", "cronjobs", '"*"']), min_size=1, max_size=3
)
VERBS = st.lists(st.sampled_from(["get", "create", "patch", "delete"]), min_size=1, max_size=3)
ONE_TO_THREE = st.integers(1, 3)


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(KINDS)
    pod = {
        "restartPolicy": draw(RESTART_POLICIES),
        "containers": [{"name": draw(names), "image": draw(names)}],
    }
    job: dict[str, object] = {
        "template": {"metadata": {"labels": {draw(names): draw(scalars)}}, "spec": pod}
    }
    for field in draw(JOB_FIELDS):
        job[field] = draw(scalars)
    body: dict[str, object] = {
        "apiVersion": draw(API_VERSIONS),
        "kind": kind,
        "metadata": {"name": draw(names)},
    }
    if kind == "Job":
        body["spec"] = job
    elif kind == "CronJob":
        body["spec"] = {"schedule": "'* * * * *'", "jobTemplate": {"spec": job}}
    elif kind in ("Role", "ClusterRole"):
        body["rules"] = [
            {"apiGroups": draw(API_GROUPS), "resources": draw(RESOURCES), "verbs": draw(VERBS)}
            for _ in range(draw(ONE_TO_THREE))
        ]
    else:
        body["data"] = {draw(names): draw(scalars)}
    return body


MANIFESTS = manifests()
COIN = st.booleans()
ONE_IN_FIVE, ONE_IN_SIX, ONE_IN_SEVEN = st.integers(0, 4), st.integers(0, 5), st.integers(0, 6)


def render(value: object, indent: int, draw: st.DrawFn) -> list[str]:
    """Block or flow style, comments here and there, keys in random order."""
    pad = " " * indent
    if isinstance(value, dict):
        keys = list(value)
        if draw(COIN):
            keys = draw(st.permutations(keys))
        if draw(ONE_IN_FIVE) == 0:
            return [pad + flow(value)]
        lines = []
        for key in keys:
            item = value[key]
            comment = "  # note" if draw(ONE_IN_SEVEN) == 0 else ""
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:{comment}")
                lines.extend(render(item, indent + 2, draw))
            else:
                lines.append(f"{pad}{key}: {flow(item)}{comment}")
        return lines
    if isinstance(value, list):
        if draw(COIN):
            return [pad + flow(value)]
        lines = []
        for item in value:
            inner = render(item, indent + 2, draw)
            lines.append(pad + "- " + inner[0].lstrip())
            lines.extend(inner[1:])
        return lines
    return [pad + str(value)]


def flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return str(value)


@st.composite
def yaml_files(draw: st.DrawFn) -> str:
    docs = []
    for _ in range(draw(ONE_TO_THREE)):
        lines = render(draw(MANIFESTS), 0, draw)
        if draw(COIN):
            lines.insert(0, "# generated")
        docs.append("\n".join(lines) + "\n")
    text = "---\n".join(docs)
    if draw(COIN):
        text = text.replace("\n", "\r\n")
    if draw(ONE_IN_SIX) == 0:
        text = text.rstrip("\r\n")
    return text


def _properties(text: str) -> None:
    findings = check_text("gen.yaml", text, RULES, "yaml")
    assert all(f.start.line >= 1 for f in findings)
    before = len(parse(text).problems)
    once = fix_text("gen.yaml", text, RULES, "yaml", unsafe=True)
    assert len(parse(once.fixed).problems) <= before, once.fixed
    twice = fix_text("gen.yaml", once.fixed, RULES, "yaml", unsafe=True)
    assert twice.fixed == once.fixed
    if "\r\n" in text:
        assert "\n" not in once.fixed.replace("\r\n", "")


# Found by the 10,000-example run: a pods rule added next to a flow-style rule of a block
# list was inserted without its `- ` and line break, so the fix was rejected once and
# applied on the second run.
FLOW_RULE_IN_BLOCK_LIST = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: a}\nrules:\n"
    '  - {apiGroups: [batch, ""], resources: [jobs, pods], verbs: [get]}\n'
    "  - {apiGroups: [batch], resources: [jobs], verbs: [create]}"
)


@given(yaml_files())
@example(FLOW_RULE_IN_BLOCK_LIST)
@PROFILE
def test_generated_yaml_quick(text: str) -> None:
    _properties(text)


@pytest.mark.slow
@given(yaml_files())
@settings(PROFILE, max_examples=10_000)
def test_generated_yaml_ten_thousand(text: str) -> None:
    _properties(text)


@given(
    st.text(max_size=200),
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 20), st.text(max_size=5)), max_size=5),
)
@PROFILE
def test_apply_edits_leaves_every_byte_outside_the_edits(
    text: str, raw: list[tuple[int, int, str]]
) -> None:
    edits: list[Edit] = []
    cursor = 0
    for start, length, new in sorted(raw):
        start = max(start, cursor)
        if start > len(text):
            break
        end = min(start + length, len(text))
        edits.append(Edit(start, end, new))
        cursor = end + 1
    result = apply_edits(text, edits)
    cursor = 0
    out = 0
    for edit in edits:
        kept = text[cursor : edit.start]
        assert result[out : out + len(kept)] == kept
        out += len(kept) + len(edit.text)
        cursor = edit.end
    assert result[out:] == text[cursor:]


CONTROLLER = st.builds(
    "\n".join,
    st.lists(
        st.sampled_from(
            [
                "from kubernetes import client",
                "import kubernetes.client as kc",
                "batch = client.BatchV1Api()",
                "batch.create_namespaced_job(ns, body=job)",
                "job = client.V1Job(api_version='batch/v1', kind='Job')",
                "body = {'apiVersion': 'batch/v1', 'kind': 'Job', 'spec': {'backoffLimit': 0}}",
                "def build_job(task):",
                "    return {'job_name': task.name}",
                "async def stop(name):",
                "    await api.patch_namespaced_job(name, ns, {'spec': {'suspend': True}})",
                "class Reconciler:",
                "    def __init__(self, api: 'BatchV1Api') -> None:",
                "        self.api = api",
                "import kopf",
                "from kubernetes.client import BatchV1Api, V1Job, V1JobSpec, V1PodTemplateSpec, V1PodSpec",
                "job = V1Job(spec=V1JobSpec(backoff_limit=0, template=V1PodTemplateSpec("
                "spec=V1PodSpec(restart_policy='Never', containers=[]))))",
                "job = client.V1Job(\n    metadata=client.V1ObjectMeta(name='t'),\n"
                "    spec=client.V1JobSpec(\n        backoff_limit=0,\n"
                "        template=client.V1PodTemplateSpec(\n"
                "            spec=client.V1PodSpec(restart_policy='Never', containers=[]),\n"
                "        ),\n    ),\n)",
                "batch = BatchV1Api()",
                "@kopf.on.event('batch', 'v1', 'jobs')",
                "def handler(status, **_):",
                "    return status.get('succeeded')",
                "rule = client.V1PolicyRule(api_groups=['batch'], resources=['jobs'])",
                "pods = core.list_namespaced_pod(ns, label_selector='job-name=x')",
                "x = (",
                "# job2pod: ignore[JP501]",
                "\tbad indent",
            ]
        ),
        max_size=12,
    ),
)


@given(CONTROLLER)
@PROFILE
def test_generated_python_never_raises(source: str) -> None:
    check_text("gen.py", source, RULES, "python")
    once = fix_text("gen.py", source, RULES, "python", unsafe=True)
    assert fix_text("gen.py", once.fixed, RULES, "python", unsafe=True).fixed == once.fixed
    if once.changed:
        ast.parse(once.fixed)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["yaml", "python"])
def test_short_fuzz_run(target: str) -> None:
    assert fallback(target, runs=1500, seed=11) == 1500
