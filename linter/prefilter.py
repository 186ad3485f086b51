"""Which of the rules' trigger tokens a file's bytes hold, searching as few as it can.

Many tokens share a part (`Job` in `JobName` and `"Job"`, `job` in `job_name` and
`job-name`, `Pod` in `V1Pod` and `'Pod'`): a file without the part holds none of them.
So the tokens are searched as a forest of gates: a token under the longest other token it
contains, and the tokens that still stand alone under the first shared part they hold.
A gate absent from the file closes every token under it with one search; what comes out
is exactly the set of tokens the file holds.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from typing import NamedTuple

# The words the rules are about, each shared by many tokens and absent from most files.
SHARED_PARTS = (b"Job", b"job", b"Pod")


class _Gate(NamedTuple):
    needle: bytes
    # A token of the rules (its presence is reported), or only a part tokens share.
    token: bool
    inner: tuple[_Gate, ...] = ()


def present(data: bytes, tokens: Collection[bytes]) -> set[bytes]:
    """The tokens that occur in `data`."""
    found: set[bytes] = set()
    _search(data, plan(frozenset(tokens)), found)
    return found


def _search(data: bytes, gates: Iterable[_Gate], found: set[bytes]) -> None:
    for gate in gates:
        if gate.needle in data:
            if gate.token:
                found.add(gate.needle)
            if gate.inner:
                _search(data, gate.inner, found)


@functools.lru_cache(maxsize=32)
def plan(tokens: frozenset[bytes]) -> tuple[_Gate, ...]:
    """The gates that search for `tokens`, outermost first."""
    ordered = sorted(tokens, key=lambda t: (len(t), t))
    parent: dict[bytes, bytes] = {}
    for i, token in enumerate(ordered):
        inside = [t for t in ordered[:i] if t in token]
        if inside:
            parent[token] = inside[-1]

    def gate(token: bytes) -> _Gate:
        return _Gate(token, True, tuple(gate(t) for t in ordered if parent.get(t) == token))

    roots = [t for t in ordered if t not in parent]
    gates: list[_Gate] = []
    for part in SHARED_PARTS:
        members = [t for t in roots if part in t]
        # One member saves no search; a part that is a token holds its members already.
        if len(members) >= 2:
            gates.append(_Gate(part, False, tuple(map(gate, members))))
            roots = [t for t in roots if part not in t]
    return (*map(gate, roots), *gates)
