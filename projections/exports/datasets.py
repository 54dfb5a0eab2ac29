"""Every dataset of an evaluation export, in the order the codebook and the manifest list them.

Each dataset is one query over the staged read models, materialised once as `ds_<name>`: typed
as its table declares and sorted in the table's total order, so the CSV, the Parquet file and
the aggregates all read the very same rows. Pseudonyms are computed by the query, from the
study's HMAC keys bound as parameters (never part of the statement's text).
"""

from datetime import date

from projections.exports import care, flows, network, people
from projections.exports.columns import Record, Table
from projections.exports.pseudonyms import Pseudonymiser
from projections.exports.sql import TYPES, sort_key
from projections.exports.staging import Staging

Data = dict[str, list[Record]]
"""Records by table name: what the record-level aggregate functions read."""

DATASETS: tuple[tuple[Table, str], ...] = (
    (people.YOUNG_PEOPLE, people.YOUNG_PEOPLE_SQL),
    (care.NEEDS, care.NEEDS_SQL),
    (care.GOALS, care.GOALS_SQL),
    (flows.INTERVENTIONS, flows.INTERVENTIONS_SQL),
    (flows.REFERRALS, flows.REFERRALS_SQL),
    (flows.HANDOVERS, flows.HANDOVERS_SQL),
    (care.ENROLMENTS, care.ENROLMENTS_SQL),
    (care.CONSENTS, care.CONSENTS_SQL),
    (network.ASSOCIATIONS, network.ASSOCIATIONS_SQL),
    (network.COMPETENCES, network.COMPETENCES_SQL),
    (network.PROGRAMMES, network.PROGRAMMES_SQL),
    (network.COMPONENTS, network.COMPONENTS_SQL),
)


def staged(table: Table) -> str:
    """The staging table holding a dataset's rows."""
    return f"ds_{table.name}"


def build_dataset(
    staging: Staging, table: Table, query: str, pseudonyms: Pseudonymiser, as_at: date | None
) -> None:
    typed = ", ".join(f'CAST("{c.name}" AS {TYPES[c.kind]}) AS "{c.name}"' for c in table.columns)
    by_name = {c.name: c for c in table.columns}
    order = ", ".join(sort_key(by_name[name]) for name in (*table.sort, *table.names))
    parameters: dict[str, object] = {
        name: value for name, value in pseudonyms.pads().items() if f"${name}" in query
    }
    if "$as_at" in query:
        parameters["as_at"] = as_at
    statement = (
        f"CREATE TABLE {staged(table)} AS SELECT * FROM (SELECT {typed} FROM ({query}))"
        f" ORDER BY {order}"
    )
    staging.db.execute(statement, parameters)
