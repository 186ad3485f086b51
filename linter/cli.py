"""The `job2pod` command: thin click wrappers around the engine, reporters and catalog."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from linter import __version__
from linter.catalog import CatalogError, Rule, load_catalog
from linter.levels import Severity

if TYPE_CHECKING:
    from linter.cache import ResultCache
    from linter.engine import RuleSet
    from linter.findings import Finding
    from linter.fixes import PathFix
    from linter.migration.plan import Migration
    from linter.options import Options
    from linter.reporters import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a process that Ctrl-C stopped
_FAIL_ON = ("error", "warning", "info", "never")


class UsageProblem(click.UsageError):
    """A usage or config error: one clear line, exit code 2."""


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _catalog() -> list[Rule]:
    try:
        return load_catalog(cache_dir=_user_cache())
    except CatalogError as exc:
        raise UsageProblem(str(exc)) from exc


def _user_cache() -> Path | None:
    """Where the validated catalog and config files are kept: they are keyed by content,
    not by project, so they live in the user's cache directory (JOB2POD_CATALOG_CACHE=off:
    none)."""
    if os.environ.get("JOB2POD_CATALOG_CACHE") == "off":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "job2pod"


def _options(
    paths: Sequence[str],
    config: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    migrate: bool = False,
    fail_on: str | None = None,
    output_format: str | None = None,
) -> Options:
    from linter.config import ConfigError
    from linter.options import resolve

    try:
        return resolve(
            paths,
            config,
            _split(select),
            _split(ignore),
            migrate=migrate,
            fail_on=fail_on,
            output_format=output_format,
            user_cache=_user_cache(),
        )
    except (ConfigError, CatalogError) as exc:
        raise UsageProblem(str(exc)) from exc


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


def _fails(findings: Sequence[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for f in findings)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="job2pod")
def cli() -> None:
    """Find Job-based task execution in Kubernetes YAML and Python controllers, and
    migrate it to the Pod-based Task model."""


_config = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Config file (default: the nearest .job2pod.yaml or pyproject.toml with [tool.job2pod]).",
)
_select = click.option(
    "--select", multiple=True, help="Rule ids, id prefixes (JP1) or names; comma-separated."
)
_ignore = click.option("--ignore", multiple=True, help="Rules to leave out, as for --select.")
_color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output; auto: on a TTY, unless NO_COLOR is set or TERM=dumb "
    "(FORCE_COLOR forces it).",
)


_cache_options = [
    click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        default=".job2pod_cache",
        show_default=True,
        help="Where results of unchanged files are kept.",
    ),
]


_F = TypeVar("_F", bound=Callable[..., Any])


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
@_select
@_ignore
@click.option(
    "--fail-on",
    type=click.Choice(_FAIL_ON),
    help="Lowest severity that makes the exit code 1 (default: warning).",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule (text or json) instead of the findings.",
)
@click.option("--stdin-filename", help="Path (and language) of what `-` reads from stdin.")
@_color_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report only findings that are not in this baseline (see `job2pod baseline`).",
)
@click.option(
    "--changed-since", help="Check only files changed since this git ref (and untracked ones)."
)
@click.option("--shard", help="Check only the stable K-th of N parts of the files (CI matrices).")
@_with_cache_options
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    config: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    statistics: bool,
    stdin_filename: str | None,
    color: str,
    jobs: int | None,
    baseline_path: str | None,
    changed_since: str | None,
    shard: str | None,
    no_cache: bool,
    cache_dir: str,
) -> None:
    """Check PATHS (files, directories, or - for stdin) and report findings."""
    from linter import reporters, run
    from linter.engine import check_bytes
    from linter.reporters import Report

    cache_root = None if no_cache else Path(cache_dir)
    options = _options(paths, config, select, ignore, fail_on=fail_on, output_format=output_format)
    rules, ruleset = options.rules, options.ruleset
    output_format, fail_on = options.output_format, options.fail_on
    shard_spec = _parse_shard(shard)
    if statistics and output_format not in ("text", "json"):
        raise UsageProblem(f"--statistics prints text or json, not {output_format}")
    findings: list[Finding] = []
    files = 0
    inputs = list(paths) or ["."]
    if "-" in inputs:
        if not stdin_filename:
            raise UsageProblem(
                "reading stdin (-) needs --stdin-filename for positions and language"
            )
        data = sys.stdin.buffer.read()
        language = run.language_for(stdin_filename)
        findings.extend(check_bytes(stdin_filename, data, ruleset, language=language).findings)
        files += 1
        inputs = [p for p in inputs if p != "-"]
    targets = _inputs(inputs, options) if inputs else []
    if changed_since is not None:
        targets = _changed(targets, changed_since)
    if shard_spec is not None:
        targets = run.shard(targets, *shard_spec)
    cache = None if cache_root is None else _result_cache(cache_root, ruleset)
    result = run.check_files(
        targets,
        ruleset,
        jobs=jobs or run.default_jobs(),
        cache=cache,
        progress=output_format == "text" and _isatty(sys.stderr) and not os.environ.get("CI"),
    )
    for error in result.errors:
        click.echo(f"job2pod: {error}", err=True)
    findings.extend(result.findings)
    files += result.files
    findings.sort(key=lambda f: f.sort_key())
    if baseline_path is not None:
        findings = _without_baseline(findings, Path(baseline_path))
    report = Report(
        findings,
        rules,
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
    sys.exit(EXIT_FINDINGS if _fails(findings, fail_on) else EXIT_CLEAN)


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


def _without_baseline(findings: list[Finding], path: Path) -> list[Finding]:
    from linter import baseline

    try:
        return baseline.new_findings(findings, baseline.load(path))
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from exc


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _result_cache(root: Path, ruleset: RuleSet) -> ResultCache:
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
@_select
@_ignore
def baseline_command(
    paths: tuple[str, ...],
    output: str,
    config: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> None:
    """Record today's findings in PATHS; `check --baseline FILE` then reports only new ones."""
    from linter import baseline, run

    options = _options(paths, config, select, ignore)
    result = run.check_files(_inputs(paths, options), options.ruleset, jobs=run.default_jobs())
    Path(output).write_text(baseline.dump(result.findings), encoding="utf-8")
    from linter.reporters.text import counted

    click.echo(f"Recorded {counted(len(result.findings), 'finding')} in {output}.")


