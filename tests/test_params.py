"""Parameters and form fields on the wire: every row of OpenAPI's style examples, percent-encoding per
location, typed path parameters, cookies, `content` parameters and form `encoding`.

The package is the `params` golden case (tests/golden/params/), generated and type-checked like every
golden case (test_golden.py, test_mypy.py); requests are read off httpx.MockTransport, and off a real
socket (tests/loopback.py) for the end-to-end ones.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openai_chat._serialize import escape, pairs

from .loopback import Recorder, recorder  # noqa: F401  (a fixture)
from .specs import spec, write_spec

STRING, ARRAY, OBJECT = "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}

# OpenAPI 3.1.1's "Style Examples" (4.8.12.6): per method, the string, array and object columns
# (None where the table says n/a). 3.1.0's table printed label/explode=false with dots; 3.1.1 and
# RFC 6570 use commas. Exploded cookies are separated by "; " (Appendix D).
TABLE = [
    ("path.simple", "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("path.simple_explode", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("path.label", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("path.label_explode", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("path.matrix", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
    ("path.matrix_explode", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ("query.form", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("query.form_explode", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
    ("query.space_delimited", None, "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"),
    ("query.pipe_delimited", None, "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"),
    ("query.deep_object", None, None, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
    ("header.simple", "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("header.simple_explode", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("cookie.form", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("cookie.form_explode", "color=blue", "color=blue; color=black; color=brown", "R=100; G=200; B=150"),
]


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch, golden_packages: Any) -> ModuleType:
    return import_package(monkeypatch, golden_packages("params"))


def import_package(monkeypatch: pytest.MonkeyPatch, package: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(package.parent))
    for name in [m for m in sys.modules if m == package.name or m.startswith(package.name + ".")]:
        monkeypatch.delitem(sys.modules, name)
    return importlib.import_module(package.name)


def mock_client(wire: ModuleType, seen: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "i1"})

    return wire.WireClient(base_url="https://wire.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def sent(request: httpx.Request, location: str) -> str | None:
    """What the parameter became, where it went."""
    if location == "path":
        return request.url.raw_path.decode().rsplit("/", 1)[1]
    if location == "query":
        return request.url.query.decode()
    return request.headers.get("color" if location == "header" else "cookie")


def method(client: Any, dotted: str) -> Any:
    resource, name = dotted.split(".")
    return getattr(getattr(client, resource), name)


@pytest.mark.parametrize("row", TABLE, ids=[r[0] for r in TABLE])
def test_style_examples_table(wire: ModuleType, row: tuple[str, str | None, str | None, str | None]) -> None:
    dotted, *expected = row
    location = dotted.split(".")[0]
    seen: list[httpx.Request] = []
    call = method(mock_client(wire, seen), dotted)
    checked = 0
    for value, want in zip((STRING, ARRAY, OBJECT), expected):
        if want is None:
            continue
        call(value) if location == "path" else call(color=value)
        assert sent(seen[-1], location) == want, (dotted, value)
        checked += 1
    assert checked == len(seen) >= 1


@pytest.mark.parametrize(
    "dotted, want",
    [("path.matrix", ";color"), ("path.matrix_explode", ";color"), ("query.form", "color="), ("query.form_explode", "color="),
     ("cookie.form", "color="), ("header.simple", "")],
)
def test_the_empty_column(wire: ModuleType, dotted: str, want: str) -> None:
    seen: list[httpx.Request] = []
    call = method(mock_client(wire, seen), dotted)
    call("") if dotted.startswith("path") else call(color="")
    assert sent(seen[0], dotted.split(".")[0]) == want


@pytest.mark.parametrize("dotted", ["path.simple", "path.label", "path.label_explode"])
def test_an_empty_or_dot_path_segment_is_refused_before_sending(wire: ModuleType, dotted: str) -> None:
    """`""`, and label's `.` for "", would change which resource the path names."""
    seen: list[httpx.Request] = []
    with pytest.raises(ValueError, match="must not be"):
        method(mock_client(wire, seen), dotted)("")
    assert seen == []


