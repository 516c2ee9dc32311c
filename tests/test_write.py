"""Writes: atomic, recorded in a manifest, never touching a file the generator did not write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator import write
from generator.errors import SpecError
from generator.write import MANIFEST, write_tree

from .specs import ROOT, cli, spec, tree, write_spec

OLD = {"a.py": "A = 1\n", "sub/b.py": "B = 1\n", "stale.py": "S = 1\n"}
NEW = {"a.py": "A = 2\n", "sub/b.py": "B = 2\n", "c.py": "C = 2\n"}


def snapshot(target: Path) -> dict[str, bytes]:
    return tree(target)


def expected(files: dict[str, str]) -> dict[str, bytes]:
    out = {k: v.encode() for k, v in files.items()}
    out[MANIFEST] = "".join(f"{k}\n" for k in sorted(files)).encode()
    return out


def siblings(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p != target)


def test_a_rewrite_replaces_the_tree_and_removes_stale_generated_files(tmp_path):
    target = tmp_path / "pkg"
    write_tree(OLD, target)
    assert snapshot(target) == expected(OLD)
    write_tree(NEW, target)
    assert snapshot(target) == expected(NEW)  # stale.py, generated earlier, is gone
    assert siblings(target) == []


@pytest.mark.parametrize("foreign", ["notes.txt", "sub/handwritten.py"])
def test_a_file_the_generator_did_not_write_stops_it_unless_forced(tmp_path, foreign):
    target = tmp_path / "pkg"
    write_tree(OLD, target)
    (target / foreign).write_text("mine\n")
    before = snapshot(target)
    with pytest.raises(SpecError) as e:
        write_tree(NEW, target)
    assert str(e.value).startswith(f"{target / foreign}#: not written by the generator")
    assert snapshot(target) == before
    write_tree(NEW, target, force=True)
    assert snapshot(target) == expected(NEW)


def test_paths_outside_the_package_are_refused(tmp_path):
    for rel in ("../evil.py", "/etc/evil.py", "a/../../evil.py"):
        with pytest.raises(ValueError, match="outside"):
            write_tree({rel: "x"}, tmp_path / "pkg")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_the_previous_tree_byte_identical(tmp_path, monkeypatch):
    target = tmp_path / "pkg"
    write_tree(OLD, target)
    before = snapshot(target)
    real = write._write_file

    def failing(path: Path, text: str) -> None:
        if path.name == "b.py":
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(write, "_write_file", failing)
    with pytest.raises(OSError):
        write_tree(NEW, target)
    assert snapshot(target) == before
    assert siblings(target) == []


def test_the_fallback_swap_works_and_an_interrupted_one_is_recovered(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    target = tmp_path / "pkg"
    write_tree(OLD, target)
    write_tree(NEW, target)
    assert snapshot(target) == expected(NEW)
    # A run killed between the two renames: the package is missing, the old tree is beside it.
    os.rename(target, tmp_path / ".pkg.old")
    write.recover(target)
    assert snapshot(target) == expected(NEW) and siblings(target) == []


def test_leftovers_of_a_killed_run_are_cleaned_up_by_the_next(tmp_path):
    target = tmp_path / "pkg"
    write_tree(OLD, target)
    leftover = tmp_path / ".pkg.new-abc123"
    leftover.mkdir()
    (leftover / MANIFEST).write_text("a.py\n")
    (leftover / "a.py").write_text("half")
    stranger = tmp_path / ".pkg.new-not-ours"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("mine")
    write_tree(NEW, target)
    assert snapshot(target) == expected(NEW)
    assert siblings(target) == [".pkg.new-not-ours"]  # no manifest: not ours, not deleted


def test_the_exchange_is_used_on_linux(tmp_path, monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux-only")
    calls = []
    real = write._exchange

    def spy(a: Path, b: Path) -> bool:
        calls.append(real(a, b))
        return calls[-1]

    monkeypatch.setattr(write, "_exchange", spy)
    target = tmp_path / "pkg"
    write_tree(OLD, target)
    write_tree(NEW, target)
    assert calls == [True] and snapshot(target) == expected(NEW)


# The CLI in a child process that stops at a chosen point of the write until the test lets it go:
# it prints "paused" and reads its stdin. The test sends its signal while the child is known to be
# there, so the outcome never depends on how fast the machine is.
CHILD = """
import os, sys
sys.path.insert(0, {root!r})
from generator import write

def pause():
    print("paused", flush=True)
    sys.stdin.read(1)

where, count, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if where == "file":  # after the count-th file of the new tree
    real_write = write._write_file
    def _write_file(path, text):
        global count
        real_write(path, text)
        count -= 1
        if count == 0:
            pause()
    write._write_file = _write_file
