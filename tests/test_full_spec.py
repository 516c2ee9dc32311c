"""The whole newest OpenAI spec: every operation is generated, and the package imports, loads
lazily, type-checks and sends what the official SDK sends.

Formatting 4 MB of output takes a minute, so these tests stop after rendering (black changes
layout only); `make bench` times the complete run.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from generator.build import Config, build
from generator.errors import SpecError
from generator.load import load
from generator.names import name
from generator.render import render

from .conftest import ROOT
from .official_names import normal, saved_names
from .pythons import SUPPORTED, name_under

SPEC = ROOT / "tests" / "benchmarks" / "openai-2026-08-14-b6c1bec.yaml.gz"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The document, the IR before naming, the operations skipped."""
    path = tmp_path_factory.mktemp("full") / "openai.yaml"
    path.write_bytes(gzip.decompress(SPEC.read_bytes()))
    doc = load(path)
    api, skipped = build(doc, Config(package="openai_full", client_class="OpenAI", async_client_class="AsyncOpenAI"))
    return doc, api, skipped


@pytest.fixture(scope="module")
def full(built):
    doc, api, skipped = built
    return doc, name(api, doc.path), skipped


def test_validation_findings_do_not_stop_a_whole_api(full):
    """The spec fails openapi-spec-validator in places; generating all of it warns, and --strict stops."""
    doc, _, _ = full
    config = Config(package="openai_full")
    from generator.config import Config as FileConfig
    from generator.pipeline import checked

    whole = FileConfig(path="<test>", build=config, spec=Path(doc.path), overlay=None, output=Path("out"))
    warnings = checked(doc, whole)
    assert 0 < len(warnings) <= 50
    with pytest.raises(SpecError):
        checked(doc, whole, strict=True)


def test_every_operation_is_generated(full):
    doc, api, skipped = full
    assert skipped == []
    expected = sum(1 for item in doc.data["paths"].values() for m in item if m in ("get", "post", "put", "patch", "delete"))
    assert len(api.operations) == expected == 288


def test_names_are_words_not_numbers(full):
    _, api, _ = full
    names = [d.py_name for d in api.decls]
    numbered = [n for n in names if re.search(r"\d$", n)]
    assert len(names) > 1400
    # Only true collisions and the spec's own digits: no `Type749`.
    assert len(numbered) <= 12, numbered
    assert len(set(names)) == len(names)
    # Inline names are shortened (the longest was 76 characters): none is longer than 60 here.
    assert max(map(len, names)) <= 60, max(names, key=len)


@pytest.mark.parametrize("version", SUPPORTED)
def test_names_are_the_same_under_every_supported_python(built, full, version):
    doc, api, _ = built
    there, _, _, _ = name_under(version, [(api, doc.path)])
    assert there == [full[1]]


def test_method_names_match_the_official_sdk(full):
    """Our method paths beside the official `openai` package's, operation by operation.

    The official SDK files some APIs under a namespace the spec does not show (`beta.assistants`,
    `admin.organization...`): a name matching but for that first part is counted apart.
    """
    _, api, _ = full
    official = saved_names()
    compared = exact = but_namespace = 0
    for op in api.operations:
        names = official.get((op.http_method, normal(op.path)))
        if not names:
            continue
        ours = ".".join((*op.resource, op.method_name))
        compared += 1
        exact += ours in names
        but_namespace += ours in names or any(n.split(".", 1)[1] == ours for n in names if n.split(".")[0] in ("beta", "admin"))
    print(f"\nmethod names: {compared} operations have an official name; {exact} match exactly, "
          f"{but_namespace} but for a `beta.`/`admin.` namespace")
    assert compared == 287
    assert exact >= 114 and but_namespace >= 244
    ours = {".".join((*op.resource, op.method_name)) for op in api.operations}
    assert {"chat.completions.create", "chat.completions.retrieve", "chat.completions.update", "chat.completions.list",
            "chat.completions.delete", "chat.completions.messages.list", "files.create", "files.retrieve", "files.list",
            "files.delete", "fine_tuning.jobs.list", "fine_tuning.jobs.create", "fine_tuning.jobs.cancel", "batches.cancel",
            "vector_stores.files.list", "vector_stores.search", "responses.create", "responses.cancel",
            "realtime.calls.accept", "uploads.complete", "evals.runs.output_items.retrieve"} <= ours


def test_rendered_code_compiles(full):
    _, api, _ = full
    rendered, runtime = render(api, "openai.yaml")
    for path, text in {**rendered, **runtime}.items():
        if path.endswith(".py"):
            compile(text, path, "exec")


