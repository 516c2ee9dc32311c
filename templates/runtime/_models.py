"""Model runtime: tolerant reading, exact writing. Copied verbatim into every generated package."""

from __future__ import annotations

import gc
from enum import Enum
from typing import IO, Any, Callable, ClassVar, Mapping, TypeAlias, TypeVar, Union

Reader = Callable[[Any], Any]
# What an upload argument accepts: the bytes, a binary file, or (filename, content[, media type]).
FileInput: TypeAlias = Union[
    bytes,
    IO[bytes],
    tuple[str, Union[bytes, IO[bytes]]],
    tuple[str, Union[bytes, IO[bytes]], str],
]
M = TypeVar("M", bound="BaseModel")
T = TypeVar("T")
E = TypeVar("E", bound=Enum)

MAX_DEPTH = 512


class ValidationError(ValueError):
    """A response value does not have the type the spec gives it; `path` says where."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def within(self, key: str | int) -> "ValidationError":
        return ValidationError(self.message, (key, *self.path))

    @property
    def json_path(self) -> str:
        out = "$"
        for key in self.path:
            out += (
                f"[{key}]"
                if isinstance(key, int)
                else ("." + key if key.isidentifier() else f"[{key!r}]")
            )
        return out

    def __str__(self) -> str:
        return f"{self.json_path}: {self.message}"


def _json() -> Any:
    # Imported on first use: `import` of the package stays as light as possible.
    import json

    return json


def _loads(raw: str | bytes) -> Any:
    try:
        return _json().loads(raw)
    except (ValueError, RecursionError) as e:
        raise ValidationError(f"not valid JSON: {e}") from None


def _kind(value: Any) -> str:
    return {
        type(None): "null",
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
    }.get(type(value), type(value).__name__)


class BaseModel:
    """Base of every generated model.

    Reading is tolerant: unknown fields are kept, a missing or null field reads as None,
    an enum value the spec does not list is kept. Writing is exact: `to_dict()` returns
    the fields that were read (in their order, unknown ones included) plus any set since.
    Only a value of the wrong JSON type is an error.
    """

    # (wire name, attribute, reader, required): set by the generated module.
    _wire_: ClassVar[tuple[tuple[str, str, Reader, bool], ...]] = ()
    _attrs_: ClassVar[dict[str, str]] = {}
    # (wire name, attribute, JSON types stored as they are, reader): derived from _wire_.
    _fast_: ClassVar[tuple[tuple[str, str, tuple[type, ...], Reader], ...]] = ()
    # True when every wire name is its attribute name (most models): see `_read`.
    _simple_: ClassVar[bool] = False
    _keys: tuple[str, ...] | None = None
    _extra: dict[str, Any] | None = None
    # The `x-request-id` of the response this model was read from (set by the client).
    _request_id: str | None = None

    @classmethod
    def from_dict(cls: type[M], data: Any) -> M:
        """Read decoded JSON; raises ValidationError (naming the JSON path) on a wrong type."""
        if not gc.isenabled():
            return cls._read(data)
        # A parse makes many objects and no cycles: collecting while it runs is wasted time.
        gc.disable()
        try:
            return cls._read(data)
        finally:
            gc.enable()

    @classmethod
    def _read(cls: type[M], data: Any) -> M:
        if type(data) is not dict:
            raise ValidationError(f"expected object, got {_kind(data)}")
        if cls._simple_ and data.keys() <= cls._attrs_.keys():
            # Fast path (wire names are attribute names, nothing unknown): copy the dict
            # in C and convert only what is not already the right JSON scalar. Absent
            # fields are left out and read as the class-level None.
            values = data.copy()
            for wire, _, plain, read in cls._fast_:
                value = values.get(wire)
                if value is None or type(value) in plain:
                    continue
                try:
                    values[wire] = read(value)
                except ValidationError as e:
                    raise e.within(wire) from None
                except RecursionError:
                    raise ValidationError("nesting too deep", (wire,)) from None
            values["_parsed"] = True
            self = _new(cls)
            self.__dict__ = values
            return self
        self = _new(cls)
        values = self.__dict__
        get = data.get
        for wire, attr, plain, read in cls._fast_:
            value = get(wire)
            # Hot path: null/absent, or a JSON scalar of the right type, is stored as is.
            if value is None or type(value) in plain:
                values[attr] = value
                continue
            try:
                values[attr] = read(value)
            except ValidationError as e:
                raise e.within(wire) from None
            except RecursionError:
                raise ValidationError("nesting too deep", (wire,)) from None
        values["_keys"] = tuple(data)
        if not data.keys() <= cls._attrs_.keys():
            values["_extra"] = {k: v for k, v in data.items() if k not in cls._attrs_}
        return self

    @classmethod
    def from_json(cls: type[M], raw: str | bytes) -> M:
        if not gc.isenabled():
            return cls._read(_loads(raw))
        gc.disable()
        try:
            return cls._read(_loads(raw))
        finally:
            gc.enable()

    def to_dict(self) -> dict[str, Any]:
        values = self.__dict__
        if (
            "_parsed" in values
        ):  # read by the fast path: the fields as read, then any set since
            return {k: dump(v) for k, v in values.items() if k[0] != "_"}
        out: dict[str, Any] = {}
        attrs = self._attrs_
        extra = self._extra or {}
        keys = self._keys
        if keys is not None:
            for key in keys:
                attr = attrs.get(key)
                out[key] = dump(getattr(self, attr)) if attr is not None else extra[key]
        for wire, attr, _, required in self._wire_:
            if wire not in out:
                value = getattr(self, attr)
                if value is not None or (required and keys is None):
                    out[wire] = dump(value)
        return out

    def to_json(self) -> str:
        text: str = _json().dumps(
            self.to_dict(), ensure_ascii=False, separators=(",", ":")
        )
        return text

    @property
    def extra_fields(self) -> dict[str, Any]:
        """Fields the server sent that the spec does not declare, as raw JSON values."""
        if self._extra is None:
            self._extra = {}
        return self._extra


_new = object.__new__


def _direct(read: Reader) -> Reader:
    """The reader to call from inside a parse: a model's `_read`, skipping `from_dict`'s set-up."""
    owner = getattr(read, "__self__", None)
    if (
        isinstance(owner, type)
        and issubclass(owner, BaseModel)
        and read.__name__ == "from_dict"
    ):
        return owner._read
    return read


def bind(model: type[BaseModel], *fields: tuple[str, str, Reader, bool]) -> None:
    """Attach the wire format to a generated model class."""
    model._wire_ = fields
    model._attrs_ = {wire: attr for wire, attr, _, _ in fields}
    fast = []
    for wire, attr, read, _ in fields:
        # A field's null is handled before its reader is called: skip nullable wrappers.
        read = getattr(read, "inner", read)
        fast.append((wire, attr, getattr(read, "plain", ()), _direct(read)))
    model._fast_ = tuple(fast)
    model._simple_ = all(wire == attr for wire, attr, _, _ in fields)
    for _, attr, _, _ in fields:
        if not hasattr(model, attr):
            # A required field the server left out reads as None, like an optional one.
            setattr(model, attr, None)


class OpenEnum(str, Enum):
    """A string enum that keeps values the spec does not list (as members made on the fly)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


