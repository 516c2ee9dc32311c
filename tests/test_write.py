"""Writes: atomic, recorded in a manifest, never touching a file the generator did not write."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import resource
import shutil
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
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(write, "_write_file", failing)
    with pytest.raises(SpecError) as e:
        write_tree(NEW, target)
    assert str(e.value) == f"{target / 'sub/b.py'}#: cannot write: No space left on device"  # where it goes, not the staging path
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
import os, signal, sys
# Ctrl-C raises KeyboardInterrupt, as in a terminal, even when the tests run in the background
# (a background job starts with SIGINT ignored, and Python then leaves it ignored).
signal.signal(signal.SIGINT, signal.default_int_handler)
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


# I/O failures: one line naming the path, exit 2, the previous tree as it was, nothing beside it.


def test_a_full_disk_is_a_clear_error(tmp_path):
    path, args, target = thing_package(tmp_path)
    before = snapshot(target)
    path.write_text(path.read_text().replace('"a"', '"b"'))

    def small_files() -> None:  # a real write failure: files above 4 KiB cannot grow (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = cli(*args, cwd=tmp_path, preexec_fn=small_files)
    assert result.returncode == 2
    assert re.fullmatch(rf"error: {re.escape(str(target))}/\w+\.py#: cannot write: File too large\n", result.stderr), result.stderr
    assert snapshot(target) == before and siblings(target) == []


def without_dac_override() -> None:
    """In the child: root loses the right to ignore file permissions (so a read-only directory is one)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE
            raise OSError(ctypes.get_errno(), "prctl")


def test_a_read_only_output_directory_is_a_clear_error(tmp_path):
    path, args, target = thing_package(tmp_path)
    before = snapshot(target)
    path.write_text(path.read_text().replace('"a"', '"b"'))
    target.parent.chmod(0o555)
    try:
        result = cli(*args, cwd=tmp_path, preexec_fn=without_dac_override)
    finally:
        target.parent.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr == f"error: {target.parent / '.pkg.lock'}#: cannot write: Permission denied\n"
    assert snapshot(target) == before and siblings(target) == []


def test_a_read_only_package_is_replaced_and_nothing_is_left(tmp_path):
    path, args, target = thing_package(tmp_path)
    path.write_text(path.read_text().replace('"a"', '"b"'))
    new = reference(path, tmp_path)
    target.chmod(0o555)
    result = cli(*args, cwd=tmp_path, preexec_fn=without_dac_override)
    assert result.returncode == 0, result.stderr
    assert snapshot(target) == new and siblings(target) == []


