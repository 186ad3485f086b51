"""The Python modules of the scanned tree and what they hand each other: clients.

A controller rarely creates its client where it calls it: a `k8s.py` has the factory, a
wrapper class keeps `self.batches`, the reconciler imports them. Each module's own index says
what it stores and returns; this module names the modules (packages by their `__init__.py`,
as Python finds them), resolves each module's imports inside the tree, relative ones
included, and tells every module what the names it imports hold. Imports are read with
`ast` first: only modules that import a Kubernetes client, or a tree module that hands one
out, are parsed with LibCST.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from linter.kube import clients
from linter.sources.python import PythonSource

_ROUNDS = 4


@dataclass(frozen=True)
class ImportedName:
    """`local` in a module stands for `name` of tree module `module` (None: the module
    itself, imported whole)."""

    local: str
    module: str
    name: str | None


@dataclass
class ModuleInfo:
    path: str
    name: str
    imports: list[ImportedName] = field(default_factory=list)
    kubernetes: bool = False
    # Something starts here: `if __name__ == "__main__":`, a `__main__.py`, kopf handlers.
    entry: bool = False


@dataclass(frozen=True)
class Export:
    """A client a module hands out: a global (`value`), a function's or method's return,
    or an attribute or method of its instances (`class`)."""

    name: str
    kind: str
    cls: str
    origin: str
    site: tuple[str, int]
    member: str | None = None
    member_kind: str = "attr"
    literal: str | None = None


@dataclass(frozen=True)
class RolePlan:
    """What the plan decided for the batch jobs grants of one file's Roles: whether they
    stay (a unit that stays still calls the Batch API), and the pods grant the converted
    code needs, as (resource, verb) pairs (None: the Role is tied to no scanned code, and
    the jobs verbs are mapped as DESIGN.md says)."""

    keep_jobs: bool
    needed: tuple[tuple[str, str], ...] | None


@dataclass
class TreeFacts:
    """What the plan knows across files, handed to the checks of each file."""

    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    by_path: dict[str, ModuleInfo] = field(default_factory=dict)
    exports: dict[str, list[Export]] = field(default_factory=dict)
    roles: dict[str, RolePlan] = field(default_factory=dict)

    def imported_clients(self, path: str) -> tuple[clients.ImportedClient, ...]:
        info = self.by_path.get(path)
        if info is None:
            return ()
        found = []
        for imported in info.imports:
            for export in self.exports.get(imported.module, []):
                if imported.name is not None and export.name != imported.name:
                    continue
                found.append(
                    clients.ImportedClient(
                        local=imported.local,
                        kind=export.kind,
                        cls=export.cls,
                        origin=export.origin,
                        site=export.site,
                        attribute=export.name if imported.name is None else None,
                        member=export.member,
                        member_kind=export.member_kind,
                        literal=export.literal,
                    )
                )
        return tuple(found)


def module_name(path: str) -> str:
    """The dotted name Python gives the file: its packages are the directories above it
    that hold an `__init__.py`."""
    directory, filename = os.path.split(os.path.normpath(path))
    stem = filename[: -len(".py")] if filename.endswith(".py") else filename
    parts = [] if stem == "__init__" else [stem]
    while directory and os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.append(package)
    return ".".join(reversed(parts)) or stem


def scan(paths: Iterable[str], texts: Mapping[str, str]) -> TreeFacts:
    """Names and imports of the tree's Python modules (by `ast`, no LibCST)."""
    facts = TreeFacts()
    parsed: dict[str, ast.Module] = {}
    for path in paths:
        try:
            parsed[path] = ast.parse(texts[path])
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        info = ModuleInfo(path, module_name(path))
        facts.modules.setdefault(info.name, info)
        facts.by_path[path] = info
    for path, tree in parsed.items():
        info = facts.by_path[path]
        info.imports, info.kubernetes = _imports(tree, info, facts.modules)
        info.entry = _is_entry(path, tree)
    return facts


def _is_entry(path: str, tree: ast.Module) -> bool:
    if os.path.basename(path) == "__main__.py":
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            if any(n.split(".")[0] == "kopf" for n in names):
                return True
    return False


def is_library(facts: TreeFacts, path: str) -> bool:
    """Whether the module's names are an API others import: it is part of a package none of
    whose modules starts a program (a library, not a controller run as `python -m` or by
    `kopf run`), so callers outside the scanned paths may use them."""
    info = facts.by_path.get(path)
    if info is None or ("." not in info.name and not path.endswith("__init__.py")):
        return False
    package = info.name.split(".")[0]
    return not any(
        m.entry
        for m in facts.modules.values()
        if m.name == package or m.name.startswith(f"{package}.")
    )


