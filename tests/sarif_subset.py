"""A JSON Schema of the part of SARIF 2.1.0 that job2pod writes, made by the tests.

A clone has no copy of the OASIS schema (../shared/schemas-ref holds one on the project's
machines; the SARIF test validates against it too when it is there). This one follows the
object definitions of the SARIF 2.1.0 standard (sarifLog, run, toolComponent,
reportingDescriptor, result, location, physicalLocation, artifactLocation, region,
logicalLocation, propertyBag) and is stricter where job2pod promises more: objects are
closed as in the standard's schema, result URIs are relative to %SRCROOT%, the base is an
absolute file URI ending in a slash (SARIF: a uriBaseId's URI is a directory), and
helpUri is an https URL.
"""

from __future__ import annotations

from typing import Any

_RELATIVE_URI = r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!/)(?!\.\./)[^\s#?]+$"


def _closed(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def _text() -> dict[str, Any]:
    return _closed(
        ["text"], {"text": {"type": "string", "minLength": 1}, "markdown": {"type": "string"}}
    )


def schema() -> dict[str, Any]:
    # The standard's propertyBag: open, but `tags` is an array of distinct strings.
    property_bag = {
        "type": "object",
        "properties": {"tags": {"type": "array", "uniqueItems": True, "items": {"type": "string"}}},
    }
    reporting_descriptor = _closed(
        ["id", "name", "shortDescription", "properties"],
        {
            "id": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*[0-9]{3}$"},
            "name": {"type": "string"},
            "shortDescription": _text(),
            "fullDescription": _text(),
            "help": _text(),
            "helpUri": {"type": "string", "pattern": "^https://[^\\s]+#[a-z0-9-]+$"},
            "defaultConfiguration": _closed(
                ["level"], {"level": {"enum": ["none", "note", "warning", "error"]}}
            ),
            "properties": {**property_bag, "required": ["tags"]},
        },
    )
    region = _closed(
        ["startLine", "startColumn", "endLine", "endColumn"],
        {
            name: {"type": "integer", "minimum": 1}
            for name in ("startLine", "startColumn", "endLine", "endColumn")
        },
    )
    artifact_location = _closed(
        ["uri", "uriBaseId"],
        {"uri": {"type": "string", "pattern": _RELATIVE_URI}, "uriBaseId": {"const": "%SRCROOT%"}},
    )
    logical_location = _closed(
        ["name"],
        {
            "name": {"type": "string"},
            "fullyQualifiedName": {"type": "string"},
            "kind": {"type": "string"},
        },
    )
    location = _closed(
        ["physicalLocation"],
        {
            "physicalLocation": _closed(
                ["artifactLocation", "region"],
                {"artifactLocation": artifact_location, "region": region},
            ),
            "logicalLocations": {"type": "array", "items": logical_location},
        },
    )
    result = _closed(
        ["ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints"],
        {
            "ruleId": {"type": "string"},
            "ruleIndex": {"type": "integer", "minimum": 0},
            "level": {"enum": ["none", "note", "warning", "error"]},
            "message": _closed(["text"], {"text": {"type": "string", "minLength": 1}}),
            "locations": {"type": "array", "minItems": 1, "maxItems": 1, "items": location},
            "partialFingerprints": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            },
        },
    )
    driver = _closed(
        ["name", "version", "informationUri", "rules"],
        {
            "name": {"const": "job2pod"},
            "version": {"type": "string"},
            "informationUri": {"type": "string", "pattern": "^https://"},
            "rules": {"type": "array", "items": reporting_descriptor},
        },
    )
    run = _closed(
        ["tool", "originalUriBaseIds", "columnKind", "results"],
        {
            "tool": _closed(["driver"], {"driver": driver}),
            "originalUriBaseIds": _closed(
                ["%SRCROOT%"],
                {
                    "%SRCROOT%": _closed(
                        ["uri"], {"uri": {"type": "string", "pattern": "^file:///(.*/)?$"}}
                    )
                },
            ),
            "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
            "results": {"type": "array", "items": result},
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "SARIF 2.1.0 as job2pod writes it",
        **_closed(
            ["$schema", "version", "runs"],
            {
                "$schema": {"type": "string", "pattern": "^https://"},
                "version": {"const": "2.1.0"},
                "runs": {"type": "array", "minItems": 1, "maxItems": 1, "items": run},
            },
        ),
    }
