"""The TemplateData contract: derived from the one Handlebars AST, never written by hand.

    from sestemplates.contract import derive, to_schema, compare_parts, scaffold, validate

derive(programs) → Contract (required paths with the guards under which they are read);
to_schema(contract) → JSON Schema 2020-12; compare_parts(name, local, remote) → ContractDiff
(breaking / safe); scaffold(contract) → sample TemplateData; validate(schema, data) raises
ContractError naming every violating path. Pure except validate(), which may read the schema
file it is given.
"""

from __future__ import annotations

from sestemplates.contract.compare import Change, ContractDiff, compare, compare_parts, contract_of
from sestemplates.contract.derive import Contract, Requirement, Site, derive, display
from sestemplates.contract.scaffold import scaffold
from sestemplates.contract.schema import to_schema
from sestemplates.contract.validate import ContractError, Violation, validate, violations

__all__ = [
    "Change",
    "Contract",
    "ContractDiff",
    "ContractError",
    "Requirement",
    "Site",
    "Violation",
    "compare",
    "compare_parts",
    "contract_of",
    "derive",
    "display",
    "scaffold",
    "to_schema",
    "validate",
    "violations",
]
