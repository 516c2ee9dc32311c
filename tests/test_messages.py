"""Each message a user meets on a wrong turn, in full: the file, the pointer or key, and the reason.

Most cases run the command line in a copy of the repository's `spec/` folder, so the messages
read exactly as they do in the repository (and as the README's "Common mistakes" shows them).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, GENERATED, ROOT, SPEC_DIR
from .golden import GOLDEN
from .specs import cli, spec, write_spec

OLD_SPEC = DATA / "openai-2025-03-11-update-chat-completion.yaml"  # a 3.0 slice of the same operation
OVERLAY = (SPEC_DIR / "overlay.yaml").read_text()
CONFIG = (SPEC_DIR / "config.yaml").read_text()
THING = {"type": "object", "properties": {"a": {"type": "string"}}}


def project(tmp_path: Path, openapi: str | None = None, overlay: str | None = None, config: str | None = None) -> Path:
    """A copy of the repository's spec/ folder, with some files replaced."""
    (tmp_path / "spec").mkdir()
    for name, text in (("openapi.yaml", openapi), ("overlay.yaml", overlay), ("config.yaml", config)):
        (tmp_path / "spec" / name).write_text(text if text is not None else (SPEC_DIR / name).read_text())
    return tmp_path


def fails(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 2, result.stderr
    return result.stderr.splitlines()


# --- Config problems name config.yaml and the key -------------------------------------------------

MOVED_TO_30 = [
    "error: spec/overlay.yaml#/actions/0/target: '$.components.schemas.Metadata.anyOf[0]' matches nothing in "
    "spec/openapi.yaml (it reaches as far as #/components/schemas/Metadata)",
    "error: spec/config.yaml#/names: pointer /components/schemas/ChatCompletionMessageCustomToolCall/properties/custom "
    "matches nothing in spec/openapi.yaml",
    "error: spec/config.yaml#/names: pointer /components/schemas/ChatCompletionResponseMessage/properties/audio/anyOf/0 "
    "matches nothing in spec/openapi.yaml (did you mean /components/schemas/ChatCompletionResponseMessage/properties/audio?)",
    "error: spec/config.yaml#/names: pointer "
    "/components/schemas/CreateChatCompletionResponse/properties/choices/items/properties/logprobs/anyOf/0 matches nothing "
    "in spec/openapi.yaml (did you mean /components/schemas/CreateChatCompletionResponse/properties/choices/items/properties/logprobs?)",
]


def test_moving_to_an_older_spec_reports_every_stale_patch_and_name_in_one_run(tmp_path):
    root = project(tmp_path, openapi=OLD_SPEC.read_text())
    assert fails(cli("generate", cwd=root)) == MOVED_TO_30
    assert not (root / "generated").exists()


VALIDATOR_ON_30 = (
    "error: spec/openapi.yaml#/components/schemas/Metadata: {'type': 'object', 'description': 'Set of 16 key-value pai…} "
    "is not valid under any of the given schemas: 'propertyNames' is not a key allowed here (besides x- extensions) "
    "(spec/overlay.yaml#/actions/0 patched this node)"
)


def test_a_validator_finding_keeps_its_reason_and_says_which_patch_touched_the_node(tmp_path):
    """OpenAPI 3.0 has no `propertyNames`: the finding says so, shortens the schema, and names the patch."""
    fixed = "\n".join(line for line in CONFIG.splitlines() if "anyOf/0" not in line and "Custom" not in line)
    root = project(tmp_path, openapi=OLD_SPEC.read_text(), overlay=OVERLAY.replace("Metadata.anyOf[0]", "Metadata"), config=fixed)
    assert fails(cli("generate", cwd=root)) == [VALIDATOR_ON_30]


STALE_NAME = "error: spec/config.yaml#/names: pointer /components/schemas/Nope matches nothing in spec/openapi.yaml"


def test_a_stale_name_is_a_config_error_not_a_spec_error(tmp_path):
    root = project(tmp_path, config=CONFIG + "  /components/schemas/Nope: Nope\n")
    assert fails(cli("generate", cwd=root)) == [STALE_NAME]


def test_names_that_are_not_schemas_or_not_class_names_are_config_errors(tmp_path):
    config = CONFIG + "  /info/title: Title\n  /components/schemas/Metadata: metadata\n  components/schemas/Metadata: Metadata\n"
    assert fails(cli("generate", cwd=project(tmp_path, config=config))) == [
        "error: spec/config.yaml#/names: /components/schemas/Metadata: 'metadata' must start with an upper-case letter",
        "error: spec/config.yaml#/names: pointer /info/title is not a schema in spec/openapi.yaml",
        "error: spec/config.yaml#/names: 'components/schemas/Metadata' is not a JSON pointer (they start with /)",
    ]


UNKNOWN_OPERATION = (
    "error: spec/config.yaml#/operations/0: no operation with operationId 'updateChatCompletio' in spec/openapi.yaml "
    "(did you mean 'updateChatCompletion'?)"
)
UNKNOWN_METHOD = (
    "error: spec/config.yaml#/methods/updateChatCompletions: no operation with operationId 'updateChatCompletions' in "
    "spec/openapi.yaml (did you mean 'updateChatCompletion'?)"
)


def test_an_unknown_operation_or_method_gets_a_did_you_mean(tmp_path):
    config = CONFIG.replace("operations: [updateChatCompletion]", "operations: [updateChatCompletio]")
    config = config.replace("updateChatCompletion: chat", "updateChatCompletions: chat")
    assert fails(cli("generate", cwd=project(tmp_path, config=config))) == [UNKNOWN_OPERATION, UNKNOWN_METHOD]


UNKNOWN_SLICE = "error: spec/openapi.yaml#/paths: no operation with operationId 'updateChatCompletio' (did you mean 'updateChatCompletion'?)"


def test_slice_with_a_misspelt_operation_gets_a_did_you_mean(tmp_path):
    root = project(tmp_path)
    assert fails(cli("slice", "spec/openapi.yaml", "--operation", "updateChatCompletio", cwd=root)) == [UNKNOWN_SLICE]


# --- The config schema: every key, its type; unknown keys are errors --------------------------------

TYPO = "error: spec/config.yaml#/operation: unknown key (did you mean 'operations'?)"


def test_a_misspelt_key_is_an_error_not_a_whole_api(tmp_path):
    root = project(tmp_path, config=CONFIG.replace("operations: [", "operation: ["))
    assert fails(cli("generate", cwd=root)) == [TYPO]
    assert not (root / "generated").exists()


EVERY_KEY = """\
package: pkg
client_class: ThingsClient
async_client_class: AsyncThingsClient
env: {api_key: THINGS_KEY, base_url: THINGS_URL}
spec: openapi.json
overlay: overlay.yaml
output: out
operations: [updateThing]
methods: {updateThing: things.update}
names: {/components/schemas/Thing: Item}
limits: {max_bytes: 1000000, max_depth: 50, max_nodes: 100000}
version: 1.2.0
"""

# Every key of the schema (nested ones dotted), a value of the wrong type, and the message.
WRONG = {
    "package": ("package: [pkg]", "#/package: must be a string, got a list"),
    "client_class": ("client_class: 3", "#/client_class: must be a string, got an integer"),
    "async_client_class": ("async_client_class: null", "#/async_client_class: must be a string, got null"),
    "env": ("env: THINGS", "#/env: must be a mapping with the keys api_key, base_url, got a string"),
    "env.api_key": ("env: {api_key: [a]}", "#/env/api_key: must be a string, got a list"),
    "env.base_url": ("env: {base_url: true}", "#/env/base_url: must be a string, got true"),
    "spec": ("spec: {file: openapi.json}", "#/spec: must be a string, got a mapping"),
    "overlay": ("overlay: 1.5", "#/overlay: must be a string, got a number"),
    "output": ("output: [out]", "#/output: must be a string, got a list"),
    "operations": ("operations: updateThing", "#/operations: must be a list of strings, got a string"),
    "methods": ("methods: [updateThing]", "#/methods: must be a mapping of strings to strings, got a list"),
    "names": ("names: {/components/schemas/Thing: 7}", "#/names/~1components~1schemas~1Thing: must be a string, got an integer"),
    "limits": ("limits: 10", "#/limits: must be a mapping with the keys max_bytes, max_depth, max_nodes, got an integer"),
    "limits.max_bytes": ("limits: {max_bytes: '10'}", "#/limits/max_bytes: must be a positive integer, got a string"),
    "limits.max_depth": ("limits: {max_depth: 0}", "#/limits/max_depth: must be a positive integer, got an integer"),
    "limits.max_nodes": ("limits: {max_nodes: false}", "#/limits/max_nodes: must be a positive integer, got false"),
    "version": ("version: [1]", "#/version: must be a string, got a list"),
}


def _schema_keys() -> set[str]:
    from generator.config import SCHEMA

    return {name for name in SCHEMA} | {f"{name}.{sub}" for name, key in SCHEMA.items() for sub in key.keys or {}}


def test_the_config_schema_tests_cover_every_key():
    assert set(WRONG) == _schema_keys()
    keys = {line.split(":")[0] for line in EVERY_KEY.splitlines()}
    assert keys == {k for k in _schema_keys() if "." not in k}


def test_a_config_using_every_key_generates(tmp_path):
    write_spec(tmp_path, spec({"Thing": THING}))
    (tmp_path / "overlay.yaml").write_text("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.info\n  update: {title: Patched}\n")
    (tmp_path / "config.yaml").write_text(EVERY_KEY)
    result = cli("generate", "--config", "config.yaml", "--quiet", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    client = (tmp_path / "out" / "pkg" / "_client.py").read_text()
    assert "class ThingsClient" in client and "THINGS_URL" in client
    assert "def update(" in (tmp_path / "out" / "pkg" / "resources" / "things.py").read_text()
    assert "class Item" in (tmp_path / "out" / "pkg" / "types" / "things" / "item.py").read_text()


@pytest.mark.parametrize("key", sorted(WRONG))
def test_every_key_of_the_wrong_type_is_named(tmp_path, key):
    line, message = WRONG[key]
    write_spec(tmp_path, spec({"Thing": THING}))
    top = line.split(":")[0]
    kept = [x for x in EVERY_KEY.splitlines() if x.split(":")[0] != top and x.split(":")[0] != "overlay"]
    (tmp_path / "config.yaml").write_text("\n".join([*kept, line]) + "\n")
    lines = fails(cli("generate", "--config", "config.yaml", cwd=tmp_path))
    # Without a usable `spec`, the default is tried, and its absence reported too.
    assert lines == [f"error: config.yaml{message}", *(["error: openapi.yaml#: cannot read file: no such file"] if key == "spec" else [])]
    assert not (tmp_path / "out").exists()


def test_unknown_nested_keys_and_a_missing_package(tmp_path):
    write_spec(tmp_path, spec({"Thing": THING}))
    (tmp_path / "config.yaml").write_text("spec: openapi.json\nenv: {apikey: K}\nlimits: {max_size: 5}\nfrobnicate: 1\n")
    assert fails(cli("generate", "--config", "config.yaml", cwd=tmp_path)) == [
        "error: config.yaml#/env/apikey: unknown key (did you mean 'api_key'?)",
        "error: config.yaml#/limits/max_size: unknown key (known keys: max_bytes, max_depth, max_nodes)",
        "error: config.yaml#/frobnicate: unknown key (known keys: package, client_class, async_client_class, env, spec, "
        "overlay, output, operations, methods, names, limits, version)",
        "error: config.yaml#/package: missing: the config must name the Python package",
    ]


def test_a_config_that_is_not_a_mapping(tmp_path):
    (tmp_path / "config.yaml").write_text("- package: pkg\n")
    assert fails(cli("generate", "--config", "config.yaml", cwd=tmp_path)) == [
        "error: config.yaml#: must be a mapping of keys (package, client_class, async_client_class, env, spec, overlay, "
        "output, operations, methods, names, limits, version), got a list"
    ]


# --- Every config, overlay and spec error in one run, bounded ---------------------------------------

EVERYTHING_AT_ONCE = [
    TYPO,
    "error: spec/overlay.yaml#/actions/0/target: '$.components.schemas.Metadatum' matches nothing in spec/openapi.yaml "
    "(it reaches as far as #/components/schemas)",
    "error: spec/openapi.yaml#/components/schemas/ChatCompletionMessageToolCalls/items/oneOf/0: "
    "$ref '#/components/schemas/ChatCompletionMessageToolCal' does not resolve",
]


def test_config_overlay_and_spec_errors_are_reported_in_one_run(tmp_path):
    openapi = (SPEC_DIR / "openapi.yaml").read_text()
    broken = openapi.replace("$ref: '#/components/schemas/ChatCompletionMessageToolCall'\n", "$ref: '#/components/schemas/ChatCompletionMessageToolCal'\n", 1)
    assert broken != openapi
    root = project(
        tmp_path,
        openapi=broken,
        overlay=OVERLAY.replace("Metadata.anyOf[0]", "Metadatum"),
        config=CONFIG.replace("operations: [", "operation: ["),
    )
    assert fails(cli("generate", cwd=root)) == EVERYTHING_AT_ONCE


def test_at_most_50_errors_are_printed_and_the_rest_counted(tmp_path):
    config = CONFIG + "".join(f"unknown_{i:02}: 1\n" for i in range(60))
    lines = fails(cli("generate", cwd=project(tmp_path, config=config)))
    assert len(lines) == 51
    assert lines[0] == "error: spec/config.yaml#/unknown_00: unknown key (known keys: package, client_class, async_client_class, env, spec, overlay, output, operations, methods, names, limits, version)"
    assert lines[-1] == "... and 10 more errors"


# --- Validator findings: the reason in full, the deepest pointer ------------------------------------

DEFAULT_FINDING = (
    "error: openapi.json#/paths/~1things~1{thing_id}/post/responses/200/content/application~1json/schema/properties/a/default: "
    "None is not of type 'object'"
)


def test_a_bad_default_is_located_at_the_default_not_at_the_root(tmp_path):
    write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "object", "default": None}}}}))
    (tmp_path / "config.yaml").write_text("package: pkg\nspec: openapi.json\noutput: out\noperations: [updateThing]\n")
    assert fails(cli("generate", "--config", "config.yaml", cwd=tmp_path)) == [DEFAULT_FINDING]


