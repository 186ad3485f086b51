"""How sources.yaml composes: a resolver that does nothing gives the nodes ruamel's own
composer gives (tags included), on the fixtures and on a sample of the shared corpus; the
nesting bound computed in C is the one computed a character at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.cyaml import CBaseLoader

from linter.sources import yaml as yaml_source
from linter.sources.nodes import MappingNode, Node, SequenceNode
from linter.sources.text import UndecodableError, decode


def _flat(node: Node | None) -> Iterator[tuple[object, ...]]:
    """Every node once, in document order, as what any reader of it could see."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        shared = id(current) in seen
        seen.add(id(current))
        yield (
            type(current).__name__,
            current.tag,
            current.anchor,
            getattr(current, "style", None),
            current.start_mark.index,
            current.end_mark.index,
            shared,
            None if isinstance(current, (MappingNode, SequenceNode)) else current.value,
        )
        if shared:
            continue
        if isinstance(current, MappingNode):
            stack.extend(n for pair in reversed(current.value) for n in reversed(pair))
        elif isinstance(current, SequenceNode):
            stack.extend(reversed(current.value))


def _composed(loader_class: type, text: str) -> list[object]:
    loader = loader_class(text)
    try:
        documents: list[object] = []
        while loader.check_node():
            documents.append(list(_flat(loader.get_node())))
        return documents
    except Exception as exc:  # a parser error must be the same error
        return [type(exc).__name__, str(exc)]
    finally:
        loader.dispose()


def _same_nodes(paths: list[Path]) -> None:
    assert paths
    for path in paths:
        try:
            text = decode(path.read_bytes()).text
        except UndecodableError:
            continue  # JP003's business: never composed
        for _, segment in yaml_source._segments(text):
            assert _composed(yaml_source._Loader, segment) == _composed(CBaseLoader, segment), path


def test_the_idle_resolver_composes_the_fixtures_as_ruamel_does() -> None:
    yaml_files = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml"))
    _same_nodes(yaml_files)


def test_the_idle_resolver_keeps_explicit_tags_and_default_ones() -> None:
    text = "a: !custom 1\nb: !!int 2\nc: &x [yes, 'no', {d: null}]\ne: *x\n? [k]\n: v\n"
    assert _composed(yaml_source._Loader, text) == _composed(CBaseLoader, text)


