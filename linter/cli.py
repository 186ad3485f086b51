"""The `job2pod` command: thin click wrappers around the engine, reporters and catalog."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from linter import __version__
from linter.catalog import CatalogError, Rule, Selection

if TYPE_CHECKING:
    from linter.cache import ResultCache
    from linter.engine import RuleSet
    from linter.findings import Finding
    from linter.fixes import PathFix
    from linter.migration.plan import Migration
    from linter.options import Options, Projects
    from linter.reporters import Report
    from linter.run import Checked

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a process that Ctrl-C stopped
_FAIL_ON = ("error", "warning", "info", "never")


class UsageProblem(click.ClickException):
    """A usage or config error found by job2pod (not by click's parser): one line on
    stderr, exit code 2, no usage banner."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"job2pod: {self.format_message()}", err=True)


_F = TypeVar("_F", bound=Callable[..., Any])


def _reports_config_errors(function: _F) -> _F:
    """A config or catalog problem, wherever a command meets it (each file's config is
    read when the file is), is a UsageProblem."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from linter.config import ConfigError

        try:
            return function(*args, **kwargs)
        except (ConfigError, CatalogError) as exc:
            raise UsageProblem(str(exc)) from exc

    return cast(_F, wrapper)


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _user_cache() -> str | None:
    """Where the validated catalog and config files are kept: they are keyed by content,
    not by project, so they live in the user's cache directory (JOB2POD_CATALOG_CACHE=off:
    none)."""
    if os.environ.get("JOB2POD_CATALOG_CACHE") == "off":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "job2pod")


def _projects(
    config: str | None,
    selection: Selection | None = None,
    migrate: bool = False,
    fail_on: str | None = None,
    output_format: str | None = None,
) -> Projects:
    from linter.options import Overrides, Projects

    overrides = Overrides(
        selection or Selection(), migrate=migrate, fail_on=fail_on, output_format=output_format
    )
    return Projects(overrides, config, _user_cache())


def _color(option: str, stream: object) -> bool:
    """`--color always|never` wins; for `auto`, as ruff does, a non-empty FORCE_COLOR
    forces colour and a non-empty NO_COLOR turns it off (no-color.org, force-color.org);
    a dumb terminal gets none; otherwise colour on a TTY only."""
    if option != "auto":
        return option == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _fails(findings: Sequence[Finding], fail_on: str) -> bool:
    from linter.reporters import tally

    return tally(findings).fails(fail_on)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="job2pod")
def cli() -> None:
    """Find Job-based task execution in Kubernetes YAML and Python controllers, and
    migrate it to the Pod-based Task model."""


_config = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Config file for every checked file (default: each file's nearest .job2pod.yaml, "
    ".job2pod.yml or pyproject.toml with [tool.job2pod]).",
)
_selection_options = [
    click.option(
        "--select",
        multiple=True,
        help="Rules to run instead of the config's: ids, id prefixes (JP1) or names; "
        "comma-separated or repeated.",
    ),
    click.option(
        "--extend-select", multiple=True, help="Rules to run on top of the config's selection."
    ),
    click.option(
        "--ignore", multiple=True, help="Rules to leave out, on top of the config's `ignore`."
    ),
    click.option("--extend-ignore", multiple=True, help="The same as --ignore (as in ruff)."),
]


def _with_selection(function: _F) -> _F:
    """The four selection options, handed to the command as one `selection`: the command
    line's layer over each config file's (ruff's precedence, linter.catalog.select_rules)."""

    @functools.wraps(function)
    def wrapper(
        *args: Any,
        select: tuple[str, ...],
        extend_select: tuple[str, ...],
        ignore: tuple[str, ...],
        extend_ignore: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        kwargs["selection"] = Selection(
            select=_split(select) or None,
            extend_select=_split(extend_select),
            ignore=[*_split(ignore), *_split(extend_ignore)],
        )
        return function(*args, **kwargs)

    for option in reversed(_selection_options):
        wrapper = option(wrapper)
    return cast(_F, wrapper)


_color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output; auto: on a TTY, unless NO_COLOR is set or TERM=dumb "
    "(FORCE_COLOR forces it).",
)
_fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(_FAIL_ON),
    help="Lowest severity that makes the exit code 1 (default: warning, or the config's).",
)
_stdin_filename_option = click.option(
    "--stdin-filename",
    help="Read the file from stdin (with or without `-`): its path for positions, config "
    "and language.",
)
_force_exclude_option = click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the config's exclude to files named explicitly too (pre-commit names "
    "every staged file).",
)
_cache_dir_option = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=".job2pod_cache",
    show_default=True,
    help="Where results of unchanged files are kept.",
)
_cache_options = [
    click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
    _cache_dir_option,
]


