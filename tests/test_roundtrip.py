"""Read tolerantly, write exactly: real example responses parse and come back unchanged."""

from __future__ import annotations

import json

import pytest
import yaml

from openai_chat import (
    ChatCompletion,
    ChatCompletionMessageCustomToolCall,
    ChatCompletionMessageFunctionToolCall,
    ChoiceFinishReason,
    ServiceTier,
)

from .conftest import DATA, SPEC_DIR


def spec_example() -> str:
    spec = yaml.safe_load((SPEC_DIR / "openapi.yaml").read_text())
    return spec["paths"]["/chat/completions/{completion_id}"]["post"]["x-oaiMeta"]["examples"]["response"]


EXAMPLES = {
    # A provider's real response: omits the required `message.refusal`, sends null for
    # non-nullable `tool_calls`/`function_call`, carries undeclared fields.
    "provider": (DATA / "seed_004_response.json").read_text(),
    "spec-x-oaiMeta": spec_example(),
    "sdk-docs-full": (DATA / "seed_001_response.json").read_text(),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_round_trips_exactly(name):
    text = EXAMPLES[name]
    data = json.loads(text)
    completion = ChatCompletion.from_dict(json.loads(text))
    assert completion.to_dict() == data
    # Key order too: re-serialising gives the same JSON text.
    assert json.dumps(completion.to_dict()) == json.dumps(data)


def test_provider_example_reads_as_typed_values():
    completion = ChatCompletion.from_json(EXAMPLES["provider"])
    assert completion.id == "chatcmpl-AyPNinnUqUDYo9SAdA52NobMflmj2"
    assert completion.service_tier is ServiceTier.DEFAULT
    choice = completion.choices[0]
    assert choice.finish_reason is ChoiceFinishReason.STOP
    assert choice.message.refusal is None  # required, but absent
    assert choice.message.tool_calls is None  # not nullable, but null
    assert completion.usage is not None and completion.usage.total_tokens == 31
    assert completion.extra_fields["request_id"] == "req_ded8ab984ec4bf840f37566c1011c417"
    assert completion.extra_fields["seed"] == 4944116822809979520
    assert "refusal" not in completion.to_dict()["choices"][0]["message"]


def test_unknown_enum_values_survive():
    data = json.loads(EXAMPLES["provider"])
    data["service_tier"] = "ultra"
    data["choices"][0]["finish_reason"] = "paused"
    completion = ChatCompletion.from_dict(data)
    assert isinstance(completion.service_tier, ServiceTier)
    assert completion.service_tier == "ultra"
    assert completion.service_tier not in list(ServiceTier)
    assert completion.choices[0].finish_reason == "paused"
    assert completion.to_dict() == data


def test_unknown_fields_survive_at_every_level():
    data = json.loads(EXAMPLES["sdk-docs-full"])
    data["new_top"] = {"nested": [1, 2]}
    data["choices"][0]["message"]["new_in_message"] = True
    data["usage"]["completion_tokens_details"]["new_counter"] = 7
    completion = ChatCompletion.from_dict(data)
    assert completion.choices[0].message.extra_fields == {"new_in_message": True}
    assert completion.to_dict() == data


def test_tool_calls_pick_the_variant_by_tag_without_mapping():
    data = json.loads(EXAMPLES["sdk-docs-full"])
    data["choices"][0]["message"]["tool_calls"].append({"id": "c2", "type": "custom", "custom": {"name": "n", "input": "i"}})
    calls = ChatCompletion.from_dict(data).choices[0].message.tool_calls
    assert calls is not None
    assert [type(c) for c in calls] == [ChatCompletionMessageFunctionToolCall, ChatCompletionMessageCustomToolCall]
    assert isinstance(calls[1], ChatCompletionMessageCustomToolCall) and calls[1].custom.input == "i"


def test_a_model_built_in_code_writes_only_what_was_set():
    call = ChatCompletionMessageFunctionToolCall.from_dict({"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}})
    assert call.to_dict() == {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    call.id = "c9"
    assert call.to_dict()["id"] == "c9"


def test_a_wrong_type_is_an_error_naming_the_path():
    from openai_chat._models import ValidationError

    data = json.loads(EXAMPLES["provider"])
    data["choices"][0]["message"]["content"] = 42
    with pytest.raises(ValidationError) as info:
        ChatCompletion.from_dict(data)
    assert str(info.value) == "$.choices[0].message.content: expected string, got integer"
