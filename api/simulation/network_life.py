"""The network's own life beside the young people: partners, capacities, resources, lessons.

Over the months an association joins a running programme, a saturated service gets funding for
more places, coordinators lend their pooled resources quarter by quarter (never beyond what is
free), and workers publish practice notes that other associations endorse.
"""

from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

from api.simulation import texts
from api.simulation.agenda import working_moment
from api.simulation.catalogue import CAPACITY_RAISE, LATE_PARTNER
from api.simulation.run import Run
from api.simulation.world import Partner, PooledResource, allocate
from domain.network.association import competence

QUARTER_DAYS = 91
ALLOCATION_CANCELLED = 0.1
NOTE_REVISED = 0.25
REVISION = "Mise à jour après les retours des associations partenaires."


def plan_network_life(run: Run, start: datetime, end: datetime) -> None:
    days = (end - start).days

    def on_day(day: int, step: partial[None]) -> None:
        run.agenda.at(working_moment(run.rng, start.date() + timedelta(days=day), start), step)

    on_day(60, partial(_late_partner_joins, run))
    on_day(182, partial(_capacity_raised, run))
    for quarter_start in range(7, days, QUARTER_DAYS):
        on_day(quarter_start, partial(_lend_resources, run))
    interval = max(14, (days - 30) // len(texts.PRACTICE_NOTES))
    for index in range(len(texts.PRACTICE_NOTES)):
        on_day(20 + index * interval, partial(_publish_note, run, index))


def _late_partner_joins(run: Run) -> None:
    programme_key, partner_key, domains = LATE_PARTNER
    programme, partner = run.world.programme(programme_key), run.world.partner(partner_key)
    if run.attempt(
        "join_programme",
        lambda: run.ledger.join_programme(
            partner.coordinator.actor, programme.id, association_id=partner.id, domains=domains
        ),
    ):
        programme.components.extend((partner, d) for d in domains)
        run.note("programme partner joined")


def _capacity_raised(run: Run) -> None:
    partner_key, domain, factor = CAPACITY_RAISE
    partner = run.world.partner(partner_key)
    raised = partner.capacities[domain] * factor
    if run.attempt(
        "declare_competence",
        lambda: run.ledger.declare_competence(
            partner.coordinator.actor, partner.id, competence=competence(domain, raised, None)
        ),
    ):
        partner.capacities[domain] = raised
        run.note("competence capacity raised")


def _lend_resources(run: Run) -> None:
    """Each pooled resource lends part of what is free this quarter to another association."""
    starts_on = run.now.date()
    ends_on = starts_on + timedelta(days=QUARTER_DAYS - 1)
    for resource in run.world.resources:
        free = resource.free(starts_on, ends_on)
        if free <= 0:
            continue
        borrower = run.rng.choice([p for p in run.world.partners if p.id != resource.owner.id])
        quantity = run.rng.randint(1, max(1, free // 2))
        lend = partial(
            allocate, run.ledger, resource, starts_on, ends_on, quantity, partner=borrower
        )
        allocation_id = run.attempt("allocate_resource", lend)
        if allocation_id is None:
            continue
        run.note("resource allocated")
        if run.chance(ALLOCATION_CANCELLED):
            run.later(3, 20, partial(_release, run, resource, allocation_id))


def _release(run: Run, resource: PooledResource, allocation_id: UUID) -> None:
    """A loan cancelled before it starts: the period is free again for others."""
    if run.attempt(
        "release_allocation",
        lambda: run.ledger.release_allocation(
            resource.owner.coordinator.actor, resource.id, allocation_id=allocation_id
        ),
    ):
        resource.allocations = [a for a in resource.allocations if a.id != allocation_id]
        run.note("resource allocation released")


def _publish_note(run: Run, index: int) -> None:
    """A worker of an association competent in the note's first domain shares a lesson."""
    domains, title, body = texts.PRACTICE_NOTES[index]
    publisher = run.rng.choice(run.world.providers(domains[0]))
    programme = next(
        (p for p in run.world.programmes if any(d in domains for _, d in p.components)), None
    )
    programme_id = programme.id if programme is not None and run.chance(0.5) else None
    note_id = run.attempt(
        "publish_practice_note",
        lambda: run.ledger.publish_practice_note(
            run.rng.choice(publisher.workers).actor,
            title=title,
            body=body,
            domains=domains,
            programme_id=programme_id,
        ),
    )
    if note_id is None:
        return
    run.note("practice note published")
    others = [p for p in run.world.partners if p.id != publisher.id]
    for endorser in run.rng.sample(others, k=run.rng.randint(1, 4)):
        run.later(3, 40, partial(_endorse, run, note_id, endorser))
    if run.chance(NOTE_REVISED):
        run.later(20, 60, partial(_revise, run, note_id, publisher, title, body))


def _endorse(run: Run, note_id: UUID, endorser: Partner) -> None:
    member = run.rng.choice((endorser.coordinator, *endorser.workers))
    if run.attempt(
        "endorse_practice_note",
        lambda: run.ledger.endorse_practice_note(member.actor, note_id),
    ):
        run.note("practice note endorsed")


def _revise(run: Run, note_id: UUID, publisher: Partner, title: str, body: str) -> None:
    if run.attempt(
        "revise_practice_note",
        lambda: run.ledger.revise_practice_note(
            publisher.workers[0].actor, note_id, title=title, body=f"{body} {REVISION}"
        ),
    ):
        run.note("practice note revised")
