"""`migrate` (and `fix --unsafe-fixes` over a tree): plan over every file, then edit.

1. Read every file; name the Python modules and what clients they hand each other.
2. Check every file (the checks see the tree's clients) and take each file's inventory.
3. Group the members into units and judge each: it converts only if every member does.
4. Decide what many units share: the RBAC grant of batch Jobs (removed only when no unit
   that stays needs it), the renamed status field (renamed only when every file that names
   it converts and the code that writes it is in the tree), the renamed functions (only
   where every definition and use is in the tree, never a public API).
5. Apply each file's allowed fixes in memory, through the fix loop that re-checks every
   pass; a unit whose fixes did not all apply stays, and the files are fixed again
   without it. Only when every edit of the plan is computed and verified is a file written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from linter.engine import RuleSet, check_text
from linter.findings import Finding
from linter.fixes import FileFix, PathFix, fix_text
from linter.kube import rbac
from linter.levels import FixSafety
from linter.migration import controllers, go_controllers, manifests, tree
from linter.migration.gate import FileGate, Site
from linter.migration.units import Member, Place, Unit, group, judge
from linter.sources.text import DecodedText, LineIndex, UndecodableError, decode

MAX_ROUNDS = 8
_INDEXED_WORDS = (b"Kustomization", b"Job", b"Role")
_CODE_SUFFIXES = (".py", ".go")


@dataclass
class SourceFile:
    path: str
    language: str
    data: bytes
    decoded: DecodedText
    findings: list[Finding] = field(default_factory=list)
    # The rules it is checked and fixed with (a client factory's ignore the prefilter).
    ruleset: RuleSet | None = None

    @property
    def text(self) -> str:
        return self.decoded.text


@dataclass
class Shared:
    """A decision on what several units share, for the report."""

    what: str
    decision: str
    places: list[Place] = field(default_factory=list)
    applied: bool = False
    # The units whose chain it is part of, and whether it keeps them from converting: a
    # change they need that cannot be made (a generated CRD, a public name, a templated
    # grant) makes them stay, as any member of theirs would.
    tied: list[Unit] = field(default_factory=list)
    blocks: bool = False


@dataclass
class Plan:
    units: list[Unit] = field(default_factory=list)
    shared: list[Shared] = field(default_factory=list)
    # Sites (by path) whose fixes apply beyond the units': RBAC rules, renames.
    extra_sites: dict[str, list[Site]] = field(default_factory=dict)
    frozen: dict[str, list[Place]] = field(default_factory=dict)
    policy_rules: frozenset[str] = frozenset()
    # Fixes the fix loop refused (path, offset in the original text) and why: they are not
    # offered again, and the report says so.
    refused: dict[tuple[str, int], str] = field(default_factory=dict)
    yaml_facts: list[manifests.ManifestFacts] = field(default_factory=list)
    code_facts: list[controllers.ControllerFacts] = field(default_factory=list)
    go_facts: list[go_controllers.GoFacts] = field(default_factory=list)
    rename_public: bool = False
    # The tree facts the checks see: the plan adds its RBAC decisions to them.
    facts: tree.TreeFacts = field(default_factory=tree.TreeFacts)

    def converting(self) -> list[Unit]:
        return [u for u in self.units if u.converts]


@dataclass
class Migration:
    plan: Plan
    outcomes: list[tuple[str, PathFix]]
    errors: list[str] = field(default_factory=list)
    # The gates the files were fixed through: which fixes applied at which site.
    gates: dict[str, FileGate] = field(default_factory=dict)

    def applied_at(self, member: Member) -> list[str]:
        gate = self.gates.get(member.place.path)
        if gate is None:
            return []
        return [
            title
            for site in gate.sites
            if site.origin == member.place.start and site.rules & member.rules
            for title in site.applied
        ]


def migrate(
    paths: Sequence[str],
    ruleset: RuleSet,
    write: bool,
    renames: tuple[dict[str, str], dict[str, str]],
    rename_public: bool = False,
    jobs: int = 1,
) -> Migration:
    """The whole plan over `paths`, then (if `write`) the files it rewrites. Every file is
    checked (over `jobs` processes, as `check` does); only those with something for the
    plan are kept in memory to be fixed."""
    from linter import run

    python = _texts([p for p in paths if run.language_for(p) == "python"], ruleset)
    facts = tree.scan(python, python)
    tree.resolve(facts, python)
    planned = ruleset_with(ruleset, facts)
    # A module that hands out a client is checked whole: its factory converts with the
    # calls of other modules, whatever tokens it holds itself.
    exporters = {info.path for info in facts.by_path.values() if facts.exports.get(info.name)}
    unfiltered = replace(planned, prefilter=False)
    checked = run.check_files([p for p in paths if p not in exporters], planned, jobs=jobs)
    found: dict[str, list[Finding]] = {}
    for finding in checked.findings:
        found.setdefault(finding.path, []).append(finding)
    files, errors = _read(paths, found, exporters)
    errors = [*checked.errors, *errors]
    for source in files:
        source.ruleset = unfiltered if source.path in exporters else planned
        if source.path in exporters:
            found[source.path] = check_text(source.path, source.text, unfiltered, source.language)
        source.findings = found.get(source.path, [])
    plan = decide(files, facts, planned, renames, rename_public)
    fixed, file_gates = _apply(files, plan, planned)
    kept = {f.path for f in files}
    valid = _names_of_kept_jobs(plan)
    outcomes = []
    for path in paths:
        result = fixed.get(path)
        findings = _on_disk_lines(found.get(path, []), result)
        findings = [f for f in findings if not _names_kept_job(valid.get(path, ()), f)]
        outcomes.append((path, PathFix(result, findings)))
    if write:
        # What units share (the Role, the CRD) first: a run killed half-way leaves units
        # that still convert, and the next run finishes them; the other way round, Pods
        # whose Role still grants Jobs would tie the grant to nothing that converts.
        shared = set(plan.extra_sites)
        ordered = sorted(outcomes, key=lambda o: o[0] not in shared)
        _write([f for f in files if f.path in kept], ordered)
    return Migration(plan, outcomes, errors, file_gates)


def _names_kept_job(spans: Sequence[tuple[int, int]], finding: Finding) -> bool:
    return finding.rule_id in ("JP207", "JP304") and any(
        s <= finding.span.start and finding.span.end <= e for s, e in spans
    )


def _names_of_kept_jobs(plan: Plan) -> dict[str, list[tuple[int, int]]]:
    """The JP207 selectors and JP304 owner references that name a Job which stays a Job
    somewhere in the tree, as spans by path: they keep working (the headless Service of
    an Indexed Job is the documented pattern), so they are no finding of the migration."""
    # Only Jobs kept for their Job features: a thin wrapper that is blocked still migrates
    # one day, and its selectors with it.
    staying = {n for f in plan.yaml_facts for n in f.kept_jobs}
    found: dict[str, list[tuple[int, int]]] = {}
    for facts in plan.yaml_facts:
        for start, end, name in facts.naming:
            if name in staying:
                found.setdefault(facts.path, []).append((start, end))
    return found


def _on_disk_lines(original: list[Finding], result: FileFix | None) -> list[Finding]:
    """What is left to a human, where the file read says it is: a finding the fixes left
    alone keeps its place in the original text (a dry run's report names the file on
    disk); one the fixes made (a message that changed) has only its new place. The fixes
    applied in later passes are named by their original place the same way."""
    if result is None:
        return original
    before = {f.fingerprint: f for f in original}
    result.applied = [
        f if f.fingerprint not in before else _with_fix(before[f.fingerprint], f)
        for f in result.applied
    ]
    return [before.get(f.fingerprint, f) for f in result.remaining]


def _with_fix(original: Finding, applied: Finding) -> Finding:
    return original._replace(fix=applied.fix)


def ruleset_with(ruleset: RuleSet, facts: tree.TreeFacts) -> RuleSet:
    return replace(ruleset, context=ruleset.context._replace(tree=facts))


def _texts(paths: Sequence[str], ruleset: RuleSet) -> dict[str, str]:
    """The Python modules' texts, for the tree's names and imports."""
    found: dict[str, str] = {}
    for path in paths:
        try:
            data = Path(path).read_bytes()
            if len(data) <= ruleset.max_file_size:
                found[path] = decode(data).text
        except (OSError, UndecodableError):
            continue
    return found


def _read(
    paths: Sequence[str], found: dict[str, list[Finding]], exporters: set[str]
) -> tuple[list[SourceFile], list[str]]:
    """The files the plan looks at again: those with findings, the client factories, and
    the manifests that name Jobs, Kustomizations or Roles (a patch of a Job, a Role with
    templated rules has no finding of its own to show)."""
    from linter.run import language_for

    files: list[SourceFile] = []
    errors: list[str] = []
    for path in paths:
        language = language_for(path)
        wanted = path in found or path in exporters
        if not wanted and language != "yaml":
            continue
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            if wanted:
                errors.append(f"cannot read {path}: {exc.strerror}")
            continue
        if not wanted and not any(w in data for w in _INDEXED_WORDS):
            continue
        try:
            decoded = decode(data)
        except UndecodableError:
            continue
        files.append(SourceFile(path, language, data, decoded))
    return files, errors


# -- deciding --------------------------------------------------------------------------


def decide(
    files: Sequence[SourceFile],
    facts: tree.TreeFacts,
    ruleset: RuleSet,
    renames: tuple[dict[str, str], dict[str, str]],
    rename_public: bool,
) -> Plan:
    from linter.sources import python
    from linter.sources.yaml import parse

    yaml_facts: list[manifests.ManifestFacts] = []
    code_facts: list[controllers.ControllerFacts] = []
    go_facts: list[go_controllers.GoFacts] = []
    go_packages = {go_controllers.package_of(f.path)[0] for f in files if f.language == "go"}
    for source in files:
        # A Kustomization, a patch of a Job, a Role with templated rules: none has a
        # finding of its own to show for what it does to the plan (_read kept them).
        if not source.findings and source.language != "yaml":
            continue
        if source.language == "go":
            go_facts.append(
                go_controllers.index(source.path, source.text, source.findings, sorted(go_packages))
            )
            continue
        if source.language == "python":
            module = python.parse(source.text)
            if module.problems:
                continue
            module.path = source.path
            module.planned = True
            module.imported_clients = facts.imported_clients(source.path)
            code_facts.append(
                controllers.index(
                    source.path, module, source.findings, facts, renames, rename_public
                )
            )
        elif source.language == "yaml":
            yaml_facts.append(manifests.index(source.path, parse(source.text), source.findings))
    _mark_generated_roles(yaml_facts)
    _tie_patches(yaml_facts)
    _tie_handlers(code_facts)
    _tie_pending(code_facts)
    _tie_clients(code_facts)
    members = [m for f in yaml_facts for m in f.members] + [
        m for f in code_facts for m in f.members
    ]
    members += [m for f in go_facts for m in f.members]
    members.sort(key=lambda m: (m.place.path, m.place.start))
    roots = {f.path: controllers.root_of(f.module, f.path) for f in code_facts}
    plan = Plan(units=_units(members, roots))
    judge(plan.units)
    plan.policy_rules = frozenset(
        r.id for r in ruleset.rules if r.fix.safety is FixSafety.SAFE and r.fixable
    )
    for facts_of_file in yaml_facts:
        for _, where in facts_of_file.partial_jobs:
            plan.frozen.setdefault(where.path, []).append(where)
    plan.yaml_facts, plan.code_facts, plan.rename_public = yaml_facts, code_facts, rename_public
    plan.facts = facts
    plan.go_facts = go_facts
    decide_shared(plan)
    return plan


def decide_shared(plan: Plan) -> None:
    """What the units share, from their verdicts (again, when a unit's fixes failed). A
    shared change that a converting unit needs and that cannot be made makes that unit
    stay, which may change other decisions: decided again until nothing moves."""
    for _ in range(MAX_ROUNDS):
        plan.shared, plan.extra_sites = [], {}
        _decide_rbac(plan, plan.yaml_facts, plan.code_facts)
        _decide_fields(plan, plan.yaml_facts, plan.code_facts)
        _decide_names(plan, plan.code_facts, plan.rename_public)
        for shared in plan.shared:
            refused = [plan.refused.get((p.path, p.start)) for p in shared.places]
            reason = next((r for r in refused if r is not None), None)
            if reason is not None and shared.applied:
                shared.applied = False
                shared.blocks = True
                shared.decision = f"not applied ({reason})"
                for place in shared.places:
                    sites = plan.extra_sites.get(place.path, [])
                    plan.extra_sites[place.path] = [s for s in sites if s.origin != place.start]
        moved = False
        for shared in plan.shared:
            for unit in shared.tied if shared.blocks else ():
                if unit.converts:
                    where = shared.places[0] if shared.places else ""
                    unit.reason = f"{shared.what} ({where}): {shared.decision}"
                    moved = True
        if not moved:
            return


_NAMING = ("selector", "owner-reference", "patch", "sink")
# The rules whose occurrences are code that writes the status field (Python, Go).
_WRITING_RULES = ("JP505", "JP602")


def _units(members: list[Member], roots: dict[str, str]) -> list[Unit]:
    """The units. What names a Job by name that no scanned file builds (a Service's
    selector, a recorded Pod's owner) belongs to no unit: the report still lists its
    finding. Calls that no Job of their own ties to a path (a delete by name on a client
    made on the spot) belong to every path of their module, else of their package: they
    could be any of them."""
    built = {key for m in members if m.kind == "job" for key in m.links}
    members = [
        m
        for m in members
        if m.kind not in _NAMING
        or (m.place.path in roots and m.kind != "sink")
        or set(m.links) & built
    ]
    # A client no scanned call uses (a factory nobody here calls) takes part in nothing.
    used = {key for m in members if m.kind != "client" for key in m.links}
    members = [m for m in members if m.kind != "client" or set(m.links) & used]
    units = group(members)
    scopes: list[Callable[[str], str]] = [
        lambda path: f"module:{path}",
        lambda path: f"root:{roots.get(path, path)}",
    ]
    for scope in scopes:
        orphans = {
            scope(m.place.path)
            for u in units
            if not any(m.kind == "job" for m in u.members)
            for m in u.members
            if m.place.path in roots and m.kind != "client"
        }
        if not orphans:
            break
        for member in members:
            key = scope(member.place.path) if member.place.path in roots else None
            if key in orphans and key not in member.links:
                member.links = (*member.links, key)
        units = group(members)
    return units


def _mark_generated_roles(yaml_facts: Sequence[manifests.ManifestFacts]) -> None:
    """A kubebuilder project's `config/rbac/role.yaml` is controller-gen's output when its
    CRDs are: beside a generated CRD, the manager's Role comes from `+kubebuilder:rbac`
    markers of Go code, and an edit of the YAML is undone by the next `make manifests`."""
    generated_crds = [
        f.path for f in yaml_facts if any(o.generated for o in f.occurrences) or f.generated
    ]
    for facts in yaml_facts:
        if not facts.path.endswith(manifests.GENERATED_ROLE):
            continue
        root = facts.path[: -len("rbac/role.yaml")]
        if any(path.startswith(root) for path in generated_crds):
            for grant in facts.grants:
                grant.generated = (
                    "generated by controller-gen from `+kubebuilder:rbac` markers of Go code"
                )


def _tie_patches(yaml_facts: Sequence[manifests.ManifestFacts]) -> None:
    """A Job that a Kustomize patch targets converts only with its patch, which job2pod
    does not rewrite: the patch (a file a kustomization names, or a partial Job of the
    same name) keeps the Job a Job."""
    by_path = {f.path: f for f in yaml_facts}
    patched: dict[str, Place] = {}
    for facts in yaml_facts:
        for reference in facts.patch_references:
            if reference.path is not None:
                target = by_path.get(manifests.resolve_patch_path(facts.path, reference.path))
                for name, where in target.partial_jobs if target is not None else ():
                    patched.setdefault(name or "?", where)
            # A target that names a Job of the tree without saying its kind is that Job's.
            if reference.target_kind in ("Job", None) and reference.target_name:
                patched.setdefault(reference.target_name, reference.kustomization)
        for name, where in facts.partial_jobs:
            patched.setdefault(name or "?", where)
    for facts in yaml_facts:
        for member in facts.members:
            if member.kind != "job":
                continue
            name = member.what.split(" ", 1)[1]
            patch = patched.get(name)
            if patch is not None and patch.path != member.place.path:
                where = patch
                facts.members.append(
                    Member(
                        "patch",
                        where,
                        f"the Kustomize patch of Job {name}",
                        member.links,
                        blocker=(
                            f"a Kustomize patch of the Job ({where}) would no longer find it: "
                            "job2pod does not rewrite patches with their base"
                        ),
                    )
                )


def _tie_handlers(code_facts: Sequence[controllers.ControllerFacts]) -> None:
    """A kopf handler on Jobs watches the Jobs of its operator that carry the labels it
    filters on (all of them when it filters on none)."""
    producers = [p for f in code_facts for p in f.producers]
    for facts in code_facts:
        for handler in facts.handlers:
            watched = [
                p
                for p in producers
                if p.root == handler.root
                and (not handler.labels or set(handler.labels) & set(p.labels))
            ]
            if not watched:
                handler.member.blocker = "it watches Jobs that no code of the scanned paths builds"
                continue
            keys = [k for p in watched for k in p.member.links[:1]]
            handler.member.links = tuple(dict.fromkeys([*handler.member.links, *keys]))


def _tie_pending(code_facts: Sequence[controllers.ControllerFacts]) -> None:
    """A create call whose Job another module's function returns: that function must build
    a Job the tree can read."""
    returned = {k for f in code_facts for m in f.members if m.kind == "job" for k in m.links}
    for facts in code_facts:
        for member, key in facts.pending:
            if key not in returned and member.blocker is None:
                module, _, name = key[len("returns:") :].partition(":")
                member.blocker = (
                    f"{member.what} creates the Job that `{name}` of {module} returns, "
                    "which builds no Job job2pod can read"
                )


def _tied(units: dict[str, Unit], keys: Iterable[str]) -> list[Unit]:
    found: list[Unit] = []
    for key in keys:
        unit = units.get(key)
        if unit is not None and all(unit is not u for u in found):
            found.append(unit)
    return found


def _tie_clients(code_facts: Sequence[controllers.ControllerFacts]) -> None:
    """Calls on a client another module creates convert only with that construction: a
    call whose client no scanned module can rewrite (built by a library, or in a module
    job2pod could not read) keeps its unit a Job."""
    for facts in code_facts:
        for member in facts.members:
            if member.kind != "client" or member.blocker is not None:
                continue
            for key in member.links:
                path = key[len("client:") :].rsplit(":", 1)[0] if key.startswith("client:") else ""
                if (
                    path
                    and path != facts.path
                    and not any(
                        key in m.links
                        for f in code_facts
                        if f.path == path
                        for m in f.members
                        if m.kind == "client"
                    )
                ):
                    member.blocker = (
                        f"its client is created in {path}, which job2pod cannot rewrite with it"
                    )


def _unit_of(units: Iterable[Unit]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for unit in units:
        for member in unit.members:
            for key in member.links:
                found[key] = unit
    return found


def _decide_rbac(
    plan: Plan,
    yaml_facts: Sequence[manifests.ManifestFacts],
    code_facts: Sequence[controllers.ControllerFacts],
) -> None:
    grants = [g for f in yaml_facts for g in f.grants]
    if not grants:
        return
    code_units = [
        u for u in plan.units if any(m.place.path.endswith(_CODE_SUFFIXES) for m in u.members)
    ]
    staying_code = [u for u in code_units if not u.converts]
    needed = tuple(
        dict.fromkeys(g for u in code_units if u.converts for m in u.members for g in m.grants)
    )
    plan.facts.roles.clear()
    if code_units and needed:
        for grant in grants:
            plan.facts.roles[grant.place.path] = tree.RolePlan(bool(staying_code), needed)
    # The rbac markers a generated Role comes from, when the tree holds them (Go code):
    # the Role is then edited with them, in the same run.
    markers_here = any(m.kind == "rbac" for f in plan.go_facts for m in f.members)
    if code_units:
        keep = bool(staying_code)
        decision = (
            f"kept: {staying_code[0].title} stays a Job and its code still calls the Batch API"
            if keep
            else "removed: every unit whose code calls the Batch API converts"
        )
    else:
        # No scanned code calls the Batch API: DESIGN.md's rule, on the manifests alone,
        # once something of the tree converts at all.
        kept_jobs = [n for f in yaml_facts for n in f.kept_jobs]
        staying = [u for u in plan.units if not u.converts]
        keep = bool(kept_jobs or staying or not plan.converting())
        if not plan.converting():
            reason = "kept: nothing of the scanned paths converts"
        elif kept_jobs:
            reason = f"kept: Job {kept_jobs[0]} stays a Job"
        elif staying:
            reason = f"kept: {staying[0].title} stays a Job"
        else:
            reason = "removed: no Job of the scanned paths stays a Job"
        decision = f"no scanned code is tied to the grant; {reason}"
    for grant in grants:
        shared = Shared(f"RBAC {grant.role}: batch jobs", decision, [grant.place])
        if grant.templated:
            shared.what = f"RBAC {grant.role}"
            shared.decision = (
                "its rules are rendered by a template: job2pod cannot tell whether they grant "
                "Jobs, nor give them the pods the converted code needs"
            )
            shared.tied, shared.blocks = [u for u in code_units if u.converts], True
        elif grant.aggregated:
            shared.decision = (
                "kept: an aggregated ClusterRole's rules are managed by its aggregationRule"
            )
        elif grant.generated is not None and not keep and not markers_here:
            shared.decision = f"kept: the Role is {grant.generated}, which are not scanned"
            shared.tied, shared.blocks = [u for u in code_units if u.converts], True
        elif not keep and grant.fixable:
            plan.extra_sites.setdefault(grant.place.path, []).append(
                Site(grant.place.start, grant.place.end, frozenset({"JP101"}))
            )
            shared.applied = True
            shared.decision += f"; the converted code gets {_shown(needed)}" if needed else ""
        elif keep and needed and plan.converting():
            missing = rbac.missing_grants(_grants_of(needed), grant.rules)
            if missing:
                plan.extra_sites.setdefault(grant.place.path, []).append(
                    Site(grant.place.start, grant.place.end, frozenset({"JP101"}), persists=True)
                )
                shared.applied = True
                shared.decision += f"; the converted code gets {_shown(needed)} beside it"
            else:
                shared.decision += "; it already grants what the converted code needs on pods"
        elif not keep:
            shared.decision = "kept: the rule is templated or cannot be edited in place"
            # The converted code needs the pods grant this rule cannot be given.
            shared.tied, shared.blocks = [u for u in code_units if u.converts], True
        plan.shared.append(shared)


def _grants_of(needed: Sequence[tuple[str, str]]) -> list[rbac.Grant]:
    by_resource: dict[str, list[str]] = {}
    for resource, verb in needed:
        by_resource.setdefault(resource, []).append(verb)
    return [rbac.Grant((r,), tuple(dict.fromkeys(v))) for r, v in by_resource.items()]


def _shown(needed: Sequence[tuple[str, str]]) -> str:
    return ", ".join(
        f"{', '.join(g.verbs)} on {', '.join(g.resources)}" for g in _grants_of(needed)
    )


def _decide_fields(
    plan: Plan,
    yaml_facts: Sequence[manifests.ManifestFacts],
    code_facts: Sequence[controllers.ControllerFacts],
) -> None:
    occurrences = [o for f in yaml_facts for o in f.occurrences] + [
        o for f in code_facts for o in f.occurrences
    ]
    occurrences += [o for f in plan.go_facts for o in f.occurrences]
    by_name: dict[str, list[manifests.Occurrence]] = {}
    for occurrence in occurrences:
        by_name.setdefault(occurrence.name, []).append(occurrence)
    units = _unit_of(plan.units)
    for name, found in sorted(by_name.items()):
        reason = _field_blocker(plan, found, units)
        places = [o.place for o in found]
        tied = _tied(units, (k for o in found for k in o.links))
        shared = Shared(f"status field `{name}`", reason or "renamed", places, tied=tied)
        shared.blocks = reason is not None and bool(plan.converting())
        if reason is None:
            for occurrence in found:
                plan.extra_sites.setdefault(occurrence.place.path, []).append(
                    Site(occurrence.place.start, occurrence.place.end, frozenset({occurrence.rule}))
                )
            shared.applied = True
        plan.shared.append(shared)


def _field_blocker(
    plan: Plan, found: Sequence[manifests.Occurrence], units: dict[str, Unit]
) -> str | None:
    if not plan.converting():
        return "not renamed: no unit of the scanned paths converts"
    # The generated files rename with their source when it is in the tree (Go API types).
    source_here = any(o.defines for o in found)
    for occurrence in found:
        if occurrence.generated is not None and not source_here:
            return f"not renamed: {occurrence.place.path} is {occurrence.generated}, which are not in the scanned paths"
        if not occurrence.fixable:
            return f"not renamed: {occurrence.place} cannot be renamed in place"
        tied = [units[k] for k in occurrence.links if k in units]
        staying = next((u for u in tied if not u.converts), None)
        if staying is not None:
            return f"not renamed: {occurrence.place} belongs to {staying.title}, which stays a Job"
    if not any(o.writes and o.rule in _WRITING_RULES for o in found):
        return (
            "not renamed: no code of the scanned paths writes it (the controller that does is "
            "elsewhere and would go on writing the old name, which the API server prunes)"
        )
    return None


def _decide_names(
    plan: Plan, code_facts: Sequence[controllers.ControllerFacts], rename_public: bool
) -> None:
    uses = [n for f in code_facts for n in f.names]
    units = _unit_of(plan.units)
    by_target: dict[tuple[str, str] | None, list[controllers.NameUse]] = {}
    for use in uses:
        by_target.setdefault(use.target, []).append(use)
    for target, found in sorted(by_target.items(), key=lambda kv: str(kv[0])):
        if target is None:
            continue
        name = found[0].name
        reason = None
        definitions = [u for u in found if u.defines]
        strays = [u for u in by_target.get(None, []) if u.name == name]
        if not definitions:
            reason = f"not renamed: `{name}` is defined outside the scanned paths"
        elif strays:
            why = strays[0].why or f"uses a `{name}` job2pod cannot tie to its definition"
            reason = f"not renamed: {strays[0].place}: {why}"
        elif any(not u.fixable for u in found):
            bad = next(u for u in found if not u.fixable)
            reason = f"not renamed: {bad.place} cannot be renamed in place"
        elif not rename_public and any(d.public for d in definitions):
            reason = (
                f"not renamed: `{name}` is a public name of the package {target[0]} "
                "(callers outside the tree may import it; `rename-public: true` allows it)"
            )
        else:
            tied = [units[k] for d in definitions for k in d.links if k in units]
            if not tied:
                reason = f"not renamed: `{name}` does nothing job2pod ties to a unit"
            elif any(not u.converts for u in tied):
                staying = next(u for u in tied if not u.converts)
                reason = f"not renamed: `{name}` belongs to {staying.title}, which stays a Job"
        tied = _tied(units, (k for u in found for k in u.links))
        shared = Shared(
            f"name `{target[0]}.{target[1]}`",
            reason or "renamed",
            [u.place for u in found],
            tied=tied,
            blocks=reason is not None,
        )
        if reason is None:
            for use in found:
                plan.extra_sites.setdefault(use.place.path, []).append(
                    Site(use.place.start, use.place.end, frozenset({"JP505"}))
                )
            shared.applied = True
        plan.shared.append(shared)


# -- applying --------------------------------------------------------------------------


def gates(plan: Plan) -> dict[str, FileGate]:
    found: dict[str, FileGate] = {}
    for unit in plan.converting():
        for member in unit.members:
            if member.rules:
                gate = found.setdefault(member.place.path, FileGate(policy_rules=plan.policy_rules))
                gate.sites.append(
                    Site(member.place.start, member.place.end, member.rules, member.required)
                )
    for path, sites in plan.extra_sites.items():
        gate = found.setdefault(path, FileGate(policy_rules=plan.policy_rules))
        gate.sites.extend(
            Site(s.start, s.end, s.rules, s.required, persists=s.persists) for s in sites
        )
    for path, places in plan.frozen.items():
        gate = found.setdefault(path, FileGate(policy_rules=plan.policy_rules))
        gate.frozen.extend(Site(p.start, p.end, frozenset()) for p in places)
    return found


def _apply(
    files: Sequence[SourceFile], plan: Plan, ruleset: RuleSet
) -> tuple[dict[str, FileFix], dict[str, FileGate]]:
    """Every file's fixes, computed in memory; a unit one of whose fixes did not apply
    stays, and everything is fixed again without it."""
    results: dict[str, FileFix] = {}
    file_gates: dict[str, FileGate] = {}
    for _ in range(MAX_ROUNDS):
        file_gates = gates(plan)
        results = {}
        failed: list[tuple[str, Site, str]] = []
        for source in files:
            gate = file_gates.get(source.path) or FileGate(policy_rules=plan.policy_rules)
            if not any(gate.allows(f) for f in source.findings if f.fix is not None):
                continue
            result = fix_text(
                source.path,
                source.text,
                source.ruleset or ruleset,
                source.language,
                unsafe=True,
                gate=gate,
            )
            results[source.path] = result
            lines = LineIndex(source.text)
            for site, reason in gate.incomplete(result):
                rule = min(site.rules)
                line = lines.position(site.origin).line
                failed.append((source.path, site, f"line {line}: {rule} fix not applied: {reason}"))
        if not failed or not _give_up(plan, failed):
            return results, file_gates
    return results, file_gates


def _give_up(plan: Plan, failed: Sequence[tuple[str, Site, str]]) -> bool:
    """Mark the units (and shared decisions) whose fixes did not all apply as staying;
    whether anything changed."""
    changed = False
    for path, site, reason in failed:
        for unit in plan.converting():
            member = next(
                (
                    m
                    for m in unit.members
                    if m.place.path == path
                    and m.rules & site.rules
                    and m.place.start == site.origin
                ),
                None,
            )
            if member is not None:
                plan.refused[(path, site.origin)] = reason
                unit.blocked_by = member
                unit.reason = f"its rewrite of {member.what} could not be applied ({reason})"
                changed = True
        if any(s.origin == site.origin for s in plan.extra_sites.get(path, [])):
            plan.refused[(path, site.origin)] = reason
            changed = True
    if changed:
        decide_shared(plan)
    return changed


def _write(files: Sequence[SourceFile], outcomes: list[tuple[str, PathFix]]) -> None:
    """Write what changed, file by file, each one atomically (fixes.write_atomic records
    each file it replaced, so an interrupted run can say which ones are on disk)."""
    from linter.fixes import write_atomic

    by_path = {f.path: f for f in files}
    for path, outcome in outcomes:
        if outcome.fix is None or not outcome.fix.changed:
            continue
        source = by_path[path]
        try:
            data = source.decoded.encode(outcome.fix.fixed)
            write_atomic(Path(path), data, expected=source.data)
        except OSError as exc:
            outcome.error = str(exc)
            continue
        outcome.written = True
