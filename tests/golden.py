"""Golden trees: each folder under tests/golden/ holds a spec, a config and the expected package.

`python -m tests.golden` (or `make golden`) rewrites every expected tree after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

from generator.config import Config, load_config
from generator.pipeline import generate
from generator.write import diff_tree, write_tree

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = "make golden"


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "config.yaml").is_file())


def case_config(case: Path) -> Config:
    return load_config(case / "config.yaml")


def case_diff(case: Path) -> str:
    config = case_config(case)
    target = config.output / config.build.package
    return diff_tree(generate(config), target, target.relative_to(GOLDEN.parent.parent).as_posix())


def main() -> None:
    for case in cases():
        config = case_config(case)
        write_tree(generate(config), config.output / config.build.package)
        print(f"rewrote {case.name}")


if __name__ == "__main__":
    main()
