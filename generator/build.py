"""Stage: spec document → IR. Decides types; names are only hints here (see names.py)."""

from __future__ import annotations

import keyword
import re
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from . import ir
from .errors import Diagnostic, SpecError, pointer, split_pointer
from .load import BUNDLE, Document
from .names import pascal, singular
from .slice import HTTP_METHODS

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# How request bodies are written, in the order a default is chosen: fields as JSON, as a form, as
# multipart; then whole values (a wildcard takes JSON or bytes, any other media type bytes).
_MEDIA_ORDER = ("json", "form", "multipart", "any", "raw")
_STRUCTURED = ("json", "form", "multipart")


def media_kind(media: str) -> str:
    """How a body of this media type is written: json, form, multipart, any (a wildcard) or raw."""
    base = media.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    return "any" if "*" in base else "raw"


@dataclass(frozen=True)
class Config:
    package: str
    client_class: str = "Client"
    async_client_class: str = "AsyncClient"
    api_key_env: str = "API_KEY"
    base_url_env: str = "BASE_URL"
    # Security scheme name → its environment variables: one, or (username, password) for basic.
    scheme_env: dict[str, tuple[str, ...]] = field(default_factory=dict)


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
        name = _ref_name(ref)
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
            if not core["enum"]:  # `enum: [null]`: null is the only value
                return True, {"__null__": True}
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
        if isinstance(enum, list) and enum:  # an empty list says nothing: the rest of the schema does
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
            return self._model(schema, where, hint)
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
        if kind == "string" and _is_file(schema):
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
        if not all(isinstance(v, (str, int, float)) for v in schema["enum"]):
            return ir.AnyType()  # objects or arrays as values: nothing a Python type can spell
        values = list(dict.fromkeys(schema["enum"]))
        if all(isinstance(v, str) for v in values):
            base = "str"
        elif all(type(v) is int for v in values):
            base = "int"
        elif all(isinstance(v, bool) for v in values):
            return ir.Primitive("bool")  # both truth values: nothing to name
        elif any(isinstance(v, float) for v in values):
            return ir.Primitive("float")  # float literals are not types
        else:
            # Mixed kinds (`["auto", 0]`): a union of the literal values.
            return ir.OneOf(tuple(self._const(v, f"{where}/enum/{i}") for i, v in enumerate(values)))
        key = "#" + where
        members = tuple(ir.EnumMember(v, "") for v in values)
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

    def _properties(self, schema: dict[str, Any], where: str, owner: str) -> tuple[list[tuple[str, Any, str, str]], list[str]]:
        """Every property of an object schema, allOf parts included, and the required names.

        Each property comes as (wire name, schema, pointer, name hint of the schema it is declared in):
        a property is built where it is declared, so a schema included in several places (by allOf,
        or a `$ref`'d body flattened into arguments) yields one declaration, not one per use.
        """
        found: dict[str, tuple[str, Any, str, str]] = {}
        required: list[str] = []

        def visit(node: Any, where: str, owner: str, seen: frozenset[str]) -> None:
            while isinstance(node, dict) and "$ref" in node:
                ref = node["$ref"]
                if ref in seen:
                    raise self.fail(where, f"reference cycle in allOf through {ref!r}")
                seen = seen | {ref}
                node = self.doc.resolve(ref, where)
                where, owner = ref[1:], _pin(node) or _ref_name(ref)
            if not isinstance(node, dict):
                raise self.fail(where, "allOf part must be an object schema")
            parts = node.get("allOf")
            for i, part in enumerate(parts if isinstance(parts, list) else []):
                visit(part, f"{where}/allOf/{i}", owner, seen)
            props = node.get("properties") or {}
            if not isinstance(props, dict):
                raise self.fail(where + "/properties", "properties must be an object")
            for wire, prop in props.items():
                found[str(wire)] = (str(wire), prop, where + pointer("properties", wire), owner)
            names = node.get("required")
            required.extend(str(r) for r in names if r not in required) if isinstance(names, list) else None

        visit(schema, where, owner, frozenset())
        return list(found.values()), required

    def _model(self, schema: dict[str, Any], where: str, hint: str) -> ir.Type:
        key = "#" + where
        pin = _pin(schema)
        name = pin or hint
        self._refs.setdefault(key, ir.Ref(key))
        self._stack.append("")
        try:
            props, required = self._properties(schema, where, name)
            fields = tuple(
                ir.Field(
                    wire_name=wire,
                    py_name="",
                    type=self.schema_type(prop, ptr, owner + pascal(wire)),
                    required=wire in required,
                    description=self.describe(prop, ptr),
                    deprecated=bool(isinstance(prop, dict) and prop.get("deprecated")),
                    default=prop.get("default") if isinstance(prop, dict) else None,
                    has_default=isinstance(prop, dict) and "default" in prop,
                )
                for wire, prop, ptr, owner in props
            )
        finally:
            self._stack.pop()
        self.decls[key] = ir.Model(key, hint, name, bool(pin), fields, _text(schema), bool(schema.get("deprecated")))
        return ir.Ref(key)

    # -- operations --------------------------------------------------------------

    def operation(self, path: str, method: str, op: dict[str, Any], path_params: list[Any]) -> ir.Operation:
        where = pointer("paths", path, method)
        op_id = op.get("operationId")
        if not isinstance(op_id, str) or not op_id:
            raise self.fail(where, "operation has no operationId")
        params: list[ir.Param] = []
        seen: set[tuple[str, str]] = set()
        # Operation-level parameters first: they override the path item's of the same name and location.
        own = op.get("parameters") or []
        raw_params = [(f"{where}/parameters/{i}", p) for i, p in enumerate(own)]
        raw_params += [(pointer("paths", path, "parameters", str(i)), p) for i, p in enumerate(path_params)]
        for p_where, raw in raw_params:
            if isinstance(raw, dict) and "$ref" in raw:
                raw = self.doc.resolve(raw["$ref"], p_where)
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or raw.get("in") not in _STYLES:
                raise self.fail(p_where, "parameter needs a string 'name' and 'in' (path, query, header or cookie)")
            location = raw["in"]
            if location == "header" and not _TOKEN.fullmatch(raw["name"]):
                raise self.fail(p_where + "/name", f"{raw['name']!r} is not a valid HTTP header name")
            # Header names are case-insensitive; these three are the client's own (the spec says to ignore them).
            ident = (location, raw["name"].lower() if location == "header" else raw["name"])
            if ident in seen or ident in _IGNORED_HEADERS:
                continue
            seen.add(ident)
            style, schema, s_where = self._param_style(raw, p_where)
            ptype = self.schema_type(schema, s_where, pascal(op_id) + pascal(raw["name"]))
            required = location == "path" or bool(raw.get("required"))
            text = _field_text(raw) or self.describe(schema, p_where)
            params.append(ir.Param(raw["name"], "", location, ptype, required, text, style))
        body_params, body = self._body(op, where, op_id)
        params.extend(body_params)
        declared = {p.wire_name for p in params if p.location == "path"}
        template = re.findall(r"\{([^}]*)\}", path)
        for placeholder in template:
            if placeholder not in declared:
                raise self.fail(pointer("paths", path), f"path template names {{{placeholder}}} but no path parameter declares it")
        # Path parameters are positional, in the order the path names them.
        in_path = sorted((p for p in params if p.location == "path" and p.wire_name in template), key=lambda p: template.index(p.wire_name))
        params = in_path + [p for p in params if p not in in_path]
        response, accept = self._response(op, where, op_id)
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
            body=body,
            response=response,
            accept=accept,
            summary=_field_text({"title": op.get("summary")}),
            description=_field_text({"description": op.get("description")}),
            deprecated=bool(op.get("deprecated")),
            security=self.security(op["security"], where + "/security") if "security" in op else self.default_security,
        )

    def _param_style(self, raw: dict[str, Any], where: str) -> tuple[ir.Style, Any, str]:
        """How a parameter is serialised, and the schema (with its pointer) of its value."""
        location = raw["in"]
        content = raw.get("content")
        if content is not None:
            if not isinstance(content, dict) or len(content) != 1:
                raise self.fail(where + "/content", "a parameter's content must have exactly one media type")
            media, entry = next(iter(content.items()))
            if not _json_media(media) and media != "text/plain":
                raise self.fail(where + pointer("content", media), f"parameter media type {media!r} is not supported (application/json, +json types or text/plain)")
            schema = entry.get("schema", {}) if isinstance(entry, dict) else {}
            return ir.Style(media_type=media), schema, where + pointer("content", media, "schema")
        allowed = _STYLES[location]
        style = raw.get("style", allowed[0])
        if style not in allowed:
            raise self.fail(where + "/style", f"style {style!r} is not allowed for a {location} parameter ({', '.join(allowed)})")
        explode = raw.get("explode", style == "form")
        if not isinstance(explode, bool):
            raise self.fail(where + "/explode", "explode must be true or false")
        reserved = location == "query" and raw.get("allowReserved") is True
        return ir.Style(style, explode, reserved), raw.get("schema", {}), where + "/schema"

    def form_style(self, encoding: Any, where: str) -> ir.Style | None:
        """A form field's serialisation from its `encoding` entry; None for the defaults (by content type)."""
        if not isinstance(encoding, dict):
            return None
        if any(k in encoding for k in ("style", "explode", "allowReserved")):
            style = encoding.get("style", "form")
            if style not in _STYLES["query"]:
                raise self.fail(where + "/style", f"style {style!r} is not allowed for a form field ({', '.join(_STYLES['query'])})")
            explode = encoding.get("explode", style == "form")
            if not isinstance(explode, bool):
                raise self.fail(where + "/explode", "explode must be true or false")
            return ir.Style(style, explode, encoding.get("allowReserved") is True)
        media = encoding.get("contentType")
        if isinstance(media, str) and media.strip():
            # A list of acceptable types (`image/png, image/jpeg`): the first one is sent.
            return ir.Style(media_type=media.split(",")[0].strip())
        return None

    # -- security ----------------------------------------------------------------

    @property
    def default_security(self) -> ir.Security:
        if "security" not in self.doc.data:
            return ()
        return self.security(self.doc.data["security"], "/security")

    def security(self, raw: Any, where: str) -> ir.Security:
        """Security requirements as alternatives of scheme keys.

        An alternative that needs a scheme the client cannot send is dropped; if that leaves
        none, the operation cannot be generated.
        """
        if not isinstance(raw, list):
            raise self.fail(where, "security must be a list of security requirements")
        out: list[tuple[str, ...]] = []
        refused: list[SpecError] = []
        for i, requirement in enumerate(raw):
            if not isinstance(requirement, dict):
                raise self.fail(f"{where}/{i}", "a security requirement must be an object")
            try:
                out.append(tuple(self.scheme(str(key), f"{where}/{i}" + pointer(str(key))).key for key in requirement))
            except _Unsupported as e:
                refused.append(e.error)
        if refused and not out:
            raise refused[0]
        return tuple(out)

    def scheme(self, key: str, where: str) -> ir.SecurityScheme:
        """The scheme named `key`, with its default argument names (`build()` renames them when several meet)."""
        schemes = (self.doc.data.get("components") or {}).get("securitySchemes") or {}
        if not isinstance(schemes, dict) or key not in schemes:
            raise self.fail(where, f"security requirement names {key!r}, which components.securitySchemes does not define")
        s_where = pointer("components", "securitySchemes", key)
        raw = self._deref(schemes[key], s_where)
        if not isinstance(raw, dict):
            raise self.fail(s_where, "a security scheme must be an object")
        kind = raw.get("type")
        if kind == "apiKey":
            location, name = raw.get("in"), raw.get("name")
            if location not in ("header", "query", "cookie") or not isinstance(name, str) or not name:
                raise self.fail(s_where, "an apiKey scheme needs 'in' (header, query or cookie) and a 'name'")
            if location != "query" and not _TOKEN.fullmatch(name):
                raise self.fail(s_where + "/name", f"{name!r} is not a valid HTTP {'header' if location == 'header' else 'cookie'} name")
            return ir.SecurityScheme(key, "apiKey", location, name, ("api_key",), ())
        if kind == "http":
            scheme = raw.get("scheme")
            if isinstance(scheme, str) and scheme.lower() == "bearer":
                return ir.SecurityScheme(key, "bearer", "header", "Authorization", ("bearer_token",), ())
            if isinstance(scheme, str) and scheme.lower() == "basic":
                return ir.SecurityScheme(key, "basic", "header", "Authorization", ("username", "password"), ())
            raise _Unsupported(self.fail(s_where + "/scheme", f"http scheme {scheme!r} is not supported (bearer or basic)"))
        if kind in ("oauth2", "openIdConnect"):
            # The client sends a token it is given; obtaining one is up to the caller.
            return ir.SecurityScheme(key, "bearer", "header", "Authorization", ("access_token",), ())
        raise _Unsupported(self.fail(s_where + "/type", f"security scheme type {kind!r} is not supported (apiKey, http, oauth2, openIdConnect)"))

    def _body(self, op: dict[str, Any], where: str, op_id: str) -> tuple[list[ir.Param], ir.Body | None]:
        """The body's parameters, and how it may be sent."""
        body = op.get("requestBody")
        if body is None:
            return [], None
        where += "/requestBody"
        if isinstance(body, dict) and "$ref" in body:
            ref = body["$ref"]
            body, where = self.doc.resolve(ref, where), ref[1:]
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            raise self.fail(where, "request body has no media type")
        required = body.get("required") is True
        kinds = {str(m): media_kind(str(m)) for m in content}
        media = sorted(kinds, key=lambda m: _MEDIA_ORDER.index(kinds[m]))  # stable: the spec's order within a kind
        schemas = {m: (content[m].get("schema", {}) if isinstance(content[m], dict) else {}) for m in media}
        first = media[0]
        schema_where = where + pointer("content", first, "schema")
        if kinds[first] in _STRUCTURED:
            # A form's `encoding` says how each field is written (style, explode, content type).
            form = next((m for m in media if kinds[m] in ("form", "multipart")), None)
            encoding = content[form].get("encoding") if form and isinstance(content[form], dict) else None
            styles = {
                str(wire): self.form_style(entry, where + pointer("content", form or "", "encoding", wire))
                for wire, entry in (encoding.items() if isinstance(encoding, dict) else ())
            }
            fields = self._body_fields(schemas[first], schema_where, pascal(op_id), styles)
            if fields is not None:
                # Properties become keyword arguments; media types that cannot carry fields (XML...) are not offered.
                offered = tuple(m for m in media if kinds[m] in _STRUCTURED)
                return fields + self._media_param(offered, kinds), ir.Body(offered, required, True)
        # Anything else is one argument: a JSON value for JSON media types; for the rest, the bytes to
        # send (text where the schema is a string that is not binary: a pre-encoded form, CSV, YAML...).
        types: list[ir.Type] = []
        for m in media:
            m_where = where + pointer("content", m, "schema")
            if kinds[m] in ("json", "any"):
                types.append(self.schema_type(schemas[m], m_where, pascal(op_id) + "Body"))
            else:
                text = isinstance(schemas[m], dict) and schemas[m].get("type") == "string" and not _is_file(schemas[m])
                types.append(ir.Primitive("str") if text else ir.Primitive("file", "binary"))
        kept = list(dict.fromkeys(types))
        body_type = ir.AnyType() if ir.AnyType() in kept else kept[0] if len(kept) == 1 else ir.OneOf(tuple(kept))
        param = ir.Param("body", "", "content", body_type, required, self.describe(schemas[first], schema_where))
        return [param, *self._media_param(tuple(media), kinds)], ir.Body(tuple(media), required, False)

    def _body_fields(self, schema: Any, where: str, owner: str, styles: dict[str, ir.Style | None]) -> list[ir.Param] | None:
        """An object body's properties as parameters; None when the body is not an object with properties."""
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            schema = self.doc.resolve(ref, where)
            where, owner = ref[1:], _pin(schema) or _ref_name(ref)
        if not isinstance(schema, dict) or "anyOf" in schema or "oneOf" in schema or _nullable(schema):
            return None
        if not schema.get("properties") and "allOf" not in schema:
            extra = schema.get("additionalProperties")
            # `properties: {}` (and nothing else allowed) is a body with no fields, as Stripe writes GET bodies;
            # a map or a free-form object is one argument.
            closed = extra is False or ("properties" in schema and extra is None)
            return [] if closed else None
        parts = schema.get("allOf") or []
        if not all(self._is_model(self._deref(p, where)) if "$ref" in p else _object_part(p) for p in parts if isinstance(p, dict)):
            return None  # allOf with a part that is not an object: one argument
        props, required = self._properties(schema, where, owner)
        return [
            ir.Param(wire, "", "body", self.schema_type(prop, ptr, hint + pascal(wire)), wire in required, self.describe(prop, ptr), styles.get(wire))
            for wire, prop, ptr, hint in props
        ]

    @staticmethod
    def _media_param(media: tuple[str, ...], kinds: dict[str, str]) -> list[ir.Param]:
        """`content_type`, when the caller has a choice of media types (a wildcard leaves it open)."""
        if len(media) == 1 and kinds[media[0]] != "any":
            return []
        choice: ir.Type = ir.Primitive("str") if any(kinds[m] == "any" for m in media) else ir.OneOf(tuple(ir.Const(m) for m in media))
        return [ir.Param("content_type", "", "media", choice, False, f"The media type to send the body as (default: {media[0]}).")]

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

    def _response(self, op: dict[str, Any], where: str, op_id: str) -> tuple[ir.Type | None, tuple[str, ...]]:
        """The type of the first 2xx response with a body, and the media types to accept."""
        responses = op.get("responses") or {}
        if not isinstance(responses, dict):
            raise self.fail(where + "/responses", "responses must be an object")
        for code in sorted(str(c) for c in responses):
            if not code.startswith("2"):
                continue
            code_where = where + pointer("responses", code)
            response = self._deref(responses[code], code_where)
            content = response.get("content") if isinstance(response, dict) else None
            if not isinstance(content, dict) or not content:
                continue
            for media, body in content.items():
                if media_kind(str(media)) == "json":
                    schema = body.get("schema", {}) if isinstance(body, dict) else {}
                    return self.schema_type(schema, code_where + pointer("content", media, "schema"), pascal(op_id) + "Response"), (str(media),)
            return ir.Primitive("bytes"), tuple(str(m) for m in content)  # audio, files, text: the body as it came
        return None, ()

    def webhooks(self, skipped: list[Diagnostic]) -> tuple[ir.Webhook, ...]:
        """The requests the API sends (OpenAPI 3.1 `webhooks`): their payload types, and one union of them all."""
        hooks = self.doc.data.get("webhooks")
        out: list[ir.Webhook] = []
        for name, item in (hooks if isinstance(hooks, dict) else {}).items():
            for method in HTTP_METHODS:
                op = item.get(method) if isinstance(item, dict) else None
                if not isinstance(op, dict):
                    continue
                where = pointer("webhooks", name, method)
                saved = dict(self.decls), dict(self._refs)
                try:
                    payload = self._payload(op, where, str(name))
                except SpecError as e:
                    self.decls, self._refs = saved
                    skipped.extend(Diagnostic(d.file, d.pointer, f"webhook skipped: {d.message}") for d in e.diagnostics)
                    continue
                if payload is not None:
                    summary, description = _field_text({"title": op.get("summary")}), _field_text({"description": op.get("description")})
                    out.append(ir.Webhook(str(name), "", method, payload, summary, description))
        if out:
            variants = tuple(dict.fromkeys(w.payload for w in out))
            union = variants[0] if len(variants) == 1 else ir.OneOf(variants, self._common_tag(variants))
            self.decls["#/webhooks"] = ir.Alias("#/webhooks", "WebhookEvent", "WebhookEvent", False, union, "Any webhook this API sends.")
        return tuple(out)

    def _payload(self, op: dict[str, Any], where: str, name: str) -> ir.Type | None:
        body = op.get("requestBody")
        if isinstance(body, dict) and "$ref" in body:
            body = self.doc.resolve(body["$ref"], where + "/requestBody")
        content = body.get("content") if isinstance(body, dict) else None
        for media, entry in (content if isinstance(content, dict) else {}).items():
            if media_kind(str(media)) == "json" and isinstance(entry, dict):
                return self.schema_type(entry.get("schema", {}), where + pointer("requestBody", "content", media, "schema"), pascal(name) + "Payload")
        return None

    def _common_tag(self, variants: tuple[ir.Type, ...]) -> ir.Discriminator | None:
        """A property every variant model fixes to its own constant (`type: "batch.completed"`), if there is one."""
        models = [self.decls.get(v.key) if isinstance(v, ir.Ref) else None for v in variants]
        if not all(isinstance(m, ir.Model) for m in models):
            return None
        first = models[0]
        assert isinstance(first, ir.Model)
        for candidate in first.fields:
            tags: dict[str, str] = {}
            for model in models:
                assert isinstance(model, ir.Model)
                field = next((f for f in model.fields if f.wire_name == candidate.wire_name), None)
                if field is None or not isinstance(field.type, ir.Const) or not isinstance(field.type.value, str) or field.type.value in tags:
                    break
                tags[field.type.value] = model.key
            else:
                return ir.Discriminator(candidate.wire_name, tuple(tags.items()))
        return None


