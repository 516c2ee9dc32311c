"""Stage: spec document → IR. Decides types; names are only hints here (see names.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from . import ir
from .errors import Diagnostic, SpecError, pointer, split_pointer
from .load import BUNDLE, Document
from .names import pascal, singular
from .slice import HTTP_METHODS

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


@dataclass(frozen=True)
class Config:
    package: str
    client_class: str = "Client"
    async_client_class: str = "AsyncClient"
    api_key_env: str = "API_KEY"
    base_url_env: str = "BASE_URL"


def _text(schema: dict[str, Any]) -> str:
    value = schema.get("description") or schema.get("title") or ""
    return value.strip() if isinstance(value, str) else ""


class Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.decls: dict[str, ir.Decl] = {}
        self._refs: dict[str, ir.Type] = {}  # component pointer → its type
        # Component refs being built, with "" for each model in between: a cycle that
        # passes through a model is a recursive type; one that does not is an error.
        self._stack: list[str] = []
        self._forwarded: set[str] = set()

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError.at(self.doc.path, where, message)

    # -- schemas -----------------------------------------------------------------

    def schema_type(self, schema: Any, where: str, hint: str) -> ir.Type:
        """The IR type of a schema; inline objects and enums become declarations named by `hint`."""
        if not isinstance(schema, dict):
            if schema is True or schema == {}:
                return ir.AnyType()
            raise self.fail(where, "schema must be an object")
        if "$ref" in schema:
            return self.ref_type(schema["$ref"], where)
        nullable, core = self._split_null(schema, where)
        inner = self._core_type(core, where, hint)
        return ir.Nullable(inner) if nullable and not isinstance(inner, ir.Nullable) else inner

    def ref_type(self, ref: Any, where: str) -> ir.Type:
        if not isinstance(ref, str):
            raise self.fail(where, "$ref must be a string")
        if ref in self._refs:
            return self._refs[ref]
        target = self.doc.resolve(ref, where)
        parts = split_pointer(ref)
        # A whole file (`owner.yaml`) is named after the file.
        name = PurePosixPath(parts[1]).stem if len(parts) == 2 and parts[0] == BUNDLE else (parts or ["Schema"])[-1]
        if ref in self._stack:
            if "" not in self._stack[self._stack.index(ref) :]:
                raise self.fail(ref[1:], "reference cycle through schemas that are not objects (nothing to generate)")
            self._forwarded.add(ref)
            return ir.Ref(ref)
        if self._is_model(target):
            # Register before building fields so recursive references resolve to it.
            self._refs[ref] = ir.Ref(ref)
        self._stack.append(ref)
        try:
            result = self.schema_type(target, ref[1:], _pin(target) or name)
        finally:
            self._stack.pop()
        nullable = isinstance(result, ir.Nullable)
        core = result.inner if isinstance(result, ir.Nullable) else result
        if ref in self._forwarded:
            # Something inside refers back to this schema by name: it must have one.
            self.decls[ref] = ir.Alias(ref, name, _pin(target) or name, bool(_pin(target)), result, _text(target))
            self._refs[ref] = ir.Ref(ref)
            return self._refs[ref]
        if isinstance(core, (ir.OneOf, ir.MapOf, ir.ListOf)):
            # Named unions, maps and lists stay named in signatures.
            self.decls[ref] = ir.Alias(ref, name, _pin(target) or name, bool(_pin(target)), core, _text(target))
            core = ir.Ref(ref)
        self._refs[ref] = ir.Nullable(core) if nullable else core
        return self._refs[ref]

    @staticmethod
    def _is_model(schema: Any) -> bool:
        return isinstance(schema, dict) and (
            "properties" in schema or "allOf" in schema
        ) and "anyOf" not in schema and "oneOf" not in schema

    def _split_null(self, schema: dict[str, Any], where: str) -> tuple[bool, dict[str, Any]]:
        """Recognise every nullability style; return (nullable, schema without it)."""
        core = dict(schema)
        nullable = bool(core.pop("nullable", False))
        types = core.get("type")
        if types == "null":
            return True, {"__null__": True}
        if isinstance(types, list):
            rest = [t for t in types if t != "null"]
            nullable = nullable or len(rest) < len(types)
            if len(rest) == 1:
                core["type"] = rest[0]
            elif not rest:
                core.pop("type")
                return True, {"__null__": True}
            else:
                core.pop("type")
                core["anyOf"] = [{"type": t} for t in rest]
        if isinstance(core.get("enum"), list) and None in core["enum"]:
            nullable = True
            core["enum"] = [v for v in core["enum"] if v is not None]
        for key in ("anyOf", "oneOf"):
            variants = core.get(key)
            if not isinstance(variants, list):
                continue
            rest = [v for v in variants if not (isinstance(v, dict) and v.get("type") == "null" and len(v) <= 2)]
            if len(rest) < len(variants):
                nullable = True
                if len(rest) == 1:
                    core.pop(key)
                    single = rest[0]
                    # Keep the outer description when the variant has none.
                    merged = {**{k: v for k, v in core.items() if k in ("description", "title", "deprecated", "default")}, **single}
                    # The variant may itself be nullable (`anyOf: [{anyOf: [X, null]}, null]`).
                    return True, self._split_null(merged, where)[1]
                core[key] = rest
        return nullable, core

    def _core_type(self, schema: dict[str, Any], where: str, hint: str) -> ir.Type:
        if schema.get("__null__"):
            return ir.Nullable(ir.AnyType())
        if "$ref" in schema:
            return self.ref_type(schema["$ref"], where)
        if "const" in schema:
            return self._const(schema["const"], where)
        enum = schema.get("enum")
        if isinstance(enum, list):
            if len(enum) == 1:
                return self._const(enum[0], where + "/enum/0")
            return self._enum(schema, where, hint)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                return self._union(schema, key, where, hint)
        if isinstance(schema.get("allOf"), list):
            parts = schema["allOf"]
            if len(parts) == 1 and not schema.get("properties"):
                return self.schema_type(parts[0], where + "/allOf/0", hint)
            return self._model(self._merge_all_of(schema, where), where, hint)
        kind = schema.get("type")
        if kind == "array" or "items" in schema:
            item = self.schema_type(schema.get("items", {}), where + "/items", _item_hint(hint))
            return ir.ListOf(item, _constraints(schema))
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            if schema.get("properties"):
                return self._model(schema, where, hint)
            if isinstance(extra, dict) and extra:
                value = self.schema_type(extra, where + "/additionalProperties", hint + "Value")
                return ir.MapOf(value, _constraints(schema))
            return ir.MapOf(ir.AnyType(), _constraints(schema))
        if kind == "string" and schema.get("format") == "binary":
            return ir.Primitive("file", "binary")
        if kind in _PRIMITIVES:
            fmt = schema.get("format")
            return ir.Primitive(_PRIMITIVES[kind], fmt if isinstance(fmt, str) else None, _constraints(schema))
        if kind is None:
            return ir.AnyType()
        raise self.fail(where + "/type", f"unknown type {kind!r}")

    def _const(self, value: Any, where: str) -> ir.Type:
        if isinstance(value, (str, int, bool)) and not isinstance(value, float):
            return ir.Const(value)
        if value is None:
            return ir.Nullable(ir.AnyType())
        raise self.fail(where, f"unsupported constant {value!r}")

    def _enum(self, schema: dict[str, Any], where: str, hint: str) -> ir.Type:
        values = schema["enum"]
        if not values:
            raise self.fail(where + "/enum", "enum has no values")
        if all(isinstance(v, str) for v in values):
            base = "str"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            base = "int"
        else:
            raise self.fail(where + "/enum", "enum values must be all strings or all integers")
        key = "#" + where
        members = tuple(ir.EnumMember(v, "") for v in dict.fromkeys(values))
        pin = _pin(schema)
        self.decls[key] = ir.Enum(key, hint, pin or hint, bool(pin), base, members, _text(schema))
        return ir.Ref(key)

    def _union(self, schema: dict[str, Any], key: str, where: str, hint: str) -> ir.Type:
        kinds = [_variant_kind(v) for v in schema[key]]
        variants = tuple(
            self.schema_type(v, f"{where}/{key}/{i}", hint + (kind if kinds.count(kind) == 1 else f"{kind}{i + 1}"))
            for i, (v, kind) in enumerate(zip(schema[key], kinds))
        )
        disc = schema.get("discriminator")
        if not isinstance(disc, dict):
            return ir.OneOf(variants)
        prop = disc.get("propertyName")
        if not isinstance(prop, str):
            raise self.fail(where + "/discriminator", "discriminator needs a propertyName")
        mapping: dict[str, str] = {}
        for tag, ref in (disc.get("mapping") or {}).items():
            target = self.ref_type(ref, f"{where}/discriminator/mapping/{tag}")
            if isinstance(target, ir.Ref):
                mapping[str(tag)] = target.key
        for i, variant in enumerate(variants):
            model = self.decls.get(variant.key) if isinstance(variant, ir.Ref) else None
            if not isinstance(model, ir.Model) or model.key in mapping.values():
                continue
            tag_field = next((f for f in model.fields if f.wire_name == prop), None)
            tag_type = tag_field.type if tag_field else None
            if isinstance(tag_type, ir.Const):
                mapping.setdefault(str(tag_type.value), model.key)
            elif isinstance(tag_type, ir.Ref) and isinstance(self.decls.get(tag_type.key), ir.Enum):
                enum = self.decls[tag_type.key]
                assert isinstance(enum, ir.Enum)
                for member in enum.members:
                    mapping.setdefault(str(member.value), model.key)
            else:
                # No tag to tell this variant by: choose between variants by shape instead.
                return ir.OneOf(variants)
        return ir.OneOf(variants, ir.Discriminator(prop, tuple(mapping.items())))

    def _merge_all_of(self, schema: dict[str, Any], where: str, outer: frozenset[str] = frozenset()) -> dict[str, Any]:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for i, part in enumerate(schema["allOf"]):
            seen: set[str] = set(outer)
            while isinstance(part, dict) and "$ref" in part:
                if part["$ref"] in seen:
                    raise self.fail(f"{where}/allOf/{i}", f"reference cycle in allOf through {part['$ref']!r}")
                seen.add(part["$ref"])
                part = self.doc.resolve(part["$ref"], f"{where}/allOf/{i}")
            if isinstance(part, dict) and isinstance(part.get("allOf"), list):
                part = self._merge_all_of(part, f"{where}/allOf/{i}", frozenset(seen))
            if not isinstance(part, dict):
                raise self.fail(f"{where}/allOf/{i}", "allOf part must be an object schema")
            merged["properties"].update(part.get("properties") or {})
            merged["required"] += [r for r in part.get("required") or [] if r not in merged["required"]]
        merged["properties"].update(schema.get("properties") or {})
        merged["required"] += [r for r in schema.get("required") or [] if r not in merged["required"]]
        for k in ("description", "title", "deprecated", "x-py-name"):
            if k in schema:
                merged[k] = schema[k]
        return merged

    def _model(self, schema: dict[str, Any], where: str, hint: str) -> ir.Type:
        key = "#" + where
        pin = _pin(schema)
        name = pin or hint
        self._refs.setdefault(key, ir.Ref(key))
        self._stack.append("")
        try:
            return self._model_fields(schema, where, hint, key, pin, name)
        finally:
            self._stack.pop()

    def _model_fields(self, schema: dict[str, Any], where: str, hint: str, key: str, pin: str, name: str) -> ir.Type:
        required = schema.get("required") or []
        props = schema.get("properties") or {}
        if not isinstance(props, dict):
            raise self.fail(where + "/properties", "properties must be an object")
        fields = []
        for wire, prop in props.items():
            ptr = where + pointer("properties", wire)
            ftype = self.schema_type(prop, ptr, name + pascal(wire))
            desc = self.describe(prop, ptr)
            default = prop.get("default") if isinstance(prop, dict) else None
            fields.append(
                ir.Field(
                    wire_name=str(wire),
                    py_name="",
                    type=ftype,
                    required=wire in required,
                    description=desc,
                    deprecated=bool(isinstance(prop, dict) and prop.get("deprecated")),
                    default=default,
                    has_default=isinstance(prop, dict) and "default" in prop,
                )
            )
        self.decls[key] = ir.Model(key, hint, name, bool(pin), tuple(fields), _text(schema), bool(schema.get("deprecated")))
        return ir.Ref(key)

    # -- operations --------------------------------------------------------------

    def operation(self, path: str, method: str, op: dict[str, Any], path_params: list[Any]) -> ir.Operation:
        where = pointer("paths", path, method)
        op_id = op.get("operationId")
        if not isinstance(op_id, str) or not op_id:
            raise self.fail(where, "operation has no operationId")
        params: list[ir.Param] = []
        seen: set[tuple[str, str]] = set()
        raw_params = list(op.get("parameters") or []) + list(path_params)
        for i, raw in enumerate(raw_params):
            p_where = f"{where}/parameters/{i}"
            if isinstance(raw, dict) and "$ref" in raw:
                raw = self.doc.resolve(raw["$ref"], p_where)
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or raw.get("in") not in ("path", "query", "header", "cookie"):
                raise self.fail(p_where, "parameter needs a string 'name' and 'in' (path, query, header or cookie)")
            ident = (raw["in"], raw["name"])
            if ident in seen or raw["in"] == "cookie":
                continue
            seen.add(ident)
            ptype = self.schema_type(raw.get("schema", {}), p_where + "/schema", pascal(op_id) + pascal(raw["name"]))
            required = raw["in"] == "path" or bool(raw.get("required"))
            text = _field_text(raw) or self.describe(raw.get("schema"), p_where)
            params.append(ir.Param(raw["name"], "", raw["in"], ptype, required, text))
        params.extend(self._body_params(op, where, op_id))
        declared = {p.wire_name for p in params if p.location == "path"}
        for placeholder in re.findall(r"\{([^}]*)\}", path):
            if placeholder not in declared:
                raise self.fail(pointer("paths", path), f"path template names {{{placeholder}}} but no path parameter declares it")
        pinned = op.get("x-py-method")
        if pinned is not None and not (isinstance(pinned, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", pinned)):
            raise self.fail(where + "/x-py-method", f"x-py-method {pinned!r} is not a dotted ASCII Python name")
        return ir.Operation(
            operation_id=op_id,
            resource=_resource(op, path),
            method_name=_method_name(op, op_id),
            http_method=method,
            path=path,
            params=tuple(params),
            response=self._response(op, where, op_id),
            summary=_field_text({"title": op.get("summary")}),
            description=_field_text({"description": op.get("description")}),
            deprecated=bool(op.get("deprecated")),
        )

    def _body_params(self, op: dict[str, Any], where: str, op_id: str) -> list[ir.Param]:
        body = op.get("requestBody")
        if body is None:
            return []
        if "$ref" in body:
            body = self.doc.resolve(body["$ref"], where + "/requestBody")
        content = body.get("content") or {}
        json_media = next((m for m in content if m == "application/json" or m.endswith("+json")), None)
        form_media = next((m for m in content if m in ("multipart/form-data", "application/x-www-form-urlencoded")), None)
        media = json_media or form_media or next(iter(content), None)
        if media is None:
            raise self.fail(where + "/requestBody/content", "request body has no media type")
        schema_where = where + pointer("requestBody", "content", media, "schema")
        schema = (content[media] or {}).get("schema") or {}
        if media not in (json_media, form_media):
            # Any other media type is sent as raw bytes (a file, an image, audio...).
            return [ir.Param("body", "", "content", ir.Primitive("file", "binary"), bool(body.get("required")))]
        location = "body" if media == json_media else "form"
        resolved = self._deref(schema, schema_where)
        if isinstance(resolved, dict) and resolved.get("properties") and not resolved.get("allOf"):
            # Flatten the body's top-level properties into keyword arguments, as SDK users expect.
            required = resolved.get("required") or []
            return [
                ir.Param(
                    wire,
                    "",
                    location,
                    self.schema_type(prop, schema_where + pointer("properties", wire), pascal(op_id) + pascal(wire)),
                    wire in required,
                    self.describe(prop, schema_where),
                )
                for wire, prop in resolved["properties"].items()
            ]
        if location == "form":
            raise self.fail(schema_where, "a form body needs an object schema with properties")
        return [ir.Param("body", "", "body", self.schema_type(schema, schema_where, pascal(op_id) + "Body"), bool(body.get("required")))]

    def describe(self, schema: Any, where: str) -> str:
        """A schema's description, looking through `$ref` and nullable `anyOf`/`oneOf` wrappers."""
        for _ in range(8):
            if not isinstance(schema, dict):
                return ""
            if _text(schema):
                return _text(schema)
            if "$ref" in schema:
                schema = self.doc.resolve(schema["$ref"], where)
                continue
            variants = [v for v in schema.get("anyOf") or schema.get("oneOf") or [] if not _null_variant(v)]
            if len(variants) != 1:
                return ""
            schema = variants[0]
        return ""

    def _deref(self, schema: Any, where: str) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.doc.resolve(schema["$ref"], where)
        return schema

    def _response(self, op: dict[str, Any], where: str, op_id: str) -> ir.Type | None:
        responses = op.get("responses") or {}
        for code in sorted(str(c) for c in responses):
            if not code.startswith("2"):
                continue
            response = self._deref(responses[code] if code in responses else responses[int(code)], where)
            content = response.get("content") or {}
            for media, body in content.items():
                if media == "application/json" or media.endswith("+json"):
                    return self.schema_type(body.get("schema") or {}, where + pointer("responses", code, "content", media, "schema"), pascal(op_id) + "Response")
            if content:
                return ir.Primitive("bytes")  # audio, files, text: the body as it came
        return None