def test_no_generated_file_is_over_200_kb(full):
    """One module per resource and per type: each is small enough to read, format and cache on its own.
    api.json, the surface as data that the generator alone reads, is the exception (3 MB here)."""
    from generator.package import package_files
    from generator.surface import surface

    _, api, _ = full
    rendered, runtime = render(api, "openai.yaml")
    files = {**rendered, **runtime, **package_files(api, surface(api), "openai.yaml")}
    sizes = {path: len(text.encode()) for path, text in files.items()}
    largest = sorted(sizes, key=sizes.__getitem__, reverse=True)[:3]
    print(f"\n{len(sizes)} files, the largest: " + ", ".join(f"{p} {sizes[p] // 1000} KB" for p in largest))
    assert len(rendered) > 1500
    assert max(sizes.values()) <= 200_000, max(sizes, key=sizes.__getitem__)
    import black  # formatting adds a little (wrapped lines): the largest modules, as black leaves them

    mode = black.Mode(target_versions={black.TargetVersion.PY310})
    for path in [p for p in largest if p.endswith(".py")]:
        assert len(black.format_str(files[path], mode=mode).encode()) <= 200_000, path


@pytest.fixture(scope="module")
def full_package(full, tmp_path_factory):
    """The whole spec's package, rendered (not formatted: black would take a minute) and importable."""
    import importlib
    import sys

    _, api, _ = full
    rendered, runtime = render(api, "openai.yaml")
    out = tmp_path_factory.mktemp("full_package")
    for path, text in {**rendered, **runtime}.items():
        (out / "openai_full" / path).parent.mkdir(parents=True, exist_ok=True)
        (out / "openai_full" / path).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("openai_full"), api
    finally:
        sys.path.remove(str(out))


def _method(client, api, operation_id):
    op = next(o for o in api.operations if o.operation_id == operation_id)
    target = client
    for part in op.resource:
        target = getattr(target, part)
    return getattr(target, op.method_name)


CHAT = {
    "model": "gpt-4o",
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    "temperature": 0.5,
    "max_completion_tokens": 100,
    "metadata": {"team": "core"},
    "response_format": {"type": "json_object"},
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}],
    "stop": ["\n"],
    "store": True,
    "service_tier": "auto",
    "n": 1,
}
RESPONSE = {
    "model": "gpt-4.1",
    "input": [{"role": "user", "content": "Tell me a story"}],
    "instructions": "Keep it short.",
    "temperature": 0.2,
    "metadata": {"team": "core"},
    "text": {"format": {"type": "text"}},
    "tools": [{"type": "web_search_preview"}],
    "store": False,
}


@pytest.mark.parametrize(
    ("operation_id", "official", "arguments"),
    [("createChatCompletion", ("chat", "completions", "create"), CHAT), ("createResponse", ("responses", "create"), RESPONSE)],
)
def test_requests_match_the_official_sdk(full_package, recorder, operation_id, official, arguments):
    """The same arguments through ours and through the official `openai` package: the same request."""
    import json

    import openai

    package, api = full_package
    recorder.answer("/v1/chat/completions", body=(ROOT / "tests" / "data" / "seed_004_response.json").read_bytes())
    ours = package.OpenAI(api_key="sk-test", base_url=recorder.url + "/v1", max_retries=0)
    _method(ours, api, operation_id)(**arguments)
    theirs = openai.OpenAI(api_key="sk-test", base_url=recorder.url + "/v1", max_retries=0)
    target = theirs
    for part in official:
        target = getattr(target, part)
    target(**arguments)
    mine, reference = recorder.requests
    assert (mine.method, mine.target, mine.headers["content-type"]) == (reference.method, reference.target, reference.headers["content-type"])
    assert json.loads(mine.body) == json.loads(reference.body) == arguments


def test_the_package_describes_the_whole_api(full):
    import json

    from generator.diff import compare
    from generator.package import package_files
    from generator.surface import dump_surface, surface

    _, api, _ = full
    public = surface(api)
    assert len(public["methods"]) == 288 and len(public["types"]) == len(api.decls)
    assert json.loads(dump_surface(public)) == public
    assert compare(public, public) == []
    files = package_files(api, public, "openai.yaml")
    assert files["api.md"].count("\n- <code title=") == 288
    (snippet,) = re.findall(r"```python\n(.*?)```", files["README.md"], re.S)
    compile(snippet, "README.md", "exec")


def test_the_whole_package_loads_lazily_and_without_import_cycles(full_package):
    """`import openai_full` loads that module alone; every module loads, none through a cycle."""
    import json
    import subprocess
    import sys

    from .test_layout import assert_acyclic, runtime_imports

    package, _ = full_package
    where = Path(package.__file__).parent
    graph = runtime_imports(where)
    assert len(graph) > 1500
    assert_acyclic(graph)
    code = f"""
import importlib, json, sys
import openai_full
first = sorted(m for m in sys.modules if m.startswith("openai_full"))
for module in {sorted(graph)!r}:
    importlib.import_module("openai_full." + module if module else "openai_full")
print(json.dumps([first, len([m for m in sys.modules if m.startswith("openai_full")])]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(where.parent)}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [["openai_full"], len(graph)]


def test_the_whole_package_is_mypy_strict_clean(full_package):
    """About 10 s for its 1,700 modules."""
    import subprocess
    import sys

    package, _ = full_package
    where = Path(package.__file__).parent
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(where)], capture_output=True, text=True, cwd=where.parent)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
