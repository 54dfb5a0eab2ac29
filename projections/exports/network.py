"""The network's directory: associations, their competences, programmes and their components.

Associations and programmes are organisations, not people: their ids and names are published
as the network registered them, so evaluators can read the report and join the case files'
association columns. Competence descriptions (free text) and shared resources are left out.
"""

from projections.exports import sql
from projections.exports.columns import Table, association, day, integer, string
from projections.exports.values import DOMAINS

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


ASSOCIATIONS_SQL = f"""
SELECT association_id, name, territory, {sql.day("registered_at")} AS registered_on
FROM src_associations
"""

COMPETENCES_SQL = "SELECT association_id, domain, monthly_capacity FROM src_competences"

PROGRAMMES_SQL = f"""
SELECT
    programme_id,
    name,
    capacity,
    {sql.day("starts_on")} AS starts_on,
    {sql.day("ends_on")} AS ends_on,
    {sql.day("closed_at")} AS closed_on,
    {sql.day("launched_at")} AS launched_on
FROM src_programmes
"""

COMPONENTS_SQL = "SELECT programme_id, association_id, domain FROM src_components"
