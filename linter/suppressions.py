"""Suppressions: `# job2pod: ignore[...]` comments and the `job2pod.dev/ignore` annotation.

A comment at the end of a line silences findings that start on that line; a comment alone
on its line silences the line below; `# job2pod: ignore-file[...]` silences the whole
file. Selectors are ids, id prefixes or rule names, as for --select. The annotation on an
object's metadata (and, for Jobs, on the pod template's metadata) silences findings on
that object. A suppression that silenced nothing is reported (JP010) so none of them rot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from linter.catalog import Rule
from linter.findings import Edit, Span

if TYPE_CHECKING:
    from linter.sources.yaml import K8sObject

ANNOTATION = "job2pod.dev/ignore"
# `#` in YAML and Python, `//` in Go.
_COMMENT = re.compile(r"(?:#|//)\s*job2pod:\s*(ignore|ignore-file)\[([^\]\r\n]*)\]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")


@dataclass
class Suppression:
    selectors: list[str]
    span: Span
    removal: Edit
    lines: frozenset[int] = frozenset()
    file_wide: bool = False
    used: bool = False
    text: str = ""

    def covers(self, rule: Rule, line: int) -> bool:
        if not (self.file_wide or line in self.lines):
            return False
        return any(rule.matches(s) for s in self.selectors)


def selectors(raw: str) -> list[str]:
    return [s.strip() for s in raw.split(",") if s.strip()]


def comment_suppressions(text: str, language: str = "yaml") -> list[Suppression]:
    """Every suppression comment of a YAML, Python or Go file. In Python, only comments:
    the same text in a string or a docstring (documentation of the syntax, a test's
    input) neither suppresses nor is reported."""
    if "job2pod:" not in text:
        return []
    physical = [m for m in _LINE.finditer(text) if m.group()]
    comments = _python_comments(physical) if language == "python" else None
    found = []
    for number, m in enumerate(physical, start=1):
        line = m.group()
        comment = _COMMENT.search(line)
        if comment is None:
            continue
        if comments is not None and not _in_comment(comments, number, comment.start()):
            continue
        start = m.start() + comment.start()
        end = m.start() + comment.end()
        body = line.rstrip("\r\n")
        alone = not body[: comment.start()].strip()
        if alone:
            removal = Edit(m.start(), m.end(), "")
            lines = frozenset({number + 1})
        else:
            before = body[: comment.start()]
            cut = m.start() + len(before.rstrip())
            removal = Edit(cut, m.start() + len(body), "")
            lines = frozenset({number})
        found.append(
            Suppression(
                selectors=selectors(comment.group(2)),
                span=Span(start, end),
                removal=removal,
                lines=lines,
                file_wide=comment.group(1) == "ignore-file",
                text=comment.group(),
            )
        )
    return found


def _python_comments(lines: list[re.Match[str]]) -> dict[int, int]:
    """Line number to the column where its comment starts. Past a point the tokenizer
    cannot read (a syntax error), every line counts as a comment, as before Python was
    tokenized: JP002 is what such a file reports."""
    import tokenize

    starts: dict[int, int] = {}
    read = 0
    readline = iter(m.group() for m in lines).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            read = token.end[0]
            if token.type == tokenize.COMMENT:
                starts[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        starts.update({n: 0 for n in range(read + 1, len(lines) + 1)})
    return starts


def _in_comment(comments: dict[int, int], line: int, column: int) -> bool:
    start = comments.get(line)
    return start is not None and column >= start


@dataclass
class Suppressions:
    """The suppressions of one file and of the object being checked."""

    comments: list[Suppression] = field(default_factory=list)
    annotations: list[Suppression] = field(default_factory=list)

    def silences(self, rule: Rule, line: int, annotations: Iterable[Suppression] = ()) -> bool:
        hit = False
        for annotation in annotations:
            if any(rule.matches(s) for s in annotation.selectors):
                annotation.used = True
                hit = True
        for suppression in self.comments:
            if suppression.covers(rule, line):
                suppression.used = True
                hit = True
        return hit

    def unused(self, ran: Iterable[Rule], known: Iterable[Rule]) -> list[tuple[Suppression, str]]:
        """Unused suppressions whose every selector names rules that ran on this file (an
        ignore for a rule that was not run may be needed by another configuration)."""
        ran_rules = list(ran)
        known_rules = list(known)
        result = []
        for suppression in [*self.comments, *self.annotations]:
            if suppression.used:
                continue
            unknown = [
                s for s in suppression.selectors if not any(r.matches(s) for r in known_rules)
            ]
            if unknown:
                result.append((suppression, f"unknown rule '{unknown[0]}'"))
            elif suppression.selectors and all(
                any(r.matches(s) for r in ran_rules) for s in suppression.selectors
            ):
                result.append((suppression, "it suppresses nothing"))
            elif not suppression.selectors:
                result.append((suppression, "it names no rule"))
        return result


def annotation_suppressions(obj: K8sObject) -> list[Suppression]:
    """`job2pod.dev/ignore` on the object's metadata and, for Jobs and CronJobs, on the
    pod template's metadata (where Helm charts often put their annotations)."""
    from linter.edits import yaml as yaml_edits
    from linter.kube import extract
    from linter.sources import nodes

    metadatas = [nodes.get(obj.node, "metadata")]
    parts = extract.job_parts(obj)
    if parts is not None:
        metadatas.append(parts.template_metadata)
    found = []
    for metadata in metadatas:
        annotations = nodes.get(metadata, "annotations")
        pair = nodes.entry(annotations, ANNOTATION)
        if pair is None:
            continue
        key, value = pair
        raw = nodes.scalar(value)
        holder = nodes.entry(metadata, "annotations")
        if (
            metadata is not None
            and holder is not None
            and len(list(nodes.entries(annotations))) == 1
        ):
            # The only annotation: `annotations:` goes with it rather than stay null.
            removal = yaml_edits.remove_entry(obj, metadata, holder[0])
        else:
            removal = yaml_edits.remove_entry(obj, annotations, key) if annotations else None
        span = obj.pair_span(key, value)
        found.append(
            Suppression(
                selectors=selectors(raw or ""),
                span=span,
                removal=removal or Edit(span.start, span.start, ""),
                text=f"{ANNOTATION}: {raw}",
            )
        )
    return found
