"""Request bodies: what a call was given, written as the media type it sends.

A body is either fields (an object body flattened into keyword arguments) or one value
(an array, a union, raw bytes...). JSON media types get JSON, forms get form fields,
multipart gets parts (files among them), any other media type gets the bytes as given.
"""

from __future__ import annotations

import json
from typing import IO, Any, Mapping, Union

from ._models import dump
from ._serialize import FieldEncoding, encode_form, multipart_parts

# What a raw body argument accepts: bytes, text, or a binary file.
RawContent = Union[bytes, str, IO[bytes]]


def media_kind(media: str) -> str:
    """json, form, multipart, any (a wildcard: JSON or bytes, by the value) or raw."""
    base = media.split(";")[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    return "any" if "*" in base else "raw"


def encode_body(
    media: str | None,
    fields: Mapping[str, Any] | None,
    value: Any,
    given: bool,
    extra: Mapping[str, Any] | None,
    encoding: Mapping[str, FieldEncoding] | None = None,
) -> dict[str, Any]:
    """Keyword arguments of `httpx.Client.build_request` for the body, headers included.

    `fields` are the given keyword arguments of a flattened body (None: no body); `value`
    is the whole body when `given`. `extra` (the caller's `extra_body`) is merged into
    fields or into an object value. `encoding` says how form fields are written.
    """
    media = media or "application/json"
    kind = media_kind(media)
    if given:
        if extra and isinstance(value, Mapping):
            value = {**value, **extra}
        if kind == "any":
            if _is_raw(value):
                kind = "raw"
                media = (
                    "text/plain; charset=utf-8"
                    if isinstance(value, str)
                    else "application/octet-stream"
                )
            else:
                kind, media = "json", "application/json"
        if kind == "json":
            return _json(media, dump(value))
        if kind == "raw" or not isinstance(value, Mapping):
            # Bytes as given: also a form or multipart body the caller encoded.
            return {"content": _raw(value, media), "headers": {"Content-Type": media}}
        fields = value
    elif extra:
        fields = {**(fields or {}), **extra}
    if fields is None:
        return {}
    if kind == "form":
        return {
            "content": encode_form(fields, encoding),
            "headers": {"Content-Type": media},
        }
    if kind == "multipart":
        return {"files": multipart_parts(fields, encoding)}
    if kind == "json":
        return _json(media, dump(dict(fields)))
    raise TypeError(f"a body of media type {media} is sent as one value, not as fields")


def _json(media: str, data: Any) -> dict[str, Any]:
    # The same bytes httpx's `json=` writes, under the operation's own media type.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return {"content": text.encode("utf-8"), "headers": {"Content-Type": media}}


def _is_raw(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, str)) or hasattr(value, "read")


def _raw(value: Any, media: str) -> bytes:
    if isinstance(value, tuple) and len(value) in (2, 3):
        value = value[1]  # (filename, content[, media type]): only the content travels
    if hasattr(value, "read"):
        value = value.read()
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(
        f"a body of media type {media} must be bytes, str or a binary file, got {type(value).__name__}"
    )
