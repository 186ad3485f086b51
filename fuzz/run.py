"""Fuzz job2pod's front ends.

    python -m fuzz.run yaml [atheris options]     # coverage-guided, with atheris
    python -m fuzz.run python -atheris_runs=100000

Seeds are the fixtures. Without atheris installed it falls back to a hypothesis-driven
random mutation run of the same targets (`--runs N`, default 2000). A short run of the
fallback is part of the test suite (tests/test_properties.py).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from fuzz.targets import python_target, yaml_target

HERE = Path(__file__).resolve().parent

TARGETS = {"yaml": (yaml_target, (".yaml", ".yml")), "python": (python_target, (".py",))}


def seeds(suffixes: tuple[str, ...]) -> list[bytes]:
    root = HERE.parent / "fixtures"
    return [p.read_bytes() for p in sorted(root.rglob("*")) if p.suffix in suffixes]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few byte-level mutations: flips, deletions, duplications, splices of YAML tokens."""
    out = bytearray(data)
    tokens = [
        b"{{",
        b"}}",
        b"&a ",
        b"*a",
        b"- ",
        b": ",
        b"\t",
        b"\r\n",
        b"'",
        b'"',
        b"[",
        b"]",
        b"\x00",
    ]
    for _ in range(rng.randint(1, 8)):
        if not out:
            out.extend(rng.choice(tokens))
            continue
        at = rng.randrange(len(out))
        choice = rng.random()
        if choice < 0.3:
            out[at] = rng.randrange(256)
        elif choice < 0.5:
            del out[at : at + rng.randint(1, 16)]
        elif choice < 0.7:
            out[at:at] = rng.choice(tokens)
        else:
            end = min(len(out), at + rng.randint(1, 64))
            out[at:at] = out[at:end]
    return bytes(out)


def fallback(target_name: str, runs: int, seed: int = 7) -> int:
    target, suffixes = TARGETS[target_name]
    rng = random.Random(seed)
    corpus = seeds(suffixes) or [b""]
    for _ in range(runs):
        target(mutate(rng.choice(corpus), rng))
    return runs


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "yaml"
    target, suffixes = TARGETS[name]
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 2000
        print(f"atheris is not installed: {fallback(name, runs)} mutated inputs ran cleanly")
        return
    corpus_dir = HERE / "corpus" / name
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(seeds(suffixes)):
        (corpus_dir / f"seed-{i}").write_bytes(data)
    atheris.Setup([sys.argv[0], *sys.argv[2:], str(corpus_dir)], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
