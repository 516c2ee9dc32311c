"""The SDK change report: what changes for callers between two public surfaces (surface.py).

Every change has a severity:

- breaking: code that type-checks against the old SDK fails, or behaves differently, against
  the new one (a name, method, argument, field or enum member removed; a type that moved to
  another module (importing it from the package still works); an argument or field
  that became required; a type that accepts less where callers pass it (arguments, and fields,
  since models are built too), or yields more where they read it (responses); a request check
  that became stricter; an argument that moved position);
- compatible: additions, and changes no caller can notice in its code (a type that accepts more
  where callers pass it, a looser request check, a new wire name, HTTP path or parameter location);
- docs: descriptions, deprecations, documented defaults and formats.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .build import Config as BuildConfig
from .config import Config, load_config
from .errors import _printable
from .pipeline import named_api
from .render import markdown_code
from .surface import SURFACE_FILE, load_surface, surface

SEVERITIES = ("breaking", "compatible", "docs")
REPORT_FORMAT = 1
_OMITTED = "<omitted>"  # stands for "may be left out" among the values an annotation admits
_PROSE = {"description", "summary"}  # aspects too long for a one-line report: named, not quoted
_MINIMA = {"min_length", "min_items", "min_properties", "minimum"}


@dataclass(frozen=True)
class Change:
    severity: str  # breaking | compatible | docs
    change: str  # added | removed | changed
    element: str  # client | resource | method | argument | model | enum | alias | field | member
    name: str  # the public name: `ChatCompletion.service_tier`, `chat.completions.update(metadata=)`, `ServiceTier.FLEX`
    aspect: str | None = None  # for `changed`: type, checks, position, kind, base, value, description, deprecated...
    old: str | None = None
    new: str | None = None

    def line(self) -> str:
        return _printable(f"{self.severity:<11} {self.change:<8} {self.element:<9} {self.name}{self._detail()}")

    def _detail(self) -> str:
        if self.change != "changed":
            value = self.new if self.change == "added" else self.old
            return f": {value}" if value else ""
        if self.aspect in _PROSE:
            return f": {self.aspect}"
        label = "" if self.aspect == "type" else f"{self.aspect} "
        return f": {label}{self.old if self.old is not None else 'none'} → {self.new if self.new is not None else 'none'}"


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from the old surface to the new one, breaking first."""
    out: list[Change] = []
    clients_a, clients_b = old.get("clients", {}), new.get("clients", {})
    for kind in ("sync", "async"):
        a, b = clients_a.get(kind), clients_b.get(kind)
        if a != b:
            out += [Change("breaking", "removed", "client", a)] if a else []
            out += [Change("compatible", "added", "client", b)] if b else []
    if "client" in old and "client" in new:
        out += _generic("client", clients_b.get("sync", ""), old["client"], new["client"])
    before, after = set(old.get("resources", [])), set(new.get("resources", []))
    out += [Change("breaking", "removed", "resource", r) for r in sorted(before - after)]
    out += [Change("compatible", "added", "resource", r) for r in sorted(after - before)]
    methods_a, methods_b = old.get("methods", {}), new.get("methods", {})
    for name in sorted(set(methods_a) | set(methods_b)):
        a, b = methods_a.get(name), methods_b.get(name)
        if a is None or b is None:
            out.append(_presence("method", f"{name}()", a, b, (b or a)["returns"], breaking=a is not None))
        else:
            out += _method(name, a, b)
    types_a, types_b = old.get("types", {}), new.get("types", {})
    for name in sorted(set(types_a) | set(types_b)):
        a, b = types_a.get(name), types_b.get(name)
        if a is None or b is None:
            t = b or a
            shown = ", ".join(map(repr, t["members"].values())) if t["kind"] == "enum" else t.get("type")
            out.append(_presence(t["kind"], name, a, b, shown, breaking=a is not None))
        else:
            out += _type(name, a, b)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda c: rank[c.severity])


def _presence(element: str, name: str, old: Any, new: Any, shown: str | None, breaking: bool) -> Change:
    """Something added or removed, with what it was or is (a type, a signature's return)."""
    if old is None:
        return Change("breaking" if breaking else "compatible", "added", element, name, None, None, shown)
    return Change("breaking", "removed", element, name, None, shown, None)


