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
