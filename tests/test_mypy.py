"""Every generated tree passes `mypy --strict` (one run for all of them: mypy is slow to start)."""

from __future__ import annotations

import os
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
    usages, paths = [], []
    for case in sorted(p for p in CASES.iterdir() if (p / "config.yaml").is_file()):
        package = load_config(case / "config.yaml").build.package
        packages[package] = case_packages(case.name) / package
        paths.append(str(case_packages(case.name)))
        # A case may show, in usage.py, calls that must type-check against its package.
        usages += [str(case / "usage.py")] if (case / "usage.py").is_file() else []
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, packages.values()), *usages],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": os.pathsep.join(paths)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generator_itself_is_mypy_strict_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "generator"], capture_output=True, text=True, cwd=GENERATED.parent)
    assert result.returncode == 0, result.stdout + result.stderr
