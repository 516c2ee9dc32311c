"""The committed generated/ tree is the main golden: it must be what spec/ produces."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .conftest import GENERATED, ROOT


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def test_generated_tree_matches_spec():
    result = run("check", "--no-cache")  # as CI runs it: not trusting whatever the cache holds
    assert result.returncode == 0, f"generated/ is stale; run `make generate`\n{result.stdout}{result.stderr}"
    assert result.stdout == ""


def test_check_reports_an_edit_with_a_diff_and_reverting_clears_it(tmp_path):
    out = tmp_path / "out"
    shutil.copytree(GENERATED / "openai_chat", out / "openai_chat")
    models = out / "openai_chat" / "types" / "chat" / "chat_completion.py"
    original = models.read_text()
    models.write_text(original.replace("A unique identifier for the chat completion.", "Edited by hand."))

    result = run("check", "--out", str(out))
    assert result.returncode == 1
    assert "openai_chat/types/chat/chat_completion.py" in result.stdout
    assert '-    """Edited by hand."""' in result.stdout
    assert '+    """A unique identifier for the chat completion."""' in result.stdout
    assert "make generate" in result.stderr

    models.write_text(original)
    assert run("check", "--out", str(out)).returncode == 0


def test_check_notices_a_missing_file(tmp_path):
    out = tmp_path / "out"
    shutil.copytree(GENERATED / "openai_chat", out / "openai_chat")
    (out / "openai_chat" / "_client.py").unlink()
    result = run("check", "--out", str(out))
    assert result.returncode == 1
    assert "+++ " in result.stdout and "_client.py" in result.stdout


def test_check_writes_nothing(tmp_path):
    result = run("check", "--out", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert not (tmp_path / "nowhere").exists()
