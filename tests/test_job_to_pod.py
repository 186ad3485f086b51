"""Pods written by the JP201 rewrite validate as Pods (kubernetes-validate, strict, 1.30),
and its fix title says what the rewrite changes in behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from manifests import plain
from rule_fixtures import rules_by_id, run_rule

from linter.findings import Finding
from linter.sources.text import decode
from linter.sources.yaml import parse

GOLDEN = sorted(p for p in (FIXTURES / "JP201").glob("*.fixed.yaml") if "helm" not in p.name)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_rewritten_pods_validate_strictly(path: Path) -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    pods = [o for o in parse(decode(path.read_bytes()).text).objects() if o.kind == "Pod"]
    assert pods, f"{path.name} holds no Pod"
    for pod in pods:
        manifest = json.loads(json.dumps(plain(pod.node)))
        kubernetes_validate.validate(manifest, "1.30.0", strict=True)


def _jp201(text: str, **params: object) -> list[Finding]:
    rule = rules_by_id()["JP201"]
    if params:
        rule = rule._replace(param_values={**rule.param_values, **params}, params_memo=[])
    return run_rule(rule, Path("job.yaml"), text.encode())


THIN = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: task-run
{owner}spec:
  backoffLimit: 0
  ttlSecondsAfterFinished: 600
  activeDeadlineSeconds: 900
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: task
          image: registry.example.dev/task:1.0
"""
OWNER = """\
  ownerReferences:
    - {apiVersion: tasks.example.dev/v1, kind: Task, name: run, uid: 1f2e}
"""


@pytest.mark.parametrize(
    ("owner", "start", "said", "not_said"),
    [
        pytest.param(
            "",
            "Rewrite the Job as a Pod (",
            "a finished Pod with no owner is never cleaned up except by the PodGC",
            "ownerReference garbage-collects",
            id="bare-pod-only-podgc",
        ),
        pytest.param(
            OWNER,
            "Rewrite the Job as a Pod owned by the Task (",
            "the Task's ownerReference garbage-collects the Pod",
            "PodGC",
            id="owned-pod-collected-with-its-owner",
        ),
    ],
)
def test_the_cleanup_note_depends_on_an_owner(
    owner: str, start: str, said: str, not_said: str
) -> None:
    (finding,) = _jp201(THIN.format(owner=owner))
    assert finding.fix is not None
    assert finding.fix.title.startswith(start)
    assert said in finding.fix.title
    assert not_said not in finding.fix.title


def test_the_fix_title_says_where_each_deadline_counts_from() -> None:
    (finding,) = _jp201(THIN.format(owner=OWNER))
    assert finding.fix is not None
    assert (
        "activeDeadlineSeconds moved into the Pod spec: a Job's deadline counts from the "
        "Job's start (Pending time included), a Pod's from the Pod's start on the node"
    ) in finding.fix.title


HOOK = THIN.format(owner="  annotations:\n    helm.sh/hook: pre-install\n")


def test_hook_jobs_stay_jobs_unless_the_rule_says_otherwise() -> None:
    assert _jp201(HOOK) == []
    (finding,) = _jp201(HOOK, hook_annotations=[])
    assert finding.fix is not None


def test_a_job_with_finalizers_of_its_own_is_not_rewritten() -> None:
    text = THIN.format(owner="  finalizers: [example.dev/archive]\n")
    (finding,) = _jp201(text)
    assert finding.fix is None
    assert "no automatic rewrite: the Job has finalizers of its own" in finding.message
