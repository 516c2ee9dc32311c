"""The client on the wire, through httpx.MockTransport: method, URL, headers and body."""

from __future__ import annotations

import json

import httpx
import pytest

from openai_chat import APIStatusError, ChatCompletion, OpenAI

from .conftest import DATA

RESPONSE = (DATA / "seed_004_response.json").read_bytes()


def client_with(handler, **kwargs) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url="https://api.example.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(handler)), **kwargs)


def test_update_sends_the_documented_request():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=RESPONSE, headers={"content-type": "application/json"})

    completion = client_with(handler).chat.completions.update("chatcmpl-123", metadata={"foo": "bar"})

    assert isinstance(completion, ChatCompletion)
    assert completion.id == "chatcmpl-AyPNinnUqUDYo9SAdA52NobMflmj2"
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == "https://api.example.test/v1/chat/completions/chatcmpl-123"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"metadata": {"foo": "bar"}}


def test_null_metadata_is_sent_as_null():
    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, content=RESPONSE)

    client_with(handler).chat.completions.update(completion_id="c", metadata=None)
    assert bodies == [{"metadata": None}]


def test_path_parameter_is_percent_encoded():
    urls = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(request.url.raw_path)
        return httpx.Response(200, content=RESPONSE)

    client_with(handler).chat.completions.update("a/b c?d", metadata={})
    assert urls == [b"/v1/chat/completions/a%2Fb%20c%3Fd"]


def test_non_2xx_raises_with_status_and_body():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"message": "No such completion"}})

    with pytest.raises(APIStatusError) as info:
        client_with(handler).chat.completions.update("missing", metadata={})
    assert info.value.status_code == 404
    assert info.value.body == {"error": {"message": "No such completion"}}


def test_api_key_and_base_url_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://env.example.test/v2")
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=RESPONSE)

    OpenAI(http_client=httpx.Client(transport=httpx.MockTransport(handler))).chat.completions.update("x", metadata={})
    assert seen[0].headers["authorization"] == "Bearer sk-env"
    assert str(seen[0].url) == "https://env.example.test/v2/chat/completions/x"


def test_default_base_url_is_the_spec_server(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert OpenAI(api_key="k").base_url == "https://api.openai.com/v1"
