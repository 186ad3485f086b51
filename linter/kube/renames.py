"""The migration's field renames (`jobName` → `podName` …) as minimal edits on YAML text.

Words are found in the source text of a scalar (masked, so template expressions are never
touched) and only the renamed word is replaced: the scalar's quoting, folding and line
breaks stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from linter.edits import yaml as yaml_edits
from linter.findings import Edit
from linter.sources import nodes
from linter.sources.nodes import Node, ScalarNode
from linter.sources.yaml import K8sObject

# Phrases of a description that speak of the renamed field's value: the Job's name.
# Only the word Job in them becomes Pod ("Name of the Job running this Task").
_NAME_PHRASES = re.compile(
    r"\b(?P<a>[Jj]ob)(?:'{1,2}s)?\s+name\b|\b[Nn]ame\s+of\s+the\s+(?P<b>[Jj]ob)\b"
)
# A column title: the word Job alone ("Job", "Job Name", "JOB").
_TITLE_WORD = re.compile(r"\b(?P<a>Job|JOB|job)\b")
_POD = {"Job": "Pod", "job": "pod", "JOB": "POD"}


def rename_scalar(obj: K8sObject, node: ScalarNode, new: str) -> Edit:
    """Replace a key's or a value's text, keeping its quotes (renamed names are
    identifiers: nothing in them needs escaping)."""
    if node.style in ("'", '"'):
        return yaml_edits.replace_scalar(obj, node, new)
    span = obj.span(node)
    # A plain name is the last thing of its span: an anchor or tag before it stays.
    start = (
        span.end - len(node.value)
        if obj.source.text.endswith(node.value, span.start, span.end)
        else span.start
    )
    return Edit(start, span.end, yaml_edits.quote_like(new, node))


def _segment_pattern(renames: Mapping[str, str]) -> re.Pattern[str]:
    """A path segment: after `.` or inside `['…']`, never a literal of a filter
    (`@.type=="jobName"`) or part of a key (`…/jobName`)."""
    names = "|".join(re.escape(n) for n in sorted(renames, key=len, reverse=True))
    return re.compile(rf"""(?:(?<=\.)|(?<=\[')|(?<=\["))(?P<a>{names})(?![\w-])""")


def _in_metadata(path: str) -> bool:
    """Labels and annotations are never renamed by the migration."""
    return path.lstrip().startswith(".metadata")


def renamed_path(path: str, renames: Mapping[str, str]) -> str:
    """A JSONPath (`.status.jobName`) with every renamed segment renamed."""
    if not renames or _in_metadata(path):
        return path
    return _segment_pattern(renames).sub(lambda m: renames[m.group("a")], path)


def path_edits(obj: K8sObject, node: Node, renames: Mapping[str, str]) -> list[Edit]:
    if not renames or _in_metadata(nodes.scalar(node) or ""):
        return []
    return _word_edits(obj, node, _segment_pattern(renames), lambda word: renames[word])


def description_edits(obj: K8sObject, node: Node | None) -> list[Edit]:
    """`Job name`, `job name`, `Job's name`, `name of the Job` → Pod, in a description."""
    return _word_edits(obj, node, _NAME_PHRASES, _POD.__getitem__)


def pod_title(title: str) -> str:
    return _TITLE_WORD.sub(lambda m: _POD[m.group("a")], title)


def title_edits(obj: K8sObject, node: Node | None) -> list[Edit]:
    """The word Job in a printer column's name (`Job` → `Pod`, `Job Name` → `Pod Name`)."""
    return _word_edits(obj, node, _TITLE_WORD, _POD.__getitem__)


def _word_edits(
    obj: K8sObject, node: Node | None, pattern: re.Pattern[str], replace: Callable[[str], str]
) -> list[Edit]:
    if not isinstance(node, ScalarNode):
        return []
    span = obj.span(node)
    edits = []
    for m in pattern.finditer(obj.source.masked.text, span.start, span.end):
        group = "a" if m.group("a") is not None else "b"
        edits.append(Edit(m.start(group), m.end(group), replace(m.group(group))))
    return edits