# Each location's styles, its default first.
_STYLES = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
# RFC 9110's token: what a header (or cookie) name may be made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_IGNORED_HEADERS = {("header", "accept"), ("header", "content-type"), ("header", "authorization")}


class _Unsupported(Exception):
    """A security scheme the client cannot send (mutual TLS, http digest...)."""

    def __init__(self, error: SpecError) -> None:
        super().__init__(str(error))
        self.error = error


# Constructor arguments a credential may not take.
_CLIENT_ARGS = frozenset({"self", "base_url", "timeout", "max_retries", "default_headers", "http_client"})


def credentials(builder: Builder, operations: list[ir.Operation], config: Config) -> tuple[ir.SecurityScheme, ...]:
    """The schemes the operations use, in order of first use, each with its arguments and environment variables.

    One scheme (the common case): `api_key` and `$<env.api_key>` (basic: `username`/`password`).
    Several: each its kind's name (`api_key`, `bearer_token`, `access_token`, `username`/`password`),
    or, where two would share one, a name from its key (`AdminApiKeyAuth` → `admin_api_key`); the
    variables are `<PACKAGE>_<ARGUMENT>`. The config's `env:` may name them by scheme.
    """
    from .names import snake  # here: names imports this module

    keys = list(dict.fromkeys(k for op in operations for alternative in op.security for k in alternative))
    defined = (builder.doc.data.get("components") or {}).get("securitySchemes") or {}
    for key in config.scheme_env:
        if key not in defined:
            raise SpecError.at(builder.doc.path, "/components/securitySchemes", f"the config's env: names security scheme {key!r}, which the spec does not define")
    schemes = [builder.scheme(k, pointer("components", "securitySchemes", k)) for k in keys]
    if len(schemes) == 1 and schemes[0].kind != "basic":
        schemes[0] = replace(schemes[0], args=("api_key",), env=(config.api_key_env,))
    shared = [s.args for s in schemes]
    taken: set[str] = set()
    out = []
    for scheme in schemes:
        args = scheme.args
        if shared.count(args) > 1:
            base = re.sub(r"_(auth|authentication|scheme|security)$", "", snake(scheme.key)) or "credential"
            args = tuple(f"{base}_{a}" for a in args) if scheme.kind == "basic" else (base,)
        final = []
        for arg in args:
            if arg[0].isdigit():
                arg = "credential_" + arg
            while arg in _CLIENT_ARGS or keyword.iskeyword(arg):
                arg += "_"
            name, n = arg, 2
            while name in taken:
                name, n = f"{arg}_{n}", n + 1
            taken.add(name)
            final.append(name)
        env = config.scheme_env.get(scheme.key) or scheme.env or tuple(f"{config.package.upper()}_{a.upper()}" for a in final)
        if len(env) != len(final):
            want = "{username: ..., password: ...}" if scheme.kind == "basic" else "one variable name"
            raise SpecError.at(builder.doc.path, pointer("components", "securitySchemes", scheme.key), f"the config's env: for this {scheme.kind} scheme must be {want}")
        out.append(replace(scheme, args=tuple(final), env=env))
    return tuple(out)


