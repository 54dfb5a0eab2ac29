"""Access facts: who is involved, why, and which sensitivities they may read — and a
revocation is visible to the very next read once the projections reached the command."""

from datetime import timedelta

from domain.network.programme import Component
from domain.vocabulary import ConsentGiver, Domain, HandoverStatus, Sensitivity
from projections.queries.cases import access_facts, case_overview
from tests.projections.conftest import World


def facts(world: World, young_person: object):  # type: ignore[no-untyped-def]
    world.caught_up()
    return access_facts(world.parcours.read_store, young_person)  # type: ignore[arg-type]


def test_the_lead_is_involved_and_without_consent_reads_nobody_else_s_content(
    world: World,
) -> None:
    young_person = world.network.enrol()

    seen = facts(world, young_person)

    a, b = str(world.network.a), str(world.network.b)
    assert seen.relations_of(a) == {"LEAD"}
    assert seen.relations_of(b) == set()
    today = world.network.clock.now.date()
    assert seen.consented_sensitivities(a, today) == set()
    assert seen.consented_sensitivities(b, today) == set()


def test_a_referral_involves_its_addressee_until_it_is_completed(world: World) -> None:
    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    referral = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )
    pending = facts(world, young_person).relations_of(str(n.b))
    ledger.accept_referral(n.worker_b, young_person, referral_id=referral)
    accepted = facts(world, young_person).relations_of(str(n.b))
    ledger.complete_referral(n.worker_b, young_person, referral_id=referral)
    completed = facts(world, young_person).relations_of(str(n.b))

    assert pending == {"REFERRAL"}
    assert accepted == {"REFERRAL"}
    assert completed == set()


def test_a_health_consent_to_named_associations_opens_health_to_them_only(world: World) -> None:
    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    ledger.make_referral(n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING)
    ledger.make_referral(n.worker_a, young_person, to_association_id=n.c, domain=Domain.HOUSING)
    consent = ledger.give_consent(
        n.worker_a,
        young_person,
        sensitivities=(Sensitivity.HEALTH,),
        purpose="coordinated care",
        given_by=ConsentGiver.GUARDIAN,
        recipients=(n.b,),
    )
    today = n.clock.now.date()

    given = facts(world, young_person)
    ledger.withdraw_consent(n.worker_a, young_person, consent_id=consent)
    withdrawn = facts(world, young_person)

    assert given.consented_sensitivities(str(n.b), today) == {"HEALTH"}
    assert given.consented_sensitivities(str(n.c), today) == set()
    assert withdrawn.consented_sensitivities(str(n.b), today) == set()


def test_an_expired_consent_no_longer_opens_anything(world: World) -> None:
    young_person = world.network.enrol()
    n = world.network
    world.parcours.ledger.give_consent(
        n.worker_a,
        young_person,
        sensitivities=(Sensitivity.JUSTICE,),
        purpose="court follow-up",
        given_by=ConsentGiver.YOUNG_PERSON,
        expires_on=n.clock.now.date() + timedelta(days=10),
    )
    seen = facts(world, young_person)

    assert "JUSTICE" in seen.consented_sensitivities(str(n.a), n.clock.now.date())
    later = n.clock.now.date() + timedelta(days=11)
    assert "JUSTICE" not in seen.consented_sensitivities(str(n.a), later)


def test_an_accepted_handover_moves_the_lead_and_revokes_the_old_one(world: World) -> None:
    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    handover = ledger.propose_handover(n.worker_a, young_person, to_association_id=n.b)
    proposed = facts(world, young_person)
    ledger.accept_handover(n.worker_b, young_person, handover_id=handover)
    accepted = facts(world, young_person)
    overview = case_overview(world.parcours.read_store, young_person)

    assert proposed.relations_of(str(n.b)) == {"HANDOVER"}
    assert accepted.relations_of(str(n.b)) == {"LEAD"}
    assert accepted.relations_of(str(n.a)) == set()
    assert overview is not None
    assert overview.lead_association_id == str(n.b)
    assert overview.referent_user_id == n.worker_b.user_id


