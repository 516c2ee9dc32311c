"""Packages with nothing to model, or nothing to call: they import, type-check (test_mypy.py) and work."""

from __future__ import annotations

import importlib


def test_a_webhooks_only_spec_generates_its_payload_models(import_case, case_packages):
    hooks = import_case("hooks", "hooks")
    from hooks import webhooks

    pet = webhooks.parse_new_pet(b'{"id": 7, "name": "Rex"}')
    assert isinstance(pet, hooks.NewPetPayload) and (pet.id, pet.name) == (7, "Rex")
    assert webhooks.unwrap({"id": 8}).id == 8
    assert {"webhooks.py", "_client.py"} <= {p.name for p in (case_packages("hooks") / "hooks").glob("*.py")}
    assert isinstance(pet, importlib.import_module("hooks.types.shared.new_pet_payload").NewPetPayload)  # used by no resource


def test_a_package_without_models_imports_and_calls(import_case, recorder):
    plain = import_case("plain", "plain")
    recorder.answer("/flags/beta", body=b"3")
    with plain.Client(base_url=recorder.url) as client:
        assert client.flags.update("beta", True, mode="read_only") == 3
    r = recorder.last()
    assert (r.method, r.target, r.body) == ("PUT", "/flags/beta?mode=read_only", b"true")
