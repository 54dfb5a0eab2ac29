"""Handlers name events by `Class.Event`; a renamed event must not silently stop a projection."""

import inspect

from eventsourcing.domain import CommandMethodDecorator

from domain.case_file.young_person import YoungPerson
from domain.network.association import Association
from domain.network.practice_note import PracticeNote
from domain.network.programme import Programme
from domain.network.shared_resource import SharedResource
from domain.network.study import Study
from projections.catalogue import PROJECTIONS
from projections.timeline import TimelineProjection

AGGREGATES = (YoungPerson, Association, Programme, SharedResource, PracticeNote, Study)


def event_names() -> set[str]:
    """`Class.Event` as recorded: the layer whose `@event` method triggers it (creation events
    take the concrete aggregate's name)."""
    names: set[str] = set()
    for aggregate in AGGREGATES:
        for cls in inspect.getmro(aggregate):
            for attribute, value in vars(cls).items():
                if not isinstance(value, CommandMethodDecorator):
                    continue
                given = value.given_event_cls
                event = value.event_cls_name or (given.__name__ if given else "")
                owner = aggregate if attribute == "__init__" else cls
                names.add(f"{owner.__name__}.{event}")
    return names


def test_the_catalogue_finds_the_events_the_ledger_records() -> None:
    names = event_names()

    assert {"YoungPerson.Enrolled", "CaseReferrals.ReferralMade", "Programme.Launched"} <= names
    assert "CaseProgrammes.ReferralMade" not in names


def test_every_handled_event_exists_in_the_domain() -> None:
    known = event_names()

    handled = {name for p in PROJECTIONS for name in p.handlers}

    assert handled - known == set()


def test_every_case_file_event_reaches_the_timeline_unless_it_is_not_a_fact_of_the_path() -> None:
    layers = {c.__name__ for c in inspect.getmro(YoungPerson)}
    case_events = {name for name in event_names() if name.split(".")[0] in layers}
    not_on_the_timeline = {"CaseFile.PersonalDataCorrected"}

    missing = case_events - set(TimelineProjection.handlers) - not_on_the_timeline

    assert missing == set()
