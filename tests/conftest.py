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
from .wire import recorder  # noqa: E402,F401

CASES = Path(__file__).resolve().parent / "cases"


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


@pytest.fixture(scope="session")
def case_packages(tmp_path_factory):
    """The package of a case under tests/cases/<name>/ (a spec and a config), generated once per session
    into a directory of its own; returns that directory (put it on sys.path to import the package)."""
    from generator.config import load_config
    from generator.pipeline import generate
    from generator.write import write_tree

    made: dict[str, Path] = {}

    def package(case: str) -> Path:
        if case not in made:
            config = load_config(CASES / case / "config.yaml")
            out = tmp_path_factory.mktemp(case)
            write_tree(generate(config), out / config.build.package)
            made[case] = out
        return made[case]

    return package


@pytest.fixture
def import_case(case_packages, monkeypatch):
    """Import a case's generated package (each case's package has a name of its own)."""
    import importlib

    def load(case: str, package: str):
        where = case_packages(case)
        loaded = sys.modules.get(package)
        if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(str(where)):
            # Another test's package of the same name: forget it (and its modules) for this test.
            for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
                monkeypatch.delitem(sys.modules, name)
        monkeypatch.syspath_prepend(str(where))
        return importlib.import_module(package)

    return load
