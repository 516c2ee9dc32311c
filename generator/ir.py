"""The typed intermediate representation: plain frozen data, no Python source text.

Types form a closed union. Named declarations (models, enums, aliases) are referred to
by `key`, a stable identifier derived from where the schema sits in the spec; the
naming pass gives each one a `py_name`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

JSONValue = Union[None, bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"]]


@dataclass(frozen=True)
class Constraints:
    """Limits checked on request values before they are sent."""

    max_length: int | None = None
    min_length: int | None = None
    max_items: int | None = None
    min_items: int | None = None
    max_properties: int | None = None
    min_properties: int | None = None
    key_max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None


NO_CONSTRAINTS = Constraints()


@dataclass(frozen=True)
class Primitive:
    kind: str  # "str" | "int" | "float" | "bool" | "file" (bytes to upload) | "bytes" (a raw response body)
    format: str | None = None
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(frozen=True)
class AnyType:
    pass


@dataclass(frozen=True)
class Const:
    """A single permitted value: `const` or a one-value `enum`."""

    value: str | int | bool


@dataclass(frozen=True)
class Ref:
    """A named declaration (model, enum or alias), by key."""

    key: str


@dataclass(frozen=True)
class ListOf:
    item: Type
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(frozen=True)
class MapOf:
    value: Type
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(frozen=True)
class Nullable:
    inner: Type


@dataclass(frozen=True)
class Discriminator:
    property: str  # wire name of the tag property
    mapping: tuple[tuple[str, str], ...]  # (tag value, declaration key)


@dataclass(frozen=True)
class OneOf:
    variants: tuple[Type, ...]
    discriminator: Discriminator | None = None


Type = Union[Primitive, AnyType, Const, Ref, ListOf, MapOf, Nullable, OneOf]


@dataclass(frozen=True)
class Field:
    wire_name: str
    py_name: str
    type: Type
    required: bool
    description: str = ""
    deprecated: bool = False
    default: JSONValue = None
    has_default: bool = False


@dataclass(frozen=True)
class Model:
    key: str
    wire_name: str
    py_name: str
    pinned: bool
    fields: tuple[Field, ...]
    description: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class EnumMember:
    value: str | int
    py_name: str


@dataclass(frozen=True)
class Enum:
    key: str
    wire_name: str
    py_name: str
    pinned: bool
    base: str  # "str" | "int"
    members: tuple[EnumMember, ...]
    description: str = ""


@dataclass(frozen=True)
class Alias:
    """A named non-object schema (a union, a map, a list...)."""

    key: str
    wire_name: str
    py_name: str
    pinned: bool
    type: Type
    description: str = ""


Decl = Union[Model, Enum, Alias]


@dataclass(frozen=True)
class Param:
    wire_name: str
    py_name: str
    location: str  # "path" | "query" | "header" | "body" (JSON) | "form" (multipart or urlencoded) | "content" (raw bytes)
    type: Type
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    resource: tuple[str, ...]  # e.g. ("chat", "completions"); () until names.py when nothing pins it
    method_name: str  # e.g. "update"; "" until names.py when nothing pins it
    http_method: str
    path: str
    params: tuple[Param, ...]
    response: Type | None
    summary: str = ""
    description: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class Api:
    package: str
    client_class: str
    async_client_class: str
    api_key_env: str
    base_url_env: str
    base_url: str
    title: str
    decls: tuple[Decl, ...]
    operations: tuple[Operation, ...]
