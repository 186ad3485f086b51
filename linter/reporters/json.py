"""A JSON array of findings; the shape is the pydantic model below (schemas/findings.schema.json)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from linter.findings import Finding
from linter.reporters import Report
from linter.repository import RepositoryPaths


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line: int = Field(ge=1, description="1-based line.")
    column: int = Field(ge=1, description="1-based column, in characters.")


class ObjectRef(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    api_version: str | None = Field(alias="apiVersion", description="apiVersion of the object.")
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None


class FixInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    safety: str = Field(description="`safe` (applied by `fix`) or `unsafe` (`--unsafe-fixes`).")


class FindingOut(BaseModel):
    """One finding of `job2pod check --format json`."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(description="Rule id, e.g. JP201.")
    name: str = Field(description="Rule name, e.g. job-is-thin-wrapper.")
    severity: str = Field(description="error, warning or info.")
    path: str = Field(
        description="File path from the repository root (the git work tree; outside git, the working directory)."
    )
    start: Location
    end: Location
    message: str
    object: ObjectRef | None = Field(description="The Kubernetes object, where there is one.")
    fix: FixInfo | None = Field(description="The fix a `job2pod fix` run would apply.")
    fingerprint: str = Field(description="Stable identity of the finding across line moves.")


FINDINGS = TypeAdapter(list[FindingOut])


def to_model(f: Finding, paths: RepositoryPaths) -> FindingOut:
    obj = None
    if f.obj is not None:
        obj = ObjectRef(
            apiVersion=f.obj.api_version,
            kind=f.obj.kind,
            namespace=f.obj.namespace,
            name=f.obj.name,
        )
    fix = FixInfo(title=f.fix.title, safety=f.fix.safety.value) if f.fix else None
    return FindingOut(
        code=f.rule_id,
        name=f.rule_name,
        severity=f.severity.value,
        path=paths.relative(f.path),
        start=Location(line=f.start.line, column=f.start.column),
        end=Location(line=f.end.line, column=f.end.column),
        message=f.message,
        object=obj,
        fix=fix,
        fingerprint=f.fingerprint,
    )


def render(report: Report) -> str:
    paths = RepositoryPaths()
    data = FINDINGS.dump_python([to_model(f, paths) for f in report.findings], by_alias=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def schema() -> str:
    document = FINDINGS.json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "job2pod findings (check --format json)"
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