def test_a_30_finding_inside_a_schema_reaches_the_offending_keyword(tmp_path):
    """OpenAPI 3.0's meta-schema is a oneOf at every level: the finding follows it to the keyword."""
    long_text = "A thing. " * 60
    thing = {"type": "object", "description": long_text, "properties": {"a": {"type": "string", "maxLength": "ten"}}}
    write_spec(tmp_path, spec({"Thing": thing}, openapi="3.0.3"))
    lines = fails(cli("generate", "--spec", "openapi.json", "--strict", "--out", "out", cwd=tmp_path))
    # Found once where the operation uses the schema, once where it is defined.
    assert lines == [
        "error: openapi.json#/components/schemas/Thing/properties/a/maxLength: 'ten' is not of type 'integer'",
        "error: openapi.json#/paths/~1things~1{thing_id}/post/responses/200/content/application~1json/schema/properties/a/maxLength: "
        "'ten' is not of type 'integer'",
    ]


def test_a_long_offending_value_is_shortened_and_the_reason_kept(tmp_path):
    tags = [f"tag-{i}" for i in range(40)]
    thing = {**THING, "required": tags + tags[:1]}
    write_spec(tmp_path, spec({"Thing": thing}))
    lines = fails(cli("generate", "--spec", "openapi.json", "--strict", "--out", "out", cwd=tmp_path))
    assert lines == ["error: openapi.json#/paths/~1things~1{thing_id}/post/responses/200/content/application~1json/schema/required: "
                     "['tag-0', 'tag-1', 'tag-2', 'tag-3', 'tag-4', 'tag-5', 'ta…] has non-unique elements"]


