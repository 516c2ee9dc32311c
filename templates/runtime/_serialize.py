"""Parameters and form fields on the wire: OpenAPI's `style`/`explode` table, percent-encoded per RFC 3986.

Copied verbatim into every generated package. Values arrive as plain JSON data (models and
enums already dumped). In a URL everything but RFC 3986's unreserved characters is
percent-encoded, except the delimiters a style adds (`,` `;` `=` `.` `&`); `allowReserved`
also leaves the reserved characters a query may hold, and `%XX` triples, as they are. Header
values and multipart parts are not percent-encoded.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Mapping, NamedTuple
from urllib.parse import quote

from ._exceptions import RequestValidationError
from ._models import dump

Pairs = list[tuple[str, str]]
Escape = Callable[[str], str]

FORM_URLENCODED = "application/x-www-form-urlencoded"
# Reserved characters that `allowReserved` leaves in a query; `#[]` are not allowed there and
# `&+` would change a form-urlencoded query's meaning, so they are still encoded.
_RESERVED_KEPT = ":/?@!$'()*,;="
_TRIPLE = re.compile(r"(%[0-9A-Fa-f]{2})")


class FieldEncoding(NamedTuple):
    """How one form field is written (an OpenAPI Encoding object).

    With a `style`, like a query parameter of that style. Without one, by `content_type`:
    objects (and anything, for a JSON type) as JSON, other values as text, lists repeated.
    """

    style: str = ""
    explode: bool = True
    allow_reserved: bool = False
    content_type: str = ""


def escape(text: str) -> str:
    """Percent-encode all but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`)."""
    return quote(text, safe="")


def escape_reserved(text: str) -> str:
    """`escape`, leaving reserved characters allowed in a query and `%XX` triples as they are."""
    parts = _TRIPLE.split(text)
    return "".join(
        p if i % 2 else quote(p, safe=_RESERVED_KEPT) for i, p in enumerate(parts)
    )


def _raw(text: str) -> str:
    return text


def text(value: Any) -> str:
    """One scalar as text: booleans as `true`/`false`, nested objects and lists as JSON."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _json_media(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def media_text(value: Any, media: str) -> str:
    """A `content`-serialised value: JSON text for JSON media types (ASCII, so it fits a header), else text."""
    if _json_media(media):
        return json.dumps(dump(value), separators=(",", ":"))
    return text(dump(value))


def _items(value: Any) -> list[tuple[str, str]] | None:
    """An object's (key, text) members, or None for a list or a scalar; null members are left out."""
    if isinstance(value, dict):
        return [(str(k), text(v)) for k, v in value.items() if v is not None]
    return None


# RFC 6570's operators for the path and header styles: (prefix, separator when exploded, named).
_EXPANSIONS = {
    "simple": ("", ",", False),
    "label": (".", ".", False),
    "matrix": (";", ";", True),
}


def expand(name: str, value: Any, style: str, explode: bool, esc: Escape) -> str:
    """`simple`, `label` or `matrix` (path and header parameters); "" when there is no value."""
    prefix, sep, named = _EXPANSIONS[style]
    n = esc(name)

    def pair(key: str, v: str) -> str:  # `key=v`; `key` alone for an empty matrix value
        return f"{key}={v}" if v or not named else key

    members = _items(value)
    if isinstance(value, list):
        values = [esc(text(v)) for v in value if v is not None]
        if not values:
            return ""
        if explode:
            return prefix + sep.join(pair(n, v) if named else v for v in values)
        return prefix + (f"{n}=" if named else "") + ",".join(values)
    if members is not None:
        if not members:
            return ""
        if explode:
            return prefix + sep.join(pair(esc(k), esc(v)) for k, v in members)
        return (
            prefix
            + (f"{n}=" if named else "")
            + ",".join(f"{esc(k)},{esc(v)}" for k, v in members)
        )
    if value is None:
        return ""
    one = esc(text(value))
    return prefix + (pair(n, one) if named else one)


def pairs(name: str, value: Any, style: str, explode: bool, esc: Escape) -> Pairs:
    """`form`, `spaceDelimited`, `pipeDelimited` or `deepObject` as name=value pairs (query, cookie, form body).

    spaceDelimited and pipeDelimited with `explode` are sent like `form`. deepObject nests with
    brackets (`a[b][c]=v`), lists by index (`a[b][0]=v`).
    """
    if value is None:
        return []
    if style == "deepObject" and isinstance(value, (dict, list)):
        return _deep(name, value, esc)
    n = esc(name)
    if isinstance(value, list):
        values = [esc(text(v)) for v in value if v is not None]
        if not values:
            return []
        if explode:
            return [(n, v) for v in values]
        return [(n, _delimiter(style, esc).join(values))]
    members = _items(value)
    if members is not None:
        if not members:
            return []
        if explode:
            return [(esc(k), esc(v)) for k, v in members]
        delimiter = _delimiter(style, esc)
        return [(n, delimiter.join(f"{esc(k)}{delimiter}{esc(v)}" for k, v in members))]
    return [(n, esc(text(value)))]


def _delimiter(style: str, esc: Escape) -> str:
    return {"spaceDelimited": esc(" "), "pipeDelimited": esc("|")}.get(style, ",")


def _deep(name: str, value: Any, esc: Escape) -> Pairs:
    out: Pairs = []
    members = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in members:
        inner = f"{name}[{key}]"
        if isinstance(item, (dict, list)):
            out += _deep(inner, item, esc)
        elif item is not None:
            out.append((esc(inner), esc(text(item))))
    return out


def path_param(
    value: Any,
    style: str = "simple",
    explode: bool = False,
    name: str = "",
    media: str = "",
) -> str:
    """One path parameter, percent-encoded (`/` included); "", "." and ".." are refused."""
    data = media_text(value, media) if media else dump(value)
    segment = expand(name, data, style, explode, escape)
    if segment in ("", ".", ".."):
        raise RequestValidationError(f"must not be {segment!r}", "path parameter")
    return segment


def query_pairs(
    name: str, value: Any, style: str, explode: bool, allow_reserved: bool, media: str
) -> Pairs:
    data = media_text(value, media) if media else dump(value)
    return pairs(
        name, data, style, explode, escape_reserved if allow_reserved else escape
    )


def header_value(value: Any, explode: bool, media: str) -> str:
    return expand(
        "", media_text(value, media) if media else dump(value), "simple", explode, _raw
    )


def cookie_pairs(name: str, value: Any, explode: bool, media: str) -> Pairs:
    data = media_text(value, media) if media else dump(value)
    return pairs(name, data, "form", explode, escape)


def query_string(
    params: Pairs | None, extra: Mapping[str, Any] | None, credentials: Pairs
) -> str:
    """`?name=value&...`, or "": the parameters and credentials, then `extra_query` replacing any of the same name."""
    found = (params or []) + credentials
    if extra:
        names = {escape(str(k)) for k in extra}
        found = [p for p in found if p[0] not in names]
        for k, v in extra.items():
            found += pairs(str(k), dump(v), "form", True, escape)
    return "?" + "&".join(f"{k}={v}" for k, v in found) if found else ""


def cookie_header(cookies: Pairs) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies)


# Form bodies.


def form_pairs(
    fields: Mapping[str, Any], encoding: Mapping[str, FieldEncoding] | None
) -> Pairs:
    """Every field as percent-encoded name=value pairs (omitted ones are already dropped; None is sent empty)."""
    out: Pairs = []
    for name, value in fields.items():
        enc = encoding.get(name) if encoding else None
        data = dump(value)
        if enc is not None and enc.style:
            esc = escape_reserved if enc.allow_reserved else escape
            found = pairs(name, data, enc.style, enc.explode, esc)
            out += found if found or data is not None else [(escape(name), "")]
            continue
        media = enc.content_type if enc is not None else ""
        for item in _by_content(data, media):
            out.append((escape(name), escape(_field_text(item, media))))
    return out


def _by_content(value: Any, media: str) -> list[Any]:
    """A list is sent as one field per item, unless the field's type is JSON."""
    return value if isinstance(value, list) and not _json_media(media) else [value]


def _field_text(value: Any, media: str) -> str:
    if _json_media(media) or isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text(value)


def encode_form(
    fields: Mapping[str, Any], encoding: Mapping[str, FieldEncoding] | None
) -> bytes:
    """An application/x-www-form-urlencoded body."""
    return "&".join(f"{k}={v}" for k, v in form_pairs(fields, encoding)).encode()


def multipart_parts(
    fields: Mapping[str, Any], encoding: Mapping[str, FieldEncoding] | None
) -> list[tuple[str, Any]]:
    """multipart/form-data parts as httpx's `files=` takes them, in field order.

    Files go as they are; a field with a style gives one text part per pair; an object (or any
    value of a JSON `contentType`) is a JSON part with its media type; other values are text parts.
    """
    out: list[tuple[str, Any]] = []
    for name, value in fields.items():
        items = value if isinstance(value, list) else [value]
        if items and all(is_file(v) for v in items):
            out += [(name, v) for v in items]
            continue
        enc = encoding.get(name) if encoding else None
        data = dump(value)
        if enc is not None and enc.style:
            found = pairs(name, data, enc.style, enc.explode, _raw)
            out += [(k, (None, v.encode(), None)) for k, v in found]
            continue
        media = enc.content_type if enc is not None else ""
        for item in _by_content(data, media):
            if media.startswith("text/plain") or not (
                media or isinstance(item, (dict, list))
            ):
                out.append((name, (None, text(item).encode(), None)))
            else:
                body = _field_text(item, media).encode()
                out.append((name, (None, body, media or "application/json")))
    return out


def is_file(value: Any) -> bool:
    """A file to upload: bytes, a binary file, or a (filename, content[, media type]) tuple."""
    return isinstance(value, (bytes, bytearray, tuple)) or hasattr(value, "read")