@cli.command()
@click.option(
    "--cache-dir", type=click.Path(file_okay=False), default=".job2pod_cache", show_default=True
)
def clean(cache_dir: str) -> None:
    """Remove the result cache."""
    import shutil

    root = Path(cache_dir)
    if (root / ".gitignore").is_file() or not root.exists():
        shutil.rmtree(root, ignore_errors=True)
        click.echo(f"removed {root}")
    else:
        raise UsageProblem(f"{root} does not look like a job2pod cache; not removed")


def _inputs(paths: Sequence[str], options: Options) -> list[str]:
    from linter.discover import discover

    inputs = list(paths) or ["."]
    for missing in (p for p in inputs if not Path(p).exists()):
        raise UsageProblem(f"no such file or directory: {missing}")
    return discover(inputs, exclude=options.excluded if options.exclude else None)


def _fix_run(
    paths: Sequence[str], options: Options, unsafe: bool, write: bool
) -> list[tuple[str, PathFix]]:
    from linter import run
    from linter.fixes import fix_path

    run.tune_gc()
    return [
        (path, fix_path(path, options.ruleset, unsafe=unsafe, write=write))
        for path in _inputs(paths, options)
    ]


def _planned_run(paths: Sequence[str], options: Options, write: bool) -> Migration:
    """The migration plan over PATHS. An interrupted run says which files it wrote
    (fixes.WRITTEN, see main)."""
    from linter import run
    from linter.migration.plan import migrate

    run.tune_gc()
    renames: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for rule in options.ruleset.rules:
        if rule.check == "code_renamed_field":
            params = rule.params()
            renames = (dict(params.renames), dict(params.identifiers))
    return migrate(
        _inputs(paths, options),
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
@_select
@_ignore
@click.option("--fail-on", type=click.Choice(_FAIL_ON))
@_color_option
def fix(
    paths: tuple[str, ...],
    unsafe_fixes: bool,
    diff: bool,
    config: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    color: str,
) -> None:
    """Apply fixes to PATHS (safe ones; --unsafe-fixes for all), then report what is left.

    Exit code 1 when a file was rewritten (pre-commit's convention) or findings remain."""
    from linter.fixes import unified_diff
    from linter.reporters import Report, reporter
    from linter.reporters.text import counted

    options = _options(paths, config, select, ignore, fail_on=fail_on)
    rules = options.rules
    if unsafe_fixes:
        # Unsafe fixes are a migration's: they apply by the plan, unit by unit.
        results = _planned_run(paths, options, write=not diff).outcomes
    else:
        results = _fix_run(paths, options, unsafe=False, write=not diff)
    changed = [o.fix for _, o in results if o.fix is not None and o.fix.changed]
    _echo_fix_notes(results)
    if diff:
        click.echo("".join(unified_diff(c) for c in changed), nl=False)
        sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    remaining = sorted((f for _, o in results for f in o.findings), key=lambda f: f.sort_key())
    applied = sum(len(c.applied) for c in changed)
    report = Report(remaining, rules, len(results), color=_color(color, sys.stdout))
    click.echo(reporter("text")(report), nl=False)
    if changed:
        click.echo(f"Fixed {counted(applied, 'finding')} in {counted(len(changed), 'file')}.")
    failed = bool(changed) or _fails(remaining, options.fail_on) or any(o.error for _, o in results)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


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
@_select
@_ignore
@click.option(
    "--fail-on",
    type=click.Choice(_FAIL_ON),
    help="Exit 1 when findings at this severity still need a human (default: warning).",
)
def migrate(
    paths: tuple[str, ...],
    report_path: str | None,
    dry_run: bool,
    config: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
) -> None:
    """Run the whole migration on PATHS (every fix, unsafe ones included) and report what
    was rewritten and what still needs a human."""
    from linter.fixes import unified_diff
    from linter.reporters.markdown import MigrationReport, render

    options = _options(paths, config, select, ignore, migrate=True, fail_on=fail_on)
    migration = _planned_run(paths, options, write=not dry_run)
    results = migration.outcomes
    _echo_fix_notes(results)
    if dry_run:
        changed = [o.fix for _, o in results if o.fix is not None and o.fix.changed]
        click.echo("".join(unified_diff(c) for c in changed), nl=False)
    text = render(MigrationReport(migration, dry_run=dry_run))
    if report_path:
        Path(report_path).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    remaining = [f for _, o in results for f in o.findings]
    failed = _fails(remaining, options.fail_on) or any(o.error for _, o in results)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command(name="rules")
@click.argument("rule", required=False)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text"
)
@_config
def rules_command(rule: str | None, output_format: str, config: str | None) -> None:
    """List the rule catalog (custom rules of the config included), or explain one RULE."""
    from linter import ruledocs

    catalog = _options(["."], config, (), ()).catalog
    if rule is not None:
        chosen = [r for r in catalog if r.id == rule or r.name == rule]
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
@click.argument("root", default=".", type=click.Path(file_okay=False))
def generate(check_only: bool, root: str) -> None:
    """Regenerate docs/rules.md and schemas/*.json from the catalog and models."""
    from linter import generated

    names = generated.stale(Path(root)) if check_only else generated.write(Path(root))
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
