"""linter.kube.rbac: RBAC matching as the authorizer does it, the least-privilege pods grant
that replaces batch jobs, and the grant computed from the verbs a controller really calls
(RBAC reference, Referring to resources)."""

from __future__ import annotations

import pytest

from linter.kube import rbac
from linter.kube.rbac import JOBS_TO_PODS_VERBS, Grant, PolicyRule
from linter.sources.yaml import parse


def _rule(group: str, resources: str, verbs: str, names: str = "", index: int = 0) -> PolicyRule:
    """One rule of one API group (`""` is the core group); the lists comma-separated."""

    def split(text: str) -> tuple[str, ...]:
        return tuple(t.strip() for t in text.split(",")) if text else ()

    return PolicyRule(index, (group,), split(resources), split(verbs), split(names))


@pytest.mark.parametrize(
    ("rule", "request_", "covered"),
    [
        pytest.param(_rule("", "pods", "get"), ("", "pods", "get"), True, id="exact"),
        pytest.param(_rule("*", "*", "*"), ("", "pods/log", "get"), True, id="wildcards"),
        pytest.param(
            _rule("batch", "*/status", "get"), ("batch", "jobs/status", "get"), True, id="sub"
        ),
        pytest.param(
            _rule("batch", "*/status", "get"), ("batch", "jobs", "get"), False, id="sub-not-main"
        ),
        pytest.param(_rule("", "pods", "get", names="a"), ("", "pods", "get"), False, id="named"),
        pytest.param(_rule("", "pods", "get"), ("", "pods/log", "get"), False, id="no-subresource"),
        pytest.param(_rule("apps", "pods", "get"), ("", "pods", "get"), False, id="other-group"),
    ],
)
def test_covers_matches_like_the_rbac_authorizer(
    rule: PolicyRule, request_: tuple[str, str, str], covered: bool
) -> None:
    assert rule.covers(*request_) is covered


@pytest.mark.parametrize(
    ("jobs_verbs", "pods_verbs"),
    [
        pytest.param(["create", "get", "list", "watch"], ["create", "get", "list", "watch"]),
        pytest.param(["update", "patch"], ["delete"], id="stop-becomes-delete"),
        pytest.param(["deletecollection", "delete"], ["deletecollection", "delete"]),
        pytest.param(
            ["*"], ["create", "get", "list", "watch", "delete", "deletecollection"], id="star"
        ),
        pytest.param(["escalate", rbac.TEMPLATED], [], id="unknown"),
    ],
)
def test_jobs_verbs_map_to_least_privilege_pods_verbs(
    jobs_verbs: list[str], pods_verbs: list[str]
) -> None:
    mapped = rbac.mapped_verbs(jobs_verbs, JOBS_TO_PODS_VERBS)
    assert mapped == pods_verbs
    assert not {"update", "patch"} & set(mapped)


def test_subresources_never_map_and_names_keep_only_what_names_restrict() -> None:
    rules = [
        _rule("batch", "jobs/status, jobs/finalizers", "get, update", index=0),
        _rule("batch", "jobs", "get, watch, create, delete", names="nightly", index=1),
        _rule("batch", "jobs", "list, patch", index=2),
    ]
    grants = rbac.replacement_grants(rules, "jobs", "pods", JOBS_TO_PODS_VERBS)
    assert grants == [
        Grant(("pods",), ("watch", "create", "list", "delete")),
        Grant(("pods",), ("get", "delete"), resource_names=("nightly",)),
    ]


def test_missing_grants_ignore_named_rules_and_join_resources() -> None:
    rules = [
        _rule("", "pods", "get, list, watch"),
        _rule("", "pods", "create, delete", names="task-1"),
        _rule("", "pods/log", "get"),
    ]
    needed = [
        Grant(("pods",), ("create", "get", "list", "watch", "delete")),
        Grant(("pods/status", "pods/log"), ("get",)),
    ]
    assert rbac.missing_grants(needed, rules) == [
        Grant(("pods",), ("create", "delete")),
        Grant(("pods/status",), ("get",)),
    ]
    assert rbac.missing_grants(needed, [_rule("*", "*", "*")]) == []


ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: runner}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
  - apiGroups: [tasks.example.dev]
    resources: [tasks]
    verbs: [get]
"""


def test_grant_edits_extend_an_exact_rule_and_add_new_ones_after_the_last() -> None:
    from linter.fixes import apply_edits

    (role,) = parse(ROLE).objects()
    rules = rbac.policy_rules(role)
    # The verbs a converted controller calls, not the ones its jobs rule had.
    needed = [
        Grant(("pods",), ("create", "get", "list", "watch", "delete")),
        Grant(("pods/log", "pods/status"), ("get",)),
    ]
    planned = rbac.grant_edits(role, rbac.missing_grants(needed, rules), rules)
    assert planned is not None and not planned.reused
    assert apply_edits(ROLE, planned.edits) == ROLE.replace(
        "verbs: [get, list]", "verbs: [get, list, create, watch, delete]"
    ) + ('  - apiGroups: [""]\n    resources: [pods/log, pods/status]\n    verbs: [get]\n')
