"""Bad input: one clear line naming the file and JSON pointer, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SPEC_DIR

GOOD = (SPEC_DIR / "openapi.yaml").read_text()


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def generate(tmp_path: Path, spec_text: str, name: str = "spec.yaml") -> tuple[subprocess.CompletedProcess[str], Path]:
    spec = tmp_path / name
    spec.write_text(spec_text)
    out = tmp_path / "out"
    return run("generate", "--spec", str(spec), "--out", str(out), "--package-name", "pkg"), out


CASES = {
    "invalid-yaml": ("openapi: 3.1.0\npaths: {\n  bad", "spec.yaml#: not valid YAML/JSON (line"),
    "not-openapi": ("just: a mapping\n", "spec.yaml#: not an OpenAPI document"),
    "swagger-2": ("swagger: '2.0'\nopenapi: '2.0'\n", "spec.yaml#/openapi: unsupported OpenAPI version '2.0'"),
    "dangling-ref": (
        GOOD.replace("$ref: '#/components/schemas/Metadata'", "$ref: '#/components/schemas/Nope'", 1),
        "#/paths/~1chat~1completions~1{completion_id}/post/requestBody/content/application~1json/schema/properties/metadata: $ref '#/components/schemas/Nope' does not resolve",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_spec_is_one_clear_line_and_exit_2(tmp_path, case):
    text, expected = CASES[case]
    result, out = generate(tmp_path, text)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]
    assert str(tmp_path / "spec.yaml") in lines[0]
    assert not out.exists()


def test_slice_with_an_unknown_operation_exits_2(tmp_path):
    result = run("slice", str(SPEC_DIR / "openapi.yaml"), "--operation", "noSuchOperation", "-o", str(tmp_path / "s.yaml"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {SPEC_DIR / 'openapi.yaml'}#/paths: no operation with operationId 'noSuchOperation'"
    assert not (tmp_path / "s.yaml").exists()


def test_config_naming_an_unknown_operation_exits_2(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"package: pkg\nspec: {SPEC_DIR / 'openapi.yaml'}\noutput: out\noperations: [nope]\n")
    result = run("generate", "--config", str(config))
    assert result.returncode == 2
    assert "no operation with operationId 'nope'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_failed_generation_leaves_the_previous_tree_untouched(tmp_path):
    result, out = generate(tmp_path, GOOD)
    assert result.returncode == 0, result.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result, _ = generate(tmp_path, GOOD.replace("Metadata'", "Missing'"))
    assert result.returncode == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_usage_error_exits_2():
    assert run("frobnicate").returncode == 2


def test_slice_output_is_self_contained_and_regenerates_the_same_package(tmp_path):
    sliced = tmp_path / "sliced.yaml"
    assert run("slice", str(SPEC_DIR / "openapi.yaml"), "--operation", "updateChatCompletion", "-o", str(sliced)).returncode == 0
    text = sliced.read_text()
    assert "sha256 " in text.splitlines()[1]
    # Slicing an already minimal document keeps every schema it references.
    import yaml

    assert yaml.safe_load(text)["components"] == yaml.safe_load(GOOD)["components"]
