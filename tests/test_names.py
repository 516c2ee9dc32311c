"""The naming stage: reserved words, method and resource names, enum members, long class names,
parameters that share a name. Each case generates a package, imports it, calls it on a loopback
server and (once, for all of them) type-checks it with mypy --strict."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import ir
from generator.build import build
from generator.build import Config as BuildConfig
from generator.config import Config, load_config
from generator.errors import SpecError
from generator.load import load
from generator.names import (
    BUILTINS,
    CLIENT_ATTRIBUTES,
    CLIENT_RESERVED,
    FIELD_RESERVED,
    KEYWORDS,
    MODEL_ATTRIBUTES,
    MODULE_RESERVED,
    PARAM_RESERVED,
    RESOURCE_RESERVED,
    GENERATED_IMPORTS,
    member_names,
    name,
    resource_classes,
)
from generator.overlay import apply_names, apply_overlay
from generator.render import render, templates_dir

from .conftest import CASES as TEST_CASES
from .golden import GOLDEN, case_config
from .wire import Recorder
from .pythons import SUPPORTED, name_under
from .specs import ROOT, build_package, cli, write_spec

STR = {"type": "string"}


def doc(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths,
            "components": {"schemas": schemas if schemas is not None else {"Thing": obj(id=STR)}}}


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def op(op_id: str, *params: dict[str, Any], body: dict[str, Any] | None = None, response: str | None = "Thing", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op_id, "responses": {"200": {"description": "ok"}}, **extra}
    if params:
        out["parameters"] = list(params)
    if response:
        out["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{response}"}}}
    if body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return out


def path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": STR}


def query(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": STR}


def header(name: str) -> dict[str, Any]:
    return {"name": name, "in": "header", "schema": STR}


def built(config: Config) -> tuple[ir.Api, str]:
    """The IR as the naming stage receives it, and the spec's path."""
    document = load(config.spec)
    if config.overlay is not None:
        document, _ = apply_overlay(document, str(config.overlay))
    document, problems = apply_names(document, config)
    if problems:
        raise SpecError(*problems)
    api, _ = build(document, config.build, config.operations)
    return api, document.path


def spec_config(spec_path: Path) -> Config:
    return Config(path="<test>", build=BuildConfig(package="x"), spec=spec_path, overlay=None, output=Path("out"))


def named(spec_path: Path) -> ir.Api:
    """The IR as the naming stage leaves it (what the package is rendered from)."""
    return name(*built(spec_config(spec_path)))


def method_paths(api: ir.Api) -> dict[str, str]:
    return {op.operation_id: ".".join((*op.resource, op.method_name)) for op in api.operations}


def operation(api: ir.Api, op_id: str) -> ir.Operation:
    return next(op for op in api.operations if op.operation_id == op_id)


