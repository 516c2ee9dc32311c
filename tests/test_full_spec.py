"""The whole newest OpenAI spec: every operation is generated and the code compiles.

Formatting and validation of 3 MB of output take a minute, so this test stops after
rendering; `make bench` times the complete run, and mypy --strict passes on it.
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

SPEC = ROOT / "tests" / "benchmarks" / "openai-2026-08-14-b6c1bec.yaml.gz"


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    path = tmp_path_factory.mktemp("full") / "openai.yaml"
    path.write_bytes(gzip.decompress(SPEC.read_bytes()))
    doc = load(path)
    api, skipped = build(doc, Config(package="openai_full", client_class="OpenAI", async_client_class="AsyncOpenAI"))
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


def test_rendered_code_compiles(full):
    _, api, _ = full
    rendered, runtime = render(api, "openai.yaml")
    for path, text in {**rendered, **runtime}.items():
        if path.endswith(".py"):
            compile(text, path, "exec")


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
