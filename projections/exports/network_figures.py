"""Network aggregates: the needs coverage map, handovers between associations, and the
interventions delivered per domain and programme.

Coverage follows the read side's definition (projections/queries/coverage.py): demand is the
open needs of open case files, placed in the young person's territory; supply is the monthly
capacity the territory's associations declare in the domain. A cell whose demand exceeds its
supply is a service gap.
"""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from projections.exports.columns import Record, Table, Value, boolean, decimal, integer, string
from projections.exports.datasets import Data
from projections.exports.referral_figures import PEOPLE, SUPPRESSED
from projections.exports.suppression import complemented_by_published, shown, small

NO_PROGRAMME = "(none)"

COVERAGE = Table(
    name="needs_coverage",
    folder="aggregates",
    row="a territory and a domain with open needs or declared capacity",
    columns=(
        string("territory", "Territory (of the young people; of the associations for capacity)."),
        string("domain", "Domain."),
        PEOPLE,
        integer("open_needs", "Open needs of open case files (blank if suppressed)."),
        integer("monthly_capacity", "Monthly capacity declared by the territory's associations."),
        boolean("service_gap", "Open needs exceed the declared capacity (blank if suppressed)."),
        SUPPRESSED,
    ),
    sort=("territory", "domain"),
)

HANDOVERS_BETWEEN = Table(
    name="handovers_between",
    folder="aggregates",
    row="handovers of the lead from one association to another, per outcome",
    columns=(
        string("from_association_id", "Association that proposed the handover."),
        string("from_name", "Its name."),
        string("to_association_id", "Association proposed as the new lead."),
        string("to_name", "Its name."),
        string("status", "Outcome of the handovers counted (ACCEPTED, DECLINED, ...)."),
        integer("handovers", "Handovers (blank if suppressed)."),
        PEOPLE,
        SUPPRESSED,
    ),
    sort=("from_name", "to_name", "status", "from_association_id", "to_association_id"),
)

INTERVENTIONS_BY = Table(
    name="interventions_by_domain_programme",
    folder="aggregates",
    row="interventions delivered (not retracted) in a domain, within a programme or none",
    columns=(
        string("domain", "Domain of the interventions."),
        string("programme_id", f"Programme they served, or {NO_PROGRAMME!r}."),
        string("programme_name", f"Its name, or {NO_PROGRAMME!r}."),
        integer("interventions", "Interventions (blank if suppressed)."),
        decimal("hours", "Recorded duration in hours, to 0.1 (blank if suppressed)."),
        PEOPLE,
        SUPPRESSED,
    ),
    sort=("domain", "programme_name", "programme_id"),
)


def coverage(data: Data, k: int) -> list[Record]:
    people = {p["young_person"]: p for p in data["young_people"]}
    needs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for need in data["needs"]:
        person = people.get(need["young_person"])
        if need["status"] == "OPEN" and person is not None and person["status"] == "OPEN":
            needs[str(person["territory"]), str(need["domain"])].append(str(need["young_person"]))
    territory_of = {a["association_id"]: str(a["territory"]) for a in data["associations"]}
    capacity: dict[tuple[str, str], int] = defaultdict(int)
    for competence in data["competences"]:
        territory = territory_of.get(competence["association_id"])
        if territory is not None:
            declared = competence["monthly_capacity"]
            capacity[territory, str(competence["domain"])] += int(str(declared or 0))
    return [
        coverage_cell(
            cell, len(needs.get(cell, [])), len(set(needs.get(cell, []))), capacity.get(cell, 0), k
        )
        for cell in sorted({*needs, *capacity})
    ]


def coverage_cell(
    cell: tuple[str, str], open_needs: int, people: int, monthly_capacity: int, k: int
) -> Record:
    """A cell (territory, domain): a service gap where open needs exceed declared capacity."""
    hidden = small(people, k)
    return {
        "territory": cell[0],
        "domain": cell[1],
        "young_people": shown(people, hidden),
        "open_needs": shown(open_needs, hidden),
        "monthly_capacity": monthly_capacity,
        "service_gap": None if hidden else open_needs > monthly_capacity,
        "suppressed": hidden,
    }


def handovers_between(data: Data, k: int) -> list[Record]:
    names = {a["association_id"]: a["name"] for a in data["associations"]}
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for h in data["handovers"]:
        key = (str(h["from_association_id"]), str(h["to_association_id"]), str(h["status"]))
        groups[key].append(str(h["young_person"]))
    return complete_handovers(
        [handovers_of(names, key, len(who), len(set(who)), k) for key, who in groups.items()]
    )


def complete_handovers(records: list[Record]) -> list[Record]:
    """The accepted handovers between associations add up to the headline's
    `handovers_accepted`."""
    return complemented_by_published(
        records,
        lambda r: "handovers_accepted" if r["status"] == "ACCEPTED" else None,
        ("handovers", "young_people"),
        "handovers",
    )


def complete_interventions(records: list[Record]) -> list[Record]:
    """The interventions and hours of every domain and programme add up to the headline's."""
    return complemented_by_published(
        records,
        lambda _: "interventions",
        ("interventions", "hours", "young_people"),
        "interventions",
    )


def handovers_of(
    names: Mapping[Any, Value], key: tuple[str, str, str], handovers: int, people: int, k: int
) -> Record:
    """Handovers from one association to another, in one status."""
    origin, target, status = key
    hidden = small(people, k)
    return {
        "from_association_id": origin,
        "from_name": names.get(origin),
        "to_association_id": target,
        "to_name": names.get(target),
        "status": status,
        "handovers": shown(handovers, hidden),
        "young_people": shown(people, hidden),
        "suppressed": hidden,
    }


def interventions_by(data: Data, k: int) -> list[Record]:
    names = {p["programme_id"]: p["name"] for p in data["programmes"]}
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for i in data["interventions"]:
        if not i["retracted"]:
            groups[str(i["domain"]), str(i["programme_id"] or NO_PROGRAMME)].append(i)
    return complete_interventions(
        [
            interventions_in(
                names,
                key,
                len(chosen),
                len({i["young_person"] for i in chosen}),
                sum(int(str(i["duration_minutes"] or 0)) for i in chosen),
                k,
            )
            for key, chosen in groups.items()
        ]
    )


def interventions_in(
    names: Mapping[Any, Value],
    key: tuple[str, str],
    interventions: int,
    people: int,
    minutes: int,
    k: int,
) -> Record:
    """Interventions delivered in one domain for one programme (or none)."""
    domain, programme = key
    hidden = small(people, k)
    return {
        "domain": domain,
        "programme_id": programme,
        "programme_name": names.get(programme, NO_PROGRAMME),
        "interventions": shown(interventions, hidden),
        "hours": shown(round(minutes / 60, 1), hidden),
        "young_people": shown(people, hidden),
        "suppressed": hidden,
    }