def _with_cache_options(function: _F) -> _F:
    for option in reversed(_cache_options):
        function = option(function)
    return function


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        index, count = (int(v) for v in value.split("/"))
    except ValueError:
        raise UsageProblem(f"--shard takes K/N (e.g. 2/4), not '{value}'") from None
    if not 1 <= index <= count:
        raise UsageProblem(f"--shard {value}: K must be between 1 and N")
    return index, count


def _writable(option: str, output: str | None) -> None:
    """A report that cannot be written is an error before the scan, not after it."""
    if output is None:
        return
    directory = os.path.dirname(output) or "."
    if not os.path.isdir(directory):
        raise UsageProblem(f"{option} {output}: no such directory: {directory}")


def _stdin(paths: Sequence[str], stdin_filename: str | None) -> str | None:
    """The name stdin is read as, or None. As ruff does, `--stdin-filename` reads stdin
    with or without `-`, and the other paths named with it are left out."""
    if stdin_filename is None:
        if "-" in paths:
            raise UsageProblem(
                "reading stdin (-) needs --stdin-filename for positions and language"
            )
        return None
    from linter.engine import LANGUAGES, language_of

    if language_of(stdin_filename) is None:
        raise UsageProblem(
            f"--stdin-filename {stdin_filename}: job2pod reads {', '.join(LANGUAGES)} files"
        )
    for path in paths:
        if path != "-":
            click.echo(f"job2pod: warning: {path} left out: stdin is checked instead", err=True)
    return stdin_filename


def _groups(projects: Projects, targets: Sequence[str]) -> list[tuple[Options, list[str]]]:
    """The targets by their options, every selector on the command line known to one."""
    groups = projects.grouped(targets)
    projects.check_selectors()
    return groups


def _rules_of(projects: Projects, groups: Sequence[tuple[Options, list[str]]]) -> list[Rule]:
    """The rules that ran, each once (SARIF lists them), or the run's when no file was."""
    rules: dict[str, Rule] = {}
    for options, _ in groups or [(projects.run_wide(), [])]:
        for rule in options.rules:
            rules.setdefault(rule.id, rule)
    return list(rules.values())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    help="Output format (default: text, or the config's `format`).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@_config
