"""The change report: the OpenAI versions against their golden reports and the spec's own change
log, one synthetic spec pair per kind of change with its severity, the command line, and the
summary that `generate` and `check` print."""

from __future__ import annotations

import copy
import difflib
import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from generator.build import Config as BuildConfig
from generator.config import Config
from generator.diff import Change, compare
from generator.pipeline import named_api
from generator.surface import surface

from .conftest import GENERATED, ROOT
from .golden import OPENAI, REGENERATE, openai_pairs, openai_reports, openai_surface
from .specs import cli, write_spec

# -- the six OpenAI versions ---------------------------------------------------------------


@pytest.mark.parametrize("old, new", openai_pairs(), ids=lambda p: p.stem)
def test_openai_report_matches_its_golden_files(old, new):
    for path, text in openai_reports(old, new).items():
        expected = path.read_text(encoding="utf-8")
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), path.name, path.name))
        assert text == expected, f"the report differs from {path.name} (after a deliberate change run `{REGENERATE}`):\n{diff}"


# What ../shared/specs/openai/README.md says changed in the operation's closure, as the SDK shows it.
# Every change that is not `docs` is listed; the docs changes named there are listed too.
README_SAYS: dict[str, set[tuple[str, ...]]] = {
    # service_tier's inline enum [scale, default] became a $ref to ServiceTier [auto, default, flex].
    "2025-03-11..2025-04-29": {
        ("breaking", "changed", "field", "ChatCompletion.service_tier", "ChatCompletionServiceTier | None = None", "ServiceTier | None = None"),
        ("breaking", "removed", "enum", "ChatCompletionServiceTier", "'scale', 'default'", ""),
        ("compatible", "added", "enum", "ServiceTier", "", "'auto', 'default', 'flex'"),
    },
    # nullable: true → anyOf-null changes nothing callers see; tool calls became a discriminated
    # union (function | custom); ServiceTier gained scale and priority; unixtime and uri formats;
    # system_fingerprint deprecated.
    "2025-04-29..2026-05-13": {
        (
            "breaking",
            "changed",
            "alias",
            "ChatCompletionMessageToolCalls",
            "list[ChatCompletionMessageFunctionToolCall]",
            "list[ChatCompletionMessageFunctionToolCall | ChatCompletionMessageCustomToolCall]",
        ),
        ("compatible", "added", "model", "ChatCompletionMessageCustomToolCall", "", ""),
        ("compatible", "added", "model", "ChatCompletionMessageCustomToolCallCustom", "", ""),
        ("compatible", "added", "member", "ServiceTier.SCALE", "", "'scale'"),
        ("compatible", "added", "member", "ServiceTier.PRIORITY", "", "'priority'"),
        ("docs", "changed", "field", "ChatCompletion.created", "", "unixtime"),
        ("docs", "changed", "field", "ChatCompletionMessageAudio.expires_at", "", "unixtime"),
        ("docs", "changed", "field", "AnnotationURLCitation.url", "", "uri"),
        ("docs", "changed", "field", "ChatCompletion.system_fingerprint", "false", "true"),
    },
    # moderation (with its discriminated unions and maps) and prompt_tokens_details.cache_write_tokens.
    "2026-05-13..2026-07-15": {
        ("compatible", "added", "field", "ChatCompletion.moderation", "", "ChatCompletionModeration | None = None"),
        ("compatible", "added", "model", "ChatCompletionModeration", "", ""),
        ("compatible", "added", "model", "ChatCompletionModerationError", "", ""),
        ("compatible", "added", "model", "ChatCompletionModerationResults", "", ""),
        ("compatible", "added", "model", "ModerationResultBody", "", ""),
        ("compatible", "added", "enum", "ModerationInputType", "", "'text', 'image'"),
        ("compatible", "added", "field", "PromptTokensDetails.cache_write_tokens", "", "int | None = None"),
    },
    "2026-07-15..2026-07-30": {("compatible", "added", "member", "ServiceTier.FAST", "", "'fast'")},
    "2026-07-30..2026-08-14": {
        ("compatible", "added", "field", "CompletionTokensDetails.text_tokens", "", "int | None = None"),
        ("compatible", "added", "field", "PromptTokensDetails.text_tokens", "", "int | None = None"),
        ("compatible", "added", "field", "PromptTokensDetails.image_tokens", "", "int | None = None"),
        ("compatible", "added", "field", "ChatCompletion.metadata", "", "Metadata | None = None"),
    },
}


