"""The generated package describes itself: it pip-installs into a fresh virtualenv whose Python then
runs the generated README's first call, carries its version, and keeps spec text in its
pyproject.toml, README.md and api.md as text."""

from __future__ import annotations

import html.parser
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import venv
from pathlib import Path

import pytest

from .conftest import DATA, GENERATED, ROOT
from .specs import cli, spec, tree, write_spec
from .test_hostile_specs import TEXT, generate_all


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every POST with a recorded chat completion, and keeps what it was sent."""

    requests: list[tuple[str, str, dict[str, str], bytes]] = []
    body = (DATA / "seed_004_response.json").read_bytes()

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers["content-length"]))
        self.requests.append((self.command, self.path, dict(self.headers), data))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def test_pip_installs_the_package_into_a_fresh_venv_that_runs_the_readme_call(tmp_path):
    project = tmp_path / "openai_chat"
    shutil.copytree(GENERATED / "openai_chat", project)
    before = tree(project)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(project)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    # Building wrote nothing into the package directory: it can still be regenerated in place.
    assert tree(project) == before

    readme = (project / "README.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
            "OPENAI_API_KEY": "sk-readme",
            "OPENAI_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1",
        }
        # Run from an empty directory: only the installed copy can be imported.
        run = subprocess.run([str(python), "-c", snippet], cwd=env_dir, env=env, capture_output=True, text=True, timeout=120)
        facts = subprocess.run(
            [str(python), "-c", FACTS], cwd=env_dir, env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ChatCompletion(id='chatcmpl-AyPNinnUqUDYo9SAdA52NobMflmj2', ")
    ((method, path, headers, data),) = Recorder.requests
    assert (method, path) == ("POST", "/v1/chat/completions/completion_id")
    assert headers["Authorization"] == "Bearer sk-readme"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(data) == {"metadata": {"key": "value"}}

    assert facts.returncode == 0, facts.stderr
    assert json.loads(facts.stdout) == {
        "version": "2.3.0",
        "__version__": "2.3.0",
        "requires": ["httpx<1,>=0.28"],
        "location": str(env_dir / "lib"),
        "files": ["api.json", "api.md", "py.typed"],
    }


FACTS = """
import json, importlib.metadata as m, pathlib, openai_chat
package = pathlib.Path(openai_chat.__file__).parent
print(json.dumps({
    "version": m.version("openai-chat"),
    "__version__": openai_chat.__version__,
    "requires": m.requires("openai-chat"),
    "location": str(package.parents[2]),
    "files": sorted(p.name for p in package.iterdir() if p.suffix in (".md", ".json", ".typed")),
}))
"""


def test_version_comes_from_the_config_else_the_spec(tmp_path):
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}, info={"title": "T", "version": "v2.1"}))
    out = tmp_path / "out"
    assert cli("generate", "--spec", str(path), "--out", str(out), "--package-name", "things", cwd=tmp_path).returncode == 0
    # PEP 440 normalises `v2.1` to `2.1`.
    assert tomllib.loads((out / "things" / "pyproject.toml").read_text())["project"]["version"] == "2.1"
    assert '\n__version__ = "2.1"\n' in (out / "things" / "__init__.py").read_text()

    config = tmp_path / "config.yaml"
    config.write_text(f"package: things\nspec: {path.name}\noutput: out\nversion: 3.0.0rc1\n")
    assert cli("generate", "--config", str(config), cwd=tmp_path).returncode == 0
    assert tomllib.loads((out / "things" / "pyproject.toml").read_text())["project"]["version"] == "3.0.0rc1"
    assert json.loads((out / "things" / "api.json").read_text())["version"] == "3.0.0rc1"


def test_a_version_that_is_not_pep_440(tmp_path):
    path = write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}, info={"title": "T", "version": "2025-03-11 preview"}))
    out = tmp_path / "out"
    result = cli("generate", "--spec", str(path), "--out", str(out), "--package-name", "things", "--quiet", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (
        f"warning: {path}#/info/version: '2025-03-11 preview' is not a PEP 440 version: the package is 0.0.0 (set `version:` in the config)\n"
    )
    assert '\n__version__ = "0.0.0"\n' in (out / "things" / "__init__.py").read_text()

    config = tmp_path / "config.yaml"
    config.write_text(f"package: things\nspec: {path.name}\noutput: out\nversion: banana\n")
    before = tree(out)
    bad = cli("generate", "--config", str(config), cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[-1] == f"error: {config}#/version: 'banana' is not a PEP 440 version (such as 1.2.0)"
    assert tree(out) == before


class Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_spec_text_stays_text_in_the_package_description(tmp_path):
    """Titles, versions, paths and enum values from hostile specs: pyproject.toml parses to the same
    words, and api.md and README.md hold no markup but their own."""
    out, packages = generate_all(tmp_path)
    for package in packages:
        root = out / package
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert project["name"] == package.replace("_", "-")
        assert project["dependencies"] == ["httpx>=0.28,<1"]
        assert json.loads((root / "api.json").read_text(encoding="utf-8"))["package"] == package
        for name in ("README.md", "api.md"):
            text = (root / name).read_text(encoding="utf-8")
            parser = Tags()
            parser.feed(text)
            assert {tag for tag, _ in parser.tags} <= {"code", "a"}, (package, name)
            links = {value for tag, attrs in parser.tags if tag == "a" for key, value in attrs if key == "href"}
            assert all(link and (root / link).is_file() for link in links), (package, links)  # the package's own modules
            assert "](" not in text.replace("](api.md)", ""), (package, name)
    titled = out / next(p for p in packages if p.endswith("_title"))
    description = tomllib.loads((titled / "pyproject.toml").read_text(encoding="utf-8"))["project"]["description"]
    words = " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", " ", TEXT).split())
    assert description == f"Python client for {words}."


@pytest.mark.parametrize("name", ["README.md", "api.md", "pyproject.toml", "api.json"])
def test_the_package_files_are_listed_in_its_manifest(name):
    assert name in (GENERATED / "openai_chat" / ".generated-files").read_text().split()
    assert (ROOT / "tests" / "golden" / "unions" / "expected" / "pets" / name).is_file()
