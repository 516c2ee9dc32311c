"""The code generators compared in the generation row: how to run each, and what to read
from its output (exit code, skipped operations and schemas, first error lines)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The tools run as they would in an activated .venv-bench: openapi-python-client's post
# hooks call `ruff` from PATH and silently skip formatting when it is missing.
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
OURS_PACKAGE = "openai_chat"
FRAGMENT = REPO / "spec" / "openapi.yaml"
CONFIG = REPO / "spec" / "config.yaml"


def ours_command(spec: Path, out: Path, package: str = OURS_PACKAGE) -> list[str]:
    """Our generator's command line. The one place to adjust when the CLI changes.

    The project's fragment is generated with the project's config (overlay, names, the
    one operation), as `make generate` does. Any other spec is generated whole, with no
    config: the bench runs every tool from a scratch directory, where the CLI finds no
    default config.
    """
    argv = [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out)]
    argv += ["--package-name", package]
    if spec.resolve() == FRAGMENT.resolve() and CONFIG.is_file():
        argv += ["--config", str(CONFIG)]
    return argv


def opc_command(spec: Path, out: Path) -> list[str]:
    return [str(BIN / "openapi-python-client"), "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"]


def dmc_command(spec: Path, out: Path) -> list[str]:
    target = out / "models.py"
    return [
        str(BIN / "datamodel-codegen"),
        "--input", str(spec),
        "--input-file-type", "openapi",
        "--output-model-type", "dataclasses.dataclass",
        "--output", str(target),
    ]  # fmt: skip


def _count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text, flags=re.MULTILINE))


def ours_summary(text: str) -> str:
    skipped_ops = _count(r"operation skipped", text)
    skipped_schemas = _count(r"schema skipped", text)
    warnings = _count(r"^warning:", text) - skipped_ops - skipped_schemas
    counts = {
        "operations skipped": skipped_ops,
        "schemas skipped": skipped_schemas,
        "other warnings": warnings,
        "errors": _count(r"^error:", text),
    }
    return ", ".join(f"{n} {label}" for label, n in counts.items() if n)


def opc_summary(text: str) -> str:
    dropped = set(re.findall(r"^Unable to (?:process|parse) schema (\S+?):?$", text, flags=re.MULTILINE))
    for block in re.findall(r"resulted in the removal of:\n((?:/components/schemas/\S+\n)+)", text):
        dropped.update(block.split())
    counts = {
        "endpoints not generated": _count(r"Endpoint will not be generated", text),
        "responses omitted": _count(r"response will be omitted", text),
        "schemas dropped": len(dropped),
        "other parse warnings": _count(r"^Unable to parse this part", text),
        "post hooks not run": _count(r"is not in PATH", text),
    }
    return ", ".join(f"{n} {label}" for label, n in counts.items() if n)


def dmc_summary(text: str) -> str:
    names = sorted(set(re.findall(r"\b(\w+Warning):", text)))
    collisions = re.search(r"(\d+) of (\d+) class names are numbered collisions", text)
    parts = [", ".join(names)] if names else []
    if collisions:
        parts.append(f"{collisions.group(1)} of {collisions.group(2)} class names numbered")
    return "; ".join(parts)


def first_error_lines(text: str, count: int = 3) -> str:
    """The first lines that look like an error, else the last non-empty lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"(?i)error|exception|failed|usage:", line)]
    picked = errors[:count] if errors else lines[-count:]
    return " | ".join(line[:160] for line in picked)


@dataclass(frozen=True)
class Generator:
    name: str
    command: Callable[[Path, Path], list[str]]
    summary: Callable[[str], str]
    cache: str = ""  # ours caches black's output: "cold" (empty cache each run) or "warm"


# Where our generator keeps its formatting cache (generator/format.py).
OURS_CACHE_ENV = "OASFORGE_CACHE_DIR"

# Each round runs these in order: the first cold run of ours primes the warm cache.
GENERATORS = [
    Generator("ours", ours_command, ours_summary, cache="cold"),
    Generator("ours, warm cache", ours_command, ours_summary, cache="warm"),
    Generator("openapi-python-client", opc_command, opc_summary),
    Generator("datamodel-code-generator", dmc_command, dmc_summary),
]


def count_operations(spec: Path) -> int:
    """How many operations the spec declares (the yardstick for 'N skipped')."""
    import yaml  # the project's own dependency, installed in .venv-bench with it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with spec.open("rb") as f:
        doc = yaml.load(f, Loader=loader)  # noqa: S506 - a safe loader
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(1 for item in doc.get("paths", {}).values() for key in item if key in methods)


def find_package(root: Path) -> Path | None:
    """The importable package openapi-python-client wrote under `root` (any meta type)."""
    for init in sorted(root.rglob("__init__.py")):
        if (init.parent / "models").is_dir() and (init.parent / "client.py").is_file():
            return init.parent
    return None
