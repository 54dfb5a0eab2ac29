"""The simulated network's cast, registered through the ledger: associations, staff, programmes.

`found_world` runs on the first simulated morning as the network admin and the coordinators
would: register each association with its competences, pool its resources, launch the
integrated programmes and allocate them premises and staff time. Any refusal here is a bug in
the blueprint, so it is not caught.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random
from uuid import UUID

from api.simulation.cast import AssociationCast, Cast, Member, ProgrammeCast
from api.simulation.catalogue import (
    ASSOCIATIONS,
    PROGRAMMES,
    AssociationSpec,
    ProgrammeSpec,
    ResourceSpec,
)
from domain.ledger import Ledger
from domain.network.association import competence
from domain.network.programme import Component
from domain.network.shared_resource import Allocation, peak_use
from domain.vocabulary import Domain, Role

ADMIN = Member("reseau-admin", Role.NETWORK_ADMIN, None, "coordinatrice du réseau")


@dataclass(eq=False)
class Partner:
    """One association as the simulator knows it, with this month's intake per domain."""

    spec: AssociationSpec
    id: UUID
    capacities: dict[Domain, int]
    coordinator: Member
    workers: tuple[Member, ...]
    intake: Counter[tuple[Domain, int, int]] = field(default_factory=Counter)

    @property
    def territory(self) -> str:
        return self.spec.territory

    def serves(self, domain: Domain) -> bool:
        return domain in self.capacities

    def has_room(self, domain: Domain, on: date) -> bool:
        """Monthly capacity, as declared: new young people taken in this month in `domain`."""
        return self.intake[domain, on.year, on.month] < self.capacities.get(domain, 0)

    def take(self, domain: Domain, on: date) -> None:
        self.intake[domain, on.year, on.month] += 1


@dataclass(eq=False)
class PooledResource:
    id: UUID
    owner: Partner
    spec: ResourceSpec
    allocations: list[Allocation] = field(default_factory=list)

    def free(self, starts_on: date, ends_on: date) -> int:
        """What can still be allocated over the period: the ledger refuses anything more."""
        return self.spec.capacity - peak_use(self.allocations, starts_on, ends_on)


@dataclass(eq=False)
class ProgrammeRun:
    spec: ProgrammeSpec
    id: UUID
    components: list[tuple[Partner, Domain]]
    capacity: int
    opens_on: date
    ends_on: date
    enrolled: int = 0

    @property
    def partners(self) -> list[Partner]:
        return list({p.id: p for p, _ in self.components}.values())

    def has_place(self, on: date) -> bool:
        return self.opens_on <= on <= self.ends_on and self.enrolled < self.capacity


@dataclass
class World:
    partners: tuple[Partner, ...]
    programmes: tuple[ProgrammeRun, ...]
    resources: tuple[PooledResource, ...]
    admin: Member = ADMIN

    def partner(self, key: str) -> Partner:
        return next(p for p in self.partners if p.spec.key == key)

    def programme(self, key: str) -> ProgrammeRun:
        return next(p for p in self.programmes if p.spec.key == key)

    def leads(self) -> list[Partner]:
        return [p for p in self.partners if p.spec.leads_cases]

    def providers(self, domain: Domain) -> list[Partner]:
        return [p for p in self.partners if p.serves(domain)]

    def cast(self) -> Cast:
        return Cast(
            admin=self.admin,
            associations=tuple(
                AssociationCast(
                    id=p.id,
                    key=p.spec.key,
                    name=p.spec.name,
                    territory=p.territory,
                    domains=tuple(d.value for d in p.capacities),
                    coordinator=p.coordinator,
                    workers=p.workers,
                )
                for p in self.partners
            ),
            programmes=tuple(
                ProgrammeCast(p.id, p.spec.key, p.spec.name, tuple(x.id for x in p.partners))
                for p in self.programmes
            ),
        )


def scaled(capacity: int, scale: float) -> int:
    return max(1, round(capacity * scale))


def found_world(
    ledger: Ledger, *, intake_scale: float, cohort_scale: float, start: datetime, end: date
) -> World:
    """Registers the network on its first morning; capacities follow the simulated cohort."""
    partners = tuple(_register(ledger, spec, intake_scale) for spec in ASSOCIATIONS)
    by_key = {p.spec.key: p for p in partners}
    resources = tuple(
        _offer(ledger, partner, spec) for partner in partners for spec in partner.spec.resources
    )
    programmes = tuple(
        _launch(ledger, spec, by_key, scaled(spec.capacity, cohort_scale), start.date(), end)
        for spec in PROGRAMMES
    )
    for programme in programmes:
        key, quantity = programme.spec.pooled
        resource = next(r for r in resources if r.owner.spec.key == key)
        allocate(
            ledger, resource, programme.opens_on, programme.ends_on, quantity, programme=programme
        )
    return World(partners, programmes, resources)


def allocate(
    ledger: Ledger,
    resource: PooledResource,
    starts_on: date,
    ends_on: date,
    quantity: int,
    *,
    programme: ProgrammeRun | None = None,
    partner: Partner | None = None,
) -> UUID:
    allocation_id = ledger.allocate_resource(
        resource.owner.coordinator.actor,
        resource.id,
        starts_on=starts_on,
        ends_on=ends_on,
        quantity=quantity,
        programme_id=None if programme is None else programme.id,
        association_id=None if partner is None else partner.id,
    )
    resource.allocations.append(
        Allocation(
            allocation_id,
            None if programme is None else programme.id,
            None if partner is None else partner.id,
            starts_on,
            ends_on,
            quantity,
        )
    )
    return allocation_id


def _register(ledger: Ledger, spec: AssociationSpec, scale: float) -> Partner:
    capacities = {domain: scaled(capacity, scale) for domain, capacity in spec.competences}
    association_id = ledger.register_association(
        ADMIN.actor,
        name=spec.name,
        territory=spec.territory,
        competences=tuple(competence(d, c, None) for d, c in capacities.items()),
    )
    coordinator = Member(f"{spec.key}-coord", Role.COORDINATOR, association_id, "coordination")
    workers = tuple(
        Member(f"{spec.key}-w{n}", Role.WORKER, association_id, title)
        for n, title in enumerate(spec.staff, start=1)
    )
    return Partner(spec, association_id, capacities, coordinator, workers)


def _offer(ledger: Ledger, partner: Partner, spec: ResourceSpec) -> PooledResource:
    resource_id = ledger.offer_resource(
        partner.coordinator.actor,
        partner.id,
        kind=spec.kind,
        name=spec.name,
        capacity=spec.capacity,
    )
    return PooledResource(resource_id, partner, spec)


def _launch(
    ledger: Ledger,
    spec: ProgrammeSpec,
    by_key: dict[str, Partner],
    capacity: int,
    today: date,
    end: date,
) -> ProgrammeRun:
    components = [(by_key[key], domain) for key, domain in spec.components]
    opens_on = today + timedelta(days=spec.opens_after_days)
    programme_id = ledger.launch_programme(
        ADMIN.actor,
        name=spec.name,
        components=tuple(Component(p.id, d) for p, d in components),
        capacity=capacity,
        starts_on=opens_on,
        ends_on=end,
    )
    return ProgrammeRun(spec, programme_id, components, capacity, opens_on, end)


def pick_worker(rng: Random, partner: Partner) -> Member:
    return rng.choice(partner.workers)
