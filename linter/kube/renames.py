"""The migration's field renames (`jobName` → `podName` …) as minimal edits on YAML text.

Words are found in the source text of a scalar (masked, so template expressions are never
touched) and only the renamed word is replaced: the scalar's quoting, folding and line
breaks stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from linter.edits import yaml as yaml_edits
from linter.findings import Edit
from linter.kube import extract
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
    return _pattern_edits(obj.source.masked.text, span.start, span.end, pattern, replace)


def phrase_edits(text: str, start: int, end: int) -> list[Edit]:
    """`Job name`, `name of the Job` → Pod in text[start:end] (a Go doc comment, say)."""
    return _pattern_edits(text, start, end, _NAME_PHRASES, _POD.__getitem__)


def _pattern_edits(
    text: str, start: int, end: int, pattern: re.Pattern[str], replace: Callable[[str], str]
) -> list[Edit]:
    edits = []
    for m in pattern.finditer(text, start, end):
        group = "a" if m.group("a") is not None else "b"
        edits.append(Edit(m.start(group), m.end(group), replace(m.group(group))))
    return edits


_JUNCTORS = frozenset({"anyOf", "oneOf", "allOf", "not"})
_WORD = re.compile(r"\w+")


def kept_names(obj: K8sObject, renames: Mapping[str, str]) -> set[str]:
    """Old names a rename would leave the CRD inconsistent for, so no fix renames them:
    a sibling property already has the new name, or a junctor (anyOf, oneOf, allOf, not),
    a list-map key or a CEL rule names the old one (the API server would reject the CRD,
    and rewriting CEL is a human's job). JP302 asks too: a column must not move to a field
    that is not renamed."""
    kept: set[str] = set()
    for crd_schema in extract.crd_schemas(obj):
        for prop in extract.schema_properties(crd_schema.schema):
            new = renames.get(prop.key.value)
            if new is not None and nodes.entry(nodes.get(prop.holder, "properties"), new):
                kept.add(prop.key.value)
        for _, key, value, _ in nodes.walk(crd_schema.schema):
            if key.value in _JUNCTORS or key.value == "x-kubernetes-list-map-keys":
                kept.update(n for n in _scalars(value) if n in renames)
            elif key.value == "x-kubernetes-validations":
                kept.update(
                    w for text in _scalars(value) for w in _WORD.findall(text) if w in renames
                )
    return kept


def _scalars(node: Node) -> Iterator[str]:
    """Every key and scalar value under `node`."""
    if isinstance(node, nodes.ScalarNode):
        yield node.value
    for _, key, value, _ in nodes.walk(node):
        yield key.value
        if isinstance(value, nodes.ScalarNode):
            yield value.value
    for item in nodes.items(node):
        if isinstance(item, nodes.ScalarNode):
            yield item.value


CONTROLLER_GEN = "controller-gen.kubebuilder.io/version"


def generated_by(obj: K8sObject) -> str | None:
    """What generates the CRD, from its controller-gen annotation (`controller-gen
    v0.14.0 from Go API types`): an edit of the YAML alone is undone by the next
    `make manifests`, and it must go with its source."""
    version = nodes.scalar(nodes.get(obj.node, "metadata", "annotations", CONTROLLER_GEN))
    if version is None:
        return None
    return f"controller-gen {version} from Go API types"


def generated_note(obj: K8sObject) -> str:
    source = generated_by(obj)
    if source is None:
        return ""
    return f" (the CRD is generated by {source}: rename the field there, then regenerate)"
