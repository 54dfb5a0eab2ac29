"""The case overview and the access facts: what the API shows and what authorisation reads."""

from projections.cases import access, flows, interventions, overview
from projections.projection import Handler, Projection

HANDLERS: dict[str, list[Handler]] = {}
for _module in (overview, access, flows, interventions):
    for _name, _handlers in _module.HANDLERS.items():
        HANDLERS.setdefault(_name, []).extend(_handlers)


class CasesProjection(Projection):
    name = "cases"
    version = 2
    """2: the `interventions` table (duration, programme) for evaluation exports."""
    tables = {**overview.TABLES, **access.TABLES, **flows.TABLES, **interventions.TABLES}
    handlers = HANDLERS
    holds_facts = True
