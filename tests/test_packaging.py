"""A non-editable install carries the templates and runtime and generates the same package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from .conftest import GENERATED, ROOT


def test_wheel_ships_templates_and_generates_identically(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/templates/types.py.jinja" in names
    assert "generator/templates/runtime/_models.py" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    out = tmp_path / "out"
    # Run from outside the repository so only the installed copy can be imported.
    env = {**os.environ, "PYTHONPATH": str(site)}
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--config", str(ROOT / "spec" / "config.yaml"), "--out", str(out)],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    for path in (GENERATED / "openai_chat").iterdir():
        if path.is_file():
            assert (out / "openai_chat" / path.name).read_bytes() == path.read_bytes(), path.name
