"""Model runtime: tolerant reading, exact writing. Copied verbatim into every generated package."""

from __future__ import annotations

from enum import Enum
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Mapping,
    TypeAlias,
    TypeVar,
    Union,
)

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

    An unknown field reads as an attribute (`completion.seed`) when its name starts with
    no `_` and is not a name the model has already; `extra_fields` holds them all.
    """

    # (wire name, attribute, reader, required): set by the generated module.
    _wire_: ClassVar[tuple[tuple[str, str, Reader, bool], ...]] = ()
    _attrs_: ClassVar[dict[str, str]] = {}
    # (wire name, attribute, JSON types stored as they are, reader): derived from _wire_.
    _fast_: ClassVar[tuple[tuple[str, str, tuple[type, ...], Reader], ...]] = ()
    # The same with the readers that may keep (and change) what they read: see `_adopt`.
    _own_: ClassVar[tuple[tuple[str, tuple[type, ...], Reader], ...]] = ()
    # True when every wire name is its attribute name (most models): see `_read`.
    _simple_: ClassVar[bool] = False
    _keys: tuple[str, ...] | None = None
    # Unknown fields that cannot be attributes (`_x`, `to_dict`...); the others are in __dict__.
    _extra: dict[str, Any] | None = None
    # The `x-request-id` of the response this model was read from (set by the client).
    _request_id: str | None = None

    @classmethod
    def from_dict(cls: type[M], data: Any) -> M:
        """Read decoded JSON; raises ValidationError (naming the JSON path) on a wrong type."""
        return cls._read(data)

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
            extra = {}
            for k, v in data.items():
                if k not in cls._attrs_:
                    # Stored as an attribute when that shadows nothing: plain attribute
                    # reads stay as fast as for declared fields (no __getattr__).
                    if k[:1] == "_" or hasattr(cls, k):
                        extra[k] = v
                    else:
                        values[k] = v
            if extra:
                values["_extra"] = extra
        return self

    @classmethod
    def _adopt(cls: type[M], data: Any) -> M:
        """`_read` for decoded JSON that nothing else holds (what `from_json` and the client
        decode): the dicts and lists become the model's own, converted in place, not copied.
        """
        if type(data) is not dict or not (
            cls._simple_ and data.keys() <= cls._attrs_.keys()
        ):
            return cls._read(data)
        for wire, plain, read in cls._own_:
            value = data.get(wire)
            if value is None or type(value) in plain:
                continue
            try:
                data[wire] = read(value)
            except ValidationError as e:
                raise e.within(wire) from None
            except RecursionError:
                raise ValidationError("nesting too deep", (wire,)) from None
        data["_parsed"] = True
        self = _new(cls)
        self.__dict__ = data
        return self

    @classmethod
    def from_json(cls: type[M], raw: str | bytes) -> M:
        return cls._adopt(_loads(raw))

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON data: the fields as read (unknown ones included), then any set since.

        Raises ValidationError when a value nests deeper than Python's recursion limit
        allows (about 900 levels), or contains itself.
        """
        try:
            return self._write()
        except RecursionError:
            raise ValidationError(_TOO_DEEP) from None

    def _write(self) -> dict[str, Any]:
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
                if attr is not None:
                    out[key] = dump(getattr(self, attr))
                else:  # kept aside (`_keys`, `to_dict`...), else an attribute
                    out[key] = extra[key] if key in extra else dump(values[key])
        for wire, attr, _, required in self._wire_:
            if wire not in out:
                value = getattr(self, attr)
                if value is not None or (required and keys is None):
                    out[wire] = dump(value)
        return out

    def to_json(self) -> str:
        data = self.to_dict()
        try:
            text: str = _json().dumps(data, ensure_ascii=False, separators=(",", ":"))
        except RecursionError:
            raise ValidationError(_TOO_DEEP) from None
        return text

    if TYPE_CHECKING:
        # For type checkers only: an unknown field read as an attribute is Any. At run
        # time such fields are plain attributes (see `_read`), so a misspelt name still
        # raises AttributeError and declared fields read at full speed.
        def __getattr__(self, name: str) -> Any: ...

    @property
    def extra_fields(self) -> dict[str, Any]:
        """Fields the server sent that the spec does not declare, as raw JSON values, in
        the order read (a new dict: change one by setting the attribute)."""
        keys = self._keys
        if keys is None:
            return {}
        values, extra, attrs = self.__dict__, self._extra or {}, self._attrs_
        return {
            k: extra[k] if k in extra else values[k] for k in keys if k not in attrs
        }


