"""Stage: put the generated tree on disk atomically, or compare it with what is there.

The package directory holds a manifest of the files the generator wrote. A file
there that the manifest does not list is someone else's: the generator refuses to
touch the directory (unless forced) rather than overwrite or delete it.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path

from .errors import SpecError

MANIFEST = ".generated-files"


def _manifest_text(files: dict[str, str]) -> str:
    return "".join(f"{name}\n" for name in sorted(files))


def _foreign_files(target: Path) -> list[str]:
    """Files in an existing package directory that the generator did not write."""
    if not target.exists():
        return []
    manifest = target / MANIFEST
    listed = set(manifest.read_text(encoding="utf-8").split()) if manifest.is_file() else set()
    listed.add(MANIFEST)
    out = []
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in listed and "__pycache__" not in path.parts:
            out.append(rel)
    return out


def write_tree(files: dict[str, str], target: Path, force: bool = False) -> None:
    """Replace `target` with exactly `files`; the old tree stays intact until the new one is complete."""
    foreign = _foreign_files(target)
    if foreign and not force:
        raise SpecError.at(
            str(target / foreign[0]), "", "not written by the generator; refusing to overwrite or delete it (use --force)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for rel, text in {**files, MANIFEST: _manifest_text(files)}.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        os.chmod(staging, 0o755)
        old = target.parent / f".{target.name}.old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def diff_tree(files: dict[str, str], target: Path, label: str) -> str:
    """A unified diff from what is on disk to what would be generated ('' when identical)."""
    expected = {**files, MANIFEST: _manifest_text(files)}
    on_disk: dict[str, str] = {}
    if target.is_dir():
        for path in sorted(target.rglob("*")):
            rel = path.relative_to(target).as_posix()
            if path.is_file() and "__pycache__" not in path.parts:
                on_disk[rel] = path.read_text(encoding="utf-8", errors="replace")
    out: list[str] = []
    for rel in sorted(set(expected) | set(on_disk)):
        old, new = on_disk.get(rel), expected.get(rel)
        if old == new:
            continue
        name = f"{label}/{rel}"
        out.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=name if old is not None else "/dev/null",
                tofile=name if new is not None else "/dev/null",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)
