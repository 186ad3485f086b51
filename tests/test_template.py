"""Helm masking keeps every offset and turns templates into YAML the parser accepts."""

from __future__ import annotations

import pytest

from linter.sources import nodes
from linter.sources.template import TEMPLATE_MARK, TemplateError, mask, unmask_message
from linter.sources.yaml import parse

M = TEMPLATE_MARK


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("name: {{ .Values.n }}\n", f"name: {M * 15}\n", id="value"),
        pytest.param("{{ .k }}: v\n", f"{M * 8}: v\n", id="key"),
        pytest.param("a: [x, {{ .y }}]\n", f"a: [x, {M * 8}]\n", id="flow-list"),
        pytest.param("  {{- if .x }}\n", "  #           \n", id="whole-line-action"),
        pytest.param("{{ if .a }}{{ end }}\r\n", "#" + " " * 19 + "\r\n", id="two-actions-crlf"),
        pytest.param('img: "{{ .r }}:{{ .t }}"\n', f'img: "{M * 8}:{M * 8}"\n', id="in-quotes"),
        pytest.param(
            "{{/* one\ntwo */}}\nk: v\n", "#       \n#       \nk: v\n", id="multi-line-comment"
        ),
        pytest.param(
            "{{- /*\n\nlicense\n*/}}\nk: v\n",
            "#     \n\n#      \n#   \nk: v\n",
            id="blank-line-inside-a-comment",
        ),
        pytest.param(
            'labels: {{- include "l" . | nindent 4 }}\n    extra: x\n',
            "labels: #" + " " * 31 + "\n    extra: x\n",
            id="value-action-rendering-a-block",
        ),
        pytest.param('x: {{ printf "}}" }}\n', f"x: {M * 17}\n", id="braces-in-go-string"),
    ],
)
def test_mask_keeps_length_and_lines(source: str, expected: str) -> None:
    masked = mask(source)
    assert masked.text == expected
    assert len(masked.text) == len(source)


def test_unterminated_action_is_an_error_at_its_offset() -> None:
    with pytest.raises(TemplateError) as info:
        mask("a: 1\nb: {{ .x\n")
    assert info.value.offset == 8


def test_placeholders_never_reach_messages() -> None:
    assert unmask_message(f"Job {M * 12} has no TTL") == "Job {{…}} has no TTL"


def test_template_values_are_unknown_not_values() -> None:
    source = parse("kind: Job\nspec:\n  backoffLimit: {{ .Values.b }}\n  x: 1\n")
    (obj,) = source.objects()
    spec = nodes.get(obj.node, "spec")
    assert nodes.is_templated(nodes.get(spec, "backoffLimit"))
    assert nodes.as_int(nodes.get(spec, "backoffLimit")) is None
    assert nodes.as_int(nodes.get(spec, "x")) == 1


def test_included_content_makes_absence_unknown() -> None:
    source = parse('kind: Job\nspec:\n  {{- include "spec" . | nindent 2 }}\n  x: 1\nother: {}\n')
    (obj,) = source.objects()
    assert obj.renders_into(*nodes.entry(obj.node, "spec"))
    assert not obj.renders_into(*nodes.entry(obj.node, "other"))
    control = parse("kind: Job\nspec:\n  {{- if .x }}\n  x: 1\n  {{- end }}\n")
    (obj,) = control.objects()
    assert not obj.renders_into(*nodes.entry(obj.node, "spec"))
    nested = parse("kind: Job\nspec:\n  sel:\n    {{- toYaml .s | nindent 4 }}\n  x: 1\n")
    (obj,) = nested.objects()
    assert not obj.renders_into(*nodes.entry(obj.node, "spec")), "it renders into sel"
    assert obj.renders_into(*nodes.entry(nodes.get(obj.node, "spec"), "sel"))
    inline = parse('kind: Job\nmetadata:\n  labels: {{- include "l" . | nindent 4 }}\n    a: b\n')
    (obj,) = inline.objects()
    assert obj.renders_into(*nodes.entry(nodes.get(obj.node, "metadata"), "labels"))


def test_positions_in_a_template_are_the_file_positions() -> None:
    text = 'kind: Role\nmetadata:\n  name: {{ include "n" . }}\nrules: []\n'
    (obj,) = parse(text).objects()
    rules = nodes.get(obj.node, "rules")
    assert text[obj.span(rules).start :].startswith("[]")


def test_braces_that_are_not_a_template_parse_as_written() -> None:
    text = "kind: Workflow\nspec:\n  args: ['{{inputs.parameters.x}}', '{{ \"a\\\" }}']\n"
    source = parse(text)
    assert source.problems == []
