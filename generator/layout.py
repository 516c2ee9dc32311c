"""Where everything lives in the generated package: its modules, derived from the named IR.

```
__init__.py                       the package's names, each imported on first use
_client.py                        the clients; each resource attached on first use
resources/chat/__init__.py        a resource with sub-resources: its classes and operations
resources/chat/completions.py     a resource without: the same
types/__init__.py                 every type's group, imported on first use
types/chat/__init__.py            the group's types, imported on first use
types/chat/chat_completion.py     one module per type
types/shared/...                  types used by several top-level resources, or by none
```

A type lives in the group of the top-level resource whose operations use it (`types/chat/`
for `chat.completions`), or in `shared`. Importing a type's module runs the readers of the
types it contains (`bind(...)`), so the modules that reads import must form no cycle: models
that refer to each other through their fields (a strongly connected component of that graph)
share one module, named after the first of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ir
from .names import BUILTINS, identifier

SHARED = "shared"


@dataclass(frozen=True)
class TypesModule:
    name: str  # dotted, from the package: "types.chat.chat_completion"
    decls: tuple[ir.Decl, ...]
    order: int  # the modules it imports when loaded come earlier


@dataclass(frozen=True)
class Layout:
    modules: tuple[TypesModule, ...]  # in import order
    module_of: dict[str, str]  # declaration key → its module's dotted name
    groups: dict[str, dict[str, str]]  # group → {type name: its module within the group}
    order: dict[str, int]  # module → its place in import order


def layout(api: ir.Api) -> Layout:
    decls = {d.key: d for d in api.decls}
    components = _components({key: runtime_refs(d, decls) for key, d in decls.items()})
    places = uses(api)
    taken: dict[str, set[str]] = {}
    modules: list[TypesModule] = []
    module_of: dict[str, str] = {}
    groups: dict[str, dict[str, str]] = {}
    # Names are given in name order (not graph order), so that a module's name does not depend
    # on how the graph is walked.
    named = sorted(components, key=lambda keys: min(decls[k].py_name for k in keys))
    names: dict[tuple[str, ...], tuple[str, str]] = {}
    for keys in named:
        first = min(decls[k].py_name for k in keys)
        tops = {p.split(".")[0] for k in keys for p in places.get(k, (set(), set()))[1]}
        group = tops.pop() if len(tops) == 1 else SHARED
        used = taken.setdefault(group, set())
        base = identifier(first, BUILTINS)  # see SUBRESOURCE_RESERVED in names.py
        module, n = base, 2
        while module in used:
            module, n = f"{base}_{n}", n + 1
        used.add(module)
        names[keys] = (group, module)
    for order, keys in enumerate(components):
        group, module = names[keys]
        members = tuple(sorted((decls[k] for k in keys), key=lambda d: d.py_name))
        dotted = f"types.{group}.{module}"
        modules.append(TypesModule(dotted, members, order))
        for d in members:
            module_of[d.key] = dotted
            groups.setdefault(group, {})[d.py_name] = module
    return Layout(
        tuple(modules),
        module_of,
        {g: dict(sorted(m.items())) for g, m in sorted(groups.items())},
        {m.name: m.order for m in modules},
    )


def runtime_refs(d: ir.Decl, decls: dict[str, ir.Decl]) -> set[str]:
    """The declarations whose objects loading `d` uses: the classes its readers name (aliases
    are read as what they stand for), or the names an alias's value spells out."""
    out: set[str] = set()

    def walk(t: ir.Type, expand: bool, seen: frozenset[str]) -> None:
        if isinstance(t, ir.Ref):
            target = decls[t.key]
            if expand and isinstance(target, ir.Alias):
                if t.key not in seen:
                    walk(target.type, expand, seen | {t.key})
            else:
                out.add(t.key)
            return
        if isinstance(t, ir.OneOf) and t.discriminator is not None:
            out.update(key for _, key in t.discriminator.mapping)
        for child in children(t):
            walk(child, expand, seen)

    if isinstance(d, ir.Model):
        for f in d.fields:
            walk(f.type, True, frozenset())
    elif isinstance(d, ir.Alias):
        walk(d.type, False, frozenset())
    return out


def _components(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Strongly connected components, each after the ones it refers to (Tarjan's algorithm,
    iterative: reference chains can be long)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[tuple[str, ...]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(tuple(sorted(component)))
    return out


def children(t: ir.Type) -> tuple[ir.Type, ...]:
    if isinstance(t, ir.ListOf):
        return (t.item,)
    if isinstance(t, ir.MapOf):
        return (t.value,)
    if isinstance(t, ir.Nullable):
        return (t.inner,)
    if isinstance(t, ir.OneOf):
        return t.variants
    return ()


def uses(api: ir.Api) -> dict[str, tuple[set[str], set[str]]]:
    """For each declaration: whether callers pass it, read it or both, and the resources whose methods do."""
    decls = {d.key: d for d in api.decls}
    out: dict[str, tuple[set[str], set[str]]] = {}
    for op in api.operations:
        place = ".".join(op.resource)
        for role, types in (("request", [p.type for p in op.params]), ("response", [op.response] if op.response else [])):
            seen: set[str] = set()
            stack: list[ir.Type] = list(types)
            while stack:
                t = stack.pop()
                if not isinstance(t, ir.Ref):
                    stack.extend(children(t))
                    continue
                if t.key in seen:
                    continue
                seen.add(t.key)
                roles, places = out.setdefault(t.key, (set(), set()))
                roles.add(role)
                places.add(place)
                decl = decls[t.key]
                if isinstance(decl, ir.Model):
                    stack.extend(f.type for f in decl.fields)
                elif isinstance(decl, ir.Alias):
                    stack.append(decl.type)
    return out


# -- resources ------------------------------------------------------------------------------


def resource_module(path: tuple[str, ...]) -> str:
    """`resources.chat.completions`: a module, or a package when the resource has sub-resources
    (the same import path either way)."""
    return ".".join(("resources", *path))


def module_file(module: str, package: bool = False) -> str:
    """The file of a dotted module: `types/chat/chat_completion.py`, or `.../__init__.py` for a package."""
    parts = module.split(".")
    return "/".join(parts) + ("/__init__.py" if package else ".py")
