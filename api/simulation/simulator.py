"""`simulate`: seeds a realistic network through the ledger's own commands, in business time.

The run founds the network on its first morning, plans each young person's arrival (more in the
first months), then replays the agenda in business-time order, moving the clock the ledger was
built with to each step's moment: every `occurred_at`, every "not in the future" check and every
referral expiry follows simulated time. Same ledger state, seed and sizes: same history.
"""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from random import Random
from uuid import UUID

from api.simulation.agenda import Agenda
from api.simulation.catalogue import REFERENCE_INTAKE_PER_MONTH
from api.simulation.clock import DrivableClock, advance
from api.simulation.network_life import plan_network_life
from api.simulation.run import Run
from api.simulation.story import enrol, intake_moment
from api.simulation.summary import SimulationSummary, count_events, head
from api.simulation.world import found_world
from domain.actor import Actor
from domain.ledger import Ledger
from domain.vocabulary import Role

Progress = Callable[[int, int], None]
"""Called with (simulated days done, days in the period) as the run moves through time."""

REFERENCE_COHORT = 300
SHOWCASE = 5
ERASURES = 3
"""How many young people ask for erasure (GDPR art. 17) at the end of a run: the network's
data-protection officer carries it out, as a network admin."""
DPO = Actor(user_id="dpo", role=Role.NETWORK_ADMIN)


def simulate(
    ledger: Ledger,
    clock: DrivableClock,
    *,
    young_people: int = REFERENCE_COHORT,
    months: int = 18,
    seed: int = 7,
    expiry_days: int = 30,
    progress: Progress | None = None,
) -> SimulationSummary:
    """Runs `months` of network life from `clock.now`, with `young_people` enrolled over time.

    `clock` must be the one `ledger` reads (build it with `build(settings, clock=clock)`);
    `expiry_days` should be the instance's `referral_expiry_days`, the delay after which the
    simulator asks the ledger to expire unanswered referrals.
    """
    if young_people < 1 or months < 1:
        raise ValueError("simulate at least one young person over at least one month")
    if ledger.clock is not clock:
        raise ValueError("the ledger must be built with the simulator's clock")
    rng = Random(seed)  # noqa: S311 - dice of a simulation, not secrets
    start = clock.now
    end = add_months(start, months)
    first_position = head(ledger)
    intake_scale = (young_people / months) / REFERENCE_INTAKE_PER_MONTH
    world = found_world(
        ledger,
        intake_scale=intake_scale,
        cohort_scale=young_people / REFERENCE_COHORT,
        start=start,
        end=end.date(),
    )
    run = Run(ledger, clock, rng, Agenda(end), world, expiry_days=expiry_days)
    plan_network_life(run, start, end)
    intake_days = max(1, (end - start).days - 21)
    for serial in range(young_people):
        run.agenda.at(intake_moment(run, start, intake_days), partial(enrol, run, serial))
    _drive(run, start, end, progress)
    erased = _erase_some(run)
    return _summarise(run, seed, months, start, end, first_position, erased)


def _erase_some(run: Run) -> tuple[UUID, ...]:
    """Erases a few young people who are not among the showcase (the demo reads those)."""
    ranked = sorted(run.paths, key=lambda p: p.commands, reverse=True)
    spared = {p.id for p in ranked[: SHOWCASE if len(ranked) > SHOWCASE + ERASURES else 1]}
    candidates = [p.id for p in run.paths if p.id not in spared]
    chosen = tuple(run.rng.sample(candidates, k=min(ERASURES, len(candidates))))
    for young_person in chosen:
        run.ledger.erase_young_person(DPO, young_person, reason="demande d'effacement RGPD art. 17")
    return chosen


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def _drive(run: Run, start: datetime, end: datetime, progress: Progress | None) -> None:
    total_days = (end - start).days
    reported = -1
    while (planned := run.agenda.pop()) is not None:
        moment, step = planned
        advance(run.clock, moment)
        step()
        day = (moment - start).days
        if progress is not None and day != reported:
            progress(day, total_days)
            reported = day
    advance(run.clock, end)
    if progress is not None:
        progress(total_days, total_days)


def _summarise(
    run: Run,
    seed: int,
    months: int,
    start: datetime,
    end: datetime,
    first_position: int,
    erased: tuple[UUID, ...],
) -> SimulationSummary:
    ids = tuple(p.id for p in run.paths)
    richest = sorted(run.paths, key=lambda p: p.commands, reverse=True)[:SHOWCASE]
    return SimulationSummary(
        seed=seed,
        young_people=len(ids),
        months=months,
        started_at=start,
        ended_at=end,
        events=count_events(run.ledger, first_position),
        outcomes=dict(sorted(run.outcomes.items())),
        refused=dict(sorted(run.refused.items())),
        cast=run.world.cast(),
        young_person_ids=ids,
        showcase=tuple(p.id for p in richest),
        erased=erased,
    )
