"""Type-checked with the generated package (tests/test_mypy.py): each type from the package, from its
group and from its module; each resource, sub-resource and raw response by attribute."""

from __future__ import annotations

from modular import AsyncModular, Class, Edge, Label, List, Modular, Node, Part, Thing, Tree
from modular.resources.things import ThingsResource
from modular.resources.things.list_ import ThingsListResource
from modular.types.graphs import Graph, Shape
from modular.types.graphs.edge import Edge as EdgeFromItsModule
from modular.types.list.list_ import List as ListFromItsModule


def calls(client: Modular) -> None:
    things: ThingsResource = client.things
    labels: ThingsListResource = client.things.list_
    thing: Thing = things.retrieve("t1")
    label: Label = labels.retrieve("l1")
    parts: list[Part] = client.things.parts.list("t1")
    item: ListFromItsModule = client.list.retrieve("i1")
    graph: Graph = client.graphs.retrieve("g1")
    edge: EdgeFromItsModule = Edge(to=Node(name="n"))
    shape: Shape = client.graphs.update("g1", root=Node(name="a", edges=[edge]), tree=Tree(children=[]), kind=Class.A)
    raw_label: Label = client.things.with_raw_response.list_.retrieve("l1").parse()
    print(thing, label, parts, item, graph, shape, raw_label, List(label=label))


async def async_calls(client: AsyncModular) -> None:
    thing: Thing = await client.things.retrieve("t1")
    label: Label = await client.things.list_.retrieve("l1")
    raw: Label = (await client.things.with_raw_response.list_.retrieve("l1")).parse()
    print(thing, label, raw)
