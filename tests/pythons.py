"""The oldest and newest supported Pythons, and the naming stage run under them.

The naming stage needs nothing outside the standard library, so it runs under any interpreter
with only the repository on `sys.path`: the IR is built here, pickled, named there, and sent back.
"""

from __future__ import annotations

import glob
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import ir

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.10", "3.13")  # the oldest and the newest the generated code and the generator support

_CHILD = """
import keyword, pickle, sys
sys.path.insert(0, sys.argv[1])
from generator.names import name
items = pickle.load(sys.stdin.buffer)
named = [name(api, path) for api, path in items]
third_party = sorted(m for m in sys.modules if m.split(".")[0] in ("yaml", "jinja2", "black", "httpx"))
pickle.dump((named, sorted(keyword.kwlist), sorted(keyword.softkwlist), third_party), sys.stdout.buffer)
"""


def python(version: str) -> str:
    """The interpreter for `version`: on PATH, else under pyenv (whose shim may exist but not run it)."""
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    for candidate in [shutil.which(f"python{version}"), *sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))]:
        if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    pytest.fail(f"python{version} not found on PATH or under pyenv: names must be checked under every supported Python")


def name_under(version: str, items: list[tuple[ir.Api, str]]) -> tuple[list[ir.Api], list[str], list[str], list[str]]:
    """(the named APIs, keyword.kwlist, keyword.softkwlist, third-party modules imported) under `version`."""
    result = subprocess.run(
        [python(version), "-B", "-I", "-c", _CHILD, str(ROOT)], input=pickle.dumps(items), capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    named, kwlist, softkwlist, third_party = pickle.loads(result.stdout)
    return named, kwlist, softkwlist, third_party