@pytest.mark.parametrize("old, new", openai_pairs(), ids=lambda p: p.stem)
def test_openai_report_says_what_the_spec_changelog_says(old, new):
    changes = compare(openai_surface(old), openai_surface(new))
    expected = README_SAYS[f"{old.stem}..{new.stem}"]
    shown = {(c.severity, c.change, c.element, c.name, c.old or "", c.new or "") for c in changes}
    assert expected <= shown
    # Nothing else that a caller's code could notice.
    assert {s for s in shown if s[0] != "docs"} == {s for s in expected if s[0] != "docs"}
    # The request (metadata, required) and the response type never changed.
    assert not [c for c in changes if c.element in ("method", "argument") and c.severity != "docs"]


# -- one synthetic spec pair per kind of change ----------------------------------------------


def _thing_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A thing.",
        "required": ["id", "color"],
        "properties": {
            "id": {"type": "string", "description": "The id."},
            "color": {"$ref": "#/components/schemas/Color"},
            "size": {"type": "integer"},
            "shape": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        },
    }


def base() -> dict[str, Any]:
    """Two operations on one resource: a read (path and query arguments) and a create (a JSON body)."""
    thing = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1.0.0"},
        "servers": [{"url": "https://things.test"}],
        "paths": {
            "/things/{thing_id}": {
                "get": {
                    "operationId": "getThing",
                    "x-py-method": "things.retrieve",
                    "summary": "Read a thing.",
                    "parameters": [
                        {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "expand", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": copy.deepcopy(thing)},
                }
            },
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "x-py-method": "things.create",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string", "maxLength": 10},
                                        "size": {"type": "integer"},
                                        "spec": {"$ref": "#/components/schemas/ThingSpec"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"200": copy.deepcopy(thing)},
                }
            },
        },
        "components": {
            "schemas": {
                "Thing": _thing_schema(),
                "Color": {"type": "string", "enum": ["red", "green", "blue"]},
                "ThingSpec": {
                    "type": "object",
                    "required": ["form"],
                    "properties": {"form": {"type": "string"}, "weight": {"type": "number"}},
                },
            }
        },
    }


Edit = Callable[[dict[str, Any]], None]