# --- Overlay actions that no longer fit what they match ---------------------------------------------

OVERLAY_ON_WRAPPER = (
    "error: spec/overlay.yaml#/actions/0/update: maxProperties, propertyNames, additionalProperties apply to object schemas, "
    "but the target '$.components.schemas.Metadata' matches spec/openapi.yaml#/components/schemas/Metadata, an anyOf"
)


def test_a_30_overlay_on_a_31_spec_lands_on_the_anyof_wrapper_and_is_refused(tmp_path):
    root = project(tmp_path, overlay=OVERLAY.replace("Metadata.anyOf[0]", "Metadata"))
    assert fails(cli("generate", cwd=root)) == [OVERLAY_ON_WRAPPER]


STRING_ON_OBJECT = (
    "error: spec/overlay.yaml#/actions/0/update: maxLength applies to string schemas, but the target "
    "'$.components.schemas.Metadata.anyOf[0]' matches spec/openapi.yaml#/components/schemas/Metadata/anyOf/0, a schema of type object"
)
NUMBER_ON_STRING = (
    "error: spec/overlay.yaml#/actions/0/update/additionalProperties: minimum applies to number schemas, but the target "
    "'$.components.schemas.Metadata.anyOf[0]' matches spec/openapi.yaml#/components/schemas/Metadata/anyOf/0/additionalProperties, "
    "a schema of type string"
)