def test_a_missing_output_directory_that_cannot_be_written_is_not_left_behind(tmp_path):
    (tmp_path / "ro").mkdir(mode=0o555)
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    result = cli("generate", "--spec", str(path), "--out", str(tmp_path / "ro" / "out"), "--package-name", "pkg", cwd=tmp_path, preexec_fn=without_dac_override)
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'ro' / 'out'}#: cannot write: Permission denied\n"
    assert list((tmp_path / "ro").iterdir()) == []


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda m: m.write_bytes(b"\xff\xfe\x00\x9c garbage \x80"), "is not UTF-8 text"),
        (lambda m: m.mkdir(), "is not a regular file"),
        (lambda m: m.symlink_to("/etc/passwd"), "is not a regular file"),
        (lambda m: m.write_text("__init__.py\n../outside.py\n"), "lists '../outside.py', not a path inside the package"),
        (lambda m: m.write_text("/etc/passwd\n"), "lists '/etc/passwd', not a path inside the package"),
        (lambda m: m.write_text("__init__.py\n\nx.py\n"), "lists '', not a path inside the package"),
    ],
    ids=["binary", "directory", "symlink", "dotdot", "absolute", "blank line"],
)
def test_a_corrupt_manifest_stops_the_run_and_force_replaces_the_package(tmp_path, make, problem):
    path, args, target = thing_package(tmp_path)
    manifest = target / MANIFEST
    manifest.unlink()
    make(manifest)
    before = snapshot(target)
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {manifest}#: the manifest {problem}; use --force to replace the package\n"
    assert snapshot(target) == before and siblings(target) == []
    result = cli(*args, "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{target / 'types' / 'things' / 'thing.py'}#: not written by the generator; removed (--force)" in result.stderr  # nothing there is known to be ours
    assert snapshot(target) == reference(path, tmp_path) and siblings(target) == []
    assert Path("/etc/passwd").exists()


def test_force_lists_every_file_it_removes(tmp_path):
    path, args, target = thing_package(tmp_path)
    (target / "notes.txt").write_text("mine\n")
    (target / "extra").mkdir()
    (target / "extra" / "helper.py").write_text("mine\n")
    (target / "link").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "elsewhere.txt").write_text("kept\n")
    result = cli(*args, "--force", "--quiet", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == "".join(
        f"warning: {target / rel}#: not written by the generator; removed (--force)\n" for rel in ("extra/helper.py", "link", "notes.txt")
    )
    assert (tmp_path / "elsewhere.txt").read_text() == "kept\n"  # the link went, not what it points to
    assert snapshot(target) == reference(path, tmp_path)


# Symbolic links and special files in the package: named, never followed, read or written through.

SECRET = "s3cr3t-value-in-the-environment"


def check(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli("check", *args[1:], cwd=cwd, env={**os.environ, "LEAKED_SECRET": SECRET})


def test_check_names_a_symlink_and_never_reads_it(tmp_path):
    path, args, target = thing_package(tmp_path)
    (target / "leak").symlink_to("/proc/self/environ")
    result = check(args, tmp_path)
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr and "environ" not in result.stdout + result.stderr
    assert result.stdout == "out/pkg/leak#: a symbolic link not written by the generator (not read)\n"


def test_check_never_reads_a_generated_file_replaced_by_a_symlink(tmp_path):
    path, args, target = thing_package(tmp_path)
    (target / "types" / "things" / "thing.py").unlink()
    (target / "types" / "things" / "thing.py").symlink_to("/proc/self/environ")
    result = check(args, tmp_path)
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr and "environ" not in result.stdout + result.stderr
    assert "--- /dev/null\n+++ out/pkg/types/things/thing.py\n" in result.stdout  # as if missing: what it points to is not looked at
    assert result.stdout.endswith("out/pkg/types/things/thing.py#: a symbolic link not written by the generator (not read)\n")


def test_check_names_other_peoples_files_without_printing_them(tmp_path):
    path, args, target = thing_package(tmp_path)
    (target / "notes.txt").write_text(SECRET)
    os.mkfifo(target / "pipe")  # reading it would block forever
    (target / "linked_dir").symlink_to(Path(os.environ.get("HOME", "/")))
    result = check(args, tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "out/pkg/linked_dir#: a symbolic link not written by the generator (not read)\n"
        "out/pkg/notes.txt#: a regular file not written by the generator (not read)\n"
        "out/pkg/pipe#: a special file not written by the generator (not read)\n"
    )


def test_a_package_path_that_is_a_symlink_is_refused_by_check_and_generate(tmp_path):
    path, args, target = thing_package(tmp_path)
    os.rename(target, tmp_path / "real")
    target.symlink_to(tmp_path / "real")
    result = check(args, tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {target}#: package path is a symbolic link; not followed\n"
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == f"error: {target}#: package path exists and is not a directory\n"


def test_generate_refuses_a_symlink_in_the_package_and_force_removes_only_the_link(tmp_path):
    path, args, target = thing_package(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "models.py").write_text("theirs\n")
    (target / "sub").symlink_to(outside)
    (target / "py.typed").unlink()
    (target / "py.typed").symlink_to(outside / "models.py")  # a generated name, but a link: not ours
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {target / 'py.typed'}#: not written by the generator; refusing to overwrite or delete it (use --force)\n"
    result = cli(*args, "--force", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.count("removed (--force)") == 2
    assert (outside / "models.py").read_text() == "theirs\n" and not (target / "sub").exists()
    assert snapshot(target) == reference(path, tmp_path)


# Concurrent runs on one package take turns: every result is a whole tree.


def test_a_run_waits_for_the_lock_of_a_run_in_progress(tmp_path):
    path, args, target = thing_package(tmp_path)
    path.write_text(path.read_text().replace('"a"', '"b"'))
    first = paused_child("file", 3, args, tmp_path)  # holds the lock, its staging tree half written
    staging = [p for p in target.parent.iterdir() if p.name.startswith(".pkg.new-")]
    second_spec = write_spec(tmp_path / "second", json.loads(path.read_text().replace('"b"', '"c"')))
    second_args = [*args[:2], str(second_spec), *args[3:]]
    second = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), "never", "0", *second_args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_blocked_on_a_lock(second)
    # The second run waits without touching the first one's staging tree.
    assert [p for p in target.parent.iterdir() if p.name.startswith(".pkg.new-")] == staging
    assert finish(first, release=True) == 0
    assert second.wait(timeout=60) == 0 and "Traceback" not in second.communicate()[1]
    assert snapshot(target) == reference(second_spec, tmp_path) and siblings(target) == []


def wait_until_blocked_on_a_lock(child: subprocess.Popen[str]) -> None:
    """Polls /proc/locks until the child waits for a lock (a condition, not a guess at a duration)."""
    waiting = re.compile(rf"^\d+: -> FLOCK\s+ADVISORY\s+WRITE\s+{child.pid}\s", re.M)
    while not waiting.search(Path("/proc/locks").read_text()):
        if child.poll() is not None:
            raise AssertionError(f"the second run did not wait for the lock: {child.communicate()[1]}")
        time.sleep(0.01)


def test_concurrent_runs_always_leave_a_whole_package(tmp_path):
    path, args, target = thing_package(tmp_path)
    specs = []
    for name in ("one", "two"):
        doc = json.loads(path.read_text().replace('"a"', f'"{name}"'))
        specs.append(write_spec(tmp_path / name, doc))
    trees = [reference(p, p.parent) for p in specs]
    script = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from generator.cli import main; sys.exit(main())"
    for _ in range(20):
        pair = [
            subprocess.Popen([sys.executable, "-c", script, "generate", "--quiet", "--spec", str(p), *args[3:]], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
            for p in specs
        ]
        for child in pair:
            _, err = child.communicate(timeout=120)
            assert child.returncode == 0 and err == "", err
        assert snapshot(target) in trees and siblings(target) == []


def test_slice_output_that_cannot_be_written_is_a_clear_error(tmp_path):
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    result = cli("slice", str(path), "--operation", "updateThing", "-o", str(tmp_path / "missing" / "out.yaml"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'missing' / 'out.yaml'}#: No such file or directory\n"


@pytest.mark.parametrize("name", [".pkg.old", ".pkg.new-planted"])
def test_a_symlink_posing_as_a_leftover_is_left_alone(tmp_path, name):
    path, args, target = thing_package(tmp_path)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / MANIFEST).write_text("a.py\n")
    (theirs / "a.py").write_text("mine\n")
    shutil.rmtree(target)  # the state a run killed between its two renames leaves, but the old tree is a link
    (tmp_path / "out" / name).symlink_to(theirs)
    assert cli(*args, cwd=tmp_path).returncode == 0
    assert not target.is_symlink() and snapshot(target) == reference(path, tmp_path)
    assert snapshot(theirs) == {MANIFEST: b"a.py\n", "a.py": b"mine\n"} and (tmp_path / "out" / name).is_symlink()