def test_a_declined_handover_leaves_nothing_behind(world: World) -> None:
    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    handover = ledger.propose_handover(n.worker_a, young_person, to_association_id=n.c)
    ledger.end_handover(
        n.worker_c, young_person, handover_id=handover, status=HandoverStatus.DECLINED
    )

    assert facts(world, young_person).relations_of(str(n.c)) == set()


def test_programme_partners_are_involved_while_enrolled_and_while_partners(world: World) -> None:
    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    programme = ledger.launch_programme(
        n.admin, name="Cap Avenir", components=(Component(n.c, Domain.MENTORING),), capacity=10
    )
    ledger.enrol_in_programme(n.worker_a, young_person, programme_id=programme)
    enrolled = facts(world, young_person)
    ledger.join_programme(n.admin, programme, association_id=n.b, domains=(Domain.HOUSING,))
    joined = facts(world, young_person)
    ledger.leave_programme(n.worker_a, young_person, programme_id=programme)
    left = facts(world, young_person)

    assert enrolled.relations_of(str(n.c)) == {"PROGRAMME"}
    assert joined.relations_of(str(n.b)) == {"PROGRAMME"}
    assert left.relations_of(str(n.b)) == set()
    assert left.relations_of(str(n.c)) == set()


def test_a_command_is_visible_once_the_projections_reached_its_position(world: World) -> None:
    young_person = world.network.enrol()
    world.caught_up()
    runner = world.parcours.projections
    referral_made = world.parcours.ledger.make_referral(
        world.network.worker_a,
        young_person,
        to_association_id=world.network.b,
        domain=Domain.HOUSING,
    )
    position = runner.source.head()

    reached_before = runner.wait_for(position, timeout=0.01)
    runner.catch_up()
    reached_after = runner.wait_for(position, timeout=0.01)

    assert referral_made
    assert not reached_before
    assert reached_after
    seen = access_facts(world.parcours.read_store, young_person)
    assert seen.relations_of(str(world.network.b)) == {"REFERRAL"}


def test_case_details_list_needs_goals_consents_mentors_and_enrolments(world: World) -> None:
    from projections.queries.case_details import case_details  # noqa: PLC0415

    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    need = ledger.identify_need(
        n.worker_a,
        young_person,
        domain=Domain.HOUSING,
        severity=4,
        description="sleeping at friends'",
    )
    ledger.meet_need(n.worker_a, young_person, need_id=need)
    ledger.agree_action_plan(n.worker_a, young_person)
    goal = ledger.add_goal(
        n.worker_a, young_person, domain=Domain.EDUCATION, description="back to school"
    )
    ledger.review_goal(n.worker_a, young_person, goal_id=goal, progress=40)
    ledger.give_consent(
        n.worker_a,
        young_person,
        sensitivities=(Sensitivity.GENERAL,),
        purpose="follow-up",
        given_by=ConsentGiver.YOUNG_PERSON,
    )
    ledger.assign_mentor(
        n.worker_a, young_person, mentor_user_id="mentor-1", mentor_association_id=n.a
    )
    world.caught_up()

    details = case_details(world.parcours.read_store, young_person)

    assert [(x.need_id, x.status, x.severity) for x in details.needs] == [(str(need), "MET", 4)]
    assert [(x.goal_id, x.progress, x.status) for x in details.goals] == [(str(goal), 40, "OPEN")]
    assert [c.sensitivities for c in details.consents] == [("GENERAL",)]
    assert [(m.user_id, m.association_id) for m in details.mentors] == [("mentor-1", str(n.a))]
    assert details.enrolments == ()
    vault = world.parcours.vault
    assert (
        vault.open_token(young_person, details.needs[0].description_token) == "sleeping at friends'"
    )
