"""Settings (the config, each check's Params) as frozen dataclasses, validated by pydantic.

A setting is declared once, as a dataclass field made by `param` (type, default,
description, bounds); `model_of` builds the pydantic model that validates data and writes
the JSON Schema. Data that was validated before (rule params kept with the cached catalog)
becomes a dataclass directly, so a run imports pydantic only for data it has not seen:
importing it costs more than the rest of a one-file run.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


def param(
    description: str,
    *,
    default: Any = dataclasses.MISSING,
    factory: Callable[[], Any] | None = None,
    ge: int | None = None,
    gt: int | None = None,
) -> Any:
    """A dataclass field with what pydantic needs beyond its type: description and bounds."""
    bounds = {name: value for name, value in (("ge", ge), ("gt", gt)) if value is not None}
    metadata = {"description": description, **bounds}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@functools.cache
def model_of(cls: type, kebab_case: bool = False) -> type[BaseModel]:
    """The pydantic model of a settings dataclass: same fields, unknown keys refused."""
    from pydantic import ConfigDict, Field, create_model

    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        default: dict[str, Any] = {}
        if f.default is not dataclasses.MISSING:
            default = {"default": f.default}
        elif f.default_factory is not dataclasses.MISSING:
            default = {"default_factory": f.default_factory}
        fields[f.name] = (hints[f.name], Field(**default, **f.metadata))
    config = ConfigDict(extra="forbid")
    if kebab_case:
        config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True)
    model: type[BaseModel] = create_model(
        cls.__name__, __config__=config, __doc__=cls.__doc__, **fields
    )
    return model


def validated(cls: type, data: Any, kebab_case: bool = False) -> dict[str, Any]:
    """`data` checked against the model of `cls`, as keyword arguments of `cls`: the fields
    `data` sets, converted (`cls` fills in the defaults). Raises pydantic.ValidationError."""
    return model_of(cls, kebab_case).model_validate(data).model_dump(exclude_unset=True)


def _kebab(name: str) -> str:
    return name.replace("_", "-")
