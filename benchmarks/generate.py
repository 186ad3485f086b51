"""A synthetic corpus for the benchmark when ../shared/corpus is not there.

The mix follows what real repositories hold: mostly clean Deployments, Services and
ConfigMaps, Helm templates, multi-document files, some big CRDs, RBAC, Jobs and CronJobs.
Deterministic for a seed.

    python benchmarks/generate.py OUT_DIR [--files N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  replicas: {n}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: app
          image: registry.example.dev/{name}:1.{n}.0
          ports: [{{containerPort: 8080}}]
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""
JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  backoffLimit: {backoff}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: task
          image: registry.example.dev/task:{n}
"""
CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
spec:
  schedule: "*/{n} * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cron
              image: registry.example.dev/cron:{n}
"""
ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {name}
rules:
  - apiGroups: [""]
    resources: [pods, configmaps]
    verbs: [get, list, watch]
  - apiGroups: [{group}]
    resources: [{resource}]
    verbs: [create, get, delete]
"""
HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "chart.fullname" . }}}}-{name}
  labels:
    {{{{- include "chart.labels" . | nindent 4 }}}}
spec:
  replicas: {{{{ .Values.replicas | default {n} }}}}
  template:
    spec:
      containers:
        - name: app
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag }}}}"
          {{{{- with .Values.resources }}}}
          resources:
            {{{{- toYaml . | nindent 12 }}}}
          {{{{- end }}}}
"""


def _crd(name: str, n: int) -> str:
    props = "".join(
        f"                field{i}:\n                  type: string\n"
        f"                  description: Field {i} of the {name} resource, suspended never.\n"
        for i in range(60 + n)
    )
    return (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        f"metadata:\n  name: {name}s.example.dev\nspec:\n  group: example.dev\n"
        f"  names: {{kind: {name.title()}, plural: {name}s}}\n  scope: Namespaced\n"
        "  versions:\n    - name: v1\n      served: true\n      storage: true\n"
        "      schema:\n        openAPIV3Schema:\n          type: object\n"
        "          properties:\n            spec:\n              type: object\n"
        f"              properties:\n{props}"
    )


def _document(rng: random.Random, i: int) -> str:
    name = f"svc-{i}"
    n = rng.randint(1, 9)
    roll = rng.random()
    if roll < 0.45:
        return DEPLOYMENT.format(name=name, n=n)
    if roll < 0.65:
        return SERVICE.format(name=name)
    if roll < 0.72:
        return JOB.format(name=name, n=n, backoff=rng.choice([0, 0, 3]))
    if roll < 0.77:
        return CRONJOB.format(name=name, n=n)
    if roll < 0.85:
        group, resource = rng.choice([('"batch"', "jobs"), ('"apps"', "deployments")])
        return ROLE.format(name=name, group=group, resource=resource)
    if roll < 0.95:
        return HELM.format(name=name, n=n)
    return _crd(f"widget{i}", n)


def generate(out: Path, files: int = 3000, seed: int = 7) -> None:
    rng = random.Random(seed)
    for i in range(files):
        docs = [_document(rng, i * 10 + k) for k in range(rng.choice([1, 1, 1, 2, 3]))]
        target = out / f"app{i % 50}" / f"manifest-{i}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n".join(docs), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.files, args.seed)


if __name__ == "__main__":
    main()
