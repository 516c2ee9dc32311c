"""`$ref`: local and relative files only, never the network or outside the spec's directory; cycles handled."""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load import load

from .specs import build_package, cli, spec, write_spec

HOSTILE = Path(__file__).resolve().parent / "hostile"


def ref_spec(ref: str) -> dict:
    return spec({"Thing": {"type": "object", "properties": {"other": {"$ref": ref}}}})


@pytest.mark.parametrize(
    "ref, message",
    [
        ("https://example.com/schemas.yaml#/Pet", "remote reference 'https://example.com/schemas.yaml#/Pet' refused"),
        ("http://169.254.169.254/latest/meta-data", "remote reference 'http://169.254.169.254/latest/meta-data' refused"),
        ("file:///etc/passwd", "non-file reference 'file:///etc/passwd' refused"),
        ("../../../../../../etc/passwd", "file reference '../../../../../../etc/passwd' refused: it leads outside"),
        ("/etc/passwd#/x", "file reference '/etc/passwd#/x' refused: it leads outside"),
        ("missing.yaml#/X", "$ref 'missing.yaml#/X': cannot read file"),
    ],
)
def test_references_that_leave_the_spec_directory_are_refused(tmp_path, ref, message):
    path = write_spec(tmp_path / "api", ref_spec(ref))
    with pytest.raises(SpecError) as e:
        load(path)
    (diagnostic,) = e.value.diagnostics
    assert diagnostic.file == str(path)
    assert diagnostic.pointer == "/components/schemas/Thing/properties/other"
    assert message in diagnostic.message


def test_a_symlink_leading_out_of_the_spec_directory_is_refused(tmp_path):
    (tmp_path / "secret.yaml").write_text("X: {type: string}\n")
    path = write_spec(tmp_path / "api", ref_spec("link.yaml#/X"))
    os.symlink(tmp_path / "secret.yaml", tmp_path / "api" / "link.yaml")
    with pytest.raises(SpecError, match="it leads outside"):
        load(path)


def test_references_in_other_files_are_checked_against_the_first_files_directory(tmp_path):
    path = write_spec(tmp_path / "api", ref_spec("sub/a.yaml#/A"))
    (tmp_path / "api" / "sub").mkdir()
    (tmp_path / "api" / "sub" / "a.yaml").write_text("A: {$ref: '../../outside.yaml#/B'}\n")
    with pytest.raises(SpecError) as e:
        load(path)
    (diagnostic,) = e.value.diagnostics
    assert (diagnostic.file, diagnostic.pointer) == (str(tmp_path / "api" / "sub" / "a.yaml"), "/A")


def test_multi_file_specs_generate_and_work(tmp_path):
    api = tmp_path / "multi"
    shutil.copytree(HOSTILE / "multi", api)
    build_package(api / "openapi.yaml", tmp_path / "out", "multi")
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        models = importlib.import_module("multi")
        # Models that refer to each other share a module: importing one runs the other's readers.
        assert models.Pet.__module__ == models.Owner.__module__ == "multi.types.pets.owner"
        data = {"name": "Rex", "tag": {"label": "good"}, "owner": {"name": "Ann", "pets": [{"name": "Tom", "kind": "cat"}]}}
        pet = models.Pet.from_dict(data)
        assert isinstance(pet.owner, models.Owner) and isinstance(pet.owner.pets[0], models.Pet)
        assert pet.owner.pets[0].kind is models.Kind.CAT
        assert pet.to_dict() == data
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m == "multi" or m.startswith("multi.")]:
            del sys.modules[name]


def test_a_recursive_model_generates_with_forward_references(tmp_path):
    node = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
    }
    path = write_spec(tmp_path, spec({"Node": node}, response="Node"))
    build_package(path, tmp_path / "out", "tree")
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        models = importlib.import_module("tree")
        data = {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": []}]}]}
        root = models.Node.from_dict(data)
        assert root.children[0].children[0].name == "c"
        assert root.to_dict() == data
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m == "tree" or m.startswith("tree.")]:
            del sys.modules[name]


@pytest.mark.parametrize(
    "schemas, pointer, message",
    [
        (
            {"Thing": {"$ref": "#/components/schemas/A"}, "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
            "/components/schemas/A",
            "$ref cycle: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A (a schema cannot be made of itself)",
        ),
        (
            {"Thing": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}},
            "/components/schemas/Thing",
            "operation skipped: reference cycle through schemas that are not objects (nothing to generate)",
        ),
        (
            {
                "Thing": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"a": {"type": "string"}}}]},
                "B": {"allOf": [{"$ref": "#/components/schemas/Thing"}, {"properties": {"b": {"type": "string"}}}]},
            },
            "/components/schemas/B",
            "$ref cycle: #/components/schemas/B -> #/components/schemas/Thing -> #/components/schemas/B (a schema cannot be made of itself)",
        ),
        (
            {"Thing": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Thing"}]}},
            "/components/schemas/Thing",
            "$ref cycle: #/components/schemas/Thing -> #/components/schemas/Thing (a schema cannot be made of itself)",
        ),
    ],
    ids=["bare-refs", "array-of-itself", "allOf", "oneOf"],
)
def test_reference_cycles_are_clear_errors(tmp_path, schemas, pointer, message):
    path = write_spec(tmp_path, spec(schemas))
    result = cli("generate", "--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "pkg", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"error: {path}#{pointer}: {message}" in result.stderr.splitlines()
    assert not (tmp_path / "out").exists()


def test_a_remote_reference_added_by_an_overlay_is_refused_before_validation(tmp_path):
    write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    (tmp_path / "overlay.yaml").write_text(
        "overlay: 1.0.0\nactions:\n  - target: $.components.schemas.Thing.properties.a\n"
        "    update: {$ref: 'https://evil.example/a.json'}\n"
    )
    (tmp_path / "config.yaml").write_text("package: pkg\nspec: openapi.json\noverlay: overlay.yaml\noutput: out\n")
    result = cli("generate", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "#/components/schemas/Thing/properties/a: only local references are supported, got 'https://evil.example/a.json'" in result.stderr
    assert not (tmp_path / "out").exists()