@pytest.mark.parametrize(
    "update, message",
    [("update: {maxLength: 64}", STRING_ON_OBJECT), ("update: {additionalProperties: {minimum: 1}}", NUMBER_ON_STRING)],
)
def test_constraints_for_another_kind_of_schema_are_refused(tmp_path, update, message):
    overlay = OVERLAY[: OVERLAY.index("    update:")] + f"    {update}\n"
    assert fails(cli("generate", cwd=project(tmp_path, overlay=overlay))) == [message]


def test_an_update_that_sets_the_type_itself_fits(tmp_path):
    overlay = OVERLAY[: OVERLAY.index("    update:")] + "    update: {maxProperties: 4}\n"
    result = cli("generate", "--quiet", cwd=project(tmp_path, overlay=overlay))
    assert result.returncode == 0, result.stderr


# --- YAML that is valid but not JSON-shaped ---------------------------------------------------------

YAML_SPEC = """\
openapi: 3.1.0
info: {title: Things, version: '1'}
paths:
  /things/{thing_id}:
    post:
      operationId: updateThing
      parameters:
      - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        default:
          description: an error
components:
  schemas:
    Thing:
      type: object
      properties:
        PROPERTIES
"""
YAML_CASES = {
    "int-and-str-keys": ("a: {type: string}", "a: str | None = None"),
    "yaml-11-booleans": ("on: {type: string}\n        no: {type: boolean}\n        yes: {type: integer}", "no: bool | None = None"),
    "date": ("day: {type: string, format: date, default: 2024-01-01}", "The server's default: `'2024-01-01'`."),
    "date-time": ("at: {type: string, enum: [2025-02-03T04:05:06Z, 2025-02-03T04:05:07Z]}", '"2025-02-03T04:05:06Z"'),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_yaml_that_is_not_json_shaped_is_normalised(tmp_path, case):
    properties, expected = YAML_CASES[case]
    (tmp_path / "openapi.yaml").write_text(YAML_SPEC.replace("PROPERTIES", properties))
    result = cli("generate", "--spec", "openapi.yaml", "--out", "out", "--package-name", "pkg", "--quiet", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    types = tmp_path / "out" / "pkg" / "types" / "things"
    thing = (types / "thing.py").read_text()
    assert expected in thing + "".join(p.read_text() for p in sorted(types.glob("thing_*.py")))  # its enums
    if case == "yaml-11-booleans":
        assert "on: str | None" in thing


BINARY = (
    "error: openapi.yaml#/components/schemas/Thing/properties/blob/default: a !!binary value has no JSON form "
    "(OpenAPI documents are JSON: write it as a string)"
)
COMPLEX_KEY = "error: openapi.yaml#/components/schemas/Thing/properties: a sequence used as a mapping key: keys are strings in OpenAPI"


@pytest.mark.parametrize(
    "properties, message",
    [("blob: {type: string, default: !!binary aGVsbG8=}", BINARY), ("? [a, b]\n        : {type: string}", COMPLEX_KEY)],
)
def test_yaml_values_with_no_json_form_are_reported_with_their_pointer(tmp_path, properties, message):
    (tmp_path / "openapi.yaml").write_text(YAML_SPEC.replace("PROPERTIES", properties))
    assert fails(cli("generate", "--spec", "openapi.yaml", "--out", "out", "--package-name", "pkg", cwd=tmp_path)) == [message]
    assert not (tmp_path / "out").exists()


# --- A spec given on its own is not the project's ---------------------------------------------------


def test_spec_without_config_ignores_the_project_config(tmp_path):
    root = project(tmp_path)
    write_spec(root, spec({"Thing": THING}), name="other.json")
    result = cli("generate", "--spec", "other.json", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "def update(" in (root / "out" / "client" / "resources" / "things.py").read_text()


# --- Package names ------------------------------------------------------------------------------------

PACKAGE_NAMES = {
    "json": "error: --package-name 'json' would shadow the module 'json', which the generated code imports",
    "httpx": "error: --package-name 'httpx' would shadow the module 'httpx', which the generated code imports",
    "typing": "error: --package-name 'typing' would shadow the module 'typing', which the generated code imports",
    "__main__": "error: --package-name '__main__' is a dunder name, which Python reserves",
    "__init__": "error: --package-name '__init__' is a dunder name, which Python reserves",
    "": "error: --package-name '' is empty",
    "class": "error: --package-name 'class' is a Python keyword",
    "my-sdk": "error: --package-name 'my-sdk' is not a Python identifier (letters, digits and underscores, not starting with a digit)",
    "pâte": "error: --package-name 'pâte' is not ASCII (a package name must be the same identifier everywhere)",
}


@pytest.mark.parametrize("package", sorted(PACKAGE_NAMES))
def test_unusable_package_names_are_refused_with_the_reason(tmp_path, package):
    write_spec(tmp_path, spec({"Thing": THING}))
    result = cli("generate", "--spec", "openapi.json", "--out", "out", "--package-name", package, cwd=tmp_path)
    assert fails(result) == [PACKAGE_NAMES[package]]
    assert not (tmp_path / "out").exists()


def test_an_unusable_package_in_the_config_names_the_key(tmp_path):
    root = project(tmp_path, config=CONFIG.replace("package: openai_chat", "package: json"))
    assert fails(cli("generate", cwd=root)) == ["error: spec/config.yaml#/package: 'json' would shadow the module 'json', which the generated code imports"]


def test_the_refused_module_names_cover_every_import_of_the_generated_code():
    from generator.config import IMPORTED_MODULES

    packages = [GENERATED / "openai_chat"]
    packages += [p for case in GOLDEN.iterdir() for p in (case / "expected").glob("*") if p.is_dir()]
    imported = set()
    for package in packages:
        for path in package.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    assert imported - {"openai_chat"} <= IMPORTED_MODULES, imported - IMPORTED_MODULES


# --- The command line's small behaviours --------------------------------------------------------------

SUMMARY = re.compile(r"^out/pkg: (.*) \(\d+\.\d\d s\)$")


def test_generate_and_check_print_one_summary_line_and_quiet_silences_it(tmp_path):
    write_spec(tmp_path, spec({"Thing": THING}))
    args = ("--spec", "openapi.json", "--out", "out", "--package-name", "pkg")
    first = cli("generate", *args, cwd=tmp_path)
    n = _generated_count(tmp_path)
    assert first.returncode == 0 and SUMMARY.match(first.stderr.strip())[1] == f"{n} files written, 0 unchanged", first.stderr
    (tmp_path / "out" / "pkg" / "types" / "things" / "thing.py").write_text("# edited\n")
    second = cli("generate", *args, cwd=tmp_path)
    assert second.returncode == 0 and SUMMARY.match(second.stderr.strip())[1] == f"1 file written, {n - 1} unchanged", second.stderr
    check = cli("check", *args, cwd=tmp_path)
    assert check.returncode == 0 and SUMMARY.match(check.stderr.strip())[1] == f"up to date, {n} files", check.stderr
    for command in ("generate", "check"):
        quiet = cli(command, *args, "--quiet", cwd=tmp_path)
        assert quiet.returncode == 0 and quiet.stdout == quiet.stderr == ""


def test_a_symlink_in_the_package_is_never_read_for_the_summary(tmp_path):
    write_spec(tmp_path, spec({"Thing": THING}))
    args = ("--spec", "openapi.json", "--out", "out", "--package-name", "pkg")
    assert cli("generate", *args, cwd=tmp_path).returncode == 0
    models = tmp_path / "out" / "pkg" / "types" / "things" / "thing.py"
    (tmp_path / "elsewhere.txt").write_bytes(models.read_bytes())
    models.unlink()
    models.symlink_to(tmp_path / "elsewhere.txt")
    result = cli("generate", *args, "--force", cwd=tmp_path)
    assert SUMMARY.match(result.stderr.splitlines()[-1])[1] == f"1 file written, {_generated_count(tmp_path) - 1} unchanged", result.stderr


def _generated_count(tmp_path) -> int:
    """How many files the package has: the lines of its manifest."""
    return len((tmp_path / "out" / "pkg" / ".generated-files").read_text().splitlines())


MISSING_FILE = "error: spec/nope.yaml#: cannot read file: no such file"


def test_a_missing_file_says_no_such_file(tmp_path):
    root = project(tmp_path)
    assert fails(cli("generate", "--spec", "spec/nope.yaml", cwd=root)) == [MISSING_FILE]
    assert fails(cli("generate", "--config", "spec", cwd=root)) == ["error: spec#: cannot read file: it is a directory"]


def test_version_and_the_program_name():
    from importlib.metadata import version

    script = Path(sys.executable).parent / "oasforge"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == f"oasforge {version('oasforge')}\n"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.stdout.startswith("usage: oasforge [-h] [--version]")
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.startswith("usage: python -m generator [-h] [--version]")


# --- The README shows each message as the tool prints it --------------------------------------------


def test_the_readme_shows_the_common_mistakes_as_printed():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Common mistakes") :]
    section = section[: section.index("\n## ", 3)]
    shown = [*MOVED_TO_30, VALIDATOR_ON_30, DEFAULT_FINDING, STALE_NAME, UNKNOWN_OPERATION, UNKNOWN_SLICE, TYPO,
             OVERLAY_ON_WRAPPER, STRING_ON_OBJECT, BINARY, MISSING_FILE,
             *(PACKAGE_NAMES[name] for name in ("json", "__main__", "class", ""))]
    for line in shown:
        assert line in section, line