def _api_security(builder: Builder) -> ir.Security:
    try:
        return builder.default_security
    except SpecError:
        return ()  # every operation that used it was skipped


def _json_media(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


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


def _is_file(schema: dict[str, Any]) -> bool:
    """Binary content: `format: binary` (3.0), or a 3.1 `contentMediaType` not carried as base64 text."""
    if schema.get("format") == "binary" or schema.get("contentEncoding") == "binary":
        return True
    return "contentMediaType" in schema and schema.get("contentEncoding") in (None, "binary")


def _ref_name(ref: str) -> str:
    """The name a referenced schema goes by: its key, or a whole file (`owner.yaml`) its file's."""
    parts = split_pointer(ref)
    return PurePosixPath(parts[1]).stem if len(parts) == 2 and parts[0] == BUNDLE else (parts or ["Schema"])[-1]


def _item_hint(hint: str) -> str:
    return singular(hint) if singular(hint) != hint else hint + "Item"


def _pin(schema: Any) -> str:
    name = schema.get("x-py-name") if isinstance(schema, dict) else None
    return name if isinstance(name, str) else ""


def _field_text(schema: Any) -> str:
    return _text(schema) if isinstance(schema, dict) else ""


def _nullable(schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    return schema.get("nullable") is True or (isinstance(types, list) and "null" in types)


def _object_part(schema: dict[str, Any]) -> bool:
    """An allOf part that only adds to an object (properties, required, a description...)."""
    return schema.get("type", "object") == "object" and not {"anyOf", "oneOf", "enum", "items"} & schema.keys()


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


def _server_url(servers: Any) -> str:
    """The first server's URL with its variables' defaults filled in; "" (the client then requires a
    base URL) unless that gives an absolute http(s) URL: a relative one has nothing to resolve against."""
    server = servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], dict) else {}
    variables = server.get("variables")
    variables = variables if isinstance(variables, dict) else {}
    defaults = {k: v["default"] for k, v in variables.items() if isinstance(v, dict) and isinstance(v.get("default"), str)}
    url = server.get("url")
    if not isinstance(url, str) or any(name not in defaults for name in re.findall(r"\{([^{}]*)\}", url)):
        return ""
    url = re.sub(r"\{([^{}]*)\}", lambda m: defaults[m.group(1)], url)
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


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
    webhooks = builder.webhooks(skipped) if operation_ids is None else ()
    base_url = _server_url(doc.data.get("servers"))
    info = doc.data.get("info")
    info = info if isinstance(info, dict) else {}
    api = ir.Api(
        package=config.package,
        client_class=config.client_class,
        async_client_class=config.async_client_class,
        api_key_env=config.api_key_env,
        base_url_env=config.base_url_env,
        base_url=base_url,
        title=str(info.get("title", "")),
        decls=tuple(builder.decls[k] for k in sorted(builder.decls)),  # after the webhooks: they add some
        operations=tuple(operations),
        webhooks=webhooks,
        security_schemes=credentials(builder, operations, config),
        security=_api_security(builder),
    )
    return api, skipped