def _op(path: str, method: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda d: d["paths"][path][method]


get_op, create_op = _op("/things/{thing_id}", "get"), _op("/things", "post")


def body(d: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = create_op(d)["requestBody"]["content"]["application/json"]["schema"]
    return schema


def schemas(d: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = d["components"]["schemas"]
    return found


def widgets(d: dict[str, Any]) -> None:
    d["paths"]["/widgets"] = {
        "get": {"operationId": "listWidgets", "x-py-method": "widgets.scan", "responses": {"204": {"description": "none"}}}
    }


def delete_thing(d: dict[str, Any]) -> None:
    get_op(d)  # the path exists
    d["paths"]["/things/{thing_id}"]["delete"] = {
        "operationId": "deleteThing",
        "x-py-method": "things.delete",
        "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "gone"}},
    }


def two_path_params(order: tuple[str, str]) -> Edit:
    """Two path parameters, positional in the order the path names them."""

    def edit(d: dict[str, Any]) -> None:
        op = d["paths"].pop("/things/{thing_id}")
        op["get"]["parameters"] = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in sorted(order)]
        d["paths"]["/things/" + "/".join("{" + n + "}" for n in order)] = op

    return edit


def labels(d: dict[str, Any]) -> None:
    schemas(d)["Labels"] = {"type": "object", "additionalProperties": {"type": "string"}}
    schemas(d)["Thing"]["properties"]["labels"] = {"$ref": "#/components/schemas/Labels"}


def rename_color(d: dict[str, Any]) -> None:
    schemas(d)["Colour"] = schemas(d).pop("Color")
    schemas(d)["Thing"]["properties"]["color"] = {"$ref": "#/components/schemas/Colour"}


def seq(*edits: Edit) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        for e in edits:
            e(d)

    return edit


def nothing(d: dict[str, Any]) -> None:
    pass


# (kind of change, edit to the old spec, edit to the new spec, the report's changes as
# (severity, change, element, name, aspect)). The old spec is base() with its edit applied.
CASES: list[tuple[str, Edit, Edit, list[tuple[str, ...]]]] = [
    # methods and resources
    ("method added", nothing, delete_thing, [("compatible", "added", "method", "things.delete()", "")]),
    ("method removed", delete_thing, nothing, [("breaking", "removed", "method", "things.delete()", "")]),
    (
        "resource added",
        nothing,
        widgets,
        [("compatible", "added", "resource", "widgets", ""), ("compatible", "added", "method", "widgets.scan()", "")],
    ),
    (
        "resource removed",
        widgets,
        nothing,
        [("breaking", "removed", "resource", "widgets", ""), ("breaking", "removed", "method", "widgets.scan()", "")],
    ),
    (
        "return type widened",
        nothing,
        lambda d: get_op(d)["responses"]["200"]["content"]["application/json"].update(
            schema={"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]}
        ),
        [("breaking", "changed", "method", "things.retrieve()", "returns")],
    ),
    (
        "return type narrowed",
        lambda d: get_op(d)["responses"]["200"]["content"]["application/json"].update(
            schema={"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]}
        ),
        nothing,
        [("compatible", "changed", "method", "things.retrieve()", "returns")],
    ),
    # arguments
    (
        "optional argument added",
        nothing,
        lambda d: get_op(d)["parameters"].append({"name": "fields", "in": "query", "schema": {"type": "string"}}),
        [("compatible", "added", "argument", "things.retrieve(fields=)", "")],
    ),
    (
        "required argument added",
        nothing,
        lambda d: get_op(d)["parameters"].append({"name": "version", "in": "query", "required": True, "schema": {"type": "string"}}),
        [("breaking", "added", "argument", "things.retrieve(version=)", "")],
    ),
    (
        "argument removed",
        nothing,
        lambda d: get_op(d)["parameters"].pop(),
        [("breaking", "removed", "argument", "things.retrieve(expand=)", "")],
    ),
    (
        "argument became required",
        nothing,
        lambda d: get_op(d)["parameters"][1].update(required=True),
        [("breaking", "changed", "argument", "things.retrieve(expand=)", "type")],
    ),
    (
        "argument became optional",
        nothing,
        lambda d: body(d).update(required=[]),
        [("compatible", "changed", "argument", "things.create(name=)", "type")],
    ),
    (
        "argument type widened",
        nothing,
        lambda d: body(d)["properties"].update(size={"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        [("compatible", "changed", "argument", "things.create(size=)", "type")],
    ),
    (
        "argument type narrowed",
        lambda d: body(d)["properties"].update(size={"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        nothing,
        [("breaking", "changed", "argument", "things.create(size=)", "type")],
    ),
    (
        "argument type changed",
        nothing,
        lambda d: body(d)["properties"].update(size={"type": "number"}),
        [("breaking", "changed", "argument", "things.create(size=)", "type")],
    ),
    (
        "positional arguments swapped",
        two_path_params(("group_id", "thing_id")),
        two_path_params(("thing_id", "group_id")),
        [
            ("breaking", "changed", "argument", "things.retrieve(group_id)", "position"),
            ("breaking", "changed", "argument", "things.retrieve(thing_id)", "position"),
            ("compatible", "changed", "method", "things.retrieve()", "path"),
        ],
    ),
    (
        "argument moved from the query to a header",
        nothing,
        lambda d: get_op(d)["parameters"][1].update({"in": "header"}),
        [
            ("compatible", "changed", "argument", "things.retrieve(expand=)", "location"),
            ("compatible", "changed", "argument", "things.retrieve(expand=)", "style"),
        ],
    ),
    # request checks
    (
        "request check stricter",
        nothing,
        lambda d: body(d)["properties"]["name"].update(maxLength=5),
        [("breaking", "changed", "argument", "things.create(name=)", "checks")],
    ),
    (
        "request check added",
        nothing,
        lambda d: body(d)["properties"]["size"].update(minimum=1),
        [("breaking", "changed", "argument", "things.create(size=)", "checks")],
    ),
    (
        "request check looser",
        nothing,
        lambda d: body(d)["properties"]["name"].update(maxLength=20),
        [("compatible", "changed", "argument", "things.create(name=)", "checks")],
    ),
    (
        "request check removed",
        nothing,
        lambda d: body(d)["properties"]["name"].pop("maxLength"),
        [("compatible", "changed", "argument", "things.create(name=)", "checks")],
    ),
    # fields
    (
        "optional field added to a response model",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"].update(weight={"type": "number"}),
        [("compatible", "added", "field", "Thing.weight", "")],
    ),
    (
        "required field added to a response model",
        nothing,
        lambda d: (schemas(d)["Thing"]["properties"].update(weight={"type": "number"}), schemas(d)["Thing"]["required"].append("weight")),
        [("compatible", "added", "field", "Thing.weight", "")],
    ),
    (
        "required field added to a request model",
        nothing,
        lambda d: (schemas(d)["ThingSpec"]["properties"].update(depth={"type": "number"}), schemas(d)["ThingSpec"]["required"].append("depth")),
        [("breaking", "added", "field", "ThingSpec.depth", "")],
    ),
    (
        "optional field added to a request model",
        nothing,
        lambda d: schemas(d)["ThingSpec"]["properties"].update(depth={"type": "number"}),
        [("compatible", "added", "field", "ThingSpec.depth", "")],
    ),
    (
        "field removed",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"].pop("size"),
        [("breaking", "removed", "field", "Thing.size", "")],
    ),
    (
        "response field became optional",
        nothing,
        lambda d: schemas(d)["Thing"].update(required=["id"]),
        [("breaking", "changed", "field", "Thing.color", "type")],
    ),
    (
        "response field became nullable",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"].update(id={"type": ["string", "null"], "description": "The id."}),
        [("breaking", "changed", "field", "Thing.id", "type")],
    ),
    (
        "response field became required",
        lambda d: schemas(d)["Thing"].update(required=["id"]),
        nothing,
        [("breaking", "changed", "field", "Thing.color", "type")],
    ),
    (
        "response field type widened",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"].update(size={"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        [("breaking", "changed", "field", "Thing.size", "type")],
    ),
    (
        "field type narrowed",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"].update(shape={"type": "integer"}),
        [("breaking", "changed", "field", "Thing.shape", "type")],
    ),
    (
        "request model field widened",
        nothing,
        lambda d: schemas(d)["ThingSpec"]["properties"].update(weight={"anyOf": [{"type": "number"}, {"type": "string"}]}),
        [("compatible", "changed", "field", "ThingSpec.weight", "type")],
    ),
    (
        "request model field became optional",
        nothing,
        lambda d: schemas(d)["ThingSpec"].update(required=[]),
        [("compatible", "changed", "field", "ThingSpec.form", "type")],
    ),
    # enums, models and aliases
    (
        "enum member added",
        nothing,
        lambda d: schemas(d)["Color"]["enum"].append("yellow"),
        [("compatible", "added", "member", "Color.YELLOW", "")],
    ),
    (
        "enum member removed",
        nothing,
        lambda d: schemas(d)["Color"]["enum"].pop(),
        [("breaking", "removed", "member", "Color.BLUE", "")],
    ),
    (
        "enum member value changed",
        nothing,
        lambda d: schemas(d)["Color"].update(enum=["Red", "green", "blue"]),
        [("breaking", "changed", "member", "Color.RED", "value")],
    ),
    (
        "enum became an integer enum",
        nothing,
        lambda d: schemas(d)["Color"].update(type="integer", enum=[1, 2, 3]),
        [
            ("breaking", "changed", "enum", "Color", "base"),
            ("breaking", "removed", "member", "Color.BLUE", ""),
            ("breaking", "removed", "member", "Color.GREEN", ""),
            ("breaking", "removed", "member", "Color.RED", ""),
            ("compatible", "added", "member", "Color.V_1", ""),
            ("compatible", "added", "member", "Color.V_2", ""),
            ("compatible", "added", "member", "Color.V_3", ""),
        ],
    ),
    (
        "type added",
        nothing,
        labels,
        [("compatible", "added", "field", "Thing.labels", ""), ("compatible", "added", "alias", "Labels", "")],
    ),
    (
        "type removed",
        labels,
        nothing,
        [("breaking", "removed", "field", "Thing.labels", ""), ("breaking", "removed", "alias", "Labels", "")],
    ),
    (
        "type renamed",
        nothing,
        rename_color,
        [
            ("breaking", "changed", "field", "Thing.color", "type"),
            ("breaking", "removed", "enum", "Color", ""),
            ("compatible", "added", "enum", "Colour", ""),
        ],
    ),
    (
        "type moved to another module",
        nothing,
        lambda d: d["paths"].update(
            {"/widgets/{widget_id}": {"get": {
                "operationId": "getWidget", "x-py-method": "widgets.retrieve",
                "parameters": [{"name": "widget_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingSpec"}}}}},
            }}}
        ),
        [
            # Used by a second resource, it moves from types/things/ to types/shared/.
            ("breaking", "changed", "model", "ThingSpec", "module"),
            ("compatible", "added", "method", "widgets.retrieve()", ""),
            ("compatible", "added", "resource", "widgets", ""),
        ],
    ),
    (
        "alias type changed",
        labels,
        seq(labels, lambda d: schemas(d)["Labels"].update(additionalProperties={"type": "integer"})),
        [("breaking", "changed", "alias", "Labels", "type")],
    ),
    (
        "alias became a model",
        labels,
        seq(labels, lambda d: schemas(d).update(Labels={"type": "object", "properties": {"text": {"type": "string"}}})),
        [("breaking", "changed", "model", "Labels", "kind")],
    ),
    # documentation
    (
        "field description changed",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"]["id"].update(description="The thing's id."),
        [("docs", "changed", "field", "Thing.id", "description")],
    ),
    (
        "model description changed",
        nothing,
        lambda d: schemas(d)["Thing"].update(description="Something."),
        [("docs", "changed", "model", "Thing", "description")],
    ),
    (
        "field deprecated",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"]["size"].update(deprecated=True),
        [("docs", "changed", "field", "Thing.size", "deprecated")],
    ),
    (
        "model deprecated",
        nothing,
        lambda d: schemas(d)["Thing"].update(deprecated=True),
        [("docs", "changed", "model", "Thing", "deprecated")],
    ),
    (
        "method deprecated and its summary changed",
        nothing,
        lambda d: get_op(d).update(deprecated=True, summary="Read one thing."),
        [("docs", "changed", "method", "things.retrieve()", "summary"), ("docs", "changed", "method", "things.retrieve()", "deprecated")],
    ),
    (
        "argument description changed",
        nothing,
        lambda d: get_op(d)["parameters"][1].update(description="What to expand."),
        [("docs", "changed", "argument", "things.retrieve(expand=)", "description")],
    ),
    (
        "format added",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"]["size"].update(format="int64"),
        [("docs", "changed", "field", "Thing.size", "format")],
    ),
    (
        "documented default changed",
        nothing,
        lambda d: schemas(d)["Thing"]["properties"]["size"].update(default=3),
        [("docs", "changed", "field", "Thing.size", "default")],
    ),
    # the wire: nothing in callers' code changes
    (
        "HTTP path and method changed",
        nothing,
        lambda d: d["paths"].update({"/v2/things/{thing_id}": {"post": d["paths"].pop("/things/{thing_id}")["get"]}}),
        [("compatible", "changed", "method", "things.retrieve()", "http_method"), ("compatible", "changed", "method", "things.retrieve()", "path")],
    ),
    (
        "server changed",
        nothing,
        lambda d: d.update(servers=[{"url": "https://v2.things.test"}]),
        [("compatible", "changed", "client", "Client", "base_url")],
    ),
    ("nothing changed", nothing, lambda d: d["info"].update(version="1.0.1"), []),
]


def _surface(tmp_path: Path, name: str, doc: dict[str, Any]) -> dict[str, Any]:
    spec = write_spec(tmp_path / name, doc)
    return surface(named_api(Config(path="<test>", build=BuildConfig(package="things"), spec=spec, overlay=None, output=tmp_path)))


def _edited(edit: Edit) -> dict[str, Any]:
    doc = base()
    edit(doc)
    return doc


@pytest.mark.parametrize("kind, old_edit, new_edit, expected", CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_change_has_its_severity(tmp_path, kind, old_edit, new_edit, expected):
    old, new = _edited(old_edit), _edited(new_edit)
    assert old != new or kind == "nothing changed"
    changes = compare(_surface(tmp_path, "old", old), _surface(tmp_path, "new", new))
    got = sorted((c.severity, c.change, c.element, c.name, c.aspect or "") for c in changes)
    assert got == sorted(expected)


def test_lines_name_the_change_and_the_types(tmp_path):
    old, new = base(), base()
    rename_color(new)
    get_op(new)["parameters"][1].update(required=True)
    body(new)["properties"]["name"].update(maxLength=5)
    changes = compare(_surface(tmp_path, "old", old), _surface(tmp_path, "new", new))
    assert [c.line() for c in changes] == [
        "breaking    changed  argument  things.create(name=): checks max_length=10 → max_length=5",
        "breaking    changed  argument  things.retrieve(expand=): str = NOT_GIVEN → str",
        "breaking    removed  enum      Color: 'red', 'green', 'blue'",
        "breaking    changed  field     Thing.color: Color → Colour",
        "compatible  added    enum      Colour: 'red', 'green', 'blue'",
    ]


def test_spec_text_in_a_report_cannot_drive_the_terminal():
    change = Change("compatible", "changed", "method", "x()", "path", "/a", "/b\x1b[31m\u2028c")
    assert change.line() == "compatible  changed  method    x(): path /a → /b\\x1b[31m\\u2028c"


# -- the command line ----------------------------------------------------------------------


def test_diff_exit_codes_and_formats(tmp_path):
    old = write_spec(tmp_path / "old", base())
    added, removed = base(), base()
    delete_thing(added)
    schemas(removed)["Thing"]["properties"].pop("size")
    added_path, removed_path = write_spec(tmp_path / "added", added), write_spec(tmp_path / "removed", removed)

    same = cli("diff", str(old), str(old), cwd=tmp_path)
    assert (same.returncode, same.stdout, same.stderr) == (0, "no changes to the public surface\n", "")
    compatible = cli("diff", str(old), str(added_path), cwd=tmp_path)
    assert compatible.returncode == 0
    assert compatible.stdout == "compatible  added    method    things.delete(): None\n0 breaking, 1 compatible, 0 docs\n"
    breaking = cli("diff", "--format", "json", str(old), str(removed_path), cwd=tmp_path)
    assert breaking.returncode == 1
    assert json.loads(breaking.stdout) == {
        "format": 1,
        "breaking": True,
        "counts": {"breaking": 1, "compatible": 0, "docs": 0},
        "changes": [
            {"severity": "breaking", "change": "removed", "element": "field", "name": "Thing.size", "aspect": None, "old": "int | None = None", "new": None}
        ],
    }
    markdown = cli("diff", "--format", "markdown", str(old), str(removed_path), cwd=tmp_path)
    assert markdown.stdout == "**SDK changes: 1 breaking, 0 compatible, 0 docs**\n\n### Breaking\n\n- Removed field `Thing.size`: `int | None = None`\n"


def test_diff_bad_input_exits_2_naming_the_file(tmp_path):
    old = write_spec(tmp_path / "old", base())
    broken = base()
    schemas(broken)["Thing"]["properties"]["color"] = {"$ref": "#/components/schemas/Nope"}
    broken_path = write_spec(tmp_path / "broken", broken)
    result = cli("diff", str(old), str(broken_path), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {broken_path}#/components/schemas/Thing/properties/color")
    missing = cli("diff", str(old), str(tmp_path / "nowhere.yaml"), cwd=tmp_path)
    assert missing.returncode == 2 and str(tmp_path / "nowhere.yaml") in missing.stderr
    assert cli("diff", "--format", "yaml", str(old), str(old), cwd=tmp_path).returncode == 2


def test_diff_applies_the_config_to_both_specs(tmp_path):
    """With the OpenAI config, its names are in the report; without, the spec's own are."""
    old, new = OPENAI / "2025-03-11.yaml", OPENAI / "2025-04-29.yaml"
    named = cli("diff", "--config", str(OPENAI / "config.yaml"), str(old), str(new), cwd=tmp_path)
    assert named.returncode == 1
    assert named.stdout.splitlines()[0] == (
        "breaking    changed  field     ChatCompletion.service_tier: ChatCompletionServiceTier | None = None → ServiceTier | None = None"
    )
    bare = cli("diff", str(old), str(new), cwd=tmp_path)
    assert bare.returncode == 1
    assert "CreateChatCompletionResponse.service_tier" in bare.stdout.splitlines()[0]


# -- the summary of generate and check ------------------------------------------------------


def _package(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(GENERATED / "openai_chat", out / "openai_chat")
    return out


def test_check_prints_the_summary_before_the_diff(tmp_path):
    out = _package(tmp_path)
    spec_dir = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec_dir)
    spec = spec_dir / "openapi.yaml"
    text = spec.read_text()
    assert "        - fast\n        default: auto\n" in text
    spec.write_text(text.replace("        - fast\n        default: auto\n", "        - fast\n        - turbo\n        default: auto\n"))
    result = cli("check", "--config", str(spec_dir / "config.yaml"), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    summary, _, diff = result.stdout.partition("--- ")
    assert summary == (
        "SDK changes against out/openai_chat/api.json: 0 breaking, 1 compatible, 0 docs\n"
        "  compatible  added    member    ServiceTier.TURBO: 'turbo'\n"
    )
    assert "+    TURBO = \"turbo\"" in diff


def test_a_request_check_the_overlay_no_longer_makes_shows_in_check(tmp_path):
    """Without the overlay's limits, the metadata argument is no longer checked: check says so."""
    out = _package(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "spec" / "config.yaml").read_text().replace("overlay: overlay.yaml", f"spec: {ROOT / 'spec' / 'openapi.yaml'}"))
    result = cli("check", "--config", str(config), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "SDK changes against out/openai_chat/api.json: 0 breaking, 1 compatible, 0 docs",
        "  compatible  changed  argument  chat.completions.update(metadata=): checks "
        "max_properties=16, key_max_length=64, values.max_length=512 → none",
    ]


def test_generate_prints_the_summary_once(tmp_path):
    spec = write_spec(tmp_path, base())
    args = ["generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package-name", "things"]
    first = cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""  # a new package: all of it is new (the summary line on stderr counts its files)
    assert cli(*args, cwd=tmp_path).stdout == ""  # nothing changed
    changed = base()
    schemas(changed)["Color"]["enum"].pop()
    write_spec(tmp_path, changed)
    again = cli(*args, cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        "SDK changes against out/things/api.json: 1 breaking, 0 compatible, 0 docs",
        "  breaking    removed  member    Color.BLUE: 'blue'",
    ]


def test_a_package_without_a_readable_surface_counts_as_new(tmp_path):
    out = _package(tmp_path)
    (out / "openai_chat" / "api.json").write_text("{not json")
    result = cli("check", "--config", str(ROOT / "spec" / "config.yaml"), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "SDK changes against out/openai_chat (no api.json there: all of it counts as added): 0 breaking, 31 compatible, 0 docs"
    assert lines[9] == "  ... and 23 more (`python -m generator diff OLD_SPEC NEW_SPEC` lists every change)"
    assert lines[10].startswith("--- out/openai_chat/api.json")


def test_attributes_the_ir_gains_are_compared_without_being_named(tmp_path):
    """A parameter attribute the surface does not know (a serialisation style, say) lands under
    `wire` and a change of it is reported, compatible."""
    import dataclasses

    from generator import ir

    Styled = dataclasses.make_dataclass("Styled", [("flavour", str, dataclasses.field(default="form"))], bases=(ir.Param,), frozen=True)
    api = named_api(Config(path="<test>", build=BuildConfig(package="things"), spec=write_spec(tmp_path, base()), overlay=None, output=tmp_path))

    def styled(style: str) -> dict[str, Any]:
        ops = tuple(
            dataclasses.replace(op, params=tuple(Styled(**{f.name: getattr(p, f.name) for f in dataclasses.fields(p)}, flavour=style) for p in op.params))
            for op in api.operations
        )
        return surface(dataclasses.replace(api, operations=ops))

    old, new = styled("form"), styled("deepObject")
    assert old["methods"]["things.retrieve"]["args"][1]["wire"]["flavour"] == "form"
    lines = [c.line() for c in compare(old, new) if c.name == "things.retrieve(expand=)"]
    assert lines == ["compatible  changed  argument  things.retrieve(expand=): flavour form → deepObject"]
