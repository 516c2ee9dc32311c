"""Generated output is compared, byte for byte, with committed golden trees."""

from __future__ import annotations

import pytest

from generator.pipeline import generate

from .golden import GOLDEN, REGENERATE, case_config, case_diff, cases


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_tree(case):
    diff = case_diff(case)
    assert not diff, f"{case.name} differs from its golden tree (after a deliberate change run `{REGENERATE}`):\n{diff}"


def test_openapi_30_and_31_nullability_give_the_same_package():
    """`nullable: true` (3.0) and anyOf-null / type arrays (3.1) describe the same models."""
    v30 = generate(case_config(GOLDEN / "nullable_30"))
    v31 = generate(case_config(GOLDEN / "nullable_31"))
    assert v30 == v31
    assert "label: str | None\n" in v30["models.py"]
    assert "owner: Owner | None = None\n" in v30["models.py"]
    assert "scores: dict[str, float | None] | None = None\n" in v30["models.py"]
