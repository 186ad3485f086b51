"""Manifests several test modules check: small, realistic, each firing known rules."""

from __future__ import annotations

# JP101: a namespaced Role that grants create on batch Jobs (the finding is at 7:17).
ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [create]
"""
# A Job that stays a Job (parallelism, OnFailure): JP202, JP203 (both safe fixes), JP204.
KEPT_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  parallelism: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: report
          image: registry.example.dev/report:1.4
"""
# A thin wrapper around one Pod (JP201, an unsafe rewrite) and JP204.
THIN_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: task
          image: registry.example.dev/task:2.0
"""