LONG_ROOT = "OrganizationProjectServiceAccount"
CASES: dict[str, dict[str, Any]] = {
    # Soft keywords are names: a field or parameter called `type` keeps its name on every Python.
    "soft": doc(
        {"/things/{thing_id}": {"get": op("getThing", path("thing_id"), query("type"), query("match"), query("case"))}},
        {"Thing": obj(type=STR, match=STR, case=STR, _=STR, **{"class": STR})},
    ),
    "verbs": doc(
        {
            "/things": {
                "get": op("listThings", query("color")),
                "post": op("createThing", body=obj(name=STR, tags={"type": "array", "items": STR})),
            },
            "/things/{thing_id}": {
                "get": op("getThing", path("thing_id")),
                "post": op("updateThing", path("thing_id"), body=obj(name=STR)),
                "delete": op("deleteThing", path("thing_id"), response=None),
            },
            "/things/findByColor": {"get": op("findThingsByColor", query("color"))},
            "/things/{thing_id}/archive": {"post": op("archiveThing", path("thing_id"))},
            "/things/{thing_id}/parts": {"get": op("listThingParts", path("thing_id"))},
            "/profile": {"get": op("getProfile"), "put": op("updateProfile", body=obj(theme=STR))},
            "/widgets/{widget_id}": {
                "post": op("updateWidget", path("widget_id"), body=obj(name=STR)),
                "patch": op("patchWidget", path("widget_id"), body=obj(name=STR)),
            },
        }
    ),
    "enums": doc(
        {"/things": {"get": op("listThings")}},
        {"Thing": obj(
            tz={"type": "string", "enum": ["Etc/GMT", "Etc/GMT+5", "Etc/GMT-5", "Etc/GMT-14", "UTC"]},
            model={"type": "string", "enum": ["gpt-4", "gpt-4o-mini", "gpt-3.5-turbo"]},
            op={"type": "string", "enum": ["=", "!=", "<", "<=", ">", ">="]},
            level={"type": "integer", "enum": [-1, 0, 1]},
        )},
    ),
    "long": doc(
        {"/accounts": {"get": op("listAccounts", response=LONG_ROOT)}},
        {LONG_ROOT: obj(
            configuration_settings=obj(notification_preferences=obj(delivery_channel_options=obj(
                retry_policy_parameters=obj(backoff_strategy_details=obj(
                    exponential_growth_settings=obj(jitter=obj(seconds={"type": "integer"}))
                ))
            ))),
            notification_channels=obj(primary=obj(delivery_settings=obj(address=STR)), secondary=obj(delivery_settings=obj(address=STR))),
        )},
    ),
    "suffix": doc(
        {
            "/Accounts/{AccountSid}/Messages.json": {
                "get": op("listMessage", path("AccountSid")),
                "post": op("createMessage", path("AccountSid"), body=obj(Body=STR)),
            },
            "/Accounts/{AccountSid}/Messages/{Sid}.json": {
                "get": op("fetchMessage", path("AccountSid"), path("Sid")),
                "delete": op("deleteMessage", path("AccountSid"), path("Sid"), response=None),
            },
        }
    ),
    "collide": doc(
        {"/users/{username}": {
            "get": op("getUser", path("username"), query("username")),
            "put": op("updateUser", path("username"), body={**obj(username={"type": "string", "description": "The new name."}, email=STR)}),
        }}
    ),
    # Names the runtime and templates use, as schemas, fields, parameters and paths.
    "reserved": doc(
        {
            "/things": {"get": op("listThings", query("header_params"), query("read_bytes"), query("timeout"), header("path_param"))},
            "/things/{thing_id}": {"post": op("updateThing", path("thing_id"), body=obj(json_body=STR, query_params=STR), response="FileInput")},
            "/a_b/{id}": {"get": op("getUnderscored", path("id"), response="Callable")},
            "/a/b/{id}": {"get": op("getNested", path("id"), response="TYPE_CHECKING")},
            "/things/{thing_id}/resource": {"get": op("getThingResource", path("thing_id"), response="ThingsResource")},
            # The decorator that attaches resources, and a name the parent resource's module imports.
            "/cached_property/{id}": {"get": op("getCached", path("id"))},
            "/things/{thing_id}/json_body/{id}": {"get": op("getThingJsonBody", path("thing_id"), path("id"))},
        },
        {
            "Thing": obj(to_dict=STR, from_dict=STR, extra_fields=STR, type=STR),
            "FileInput": obj(a=STR),
            "Callable": obj(a=STR),
            "TYPE_CHECKING": obj(a=STR),
            "ThingsResource": obj(a=STR),
        },
    ),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Any, ir.Api]]]:
    """Each case generated, imported, with its named IR."""
    root = tmp_path_factory.mktemp("names")
    out = root / "out"
    apis = {}
    for case, spec in CASES.items():
        spec_path = write_spec(root / case, spec)
        build_package(spec_path, out, f"n_{case}")
        apis[case] = named(spec_path)
    sys.path.insert(0, str(out))
    try:
        yield {case: (importlib.import_module(f"n_{case}"), api) for case, api in apis.items()}
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.startswith("n_")]:
            del sys.modules[module]


@pytest.fixture(scope="module")
def server() -> Iterator[Recorder]:
    s = Recorder()
    yield s
    s.close()


def client(package: Any, server: Recorder) -> Any:
    return package.Client(base_url=server.url, max_retries=0)


def test_every_case_passes_mypy_strict(made):
    packages = [str(Path(package.__file__).parent) for package, _ in made.values()]
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- 1. reserved words are fixed, soft keywords are names ---------------------------------


def test_the_keywords_are_the_hard_keywords_of_this_python():
    import keyword

    assert KEYWORDS == set(keyword.kwlist)