def _variant_kind(schema: Any) -> str:
    """How an inline union member is named after its union: `ModelEnum`, `ToolObject`..."""
    if not isinstance(schema, dict):
        return "Variant"
    if "enum" in schema:
        return "Enum"
    if "properties" in schema or schema.get("type") == "object":
        # Prefer what tells this member apart: its tag value, else its title.
        for prop in (schema.get("properties") or {}).values():
            if isinstance(prop, dict):
                tag = prop.get("const", (prop.get("enum") or [None, None])[0] if len(prop.get("enum") or []) == 1 else None)
                if isinstance(tag, str) and pascal(tag):
                    return pascal(tag)
        title = schema.get("title")
        return pascal(title) if isinstance(title, str) and pascal(title) else "Object"
    return "Variant"


def _item_hint(hint: str) -> str:
    return singular(hint) if singular(hint) != hint else hint + "Item"


def _pin(schema: Any) -> str:
    name = schema.get("x-py-name") if isinstance(schema, dict) else None
    return name if isinstance(name, str) else ""


def _field_text(schema: Any) -> str:
    return _text(schema) if isinstance(schema, dict) else ""


def _null_variant(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _constraints(schema: dict[str, Any]) -> ir.Constraints:
    names = schema.get("propertyNames")
    values = {
        "max_length": schema.get("maxLength"),
        "min_length": schema.get("minLength"),
        "max_items": schema.get("maxItems"),
        "min_items": schema.get("minItems"),
        "max_properties": schema.get("maxProperties"),
        "min_properties": schema.get("minProperties"),
        "key_max_length": names.get("maxLength") if isinstance(names, dict) else None,
        "minimum": schema.get("minimum"),
        "maximum": schema.get("maximum"),
    }
    kept = {k: v for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return ir.Constraints(**kept)  # type: ignore[arg-type]


def _resource(op: dict[str, Any], path: str) -> tuple[str, ...]:
    """The pinned resource (`chat.completions` of `chat.completions.update`); () leaves it to names.py."""
    pinned = op.get("x-py-method")
    if isinstance(pinned, str) and "." in pinned:
        return tuple(pinned.split(".")[:-1])
    return ()


def _method_name(op: dict[str, Any], op_id: str) -> str:
    """The pinned method name; "" leaves it to names.py (from the path, HTTP method and operationId)."""
    pinned = op.get("x-py-method")
    if isinstance(pinned, str) and pinned:
        return pinned.split(".")[-1]
    return ""


def build(doc: Document, config: Config, operation_ids: list[str] | None = None) -> tuple[ir.Api, list[Diagnostic]]:
    """The IR, and the operations skipped because something in them cannot be generated.

    Operations the config names must build; with no list, one that cannot is skipped with
    a diagnostic (never silently) and the rest of the API is still generated.
    """
    builder = Builder(doc)
    operations = []
    skipped: list[Diagnostic] = []
    found: set[str] = set()
    for path, item in (doc.data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            if operation_ids is not None and op.get("operationId") not in operation_ids:
                continue
            saved = dict(builder.decls), dict(builder._refs)
            try:
                try:
                    operations.append(builder.operation(path, method, op, item.get("parameters") or []))
                except (AttributeError, TypeError, KeyError, IndexError, ValueError) as e:
                    # A shape the validator let through (lenient mode): still a clear error, never a traceback.
                    raise builder.fail(pointer("paths", path, method), f"cannot generate this operation: {type(e).__name__}: {e}") from None
            except SpecError as e:
                if operation_ids is not None:
                    raise
                builder.decls, builder._refs = saved
                skipped.extend(Diagnostic(d.file, d.pointer, f"operation skipped: {d.message}") for d in e.diagnostics)
            found.add(op.get("operationId", ""))
    for missing in sorted(set(operation_ids or []) - found):
        raise SpecError.at(doc.path, "/paths", f"no operation with operationId {missing!r}")
    servers = doc.data.get("servers")
    server = servers[0] if isinstance(servers, list) and servers else {}
    base_url = server.get("url", "") if isinstance(server, dict) else ""
    info = doc.data.get("info")
    info = info if isinstance(info, dict) else {}
    api = ir.Api(
        package=config.package,
        client_class=config.client_class,
        async_client_class=config.async_client_class,
        api_key_env=config.api_key_env,
        base_url_env=config.base_url_env,
        base_url=base_url if isinstance(base_url, str) else "",
        title=str(info.get("title", "")),
        decls=tuple(builder.decls[k] for k in sorted(builder.decls)),
        operations=tuple(operations),
    )
    return api, skipped
