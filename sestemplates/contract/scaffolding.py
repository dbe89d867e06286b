"""A TemplateData object that satisfies a contract: every required and optional path, two
items per list, and placeholder strings that show their own path (`order.items[1].price`).

A `lookup` container holds what its key finds: the literal key, the placeholder of the key's
path (`{{lookup prices currency}}`), or one value per item (`{{lookup ../names @index}}`).

Pure: the caller prints or writes the result.
"""

from __future__ import annotations

from typing import Any

from sestemplates.contract.derive import ITEM, Contract, Coord, display, keys_by_parent

ITEMS_PER_LIST = 2


def scaffold(contract: Contract) -> dict[str, Any]:
    value = _Scaffold(contract).value((), "")
    assert isinstance(value, dict)
    return value


class _Scaffold:
    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.children = keys_by_parent(contract.nodes)
        self.by_index = {found.container for found in contract.lookups if found.key is None
                         and found.key_path is None}
        # A key read from a path prints the same placeholder for every item, so one
        # container key serves them all.
        self.key_paths = {found.key_path for found in contract.lookups
                          if found.key_path is not None and self.is_leaf(found.key_path)}
        self.lookup_keys: dict[Coord, set[str]] = {}
        for found in contract.lookups:
            if found.key is not None:
                self.lookup_keys.setdefault(found.container, set()).add(found.key)
            elif found.key_path in self.key_paths:
                key = display(found.key_path)
                self.lookup_keys.setdefault(found.container, set()).add(key)

    def is_leaf(self, coord: Coord) -> bool:
        node = self.contract.nodes.get(coord)
        roles = node.roles if node else set()
        iterated = "each" in roles or (*coord, ITEM) in self.contract.nodes
        return not (iterated or self.children.get(coord) or roles & {"object", "lookup"})

    def value(self, coord: Coord, shown: str) -> Any:
        node = self.contract.nodes.get(coord)
        roles = node.roles if node else set()
        item = (*coord, ITEM)
        if not coord and ("each" in roles or item in self.contract.nodes):
            # `{{#each this}}` at the top: TemplateData is an object, so its values are the
            # items.
            items = {f"item{i}": self.value(item, f"item{i}") for i in range(ITEMS_PER_LIST)}
            fixed = {k: self.value((k,), k) for k in sorted(set(self.children.get((), [])))}
            return items | fixed
        if "each" in roles or item in self.contract.nodes:
            return [self.value(item, f"{shown}[{i}]") for i in range(ITEMS_PER_LIST)]
        keys = set(self.children.get(coord, []))
        looked_up = self.lookup_keys.get(coord, set())
        if coord in self.by_index:
            if not keys and not looked_up:
                # Read in step with the items of an #each: as long as any list.
                return [f"{shown}[{i}]" for i in range(ITEMS_PER_LIST)]
            looked_up = looked_up | {str(i) for i in range(ITEMS_PER_LIST)}
        if keys or looked_up or roles & {"object", "lookup"} or not coord:
            return {
                key: self.value((*coord, key), f"{shown}.{key}" if shown else key)
                if key in keys
                else f"{shown}.{key}" if shown else key
                for key in sorted(keys | looked_up)
            }
        if coord in self.key_paths:
            return display(coord)  # the container's key, whichever item reads it
        if "printed" in roles:
            key = str(coord[-1]).lower()
            if key.endswith(("url", "href", "link")):
                return f"https://example.com/{shown}"  # printed into href/src: keep it a URL
            return shown
        return True  # only tested by a condition: take the branch that uses more of the data