@_with_selection
@_fail_on_option
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule (text or json) instead of the findings.",
)
@_stdin_filename_option
@_color_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report only findings that are not in this baseline (see `job2pod baseline`).",
)
@click.option(
    "--changed-since",
    help="Check only files changed since the merge base with this git ref (as a pull "
    "request shows them), staged, unstaged and untracked ones too.",
)
@click.option("--shard", help="Check only the stable K-th of N parts of the files (CI matrices).")
@_force_exclude_option
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply fixes instead: `job2pod fix`.")
@click.option(
    "--diff", is_flag=True, help="Print the fixes as a diff instead: `job2pod fix --diff`."
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too.")
@_with_cache_options
@_reports_config_errors
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    config: str | None,
    selection: Selection,
    fail_on: str | None,
    statistics: bool,
    stdin_filename: str | None,
    color: str,
    jobs: int | None,
    baseline_path: str | None,
    changed_since: str | None,
    shard: str | None,
    force_exclude: bool,
    apply_fixes: bool,
    diff: bool,
    unsafe_fixes: bool,
    no_cache: bool,
    cache_dir: str,
) -> None:
    """Check PATHS (files, directories, or - for stdin) and report findings."""
    if apply_fixes or diff:
        checking_only = {
            "--format": output_format not in (None, "text"),
            "--output": output is not None,
            "--statistics": statistics,
            "--baseline": baseline_path is not None,
            "--changed-since": changed_since is not None,
            "--shard": shard is not None,
        }
        for option in (name for name, given in checking_only.items() if given):
            raise UsageProblem(f"{option} does not go with --fix or --diff")
        _fix(
            paths,
            unsafe_fixes,
            diff,
            config,
            selection,
            fail_on,
            color,
            stdin_filename,
            force_exclude,
        )
    if unsafe_fixes:
        raise UsageProblem("--unsafe-fixes goes with --fix or --diff")
    from linter import reporters, run
    from linter.engine import check_bytes
    from linter.reporters import Report, Tally, tally

    _writable("--output", output)
    projects = _projects(config, selection, fail_on=fail_on, output_format=output_format)
    run_wide = projects.run_wide()
    output_format, fail_on = run_wide.output_format, run_wide.fail_on
    shard_spec = _parse_shard(shard)
    if statistics and output_format not in ("text", "json"):
        raise UsageProblem(f"--statistics prints text or json, not {output_format}")
    # Children start checking as soon as the walk has found enough files; closed (each
    # told to stop and waited for) once the output is written, or on an error.
    with contextlib.closing(run.Workers(jobs or run.default_jobs())) as workers:
        findings: list[Finding] = []
        stream: Iterable[Finding] | None = None
        files = 0
        groups: list[tuple[Options, list[str]]] = []
        stdin_name = _stdin(paths, stdin_filename)
        if stdin_name is not None:
            data = sys.stdin.buffer.read()
            if not (force_exclude and projects.excluded(stdin_name)):
                options = projects.for_path(stdin_name)
                groups = [(options, [stdin_name])]
                projects.check_selectors()
                findings.extend(check_bytes(stdin_name, data, options.ruleset).findings)
                files = 1
        else:
            caches: dict[int, ResultCache | None] = {}

            def cache_of(ruleset: RuleSet) -> ResultCache | None:
                if id(ruleset) not in caches:
                    caches[id(ruleset)] = None if no_cache else _result_cache(cache_dir, ruleset)
                return caches[id(ruleset)]

            of_config: dict[str | None, tuple[RuleSet, ResultCache | None]] = {}

            def found(paths: list[str]) -> None:
                """Files of one directory the walk found, handed on to be checked while the
                walk goes on, those the run checks (as `targets` below will say)."""
                config = projects.config_of_file(paths[0])
                if config not in of_config:
                    ruleset = projects.options_of_file(paths[0]).ruleset
                    of_config[config] = ruleset, cache_of(ruleset)
                ruleset, cache = of_config[config]
                if shard_spec:
                    paths = [path for path in paths if run.in_shard(path, *shard_spec)]
                workers.offer(paths, ruleset, cache)

            # --changed-since keeps few of the files, known only once git has been asked.
            targets = _inputs(paths, projects, force_exclude, None if changed_since else found)
            if changed_since is not None:
                targets = _changed(targets, changed_since)
            if shard_spec is not None:
                targets = run.shard(targets, *shard_spec)
            groups = _groups(projects, targets)
            progress = output_format == "text" and _isatty(sys.stderr) and not os.environ.get("CI")
            checking = [
                run.check_each(
                    sorted(members),
                    options.ruleset,
                    cache=cache_of(options.ruleset),
                    progress=progress,
                    workers=workers,
                )
                for options, members in groups
            ]
            files = sum(len(members) for _, members in groups)
            if len(checking) == 1 and baseline_path is None:
                # One config's files, sorted: each file's findings are written as it is
                # checked, already in the report's order, and none is kept.
                stream = Tally(_findings_of(checking[0]))
            else:
                findings = [f for each in checking for f in _findings_of(each)]
        if stream is None:
            findings.sort(key=lambda f: f.sort_key())
            if baseline_path is not None:
                findings = _without_baseline(findings, baseline_path)
            stream = findings
        report = Report(
            stream,
            _rules_of(projects, groups),
            files,
            color=output is None and output_format == "text" and _color(color, sys.stdout),
        )
        pieces = (
            _statistics(report, output_format)
            if statistics
            else reporters.chunks(output_format, report)
        )
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.writelines(pieces)
        else:
            sys.stdout.writelines(pieces)
    sys.exit(EXIT_FINDINGS if tally(report.findings).fails(fail_on) else EXIT_CLEAN)