class OpenIntEnum(int, Enum):
    """An integer enum that keeps values the spec does not list."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if type(value) is not int:
            return None
        member = int.__new__(cls, value)
        member._name_ = str(value)
        member._value_ = value
        return member


def dump(value: Any) -> Any:
    """Model, enum, list and dict values back to plain JSON data."""
    if isinstance(value, BaseModel):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if type(value) is list:
        return [dump(v) for v in value]
    if type(value) is dict:
        return {k: dump(v) for k, v in value.items()}
    return value


def _typed(name: str, *types: type) -> Reader:
    def read(value: Any) -> Any:
        if type(value) in types:
            return value
        raise ValidationError(f"expected {name}, got {_kind(value)}")

    read.plain = types  # type: ignore[attr-defined]
    return read


read_str: Callable[[Any], str] = _typed("string", str)
read_int: Callable[[Any], int] = _typed("integer", int)
read_float: Callable[[Any], float] = _typed("number", float, int)
read_bool: Callable[[Any], bool] = _typed("boolean", bool)


def read_any(value: Any) -> Any:
    return value


def read_webhook(
    read: Callable[[Any], T], payload: str | bytes | Mapping[str, Any]
) -> T:
    """A webhook request's body (JSON text, or already decoded) read as its payload type."""
    data = _loads(payload) if isinstance(payload, (str, bytes)) else payload
    if isinstance(data, Mapping) and type(data) is not dict:
        data = dict(data)
    return _direct(read)(data)  # type: ignore[no-any-return]


