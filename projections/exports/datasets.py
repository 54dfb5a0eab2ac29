"""Every dataset of an evaluation export, in the order the codebook and the manifest list them."""

from collections.abc import Callable

from projections.exports import care, flows, network, people
from projections.exports.columns import Record, Table
from projections.exports.context import Context

Builder = Callable[[Context], list[Record]]
Data = dict[str, list[Record]]
"""Each dataset's records, by table name."""

DATASETS: tuple[tuple[Table, Builder], ...] = (
    (people.YOUNG_PEOPLE, people.young_people),
    (care.NEEDS, care.needs),
    (care.GOALS, care.goals),
    (flows.INTERVENTIONS, flows.interventions),
    (flows.REFERRALS, flows.referrals),
    (flows.HANDOVERS, flows.handovers),
    (care.ENROLMENTS, care.enrolments),
    (care.CONSENTS, care.consents),
    (network.ASSOCIATIONS, network.associations),
    (network.COMPETENCES, network.competences),
    (network.PROGRAMMES, network.programmes),
    (network.COMPONENTS, network.components),
)


def build_datasets(ctx: Context) -> Data:
    return {table.name: build(ctx) for table, build in DATASETS}
