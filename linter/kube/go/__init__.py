"""Kubernetes knowledge of Go controllers (kubebuilder, controller-runtime, client-go):
which packages and names are the Job API, what a Job literal holds, which values hold a
Job, and what the kubebuilder markers say. Read from tree-sitter trees
(linter/sources/go.py); edits are made in linter/edits/go.py."""
