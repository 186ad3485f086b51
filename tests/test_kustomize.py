"""linter.kube.kustomize on single parsed objects: what a patch is, and a Kustomization's
patch entries as plain data (Kustomize reference, kustomization `patches`,
`patchesStrategicMerge`, `patchesJson6902`)."""

from __future__ import annotations

import pytest

from linter.kube import kustomize
from linter.kube.kustomize import PatchTarget
from linter.sources.yaml import K8sObject, parse

WHOLE_JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: export}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: export, image: "registry.example.dev/export:1.0"}]
"""


def _object(text: str) -> K8sObject:
    objects = list(parse(text).objects())
    assert len(objects) == 1
    return objects[0]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("kind: Job\nmetadata: {name: a}\nspec: {suspend: true}\n", id="no-template"),
        pytest.param("kind: Job\nmetadata: {name: a}\n", id="no-spec"),
        pytest.param(
            "kind: Job\nspec:\n  template:\n    metadata: {labels: {a: b}}\n", id="no-pod-spec"
        ),
        pytest.param(
            "kind: Job\nspec:\n  template:\n    spec: {nodeSelector: {pool: a}}\n",
            id="no-containers",
        ),
        pytest.param(
            "kind: Job\nspec:\n  template:\n    spec:\n      containers: [{name: a, args: [x]}]\n",
            id="no-image-no-restart-policy",
        ),
        pytest.param(
            "apiVersion: batch/v1\nkind: CronJob\nspec: {schedule: '0 * * * *'}\n",
            id="cronjob-without-job-template",
        ),
        pytest.param(WHOLE_JOB + "  $patch: replace\n", id="directive"),
        pytest.param("- {op: replace, path: /spec/suspend, value: true}\n", id="json6902"),
    ],
)
def test_partial_objects_are_patches(text: str) -> None:
    assert kustomize.is_patch(_object(text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(WHOLE_JOB, id="whole-job"),
        pytest.param(
            WHOLE_JOB.replace("      restartPolicy: Never\n", ""), id="image-without-restart"
        ),
        pytest.param(
            WHOLE_JOB.replace("      restartPolicy: Never\n", "").replace(
                "registry.example.dev/export:1.0", "{{ .Values.image }}"
            ),
            id="helm-image-without-restart",
        ),
        pytest.param(
            "kind: Job\nspec:\n  template:\n    spec:\n"
            '      {{- include "pod.spec" . | nindent 6 }}\n',
            id="helm-rendered-pod-spec",
        ),
        pytest.param(
            "kind: Job\nspec:\n  template:\n    spec:\n      containers: {{ .Values.c }}\n",
            id="templated-containers",
        ),
        pytest.param(
            "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nspec: {minAvailable: 2}\n",
            id="other-group",
        ),
        pytest.param("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n", id="other-kind"),
    ],
)
def test_whole_or_unknown_objects_are_not_patches(text: str) -> None:
    assert not kustomize.is_patch(_object(text))


KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../../base]
patches:
  - path: retries.yaml
    target:
      group: batch
      version: v1
      kind: Job
      name: task-.*
      namespace: tasks
      labelSelector: tier=batch
      annotationSelector: example.dev/stop=true
  - patch: |-
      - op: replace
        path: /spec/suspend
        value: true
    target: {name: task-4711}
patchesStrategicMerge:
  - job-defaults.yaml
  - |-
    kind: Job
    metadata: {name: task-4712}
    spec: {parallelism: 0}
patchesJson6902:
  - target: {group: batch, version: v1, kind: Job, name: task-4713}
    path: stop.yaml
"""


def test_patch_entries_read_paths_inline_patches_and_targets() -> None:
    obj = _object(KUSTOMIZATION)
    entries = kustomize.patch_entries(obj)
    assert [(e.field, e.path) for e in entries] == [
        ("patches", "retries.yaml"),
        ("patches", None),
        ("patchesStrategicMerge", "job-defaults.yaml"),
        ("patchesStrategicMerge", None),
        ("patchesJson6902", "stop.yaml"),
    ]
    assert entries[0].target == PatchTarget(
        group="batch",
        version="v1",
        kind="Job",
        name="task-.*",
        namespace="tasks",
        label_selector="tier=batch",
        annotation_selector="example.dev/stop=true",
    )
    assert entries[1].target == PatchTarget(name="task-4711")
    assert entries[2].target is None and entries[2].inline_text is None
    assert entries[3].inline_text is not None and "task-4712" in entries[3].inline_text
    assert entries[4].target is not None and entries[4].target.selects_kind("Job", "batch")
    assert not entries[1].target.selects_kind("Job")


def test_patch_objects_give_json_patches_and_kind_from_the_target() -> None:
    obj = _object(KUSTOMIZATION)
    entries = kustomize.patch_entries(obj)
    json_patch = kustomize.patch_objects(obj, entries[1])
    assert [o.kind for o in json_patch] == [kustomize.JSON_PATCH_KIND]
    assert [o.kind for o in kustomize.patch_objects(obj, entries[3])] == ["Job"]
    assert kustomize.patch_objects(obj, entries[0]) == []
    untyped = _object(
        "kind: Kustomization\npatches:\n  - target: {kind: Job}\n"
        "    patch: |\n      spec: {suspend: true}\n"
    )
    (entry,) = kustomize.patch_entries(untyped)
    (patch,) = kustomize.patch_objects(untyped, entry)
    assert patch.kind == "Job" and kustomize.is_patch(patch)


def test_flux_patches_written_as_yaml_stay_in_the_kustomization_file() -> None:
    obj = _object(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\nspec:\n"
        "  patchesJson6902:\n    - target: {kind: Job, name: a}\n"
        "      patch:\n        - {op: add, path: /spec/suspend, value: true}\n"
    )
    (entry,) = kustomize.patch_entries(obj)
    (patch,) = kustomize.patch_objects(obj, entry)
    assert patch.kind == kustomize.JSON_PATCH_KIND and patch.source is obj.source