def _findings_of(checking: Iterator[Checked]) -> Iterator[Finding]:
    for checked in checking:
        if checked.error is not None:
            click.echo(f"job2pod: {checked.error}", err=True)
        yield from checked.findings


def _statistics(report: Report, output_format: str) -> list[str]:
    from linter.reporters import statistics

    if output_format == "json":
        return [statistics.render_json(report)]
    return [statistics.render(report)]


def _changed(targets: list[str], ref: str) -> list[str]:
    from linter.changed import NotAGitRepository, changed_files

    try:
        changed = changed_files(ref)
    except NotAGitRepository as exc:
        raise UsageProblem(str(exc)) from exc
    return [t for t in targets if os.path.realpath(t) in changed]


def _without_baseline(findings: list[Finding], path: str) -> list[Finding]:
    from linter import baseline

    try:
        return baseline.new_findings(findings, baseline.load(path))
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from exc


def _result_cache(root: str, ruleset: RuleSet) -> ResultCache:
    from linter import cache

    identity = [
        cache.code_fingerprint(),
        [
            (
                r.id,
                r.name,
                r.check,
                r.param_values,
                r.severity.value,
                r.message,
                r.language,
                sorted(r.kinds or ()),
                sorted(r.exclude_kinds),
                r.fix,
                [t.decode() for t in r.triggers],
                r.origin,
            )
            for r in ruleset.rules
        ],
        ruleset.context._asdict(),
        ruleset.max_file_size,
        [
            (glob.base, glob.pattern, list(selectors))
            for glob, selectors in ruleset.per_file_ignores
        ],
        sorted(r.id for r in ruleset.catalog),
    ]
    return cache.ResultCache(root, cache.key(identity))


@cli.command(name="baseline")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), required=True, help="Baseline file to write."
)
@_config
@_with_selection
@_reports_config_errors
def baseline_command(
    paths: tuple[str, ...], output: str, config: str | None, selection: Selection
) -> None:
    """Record today's findings in PATHS; `check --baseline FILE` then reports only new ones."""
    from linter import baseline, run
    from linter.reporters.text import counted

    _writable("--output", output)
    projects = _projects(config, selection)
    findings = []
    for options, members in _groups(projects, _inputs(paths, projects)):
        findings.extend(run.check_files(members, options.ruleset, jobs=run.default_jobs()).findings)
    with open(output, "w", encoding="utf-8") as out:
        out.write(baseline.dump(findings))
    click.echo(f"Recorded {counted(len(findings), 'finding')} in {output}.")


@cli.command()
@_cache_dir_option
def clean(cache_dir: str) -> None:
    """Remove the result cache."""
    import shutil

    if not os.path.exists(cache_dir):
        click.echo(f"nothing to remove: there is no cache at {cache_dir}")
    elif os.path.isfile(os.path.join(cache_dir, ".gitignore")):
        shutil.rmtree(cache_dir, ignore_errors=True)
        click.echo(f"removed {cache_dir}")
    else:
        raise UsageProblem(f"{cache_dir} does not look like a job2pod cache; not removed")


def _inputs(
    paths: Sequence[str],
    projects: Projects,
    force_exclude: bool = False,
    on_found: Callable[[list[str]], None] | None = None,
) -> list[str]:
    """The files to check: directories walked (each file's config may exclude it), files
    named explicitly kept unless --force-exclude; config files never. `on_found` is told
    the files as the walk finds them, a directory's at a time."""
    from linter.discover import discover

    inputs = list(paths) or ["."]
    for missing in (p for p in inputs if not os.path.exists(p)):
        raise UsageProblem(f"no such file or directory: {missing}")
    if force_exclude:
        inputs = [p for p in inputs if not projects.excluded(p)]
    inputs = [p for p in inputs if os.path.isdir(p) or not projects.is_config(p)]
    return discover(
        inputs, keep=projects.kept_in_directory, on_listing=projects.listed, on_found=on_found
    )


