"""The shape of `check --format json`, as a pydantic model: `job2pod generate` writes
schemas/findings.schema.json from it. The reporter itself writes plain data (importing
pydantic would cost a run about 70 ms); a test holds the two to the same schema."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


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


def schema() -> str:
    document = FINDINGS.json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "job2pod findings (check --format json)"
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