elif where in ("before swap", "after swap"):
    real_swap = write._swap
    def _swap(*a):
        if where == "before swap":
            pause()
        real_swap(*a)
        if where == "after swap":
            pause()
    write._swap = _swap
elif where == "between renames":  # the fallback swap, after moving the old tree aside
    write._exchange = lambda a, b: False
    real_rename = os.rename
    def rename(a, b):
        real_rename(a, b)
        if str(b).endswith(".old"):
            pause()
    os.rename = rename
from generator.cli import main
sys.exit(main(args))
"""


def paused_child(where: str, count: int, args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """The CLI run with `args`, stopped at `where` (and known to be there) when this returns."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), where, str(count), *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if line != "paused\n":
        child.kill()
        raise AssertionError(f"the child did not reach {where!r}: {line!r}\n{child.communicate()[1]}")
    return child


def finish(child: subprocess.Popen[str], release: bool = False) -> int:
    """Let a paused child go on (or just close its stdin) and wait for it."""
    assert child.stdin is not None
    try:
        if release:
            child.stdin.write("go\n")
        child.stdin.close()
    except BrokenPipeError:  # it is already gone
        pass
    child.wait(timeout=60)
    assert child.stderr is not None
    assert "Traceback" not in child.stderr.read()
    return child.returncode


def thing_package(tmp_path: Path) -> tuple[Path, list[str], Path]:
    """A spec generated once into out/pkg: (spec, CLI arguments, package directory)."""
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    args = ["generate", "--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "pkg"]
    assert cli(*args, cwd=tmp_path).returncode == 0
    return path, args, tmp_path / "out" / "pkg"


def reference(path: Path, tmp_path: Path) -> dict[str, bytes]:
    """The tree a clean run makes from the spec as it is now."""
    result = cli("generate", "--spec", str(path), "--out", str(tmp_path / "reference"), "--package-name", "pkg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return snapshot(tmp_path / "reference" / "pkg")


SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("where", ["file", "before swap"])
def test_a_signal_before_the_swap_leaves_the_old_tree(tmp_path, signum, where):
    path, args, target = thing_package(tmp_path)
    before = snapshot(target)
    path.write_text(path.read_text().replace('"a"', '"b"'))
    new = reference(path, tmp_path)
    child = paused_child(where, 3, args, tmp_path)
    child.send_signal(signum)
    assert finish(child) == (-signal.SIGKILL if signum == signal.SIGKILL else 130)
    assert snapshot(target) == before
    if signum != signal.SIGKILL:
        assert siblings(target) == []
    # The next run finishes the job and leaves nothing beside the package.
    assert cli(*args, cwd=tmp_path).returncode == 0
    assert snapshot(target) == new and siblings(target) == []


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("where", ["after swap", "between renames"])
def test_a_signal_during_or_after_the_swap_leaves_the_new_tree(tmp_path, signum, where):
    """Once the old tree has moved, Ctrl-C and SIGTERM wait until the new one is in place."""
    path, args, target = thing_package(tmp_path)
    before = snapshot(target)
    path.write_text(path.read_text().replace('"a"', '"b"'))
    new = reference(path, tmp_path)
    child = paused_child(where, 0, args, tmp_path)
    child.send_signal(signum)
    # Between the renames, SIGINT and SIGTERM are held off: the child runs on only once let go.
    code = finish(child, release=where == "between renames")
    if signum == signal.SIGKILL:
        assert code == -signal.SIGKILL
        if where == "between renames":  # killed with the package moved aside: the next run puts it back first
            assert not target.exists() and snapshot(target.parent / ".pkg.old") == before
        else:
            assert snapshot(target) == new
    else:
        assert code == 130
        assert snapshot(target) == new and siblings(target) == []
    assert cli(*args, cwd=tmp_path).returncode == 0
    assert snapshot(target) == new and siblings(target) == []


def test_out_pointing_at_a_file_is_a_clear_error(tmp_path):
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    (tmp_path / "afile").write_text("keep")
    result = cli("generate", "--spec", str(path), "--out", str(tmp_path / "afile"), "--package-name", "pkg", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'afile'}#: the output directory is a file\n"
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_foreign_file_in_the_package_exits_2_naming_it_and_force_overrides(tmp_path):
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    args = ["generate", "--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "pkg"]
    assert cli(*args, cwd=tmp_path).returncode == 0
    target = tmp_path / "out" / "pkg"
    (target / "custom.py").write_text("# mine\n")
    before = snapshot(target)
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {target / 'custom.py'}#: not written by the generator; refusing to overwrite or delete it (use --force)\n"
    assert snapshot(target) == before
    assert cli(*args, "--force", cwd=tmp_path).returncode == 0
    assert not (target / "custom.py").exists()
