"""Lenient and strict validation, and bad input of every kind: exit 2, file#pointer, nothing on disk changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .specs import cli, spec, tree, write_spec

HOSTILE = Path(__file__).resolve().parent / "hostile"
THING = {"type": "object", "properties": {"a": {"type": "string"}}}


def run(tmp_path: Path, *extra: str, name: str = "openapi.json"):
    return cli("generate", "--spec", str(tmp_path / name), "--out", str(tmp_path / "out"), "--package-name", "pkg", *extra, cwd=tmp_path)


def test_errors_outside_the_generated_part_are_warnings_unless_strict(tmp_path):
    unused = {"type": "object", "properties": {"b": {"type": "string", "maxLength": "ten"}}}
    path = write_spec(tmp_path, spec({"Thing": THING, "Unused": unused}))
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"warning: {path}#/components/schemas/Unused/properties/b/maxLength: 'ten' is not of type 'integer'" in result.stderr
    assert (tmp_path / "out" / "pkg" / "types" / "things" / "thing.py").is_file()
    before = tree(tmp_path / "out")
    result = run(tmp_path, "--strict")
    assert result.returncode == 2
    assert f"error: {path}#/components/schemas/Unused/properties/b/maxLength: 'ten' is not of type 'integer'" in result.stderr
    assert tree(tmp_path / "out") == before


def test_errors_inside_the_listed_operations_are_fatal_even_when_lenient(tmp_path):
    thing = {"type": "object", "properties": {"a": {"type": "string", "maxLength": "ten"}}}
    path = write_spec(tmp_path, spec({"Thing": thing}))
    (tmp_path / "config.yaml").write_text(f"package: pkg\nspec: {path.name}\noutput: out\noperations: [updateThing]\n")
    result = cli("generate", "--config", str(tmp_path / "config.yaml"), cwd=tmp_path)
    assert result.returncode == 2
    # The validator reaches Thing through the operation's $ref: the pointer says so.
    where = "/paths/~1things~1{thing_id}/post/responses/200/content/application~1json/schema/properties/a/maxLength"
    assert result.stderr == f"error: {path}#{where}: 'ten' is not of type 'integer'\n"
    assert not (tmp_path / "out").exists()


def test_with_no_operation_list_findings_are_warnings_and_strict_makes_them_errors(tmp_path):
    """A whole upstream API (no list) is generated best-effort: real specs are never entirely valid."""
    thing = {"type": "object", "properties": {"a": {"type": "string", "maxLength": "ten"}}}
    path = write_spec(tmp_path, spec({"Thing": thing}))
    where = "/paths/~1things~1{thing_id}/post/responses/200/content/application~1json/schema/properties/a/maxLength"
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"warning: {path}#{where}: 'ten' is not of type 'integer'" in result.stderr
    assert run(tmp_path, "--strict").returncode == 2


BAD = {
    "malformed-yaml": ("openapi.yaml", "openapi: 3.1.0\ninfo: {title: x\n", "#: not valid YAML/JSON (line"),
    "python-tag": ("openapi.yaml", (HOSTILE / "python_tag.yaml").read_text(), "#: not valid YAML/JSON"),
    "alias-bomb": ("openapi.yaml", (HOSTILE / "billion_laughs.yaml").read_text(), "#: more than 20000000 values once YAML aliases are expanded"),
    "remote-ref": ("openapi.json", json.dumps(spec({"Thing": {"$ref": "https://evil.example/x.json"}})), "#/components/schemas/Thing: remote reference"),
    "escaping-ref": ("openapi.json", json.dumps(spec({"Thing": {"$ref": "../../../etc/passwd"}})), "#/components/schemas/Thing: file reference"),
    "hostile-pin": (
        "openapi.json",
        json.dumps(spec({"Thing": {**THING, "x-py-name": "X:\n    __import__('os').system('id')"}})),
        "#/components/schemas/Thing: x-py-name",
    ),
    "undeclared-path-parameter": (
        "openapi.json",
        json.dumps(spec({"Thing": THING}, paths={"/x/{y}": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok"}}}}})),
        "#/paths/~1x~1{y}",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_with_file_and_pointer_and_changes_nothing(tmp_path, case):
    good = write_spec(tmp_path, spec({"Thing": THING}))
    assert run(tmp_path).returncode == 0
    before = tree(tmp_path)
    name, text, message = BAD[case]
    good.unlink()
    (tmp_path / name).write_text(text)
    before = {k: v for k, v in before.items() if k != "openapi.json"}
    result = run(tmp_path, name=name)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert lines[0].startswith(f"error: {tmp_path / name}") and message in lines[0], result.stderr
    assert {k: v for k, v in tree(tmp_path).items() if k != name} == before
    assert not (tmp_path / "PWNED").exists()


def test_an_unknown_operation_exits_2_and_changes_nothing(tmp_path):
    write_spec(tmp_path, spec({"Thing": THING}))
    (tmp_path / "config.yaml").write_text("package: pkg\nspec: openapi.json\noutput: out\n")
    assert cli("generate", "--config", "config.yaml", cwd=tmp_path).returncode == 0
    before = tree(tmp_path)
    (tmp_path / "config.yaml").write_text("package: pkg\nspec: openapi.json\noutput: out\noperations: [nope]\n")
    result = cli("generate", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: config.yaml#/operations/0: no operation with operationId 'nope' in openapi.json\n"
    assert {k: v for k, v in tree(tmp_path).items() if k != "config.yaml"} == {k: v for k, v in before.items() if k != "config.yaml"}


def test_spec_text_in_a_message_cannot_drive_the_terminal():
    from generator.errors import Diagnostic

    line = str(Diagnostic("spec.yaml", "/paths/\x1b[2J", "bad \u2028 value\r\n"))
    assert line == "spec.yaml#/paths/\\x1b[2J: bad \\u2028 value\\r\\n"