@pytest.mark.parametrize("version", SUPPORTED)
def test_names_are_the_same_under_every_supported_python(tmp_path, version):
    """The naming stage, run under the oldest and the newest supported Python, names the repository's
    spec, the golden cases, the cases above and Petstore exactly as this interpreter does."""
    configs = [load_config(ROOT / "spec" / "config.yaml")] + [case_config(c) for c in sorted(GOLDEN.iterdir()) if (c / "config.yaml").is_file()]
    configs += [spec_config(write_spec(tmp_path / case, spec)) for case, spec in CASES.items()]
    configs.append(spec_config(Path(__file__).parent / "data" / "petstore.yaml"))
    items = [built(c) for c in configs]
    there, kwlist, softkwlist, third_party = name_under(version, items)
    assert there == [name(api, path) for api, path in items]
    assert kwlist == sorted(KEYWORDS)
    # 3.12 made `type` a soft keyword: the fields and parameters named `type` above keep the name anyway.
    assert ("type" in softkwlist) == (version >= "3.12")
    assert third_party == []


def test_soft_keywords_stay_names(made, server):
    package, api = made["soft"]
    thing = next(d for d in api.decls if d.py_name == "Thing")
    assert isinstance(thing, ir.Model)
    assert [f.py_name for f in thing.fields] == ["type", "match", "case", "field", "class_"]
    assert [p.py_name for p in operation(api, "getThing").params] == ["thing_id", "type", "match", "case"]
    read = package.Thing.from_dict({"type": "t", "match": "m", "case": "c", "_": "u", "class": "k"})
    assert (read.type, read.match, read.case, read.field, read.class_) == ("t", "m", "c", "u", "k")
    client(package, server).things.retrieve("t1", type="a", match="b", case="c")
    (request,) = server.take()
    assert (request.method, request.path, request.query) == ("GET", "/things/t1", [("type", "a"), ("match", "b"), ("case", "c")])


# -- 2. names the runtime and templates use -----------------------------------------------


def test_runtime_and_template_names_do_not_break_the_package(made, server):
    package, api = made["reserved"]
    assert method_paths(api) == {
        "listThings": "things.list",
        "updateThing": "things.update",
        # `_a_b_retrieve` would be the module-level function of both: both fall back.
        "getUnderscored": "a_b.get_underscored",
        "getNested": "a.b.get_nested",
        "getThingResource": "things.resource.retrieve",
        "getCached": "cached_property_.retrieve",
        "getThingJsonBody": "things.json_body_.retrieve",
    }
    classes = {d.wire_name: d.py_name for d in api.decls}
    assert classes == {"Thing": "Thing", "FileInput": "FileInput2", "Callable": "Callable2",
                       "TYPE_CHECKING": "TYPECHECKING", "ThingsResource": "ThingsResource"}
    thing = next(d for d in api.decls if isinstance(d, ir.Model) and d.py_name == "Thing")
    assert [f.py_name for f in thing.fields] == ["to_dict_", "from_dict_", "extra_fields_", "type"]
    assert [p.py_name for p in operation(api, "listThings").params] == ["header_params_", "read_bytes_", "timeout_", "path_param_"]
    # `json_body` is the runtime's; `query_params` is not (any more): only what the runtime defines is taken.
    assert [p.py_name for p in operation(api, "updateThing").params] == ["thing_id", "json_body_", "query_params"]
    # `/a_b` and `/a/b` get a class each; the schema `ThingsResource` keeps its name.
    c = client(package, server)
    assert type(c.a_b).__name__ != type(c.a.b).__name__
    assert type(c.things).__name__ == "Things2Resource"
    assert isinstance(c.things.resource.retrieve("t1"), package.ThingsResource)
    assert isinstance(c.cached_property_.retrieve("x"), package.Thing) and isinstance(c.things.json_body_.retrieve("t1", "j"), package.Thing)
    assert isinstance(c.a_b.get_underscored("x"), package.Callable2) and isinstance(c.a.b.get_nested("y"), package.TYPECHECKING)
    c.things.list(header_params_="h", read_bytes_="r", timeout_="t", path_param_="p")
    assert isinstance(c.things.update("t2", json_body_="j", query_params="q"), package.FileInput2)
    _, _, _, _, _, listed, updated = server.take()
    assert listed.path == "/things" and listed.query == [("header_params", "h"), ("read_bytes", "r"), ("timeout", "t")]
    assert listed.headers["path_param"] == "p"
    assert (updated.method, updated.path, json.loads(updated.body)) == ("POST", "/things/t2", {"json_body": "j", "query_params": "q"})
    thing = package.Thing.from_dict({"to_dict": "a", "type": "b"})
    assert thing.to_dict_ == "a" and thing.to_dict() == {"to_dict": "a", "type": "b"}


