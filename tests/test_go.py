"""Go sources: tree-sitter spans as str offsets, import aliases, literal values, gofmt-clean
edits, import tidying, the prefilter, and every Go fixture and rewrite passing gofmt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from linter.catalog import builtin_rules
from linter.edits import go as go_edits
from linter.engine import RuleSet, check_bytes
from linter.fixes import fix_text
from linter.kube.go import api
from linter.sources import go

GOFMT = shutil.which("gofmt")
needs_gofmt = pytest.mark.skipif(GOFMT is None, reason="gofmt is not installed")
# Broken on purpose: JP006's bad fixtures.
GO_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*.go") if not (p.parent.name == "JP006" and p.name.startswith("bad"))
)


def _gofmt_listed(paths: list[Path], tmp_path: Path) -> list[str]:
    """The files `gofmt -l` lists, CRLF files compared as LF (gofmt writes LF)."""
    copies = []
    for index, path in enumerate(paths):
        copy = tmp_path / f"{index}_{path.name}"
        copy.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
        copies.append(copy)
    assert GOFMT is not None
    out = subprocess.run([GOFMT, "-l", *map(str, copies)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    names = {str(c): str(p) for c, p in zip(copies, paths, strict=True)}
    return [names[line] for line in out.stdout.splitlines()]


@needs_gofmt
def test_every_go_fixture_and_rewrite_is_gofmt_clean(tmp_path: Path) -> None:
    assert GO_FIXTURES
    assert _gofmt_listed(GO_FIXTURES, tmp_path) == []


@pytest.mark.parametrize("path", GO_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_go_fixture_parses_without_error_nodes(path: Path) -> None:
    assert go.parse(path.read_bytes().decode("utf-8")).problems == []


def test_spans_are_str_offsets_past_non_ascii_text_and_crlf() -> None:
    text = 'package p\r\n\r\n// « tâche » 🚀\r\nvar s = "ü"\r\nvar jobName = 1\r\n'
    source = go.parse(text)
    names = [n for n in go.walk(source.root) if n.type == "identifier"]
    assert [source.code(n) for n in names] == ["s", "jobName"]
    span = source.span(names[1])
    assert text[span.start : span.end] == "jobName"


def test_import_aliases_named_plain_dot_blank_and_versioned() -> None:
    source = go.parse(
        "package p\n\nimport (\n"
        '\tbatchv1 "k8s.io/api/batch/v1"\n'
        '\t"k8s.io/api/core/v1"\n'
        '\t. "k8s.io/utils/ptr"\n'
        '\t_ "embed"\n'
        '\t"github.com/example/task-client/v2"\n'
        '\t"gopkg.in/yaml.v3"\n'
        ")\n"
    )
    assert source.imports == {
        "batchv1": "k8s.io/api/batch/v1",
        "v1": "k8s.io/api/core/v1",
        "task_client": "github.com/example/task-client/v2",
        "yaml": "gopkg.in/yaml.v3",
    }
    assert source.dot_imports == ("k8s.io/utils/ptr",)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("ptr.To[int32](0)", 0),
        ("ptr.To(int32(3))", 3),
        ("pointer.Int32Ptr(2)", 2),
        ("int32Ptr(0)", 0),
        ("&zero", 0),
        ("&limit", 4),
        ("corev1.RestartPolicyNever", "Never"),
        ('"OnFailure"', "OnFailure"),
        ("ptr.To(batchv1.IndexedCompletion)", "Indexed"),
        ("retries(task)", None),
        ("&task.Spec.Retries", None),
    ],
)
def test_literal_values_through_helpers_locals_and_constants(
    expression: str, value: object
) -> None:
    source = go.parse(
        "package p\n\nimport (\n"
        '\tbatchv1 "k8s.io/api/batch/v1"\n\tcorev1 "k8s.io/api/core/v1"\n'
        '\t"k8s.io/utils/pointer"\n\t"k8s.io/utils/ptr"\n)\n\n'
        "const limit int32 = 4\n\n"
        "func int32Ptr(i int32) *int32 { return &i }\n\n"
        f"func f() {{\n\tzero := int32(0)\n\t_ = {expression}\n}}\n"
    )
    assert source.problems == []
    statement = [n for n in go.walk(source.root) if n.type == "assignment_statement"][-1]
    right = statement.child_by_field_name("right")
    assert right is not None
    assert api.Values(source).literal(right.named_children[0]) == value


def test_realigned_gives_gofmt_alignment_of_keyed_elements() -> None:
    fragment = (
        "T{\n\tName: n,\n\tNamespace:  ns,\n\tLabels: l, // all\n\tX: y,      // of them\n\n"
        "\tSpec: S{\n\t\tA: 1,\n\t\tLonger: 2,\n\t},\n\tZ: z,\n}"
    )
    assert go_edits.realigned(fragment) == (
        "T{\n\tName:      n,\n\tNamespace: ns,\n\tLabels:    l, // all\n\tX:         y, // of them\n\n"
        "\tSpec: S{\n\t\tA:      1,\n\t\tLonger: 2,\n\t},\n\tZ: z,\n}"
    )


@needs_gofmt
def test_realigned_agrees_with_gofmt(tmp_path: Path) -> None:
    fragment = (
        "&corev1.Pod{\n\tObjectMeta: metav1.ObjectMeta{\n\t\tName: n,\n\t\tGenerateName:   g, // x\n"
        "\t\t// a comment breaks the section\n\t\tLabels:    l,\n\t\tAnnotations: a,\n\t},\n"
        "\tSpec: corev1.PodSpec{ActiveDeadlineSeconds: d, RestartPolicy: corev1.RestartPolicyNever},\n}"
    )
    path = tmp_path / "aligned.go"
    path.write_text(f"package p\n\nvar pod = {go_edits.realigned(fragment)}\n", encoding="utf-8")
    assert _gofmt_listed([path], tmp_path) == []


def test_add_import_lands_sorted_in_the_nearest_group() -> None:
    text = (
        'package p\n\nimport (\n\t"context"\n\n\tbatchv1 "k8s.io/api/batch/v1"\n'
        '\tmetav1 "k8s.io/apimachinery/pkg/apis/meta/v1"\n\n\t"example.dev/tasks/api"\n)\n'
    )
    source = go.parse(text)
    edits = go_edits.add_import(source, api.CORE_V1, "corev1")
    assert go_edits.apply_within(text, 0, edits) == text.replace(
        '\tmetav1 "k8s', '\tcorev1 "k8s.io/api/core/v1"\n\tmetav1 "k8s'
    )


def test_tidied_removes_only_imports_a_fix_left_unused() -> None:
    before = (
        'package p\n\nimport (\n\tbatchv1 "k8s.io/api/batch/v1"\n\tcorev1 "k8s.io/api/core/v1"\n'
        '\t"unused.example/pkg"\n)\n\nvar j batchv1.Job\nvar c corev1.Pod\n'
    )
    after = before.replace("batchv1.Job", "corev1.Pod")
    tidied = go_edits.tidied(before, after)
    assert '"k8s.io/api/batch/v1"' not in tidied
    # Unused before the fix too: not the fix's business.
    assert '"unused.example/pkg"' in tidied
    assert go.parse(tidied).problems == []


def _ruleset(*ids: str) -> RuleSet:
    rules = [r for r in builtin_rules() if r.id in ids]
    return RuleSet(rules, catalog=builtin_rules())


def test_a_go_file_without_trigger_tokens_is_not_parsed() -> None:
    data = b'package util\n\nimport "strings"\n\nfunc Upper(s string) string { return strings.ToUpper(s) }\n'
    report = check_bytes("util.go", data, RuleSet(list(builtin_rules())))
    assert report == ("util.go", [], False)
    job = b'package c\n\nimport batchv1 "k8s.io/api/batch/v1"\n\nvar j batchv1.Job\n'
    assert check_bytes("c.go", job, RuleSet(list(builtin_rules()))).parsed


def test_a_file_that_does_not_parse_gets_jp006_and_no_go_rule_runs() -> None:
    data = FIXTURES.joinpath("JP006", "bad.go").read_bytes()
    findings = check_bytes("bad.go", data, RuleSet(list(builtin_rules()))).findings
    assert [f.rule_id for f in findings] == ["JP006"]


def test_a_crlf_file_is_rewritten_with_crlf_kept() -> None:
    text = FIXTURES.joinpath("JP604", "bad.go").read_text(encoding="utf-8").replace("\n", "\r\n")
    result = fix_text("bad.go", text, _ruleset("JP604"), "go", unsafe=True)
    assert result.changed and result.rejected == []
    assert "\n" not in result.fixed.replace("\r\n", "")
    expected = FIXTURES.joinpath("JP604", "bad.fixed.go").read_text(encoding="utf-8")
    assert result.fixed == expected.replace("\n", "\r\n")


def test_the_last_job_use_rewritten_in_one_pass_takes_its_import_along() -> None:
    """Two fixes of one pass remove the last two uses of batchv1: neither alone could."""
    text = (
        'package c\n\nimport (\n\tbatchv1 "k8s.io/api/batch/v1"\n\tcorev1 "k8s.io/api/core/v1"\n'
        '\tctrl "sigs.k8s.io/controller-runtime"\n)\n\n'
        "func setup(mgr ctrl.Manager, r *R) error {\n"
        "\treturn ctrl.NewControllerManagedBy(mgr).For(&T{}).Owns(&batchv1.Job{}).Watches(&batchv1.Job{}, h).Complete(r)\n"
        "}\n\nvar _ corev1.Pod\n"
    )
    result = fix_text("c.go", text, _ruleset("JP605"), "go", unsafe=True)
    assert "batchv1" not in result.fixed
    assert go.parse(result.fixed).problems == []


@pytest.mark.parametrize(
    ("body", "parsed"),
    [
        ("func Add(a, b int) int { return a + b }\n", False),
        ('import batchv1 "k8s.io/api/batch/v1"\n\nvar j batchv1.Job\n', True),
    ],
    ids=["no-trigger", "batch-import"],
)
def test_tree_sitter_is_imported_only_for_go_files_past_the_prefilter(
    tmp_path: Path, body: str, parsed: bool
) -> None:
    path = tmp_path / "file.go"
    path.write_text(f"package util\n\n{body}")
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('tree_sitter' in sys.modules, file=sys.stderr))\n"
        "from linter.cli import main\n"
        f"sys.argv = ['job2pod', 'check', '--no-cache', {str(path)!r}]\nmain()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr.strip().splitlines()[-1] == str(parsed)


def test_generated_code_takes_renames_only() -> None:
    text = (
        "// Code generated by controller-gen. DO NOT EDIT.\n\npackage v1\n\n"
        'import (\n\tbatchv1 "k8s.io/api/batch/v1"\n\tcorev1 "k8s.io/api/core/v1"\n)\n\n'
        "func (in *TaskStatus) DeepCopyInto(out *TaskStatus) {\n\t*out = *in\n"
        "\tif in.JobName != nil {\n\t\tout.JobName = in.JobName\n\t}\n}\n\n"
        "var template = batchv1.Job{Spec: batchv1.JobSpec{BackoffLimit: nil, "
        "Template: corev1.PodTemplateSpec{}}}\n"
    )
    findings = check_bytes(
        "zz_generated.deepcopy.go", text.encode(), RuleSet(list(builtin_rules()))
    ).findings
    fixable = {f.rule_id for f in findings if f.fix is not None}
    reported = {f.rule_id for f in findings}
    assert {"JP602", "JP604"} <= reported
    assert fixable == {"JP602"}