@pytest.mark.slow
def test_the_idle_resolver_composes_a_corpus_sample_as_ruamel_does(corpus: Path) -> None:
    files = sorted(corpus.rglob("*.y*ml"))
    _same_nodes(files[:: max(1, len(files) // 1500)])


def _nesting_bound_per_character(text: str, limit: int) -> int:
    """The bound as job2pod computed it before, one character at a time: the reference."""
    brackets = text.count("[") + text.count("{")
    if brackets < limit // 2 and re.search(rf"^[ \t-]{{{limit // 2},}}", text, re.M) is None:
        return brackets
    depth = flow = 0
    for ch in text:
        if ch in "[{":
            flow += 1
            depth = max(depth, flow)
        elif ch in "]}" and flow:
            flow -= 1
    block = max((len(line) - len(line.lstrip(" \t-")) for line in text.splitlines()), default=0)
    return depth + block


# Brackets, quotes, every line break str.splitlines knows, and indentation characters.
_NESTING_TEXT = st.text(
    st.sampled_from(list("[]{}'\"#:,ax -\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")), max_size=300
)


@settings(database=None, derandomize=True, deadline=None, max_examples=500)
@given(text=_NESTING_TEXT, limit=st.sampled_from([0, 2, 6, 400]))
def test_nesting_bound_is_the_per_character_one(text: str, limit: int) -> None:
    assert yaml_source._nesting_bound(text, limit) == _nesting_bound_per_character(text, limit)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("kind: Job\nspec: " + "[" * 40_000 + "]" * 40_000 + "\n", id="deep-flow"),
        pytest.param("kind: Job\n" + "- " * 40_000 + "x\n", id="deep-block"),
        pytest.param("}]" * 500 + "[{" * 300 + "]" * 700 + "{" * 10, id="unmatched-closers"),
        pytest.param(
            '{"kind": "List", "items": ['
            + ", ".join(f'{{"a": [{i}, {{"b": "[x]"}}]}}' for i in range(50_000))
            + "]}\n",
            id="large-flow",
        ),
    ],
)
def test_nesting_bound_of_deep_and_large_inputs(text: str) -> None:
    limit = yaml_source.Limits().max_depth
    assert yaml_source._nesting_bound(text, limit) == _nesting_bound_per_character(text, limit)


def _shares_a_node(text: str) -> bool | None:
    """Whether some document of `text` reaches a node twice (an alias of an anchor), or
    None when it does not compose."""
    loader = yaml_source._Loader(text)
    try:
        while loader.check_node():
            if yaml_source._shared_nodes(loader.get_node()):
                return True
    except Exception:
        return None
    finally:
        loader.dispose()
    return False


_GAP = st.sampled_from(["", " ", "  ", "\t", "\n", "\n  ", " # c\n "])
_SPACE = st.sampled_from([" ", "  ", "\t", " \t"])


@st.composite
def _aliased_texts(draw: st.DrawFn) -> str:
    """A node anchored and then aliased, in each place a node can stand, with the
    spaces, tabs, line breaks, comments and tags YAML allows around them."""
    tag = draw(st.sampled_from(["", "!t ", "!!str "]))
    # libyaml takes only [0-9A-Za-z_-] in a name (YAML 1.2 allows more, and so does the
    # check).
    name = draw(st.sampled_from(["a", "x-1", "_9", "Z"]))
    value = draw(st.sampled_from(["x", "[1, 2]", "{k: v}", '"s"', "[]"]))
    space = draw(_SPACE)
    anchored = (
        f"{tag}&{name}{space}{value}" if draw(st.booleans()) else f"&{name} {tag}{space}{value}"
    )
    gap = draw(_GAP)
    text = draw(
        st.sampled_from(
            [
                f"k:{space}{anchored}\nm:{space}*{name}\n",
                f"-{space}{anchored}\n-{space}*{name}\n",
                f"[{gap}{anchored}{gap},{gap}*{name}{gap}]",
                f"{{k:{space}{anchored},{gap}m:{space}*{name}}}",
                f'{{"k":{gap}{anchored},"m":*{name}}}',
                f"?{space}{anchored}\n:{space}y\n?{space}z\n:{space}*{name}\n",
                f"k:\n{space}- {anchored}\n{space}- [y,*{name}]\n",
            ]
        )
    )
    return draw(st.sampled_from(["", "\ufeff", "--- ", "# c\n", "%YAML 1.2\n--- "])) + text


@settings(database=None, derandomize=True, deadline=None, max_examples=1500)
@given(text=_aliased_texts())
def test_a_text_that_shares_a_node_is_never_taken_for_one_without_aliases(text: str) -> None:
    """The walks that count an alias bomb and mark shared nodes run only where the text
    has an anchor and an alias token: every text that composes with a shared node has."""
    if _shares_a_node(text):
        assert yaml_source._has_node_mark(text, "&"), text
        assert yaml_source._has_node_mark(text, "*"), text


@pytest.mark.parametrize(
    "refs",
    ["[{r}, {r}]", "[{r},{r}]", '{{"x":{r}, "y":{r}}}', "\n  - {r}\n  - {r}", "\n  ? {r}\n  : {r}"],
)
def test_an_alias_bomb_is_found_wherever_its_aliases_stand(refs: str) -> None:
    lines = ["kind: Job", 'a0: &a0 ["lol", "lol", "lol", "lol"]']
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} " + refs.format(r=f"*a{i - 1}"))
    source = yaml_source.parse("\n".join(lines) + "\n", yaml_source.Limits(max_nodes=1000))
    assert [p.kind for p in source.problems] == ["resource-limit"]
    assert source.documents == []
