"""Every generated tree passes `mypy --strict` (one run for all of them: mypy is slow to start)."""

from __future__ import annotations

import subprocess
import sys

from generator.config import load_config

from .conftest import CASES, GENERATED
from .golden import cases, case_config


def test_generated_code_is_mypy_strict_clean(golden_packages, case_packages):
    packages = {"openai_chat": GENERATED / "openai_chat"}
    for case in cases():
        # nullable_30 and nullable_31 are byte-identical (test_golden asserts it): check one.
        packages.setdefault(case_config(case).build.package, golden_packages(case.name))
    for case in sorted(p for p in CASES.iterdir() if (p / "config.yaml").is_file()):
        package = load_config(case / "config.yaml").build.package
        packages[package] = case_packages(case.name) / package
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, packages.values())],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generator_itself_is_mypy_strict_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "generator"], capture_output=True, text=True, cwd=GENERATED.parent)
    assert result.returncode == 0, result.stdout + result.stderr