def _imports(
    tree: ast.Module, info: ModuleInfo, modules: Mapping[str, ModuleInfo]
) -> tuple[list[ImportedName], bool]:
    found: list[ImportedName] = []
    kubernetes = False
    package = info.name if info.path.endswith("__init__.py") else info.name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                kubernetes |= alias.name.split(".")[0] in clients.KUBERNETES_LIBRARIES
                target = _find(alias.name, modules)
                if target is not None and alias.asname is not None:
                    found.append(ImportedName(alias.asname, target, None))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                if node.level > 1:
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            kubernetes |= base.split(".")[0] in clients.KUBERNETES_LIBRARIES
            for alias in node.names:
                local = alias.asname or alias.name
                submodule = _find(f"{base}.{alias.name}" if base else alias.name, modules)
                if submodule is not None:
                    found.append(ImportedName(local, submodule, None))
                    continue
                target = _find(base, modules)
                if target is not None and alias.name != "*":
                    found.append(ImportedName(local, target, alias.name))
    return found, kubernetes


def _find(dotted: str, modules: Mapping[str, ModuleInfo]) -> str | None:
    """The tree module `dotted` names, exactly or, when the tree's roots are not where
    Python would look (a `src/` layout scanned from above), by its unique dotted suffix."""
    if not dotted:
        return None
    if dotted in modules:
        return dotted
    matches = [name for name in modules if name.endswith(f".{dotted}")]
    return matches[0] if len(matches) == 1 else None


def needs_index(facts: TreeFacts) -> list[str]:
    """Paths worth parsing for clients: modules that import a Kubernetes library, and
    those that import such a module (transitively)."""
    wanted = {info.name for info in facts.modules.values() if info.kubernetes}
    changed = True
    while changed:
        changed = False
        for info in facts.modules.values():
            if info.name not in wanted and any(i.module in wanted for i in info.imports):
                wanted.add(info.name)
                changed = True
    return [facts.modules[name].path for name in sorted(wanted)]


def resolve(facts: TreeFacts, texts: Mapping[str, str]) -> None:
    """Fill in `facts.exports`: each module's clients, with what it imports from the
    others seeded, round after round until no module hands out anything new."""
    from linter.sources import python

    paths = needs_index(facts)
    for _ in range(_ROUNDS):
        before = {name: list(exports) for name, exports in facts.exports.items()}
        for path in paths:
            source = python.parse(texts[path])
            if source.problems:
                continue
            source.path = path
            source.imported_clients = facts.imported_clients(path)
            facts.exports[facts.by_path[path].name] = _exports(source)
        if facts.exports == before:
            return


def _exports(source: PythonSource) -> list[Export]:
    index = clients.client_index(source)
    found: list[Export] = []
    for key, api in index.bindings.items():
        export = _export_of(key, api, source)
        if export is not None:
            found.append(export)
    for holder, members in index.holders.items():
        for (kind, name, literal), api in members.items():
            site = _site(api, source)
            found.append(
                Export(
                    holder,
                    "class",
                    api.cls.name,
                    _origin(api, source),
                    site,
                    member=name,
                    member_kind=kind,
                    literal=literal if isinstance(literal, str) else None,
                )
            )
    return sorted(found, key=lambda e: (e.name, e.kind, e.member or "", e.literal or ""))


def _export_of(key: tuple[object, ...], api: clients.Api, source: PythonSource) -> Export | None:
    """A module-level name or function of the module, with the client it holds or returns;
    or a module-level instance (`kube = KubeClients()`) and its attribute or method that
    holds or returns one (`kube.task_runs`, `kube.api("batch")`)."""
    kind, inner, literal = "value", key, None
    if key[0] in ("returns", "overload") and isinstance(key[1], tuple):
        kind, inner = str(key[0]), key[1]
        literal = key[2] if key[0] == "overload" and isinstance(key[2], str) else None
    member = None
    if inner[0] == "attr" and isinstance(inner[1], tuple) and inner[1][:2] == ("name", ()):
        member, inner = str(inner[2]), inner[1]
    if inner[0] != "name" or inner[1] != ():
        return None
    return Export(
        str(inner[2]),
        f"instance-{kind}" if member is not None else kind,
        api.cls.name,
        _origin(api, source),
        _site(api, source),
        member=member,
        literal=literal,
    )


def _site(api: clients.Api, source: PythonSource) -> tuple[str, int]:
    if api.site is not None:
        return api.site
    node = api.declaration if api.declared and api.declaration is not None else api.created
    try:
        return source.path, source.span(node).start
    except KeyError:  # a synthetic node: the client of an annotation with no position
        return source.path, 0


def _origin(api: clients.Api, source: PythonSource) -> str:
    if api.site is not None:
        return api.origin
    return f"{api.origin} ({source.path})"
