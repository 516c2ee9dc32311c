"""Golden trees: each folder under tests/golden/ holds a spec, a config and the expected package.

Only the files rendered from templates are kept there; the static runtime copied into every
package is checked once, through the drift check of generated/. The change reports between
consecutive OpenAI versions (tests/diff/openai/) are golden files too. `python -m tests.golden`
(or `make golden`) rewrites every expected tree and report after a deliberate change.
"""

from __future__ import annotations

import difflib
import functools
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.config import Config, load_config
from generator.diff import FORMATS, compare
from generator.pipeline import generate, named_api
from generator.render import templates_dir
from generator.surface import surface

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = "make golden"
RUNTIME = {p.name for p in (templates_dir() / "runtime").glob("*.py")}
OPENAI = GOLDEN.parent / "diff" / "openai"
REPORT_SUFFIXES = {"text": "txt", "markdown": "md", "json": "json"}


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "config.yaml").is_file())


def case_config(case: Path) -> Config:
    return load_config(case / "config.yaml")


def rendered(case: Path) -> dict[str, str]:
    """The case's generated files, less the static runtime."""
    return {k: v for k, v in generate(case_config(case)).items() if k not in RUNTIME}


def case_diff(case: Path) -> str:
    config = case_config(case)
    target = config.output / config.build.package
    expected = rendered(case)
    on_disk = {p.relative_to(target).as_posix(): p.read_text(encoding="utf-8") for p in sorted(target.rglob("*")) if p.is_file() and "__pycache__" not in p.parts} if target.is_dir() else {}
    label = target.relative_to(GOLDEN.parent.parent).as_posix()
    out: list[str] = []
    for name in sorted(set(expected) | set(on_disk)):
        old, new = on_disk.get(name, ""), expected.get(name, "")
        if old != new or (name in expected) != (name in on_disk):
            out.extend(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"{label}/{name}", f"{label}/{name}"))
    return "".join(out)


def openai_pairs() -> list[tuple[Path, Path]]:
    """Consecutive versions of the OpenAI slice, oldest first."""
    versions = sorted(p for p in OPENAI.glob("*.yaml") if p.name != "config.yaml")
    return list(zip(versions, versions[1:]))


@functools.cache
def openai_surface(spec: Path) -> dict[str, Any]:
    return surface(named_api(replace(load_config(OPENAI / "config.yaml"), spec=spec)))


def openai_reports(old: Path, new: Path) -> dict[Path, str]:
    """The change report from one version to the next, in every format, by golden file."""
    changes = compare(openai_surface(old), openai_surface(new))
    return {OPENAI / f"{old.stem}..{new.stem}.{suffix}": FORMATS[fmt](changes) for fmt, suffix in REPORT_SUFFIXES.items()}


def main() -> None:
    for case in cases():
        config = case_config(case)
        target = config.output / config.build.package
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name, text in rendered(case).items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"rewrote {case.name}")
    for old, new in openai_pairs():
        for path, text in openai_reports(old, new).items():
            path.write_text(text, encoding="utf-8", newline="\n")
        print(f"rewrote the reports {old.stem}..{new.stem}")


if __name__ == "__main__":
    main()
