"""The package layout: one module per resource and per type, names resolved on first use.

`tests/cases/modular` has nested resources, types used by one resource or by several, models
that refer to each other, and names whose modules would be keywords or builtins; its usage.py
is type-checked by test_mypy.py.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GENERATED
from .wire import Recorder

ROOT_MODULES = {"modular"}


def run(where: Path, code: str) -> dict:
    """Run `code` in a fresh interpreter with `where` on its path; it prints JSON, which is returned."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(where)}, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


LOADED = """
import json, sys
def loaded(): return sorted(m for m in sys.modules if m == "{p}" or m.startswith("{p}."))
"""


@pytest.mark.parametrize("package", ["modular", "openai_chat"])
def test_importing_the_package_imports_nothing_else(case_packages, package):
    where = case_packages("modular") if package == "modular" else GENERATED
    facts = run(where, LOADED.format(p=package) + f"import {package}\nprint(json.dumps([loaded(), 'httpx' in sys.modules]))")
    assert facts == [[package], False]


def test_a_resource_loads_its_modules_on_first_use_and_its_types_on_first_call(case_packages, recorder: Recorder):
    recorder.answer("/v1/things/t1/parts", body=b'[{"name": "bolt"}]')
    code = LOADED.format(p="modular") + f"""
import modular
client = modular.Modular(base_url={recorder.url + "/v1"!r}, max_retries=0)
before = set(loaded())
parts = client.things.parts
resource = set(loaded()) - before
read = parts.list("t1")
print(json.dumps([sorted(resource), sorted(set(loaded()) - before - resource), type(read[0]).__module__]))
"""
    resource, types, module = run(case_packages("modular"), code)
    assert resource == ["modular.resources", "modular.resources.things", "modular.resources.things.parts"]
    assert types == ["modular.types", "modular.types.things", "modular.types.things.part"]
    assert module == "modular.types.things.part"


def test_every_type_is_one_object_from_the_package_its_group_and_its_module(import_case):
    import importlib

    modular = import_case("modular", "modular")
    types = importlib.import_module("modular.types")
    where = {}
    for name, group in types._MODULES.items():
        group_package = importlib.import_module(f"modular.types.{group}")
        module = importlib.import_module(f"modular.types.{group}.{group_package._MODULES[name]}")
        assert getattr(modular, name) is getattr(types, name) is getattr(group_package, name) is getattr(module, name)
        where[name] = module.__name__.removeprefix("modular.types.")
    assert where == {
        "ABTest": "things.ab_test", "AbTest": "things.ab_test_2",  # one module name each
        "Circle": "graphs.circle", "Square": "graphs.square", "Shape": "graphs.shape", "Graph": "graphs.graph",
        "Class": "graphs.class_",  # not a keyword
        "Edge": "graphs.edge", "Node": "graphs.edge",  # they refer to each other: one module
        "Tree": "graphs.tree", "Forest": "graphs.forest",  # Tree refers to Forest in annotations only
        "Label": "shared.label",  # used by the things and the list resources
        "List": "list.list_",  # not a builtin, in the package `list`
        "Part": "things.part", "Status": "things.status", "Thing": "things.thing",
    }
    namespace: dict[str, object] = {}
    exec("from modular import *", namespace)
    assert set(where) | {"Modular", "AsyncModular", "ModularError", "APIError", "NOT_GIVEN"} <= set(namespace)
    with pytest.raises(AttributeError, match="module 'modular' has no attribute 'Nope'"):
        modular.Nope
    with pytest.raises(AttributeError, match="module 'modular.types.graphs' has no attribute 'Thing'"):
        importlib.import_module("modular.types.graphs").Thing


def test_models_that_refer_to_each_other_read_and_write(import_case):
    modular = import_case("modular", "modular")
    data = {
        "root": {"name": "a", "edges": [{"to": {"name": "b", "edges": [{"to": {"name": "a"}}]}}]},
        "label": {"text": "g"},
        "tree": {"name": "t", "children": [{"name": "u", "children": []}]},
    }
    graph = modular.Graph.from_dict(data)
    assert isinstance(graph.root.edges[0].to, modular.Node) and isinstance(graph.tree.children[0], modular.Tree)
    assert graph.to_dict() == data


def test_resources_are_attached_once_per_client(import_case):
    modular = import_case("modular", "modular")
    client = modular.Modular(base_url="https://modular.test")
    assert client.things is client.things and client.things.parts is client.things.parts
    assert type(client.things.list_).__module__ == "modular.resources.things.list_"
    assert type(client.list).__module__ == "modular.resources.list"
    assert type(client.things.with_raw_response.list_).__name__ == "ThingsListResourceWithRawResponse"
    other = client.with_options(max_retries=0)
    assert other.things is not client.things
    assert type(modular.AsyncModular(base_url="https://modular.test").things.parts).__name__ == "AsyncThingsPartsResource"


def runtime_imports(package: Path) -> dict[str, set[str]]:
    """The package's modules each module imports when loaded: module-level imports, outside
    `if TYPE_CHECKING:` and function bodies (read from the files, with ast)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package).with_suffix("").parts)
        here = parts[:-1] if parts[-1] == "__init__" else parts
        current = here if parts[-1] == "__init__" else here[:-1]
        graph[".".join(here)] = imports = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.level:
                base = current[: len(current) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
                imports.add(".".join(target))
    return graph


def assert_acyclic(graph: dict[str, set[str]]) -> None:
    """Every module can be loaded after the ones it imports (peeling off those with none left)."""
    left = {module: imports & graph.keys() - {module} for module, imports in graph.items()}
    while left:
        ready = {module for module, imports in left.items() if not imports}
        assert ready, f"import cycle among {sorted(left)[:10]}"
        left = {module: imports - ready for module, imports in left.items() if module not in ready}


def test_loading_a_module_never_loads_it_again_through_a_cycle(case_packages):
    graph = runtime_imports(case_packages("modular") / "modular")
    assert graph["types.graphs.edge"] == {"_models"}  # Node's readers are Edge's: the same module
    assert graph["types.graphs.forest"] == {"types.graphs.tree"}  # an alias's value is evaluated
    assert "types.graphs.forest" not in graph["types.graphs.tree"]  # only its annotations name Forest
    assert_acyclic(graph)
