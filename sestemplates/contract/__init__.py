"""The TemplateData contract: derived from the one Handlebars AST, never written by hand.

    from sestemplates.contract import derive, to_schema, compare_parts, scaffold, validate

derive(programs) → Contract (required paths with the guards under which they are read);
to_schema(contract) → JSON Schema 2020-12; compare_parts(name, local, remote) → ContractDiff
(breaking / safe, in contract/compare.py); scaffold(contract) → sample TemplateData;
validate(schema, data) raises ContractError naming every violating path. Pure except
validate(), which may read the schema file it is given.

Only what `check` needs is imported with the package (it runs on every commit); the rest is
imported when first called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sestemplates.contract.derive import Contract, Requirement, Site, derive, display
from sestemplates.contract.schema import to_schema
from sestemplates.contract.validate import ContractError, Violation, validate, violations

if TYPE_CHECKING:
    from sestemplates.contract.compare import ContractDiff

__all__ = [
    "Contract",
    "ContractError",
    "Requirement",
    "Site",
    "Violation",
    "compare_parts",
    "compare_with_summary",
    "contract_of",
    "contract_summary",
    "derive",
    "display",
    "scaffold",
    "to_schema",
    "validate",
    "violations",
]


def compare_parts(
    name: str, local: Mapping[str, str], remote: Mapping[str, str] | None
) -> ContractDiff:
    """What replacing SES's version (`remote` parts; None: a new template) with `local` changes
    for senders. See sestemplates.contract.compare."""
    from sestemplates.contract.compare import compare_parts as run

    return run(name, local, remote)


def contract_summary(parts: Mapping[str, str]) -> dict[str, Any] | None:
    """The JSON summary of a version's contract that compare_with_summary() takes later;
    None when a part does not parse."""
    from sestemplates.contract.compare import contract_of as derive_parts
    from sestemplates.contract.compare import summary
    from sestemplates.handlebars import HandlebarsError

    try:
        return summary(derive_parts(parts))
    except HandlebarsError:
        return None


def compare_with_summary(
    name: str, local: Mapping[str, str], remote: Mapping[str, Any]
) -> ContractDiff:
    """compare_parts() against a contract_summary() of the version SES holds."""
    from sestemplates.contract.compare import ContractDiff, compare_summary
    from sestemplates.contract.compare import contract_of as derive_parts
    from sestemplates.handlebars import HandlebarsError

    try:
        after = derive_parts(local)
    except HandlebarsError as exc:
        return ContractDiff(name, unknown=f"the local version does not parse: {exc}")
    return compare_summary(name, after, remote)


def contract_of(parts: Mapping[str, str]) -> Contract:
    """The contract of raw part texts (raises HandlebarsError when one does not parse)."""
    from sestemplates.contract.compare import contract_of as run

    return run(parts)


def scaffold(contract: Contract) -> dict[str, Any]:
    """TemplateData with every path, two items per list, placeholders naming their path."""
    from sestemplates.contract.scaffolding import scaffold as run

    return run(contract)