def read_bytes(value: Any) -> bytes:
    """Marks an operation whose response body is returned as bytes, undecoded."""
    if type(value) is not bytes:
        raise ValidationError(f"expected bytes, got {_kind(value)}")
    return value


def read_list(item: Reader) -> Reader:
    plain: tuple[type, ...] = getattr(item, "plain", ())
    item = _direct(item)

    def read(value: Any) -> Any:
        if type(value) is not list:
            raise ValidationError(f"expected array, got {_kind(value)}")
        if item is read_any:
            return value
        if plain:
            for v in value:
                if type(v) not in plain:
                    i = next(i for i, v in enumerate(value) if type(v) not in plain)
                    raise ValidationError(
                        f"expected {_kind(plain[0]())}, got {_kind(value[i])}", (i,)
                    )
            return value
        try:
            return [item(v) for v in value]
        except ValidationError:
            pass
        for i, v in enumerate(value):  # find the failing item again, to name it
            try:
                item(v)
            except ValidationError as e:
                raise e.within(i) from None
        raise AssertionError("unreachable")

    return read


def read_map(item: Reader) -> Reader:
    item = _direct(item)

    def read(value: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(f"expected object, got {_kind(value)}")
        out = {}
        for k, v in value.items():
            try:
                out[k] = item(v)
            except ValidationError as e:
                raise e.within(k) from None
        return out

    return read


def read_nullable(item: Reader) -> Reader:
    item = _direct(item)

    def read(value: Any) -> Any:
        return None if value is None else item(value)

    read.inner = item  # type: ignore[attr-defined]
    return read


def read_enum(enum: type[E]) -> Reader:
    base: type = str if issubclass(enum, str) else int
    members = enum._value2member_map_

    def read(value: Any) -> Any:
        if type(value) is not base:
            raise ValidationError(
                f"expected {'string' if base is str else 'integer'}, got {_kind(value)}"
            )
        member = members.get(value)
        return member if member is not None else enum(value)

    return read


def _best_model(
    models: tuple[type[BaseModel], ...], data: Mapping[str, Any]
) -> type[BaseModel]:
    """The first model whose required fields are all present, else the first one."""
    for model in models:
        if all(wire in data for wire, _, _, required in model._wire_ if required):
            return model
    return models[0]


def read_tagged(prop: str, mapping: dict[str, type[BaseModel]]) -> Reader:
    """A discriminated union; an unknown tag falls back to the best structural match."""
    models = tuple(dict.fromkeys(mapping.values()))

    def read(value: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(f"expected object, got {_kind(value)}")
        tag = value.get(prop)
        model = (mapping.get(tag) if isinstance(tag, str) else None) or _best_model(
            models, value
        )
        return model._read(value)

    return read


def read_union(
    models: tuple[type[BaseModel], ...], others: tuple[Reader, ...]
) -> Reader:
    """An undiscriminated union: objects go to the best-matching model, other values to the first reader that accepts them."""

    def read(value: Any) -> Any:
        if type(value) is dict and models:
            return _best_model(models, value)._read(value)
        for other in others:
            try:
                return other(value)
            except ValidationError:
                continue
        raise ValidationError(f"no variant accepts {_kind(value)}")

    return read