def test_a_pinned_class_name_the_package_uses_is_refused(tmp_path):
    spec = doc({"/things": {"get": op("listThings")}}, {"Thing": {**obj(id=STR), "x-py-name": "DEFAULT_MAX_RETRIES"}})
    spec_path = write_spec(tmp_path, spec)
    with pytest.raises(SpecError) as e:
        build_package(spec_path, tmp_path / "out", "pkg")
    assert str(e.value) == f"{spec_path}#/components/schemas/Thing: x-py-name 'DEFAULT_MAX_RETRIES' is a name the generated code uses itself"
    assert not (tmp_path / "out").exists()


def test_a_pinned_class_name_like_a_resource_class_keeps_its_name(tmp_path):
    spec = doc({"/things": {"get": op("listThings")}}, {"Thing": {**obj(id=STR), "x-py-name": "ThingsResource"}})
    api = named(write_spec(tmp_path, spec))
    assert [d.py_name for d in api.decls] == ["ThingsResource"]
    assert resource_classes(api) == {("things",): "Things2Resource"}


def test_the_template_names_cover_what_generated_modules_use(made, golden_packages):
    """Every name a generated module imports, defines for itself or takes from the builtins is one the
    naming stage knows: reserved (templates, runtime, builtins) or given out by it (declarations,
    resources, operation functions)."""
    checked = 0
    cases = [c / "config.yaml" for c in sorted([*GOLDEN.iterdir(), *TEST_CASES.iterdir()]) if (c / "config.yaml").is_file()]
    for api in [a for _, a in made.values()] + [_golden_api(load_config(c)) for c in cases]:
        rendered, _ = render(api, "spec.yaml")
        given = {d.py_name for d in api.decls} | {api.client_class, api.async_client_class, api.client_class + "Error"}
        given |= {"unwrap"} | {"parse_" + w.py_name for w in api.webhooks}  # the webhooks module's functions
        for cls in resource_classes(api).values():
            given |= {cls, "Async" + cls, cls + "WithRawResponse", "Async" + cls + "WithRawResponse"}
        for module, text in rendered.items():
            if not module.endswith(".py"):
                continue
            tree = ast.parse(text)
            bound = set()
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    bound |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
                elif isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                    bound.add(node.name)
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            local = {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)} | {
                n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            } | {a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
            loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            builtins = loaded - bound - local
            ours = {n for n in bound if n.startswith("_") and n not in ("__getattr__", "__all__", "_LAZY")}
            assert bound - given - ours <= MODULE_RESERVED, (module, sorted(bound - given - ours - MODULE_RESERVED))
            assert builtins <= BUILTINS | {"__name__"}, (module, sorted(builtins - BUILTINS))
            checked += 1
    assert checked >= 3 * (len(CASES) + 4)


def _bound(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def test_the_runtime_names_are_what_the_runtime_defines():
    """GENERATED_IMPORTS are names the runtime defines; MODEL_ATTRIBUTES and CLIENT_ATTRIBUTES are the public
    attributes of its model and client classes."""
    module: set[str] = set()
    model: set[str] = set()
    client: set[str] = set()
    for source in sorted((templates_dir() / "runtime").glob("*.py")):
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            module |= _bound(node)
            if isinstance(node, ast.ClassDef) and node.name == "BaseModel":
                model |= {n for child in node.body for n in _bound(child)}
            if isinstance(node, ast.ClassDef) and node.name.endswith("Client"):
                client |= {n for child in node.body for n in _bound(child)}
                client |= {t.attr for t in ast.walk(node) if isinstance(t, ast.Attribute) and isinstance(t.ctx, ast.Store)}

    def public(names: set[str]) -> set[str]:
        return {n for n in names if not n.startswith("_")}

    assert GENERATED_IMPORTS <= public(module), sorted(GENERATED_IMPORTS - public(module))
    assert public(model) == MODEL_ATTRIBUTES
    assert public(client) == CLIENT_ATTRIBUTES


def _golden_api(config: Config) -> ir.Api:
    document, _ = apply_names(load(config.spec), config)
    api, _ = build(document, config.build, config.operations)
    return name(api, document.path)


# -- 3. two operations pinned to one method name ------------------------------------------


def _pinned_spec(tmp_path: Path, **pins: str) -> Path:
    ops = {"/things": {"get": op("listThings")}, "/things/{thing_id}": {"get": op("getThing", path("thing_id"))},
           "/others": {"get": op("listOthers")}}
    for path_, item in ops.items():
        for operation_ in item.values():
            if operation_["operationId"] in pins:
                operation_["x-py-method"] = pins[operation_["operationId"]]
    return write_spec(tmp_path, doc(ops))


def _run_config(tmp_path: Path, lines: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.yaml"
    config.write_text(f"package: pkg\nspec: openapi.json\noutput: out\n{lines}")
    return cli("generate", "--config", str(config), cwd=tmp_path)


def test_two_config_methods_with_one_name_exit_2_naming_both(tmp_path):
    _pinned_spec(tmp_path)
    result = _run_config(tmp_path, "methods:\n  listThings: things.get\n  getThing: things.get\n")
    assert result.returncode == 2
    config = tmp_path / "config.yaml"
    assert result.stderr == f"error: {config}#/methods/getThing: method 'things.get' is also pinned at {config}#/methods/listThings\n"
    assert not (tmp_path / "out").exists()


def test_two_spec_pins_with_one_name_exit_2_naming_both(tmp_path):
    spec = _pinned_spec(tmp_path, listThings="things.get", listOthers="things.get")
    result = _run_config(tmp_path, "")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {spec}#/paths/~1others/get/x-py-method: method 'things.get' is also pinned at {spec}#/paths/~1things/get/x-py-method\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_config_pin_and_a_spec_pin_with_one_name_exit_2_naming_both(tmp_path):
    spec = _pinned_spec(tmp_path, listOthers="things.get")
    result = _run_config(tmp_path, "methods: {listThings: things.get}\n")
    assert result.returncode == 2
    config = tmp_path / "config.yaml"
    assert result.stderr == f"error: {spec}#/paths/~1others/get/x-py-method: method 'things.get' is also pinned at {config}#/methods/listThings\n"


def test_a_pin_that_is_another_pins_resource_exits_2(tmp_path):
    _pinned_spec(tmp_path)
    result = _run_config(tmp_path, "methods: {listThings: things.get, getThing: things.get.one}\n")
    config = tmp_path / "config.yaml"
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {config}#/methods/getThing: 'things.get', a resource of 'things.get.one', is pinned as a method at {config}#/methods/listThings\n"
    )


@pytest.mark.parametrize("pin", ["things.with_raw_response", "close.get", "things.str"])
def test_a_pinned_method_the_package_uses_exits_2(tmp_path, pin):
    spec = _pinned_spec(tmp_path, listThings=pin)
    result = _run_config(tmp_path, "")
    assert result.returncode == 2
    part = pin.split(".")[0] if pin.startswith("close") else pin.split(".")[-1]
    assert result.stderr == f"error: {spec}#/paths/~1things/get/x-py-method: {pin!r}: {part!r} is not a usable Python name\n"


def test_a_pinned_name_wins_and_the_derived_one_falls_back(tmp_path):
    api = named(_pinned_spec(tmp_path, listOthers="things.list"))
    assert method_paths(api) == {"listThings": "things.list_things", "getThing": "things.retrieve", "listOthers": "things.list"}


# -- 4. enum members ----------------------------------------------------------------------


def test_enum_members_keep_meaningful_symbols():
    assert member_names(["Etc/GMT", "Etc/GMT+5", "Etc/GMT-5", "Etc/GMT-14", "UTC"]) == [
        "ETC_GMT", "ETC_GMT_PLUS_5", "ETC_GMT_MINUS_5", "ETC_GMT_MINUS_14", "UTC"]
    assert member_names(["gpt-4", "gpt-4o-mini", "gpt-3.5-turbo"]) == ["GPT_4", "GPT_4O_MINI", "GPT_3_5_TURBO"]
    assert member_names(["=", "!=", "<", "<=", ">", ">="]) == ["EQ", "NOT_EQ", "LT", "LT_EQ", "GT", "GT_EQ"]
    assert member_names([-1, 0, 1]) == ["MINUS_1", "V_0", "V_1"]
    assert member_names(["a/b", "a.b", "a_b", "A B", ""]) == ["A_SLASH_B", "A_DOT_B", "A_B", "A_B_2", "EMPTY"]
    # The same value is named the same whatever its neighbours' order.
    assert member_names(["UTC", "Etc/GMT-5", "Etc/GMT+5"]) == ["UTC", "ETC_GMT_MINUS_5", "ETC_GMT_PLUS_5"]


def test_enum_members_in_a_package(made):
    package, _ = made["enums"]
    assert package.ThingTz.ETC_GMT_PLUS_5 == "Etc/GMT+5" and package.ThingTz.ETC_GMT_MINUS_5 == "Etc/GMT-5"
    assert package.ThingOp.LT_EQ == "<=" and package.ThingLevel.MINUS_1 == -1
    assert package.Thing.from_dict({"tz": "Etc/GMT-14"}).tz is package.ThingTz.ETC_GMT_MINUS_14


# -- 5. long class names ------------------------------------------------------------------


def test_long_class_names_are_shortened_readably(made):
    package, api = made["long"]
    names = sorted(d.py_name for d in api.decls)
    assert names == sorted([
        LONG_ROOT,
        LONG_ROOT + "ConfigurationSettings",  # 54 characters: left as it is
        LONG_ROOT + "NotificationPreferences",
        LONG_ROOT + "DeliveryChannelOptions",
        LONG_ROOT + "RetryPolicyParameters",
        LONG_ROOT + "BackoffStrategyDetails",
        LONG_ROOT + "ExponentialGrowthSettings",
        LONG_ROOT + "Jitter",  # from 173 characters
        LONG_ROOT + "NotificationChannels",
        LONG_ROOT + "NotificationChannelsPrimary",  # 60
        LONG_ROOT + "Secondary",
        LONG_ROOT + "DeliverySettings",
        LONG_ROOT + "SecondaryDeliverySettings",  # beside the one above: the dropped word they do not share is kept
    ])
    assert all(len(n) <= 60 for n in names)
    data = {"configuration_settings": {"notification_preferences": {"delivery_channel_options": {
        "retry_policy_parameters": {"backoff_strategy_details": {"exponential_growth_settings": {"jitter": {"seconds": 3}}}}}}}}
    account = getattr(package, LONG_ROOT).from_dict(data)
    options = account.configuration_settings.notification_preferences.delivery_channel_options
    jitter = options.retry_policy_parameters.backoff_strategy_details.exponential_growth_settings.jitter
    assert isinstance(jitter, getattr(package, LONG_ROOT + "Jitter")) and account.to_dict() == data


# -- 6. format suffixes -------------------------------------------------------------------


def test_a_format_suffix_does_not_split_a_resource(made, server):
    package, api = made["suffix"]
    assert method_paths(api) == {"listMessage": "accounts.messages.list", "createMessage": "accounts.messages.create",
                                 "fetchMessage": "accounts.messages.retrieve", "deleteMessage": "accounts.messages.delete"}
    messages = client(package, server).accounts.messages
    messages.list("AC1")
    messages.create("AC1", body="hi")
    messages.retrieve("AC1", "SM2")
    messages.delete("AC1", "SM2")
    assert [(r.method, r.path) for r in server.take()] == [
        ("GET", "/Accounts/AC1/Messages.json"), ("POST", "/Accounts/AC1/Messages.json"),
        ("GET", "/Accounts/AC1/Messages/SM2.json"), ("DELETE", "/Accounts/AC1/Messages/SM2.json")]


# -- 7. conventional verbs ----------------------------------------------------------------


def test_conventional_verbs_and_actions(made, server):
    package, api = made["verbs"]
    assert method_paths(api) == {
        "listThings": "things.list",
        "createThing": "things.create",
        "getThing": "things.retrieve",
        "updateThing": "things.update",
        "deleteThing": "things.delete",
        "findThingsByColor": "things.find_by_color",
        "archiveThing": "things.archive",
        "listThingParts": "things.parts.list",
        "getProfile": "profile.retrieve",  # a singleton
        "updateProfile": "profile.update",
        # Both would be `update`: both fall back to their operationId, less the resource's words.
        "updateWidget": "widgets.update",
        "patchWidget": "widgets.patch",
    }
    c = client(package, server)
    c.things.create(name="n", tags=["a"])
    c.things.list(color="red")
    c.things.find_by_color(color="blue")
    c.things.archive("t1")
    c.things.parts.list("t1")
    c.widgets.patch("w1", name="x")
    assert [(r.method, r.path, r.query) for r in server.take()] == [
        ("POST", "/things", []), ("GET", "/things", [("color", "red")]), ("GET", "/things/findByColor", [("color", "blue")]),
        ("POST", "/things/t1/archive", []), ("GET", "/things/t1/parts", []), ("PATCH", "/widgets/w1", [])]


def test_a_method_named_list_is_defined_last_in_its_class(made):
    package, _ = made["verbs"]
    methods = [n for n, v in vars(importlib.import_module(package.__name__ + ".resources.things").ThingsResource).items() if callable(v) and not n.startswith("_")]
    assert methods[-1] == "list" and "create" in methods


def test_petstore_method_paths(tmp_path):
    """tests/data/petstore.yaml is the Swagger Petstore 3.0.4 spec, unchanged (swagger-api/swagger-petstore, Apache-2.0)."""
    api = named(Path(__file__).parent / "data" / "petstore.yaml")
    assert method_paths(api) == {
        "updatePet": "pet.update",
        "addPet": "pet.create",
        "findPetsByStatus": "pet.find_by_status",
        "findPetsByTags": "pet.find_by_tags",
        "getPetById": "pet.retrieve",
        "updatePetWithForm": "pet.update_with_form",
        "deletePet": "pet.delete",
        "uploadFile": "pet.upload_image",
        "getInventory": "store.inventory.retrieve",
        "placeOrder": "store.order.create",
        "getOrderById": "store.order.retrieve",
        "deleteOrder": "store.order.delete",
        "createUser": "user.create",
        "createUsersWithListInput": "user.create_with_list",
        "loginUser": "user.login",
        "logoutUser": "user.logout",
        "getUserByName": "user.retrieve",
        "updateUser": "user.update",
        "deleteUser": "user.delete",
    }


# -- 8. a body field that shares a parameter's name ---------------------------------------


def test_a_body_field_named_like_a_path_parameter(made, server):
    package, api = made["collide"]
    update = operation(api, "updateUser")
    assert [(p.py_name, p.wire_name, p.location) for p in update.params] == [
        ("username", "username", "path"), ("body_username", "username", "body"), ("email", "email", "body")]
    assert [(p.py_name, p.location) for p in operation(api, "getUser").params] == [("username", "path"), ("query_username", "query")]
    doc_text = importlib.import_module(package.__name__ + ".resources.users").UsersResource.update.__doc__
    assert "body_username: The new name. Sent as the body field `username`." in " ".join(doc_text.split())
    c = client(package, server)
    c.users.update("alice", body_username="bob", email="b@example.com")
    c.users.retrieve("alice", query_username="carol")
    put, get = server.take()
    assert (put.method, put.path, json.loads(put.body)) == ("PUT", "/users/alice", {"username": "bob", "email": "b@example.com"})
    assert (get.path, get.query) == ("/users/alice", [("username", "carol")])


# -- 2, as a property: names drawn from the reserved list, anywhere a spec can put them ----

RESERVED = sorted(MODULE_RESERVED | PARAM_RESERVED | FIELD_RESERVED | CLIENT_RESERVED | RESOURCE_RESERVED
                  | {"type", "match", "case", "_", "ThingsResource", "AsyncThingsResource", "ThingsResourceWithRawResponse"})
reserved = st.sampled_from(RESERVED)


@st.composite
def reserved_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A spec whose schema, field, parameter and path names, and pins, come from the reserved list."""
    schemas = {}
    for schema in draw(st.lists(reserved, min_size=1, max_size=3, unique=True)):
        fields = draw(st.lists(reserved, min_size=1, max_size=3, unique=True))
        schemas[schema] = obj(**{f: draw(st.sampled_from([STR, {"type": "integer"}])) for f in fields})
    paths: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 3))):
        segments = draw(st.lists(st.sampled_from(RESERVED + ["things", "a_b", "a", "b"]), min_size=1, max_size=2))
        item = "/" + "/".join(segments) + ("/{id}" if draw(st.booleans()) else "")
        method = draw(st.sampled_from(["get", "post", "put", "delete"]))
        if method in paths.get(item, {}):
            continue
        params = [path("id")] if "{id}" in item else []
        for n in draw(st.lists(reserved, max_size=3, unique=True)):
            params.append(draw(st.sampled_from([query, header]))(n))
        body = obj(**{n: STR for n in draw(st.lists(reserved, min_size=1, max_size=3, unique=True))}) if method in ("post", "put") else None
        paths.setdefault(item, {})[method] = op(f"op{i}", *params, body=body, response=draw(st.sampled_from(sorted(schemas))))
    # One spec in four pins a name: a class (`x-py-name`) or a method (`x-py-method`).
    pin = draw(st.sampled_from(["", "", "", "", "", "", "class", "method"]))
    if pin == "class":
        schemas[draw(st.sampled_from(sorted(schemas)))]["x-py-name"] = draw(reserved)
    if pin == "method":
        item = draw(st.sampled_from(sorted(paths)))
        paths[item][draw(st.sampled_from(sorted(paths[item])))]["x-py-method"] = ".".join(draw(st.lists(reserved, min_size=1, max_size=2)))
    return doc(paths, schemas)


VALUES: dict[str, Any] = {"string": "s", "integer": 1}
PINNED_REFUSALS = ("is a name the generated code uses itself", "is not an ASCII Python identifier", "must start with an upper-case letter",
                   "is not a usable Python name", "is also pinned at", "is the name of a client class or of the root error", "is also a resource",
                   "cannot be told apart from", "is pinned as a method at")


def test_reserved_names_anywhere_give_a_package_that_imports_type_checks_and_calls(tmp_path, server):
    out = tmp_path / "out"
    made: list[str] = []
    refused = 0

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=reserved_specs())
    def generate_and_call(spec: dict[str, Any]) -> None:
        nonlocal refused
        package_name = f"r{len(made) + refused}"
        spec_path = write_spec(tmp_path / package_name, spec)
        try:
            build_package(spec_path, out, package_name)
        except SpecError as e:
            # Only a pin that cannot be used is refused, and the error names it.
            pins = json.dumps(spec).count('"x-py-name"') + json.dumps(spec).count('"x-py-method"')
            assert pins and all(any(r in d.message for r in PINNED_REFUSALS) for d in e.diagnostics), str(e)
            assert all(d.pointer.endswith(("/x-py-name", "/x-py-method")) or d.pointer.startswith("/components/schemas/") for d in e.diagnostics), str(e)
            refused += 1
            return
        made.append(package_name)
        api = named(spec_path)
        sys.path.insert(0, str(out))
        try:
            package = importlib.import_module(package_name)
            c = client(package, server)
            for operation_ in api.operations:
                target = c
                for part in operation_.resource:
                    target = getattr(target, part)
                args = ["v1" for p in operation_.params if p.location == "path"]
                kwargs = {p.py_name: VALUES[_json_type(p.type)] for p in operation_.params if p.location != "path"}
                result = getattr(target, operation_.method_name)(*args, **kwargs)
                response = next(d for d in api.decls if isinstance(operation_.response, ir.Ref) and d.key == operation_.response.key)
                assert type(result).__name__ == response.py_name
                (request,) = server.take()
                sent = {p.wire_name: VALUES[_json_type(p.type)] for p in operation_.params}
                assert request.method == operation_.http_method.upper()
                assert request.path == operation_.path.replace("{id}", "v1")
                assert request.query == [(p.wire_name, sent[p.wire_name]) for p in operation_.params if p.location == "query"]
                assert all(request.headers[p.wire_name.lower()] == sent[p.wire_name] for p in operation_.params if p.location == "header")
                body = {p.wire_name: sent[p.wire_name] for p in operation_.params if p.location == "body"}
                assert (json.loads(request.body) if request.body else {}) == body
        finally:
            sys.path.remove(str(out))
            for module in [m for m in sys.modules if m == package_name or m.startswith(package_name + ".")]:
                del sys.modules[module]

    generate_and_call()
    assert len(made) >= 8
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *(str(out / p) for p in made)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _json_type(t: ir.Type) -> str:
    assert isinstance(t, ir.Primitive)
    return {"str": "string", "int": "integer"}[t.kind]