def _fix_run(
    paths: Sequence[str], projects: Projects, unsafe: bool, write: bool
) -> list[tuple[str, PathFix]]:
    """Each file fixed with its own options; every config is read before a file is written."""
    from linter import run
    from linter.fixes import fix_path

    run.tune_gc()
    options_of = {
        path: options for options, members in _groups(projects, paths) for path in members
    }
    return [
        (path, fix_path(path, options_of[path].ruleset, unsafe=unsafe, write=write))
        for path in paths
    ]


def _planned_run(targets: Sequence[str], projects: Projects, write: bool) -> Migration:
    """The migration plan over the targets. It judges units across files, so it needs one
    configuration for all of them: several are a usage error (pass --config, or run it
    per project), rather than a plan that converts half of a unit. An interrupted run
    says which files it wrote (fixes.WRITTEN, see main)."""
    from linter import run
    from linter.migration.plan import migrate

    groups = _groups(projects, targets)
    if len(groups) > 1:
        configs = ", ".join(projects.shown(options.config_path) for options, _ in groups)
        raise UsageProblem(
            f"the paths have different configs ({configs}): a migration plans with one; "
            "pass --config or run it per project"
        )
    options = groups[0][0] if groups else projects.run_wide()
    run.tune_gc()
    renames: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for rule in options.ruleset.rules:
        if rule.check == "code_renamed_field":
            params = rule.params()
            renames = (dict(params.renames), dict(params.identifiers))
    return migrate(
        targets,
        options.ruleset,
        write,
        renames,
        rename_public=options.config.rename_public,
        jobs=run.default_jobs(),
    )


def _echo_fix_notes(results: Sequence[tuple[str, PathFix]]) -> None:
    for path, outcome in results:
        if outcome.error:
            click.echo(f"{path}: not written: {outcome.error}", err=True)
        for rejected in outcome.fix.rejected if outcome.fix else []:
            f = rejected.finding
            click.echo(
                f"{path}:{f.start.line}:{f.start.column}: {f.rule_id} fix not applied: "
                f"{rejected.reason}",
                err=True,
            )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--unsafe-fixes", is_flag=True, help="Apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print a unified diff; write nothing.")
@_config
@_with_selection
@_fail_on_option
@_color_option
@_stdin_filename_option
@_force_exclude_option
@_reports_config_errors
def fix(
    paths: tuple[str, ...],
    unsafe_fixes: bool,
    diff: bool,
    config: str | None,
    selection: Selection,
    fail_on: str | None,
    color: str,
    stdin_filename: str | None,
    force_exclude: bool,
) -> None:
    """Apply fixes to PATHS (safe ones; --unsafe-fixes for all), then report what is left.

    Exit code 1 when a file was rewritten (pre-commit's convention) or findings remain.
    From stdin (--stdin-filename), the fixed text goes to stdout and what is left to
    stderr; the exit code is 1 when findings remain."""
    _fix(
        paths, unsafe_fixes, diff, config, selection, fail_on, color, stdin_filename, force_exclude
    )


