"""Request bodies on the wire: every kind the generator supports, byte for byte, on a loopback server.

The spec is tests/cases/bodies/openapi.yaml; test_mypy.py type-checks its package.
"""

from __future__ import annotations

import io
import json

import pytest


@pytest.fixture
def client(import_case, recorder):
    bodies = import_case("bodies", "bodies")
    with bodies.Bodies(base_url=recorder.url + "/v1", max_retries=0) as c:
        yield c


def sent(recorder):
    r = recorder.last()
    return r.method, r.target, r.headers.get("content-type"), r.body


def test_an_array_body_is_sent_as_the_array(client, recorder):
    recorder.answer("/v1/tags", body=b'["a", "b"]')
    assert client.tags.create(["a", "b"]) == ["a", "b"]
    assert sent(recorder) == ("POST", "/v1/tags", "application/json", b'["a","b"]')


def test_a_map_body_is_sent_as_the_object(client, recorder):
    client.settings.replace({"retries": 3, "depth": 1})
    assert sent(recorder) == ("PUT", "/v1/settings", "application/json", b'{"retries":3,"depth":1}')


def test_a_string_body_is_sent_as_a_json_string(client, recorder):
    client.greeting.update("héllo")
    assert sent(recorder) == ("PUT", "/v1/greeting", "application/json", '"héllo"'.encode())


def test_a_union_body_takes_a_model_or_a_dict(client, recorder, import_case):
    models = import_case("bodies", "bodies")
    recorder.answer("/v1/shapes", body=b'{"kind": "square", "side": 2}')
    shape = client.shapes.create(models.Circle(kind="circle", radius=1.5))
    assert sent(recorder) == ("POST", "/v1/shapes", "application/json", b'{"kind":"circle","radius":1.5}')
    assert isinstance(shape, models.Square) and shape.side == 2
    client.shapes.create({"kind": "square", "side": 3})
    assert sent(recorder)[3] == b'{"kind":"square","side":3}'


def test_an_all_of_body_is_flattened_into_keyword_arguments(client, recorder):
    client.orders.create(item="tea", quantity=2, channel="web", priority="high")
    method, target, media, body = sent(recorder)
    assert (method, target, media) == ("POST", "/v1/orders", "application/json")
    assert json.loads(body) == {"item": "tea", "quantity": 2, "channel": "web", "priority": "high"}


def test_an_enum_argument_takes_the_component_enum_or_its_values(client, recorder, import_case):
    models = import_case("bodies", "bodies")
    # The flattened body reuses the enum of the component it comes from: one class, not one per operation.
    assert not hasattr(models, "AddPetStatus") and not hasattr(models, "CreateOrderChannel")
    pet = client.pets.create(name="Rex", status=models.PetStatus.SOLD)
    assert json.loads(sent(recorder)[3]) == {"name": "Rex", "status": "sold"}
    client.pets.create(name="Rex", status=pet.status or "available")


def test_an_empty_optional_form_body_sends_no_body(client, recorder):
    recorder.answer("/v1/customers", body=b"[]")
    assert client.customers.list(limit=3) == []
    assert sent(recorder) == ("GET", "/v1/customers?limit=3", None, b"")


def test_an_optional_form_body_is_sent_only_with_fields(client, recorder):
    client.customers.create()
    assert sent(recorder) == ("POST", "/v1/customers", None, b"")
    client.customers.create(name="Ada Lovelace", vip=True, tags=["a", "b"])
    assert sent(recorder) == (
        "POST",
        "/v1/customers",
        "application/x-www-form-urlencoded",
        b"name=Ada%20Lovelace&vip=true&tags=a&tags=b",
    )


def test_extra_body_alone_sends_a_body(client, recorder):
    client.customers.create(extra_body={"coupon": "X"})
    assert sent(recorder)[2:] == ("application/x-www-form-urlencoded", b"coupon=X")


