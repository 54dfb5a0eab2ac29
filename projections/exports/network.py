"""The network's directory: associations, their competences, programmes and their components.

Associations and programmes are organisations, not people: their ids and names are published
as the network registered them, so evaluators can read the report and join the case files'
association columns. Competence descriptions (free text) and shared resources are left out.
"""

from projections.exports.columns import Record, Table, association, day, integer, string
from projections.exports.context import Context
from projections.exports.values import DOMAINS, day_of, integer_or_none

ASSOCIATIONS = Table(
    name="associations",
    row="an association registered in the network",
    columns=(
        string("association_id", "Id of the association (the ledger's, stable across studies)."),
        string("name", "Registered name of the association (an organisation, not a person)."),
        string("territory", "Territory the association serves."),
        day("registered_on", "Day the ledger registered it."),
    ),
    sort=("association_id",),
)

COMPETENCES = Table(
    name="competences",
    row="a domain an association declares it can serve, with its monthly capacity",
    columns=(
        association("association_id", "declaring it"),
        string("domain", "Domain of service.", *DOMAINS),
        integer("monthly_capacity", "Young people it can take on per month, if declared."),
    ),
    sort=("association_id", "domain"),
)

PROGRAMMES = Table(
    name="programmes",
    row="an integrated programme launched by the network",
    columns=(
        string("programme_id", "Id of the programme."),
        string("name", "Name of the programme."),
        integer("capacity", "Places in the cohort, if limited."),
        day("starts_on", "First day of the programme's period, if set."),
        day("ends_on", "Last day of the programme's period, if set."),
        day("closed_on", "Day it was closed, if it was."),
        day("launched_on", "Day the ledger recorded its launch."),
    ),
    sort=("programme_id",),
)

COMPONENTS = Table(
    name="programme_components",
    row="a component of a programme: one association delivering one domain",
    columns=(
        string("programme_id", "Id of the programme (see programmes.programme_id)."),
        association("association_id", "delivering the component"),
        string("domain", "Domain the component delivers.", *DOMAINS),
    ),
    sort=("programme_id", "association_id", "domain"),
)


def associations(ctx: Context) -> list[Record]:
    return [
        {
            "association_id": str(a["association_id"]),
            "name": str(a["name"]),
            "territory": str(a["territory"]),
            "registered_on": day_of(a["registered_at"]),
        }
        for a in ctx.rows("associations")
    ]


def competences(ctx: Context) -> list[Record]:
    return [
        {
            "association_id": str(c["association_id"]),
            "domain": str(c["domain"]),
            "monthly_capacity": integer_or_none(c["monthly_capacity"]),
        }
        for c in ctx.rows("competences")
    ]


def programmes(ctx: Context) -> list[Record]:
    return [
        {
            "programme_id": str(p["programme_id"]),
            "name": str(p["name"]),
            "capacity": integer_or_none(p["capacity"]),
            "starts_on": day_of(p["starts_on"]),
            "ends_on": day_of(p["ends_on"]),
            "closed_on": day_of(p["closed_at"]),
            "launched_on": day_of(p["launched_at"]),
        }
        for p in ctx.rows("programmes")
    ]


def components(ctx: Context) -> list[Record]:
    return [
        {
            "programme_id": str(c["programme_id"]),
            "association_id": str(c["association_id"]),
            "domain": str(c["domain"]),
        }
        for c in ctx.rows("components")
    ]
