"""YAML is data only, and bounded: no Python objects, no alias bombs, no deep nesting, no huge files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import load as load_module
from generator.errors import SpecError
from generator.load import Limits, load, load_data

from .specs import cli, spec, write_spec

HOSTILE = Path(__file__).resolve().parent / "hostile"


def test_the_loader_is_the_c_safe_loader():
    assert load_module._Loader is yaml.CSafeLoader


@pytest.mark.parametrize("name", ["python_tag.yaml", "python_name.yaml"])
def test_python_object_tags_are_refused(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as e:
        load(HOSTILE / name)
    assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/" in str(e.value)
    assert str(HOSTILE / name) in str(e.value)
    assert not (tmp_path / "PWNED").exists()


@pytest.fixture
def parse_events(monkeypatch):
    """Counts the YAML events the loader reads; building a document (yaml.load) fails the test."""
    seen = [0]
    real = yaml.parse

    def counting(*args, **kwargs):
        for event in real(*args, **kwargs):
            seen[0] += 1
            yield event

    def never(*args, **kwargs):
        raise AssertionError("the document was built")

    monkeypatch.setattr(load_module.yaml, "parse", counting)
    monkeypatch.setattr(load_module.yaml, "load", never)
    return seen


def test_an_alias_bomb_is_refused_from_the_event_stream(parse_events):
    with pytest.raises(SpecError) as e:
        load(HOSTILE / "billion_laughs.yaml")
    assert "once YAML aliases are expanded" in str(e.value)
    assert parse_events[0] < 150  # each event read once: aliases are sized, never expanded


def test_aliases_within_the_budget_load(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("a: &x [1, 2, 3]\nb: *x\nc: [*x, *x]\n")
    # 21 values: the mapping, 3 keys, [1, 2, 3] (4) as itself and aliased 3 times, the outer list of c.
    assert load_data(path, Limits(max_nodes=21)) == {"a": [1, 2, 3], "b": [1, 2, 3], "c": [[1, 2, 3], [1, 2, 3]]}
    with pytest.raises(SpecError, match="more than 20 values"):
        load_data(path, Limits(max_nodes=20))


@pytest.mark.parametrize(
    "name, text",
    [
        ("flow.yaml", "[" * 100_000 + "]" * 100_000),  # libyaml would crash the interpreter building this
        ("block.yaml", "".join(" " * i + "a:\n" for i in range(300)) + " " * 300 + "b\n"),
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("just_too_deep.json", "[" * 101 + "]" * 101),
    ],
)
def test_deep_nesting_is_refused(tmp_path, parse_events, name, text):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SpecError) as e:
        load_data(path)
    assert f"{path}#: nesting deeper than 100 levels" in str(e.value)
    if name.endswith(".yaml"):  # refused at the 101st level, before libyaml builds anything
        assert parse_events[0] <= 2 + 2 * 101  # stream and document starts, then a key and a collection per level


def test_a_file_above_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("x: " + "a" * 1000)
    with pytest.raises(SpecError, match="file is 1003 bytes, above the limit of 1000"):
        load_data(path, Limits(max_bytes=1000))


def test_limits_come_from_the_config_and_the_cli_exits_2(tmp_path):
    write_spec(tmp_path, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}))
    config = tmp_path / "config.yaml"
    config.write_text("package: pkg\nspec: openapi.json\noutput: out\nlimits: {max_depth: 4}\n")
    result = cli("generate", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'openapi.json'}#: nesting deeper than 4 levels\n"
    assert not (tmp_path / "out").exists()
    config.write_text("package: pkg\nspec: openapi.json\noutput: out\nlimits: {max_depth: 40, max_size: 5}\n")
    result = cli("generate", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == f"error: {config}#/limits/max_size: unknown key (known keys: max_bytes, max_depth, max_nodes)\n"
    config.write_text("package: pkg\nspec: openapi.json\noutput: out\nlimits: {max_depth: 40}\n")
    assert cli("generate", "--config", str(config), cwd=tmp_path).returncode == 0


def test_the_config_file_is_read_by_the_same_safe_loader(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("package: !!python/object/apply:os.system ['touch PWNED']\n")
    result = cli("generate", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2 and "could not determine a constructor" in result.stderr
    assert not (tmp_path / "PWNED").exists()