def _fix(
    paths: Sequence[str],
    unsafe: bool,
    diff: bool,
    config: str | None,
    selection: Selection,
    fail_on: str | None,
    color: str,
    stdin_filename: str | None,
    force_exclude: bool,
) -> NoReturn:
    """`fix`, and `check --fix` / `check --diff`, which ruff users type."""
    from linter.fixes import unified_diff
    from linter.reporters import Report, reporter
    from linter.reporters.text import counted

    projects = _projects(config, selection, fail_on=fail_on)
    run_wide = projects.run_wide()
    stdin_name = _stdin(paths, stdin_filename)
    if stdin_name is not None:
        if unsafe:
            raise UsageProblem(
                "--unsafe-fixes reads files: unsafe fixes follow the migration plan over "
                "the tree, which one text on stdin is not"
            )
        _fix_stdin(stdin_name, projects, diff, force_exclude, run_wide.fail_on)
    targets = _inputs(paths, projects, force_exclude)
    if unsafe:
        # Unsafe fixes are a migration's: they apply by the plan, unit by unit.
        results = _planned_run(targets, projects, write=not diff).outcomes
    else:
        results = _fix_run(targets, projects, unsafe=False, write=not diff)
    changed = [o.fix for _, o in results if o.fix is not None and o.fix.changed]
    _echo_fix_notes(results)
    if diff:
        click.echo("".join(unified_diff(c) for c in changed), nl=False)
        sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    remaining = sorted((f for _, o in results for f in o.findings), key=lambda f: f.sort_key())
    applied = sum(len(c.applied) for c in changed)
    rules = _rules_of(projects, projects.grouped(p for p, _ in results))
    report = Report(remaining, rules, len(results), color=_color(color, sys.stdout))
    click.echo(reporter("text")(report), nl=False)
    if changed:
        click.echo(f"Fixed {counted(applied, 'finding')} in {counted(len(changed), 'file')}.")
    failed = (
        bool(changed) or _fails(remaining, run_wide.fail_on) or any(o.error for _, o in results)
    )
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def _fix_stdin(
    name: str, projects: Projects, diff: bool, force_exclude: bool, fail_on: str
) -> NoReturn:
    """For editors: the fixed text (or, with --diff, the diff) on stdout, the findings
    left on stderr. Text that is excluded, or has nothing to fix, comes back unchanged."""
    from linter.fixes import fix_bytes, unified_diff
    from linter.reporters import Report, reporter

    data = sys.stdin.buffer.read()
    if force_exclude and projects.excluded(name):
        if not diff:
            sys.stdout.buffer.write(data)
        sys.exit(EXIT_CLEAN)
    options = projects.for_path(name)
    projects.check_selectors()
    outcome, decoded = fix_bytes(name, data, options.ruleset, unsafe=False)
    changed = outcome.fix is not None and outcome.fix.changed
    if diff:
        if outcome.fix is not None:
            click.echo(unified_diff(outcome.fix), nl=False)
        sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    fixed = decoded.encode(outcome.fix.fixed) if outcome.fix is not None and decoded else data
    sys.stdout.buffer.write(fixed)
    sys.stdout.flush()
    remaining = sorted(outcome.findings, key=lambda f: f.sort_key())
    if remaining:
        sys.stderr.write(reporter("text")(Report(remaining, options.rules, 1)))
    sys.exit(EXIT_FINDINGS if _fails(remaining, fail_on) else EXIT_CLEAN)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Write the markdown report here (default: stdout).",
)
@click.option("--dry-run", is_flag=True, help="Write nothing; print the diff and the report.")
@_config
@_with_selection
@click.option(
    "--fail-on",
    type=click.Choice(_FAIL_ON),
    help="Exit 1 when findings at this severity still need a human (default: warning).",
)
@_reports_config_errors
def migrate(
    paths: tuple[str, ...],
    report_path: str | None,
    dry_run: bool,
    config: str | None,
    selection: Selection,
    fail_on: str | None,
) -> None:
    """Run the whole migration on PATHS (every fix, unsafe ones included) and report what
    was rewritten and what still needs a human."""
    from linter.fixes import unified_diff
    from linter.reporters.markdown import MigrationReport, render

    _writable("--report", report_path)
    projects = _projects(config, selection, migrate=True, fail_on=fail_on)
    run_wide = projects.run_wide()
    migration = _planned_run(_inputs(paths, projects), projects, write=not dry_run)
    results = migration.outcomes
    _echo_fix_notes(results)
    if dry_run:
        changed = [o.fix for _, o in results if o.fix is not None and o.fix.changed]
        click.echo("".join(unified_diff(c) for c in changed), nl=False)
    text = render(MigrationReport(migration, dry_run=dry_run))
    if report_path:
        with open(report_path, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        click.echo(text, nl=False)
    remaining = [f for _, o in results for f in o.findings]
    failed = _fails(remaining, run_wide.fail_on) or any(o.error for _, o in results)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command(name="rules")
@click.argument("rule", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="How to print the catalog or the rule.",
)
@_config
@_reports_config_errors
def rules_command(rule: str | None, output_format: str, config: str | None) -> None:
    """List the rule catalog (custom rules of the config included), or explain one RULE
    (an id, in any case, or a name)."""
    from linter import ruledocs

    catalog = _projects(config).run_wide().catalog
    if rule is not None:
        wanted = rule.lower()
        chosen = [r for r in catalog if wanted in (r.id.lower(), r.name)]
        if not chosen:
            raise UsageProblem(f"unknown rule '{rule}' (see `job2pod rules`)")
        click.echo(ruledocs.explain(chosen[0], markdown=output_format == "markdown"), nl=False)
        return
    if output_format == "json":
        click.echo(ruledocs.catalog_json(catalog), nl=False)
    elif output_format == "markdown":
        click.echo(ruledocs.catalog_markdown(catalog), nl=False)
    else:
        click.echo(ruledocs.catalog_table(catalog), nl=False)


@cli.command(hidden=True)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 when a file is stale.")
@click.argument("root", required=False, type=click.Path(file_okay=False))
def generate(check_only: bool, root: str | None) -> None:
    """Regenerate docs/rules.md and schemas/*.json from the catalog and models, in ROOT:
    a job2pod source tree (default: the one this job2pod runs from), never anywhere else."""
    from linter import generated

    tree = generated.source_tree(root)
    if tree is None:
        where = root or "job2pod's own files (an installed package has no source tree)"
        raise UsageProblem(f"generate writes into a job2pod source tree; {where} is not one")
    names = generated.stale(tree) if check_only else generated.write(tree)
    for name in names:
        click.echo(f"{'stale' if check_only else 'wrote'}: {name}")
    sys.exit(EXIT_FINDINGS if check_only and names else EXIT_CLEAN)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    # Not click's standalone mode: it turns Ctrl-C into "Aborted!" and exit code 1.
    code: object
    try:
        code = cli.main(args=argv, prog_name="job2pod", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):  # click makes Abort of a KeyboardInterrupt
        _echo_interrupted()
        code = EXIT_INTERRUPTED
    except Exception as exc:
        click.echo(f"job2pod: internal error: {type(exc).__name__}: {exc}", err=True)
        code = EXIT_ERROR
    _exit(code)


def _echo_interrupted() -> None:
    """One line; after a run that wrote files (fix, migrate), the files it wrote: each is
    whole (written atomically), and every other file is as it was."""
    fixes = sys.modules.get("linter.fixes")  # not imported: nothing was written
    written: list[str] = fixes.WRITTEN if fixes is not None else []
    if not written:
        click.echo("job2pod: interrupted", err=True)
        return
    from linter.reporters.text import counted

    click.echo(
        f"job2pod: interrupted after writing {counted(len(written), 'file')} "
        "(the others are unchanged):",
        err=True,
    )
    for path in written:
        click.echo(f"  {path}", err=True)


def _exit(code: object) -> NoReturn:
    """Exit without Python's finalization, as mypy does: tearing down the modules of a run
    takes 5-7 ms, a sixth of a one-file run. Nothing is lost: every file job2pod writes is
    closed by then (`with` blocks, the cache's atomic writes), the output is flushed here,
    and exit handlers (multiprocessing's, a coverage tool's) still run."""
    if code is None:
        code = EXIT_CLEAN
    elif not isinstance(code, int):  # sys.exit("message"): printed, status 1, as Python does
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"{code}\n")
        code = 1
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # the reader stopped early (`| head`), or closed
        pass
    except OSError as exc:  # a full disk: a cut-off report must not pass for a whole one
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"job2pod: cannot write the output: {exc.strerror}\n")
        code = EXIT_ERROR
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
