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


def test_unsupported_operation_is_skipped_with_a_warning_not_silently(tmp_path):
    import subprocess
    import sys

    config = GOLDEN / "unions" / "config.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--config", str(config), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"warning: {GOLDEN / 'unions' / 'openapi.yaml'}#/paths/~1pets~1{{pet_id}}~1photo/put/requestBody/content: "
        "operation skipped: only JSON request bodies are supported"
    ]
    assert "def upload_pet_photo" not in (tmp_path / "pets" / "_client.py").read_text()


def test_a_union_that_contains_itself_through_a_model_reads_and_writes(monkeypatch):
    import sys

    monkeypatch.syspath_prepend(str(GOLDEN / "unions" / "expected"))
    for name in [m for m in sys.modules if m == "pets" or m.startswith("pets.")]:
        monkeypatch.delitem(sys.modules, name)
    from pets import Combine, EventRecord, Number

    data = {
        "id": "e1",
        "event": {"kind": "walk", "minutes": 3},
        "formula": {"op": "add", "terms": [{"op": "num", "value": 1}, {"op": "mul", "terms": [{"op": "num", "value": 2.5}]}]},
    }
    record = EventRecord.from_dict(data)
    assert isinstance(record.formula, Combine)
    assert isinstance(record.formula.terms[0], Number)
    inner = record.formula.terms[1]
    assert isinstance(inner, Combine) and inner.op == "mul"
    assert record.to_dict() == data
