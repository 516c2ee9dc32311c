"""Stage 1: read a spec file (YAML or JSON) into plain data, safely.

Nothing here runs code or touches the network: YAML goes through the safe loader (no
Python-object tags), sizes, nesting and alias expansion are bounded before anything is
built, and `$ref`s to other files are followed only below the spec's own directory
(they are bundled into the document, so later stages see local references only).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, SpecError, pointer, split_pointer

try:  # the C loader is much faster; both refuse tags that build Python objects
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


class _Unusable:
    """A YAML value with no JSON form (`!!binary`, `!!omap`, a mapping or list as a key): reported, never used."""

    def __init__(self, what: str) -> None:
        self.what = what


class _JsonShapedLoader(_Loader):  # type: ignore[misc]
    """Safe YAML that builds JSON-shaped data, as OpenAPI documents are.

    A mapping key is the text it is written as (`200:` is "200", `on:` is "on", not the
    YAML 1.1 boolean), a date is its ISO 8601 text as written, and values JSON cannot hold
    are marked so that `load_data` reports them with their pointer.
    """

    found_unusable = False

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # `<<` merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key: Any = key_node.value
            else:
                key = _Unusable(f"a {key_node.id} used as a mapping key")
                self.found_unusable = True
            out[key] = self.construct_object(value_node, deep=deep)
        return out

    def construct_timestamp(self, node: Any) -> str:
        return str(node.value)  # the ISO 8601 text as written (`...Z` stays `Z`)

    def construct_unusable(self, node: Any) -> _Unusable:
        self.found_unusable = True
        return _Unusable(f"a !!{node.tag.rsplit(':', 1)[-1]} value")


_JsonShapedLoader.add_constructor("tag:yaml.org,2002:timestamp", _JsonShapedLoader.construct_timestamp)
for _tag in ("binary", "omap", "pairs"):
    _JsonShapedLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _JsonShapedLoader.construct_unusable)


def _unusable(data: Any, name: str) -> list[Diagnostic]:
    """Where the values with no JSON form are, as diagnostics."""
    out: list[Diagnostic] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, _Unusable):
            out.append(Diagnostic(name, where, f"{node.what} has no JSON form (OpenAPI documents are JSON: write it as a string)"))
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, _Unusable):
                    out.append(Diagnostic(name, where, f"{key.what}: keys are strings in OpenAPI"))
                else:
                    stack.append((value, where + pointer(key)))
        elif isinstance(node, list):
            stack.extend((v, f"{where}/{i}") for i, v in enumerate(node))
    return sorted(out, key=lambda d: d.pointer)


# Where files reached through `$ref` are kept in the bundled document (an `x-` extension).
BUNDLE = "x-oasforge-files"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Limits:
    """Bounds on every file read; the config's `limits:` key overrides them."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 100  # nested mappings/sequences
    max_nodes: int = 20_000_000  # values after expanding YAML aliases


LIMITS = Limits()


@dataclass(frozen=True)
class Document:
    """A loaded spec: its data and the file it came from (for diagnostics)."""

    path: str
    data: dict[str, Any]
    # Pointer of each node an overlay action updated → that action (`overlay.yaml#/actions/0`).
    patched: dict[str, str] = field(default_factory=dict)

    def resolve(self, ref: str, where: str) -> Any:
        """Follow a local `#/...` reference; `where` is the pointer holding the $ref."""
        if not ref.startswith("#"):
            raise SpecError.at(self.path, where, f"only local references are supported, got {ref!r}")
        node: Any = self.data
        for part in split_pointer(ref):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise SpecError.at(self.path, where, f"$ref {ref!r} does not resolve")
        return node


def load(path: str | Path, limits: Limits = LIMITS) -> Document:
    """Load an OpenAPI 3.x document, with the files it references bundled in."""
    name = str(path)
    data = load_data(path, limits)
    if not isinstance(data, dict) or not isinstance(data.get("openapi"), str):
        raise SpecError.at(name, "", "not an OpenAPI document (no 'openapi' version string at the top)")
    if not data["openapi"].startswith("3."):
        raise SpecError.at(name, "/openapi", f"unsupported OpenAPI version {data['openapi']!r} (3.0 and 3.1 are)")
    _bundle(Path(path), data, limits)
    return Document(name, data)


