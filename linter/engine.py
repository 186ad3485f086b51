"""Rules and sources in, findings out.

One file at a time: size limit, prefilter on raw bytes, decode, parse, then every selected
rule whose triggers the file holds runs its check on the objects of its kinds. Whatever the
input, the result is a list of findings; input problems are JP0xx findings.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from linter.catalog import Rule
from linter.context import CheckContext
from linter.prefilter import present

# Most files of a repository stop at the prefilter: what only a file that passes it needs
# (decoding, line index, finding classes) is imported where it is used.
if TYPE_CHECKING:
    from linter.findings import Finding, ObjectId, Violation
    from linter.globs import Glob
    from linter.sources.problems import SourceProblem
    from linter.sources.python import PythonSource
    from linter.sources.text import LineIndex
    from linter.suppressions import Suppression, Suppressions

LANGUAGES = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".go": "go"}
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
# A UTF-16/32 file holds no ASCII token as bytes: it is decoded before the prefilter reads it.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Patterns, compiled when first used (and kept by re's cache): a one-file run that never
# parses or reports skips compiling them, a millisecond or two of its ~70.
_FIELD = r"\{(\w+)\}"
# `kind: Job`, `"kind": "Job"`, `{kind: Job, …}`, or `kind: {{ … }}` (a kind the scan
# cannot read). A `kind:` key with a nested value (a CRD schema's property) holds none.
_KIND = rb"""kind["']?[ \t]*:[ \t]*["']?([A-Za-z][A-Za-z0-9]*|\{\{)"""
_SUPPRESSION_MARK = b"job2pod:"
# The language a check's `check` function reads, by its TARGET; a check of a rule of several
# languages reads the others with `check_python` and `check_go`.
_TARGET_LANGUAGE = {"object": "yaml", "python": "python", "go": "go"}
PROBLEM_CHECK = "source_problem"
UNUSED_SUPPRESSION_CHECK = "unused_suppression"


def language_of(path: str) -> str | None:
    return LANGUAGES.get(os.path.splitext(path)[1].lower())


@dataclass(eq=False)
class RuleSet:
    """The selected rules, grouped the way the engine asks for them."""

    rules: Sequence[Rule]
    context: CheckContext = field(default_factory=CheckContext)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # Off only to prove the prefilters change no result (tests, benchmarks): the trigger
    # tokens and kinds in front of every parse, and the Python rules' gate on `ast`.
    prefilter: bool = True
    # Every rule job2pod knows (built-in and custom), to tell an unknown rule named in a
    # suppression from one that is merely not selected.
    catalog: Sequence[Rule] = ()
    # (glob, selectors): rules that do not apply to matching paths.
    per_file_ignores: Sequence[tuple[Glob, Sequence[str]]] = ()

    def __post_init__(self) -> None:
        self.catalog = self.catalog or self.rules
        self.suppression_rule: Rule | None = None
        self.problem_rules: dict[str, Rule] = {}
        self.object_rules: dict[str, list[Rule]] = {}
        # A language's parse problems are worth reporting in the files its rules look at:
        # the prefilter lets a file through on an object rule's or a problem rule's tokens.
        self.gates: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.check == UNUSED_SUPPRESSION_CHECK:
                self.suppression_rule = rule
            elif rule.check == PROBLEM_CHECK:
                self.problem_rules[rule.param_values["problem"]] = rule
                if rule.triggers and rule.language != "any":
                    for language in rule.languages:
                        self.gates.setdefault(language, []).append(rule)
            else:
                for language in rule.languages:
                    self.object_rules.setdefault(language, []).append(rule)
                    self.gates.setdefault(language, []).append(rule)

    def is_ignored(self, path: str, rule: Rule) -> bool:
        return any(
            glob.matches(path) and any(rule.matches(s) for s in selectors)
            for glob, selectors in self.per_file_ignores
        )

    def rules_for(self, path: str, language: str) -> list[Rule]:
        rules = self.object_rules.get(language, [])
        if not self.per_file_ignores:
            return rules
        return [r for r in rules if not self.is_ignored(path, r)]


class FileReport(NamedTuple):
    """One file's findings, and whether it was parsed (the prefilter let it through)."""

    path: str
    findings: list[Finding]
    parsed: bool


def check_bytes(
    path: str, data: bytes, ruleset: RuleSet, language: str | None = None
) -> FileReport:
    """Every finding for one file; never raises on bad input."""
    language = language or language_of(path)
    if language is None:
        return FileReport(path, [], False)
    if len(data) > ruleset.max_file_size:
        return oversized(path, len(data), ruleset)
    # UTF-16/32 (with a BOM or without) holds no ASCII token as bytes: decode it first, so
    # it is either checked or reported undecodable, never silently skipped.
    wide = data.startswith(_WIDE_BOMS) or b"\x00" in data
    gates = ruleset.gates.get(language, [])
    hit = triggered(data, gates) if ruleset.prefilter and not wide else []
    if ruleset.prefilter and not wide and not hit:
        return FileReport(path, [], False)
    from linter.sources.text import UndecodableError, decode

    try:
        text = decode(data).text
    except UndecodableError as exc:
        return FileReport(path, _problem(path, ruleset, "undecodable", str(exc)), False)
    utf8 = text.encode("utf-8", "surrogatepass") if wide else data
    if ruleset.prefilter:
        if wide:  # its tokens could only be searched for once decoded
            hit = triggered(utf8, gates)
        if not hit or (language == "yaml" and not _kinds_wanted(utf8, hit)):
            return FileReport(path, [], False)
        if language == "python" and _python_idle(text, utf8, ruleset):
            return FileReport(path, [], True)
    return FileReport(path, _check(path, text, utf8, language, ruleset), True)


def triggered(data: bytes, rules: Sequence[Rule]) -> list[Rule]:
    """The rules whose trigger tokens `data` holds; each distinct token is searched once
    at most (the Job rules share theirs), and not at all where a part it shares with other
    tokens is absent (linter.prefilter)."""
    found = present(data, {t for r in rules for t in r.triggers})
    return [r for r in rules if not r.triggers or not found.isdisjoint(r.triggers)]


def _kinds_wanted(data: bytes, triggered: Sequence[Rule]) -> bool:
    """Whether a rule the file's tokens let through looks at a kind the file holds. A line
    scan for `kind:` decides it before any YAML is parsed: a big CRD that mentions "Job"
    in a description, or a RoleBinding beside its Role's name, is not parsed for the Job
    and Role rules. A kind the scan cannot read (a template, no `kind:` at all: a patch
    file) counts as any kind. A file with a suppression comment is always parsed: an
    unused suppression is reported wherever the token prefilter lets the file through."""
    if _SUPPRESSION_MARK in data:
        return True
    held = re.findall(_KIND, data)
    if not held or b"{{" in held:
        return True
    return any(rule.applies_to(kind.decode()) for rule in triggered for kind in set(held))


def _python_idle(text: str, utf8: bytes, ruleset: RuleSet) -> bool:
    """Whether a Python file's check can only come out empty, known before its line index,
    suppressions and finding classes are made: it parses, the Python rules' gate stays
    closed on it, no migration plan lends it clients, and it holds no suppression comment
    (which could be reported unused). A file the gate opens on is parsed again by the
    check: `ast` costs little beside the LibCST that follows."""
    if ruleset.context.tree is not None or _SUPPRESSION_MARK in utf8:
        return False
    from linter.kube import python_gate

    return python_gate.closes_on(text)


def oversized(path: str, size: int, ruleset: RuleSet) -> FileReport:
    """JP004 for a file over the size limit, known from its size alone (never read)."""
    detail = f"{size:,} bytes is over the limit of {ruleset.max_file_size:,}"
    return FileReport(path, _problem(path, ruleset, "too-large", detail), False)


def check_text(path: str, text: str, ruleset: RuleSet, language: str) -> list[Finding]:
    """Findings for text already decoded (the fix loop re-checks its own output)."""
    return _check(path, text, text.encode("utf-8", "surrogatepass"), language, ruleset)


def _check(path: str, text: str, utf8: bytes, language: str, ruleset: RuleSet) -> list[Finding]:
    from linter.sources.text import LineIndex
    from linter.suppressions import Suppressions, comment_suppressions

    rules = ruleset.rules_for(path, language)
    if ruleset.prefilter:
        rules = triggered(utf8, rules)
    lines = LineIndex(text)
    suppressions = Suppressions(comment_suppressions(text, language))
    kept: list[tuple[Rule, ObjectId | None, Violation]] = []
    for rule, obj, violation, on_object in _violations(
        path, text, language, rules, ruleset, suppressions
    ):
        line = lines.position(violation.span.start).line
        if not suppressions.silences(rule, line, on_object):
            kept.append((rule, obj, violation))
    unused_rule = ruleset.suppression_rule
    if unused_rule is not None and not ruleset.is_ignored(path, unused_rule):
        ran = [*rules, *ruleset.problem_rules.values()]
        module = unused_rule.check_module()
        for suppression, reason in suppressions.unused(ran, ruleset.catalog):
            for violation in module.check(
                (suppression, reason), unused_rule.params(), ruleset.context
            ):
                kept.append((unused_rule, None, violation))
    return _findings(path, text, kept, lines)


def _problem(path: str, ruleset: RuleSet, problem: str, detail: str) -> list[Finding]:
    from linter.findings import Span, Violation

    rule = ruleset.problem_rules.get(problem)
    if rule is None:
        return []
    return _findings(path, "", [(rule, None, Violation(Span(0, 0), {"detail": detail}))])


_Hit = tuple[Rule, "ObjectId | None", "Violation", "list[Suppression]"]


def _violations(
    path: str,
    text: str,
    language: str,
    rules: list[Rule],
    ruleset: RuleSet,
    suppressions: Suppressions,
) -> Iterator[_Hit]:
    if language == "python":
        from linter.sources import python

        module = python.parse(text)
        yield from _problems(module.problems, ruleset)
        if module.problems:
            return
        module.path = path
        tree = ruleset.context.tree
        if tree is not None:
            module.planned = True
            module.imported_clients = tree.imported_clients(path)
        elif ruleset.prefilter and rules and not _python_gate_opens(module):
            return  # no Python rule can find anything here: LibCST is never imported
        for rule in rules:
            check = check_function(rule.check_module(), language)
            for violation in check(module, rule.params(), ruleset.context):
                yield rule, violation.obj, violation, []
        return
    if language == "go":
        yield from _go_violations(path, text, rules, ruleset)
        return
    from linter.sources.yaml import parse
    from linter.suppressions import annotation_suppressions

    source = parse(text)
    source.path = path
    yield from _problems(source.problems, ruleset)
    for obj in source.objects():
        identity = None
        annotations = annotation_suppressions(obj)
        suppressions.annotations.extend(annotations)
        for rule in rules:
            if not rule.applies_to(obj.kind):
                continue
            for violation in rule.check_module().check(obj, rule.params(), ruleset.context):
                identity = identity or obj.identity
                yield rule, identity, violation, annotations


def _python_gate_opens(module: PythonSource) -> bool:
    from linter.kube import python_gate

    return module.syntax is None or python_gate.opens(module.syntax)


def _go_violations(path: str, text: str, rules: list[Rule], ruleset: RuleSet) -> Iterator[_Hit]:
    """A Go file that does not parse is reported and its rules stay silent. Generated code
    (zz_generated.deepcopy.go) takes renames only: the other rewrites belong in its source."""
    from dataclasses import replace

    from linter.sources import go

    source = go.parse(text)
    yield from _problems(source.problems, ruleset)
    if source.problems:
        return
    generated = source.generated or os.path.basename(path).startswith("zz_generated")
    for rule in rules:
        module = rule.check_module()
        check = check_function(module, "go")
        renames = getattr(module, "RENAMES", False)
        for violation in check(source, rule.params(), ruleset.context):
            if generated and violation.fix is not None and not renames:
                violation = replace(violation, fix=None)
            yield rule, violation.obj, violation, []


def check_function(module: ModuleType, language: str) -> Callable[..., Iterator[Violation]]:
    """A check's `check` for the language of its TARGET, `check_<language>` for another."""
    if _TARGET_LANGUAGE.get(module.TARGET) == language:
        return module.check  # type: ignore[no-any-return]
    return getattr(module, f"check_{language}")  # type: ignore[no-any-return]


def _problems(problems: list[SourceProblem], ruleset: RuleSet) -> Iterator[_Hit]:
    from linter.findings import Violation

    for problem in problems:
        rule = ruleset.problem_rules.get(problem.kind)
        if rule is not None:
            yield rule, None, Violation(problem.span, {"detail": problem.detail}), []


def _findings(
    path: str,
    text: str,
    violations: list[tuple[Rule, ObjectId | None, Violation]],
    lines: LineIndex | None = None,
) -> list[Finding]:
    from linter.findings import Finding
    from linter.repository import relative_path
    from linter.sources.text import LineIndex

    lines = lines or LineIndex(text)
    # Named as from the repository root: a run from a subdirectory, or with absolute
    # paths, gives the same fingerprints (and baselines) as one from the top.
    anchored = relative_path(path) if violations else path
    seen: Counter[tuple[str, str, str]] = Counter()
    findings = []
    for rule, obj, violation in sorted(violations, key=lambda v: (v[2].span.start, v[0].id)):
        span = violation.span
        message = format_message(rule.message, violation.args)
        # The flagged text and the message are the finding's own content: the same
        # grant with other verbs is another finding; the same one lines lower is not.
        content = " ".join(text[span.start : span.end].split()) + "\0" + message
        key = (rule.id, str(obj or ""), content)
        occurrence = seen[key]
        seen[key] += 1
        findings.append(
            Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                severity=rule.severity,
                path=path,
                start=lines.position(span.start),
                end=lines.position(span.end),
                message=message,
                span=span,
                obj=obj,
                fix=violation.fix,
                fingerprint=fingerprint(rule.id, anchored, obj, content, occurrence),
            )
        )
    return findings


def format_message(template: str, args: Mapping[str, object]) -> str:
    from linter.sources.template import unmask_message

    def field_value(m: re.Match[str]) -> str:
        value = args.get(m.group(1))
        if value is None:
            return m.group(0)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)

    return unmask_message(re.sub(_FIELD, field_value, template))


def fingerprint(
    rule_id: str, path: str, obj: ObjectId | None, content: str, occurrence: int
) -> str:
    """Stable across unrelated line moves: rule, file (relative to the repository root),
    object and the finding's content."""
    import hashlib

    digest = hashlib.sha256()
    for part in (rule_id, path, str(obj) if obj else "", content, str(occurrence)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]
