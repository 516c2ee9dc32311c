"""Shared fixtures: the repository's paths and the generated package on sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SPEC_DIR = ROOT / "spec"
DATA = Path(__file__).resolve().parent / "data"

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


from .prism import prism_url  # noqa: E402,F401  (a session fixture)


@pytest.fixture(scope="session")
def golden_packages(tmp_path_factory):
    """The complete package of a golden case (runtime included), generated once per session."""
    from generator.write import write_tree

    from .golden import GOLDEN, case_config
    from generator.pipeline import generate

    made: dict[str, Path] = {}

    def package(case: str) -> Path:
        if case not in made:
            config = case_config(GOLDEN / case)
            target = tmp_path_factory.mktemp(case) / config.build.package
            write_tree(generate(config), target)
            made[case] = target
        return made[case]

    return package