def test_the_caller_chooses_the_media_type_of_a_flattened_body(client, recorder):
    client.pets.create(name="Rex")
    assert sent(recorder)[2:] == ("application/json", b'{"name":"Rex"}')
    client.pets.create(name="Rex", status="pending", content_type="application/x-www-form-urlencoded")
    assert sent(recorder)[2:] == ("application/x-www-form-urlencoded", b"name=Rex&status=pending")


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        (None, [{"op": "remove", "path": "/a"}], b'[{"op":"remove","path":"/a"}]'),
        ("application/merge-patch+json", {"spec": {"replicas": 2}}, b'{"spec":{"replicas":2}}'),
        ("application/apply-patch+yaml", "spec:\n  replicas: 2\n", b"spec:\n  replicas: 2\n"),
    ],
)
def test_patch_media_types_set_the_content_type(client, recorder, content_type, body, expected):
    kwargs = {} if content_type is None else {"content_type": content_type}
    client.things.update("web-1", body, **kwargs)
    assert sent(recorder) == ("PATCH", "/v1/things/web-1", content_type or "application/json-patch+json", expected)


def test_a_yaml_body_must_be_text_or_bytes(client, recorder, import_case):
    bodies = import_case("bodies", "bodies")
    message = "body of media type application/apply-patch\\+yaml must be bytes, str or a binary file, got dict"
    with pytest.raises(bodies.APIUsageError, match=message):
        client.things.update("web-1", {"spec": {}}, content_type="application/apply-patch+yaml")
    assert recorder.requests == []


def test_a_wildcard_body_is_bytes_and_may_be_left_out(client, recorder):
    client.blobs.create(b"\x00\x01")
    assert sent(recorder) == ("POST", "/v1/blobs", "application/octet-stream", b"\x00\x01")
    client.blobs.create(io.BytesIO(b"file"), content_type="image/gif")
    assert sent(recorder) == ("POST", "/v1/blobs", "image/gif", b"file")
    client.blobs.create()
    assert sent(recorder) == ("POST", "/v1/blobs", None, b"")


def test_a_3_1_file_field_is_uploaded_as_a_file(client, recorder):
    client.documents.create(file=("a.pdf", b"%PDF", "application/pdf"), title="A", meta={"pages": 2})
    method, target, media, body = sent(recorder)
    assert (method, target) == ("POST", "/v1/documents")
    boundary = media.split("boundary=", 1)[1]
    assert media.startswith("multipart/form-data; boundary=")
    assert body == (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\nA\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"pages":2}\r\n'
        f"--{boundary}--\r\n"
    ).encode()


def test_accept_follows_the_response_media_types(client, recorder):
    recorder.answer("/v1/reports/r1.csv", body=b"a,b\n1,2\n", content_type="text/csv")
    assert client.reports.retrieve("r1") == b"a,b\n1,2\n"
    assert recorder.last().headers["accept"] == "text/csv"
    recorder.answer("/v1/logo", body=b"\x89PNG", content_type="image/png")
    assert client.logo.retrieve() == b"\x89PNG"
    assert recorder.last().headers["accept"] == "image/png, image/webp"
    recorder.answer("/v1/tags", body=b"[]")
    client.tags.create([])
    assert recorder.last().headers["accept"] == "application/json"


def test_an_operation_without_models_sends_text(client, recorder):
    recorder.answer("/v1/ping", body=b"pong", content_type="text/plain")
    assert client.ping.create("hi") == b"pong"
    assert sent(recorder) == ("POST", "/v1/ping", "text/plain", b"hi")


def test_webhook_payloads_are_read_into_models(import_case):
    bodies = import_case("bodies", "bodies")
    from bodies import webhooks

    event = webhooks.unwrap(b'{"type": "order.cancelled", "order": "o1", "reason": "late", "extra": 1}')
    assert isinstance(event, bodies.OrderCancelled) and event.reason == "late"
    assert event.to_dict() == {"type": "order.cancelled", "order": "o1", "reason": "late", "extra": 1}
    shipped = webhooks.parse_order_shipped({"type": "order.shipped", "order": "o2"})
    assert isinstance(shipped, bodies.OrderShipped) and shipped.order == "o2"
    with pytest.raises(ValueError, match=r"\$\.order: expected string, got integer"):
        webhooks.parse_order_shipped('{"type": "order.shipped", "order": 5}')


def test_schemas_the_build_used_to_refuse(import_case):
    models = import_case("bodies", "bodies")
    order = models.Order.from_dict({"gift": False, "cancelled_at": None, "mode": 0, "id": "o"})
    assert order.gift is False and order.cancelled_at is None and order.mode == 0
    assert [m.value for m in models.Priority] == ["low", "high"]
