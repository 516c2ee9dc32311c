"""The cache is checked, never trusted: a damaged entry is a miss, and `--no-cache` does without it."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator import cache

from .specs import cli, spec, tree, write_spec


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("OASFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(cache._state, "on", True)
    monkeypatch.setitem(cache._state, "warned", False)
    return tmp_path / "cache"


def entry(root: Path, kind: str, key: str) -> Path:
    return root / "v2" / kind / hashlib.sha256(key.encode()).hexdigest()


def test_an_entry_holds_a_digest_of_its_name_and_content(root):
    assert cache.cached("k", "key", lambda: "value\n") == "value\n"
    name = f"k/{hashlib.sha256(b'key').hexdigest()}"
    digest = hashlib.sha256(name.encode() + b"\0value\n").hexdigest()
    assert entry(root, "k", "key").read_bytes() == f"{digest}\nvalue\n".encode()
    assert cache.cached("k", "key", lambda: pytest.fail("recomputed")) == "value\n"


def test_an_edited_entry_is_a_miss_reported_once(root, capsys):
    for key in ("a", "b"):
        cache.cached("k", key, lambda: "good\n")
        path = entry(root, "k", key)
        path.write_bytes(path.read_bytes().replace(b"good", b"evil"))
    assert cache.cached("k", "a", lambda: "good\n") == "good\n"
    assert cache.cached("k", "b", lambda: "good\n") == "good\n"
    assert capsys.readouterr().err == f"warning: {entry(root, 'k', 'a')}: cache entry does not match its digest; recomputed\n"
    assert b"good" in entry(root, "k", "a").read_bytes()  # rewritten
    assert cache.cached("k", "a", lambda: pytest.fail("recomputed")) == "good\n"


@pytest.mark.parametrize("damage", ["truncated", "no digest line", "empty", "binary"])
def test_a_damaged_entry_is_a_miss(root, damage):
    cache.cached("k", "key", lambda: "good\n")
    path = entry(root, "k", "key")
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:-2], "no digest line": b"good\n", "empty": b"", "binary": b"\xff\xfe\n\x80"}[damage])
    assert cache.cached("k", "key", lambda: "good\n") == "good\n"


def test_an_entry_copied_under_another_key_is_a_miss(root):
    cache.cached("k", "one", lambda: "for one\n")
    cache.cached("k", "two", lambda: "for two\n")
    shutil.copy(entry(root, "k", "one"), entry(root, "k", "two"))
    assert cache.cached("k", "two", lambda: "for two\n") == "for two\n"


def test_an_entry_that_is_a_symlink_or_a_fifo_is_never_read(root, capsys, monkeypatch):
    monkeypatch.setenv("LEAKED_SECRET", "s3cr3t")
    path = entry(root, "k", "key")
    path.parent.mkdir(parents=True)
    path.symlink_to("/proc/self/environ")
    assert cache.cached("k", "key", lambda: "good\n") == "good\n"
    assert "s3cr3t" not in capsys.readouterr().err
    assert not path.is_symlink()  # replaced by a real entry
    other = entry(root, "k", "fifo")
    os.mkfifo(other)
    assert cache.cached("k", "fifo", lambda: "good\n") == "good\n"  # would block forever if opened for reading


def test_turned_off_it_neither_reads_nor_writes(root, monkeypatch):
    monkeypatch.setitem(cache._state, "on", False)
    assert cache.cached("k", "key", lambda: "value\n") == "value\n"
    assert not root.exists()


# Through the command line.


def thing(tmp_path: Path) -> tuple[list[str], Path]:
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    return ["--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "pkg"], tmp_path / "out" / "pkg"


def run(command: str, *args: str, cwd: Path, cache_dir: Path):
    """The CLI with its own cache (and without the summary line: stderr holds only what the cache says)."""
    return cli(command, "--quiet", *args, cwd=cwd, env={**os.environ, "OASFORGE_CACHE_DIR": str(cache_dir)})


def formatted_entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in (cache_dir / "v2").glob("black-*/*"))


def test_edited_cache_entries_never_reach_the_output(tmp_path):
    args, target = thing(tmp_path)
    cache_dir = tmp_path / "cache"
    assert run("generate", *args, cwd=tmp_path, cache_dir=cache_dir).returncode == 0
    clean = tree(target)
    entries = formatted_entries(cache_dir)
    assert entries
    for path in entries:  # code slipped into every formatted file, the digest left as it was
        digest, _, content = path.read_bytes().partition(b"\n")
        path.write_bytes(digest + b"\n" + content + b"import os; os.system('touch PWNED')\n")
    result = run("generate", *args, cwd=tmp_path, cache_dir=cache_dir)
    assert result.returncode == 0
    assert result.stderr.count("warning:") == 1 and "cache entry does not match its digest" in result.stderr
    assert tree(target) == clean
    assert run("check", *args, cwd=tmp_path, cache_dir=cache_dir).stderr == ""  # the entries were rewritten


def test_check_no_cache_does_not_depend_on_the_cache(tmp_path):
    """The digest stops damage, not someone who can write the cache and recompute it: CI runs without one."""
    args, target = thing(tmp_path)
    cache_dir = tmp_path / "cache"
    assert run("generate", *args, cwd=tmp_path, cache_dir=cache_dir).returncode == 0
    for path in formatted_entries(cache_dir):
        name = path.relative_to(cache_dir / "v2").as_posix()
        content = path.read_bytes().partition(b"\n")[2] + b"FORGED = True\n"
        path.write_bytes(hashlib.sha256(name.encode() + b"\0" + content).hexdigest().encode() + b"\n" + content)
    assert run("generate", *args, cwd=tmp_path, cache_dir=cache_dir).returncode == 0
    assert b"FORGED = True" in tree(target)["types/things/thing.py"]
    assert run("check", *args, cwd=tmp_path, cache_dir=cache_dir).returncode == 0  # the forged cache agrees with itself
    result = run("check", "--no-cache", *args, cwd=tmp_path, cache_dir=cache_dir)
    assert result.returncode == 1 and "-FORGED = True\n" in result.stdout


@pytest.mark.parametrize("command", ["generate", "check"])
def test_no_cache_neither_reads_nor_writes_it(tmp_path, command):
    args, target = thing(tmp_path)
    cache_dir = tmp_path / "cache"
    if command == "check":
        assert cli("generate", *args, cwd=tmp_path).returncode == 0
    result = run(command, "--no-cache", *args, cwd=tmp_path, cache_dir=cache_dir)
    assert result.returncode == 0, result.stderr
    assert not cache_dir.exists()
