"""Files generated from the code and the catalog; `job2pod generate` writes them, tests compare."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _rules_markdown() -> str:
    from linter import ruledocs
    from linter.catalog import load_catalog

    return ruledocs.catalog_markdown(load_catalog())


def _findings_schema() -> str:
    from linter.reporters import json_schema

    return json_schema.schema()


def _config_schema() -> str:
    import json

    from linter import config

    return json.dumps(config.schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


GENERATED: dict[str, Callable[[], str]] = {
    "docs/rules.md": _rules_markdown,
    "schemas/findings.schema.json": _findings_schema,
    "schemas/config.schema.json": _config_schema,
}


def stale(root: Path) -> list[str]:
    """Generated files under `root` whose content differs from what would be generated."""
    return [
        name
        for name, render in GENERATED.items()
        if not (root / name).is_file() or (root / name).read_text(encoding="utf-8") != render()
    ]


def write(root: Path) -> list[str]:
    written = []
    for name, render in GENERATED.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        content = render()
        if not target.is_file() or target.read_text(encoding="utf-8") != content:
            target.write_text(content, encoding="utf-8")
            written.append(name)
    return written


def source_tree(given: str | None = None) -> Path | None:
    """`given` (default: the tree this job2pod runs from) when it is a job2pod source tree:
    a pyproject.toml of the job2pod distribution beside rules/. The hidden `generate`
    writes only there, never into whatever directory a user happens to be in."""
    root = Path(given) if given is not None else Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    try:
        names_job2pod = 'name = "job2pod"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return root if names_job2pod and (root / "rules").is_dir() else None
