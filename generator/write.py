"""Stage: put the generated tree on disk atomically, or compare it with what is there.

The package directory holds a manifest of the files the generator wrote. A file there that
the manifest does not list, and any symbolic link or special file, is someone else's: the
generator refuses to touch the directory (unless forced) rather than overwrite or delete it,
and never reads or writes through it.

A run holds an exclusive lock (`flock` on `.<name>.lock` beside the package) for the whole
write, so concurrent runs on one package take turns. The new tree is built in a sibling
directory and swapped in with one `renameat2(RENAME_EXCHANGE)` (Linux), else two renames with
SIGINT/SIGTERM held off between them. A run that was killed between those two renames leaves
the old tree at `.<name>.old`; the next run puts it back first.
"""

from __future__ import annotations

import ctypes
import difflib
import errno
import fcntl
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from .errors import Diagnostic, SpecError

MANIFEST = ".generated-files"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _manifest_text(files: dict[str, str]) -> str:
    return "".join(f"{name}\n" for name in sorted(files))


def _inside(rel: str) -> bool:
    """A relative path that stays inside the package."""
    parts = PurePosixPath(rel).parts
    return bool(parts) and not PurePosixPath(rel).is_absolute() and ".." not in parts and "\\" not in rel and rel.isprintable()


def read_regular(path: Path) -> bytes:
    """A regular file's bytes; never through a symbolic link, never from a FIFO or a device."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return f.read()


def _entries(root: Path) -> list[tuple[str, bool]]:
    """(relative path, is a regular file) of everything below `root` but directories, sorted.

    Symbolic links are listed, never followed; `__pycache__` directories are skipped.
    """
    out: list[tuple[str, bool]] = []
    todo = [""]
    while todo:
        prefix = todo.pop()
        with os.scandir(root / prefix) as it:
            for entry in it:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        todo.append(rel + "/")
                else:
                    out.append((rel, entry.is_file(follow_symlinks=False)))
    return sorted(out)


def _listed(target: Path) -> set[str]:
    """The files the manifest says the generator wrote (empty when there is no manifest)."""
    path = target / MANIFEST
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return set()
    problem = "is not a regular file"
    if stat.S_ISREG(mode):
        try:
            names = read_regular(path).decode("utf-8").splitlines()
            problem = next((f"lists {n!r}, not a path inside the package" for n in names if not _inside(n)), "")
        except UnicodeDecodeError:
            problem = "is not UTF-8 text"
    if problem:
        raise SpecError.at(str(path), "", f"the manifest {problem}; use --force to replace the package")
    return set(names)


def _foreign_files(target: Path, force: bool) -> list[str]:
    """Files in an existing package directory that the generator did not write."""
    if not target.exists():
        return []
    try:
        listed = _listed(target) | {MANIFEST}
    except SpecError:
        if not force:
            raise
        listed = set()  # forced: nothing in the package can be trusted to be ours
    return [rel for rel, regular in _entries(target) if not regular or rel not in listed]


@contextmanager
def _lock(target: Path) -> Iterator[None]:
    """Hold the package's lock; concurrent runs wait here. The lock file is removed on release."""
    path = target.parent / f".{target.name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # The previous holder may have removed the file meanwhile: then this lock guards nothing.
            if os.path.samestat(os.fstat(fd), os.lstat(path)):
                break
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        with suppress(OSError):
            os.unlink(path)  # while still held: a waiter then sees the file changed and locks anew
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False when the OS or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not supported here
        return False
    raise OSError(code, os.strerror(code), str(b))


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
    """Undo what an interrupted run left beside `target` (called with the lock held: no live run owns it)."""
    old = target.parent / f".{target.name}.old"
    if old.is_dir() and not old.is_symlink() and not target.exists():
        os.rename(old, target)  # killed between the two renames: the old tree is the current one
    for leftover in [old, *target.parent.glob(f".{target.name}.new-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            if (leftover / MANIFEST).is_file() or not any(leftover.iterdir()):
                _remove(leftover)


def _remove(tree: Path) -> None:
    """Delete a tree the generator made, read-only directories in it included."""
    for directory, _, _ in os.walk(tree):
        with suppress(OSError):
            os.chmod(directory, 0o755)
    shutil.rmtree(tree, ignore_errors=True)


def write_tree(files: dict[str, str], target: Path, force: bool = False) -> list[str]:
    """Replace `target` with exactly `files`; the old tree stays intact until the new one is complete.

    Returns the files the generator did not write that `force` removed. An I/O failure is a
    SpecError naming the path; it leaves the previous tree as it was and nothing beside it.
    """
    for rel in files:
        if not _inside(rel):
            raise ValueError(f"refusing to write {rel!r} outside {target}")
    if target.parent.exists() and not target.parent.is_dir():
        raise SpecError.at(str(target.parent), "", "output directory is a file")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise SpecError.at(str(target), "", "package path exists and is not a directory")
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    staging: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _lock(target):
            recover(target)
            foreign = _foreign_files(target, force)
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
                    try:
                        _write_file(path, text)
                    except OSError as e:
                        e.filename = e.filename or str(path)  # a failed write or close names no file
                        raise
                os.chmod(staging, 0o755)
                _swap(staging, target, target.parent / f".{target.name}.old")
            finally:
                _remove(staging)  # the new tree if the swap never happened, else the old one
                recover(target)
        return foreign
    except OSError as e:
        for directory in made:  # the output directories this run created, if still empty
            with suppress(OSError):
                directory.rmdir()
        where = str(e.filename or target)
        if staging is not None and where.startswith(str(staging)):
            where = str(target) + where[len(str(staging)) :]
        raise SpecError.at(where, "", f"cannot write: {e.strerror or e}") from None


def _write_file(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def diff_tree(files: dict[str, str], target: Path, label: str) -> str:
    """A unified diff from what is on disk to what would be generated ('' when identical).

    Only files the generator writes or wrote (its manifest) are read; anything else in the package
    is named, not read: a file someone else put there, a symbolic link, a FIFO or a device.
    """
    if target.is_symlink():
        raise SpecError.at(str(target), "", "package path is a symbolic link; not followed")
    expected = {**files, MANIFEST: _manifest_text(files)}
    on_disk: dict[str, str] = {}
    others: list[str] = []
    if target.is_dir():
        try:
            try:
                listed = _listed(target)
            except SpecError:
                listed = set()  # a broken manifest shows in the diff
            for rel, regular in _entries(target):
                if regular and (rel in expected or rel in listed):
                    on_disk[rel] = read_regular(target / rel).decode("utf-8", errors="replace")
                else:
                    what = "a regular file" if regular else "a symbolic link" if (target / rel).is_symlink() else "a special file"
                    others.append(str(Diagnostic(f"{label}/{rel}", "", f"{what} not written by the generator (not read)")) + "\n")
        except OSError as e:
            raise SpecError.at(str(e.filename or target), "", f"cannot read: {e.strerror or e}") from None
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
    return "".join(line if line.endswith("\n") else line + "\n" for line in out) + "".join(others)
