"""Hostile spec text: every carrier yields code that compiles, passes mypy --strict, and only does its job.

Each case puts the same payloads (quotes of every kind, backslashes, NUL, line separators,
Jinja syntax, a call to `__import__`) into one place a spec can carry text. If any of them ever
became code, importing or using the package would create the file PWNED.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError

from .specs import build_package, cli, spec, write_spec

HERE = Path(__file__).resolve().parent
CALL = "__import__('pathlib').Path('PWNED').touch()"
PAYLOADS = [
    f'"""; {CALL}; """',
    f"'''; {CALL}; '''",
    f'\\"; {CALL} #',
    f"\\'; {CALL} #",
    f"\x00\x1b[31m\u2028{CALL}\u2029\x85",
    "{{ " + CALL + " }}",
    "{% " + CALL + " %}",
    f"\n{CALL}\n",
    "\ud800 lone surrogate",
    "ends in a backslash \\",
    'ends in a quote"',
]
TEXT = " ".join(PAYLOADS)
# Names travel on the wire, percent-encoded as UTF-8: every payload but the lone surrogate.
WIRE_TEXT = " ".join(p for p in PAYLOADS if "\ud800" not in p)
NAMES = ["class", "from", "self", "__init__", "__class__", "1abc", "a-b", "a.b", "a_b", "A B", "$x", "", "_", "to_dict",
         "str", "None", "True", "json_body", "read_str", "extra_fields", "ä", CALL]
# Component names the OpenAPI schema allows (^[a-zA-Z0-9.\-_]+$).
SCHEMA_NAMES = ["class", "__init__", "__class__", "1abc", "a-b", "a.b", "a_b", "AB", "None", "str", "Any", "BaseModel",
                "Client", "OpenEnum", "ThingsResource", "bind"]


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def with_op(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    doc["paths"]["/things/{thing_id}"]["post"].update(changes)
    return doc


def operations() -> dict[str, Any]:
    """Operation ids and path segments that a resource or method name could take badly."""
    doc = spec({"Thing": obj(a={"type": "string"})})
    template = doc["paths"].pop("/things/{thing_id}")["post"]
    for i, (segment, op_id) in enumerate(
        [("request", "__init__"), ("close", "class"), ("class", "1abc"), ("__init__", CALL), ("with_options", "request"),
         ("base_url", "a-b"), ("str", "str"), ("request", "request")]
    ):
        op = json.loads(json.dumps(template))
        op["operationId"] = op_id
        doc["paths"][f"/{segment}/x{i}/{{thing_id}}"] = {"post": op}
    return doc


CASES: dict[str, tuple[dict[str, Any], Any]] = {
    # name: (spec, a sample of Thing that must round-trip, or None)
    "schema-description": (spec({"Thing": {**obj(a={"type": "string"}), "description": TEXT, "title": TEXT}}), None),
    "property-description": (spec({"Thing": obj(a={"type": "string", "description": TEXT, "deprecated": True})}), {"a": TEXT}),
    "operation-text": (with_op(spec({"Thing": obj(a={"type": "string"})}), summary=TEXT, description=TEXT), None),
    "parameter-description": (
        with_op(spec({"Thing": obj()}), parameters=[{"name": "thing_id", "in": "path", "required": True, "description": TEXT, "schema": {"type": "string"}}]),
        None,
    ),
    "enum-values": (spec({"Thing": obj(kind={"type": "string", "enum": [*PAYLOADS, "", "class", "a-b", "a_b", "A B", CALL]})}), {"kind": PAYLOADS[0]}),
    "defaults-and-consts": (
        spec({"Thing": obj(a={"type": "string", "default": TEXT}, b={"type": "object", "default": {TEXT: TEXT}}, c={"const": TEXT}, d={"type": "number", "default": 1e308})}),
        {"a": TEXT, "c": TEXT},
    ),
    "property-names": (spec({"Thing": {**obj(**{n: {"type": "string"} for n in NAMES}), "required": NAMES[:5]}}), {n: n for n in NAMES}),
    "schema-names": (
        spec({"Thing": obj(**{n: {"$ref": f"#/components/schemas/{n}"} for n in SCHEMA_NAMES}), **{n: obj(v={"type": "integer"}) for n in SCHEMA_NAMES}}),
        {n: {"v": i} for i, n in enumerate(SCHEMA_NAMES)},
    ),
    "parameter-names": (
        with_op(
            spec({"Thing": obj()}),
            parameters=[{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}]
            + [{"name": n, "in": "query", "required": i % 2 == 0, "schema": {"type": "string"}} for i, n in enumerate(NAMES)],
            requestBody={"content": {"application/json": {"schema": {**obj(**{n: {"type": "integer"} for n in NAMES}), "required": NAMES}}}},
        ),
        None,
    ),
    "path-literal": (
        {**(d := spec({"Thing": obj()})), "paths": {"/it's/\"\\/{thing_id}/''' x": d["paths"]["/things/{thing_id}"]}},
        None,
    ),
    "operation-ids-and-resources": (operations(), None),
    "parameter-styles": (
        with_op(
            spec({"Thing": obj()}),
            parameters=[
                {"name": "thing_id", "in": "path", "required": True, "style": "matrix", "explode": True, "schema": {"type": "string"}},
                {"name": WIRE_TEXT, "in": "query", "required": True, "style": "deepObject", "explode": True,
                 "schema": {"type": "object", "additionalProperties": {"type": "string"}}},
                {"name": CALL, "in": "query", "required": True, "allowReserved": True, "schema": {"type": "string"}},
                {"name": WIRE_TEXT, "in": "cookie", "required": True, "schema": {"type": "string"}},
                {"name": "x-h", "in": "header", "required": True, "content": {f"{PAYLOADS[0]}+json": {"schema": {"type": "string"}}}},
            ],
            requestBody={"content": {"application/x-www-form-urlencoded": {
                "schema": {**obj(**{WIRE_TEXT: {"type": "string"}, "b": {"type": "object"}}), "required": [WIRE_TEXT]},
                "encoding": {WIRE_TEXT: {"contentType": TEXT}, "b": {"style": "deepObject", "explode": True}},
            }}},
        ),
        None,
    ),
    "security-schemes": (
        spec(
            {"Thing": obj()},
            security=[{"class": [], CALL: [], "1abc": []}],
            components={
                "schemas": {"Thing": obj()},
                "securitySchemes": {
                    "class": {"type": "apiKey", "in": "query", "name": WIRE_TEXT, "description": TEXT},
                    CALL: {"type": "http", "scheme": "bearer", "bearerFormat": TEXT},
                    "1abc": {"type": "http", "scheme": "basic"},
                },
            },
        ),
        None,
    ),
    "server-url": (spec({"Thing": obj()}, servers=[{"url": "https://example.test/{v}", "variables": {"v": {"default": TEXT}}}]), None),
    "title": (spec({"Thing": obj()}, info={"title": TEXT, "version": TEXT}), None),
    "discriminator": (
        spec(
            {
                "Thing": obj(pet={"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}], "discriminator": {"propertyName": TEXT}}),
                "Cat": {"type": "object", "required": [TEXT], "properties": {TEXT: {"const": PAYLOADS[0]}}},
                "Dog": {"type": "object", "required": [TEXT], "properties": {TEXT: {"const": PAYLOADS[1]}}},
            }
        ),
        {"pet": {TEXT: PAYLOADS[1]}},
    ),
}


def generate_all(tmp_path: Path) -> tuple[Path, list[str]]:
    out = tmp_path / "out"
    packages = []
    for i, (case, (doc, _)) in enumerate(sorted(CASES.items())):
        package = f"h{i}_{case.replace('-', '_')}"
        path = write_spec(tmp_path / "specs" / case, doc, name=f"{case}\n{PAYLOADS[0]}.json" if case == "title" else "openapi.json")
        build_package(path, out, package)
        packages.append(package)
    return out, packages


def test_hostile_text_never_becomes_code(tmp_path):
    out, packages = generate_all(tmp_path)
    for package in packages:
        for source in (out / package).rglob("*.py"):
            tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
            names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert "__import__" not in names, source
    samples = [[p, "Client", CASES[case][1]] for p, case in zip(packages, sorted(CASES))]
    result = subprocess.run(
        [sys.executable, str(HERE / "hostile" / "exercise.py"), json.dumps(samples)],
        cwd=tmp_path, env={"PYTHONPATH": str(out), "PATH": ""}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "PWNED").exists()
    report = json.loads(result.stdout)
    by_case = dict(zip(sorted(CASES), (report[p] for p in packages)))
    # Nothing lost: the strings are there, as data.
    assert by_case["server-url"]["base_url"] == f"https://example.test/{TEXT}"  # the variable's default, filled in
    assert CALL in by_case["title"]["doc"] and '"""' in by_case["title"]["doc"]
    assert by_case["path-literal"]["requests"] == [["POST", "/it's/%22\\/v/'''%20x", None]]
    assert len(by_case["operation-ids-and-resources"]["requests"]) == 8
    (request,) = by_case["parameter-names"]["requests"]
    assert request[2] == {n: 1 for n in NAMES}
    (request,) = by_case["parameter-styles"]["requests"]
    assert request[1].startswith("/things/;thing_id=v?")
    (request,) = by_case["security-schemes"]["requests"]
    assert request[1].endswith("=k")  # the apiKey in the query, under its (encoded) hostile name

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *(str(out / p) for p in packages)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "pin, problem",
    [(CALL, "is not an ASCII Python identifier"), ("class", "is not an ASCII Python identifier"),
     ("ｃｌａｓｓ", "is not an ASCII Python identifier"), ("thing", "must start with an upper-case letter"),
     ("BaseModel", "is a name the generated code uses itself"), ("None", "is not an ASCII Python identifier"),
     ("Client", "is the name of a client class or of the root error")],
)
def test_a_hostile_pinned_name_is_refused(tmp_path, pin, problem):
    path = write_spec(tmp_path, spec({"Thing": {**obj(a={"type": "string"}), "x-py-name": pin}}))
    with pytest.raises(SpecError) as e:
        build_package(path, tmp_path / "out", "pkg")
    assert str(e.value) == f"{path}#/components/schemas/Thing: x-py-name {pin!r} {problem}"


