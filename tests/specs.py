"""Small specs built in code, and the generator run on them (in-process or as the CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.build import Config as BuildConfig
from generator.config import Config
from generator.pipeline import generate
from generator.write import write_tree

ROOT = Path(__file__).resolve().parent.parent


def spec(schemas: dict[str, Any] | None = None, response: str | None = "Thing", **top: Any) -> dict[str, Any]:
    """One operation, `POST /things/{thing_id}`, answering with the schema named `response`."""
    op: dict[str, Any] = {
        "operationId": "updateThing",
        "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok"}},
    }
    if response:
        op["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{response}"}}}
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1"},
        "paths": {"/things/{thing_id}": {"post": op}},
        "components": {"schemas": schemas or {}},
    }
    doc.update(top)
    return doc


def write_spec(directory: Path, doc: dict[str, Any], name: str = "openapi.json") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def build_package(spec_path: Path, out: Path, package: str, **config: Any) -> Path:
    """Generate `package` from a spec into `out` (in-process); returns the package directory."""
    build = BuildConfig(package=package, **config)
    files = generate(Config(path="<test>", build=build, spec=spec_path, overlay=None, output=out))
    write_tree(files, out / package)
    return out / package


def cli(*args: str, cwd: Path, **run: Any) -> subprocess.CompletedProcess[str]:
    """The command line, from a directory without a default config (`run`: more subprocess.run arguments)."""
    env_path = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r}); from generator.cli import main; sys.exit(main())", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        **run,
    )


def tree(path: Path) -> dict[str, bytes]:
    """Every file below path, as bytes (to compare trees before and after)."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