def test_omitted_and_none_parameters_are_not_sent(wire: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = mock_client(wire, seen)
    client.query.form_explode()
    client.query.form_explode(color=None)
    client.header.simple(color=None)
    client.cookie.form()
    assert [r.url.query for r in seen[:2]] == [b"", b""]
    assert "color" not in seen[2].headers and "cookie" not in seen[3].headers


@pytest.mark.parametrize(
    "dotted, value, want",
    [
        # Path: everything but RFC 3986's unreserved characters, `/` included.
        ("path.simple", "a/b c?d#é%~_-.", "a%2Fb%20c%3Fd%23%C3%A9%25~_-."),
        ("path.simple", ["a,b", "c/d"], "a%2Cb,c%2Fd"),
        ("path.matrix_explode", {"k;1": "v=2"}, ";k%3B1=v%3D2"),
        # Query: the same; `&`, `=`, `+` and `#` inside values never break the query apart.
        ("query.form_explode", "a&b=c+d#e f", "color=a%26b%3Dc%2Bd%23e%20f"),
        ("query.form", ["x,y", "z"], "color=x%2Cy,z"),
        ("query.deep_object", {"a[b]": 1}, "color%5Ba%5Bb%5D%5D=1"),
        # Headers are not percent-encoded.
        ("header.simple", "a b/c,d", "a b/c,d"),
        # Cookies: percent-encoded, so `;` and spaces cannot end the cookie.
        ("cookie.form", "a; b=c", "color=a%3B%20b%3Dc"),
    ],
)
def test_percent_encoding_per_location(wire: ModuleType, dotted: str, value: Any, want: str) -> None:
    seen: list[httpx.Request] = []
    call = method(mock_client(wire, seen), dotted)
    call(value) if dotted.startswith("path") else call(color=value)
    assert sent(seen[0], dotted.split(".")[0]) == want


def test_typed_path_parameters_serialise_as_json_scalars(wire: ModuleType) -> None:
    """int, float, bool and enum path parameters (and they type-check: test_mypy runs on this package)."""
    seen: list[httpx.Request] = []
    client = mock_client(wire, seen)
    item = client.items.retrieve(42, 1.5, True, wire.Size.BIG)
    assert item.id == "i1"
    client.items.retrieve(-7, 2, False, "small")
    assert [r.url.raw_path for r in seen] == [b"/v1/items/42/1.5/true/big", b"/v1/items/-7/2/false/small"]


def test_path_parameters_are_positional_in_the_order_of_the_path(wire: ModuleType) -> None:
    import inspect

    params = list(inspect.signature(wire.WireClient(base_url="http://x").items.retrieve).parameters)
    assert params[:4] == ["item_id", "ratio", "flag", "size"]
    assert "accept" not in params  # a header parameter named Accept is the client's own


def test_every_location_end_to_end_over_a_socket(wire: ModuleType, recorder: Recorder) -> None:
    client = wire.WireClient(base_url=recorder.url)
    item = client.items.retrieve(
        42,
        1.5,
        True,
        wire.Size.BIG,
        trace=7,
        tags=["a", "b c"],
        filter=wire.Filter(min=1, name="x y"),
        redirect="https://x.test/a?b=%41&c d#e",
        near=wire.Point(lat=1.5, long=-2),
        x_flags=[1, 2],
        x_point=wire.Point(lat=0.5, long=0),
        session="s 1;",
        prefs={"theme": "dark", "lang": "en"},
        extra_headers={"X-Extra": "1"},
    )
    assert item.id == "i1"
    got = recorder.last
    assert got.request_line == (
        "GET /v1/items/42/1.5/true/big"
        "?trace=7&tags=a,b%20c&filter%5Bmin%5D=1&filter%5Bname%5D=x%20y"
        "&redirect=https://x.test/a?b=%41%26c%20d%23e"
        "&near=%7B%22lat%22%3A1.5%2C%22long%22%3A-2%7D HTTP/1.1"
    )
    assert got.header("X-Flags") == "1,2"
    assert got.header("X-Point") == '{"lat":0.5,"long":0}'
    assert got.header("Cookie") == "session=s%201%3B; prefs=theme,dark,lang,en"
    assert got.header("X-Extra") == "1"
    assert got.header("Authorization") is None  # the spec has no security schemes
    assert got.body == b""
    assert dict(parse_qsl(got.request_line.split(" ")[1].split("?", 1)[1])) == {
        "trace": "7", "tags": "a,b c", "filter[min]": "1", "filter[name]": "x y", "redirect": "https://x.test/a?b=A&c d#e",
        "near": '{"lat":1.5,"long":-2}',
    }


def test_async_client_sends_the_same_request(wire: ModuleType, recorder: Recorder) -> None:
    import asyncio

    async def go() -> None:
        async with wire.AsyncWireClient(base_url=recorder.url) as client:
            await client.items.retrieve(1, 0.25, False, "small", tags=["x"], session="s")

    asyncio.run(go())
    assert recorder.last.request_line == "GET /v1/items/1/0.25/false/small?tags=x HTTP/1.1"
    assert recorder.last.header("Cookie") == "session=s"


def test_extra_query_replaces_parameters_of_the_same_name(wire: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = mock_client(wire, seen)
    client.query.form_explode(color=["a", "b"], extra_query={"color": "c", "page": [1, 2], "q": "x y"})
    assert seen[0].url.query == b"color=c&page=1&page=2&q=x%20y"


def test_a_stripe_style_form_body_over_a_socket(wire: ModuleType, recorder: Recorder) -> None:
    """deepObject metadata, expand and nested objects; lists repeated; a JSON object; a JSON-typed list."""
    client = wire.WireClient(base_url=recorder.url)
    client.charges.create(
        amount=2000,
        metadata={"order_id": "6735", "note": "a&b=c"},
        expand=["customer", "invoice.lines"],
        shipping=wire.Shipping(name="Jo", address=wire.ShippingAddress(line1="1 Main St", city="Paris")),
        tags=["x", "y"],
        ids=["a", "b"],
        card={"number": "42"},
        labels=["l1", "l2"],
        capture=False,
    )
    got = recorder.last
    assert got.request_line == "POST /v1/charges HTTP/1.1"
    assert got.header("Content-Type") == "application/x-www-form-urlencoded"
    assert got.body == (
        b"amount=2000&metadata%5Border_id%5D=6735&metadata%5Bnote%5D=a%26b%3Dc"
        b"&expand%5B0%5D=customer&expand%5B1%5D=invoice.lines"
        b"&shipping%5Bname%5D=Jo&shipping%5Baddress%5D%5Bline1%5D=1%20Main%20St&shipping%5Baddress%5D%5Bcity%5D=Paris"
        b"&tags=x&tags=y&ids=a,b&card=%7B%22number%22%3A%2242%22%7D&labels=%5B%22l1%22%2C%22l2%22%5D&capture=false"
    )
    assert got.header("Content-Length") == str(len(got.body))
    # What a form decoder (Stripe's, any) reads back.
    assert parse_qsl(got.body.decode()) == [
        ("amount", "2000"), ("metadata[order_id]", "6735"), ("metadata[note]", "a&b=c"), ("expand[0]", "customer"),
        ("expand[1]", "invoice.lines"), ("shipping[name]", "Jo"), ("shipping[address][line1]", "1 Main St"),
        ("shipping[address][city]", "Paris"), ("tags", "x"), ("tags", "y"), ("ids", "a,b"), ("card", '{"number":"42"}'),
        ("labels", '["l1","l2"]'), ("capture", "false"),
    ]


def test_form_fields_left_out_are_not_sent_and_extra_body_joins(wire: ModuleType) -> None:
    seen: list[httpx.Request] = []
    mock_client(wire, seen).charges.create(amount=1, extra_body={"idempotent": True})
    assert seen[0].content == b"amount=1&idempotent=true"


def test_multipart_encoder_honours_field_encodings(wire: ModuleType) -> None:
    """The multipart encoder (for multipart bodies) gives each part its encoding's style or media type."""
    from wire._serialize import FieldEncoding, multipart_parts  # type: ignore[import-not-found]

    parts = multipart_parts(
        {"file": ("a.txt", b"hi"), "meta": {"k": "v"}, "tags": ["a", "b"], "filter": {"min": 1}, "note": "n", "doc": {"x": 1}},
        {"filter": FieldEncoding(style="deepObject", explode=True), "doc": FieldEncoding(content_type="application/vnd.x+json")},
    )
    assert parts == [
        ("file", ("a.txt", b"hi")),
        ("meta", (None, b'{"k":"v"}', "application/json")),
        ("tags", (None, b"a", None)),
        ("tags", (None, b"b", None)),
        ("filter[min]", (None, b"1", None)),
        ("note", (None, b"n", None)),
        ("doc", (None, b'{"x":1}', "application/vnd.x+json")),
    ]
    body = httpx.Request("POST", "http://x", files=parts).read()
    assert b'name="meta"\r\nContent-Type: application/json\r\n\r\n{"k":"v"}\r\n' in body
    assert b'name="filter[min]"\r\n\r\n1\r\n' in body
    assert b'name="tags"\r\n\r\na\r\n' in body and b'name="tags"\r\n\r\nb\r\n' in body


def test_allow_reserved_keeps_reserved_characters_and_percent_triples(wire: ModuleType) -> None:
    from wire._serialize import escape_reserved  # type: ignore[import-not-found]

    assert escape_reserved(":/?@!$'()*,;=") == ":/?@!$'()*,;="
    assert escape_reserved("%41%zz#[]&+ é") == "%41%25zz%23%5B%5D%26%2B%20%C3%A9"
    assert unquote(escape_reserved("a b&c")) == "a b&c"


# What the build refuses. The validator finds these first in the operations the config lists; in a
# whole API (findings are warnings) the build's own check skips the operation, naming the field.


def _op_with(parameter: dict[str, Any]) -> dict[str, Any]:
    doc = spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}})
    doc["paths"]["/things/{thing_id}"]["post"]["parameters"].append(parameter)
    return doc


