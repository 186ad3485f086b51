"""job2pod on a Go-only tree: the prefilter keeps files without trigger tokens unparsed.

    python benchmarks/go_tree.py                 # a generated tree of 2,000 Go files
    python benchmarks/go_tree.py --files 2000 --repeat 5

The tree is generated (deterministic for a seed): mostly ordinary Go (HTTP handlers,
helpers, table tests, structs with json tags), and one file in twenty a controller that
builds, watches or reads Jobs. Figures are ratios against floors measured in the same
run: the tree against its controllers alone (what the other files cost), and, in one
process, the same files checked with the prefilter on and off (how many files each
parses, the time ratio, and that both find the same). `cat` of every file and tree-sitter
parsing every file are given for scale. Results go to
benchmarks/results/<date>-go.md; nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import PY, floor, job2pod, measure, with_bytecode  # type: ignore[import-not-found]  # noqa: E402

HANDLER = """\
package {pkg}

import (
	"encoding/json"
	"net/http"
)

// {name}Response is what the {name} endpoint returns.
type {name}Response struct {{
	ID    string `json:"id"`
	Count int    `json:"count,omitempty"`
}}

// Handle{name} answers GET /{name}.
func Handle{name}(w http.ResponseWriter, r *http.Request) {{
	if r.Method != http.MethodGet {{
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}}
	resp := {name}Response{{ID: r.URL.Query().Get("id"), Count: {n}}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}}
"""
HELPER = """\
package {pkg}

import "strings"

// normalize{name} trims and lowercases a {name} key.
func normalize{name}(key string) string {{
	return strings.ToLower(strings.TrimSpace(key))
}}

func split{name}(s string) []string {{
	parts := strings.Split(s, ",")
	out := parts[:0]
	for _, p := range parts {{
		if p = normalize{name}(p); p != "" {{
			out = append(out, p)
		}}
	}}
	return out
}}
"""
TEST = """\
package {pkg}

import "testing"

func TestSplit{name}(t *testing.T) {{
	cases := []struct {{
		in   string
		want int
	}}{{
		{{"a,b", 2}},
		{{"", 0}},
		{{" x , ", 1}},
	}}
	for _, c := range cases {{
		if got := len(split{name}(c.in)); got != c.want {{
			t.Errorf("split%q = %d, want %d", c.in, got, c.want)
		}}
	}}
}}
"""
CONTROLLER = """\
package {pkg}

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;delete

type {name}Reconciler struct {{
	client.Client
}}

func (r *{name}Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {{
	var job batchv1.Job
	if err := r.Get(ctx, req.NamespacedName, &job); err != nil {{
		return ctrl.Result{{}}, r.Create(ctx, build{name}Job(req.Name, req.Namespace))
	}}
	if job.Status.Succeeded > 0 {{
		return ctrl.Result{{}}, nil
	}}
	return ctrl.Result{{Requeue: job.Status.Active > 0}}, nil
}}

func build{name}Job(name, namespace string) *batchv1.Job {{
	return &batchv1.Job{{
		ObjectMeta: metav1.ObjectMeta{{Name: name, Namespace: namespace}},
		Spec: batchv1.JobSpec{{
			BackoffLimit: ptr.To[int32]({backoff}),
			Template: corev1.PodTemplateSpec{{
				Spec: corev1.PodSpec{{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers:    []corev1.Container{{{{Name: "task", Image: "registry.example.dev/task:{n}"}}}},
				}},
			}},
		}},
	}}
}}

func (r *{name}Reconciler) SetupWithManager(mgr ctrl.Manager) error {{
	return ctrl.NewControllerManagedBy(mgr).For(&corev1.ConfigMap{{}}).Owns(&batchv1.Job{{}}).Complete(r)
}}
"""
_PLAIN = (HANDLER, HELPER, TEST)
# Parse every file with tree-sitter-go: what checking without a prefilter costs at least.
_TS_PARSE = (
    "import sys, tree_sitter, tree_sitter_go\n"
    "p = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))\n"
    "for path in sys.stdin.read().split(chr(10)):\n"
    "    path and p.parse(open(path, 'rb').read())\n"
)
# Check every file in one process, prefilter on or off: files parsed and seconds.
_IN_PROCESS = """\
import json, sys, time
from linter.catalog import builtin_rules
from linter.engine import RuleSet, check_bytes
paths = [p for p in sys.stdin.read().split(chr(10)) if p]
out = {}
for prefilter in (True, False):
    ruleset = RuleSet([r for r in builtin_rules() if r.enabled], prefilter=prefilter)
    start = time.perf_counter()
    reports = [check_bytes(p, open(p, "rb").read(), ruleset) for p in paths]
    out[str(prefilter)] = [time.perf_counter() - start, sum(r.parsed for r in reports),
                           sum(len(r.findings) for r in reports)]
print(json.dumps(out))
"""


def generate(out: Path, files: int = 2000, seed: int = 11) -> int:
    """`files` Go files under `out`; returns how many are controllers with Jobs."""
    rng = random.Random(seed)
    controllers = 0
    for i in range(files):
        pkg = f"pkg{i % 40}"
        name = f"Item{i}"
        if rng.random() < 0.05:
            text = CONTROLLER.format(pkg=pkg, name=name, n=i, backoff=rng.choice([0, 0, 3]))
            controllers += 1
        else:
            text = rng.choice(_PLAIN).format(pkg=pkg, name=name, n=i)
        target = out / pkg / f"file_{i}.go"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return controllers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="job2pod-bench-go-"))
    with_bytecode(work)
    tree = work / "tree"
    controllers = generate(tree, args.files)
    files = "\n".join(str(p) for p in sorted(tree.rglob("*.go"))) + "\n"
    cat_s, _ = floor("cat", files, args.repeat)
    ts_s, _ = measure([PY, "-c", _TS_PARSE], args.repeat, stdin=files)
    check_s, check_peak = job2pod(
        ["check", "--no-cache", "--fail-on", "never", str(tree)], args.repeat
    )
    only = work / "controllers"
    for path in tree.rglob("*.go"):
        if b"k8s.io/api/batch/v1" in path.read_bytes():
            target = only / path.relative_to(tree)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    only_s, _ = job2pod(["check", "--no-cache", "--fail-on", "never", str(only)], args.repeat)
    # One process each: what the prefilter saves, apart from the worker pool's own cost.
    serial = ["check", "--no-cache", "--jobs", "1", "--fail-on", "never"]
    tree1_s, _ = job2pod([*serial, str(tree)], args.repeat)
    only1_s, _ = job2pod([*serial, str(only)], args.repeat)
    in_process = subprocess.run(
        [PY, "-c", _IN_PROCESS], input=files, capture_output=True, text=True, check=True
    )
    (on_s, on_parsed, on_findings), (off_s, off_parsed, off_findings) = (
        json.loads(in_process.stdout)[k] for k in ("True", "False")
    )
    rows = [
        (
            f"check of the tree / check of its {controllers} controllers alone, --jobs 1",
            f"{tree1_s / only1_s:.2f}",
            "≤ 1.3",
        ),
        (
            "the same, default --jobs (the tree gets workers, its controllers do not)",
            f"{check_s / only_s:.2f}",
            "",
        ),
        (
            "files parsed with the prefilter / files",
            f"{on_parsed / args.files:.3f}",
            "controllers' share",
        ),
        ("check, prefilter on / off (in process)", f"{on_s / off_s:.3f}", "≤ 0.3"),
        ("findings, prefilter on / off", f"{on_findings} / {off_findings}", "equal"),
    ]
    absolute = [
        ("files / controllers with Jobs", f"{args.files} / {controllers}"),
        ("cat", f"{cat_s:.2f} s"),
        ("tree-sitter parse of every file", f"{ts_s:.2f} s"),
        (
            "job2pod check, tree / controllers alone: --jobs 1; default --jobs",
            f"{tree1_s:.2f} s / {only1_s:.2f} s; {check_s:.2f} s ({check_peak:.0f} MiB) / "
            f"{only_s:.2f} s",
        ),
        (
            "in process: prefilter on / off",
            f"{on_s:.2f} s ({on_parsed} parsed) / {off_s:.2f} s ({off_parsed} parsed)",
        ),
    ]
    lines = [
        f"# job2pod benchmark, Go tree, {dt.date.today().isoformat()}",
        "",
        f"A generated tree of {args.files} Go files; {os.cpu_count()} CPUs; Python "
        f"{sys.version.split()[0]}; median of {args.repeat} runs.",
        "",
        "| figure | ratio | target |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        "| measurement | value |",
        "|---|---|",
        *[f"| {a} | {b} |" for a, b in absolute],
        "",
    ]
    text = "\n".join(lines)
    output = args.output or HERE / "results" / f"{dt.date.today().isoformat()}-go.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
