"""A TemplateData object that satisfies a contract: every required and optional path, two
items per list, and placeholder strings that show their own path (`order.items[1].price`).

Pure: the caller prints or writes the result.
"""

from __future__ import annotations

from typing import Any

from sestemplates.contract.derive import ITEM, Contract, Coord, keys_by_parent

ITEMS_PER_LIST = 2


def scaffold(contract: Contract) -> dict[str, Any]:
    children = keys_by_parent(contract.nodes)
    value = _value(contract, children, (), "")
    assert isinstance(value, dict)
    return value


def _value(contract: Contract, children: dict[Coord, list[str]], coord: Coord, shown: str) -> Any:
    node = contract.nodes.get(coord)
    roles = node.roles if node else set()
    item = (*coord, ITEM)
    if not coord and ("each" in roles or item in contract.nodes):
        # `{{#each this}}` at the top: TemplateData is an object, so its values are the items.
        items = {f"item{i}": _value(contract, children, item, f"item{i}") for i in range(2)}
        fixed = {k: _value(contract, children, (k,), k) for k in sorted(set(children.get((), [])))}
        return items | fixed
    if "each" in roles or item in contract.nodes:
        return [
            _value(contract, children, item, f"{shown}[{i}]") for i in range(ITEMS_PER_LIST)
        ]
    keys = sorted(set(children.get(coord, [])))
    if keys or "object" in roles or "lookup" in roles or not coord:
        return {
            key: _value(contract, children, (*coord, key), f"{shown}.{key}" if shown else key)
            for key in keys
        }
    if "printed" in roles:
        key = str(coord[-1]).lower()
        if key.endswith(("url", "href", "link")):
            return f"https://example.com/{shown}"  # printed into href/src: keep it a URL
        return shown
    return True  # only tested by a condition: take the branch that uses more of the data