@pytest.mark.parametrize(
    "parameter, pointer, message",
    [
        ({"name": "x", "in": "query", "style": "matrix", "schema": {}}, "/parameters/1/style",
         "style 'matrix' is not allowed for a query parameter (form, spaceDelimited, pipeDelimited, deepObject)"),
        ({"name": "x", "in": "header", "style": "form", "schema": {}}, "/parameters/1/style",
         "style 'form' is not allowed for a header parameter (simple)"),
        ({"name": "x", "in": "cookie", "style": "simple", "schema": {}}, "/parameters/1/style",
         "style 'simple' is not allowed for a cookie parameter (form)"),
        ({"name": "x", "in": "path", "style": "deepObject", "schema": {}}, "/parameters/1/style",
         "style 'deepObject' is not allowed for a path parameter (simple, label, matrix)"),
        ({"name": "x", "in": "query", "content": {"application/xml": {"schema": {}}}}, "/parameters/1/content/application~1xml",
         "parameter media type 'application/xml' is not supported (application/json, +json types or text/plain)"),
        ({"name": "x", "in": "query", "content": {"text/plain": {}, "application/json": {}}}, "/parameters/1/content",
         "a parameter's content must have exactly one media type"),
    ],
)
def test_unsupported_serialisations_skip_the_operation(tmp_path: Path, parameter: dict[str, Any], pointer: str, message: str) -> None:
    from generator.build import Config, build
    from generator.load import load

    api, skipped = build(load(write_spec(tmp_path, _op_with(parameter))), Config(package="refused"))
    assert api.operations == ()
    (problem,) = skipped
    assert problem.pointer == "/paths/~1things~1{thing_id}/post" + pointer
    assert problem.message == "operation skipped: " + message