def _method(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    label = f"{name}()"
    out = _typed("method", label, "returns", _shape(a, "returns"), _shape(b, "returns"), read=True, write=False)
    out += _docs("method", label, a, b, ("summary", "description", "deprecated"))
    out += _generic("method", label, a.get("wire", {}), b.get("wire", {}))
    args_a = {x["name"]: x for x in a["args"]}
    args_b = {x["name"]: x for x in b["args"]}
    where_a, where_b = _positions(a["args"]), _positions(b["args"])
    for arg in sorted(set(args_a) | set(args_b)):
        x, y = args_a.get(arg), args_b.get(arg)
        given = y or x
        assert given is not None
        label = f"{name}({arg})" if given["positional"] else f"{name}({arg}=)"
        if x is None or y is None:
            # A new argument breaks the calls that do not pass it, unless it may be left out.
            out.append(_presence("argument", label, x, y, _shape_arg(given)[0], breaking=x is not None or given["required"]))
            continue
        if where_a[arg] != where_b[arg]:
            out.append(Change("breaking", "changed", "argument", label, "position", where_a[arg], where_b[arg]))
        out += _typed("argument", label, "type", _shape_arg(x), _shape_arg(y), read=False, write=True)
        out += _checks(label, x.get("checks", {}), y.get("checks", {}))
        out += _docs("argument", label, x, y, ("format", "description"))
        out += _generic("argument", label, x.get("wire", {}), y.get("wire", {}))
    return out


def _type(name: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    if a["kind"] != b["kind"]:
        return [Change("breaking", "changed", b["kind"], name, "kind", _kind_text(a), _kind_text(b))]
    kind = a["kind"]
    roles = set(a.get("roles", [])) | set(b.get("roles", []))
    # Where nothing says how callers use it, assume both ways.
    read = "response" in roles or not roles
    write = "request" in roles or not roles
    out = _docs(kind, name, a, b, ("description", "deprecated", "format"))
    if "module" in a and "module" in b and a["module"] != b["module"]:
        # The package still exports it, but an import from its old module fails.
        out.append(Change("breaking", "changed", kind, name, "module", a["module"], b["module"]))
    if kind == "alias":
        return _typed(kind, name, "type", _shape(a), _shape(b), read, write) + out
    if kind == "enum":
        if a["base"] != b["base"]:
            out.append(Change("breaking", "changed", kind, name, "base", a["base"], b["base"]))
        members_a, members_b = a["members"], b["members"]
        for member in sorted(set(members_a) | set(members_b)):
            label = f"{name}.{member}"
            if member not in members_b:
                out.append(Change("breaking", "removed", "member", label, None, repr(members_a[member])))
            elif member not in members_a:
                out.append(Change("compatible", "added", "member", label, None, None, repr(members_b[member])))
            elif members_a[member] != members_b[member]:
                out.append(Change("breaking", "changed", "member", label, "value", repr(members_a[member]), repr(members_b[member])))
        return out
    # Models are built as well as read (in requests, and in tests of code that reads responses):
    # a narrower field breaks everywhere, a wider one where callers read it.
    fields_a, fields_b = a["fields"], b["fields"]
    for field in sorted(set(fields_a) | set(fields_b)):
        x, y = fields_a.get(field), fields_b.get(field)
        label = f"{name}.{field}"
        if x is None or y is None:
            # A new field breaks only the requests built without it.
            given = y or x
            out.append(_presence("field", label, x, y, _shape_field(given)[0], breaking=x is not None or (write and given["required"])))
            continue
        out += _typed("field", label, "type", _shape_field(x), _shape_field(y), read, write=True)
        out += _docs("field", label, x, y, ("format", "description", "deprecated", "default"))
        out += _generic("field", label, x.get("wire", {}), y.get("wire", {}))
    return out


Shape = tuple[str, set[str]]  # an annotation as shown, and the alternatives it admits


def _typed(element: str, name: str, aspect: str, old: Shape, new: Shape, read: bool, write: bool) -> list[Change]:
    """A change of what a place admits. Where callers read, admitting more breaks them; where they pass, admitting less."""
    if old[0] == new[0]:
        return []
    a, b = old[1], new[1]
    broken = not (a <= b or b <= a)
    if read:
        broken = broken or not b - {_OMITTED} <= a - {_OMITTED}
    if write:
        broken = broken or not a <= b
    return [Change("breaking" if broken else "compatible", "changed", element, name, aspect, old[0], new[0])]


def _shape(node: dict[str, Any], key: str = "type", default: str | None = None) -> Shape:
    """What an annotated place admits: its alternatives, and (with a default) leaving it out."""
    alternatives = set(node.get("alternatives") or [node[key]])
    if default is None or node.get("required", True):
        return node[key], alternatives
    return f"{node[key]} = {default}", alternatives | {_OMITTED}


def _checks(name: str, old: dict[str, float], new: dict[str, float]) -> list[Change]:
    """Request checks: a stricter one makes calls that passed raise; a looser one does not."""
    if old == new:
        return []
    stricter = False
    for key in set(old) | set(new):
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            stricter = stricter or a is None
        elif a != b:
            stricter = stricter or (b > a if key.rpartition(".")[2] in _MINIMA else b < a)
    return [Change("breaking" if stricter else "compatible", "changed", "argument", name, "checks", _checks_text(old), _checks_text(new))]


def _checks_text(checks: dict[str, float]) -> str | None:
    return ", ".join(f"{k}={v}" for k, v in checks.items()) or None


def _docs(element: str, name: str, a: dict[str, Any], b: dict[str, Any], keys: tuple[str, ...]) -> list[Change]:
    out = []
    for key in keys:
        x, y = a.get(key), b.get(key)
        if x != y:
            out.append(Change("docs", "changed", element, name, key, _text(x), _text(y)))
    return out


def _generic(element: str, name: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """Attributes that do not show in callers' code (wire names, HTTP paths, locations...)."""
    return [
        Change("compatible", "changed", element, name, key, _text(a[key]), _text(b[key]))
        for key in sorted(set(a) & set(b))  # a key only one side has is new to the generator, not the API
        if a[key] != b[key]
    ]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _shape_arg(arg: dict[str, Any]) -> Shape:
    return _shape(arg, default="NOT_GIVEN")


def _shape_field(field: dict[str, Any]) -> Shape:
    return _shape(field, default="None")


def _positions(args: list[dict[str, Any]]) -> dict[str, str]:
    positional = [a["name"] for a in args if a["positional"]]
    return {a["name"]: (f"positional {positional.index(a['name']) + 1}" if a["positional"] else "keyword") for a in args}


def _kind_text(t: dict[str, Any]) -> str:
    return f"alias of {t['type']}" if t["kind"] == "alias" else str(t["kind"])


# -- output ------------------------------------------------------------------------------


def counts(changes: list[Change]) -> dict[str, int]:
    return {s: sum(1 for c in changes if c.severity == s) for s in SEVERITIES}


def totals(changes: list[Change]) -> str:
    return ", ".join(f"{n} {s}" for s, n in counts(changes).items())


def as_text(changes: list[Change]) -> str:
    if not changes:
        return "no changes to the public surface\n"
    return "".join(c.line() + "\n" for c in changes) + totals(changes) + "\n"


def as_markdown(changes: list[Change]) -> str:
    if not changes:
        return "No changes to the public surface.\n"
    out = [f"**SDK changes: {totals(changes)}**\n"]
    for severity in SEVERITIES:
        chosen = [c for c in changes if c.severity == severity]
        if chosen:
            out.append(f"\n### {severity.capitalize()}\n\n")
            out += [f"- {_markdown(c)}\n" for c in chosen]
    return "".join(out)


def _markdown(c: Change) -> str:
    head = f"{c.change.capitalize()} {c.element} {_code(c.name)}"
    if c.change != "changed":
        value = c.new if c.change == "added" else c.old
        return head + (f": {_code(value)}" if value else "")
    if c.aspect in _PROSE:
        return f"{head}: {c.aspect}"
    label = "" if c.aspect == "type" else f"{c.aspect} "
    return f"{head}: {label}{_code(c.old)} → {_code(c.new)}"


def _code(text: str | None) -> str:
    return "none" if text is None else markdown_code(_printable(text))


def as_json(changes: list[Change]) -> str:
    report = {
        "format": REPORT_FORMAT,
        "breaking": any(c.severity == "breaking" for c in changes),
        "counts": counts(changes),
        "changes": [asdict(c) for c in changes],
    }
    return json.dumps(report, indent=2) + "\n"


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}


def summary(files: dict[str, str], target: Path, label: str, limit: int = 8) -> str:
    """What regenerating `target` changes for callers, in a few lines ('' when nothing)."""
    new = json.loads(files[SURFACE_FILE])
    old = load_surface(target / SURFACE_FILE)
    if old is None and not target.exists():
        return ""  # a new package: everything is new, and the summary line says how many files
    changes = compare(old or {}, new)
    if not changes:
        return ""
    against = f"{label}/{SURFACE_FILE}" if old is not None else f"{label} (no {SURFACE_FILE} there: all of it counts as added)"
    lines = [f"SDK changes against {against}: {totals(changes)}"]
    shown = changes if len(changes) <= limit + 1 else changes[:limit]
    lines += ["  " + c.line() for c in shown]
    if len(changes) > limit + 1:
        lines.append(f"  ... and {len(changes) - limit} more (`python -m generator diff OLD_SPEC NEW_SPEC` lists every change)")
    return "\n".join(lines) + "\n"


def report(old_spec: str, new_spec: str, config_path: str | None, output: str) -> tuple[str, bool]:
    """The change report between two specs built with the same config: (text, whether anything breaks).

    Without a config file, none applies: both specs are generated whole, with the names they give.
    """
    if config_path is not None:
        config = load_config(config_path)
    else:
        config = Config(path="<arguments>", build=BuildConfig(package="client"), spec=Path(new_spec), overlay=None, output=Path("."))
    old, new = (surface(named_api(replace(config, spec=Path(spec)))) for spec in (old_spec, new_spec))
    changes = compare(old, new)
    return FORMATS[output](changes), any(c.severity == "breaking" for c in changes)
