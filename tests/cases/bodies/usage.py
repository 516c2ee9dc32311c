"""Type-checked with the generated package (tests/test_mypy.py): how callers use it, under mypy --strict."""

from __future__ import annotations

from bodies import Bodies, Circle, Pet, PetStatus


def pass_a_read_value_back(client: Bodies, pet: Pet) -> None:
    # An enum read from a model is the argument's own type: one enum class, not one per operation.
    client.pets.create(name=pet.name, status=pet.status or PetStatus.AVAILABLE)
    # Its values as plain literals are accepted too, as the official SDK takes them.
    client.pets.create(name="Rex", status="sold", content_type="application/x-www-form-urlencoded")


def bodies_of_every_shape(client: Bodies) -> None:
    client.tags.create(["a", "b"])
    client.settings.replace({"retries": 3})
    client.shapes.create(Circle(kind="circle", radius=1.0))
    client.shapes.create({"kind": "square", "side": 2})
    client.things.update("web-1", b"spec: {}", content_type="application/apply-patch+yaml")
    client.blobs.create()