# The encoding itself, on any text.

TEXTS = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)  # any Unicode but lone surrogates
RFC3986 = r"(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*"


@given(TEXTS)
def test_escape_leaves_only_unreserved_characters_and_decodes_back(value: str) -> None:
    encoded = escape(value)
    assert re.fullmatch(RFC3986, encoded)
    assert unquote(encoded) == value


@given(TEXTS, st.dictionaries(TEXTS, TEXTS, max_size=4), st.lists(TEXTS, min_size=1, max_size=4))
def test_query_styles_decode_back_to_what_was_sent(name: str, obj: dict[str, str], items: list[str]) -> None:
    """What a form decoder reads back from form (exploded), deepObject and pipeDelimited query strings."""
    query = lambda found: "&".join(f"{k}={v}" for k, v in found)  # noqa: E731
    assert parse_qsl(query(pairs(name, items, "form", True, escape)), keep_blank_values=True) == [(name, v) for v in items]
    assert parse_qsl(query(pairs(name, obj, "deepObject", True, escape)), keep_blank_values=True) == [
        (f"{name}[{k}]", v) for k, v in obj.items()
    ]
    (decoded,) = parse_qsl(query(pairs(name, items, "pipeDelimited", False, escape)), keep_blank_values=True)
    assert decoded == (name, "|".join(items))
