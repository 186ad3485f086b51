"""job2pod's benchmark: ratios against floors measured in the same run, on the same files.

    python benchmarks/run.py                 # ../shared/corpus/k8s, or a generated corpus
    python benchmarks/run.py --corpus DIR --repeat 5 --skip-slow

Every figure is the median of --repeat runs of a whole process, with its peak RSS
(from wait4); the one-process figures and the --jobs speedup (21 rounds) and warm/cold
(7) and 10x/1x (3) are the median of the ratios of runs made one after another, in rounds. Floors: `cat`
of every file, PyYAML's C loader `load_all` (when PyYAML is installed), ruamel.yaml
round-trip (slow: --skip-slow leaves it out), `import ruamel.yaml` and `ast.parse` over the
Python standard library. Results go to benchmarks/results/<date>.md. Nothing here is asserted in tests: machines differ, ratios
within one run do not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "k8s"
PY = sys.executable
SPEEDUP_ROUNDS = 21
SCALING_ROUNDS = 3

_LIST_FILES = """
import os, sys
for dirpath, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d not in (".git", "site-packages")]
    for name in names:
        if name.endswith(sys.argv[2:] and tuple(sys.argv[2:]) or (".yaml", ".yml")):
            print(os.path.join(dirpath, name))
"""
_FLOORS = {
    "cat": "import sys\nfor p in sys.stdin.read().split(chr(10)):\n    p and open(p, 'rb').read()",
    "pyyaml-c": (
        "import sys, yaml\n"
        "for p in sys.stdin.read().split(chr(10)):\n"
        "    if not p: continue\n"
        "    try: list(yaml.load_all(open(p, 'rb').read(), Loader=yaml.CSafeLoader))\n"
        "    except Exception: pass"
    ),
    "ruamel-rt": (
        "import sys\nfrom ruamel.yaml import YAML\ny = YAML()\n"
        "for p in sys.stdin.read().split(chr(10)):\n"
        "    if not p: continue\n"
        "    try: list(y.load_all(open(p, 'rb').read()))\n"
        "    except Exception: pass"
    ),
    "ast-parse": (
        "import sys, ast, warnings\nwarnings.simplefilter('ignore')\n"
        "for p in sys.stdin.read().split(chr(10)):\n"
        "    if not p: continue\n"
        "    try: ast.parse(open(p, 'rb').read())\n"
        "    except Exception: pass"
    ),
}


def measure(
    argv: Sequence[str], repeat: int, stdin: str = "", cwd: Path | None = None
) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MiB) of `argv` over `repeat` runs."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
        )
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def side_by_side(argv: Sequence[str]) -> float:
    """Wall seconds of two runs of `argv` started together, until both end: on a machine
    whose cores slow each other down (shared caches, memory, a host's other guests), the
    speedup two processes can reach at all is 2 x (one run's time) / this."""
    start = time.perf_counter()
    procs = [
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def floor(name: str, files: str, repeat: int) -> tuple[float, float]:
    return measure([PY, "-c", _FLOORS[name]], repeat, stdin=files)


def job2pod(args: Sequence[str], repeat: int, cwd: Path | None = None) -> tuple[float, float]:
    return measure([*command(), *args], repeat, cwd=cwd)


def command() -> list[str]:
    """The `job2pod` console script beside the interpreter, as pre-commit and CI run it
    (`python -m linter` adds runpy's imports, ~2 ms), or the module when there is none."""
    script = Path(PY).parent / ("job2pod.exe" if os.name == "nt" else "job2pod")
    return [str(script)] if script.is_file() else [PY, "-m", "linter"]


def installed(work: Path) -> None:
    """Measure job2pod as users have it: installed (not editable) in a venv of its own, with
    PyYAML for the floor when this interpreter has it. An editable install of a current
    setuptools imports a path finder at every start (12 ms seen here), which no user pays."""
    global PY
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    extra = ["pyyaml"] if has_module("yaml") else []
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(ROOT), *extra], check=True)
    PY = python


def with_bytecode(work: Path) -> None:
    """Let every measured process read and write bytecode, under `work`.

    pip compiles an installed package's modules at install time. A machine that sets
    PYTHONDONTWRITEBYTECODE (this one does) would instead recompile an editable job2pod
    from source in every process and in every worker, a cost no user's installation has;
    floors and job2pod get the same setting."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    measure([PY, "-c", "import ruamel.yaml, libcst"], 1)
    job2pod(
        ["check", "--no-cache", "--fail-on", "never", "--select", "ALL", str(ROOT / "fixtures")], 1
    )


def first_job(files: str) -> str | None:
    """The first file that holds a Job: one that is parsed and checked, not prefiltered."""
    for path in files.splitlines():
        try:
            if b"\nkind: Job\n" in Path(path).read_bytes():
                return path
        except OSError:
            continue
    return None


def one_file_with_cache(
    one: str, cache: Path, work: Path, repeat: int
) -> tuple[list[float], list[float], list[float]]:
    """Seconds of each pre-commit run after a whole-tree run: one edited file checked with
    `cache` (the whole tree's entries), the same check with an empty cache dir, and
    `import ruamel.yaml`, interleaved so that a busy stretch of a shared machine hits all
    three. The file is a copy of `one` outside the corpus, written again before each run:
    a new mtime, so its entry is stale and stored again, as for an edited file, and the
    shared corpus is never touched."""
    text = Path(one).read_bytes()
    edited = work / "edited" / Path(one).name
    edited.parent.mkdir(parents=True, exist_ok=True)
    empty = work / "empty-cache"
    full_runs: list[float] = []
    empty_runs: list[float] = []
    import_runs: list[float] = []
    for _ in range(repeat):
        for runs, cache_dir in ((full_runs, cache), (empty_runs, empty)):
            shutil.rmtree(empty, ignore_errors=True)
            edited.write_bytes(text)
            args = ["check", "--fail-on", "never", "--cache-dir", str(cache_dir), str(edited)]
            runs.append(job2pod(args, 1)[0])
        import_runs.append(measure([PY, "-c", "import ruamel.yaml"], 1)[0])
    if len(list(cache.glob("v*/*/"))) != 1:
        raise SystemExit("the one-file run did not share the whole-tree run's cache key")
    return full_runs, empty_runs, import_runs


def interleaved(commands: dict[str, list[str]], rounds: int) -> dict[str, list[float]]:
    """Seconds of each command in each round, the commands run one after another in every
    round: the runs of one round see the same stretch of a shared machine."""
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            runs[name].append(measure(argv, 1)[0])
    return runs


def paired(runs: Sequence[float], floors: Sequence[float]) -> float:
    """The median of each round's ratio: a machine whose speed drifts between rounds (this
    one's floors moved by 20 % within minutes) moves both sides of a round alike, and the
    ratio of two medians taken at different moments not."""
    return statistics.median(a / b for a, b in zip(runs, floors, strict=True))


def checked(args: Sequence[str]) -> int:
    """How many files one job2pod run says it checked: a run that finds no files (a
    directory git ignores, say) is fast for the wrong reason."""
    out = subprocess.run([*command(), *args], capture_output=True, text=True).stdout
    found = re.search(r"(\d+) files? checked", out)
    return int(found.group(1)) if found else 0


def list_files(root: Path, suffixes: Sequence[str] = (".yaml", ".yml")) -> str:
    out = subprocess.run(
        [PY, "-c", _LIST_FILES, str(root), *suffixes], capture_output=True, text=True
    )
    return out.stdout


def has_module(name: str) -> bool:
    return subprocess.run([PY, "-c", f"import {name}"], capture_output=True).returncode == 0


def replicate(corpus: Path, target: Path, times: int) -> None:
    """`times` copies of the corpus as hard links (no extra disk), falling back to copies."""
    for i in range(times):
        dest = target / f"copy{i}"
        try:
            shutil.copytree(corpus, dest, copy_function=os.link)
        except OSError:
            shutil.copytree(corpus, dest)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip-slow", action="store_true", help="leave out ruamel round-trip and the 10x corpus"
    )
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="measure the running interpreter's job2pod (an editable install, say)",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="job2pod-bench-"))
    if not args.in_place:
        installed(work)
        # Away from the checkout (`python -m linter`, the fallback, puts the working
        # directory first on sys.path), so the installed package is the one measured.
        args.corpus = args.corpus and args.corpus.resolve()
        args.output = args.output and args.output.resolve()
        os.chdir(work)
    with_bytecode(work)
    corpus = args.corpus or (DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else None)
    if corpus is None:
        sys.path.insert(0, str(HERE))
        from generate import generate  # type: ignore[import-not-found]

        corpus = work / "generated"
        generate(corpus, files=3000, seed=7)
    files = list_files(corpus)
    count = files.count("\n")
    rows: list[tuple[str, str, str]] = []
    cache = work / "cache"

    def run_j2p(
        label: str, extra: Sequence[str], target: Path = corpus, repeat: int = args.repeat
    ) -> tuple[float, float]:
        seconds, peak = job2pod(["check", "--fail-on", "never", *extra, str(target)], repeat)
        print(f"{label}: {seconds:.2f} s, {peak:.0f} MiB", flush=True)
        return seconds, peak

    cat_s, _ = floor("cat", files, args.repeat)
    c_s, c_peak = (
        floor("pyyaml-c", files, args.repeat) if has_module("yaml") else (float("nan"), 0.0)
    )
    # Interleaved, so that a slower stretch of a shared machine hits both sides alike.
    j1_runs, j2_runs, two_runs = [], [], []
    one_job = [*command(), "check", "--no-cache", "--fail-on", "never", "--jobs", "1", str(corpus)]
    # 21 rounds: on this shared machine one round's ratio ranged from 1.51 to 2.09, and
    # two runs of 15 gave medians 0.03 apart. Which of the two runs first alternates, so
    # that what a run inherits from the one before (caches, a host's scheduling) falls
    # on both sides alike.
    for round_number in range(max(args.repeat, SPEEDUP_ROUNDS)):
        sides = [("jobs 1", "1", j1_runs), ("jobs 2", "2", j2_runs)]
        for label, jobs, runs in sides if round_number % 2 == 0 else reversed(sides):
            runs.append(run_j2p(label, ["--no-cache", "--jobs", jobs], repeat=1)[0])
        two_runs.append(side_by_side(one_job))
        print(f"two --jobs 1 runs at once: {two_runs[-1]:.2f} s", flush=True)
    j1_s, j2_s = statistics.median(j1_runs), statistics.median(j2_runs)
    reachable = statistics.median(2 * a / b for a, b in zip(j1_runs, two_runs, strict=True))
    shutil.rmtree(cache, ignore_errors=True)
    job2pod(["check", "--fail-on", "never", "--cache-dir", str(cache), str(corpus)], 1)
    # Warm and cold runs paired, round by round: a warm run is mostly fixed costs (the walk,
    # a stat and a cache lookup a file) and a cold one mostly parsing, and a drifting
    # machine moves the two apart when they are measured minutes from each other.
    # JSON: a run's reports as plain data, through the C encoder, as they are checked.
    runs: dict[str, list[float]] = {"cold": [], "warm": [], "cold json": [], "warm json": []}
    peaks: dict[str, float] = dict.fromkeys(runs, 0.0)
    for _ in range(max(args.repeat, 7)):
        for label, extra in (
            ("cold", ["--no-cache"]),
            ("warm", ["--cache-dir", str(cache)]),
            ("cold json", ["--no-cache", "--format", "json"]),
            ("warm json", ["--cache-dir", str(cache), "--format", "json"]),
        ):
            seconds, peak = run_j2p(label, extra, repeat=1)
            runs[label].append(seconds)
            peaks[label] = max(peaks[label], peak)
    cold_s, warm_s, cold_json_s, warm_json_s = (statistics.median(v) for v in runs.values())
    cold_peak, warm_peak = peaks["cold"], peaks["warm"]
    one = next(p for p in files.splitlines() if p)
    full_runs, empty_runs, cache_import_runs = one_file_with_cache(
        one, cache, work, max(args.repeat, 15)
    )
    one_full_s, one_empty_s = statistics.median(full_runs), statistics.median(empty_runs)
    # The pre-commit case: the result cache does not know the file, the catalog is cached.
    job2pod(["check", "--no-cache", "--fail-on", "never", one], 1)
    job_file = first_job(files) or one
    # A Python module that imports no Kubernetes client: never handed to LibCST.
    plain_py = Path(sysconfig.get_paths()["stdlib"]) / "json" / "tool.py"
    one_process = interleaved(
        {
            "import": [PY, "-c", "import ruamel.yaml"],
            "one": [*command(), "check", "--no-cache", "--fail-on", "never", one],
            "job": [*command(), "check", "--no-cache", "--fail-on", "never", job_file],
            "py": [*command(), "check", "--no-cache", "--fail-on", "never", str(plain_py)],
            # The CLI framework's import alone: a part of every one-process figure.
            "click": [PY, "-c", "import click"],
        },
        max(args.repeat, 15),
    )
    floor_runs = one_process["import"]
    one_s, job_s, plain_py_s, import_s, click_s = (
        statistics.median(one_process[name]) for name in ("one", "job", "py", "import", "click")
    )
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    py_files = list_files(stdlib, (".py",))
    ast_s, _ = floor("ast-parse", py_files, args.repeat)
    # The same files as the floor (named one by one, like pre-commit does): the standard
    # library's directory also holds site-packages, and may sit in a git-ignored tree.
    stdlib_args = ["check", "--no-cache", "--fail-on", "never", "--select", "JP002,JP5"]
    stdlib_args += py_files.split()
    stdlib_s, _ = job2pod(stdlib_args, args.repeat)
    print(f"stdlib: {stdlib_s:.2f} s", flush=True)
    entries = f"{count // 1000}k" if count >= 1000 else str(count)
    corpus_checked = checked(["check", "--no-cache", "--fail-on", "never", str(corpus)])
    stdlib_checked = checked(stdlib_args)
    rows += [
        ("cold check (default jobs) / PyYAML CSafeLoader load_all", f"{cold_s / c_s:.2f}", "≤ 1.0"),
        ("warm run / cold run (paired runs)", f"{paired(runs['warm'], runs['cold']):.3f}", "≤ 0.1"),
        (
            "warm run / cold run, `--format json` (paired runs)",
            f"{paired(runs['warm json'], runs['cold json']):.3f}",
            "≤ 0.1",
        ),
        (
            "check one file (process) / `import ruamel.yaml`",
            f"{paired(one_process['one'], floor_runs):.2f}",
            "≤ 1.5",
        ),
        (
            f"one file, {entries}-entry cache / one file, empty cache",
            f"{paired(full_runs, empty_runs):.2f}",
            "≤ 1.1",
        ),
        (
            f"one file, {entries}-entry cache / `import ruamel.yaml`",
            f"{paired(full_runs, cache_import_runs):.2f}",
            "≤ 1.5",
        ),
        (
            "check one Job manifest, parsed (process) / `import ruamel.yaml`",
            f"{paired(one_process['job'], floor_runs):.2f}",
            "(≤ 1.5)",
        ),
        (
            "check one .py file with no client import (process) / `import ruamel.yaml`",
            f"{paired(one_process['py'], floor_runs):.2f}",
            "≤ 1.5",
        ),
        ("--jobs 1 / --jobs 2 (speedup, paired runs)", f"{paired(j1_runs, j2_runs):.2f}", "≥ 1.8"),
        (
            "the speedup the machine allows: 2 x --jobs 1 / two --jobs 1 runs at once",
            f"{reachable:.2f}",
            "(floor)",
        ),
        ("stdlib check / ast.parse of the same files", f"{stdlib_s / ast_s:.2f}", "≤ 0.15"),
    ]
    absolute = [
        ("files", str(count)),
        ("cat", f"{cat_s:.2f} s"),
        ("PyYAML CSafeLoader", f"{c_s:.2f} s, {c_peak:.0f} MiB"),
        ("job2pod cold", f"{cold_s:.2f} s, {cold_peak:.0f} MiB"),
        ("job2pod warm", f"{warm_s:.2f} s, {warm_peak:.0f} MiB"),
        (
            "job2pod --jobs 1 / 2 / two --jobs 1 at once",
            f"{j1_s:.2f} s / {j2_s:.2f} s / {statistics.median(two_runs):.2f} s",
        ),
        (
            "--jobs 1 / --jobs 2, each round, sorted",
            ", ".join(
                f"{ratio:.2f}"
                for ratio in sorted(a / b for a, b in zip(j1_runs, j2_runs, strict=True))
            ),
        ),
        (
            "one file / one Job manifest / import ruamel.yaml",
            f"{one_s * 1000:.0f} ms / {job_s * 1000:.0f} ms / {import_s * 1000:.0f} ms",
        ),
        ("the one file; the Job manifest", f"`{Path(one).name}`; `{Path(job_file).name}`"),
        (
            "`import click` (the CLI's framework) / `import ruamel.yaml`",
            f"{click_s * 1000:.0f} ms ({paired(one_process['click'], floor_runs):.2f})",
        ),
        ("one .py file with no client import", f"`{plain_py.name}`: {plain_py_s * 1000:.0f} ms"),
        ("job2pod cold / warm, `--format json`", f"{cold_json_s:.2f} s / {warm_json_s:.2f} s"),
        (
            "one edited file: whole-tree cache / empty cache",
            f"{one_full_s * 1000:.0f} ms / {one_empty_s * 1000:.0f} ms",
        ),
        (
            "stdlib .py files / ast.parse / job2pod",
            f"{py_files.count(chr(10))} / {ast_s:.2f} s / {stdlib_s:.2f} s",
        ),
        (
            "files job2pod reports as checked: corpus / stdlib",
            f"{corpus_checked} / {stdlib_checked}",
        ),
    ]
    if not args.skip_slow:
        rt_s, rt_peak = floor("ruamel-rt", files, 1)
        absolute.append(("ruamel.yaml round-trip (1 run)", f"{rt_s:.1f} s, {rt_peak:.0f} MiB"))
        big = work / "x10"
        replicate(corpus, big, 10)
        # Beside a 1x run just before and one just after it, for the drift of the minute;
        # three rounds: one round read 10.72 where paired runs of the same code read 7.6-9.8.
        scaling = []
        for _ in range(SCALING_ROUNDS):
            before = run_j2p("1x corpus", ["--no-cache"], repeat=1)[0]
            big_s, big_peak = run_j2p("10x corpus", ["--no-cache"], big, repeat=1)
            after = run_j2p("1x corpus", ["--no-cache"], repeat=1)[0]
            scaling.append(2 * big_s / (before + after))
        label = "10x corpus / the 1x runs before and after it: time"
        rows.append((label, f"{statistics.median(scaling):.2f}", "≤ 10.5"))
        for output_format in ("text", "json", "sarif"):
            if output_format != "text":
                extra = ["--no-cache", "--format", output_format]
                big_peak = run_j2p(f"10x corpus {output_format}", extra, big, repeat=1)[1]
            # wait4's peak is the largest of the process and the children it waited for.
            label = f"10x corpus, `--format {output_format}`: peak RSS of any one process"
            rows.append((label, f"{big_peak:.0f} MiB", "≤ 150 MiB"))
    lines = [
        f"# job2pod benchmark, {dt.date.today().isoformat()}",
        "",
        f"Corpus: `{corpus}` ({count} YAML files); {os.cpu_count()} CPUs; Python {sys.version.split()[0]};"
        f" median of {args.repeat} runs; one-process figures, the --jobs speedup ({SPEEDUP_ROUNDS} rounds) and"
        f" warm/cold (7), 10x/1x ({SCALING_ROUNDS}): median of the ratios of paired runs.",
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
    output = args.output or HERE / "results" / f"{dt.date.today().isoformat()}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