@pytest.mark.parametrize(
    "line, pointer",
    [
        (f"client_class: {json.dumps(CALL)}", "/client_class"),
        ("async_client_class: 'A(SyncAPIClient): pass\\nimport os\\nclass B'", "/async_client_class"),
        ("package: class", "/package"),
        (f"methods: {{updateThing: {json.dumps('things.' + CALL)}}}", "/methods/updateThing"),
        ("methods: {updateThing: things.class}", "/methods/updateThing"),
        (f"names: {{/components/schemas/Thing: {json.dumps(CALL)}}}", "/names"),
    ],
)
def test_hostile_config_names_exit_2_and_write_nothing(tmp_path, line, pointer):
    write_spec(tmp_path, spec({"Thing": obj(a={"type": "string"})}))
    config = tmp_path / "config.yaml"
    config.write_text(f"package: pkg\nspec: openapi.json\noutput: out\n{line}\n")
    result = cli("generate", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and f"#{pointer}: " in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists() and not (tmp_path / "PWNED").exists()


def test_a_hostile_package_name_argument_exits_2(tmp_path):
    path = write_spec(tmp_path, spec({"Thing": obj()}))
    result = cli("generate", "--spec", str(path), "--out", str(tmp_path / "out"), "--package-name", "../../x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: --package-name '../../x' is not a Python identifier (letters, digits and underscores, not starting with a digit)\n"
    assert not (tmp_path / "out").exists()

