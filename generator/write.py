"""Stage: put the generated tree on disk atomically, or compare it with what is there.

The package directory holds a manifest of the files the generator wrote. A file
there that the manifest does not list is someone else's: the generator refuses to
touch the directory (unless forced) rather than overwrite or delete it.

The new tree is built in a sibling directory and swapped in with one
`renameat2(RENAME_EXCHANGE)` (Linux), else two renames with SIGINT/SIGTERM held off
between them. A run that was killed between those two renames leaves the old tree at
`.<name>.old`; the next run puts it back first.
"""

from __future__ import annotations

import ctypes
import difflib
import os
import shutil
import signal
import tempfile
from pathlib import Path, PurePosixPath

from .errors import SpecError

MANIFEST = ".generated-files"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


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
        if (path.is_symlink() or not path.is_dir()) and rel not in listed and "__pycache__" not in path.parts:
            out.append(rel)
    return out


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False when the OS or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not supported here
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def _swap(staging: Path, target: Path, old: Path) -> None:
    """Put `staging` at `target`; the previous tree ends at `staging` (exchange) or `old`."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        os.rename(target, old)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(old, target)
            raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def recover(target: Path) -> None:
    """Undo what an interrupted run left beside `target`."""
    old = target.parent / f".{target.name}.old"
    if old.is_dir() and not target.exists():
        os.rename(old, target)  # killed between the two renames: the old tree is the current one
    for leftover in [old, *target.parent.glob(f".{target.name}.new-*")]:
        if leftover.is_dir() and ((leftover / MANIFEST).is_file() or not any(leftover.iterdir())):
            shutil.rmtree(leftover, ignore_errors=True)


def write_tree(files: dict[str, str], target: Path, force: bool = False) -> None:
    """Replace `target` with exactly `files`; the old tree stays intact until the new one is complete."""
    for rel in files:
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel:
            raise ValueError(f"refusing to write {rel!r} outside {target}")
    if target.parent.exists() and not target.parent.is_dir():
        raise SpecError.at(str(target.parent), "", "output directory is a file")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise SpecError.at(str(target), "", "package path exists and is not a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    foreign = _foreign_files(target)
    if foreign and not force:
        raise SpecError.at(
            str(target / foreign[0]), "", "not written by the generator; refusing to overwrite or delete it (use --force)"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        # The manifest first: a leftover staging tree is then recognisable as ours.
        for rel, text in {MANIFEST: _manifest_text(files), **files}.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_file(path, text)
        os.chmod(staging, 0o755)
        _swap(staging, target, target.parent / f".{target.name}.old")
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the new tree if the swap never happened, else the old one
        recover(target)


def _write_file(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


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
