"""Type-checked with the generated package (tests/test_mypy.py): how callers use it, under mypy --strict."""

from __future__ import annotations

from bodies import Bodies, Circle, Pet, PetStatus


def pass_a_read_value_back(client: Bodies, pet: Pet) -> None:
    # An enum read from a model is the argument's own type: one enum class, not one per operation.
    client.pets.add_pet(name=pet.name, status=pet.status or PetStatus.AVAILABLE)
    # Its values as plain literals are accepted too, as the official SDK takes them.
    client.pets.add_pet(name="Rex", status="sold", content_type="application/x-www-form-urlencoded")


def bodies_of_every_shape(client: Bodies) -> None:
    client.tags.create_tags(["a", "b"])
    client.settings.replace_settings({"retries": 3})
    client.shapes.create_shape(Circle(kind="circle", radius=1.0))
    client.shapes.create_shape({"kind": "square", "side": 2})
    client.things.patch_thing("web-1", b"spec: {}", content_type="application/apply-patch+yaml")
    client.blobs.upload_blob()
