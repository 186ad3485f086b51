"""YAML text to documents of composed nodes and the Kubernetes objects they hold.

Documents are split at their `---` markers and composed one by one, so a broken document
is a finding at the parser's position while the others are still checked. Nodes are
composed, never constructed (no tags run, no aliases expanded), with ruamel.yaml's C parser
when it is installed; marks give each node its exact start and end offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ruamel.yaml.resolver import BaseResolver

from linter.findings import ObjectId, Span
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.sources.problems import SourceProblem
from linter.sources.template import MaskedText, TemplateError, has_template, mask

try:
    from ruamel.yaml.cyaml import CBaseLoader as _Composer
except ImportError:  # pragma: no cover - platforms without ruamel.yaml.clib
    from ruamel.yaml.loader import BaseLoader as _Composer  # type: ignore[assignment]

# The tag BaseResolver gives a node of each kind that has none of its own.
_DEFAULT_TAG = {
    ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
    SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
    MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
}


class _Loader(_Composer):
    """The composer with a resolver that does nothing: job2pod never reads a node's tag
    (a scalar is its text and style), and BaseResolver, which knows no implicit or path
    resolvers, would give every untagged node its kind's default tag anyway, after a
    Python call or three per node."""

    def resolve(self, kind: type[Node], value: object, implicit: object) -> object:
        return _DEFAULT_TAG[kind]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")
_DOC_START = re.compile(r"^(?:%[^\r\n]*(?:\r\n|\r|\n))*---(?=[ \t\r\n]|\Z)", re.M)


@dataclass(frozen=True)
class Limits:
    max_depth: int = 400
    max_nodes: int = 1_000_000


@dataclass
class YamlDocument:
    index: int
    base: int
    root: Node | None


@dataclass
class YamlSource:
    text: str
    masked: MaskedText
    documents: list[YamlDocument] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    # Spans of anchored nodes that an alias refers to: a fix must not edit them, since the
    # edit would change every place the alias stands.
    shared: list[Span] = field(default_factory=list)
    # The file as findings name it (set by the engine; checks of a migration ask the plan
    # about it).
    path: str = ""

    @property
    def is_template(self) -> bool:
        return bool(self.masked.regions)

    def objects(self) -> Iterator[K8sObject]:
        for doc in self.documents:
            yield from _objects_in(self, doc, doc.root)


@dataclass(frozen=True)
class K8sObject:
    """A Kubernetes object (or a JSON patch: kind `JSONPatch`) inside a YAML document."""

    source: YamlSource
    document: YamlDocument
    node: Node
    kind: str | None
    api_version: str | None

    @property
    def identity(self) -> ObjectId:
        meta = nodes.get(self.node, "metadata")
        return ObjectId(
            api_version=self.api_version,
            kind=self.kind,
            namespace=_identity_text(nodes.get(meta, "namespace")),
            name=_identity_text(nodes.get(meta, "name")),
        )

    def span(self, node: Node) -> Span:
        base = self.document.base
        return Span(base + node.start_mark.index, base + node.end_mark.index)

    def pair_span(self, key: Node, value: Node) -> Span:
        """From the key to the end of its value: the whole `key: value` entry."""
        base = self.document.base
        return Span(base + key.start_mark.index, base + value.end_mark.index)

    def renders_into(self, key: Node | None, value: Node) -> bool:
        """Whether a template renders keys straight into the mapping `value` (held by
        `key`; None for a root): a key absent from it is then unknown, not missing. An
        include nested deeper (inside nodeSelector, say) does not count."""
        masked = self.source.masked
        if not masked.injections and not masked.value_injections:
            return False
        text = masked.text
        span = self.pair_span(key, value) if key is not None else self.span(value)
        key_line_end = text.find("\n", span.start)
        for start, _ in masked.value_injections:
            if span.start <= start < (key_line_end if key_line_end != -1 else len(text)):
                return True
        first_child = value.value[0][0] if isinstance(value, MappingNode) and value.value else None
        if first_child is not None:
            child_column = self._column(first_child)
            return any(
                span.start <= start < span.end and self._offset_column(start) == child_column
                for start, _ in masked.injections
            )
        # An empty value: what follows, indented deeper than the key, is the value.
        key_column = self._column(key) if key is not None else -1
        starts = {start for start, _ in masked.injections}
        for line in _LINE.finditer(text, span.end):
            body = line.group().rstrip("\r\n")
            if not line.group():
                break
            column = len(body) - len(body.lstrip(" "))
            if line.start() + column in starts and column > key_column:
                return True
            if body.strip() and not body.lstrip().startswith("#") and column <= key_column:
                break
        return False

    def _column(self, node: Node) -> int:
        return self._offset_column(self.span(node).start)

    def _offset_column(self, offset: int) -> int:
        text = self.source.masked.text
        return offset - (max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1)

    def source_text(self, node: Node) -> str:
        span = self.span(node)
        return self.source.text[span.start : span.end]


def _identity_text(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and nodes.is_templated(node):
        return "{{…}}"
    return nodes.scalar(node)


def _objects_in(source: YamlSource, doc: YamlDocument, root: Node | None) -> Iterator[K8sObject]:
    if isinstance(root, MappingNode):
        kind = nodes.scalar(nodes.get(root, "kind"))
        api_version = nodes.scalar(nodes.get(root, "apiVersion"))
        if kind is None and api_version is None:
            return
        yield K8sObject(source, doc, root, kind, api_version)
        if kind is not None and kind.endswith("List"):
            for item in nodes.items(nodes.get(root, "items")):
                yield from _objects_in(source, doc, item)
    elif isinstance(root, SequenceNode) and _is_json_patch(root):
        yield K8sObject(source, doc, root, "JSONPatch", None)


def _is_json_patch(root: SequenceNode) -> bool:
    ops = root.value
    return bool(ops) and all(
        nodes.get(op, "op") is not None and nodes.get(op, "path") is not None for op in ops
    )


def parse(text: str, limits: Limits = Limits()) -> YamlSource:
    """Compose every document of `text`; problems become SourceProblems, never exceptions."""
    try:
        masked = mask(text) if has_template(text) else MaskedText(text, ())
    except TemplateError as exc:
        masked = MaskedText(text, ())
        template_error: TemplateError | None = exc
    else:
        template_error = None
    source = YamlSource(text, masked)
    depth = _nesting_bound(masked.text, limits.max_depth)
    if depth > limits.max_depth:
        source.problems.append(
            SourceProblem(
                "resource-limit",
                Span(0, 0),
                f"nesting deeper than {limits.max_depth} levels; the file was not parsed",
            )
        )
        return source
    for base, segment in _segments(masked.text):
        _compose_segment(source, base, segment, limits)
    if source.is_template and any(p.kind == "yaml-syntax" for p in source.problems):
        # `{{` in a file that is not a Go template (an Argo or Jinja string, say): if the
        # plain text parses, it was never a template.
        plain = YamlSource(text, MaskedText(text, ()))
        for base, segment in _segments(text):
            _compose_segment(plain, base, segment, limits)
        if not plain.problems:
            return plain
    if template_error is not None and any(p.kind == "yaml-syntax" for p in source.problems):
        # The unmasked text does not parse either: report the template, not YAML noise.
        source.problems[:] = [p for p in source.problems if p.kind != "yaml-syntax"]
        at = Span(template_error.offset, template_error.offset + 2)
        source.problems.append(SourceProblem("yaml-syntax", at, str(template_error)))
    return source


def _segments(text: str) -> Iterator[tuple[int, str]]:
    starts = [m.start() for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        yield start, text[start:end]


def _compose_segment(source: YamlSource, base: int, segment: str, limits: Limits) -> None:
    loader = _Loader(segment)
    aliased = _has_node_mark(segment, "&") and _has_node_mark(segment, "*")
    try:
        while loader.check_node():
            root = loader.get_node()
            doc = YamlDocument(len(source.documents), base, root)
            if aliased and _expanded_size(root, limits.max_nodes) > limits.max_nodes:
                source.problems.append(
                    SourceProblem(
                        "resource-limit",
                        Span(base + root.start_mark.index, base + root.start_mark.index),
                        f"aliases expand to more than {limits.max_nodes} nodes; "
                        "the document was not checked",
                    )
                )
                continue
            source.documents.append(doc)
            if aliased:
                source.shared.extend(
                    Span(base + n.start_mark.index, base + n.end_mark.index)
                    for n in _shared_nodes(root)
                )
    except Exception as exc:  # any parser failure is a finding, never a crash
        source.problems.append(_syntax_problem(source, base, segment, exc))
    finally:
        _dispose(loader)


def _has_node_mark(text: str, mark: str) -> bool:
    """Whether `mark` (`&`, an anchor's; `*`, an alias's) stands where a node can start
    (at the start, after a space, a flow collection's `[`, `{`, `,`, or the `:` after a
    quoted flow key) before a name's first character (not a space or flow indicator).
    Without an anchor and an alias no node is shared, and the walks that count and mark
    shared nodes are skipped; a shell `&&` or a Markdown `*` only costs those walks. A
    loop over the marks, not a regex: one that looks behind each character ran at 30 MB/s."""
    at = text.find(mark)
    while at != -1:
        before = text[at - 1] if at else " "
        after = text[at + 1 : at + 2]
        if (before.isspace() or before in "[{,:\ufeff") and after.strip() and after not in "[]{},":
            return True
        at = text.find(mark, at + 1)
    return False


def _dispose(loader: object) -> None:
    dispose = getattr(loader, "dispose", None)
    if dispose is not None:
        dispose()


def _syntax_problem(source: YamlSource, base: int, segment: str, exc: Exception) -> SourceProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    offset = base + (mark.index if mark is not None else 0)
    offset = min(offset, len(source.text))
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        detail = f"{problem} ({context})" if context else str(problem)
    else:
        detail = f"the YAML parser failed: {type(exc).__name__}"
    if source.is_template and source.masked.text[offset : offset + 1] in ("\ue000", "#"):
        detail += "; the Helm template around it is too irregular to lint in place"
    elif source.is_template:
        detail += " (in a Helm template, linted with its {{ }} expressions masked)"
    return SourceProblem("yaml-syntax", Span(offset, offset), detail)


def _expanded_size(root: Node, limit: int) -> int:
    """Node count with every alias expanded, computed once per shared node."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        children = _children(node)
        if done:
            total = 1 + sum(sizes[id(c)] for c in children)
            sizes[key] = total
            if total > limit:
                return total
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _shared_nodes(root: Node) -> list[Node]:
    """Nodes reached more than once: anchors that aliases point at."""
    seen: set[int] = set()
    shared: dict[int, Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared[id(node)] = node
            continue
        seen.add(id(node))
        stack.extend(_children(node))
    return list(shared.values())


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


# A text's brackets, picked out of its UTF-8 bytes by C: an opener becomes 1, a closer 0
# (no other byte is a bracket, multi-byte characters being all above 0x7f).
_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\x00\x00")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[{]}")))
# After a line break of `str.splitlines()`, what `str.lstrip(" \t-")` strips off the line.
_INDENT = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]([ \t-]*)")


def _nesting_bound(text: str, limit: int) -> int:
    """An upper bound of the nesting depth, exact enough to keep the C composer's
    recursion (which crashes the interpreter past a few thousand levels) away from hostile
    input. Cheap for ordinary files: two counts and one regex; for the others one pass of
    C over the text and a loop over its brackets only."""
    brackets = text.count("[") + text.count("{")
    half = limit // 2
    block = re.search(rf"^[ \t-]{{{half},}}", text, re.M)
    if brackets < half and block is None:
        return brackets
    return _flow_depth(text) + max(map(len, _INDENT.findall("\n" + text)))


def _flow_depth(text: str) -> int:
    """The deepest nesting of `[`/`{`, quoted or not; a closer with nothing open is
    ignored. The loop runs over the brackets alone (a tenth of a big JSON file, say)."""
    depth = flow = 0
    for opens in text.encode("utf-8", "surrogatepass").translate(_BRACKETS, _NOT_BRACKETS):
        if opens:
            flow += 1
            if flow > depth:
                depth = flow
        elif flow:
            flow -= 1
    return depth
