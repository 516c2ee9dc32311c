"""Writes: atomic, recorded in a manifest, never touching a file the generator did not write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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


CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from generator import write
real = write._write_file
def slow(path, text):
    real(path, text)
    print("wrote", path.name, flush=True)
    time.sleep(0.05)
write._write_file = slow
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_signal_while_writing_leaves_the_old_tree(tmp_path, signum):
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    args = ["generate", "--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "pkg"]
    assert cli(*args, cwd=tmp_path).returncode == 0
    target = tmp_path / "out" / "pkg"
    before = snapshot(target)
    path.write_text(path.read_text().replace('"a"', '"b"'))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    for _ in range(3):  # a few files into the new tree
        assert child.stdout.readline().startswith("wrote")
    child.send_signal(signum)
    child.wait(timeout=30)
    assert child.returncode != 0
    assert snapshot(target) == before
    if signum != signal.SIGKILL:
        assert siblings(target) == []
    # The next run finishes the job and leaves nothing beside the package.
    assert cli(*args, cwd=tmp_path).returncode == 0
    assert snapshot(target) != before and siblings(target) == []


def test_a_signal_during_the_swap_leaves_old_or_new(tmp_path):
    """Signals sent at random moments of many runs: the package is always whole."""
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    args = ["generate", "--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "pkg"]
    assert cli(*args, cwd=tmp_path).returncode == 0
    target = tmp_path / "out" / "pkg"
    trees = [snapshot(target)]
    script = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from generator.cli import main; sys.exit(main(sys.argv[1:]))"
    for i, delay in enumerate([0.6, 0.8, 1.0, 1.2]):
        path.write_text(path.read_text().replace(f'"a{i - 1}"' if i else '"a"', f'"a{i}"'))
        child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=tmp_path, stderr=subprocess.PIPE)
        time.sleep(delay)
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
        now = snapshot(target)
        assert now == trees[-1] or f'"a{i}"'.encode() in now["models.py"]  # the old tree or the new one
        assert MANIFEST in now and set(now) - {MANIFEST} == set(now[MANIFEST].decode().split())
        trees.append(now)


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