_new = object.__new__
_TOO_DEEP = "value nested too deeply to write as JSON (or it contains itself)"


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


def owning(read: Reader) -> Reader:
    """The variant of a reader that may keep and change the value it reads (no copies):
    for decoded JSON nothing else holds."""
    owner = getattr(read, "__self__", None)
    if isinstance(owner, type) and issubclass(owner, BaseModel):
        return owner._adopt
    own: Reader = getattr(read, "own", read)
    return own


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
    model._own_ = tuple((wire, plain, owning(read)) for wire, _, plain, read in fast)
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
    """Model, enum, list and dict values (subclasses too) back to plain JSON data.

    One stack frame per level of nesting (plain loops, no comprehensions), so that
    anything the JSON decoder reads can be written back.
    """
    if isinstance(value, BaseModel):
        return value._write()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):  # not tuples: a tuple is a file (see FileInput)
        items = []
        for v in value:
            items.append(dump(v))
        return items
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[k] = dump(v)
        return out
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
    """A list reader, made for its kind of item: the checks of JSON scalars (kept as they
    are), anything (kept), or a conversion of each item (copying, or in place)."""
    plain: tuple[type, ...] = getattr(item, "plain", ())
    own = owning(item)
    item = _direct(item)

    def read_kept(value: Any) -> Any:
        if type(value) is not list:
            raise ValidationError(f"expected array, got {_kind(value)}")
        if plain:
            for v in value:
                if type(v) not in plain:
                    i = next(i for i, v in enumerate(value) if type(v) not in plain)
                    raise ValidationError(
                        f"expected {_kind(plain[0]())}, got {_kind(value[i])}", (i,)
                    )
        return value

    if plain or item is read_any:
        return read_kept

    def read(value: Any) -> Any:
        if type(value) is not list:
            raise ValidationError(f"expected array, got {_kind(value)}")
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

    def read_own(value: Any) -> Any:
        if type(value) is not list:
            raise ValidationError(f"expected array, got {_kind(value)}")
        for i, v in enumerate(value):
            try:
                value[i] = own(v)
            except ValidationError as e:
                raise e.within(i) from None
        return value

    read.own = read_own  # type: ignore[attr-defined]
    return read


def read_map(item: Reader) -> Reader:
    own = owning(item)
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

    def read_own(value: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(f"expected object, got {_kind(value)}")
        # Values are replaced in place; the keys (and so the iteration) stay as they are.
        for k, v in value.items():
            try:
                value[k] = own(v)
            except ValidationError as e:
                raise e.within(k) from None
        return value

    read.own = read_own  # type: ignore[attr-defined]
    return read


def read_nullable(item: Reader) -> Reader:
    own = owning(item)
    item = _direct(item)

    def read(value: Any) -> Any:
        return None if value is None else item(value)

    def read_own(value: Any) -> Any:
        return None if value is None else own(value)

    read.inner = item  # type: ignore[attr-defined]
    read.own = read_own  # type: ignore[attr-defined]
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

    def read_own(value: Any) -> Any:
        if type(value) is not dict:
            return read(value)
        tag = value.get(prop)
        model = (mapping.get(tag) if isinstance(tag, str) else None) or _best_model(
            models, value
        )
        return model._adopt(value)

    read.own = read_own  # type: ignore[attr-defined]
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

    def read_own(value: Any) -> Any:
        if type(value) is dict and models:
            return _best_model(models, value)._adopt(value)
        # A scalar, or a list: read by copying, as another variant may reject it.
        return read(value)

    read.own = read_own  # type: ignore[attr-defined]
    return read