def load_data(path: str | Path, limits: Limits = LIMITS) -> Any:
    """Parse a YAML or JSON file with a safe loader; errors name the file and line."""
    p = Path(path)
    name = str(path)
    try:
        if not p.is_file():
            problem = "no such file" if not p.exists() else "it is a directory" if p.is_dir() else "not a regular file"
            raise SpecError.at(name, "", f"cannot read file: {problem}")
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise SpecError.at(name, "", f"file is {size} bytes, above the limit of {limits.max_bytes}")
        text = p.read_bytes()
    except OSError as e:
        raise SpecError.at(name, "", f"cannot read file: {e.strerror}") from None
    try:
        if p.suffix == ".json":
            data = json.loads(text)
            _check_json_depth(data, name, limits)
        else:
            _check_yaml_shape(text, name, limits)
            loader = _JsonShapedLoader(text)
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
            if loader.found_unusable:
                raise SpecError(*_unusable(data, name))
    except RecursionError:
        raise SpecError.at(name, "", f"nesting deeper than {limits.max_depth} levels") from None
    except (yaml.YAMLError, ValueError) as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SpecError.at(name, "", f"not valid YAML/JSON{where}: {problem}") from None
    return data


def _check_yaml_shape(text: bytes, name: str, limits: Limits) -> None:
    """Refuse deep nesting and alias bombs from the event stream, before libyaml builds anything.

    Building first is not an option: libyaml recurses on nesting (a crash, not an error) and an
    alias bomb is small on disk but huge once a later stage walks it. Each anchored node's
    expanded size is remembered, so an alias costs what it would expand to.
    """
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []  # [anchor, expanded size so far] per open collection
    total = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > limits.max_depth:
                raise SpecError.at(name, "", f"nesting deeper than {limits.max_depth} levels{_line(event)}")
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
            total += size - 1  # the aliased node's own events were counted where it was defined
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        total += 1
        if total > limits.max_nodes:
            raise SpecError.at(name, "", f"more than {limits.max_nodes} values once YAML aliases are expanded{_line(event)}")


def _line(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    return f" (line {mark.line + 1})" if mark else ""


def _check_json_depth(data: Any, name: str, limits: Limits) -> None:
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth >= limits.max_depth:
                raise SpecError.at(name, "", f"nesting deeper than {limits.max_depth} levels")
            stack.extend((v, depth + 1) for v in (node.values() if isinstance(node, dict) else node))


def _bundle(root_file: Path, data: dict[str, Any], limits: Limits) -> None:
    """Rewrite every `$ref` to another file into a local one, copying that file under `BUNDLE`.

    `other.yaml#/components/schemas/X` becomes `#/x-oasforge-files/other.yaml/components/schemas/X`.
    Remote references are refused (the generator never fetches), and so is any file outside
    the spec's directory (`../`, absolute paths, symlinks leading out).
    """
    bundler = _Bundler(root_file, limits)
    bundler.todo.append((data, "", bundler.root, ""))
    seen: set[int] = set()
    while bundler.todo:
        node, where, file, prefix = bundler.todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    node[key] = bundler.local_ref(value, where, file, prefix)
                elif key == "mapping" and isinstance(value, dict) and "propertyName" in node:
                    for tag, target in value.items():
                        if isinstance(target, str) and "#" in target:
                            value[tag] = bundler.local_ref(target, where + pointer("mapping", tag), file, prefix)
                else:
                    bundler.todo.append((value, where + pointer(key), file, prefix))
        elif isinstance(node, list):
            bundler.todo.extend((v, f"{where}/{i}", file, prefix) for i, v in enumerate(node))
    if bundler.files:
        data[BUNDLE] = bundler.files


class _Bundler:
    def __init__(self, root_file: Path, limits: Limits) -> None:
        self.name = str(root_file)
        self.root = root_file.resolve()
        self.limits = limits
        self.files: dict[str, Any] = {}  # path below the root's directory → its data
        self.todo: list[tuple[Any, str, Path, str]] = []  # node, pointer in its file, the file, its prefix in the bundle

    def local_ref(self, ref: str, where: str, file: Path, prefix: str) -> str:
        """The local form of `ref`, found at `where` in `file`; loads the file it names if needed."""
        holder = str(file) if prefix else self.name
        root_dir = self.root.parent
        if ref.startswith("#"):
            return "#" + prefix + ref[1:]
        if _SCHEME.match(ref):
            kind = "remote" if ref.lower().startswith(("http:", "https:")) else "non-file"
            raise SpecError.at(holder, where, f"{kind} reference {ref!r} refused: only files below {root_dir} are read")
        file_part, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            raise SpecError.at(holder, where, f"$ref {ref!r}: the fragment must be a JSON pointer")
        target = (file.parent / file_part).resolve()  # symlinks resolved: one leading out is caught below
        if target == self.root:
            return "#" + fragment
        if not target.is_relative_to(root_dir):
            raise SpecError.at(holder, where, f"file reference {ref!r} refused: it leads outside {root_dir}")
        rel = target.relative_to(root_dir).as_posix()
        target_prefix = pointer(BUNDLE, rel)
        if rel not in self.files:
            try:
                self.files[rel] = load_data(target, self.limits)
            except SpecError as e:
                raise SpecError.at(holder, where, f"$ref {ref!r}: {e.diagnostics[0].message}") from None
            self.todo.append((self.files[rel], "", target, target_prefix))
        return "#" + target_prefix + fragment
