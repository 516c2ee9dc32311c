"""The parsing workload: a large, deterministic ChatCompletion, and msgspec types for it.

The payload follows CreateChatCompletionResponse in spec/openapi.yaml: one choice whose
`logprobs.content` holds TOKENS ChatCompletionTokenLogprob entries with TOP top_logprobs each.
"""

from __future__ import annotations

import json
import random
from typing import Any, Literal

import msgspec

TOKENS = 2_000
TOP = 5
SEED = 20260814
COMPLETION_ID = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG"

_WORDS = [
    "the", "model", "token", "stream", "answer", "because", "probability", "and", "of", "a",
    "response", "schema", "client", "généré", "naïve", "über", "日本", "語", "🙂", "completion",
]


def _token(rng: random.Random) -> dict[str, Any]:
    text = (" " if rng.random() < 0.7 else "") + rng.choice(_WORDS)
    return {"token": text, "logprob": -rng.random() * 12.0, "bytes": list(text.encode("utf-8"))}


def build_completion(tokens: int = TOKENS, top: int = TOP) -> dict[str, Any]:
    """The same document on every call (seeded), about 1.2 MB as JSON."""
    rng = random.Random(SEED)
    content = []
    for _ in range(tokens):
        entry = _token(rng)
        entry["top_logprobs"] = [_token(rng) for _ in range(top)]
        content.append(entry)
    text = "".join(item["token"] for item in content)
    return {
        "id": COMPLETION_ID,
        "object": "chat.completion",
        "created": 1741570283,
        "model": "gpt-4o-2024-08-06",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None, "annotations": []},
                "logprobs": {"content": content, "refusal": None},
                "finish_reason": "length",
            }
        ],
        "usage": {
            "prompt_tokens": 17,
            "completion_tokens": tokens,
            "total_tokens": 17 + tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_fc9f1d7035",
    }


def build_bytes() -> bytes:
    return json.dumps(build_completion()).encode("utf-8")


def small_completion() -> bytes:
    """The fixed answer of the local server for the per-call row."""
    doc = build_completion(tokens=0)
    doc["choices"][0]["logprobs"] = None
    doc["choices"][0]["message"]["content"] = "Hello there, how may I assist you today?"
    doc["choices"][0]["finish_reason"] = "stop"
    doc["metadata"] = {"foo": "bar"}
    return json.dumps(doc).encode("utf-8")


def token_count(obj: Any) -> int:
    """len(choices[0].logprobs.content) of a parsed result, dict or object alike."""

    def get(node: Any, key: str) -> Any:
        return node[key] if isinstance(node, dict) else getattr(node, key)

    return len(get(get(get(obj, "choices")[0], "logprobs"), "content"))


# --- msgspec mirror of the schema: the reference for what typed decoding can cost ---------


class TopLogprob(msgspec.Struct):
    token: str
    logprob: float
    bytes: list[int] | None


class TokenLogprob(msgspec.Struct):
    token: str
    logprob: float
    bytes: list[int] | None
    top_logprobs: list[TopLogprob]


class ChoiceLogprobs(msgspec.Struct):
    content: list[TokenLogprob] | None
    refusal: list[TokenLogprob] | None


class FunctionCall(msgspec.Struct):
    name: str
    arguments: str


class FunctionToolCall(msgspec.Struct, tag_field="type", tag="function"):
    id: str
    function: FunctionCall


class CustomCall(msgspec.Struct):
    name: str
    input: str


class CustomToolCall(msgspec.Struct, tag_field="type", tag="custom"):
    id: str
    custom: CustomCall


class UrlCitation(msgspec.Struct):
    end_index: int
    start_index: int
    url: str
    title: str


class Annotation(msgspec.Struct):
    type: Literal["url_citation"]
    url_citation: UrlCitation


class Audio(msgspec.Struct):
    id: str
    expires_at: int
    data: str
    transcript: str


class Message(msgspec.Struct):
    role: Literal["assistant"]
    content: str | None
    refusal: str | None
    tool_calls: list[FunctionToolCall | CustomToolCall] | msgspec.UnsetType = msgspec.UNSET
    annotations: list[Annotation] | msgspec.UnsetType = msgspec.UNSET
    function_call: FunctionCall | msgspec.UnsetType = msgspec.UNSET
    audio: Audio | None | msgspec.UnsetType = msgspec.UNSET


class Choice(msgspec.Struct):
    finish_reason: Literal["stop", "length", "tool_calls", "content_filter", "function_call"]
    index: int
    message: Message
    logprobs: ChoiceLogprobs | None


class CompletionTokensDetails(msgspec.Struct):
    accepted_prediction_tokens: int = 0
    audio_tokens: int = 0
    reasoning_tokens: int = 0
    text_tokens: int | msgspec.UnsetType = msgspec.UNSET
    rejected_prediction_tokens: int = 0


class PromptTokensDetails(msgspec.Struct):
    audio_tokens: int = 0
    cached_tokens: int = 0
    text_tokens: int | msgspec.UnsetType = msgspec.UNSET
    image_tokens: int | msgspec.UnsetType = msgspec.UNSET
    cache_write_tokens: int | msgspec.UnsetType = msgspec.UNSET


class Usage(msgspec.Struct):
    completion_tokens: int = 0
    prompt_tokens: int = 0
    total_tokens: int = 0
    completion_tokens_details: CompletionTokensDetails | msgspec.UnsetType = msgspec.UNSET
    prompt_tokens_details: PromptTokensDetails | msgspec.UnsetType = msgspec.UNSET


class ChatCompletion(msgspec.Struct):
    id: str
    choices: list[Choice]
    created: int
    model: str
    object: Literal["chat.completion"]
    metadata: dict[str, str] | None | msgspec.UnsetType = msgspec.UNSET
    service_tier: Literal["auto", "default", "flex", "scale", "priority", "fast"] | None = "auto"
    system_fingerprint: str | msgspec.UnsetType = msgspec.UNSET
    usage: Usage | msgspec.UnsetType = msgspec.UNSET
    # Moderation results are absent from the payload; kept loosely typed.
    moderation: dict[str, Any] | None | msgspec.UnsetType = msgspec.UNSET


MSGSPEC_DECODER = msgspec.json.Decoder(ChatCompletion)
