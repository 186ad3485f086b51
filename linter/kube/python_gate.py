"""The gate in front of the Python rules: whether they can find anything in a file, read
from the `ast` tree that decided the file parses, before LibCST is imported or run.

Every Python rule reads only files that import a Kubernetes client library or kopf, with
two exceptions: Jobs written as dict manifests (`{"kind": "Job", …}`: JP503, JP508, and
JP507 counts them as handling Jobs), and JP507's files that import a Job status model by
name from anywhere. A file with none of these gets no Python finding, so the gate is exact:
it opens on a superset of what the rules' own (LibCST) reading would accept. A file checked
inside a migration plan is not gated (the plan's tree may lend it clients and renames).
"""

from __future__ import annotations

import ast
import warnings

# The official client and its asyncio port share the same module layout and names.
CLIENT_LIBRARIES = ("kubernetes", "kubernetes_asyncio")
# Found and reported, never rewritten: their APIs do not map one to one.
OTHER_LIBRARIES = ("lightkube", "kr8s")
KUBERNETES_LIBRARIES = frozenset({*CLIENT_LIBRARIES, *OTHER_LIBRARIES, "kopf"})
# Importing one of these by name says a file handles Jobs, whatever the module (JP507).
JOB_STATUS_MODELS = frozenset({"V1Job", "V1JobStatus", "V1JobCondition"})


def closes_on(text: str) -> bool:
    """Whether `text` parses and no Python rule can find anything in it (a file that does
    not parse is the parse's to report)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the linted code's invalid escapes and such
            tree = ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return not opens(tree)


def opens(tree: ast.Module) -> bool:
    """Whether a Python rule may find something in the file `tree` was parsed from."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(_names_gated(alias.name) for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            # Relative imports name the user's own modules: the rules leave them out too.
            if node.level == 0 and (node.module or "").split(".")[0] in KUBERNETES_LIBRARIES:
                return True
            if any(alias.name in JOB_STATUS_MODELS for alias in node.names):
                return True
        elif isinstance(node, ast.Dict) and _is_job_manifest(node):
            return True
    return False


def _names_gated(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[0] in KUBERNETES_LIBRARIES or not JOB_STATUS_MODELS.isdisjoint(parts)


def _is_job_manifest(node: ast.Dict) -> bool:
    return any(
        isinstance(key, ast.Constant)
        and key.value == "kind"
        and isinstance(value, ast.Constant)
        and value.value == "Job"
        for key, value in zip(node.keys, node.values, strict=True)
    )
