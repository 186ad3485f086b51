"""Checks: the code that rules name.

Each module here is one check: a `Params` settings dataclass (fields made by
`linter.settings.param`, whose descriptions document the params; pydantic validates a rule
file's params against it when the catalog loads), `TARGET` (what it looks at: "object" for a Kubernetes object from YAML,
"problem" for a file that could not be read) and one generator
`check(target, params, ctx) -> Iterator[Violation]`. Modules are found by walking this
package; a rule file names one by its module name.
"""
