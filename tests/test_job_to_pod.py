"""Pods written by the JP201 rewrite validate as Pods (kubernetes-validate, strict, 1.30)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from manifests import plain

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
