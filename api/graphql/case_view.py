"""How a viewer sees a case file and its timeline: the rules both execution paths apply.

The strawberry resolvers (api.graphql.types) and the compiled path (api.graphql.compiled) call
these same functions, so a compiled page cannot drift from the general one in what it shows,
hides or records; the decisions themselves stay in api.policy.
"""

from datetime import date, datetime

from api import policy
from api.graphql.context import Context
from api.policy import EntryView
from domain import vocabulary
from domain.actor import Actor
from domain.errors import InvalidInput
from domain.privacy.vault import Opener
from domain.rules import require_aware
from projections.queries.cases import AccessFacts
from projections.queries.paging import Page
from projections.queries.timeline import DomainVisibility, TimelineFilter
from projections.queries.timeline import TimelineEntry as EntryRow


def shows_case(viewer: Actor, facts: AccessFacts | None) -> bool:
    """Whether the case exists for this viewer; an unknown id gets the same answer (no)."""
    return facts is not None and policy.may_see_case(viewer, facts)


def timeline_filter(
    viewer: Actor,
    facts: AccessFacts,
    today: date,
    *,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
    domains: list[vocabulary.Domain] | None = None,
    as_of: datetime | None = None,
) -> TimelineFilter:
    """The rows the viewer's page is drawn from: a filter by domain matches only entries whose
    domain the viewer sees, so that it cannot reveal the hidden domain of a redacted entry.
    Times must carry a zone (a naive one was read in the server's own) and `to` must not come
    before `from` (an empty page said nothing of the mistake)."""
    for moment, field in ((occurred_from, "from"), (occurred_to, "to"), (as_of, "asOf")):
        if moment is not None:
            require_aware(moment, field)
    if occurred_from is not None and occurred_to is not None and occurred_to < occurred_from:
        raise InvalidInput("to must not be before from", field="to")
    return TimelineFilter(
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        domains=None if domains is None else tuple(d.value for d in domains),
        as_of=as_of,
        visible_domains=DomainVisibility(
            own_association=policy.visible_association(viewer),
            sensitivities=tuple(sorted(policy.domains_shown_of_others(viewer, facts, today))),
        ),
    )


class EntryViews:
    """How each timeline entry of one case shows to the viewer, on one day.

    The policy decides from an entry's author and sensitivity only, so a page of a hundred
    entries needs a handful of decisions: each is asked once and remembered for the page.
    """

    def __init__(self, viewer: Actor, facts: AccessFacts, today: date) -> None:
        self._viewer = viewer
        self._facts = facts
        self._today = today
        self._decided: dict[tuple[str | None, str], EntryView] = {}

    def of(self, row: EntryRow) -> EntryView:
        key = (row.association_id, row.sensitivity)
        view = self._decided.get(key)
        if view is None:
            view = policy.entry_view(self._viewer, self._facts, *key, self._today)
            self._decided[key] = view
        return view


def entry_domain(row: EntryRow, view: EntryView) -> vocabulary.Domain | None:
    if row.domain is None or not view.show_domain:
        return None
    return vocabulary.Domain(row.domain)


def entry_summary(open_token: Opener, row: EntryRow, view: EntryView) -> str | None:
    """The free text, opened (with the case's `Vault.opener`) only for a viewer who may read it;
    null once erased."""
    if not view.readable:
        return None
    if row.summary_token is None:
        return row.label
    return open_token(row.summary_token)


def entry_redacted(view: EntryView) -> bool:
    return not view.readable


def note_timeline_read(context: Context, young_person_id: str, page: Page[EntryRow]) -> None:
    """The access log's record of a timeline page: who read how many entries of whom."""
    context.read(young_person_id, f"timeline:{len(page.items)}")
