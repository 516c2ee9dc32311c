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
class Style:
    """How a parameter or a form field is written on the wire.

    Either by OpenAPI `style` (`simple`, `label`, `matrix`, `form`, `spaceDelimited`,
    `pipeDelimited`, `deepObject`) with `explode` and `allowReserved`, or, when `style` is
    "", as text of `media_type` (a parameter's `content`, a form field's `contentType`).
    """

    style: str = ""
    explode: bool = False
    allow_reserved: bool = False
    media_type: str = ""


@dataclass(frozen=True)
class Param:
    wire_name: str
    py_name: str
    # "path" | "query" | "header" | "cookie" | "body" (one property of an object body) | "content" (the
    # whole body) | "media" (the media type to send the body as)
    location: str
    type: Type
    required: bool
    description: str = ""
    # Path, query, header and cookie parameters always have one; a form field has one when
    # its `encoding` says more than the defaults.
    style: Style | None = None


# Security requirements: alternatives, each naming the schemes sent together (by their key in
# `components.securitySchemes`). `()` needs no credentials; an empty alternative makes them optional.
Security = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SecurityScheme:
    key: str  # its name under `components.securitySchemes`
    kind: str  # "apiKey" | "bearer" (http bearer, OAuth 2, OpenID Connect) | "basic"
    location: str  # "header" | "query" | "cookie"
    name: str  # the header, query parameter or cookie that carries the credential
    args: tuple[str, ...]  # the client's constructor arguments: ("api_key",), ("username", "password")
    env: tuple[str, ...]  # the environment variable read for each argument not given


@dataclass(frozen=True)
class Body:
    """A request body: the media types the caller may send it as (the first is the default).

    An object body is flattened: its properties are the operation's "body" parameters. Any
    other body (an array, a union, a map, raw bytes) is one "content" parameter.
    """

    media_types: tuple[str, ...]
    required: bool
    flattened: bool


@dataclass(frozen=True)
class Operation:
    operation_id: str
    resource: tuple[str, ...]  # e.g. ("chat", "completions"); () until names.py when nothing pins it
    method_name: str  # e.g. "update"; "" until names.py when nothing pins it
    http_method: str
    path: str
    params: tuple[Param, ...]
    body: Body | None
    response: Type | None
    accept: tuple[str, ...]  # the media types of the 2xx responses
    summary: str = ""
    description: str = ""
    deprecated: bool = False
    security: Security = ()


@dataclass(frozen=True)
class Webhook:
    """A request the API sends to the user's server: its payload is read like a response."""

    name: str  # the key under `webhooks`
    py_name: str
    http_method: str
    payload: Type
    summary: str = ""
    description: str = ""


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
    webhooks: tuple[Webhook, ...] = ()
    version: str = ""  # the package's version (PEP 440): the config's, else the spec's info.version
    security_schemes: tuple[SecurityScheme, ...] = ()
    security: Security = ()  # the API's default requirement (top-level `security`)
