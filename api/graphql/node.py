"""`node(id)`: any node by its global id, under the same rules as its own query field."""

import strawberry

from api import policy
from api.graphql.context import Info
from api.graphql.ids import parse_global, uuid_of
from api.graphql.types.directory import PracticeNote, Programme, SharedResource, association
from api.graphql.types.flows import read_handover, read_referral
from api.graphql.types.node import Node
from api.graphql.types.young_person import visible_young_person
from api.policy import Capability
from projections.queries.directory import practice_notes_by_id, resource
from projections.queries.programmes import programme
from projections.queries.referrals import handovers_by_id, referrals_by_id


async def resolve_node(info: Info, global_id: strawberry.ID) -> Node | None:
    parsed = parse_global(global_id)
    if parsed is None:
        return None
    kind = parsed[0]
    key = uuid_of(global_id, kind)
    if key is None:
        return None
    viewer = info.context.viewer
    if kind == "YoungPerson":
        return await visible_young_person(info, str(key))
    if kind in ("Association", "Programme", "SharedResource") and not policy.allows(
        viewer, Capability.READ_DIRECTORY
    ):
        return None
    if kind == "Association":
        return await association(info, str(key))
    if kind == "Programme":
        row = await info.context.run(programme, key)
        return None if row is None else Programme(row=row)
    if kind == "SharedResource":
        pooled = await info.context.run(resource, key)
        return None if pooled is None else SharedResource(row=pooled)
    if kind == "PracticeNote":
        return await _note(info, str(key))
    if kind in ("Referral", "Handover"):
        return await _flow(info, kind, str(key))
    return None


async def _note(info: Info, key: str) -> Node | None:
    """A practice note, for those who read the notes (`practiceNotes`)."""
    if not policy.allows(info.context.viewer, Capability.WRITE_PRACTICE_NOTES):
        return None
    note = (await info.context.run(practice_notes_by_id, [key])).get(key)
    return None if note is None else PracticeNote(row=note)


async def _flow(info: Info, kind: str, key: str) -> Node | None:
    """A referral or a handover, as the case's own lists show it: to the associations party
    to it, and to the others that see the case (a referral only if they may see its domain).
    Parties only, `node` refused a handover an involved association read in the list."""
    own = policy.visible_association(info.context.viewer)
    if own is None or not policy.allows(info.context.viewer, Capability.WORK_ON_CASES):
        return None
    if kind == "Referral":
        referral = (await info.context.run(referrals_by_id, [key])).get(key)
        if referral is None:
            return None
        party = own in (referral.from_association_id, referral.to_association_id)
        person = None if party else await visible_young_person(info, referral.young_person_id)
        listed = party or (person is not None and person.lists_referral(info, referral))
        return read_referral(info, referral) if listed else None
    handover = (await info.context.run(handovers_by_id, [key])).get(key)
    if handover is None:
        return None
    party = own in (handover.from_association_id, handover.to_association_id)
    if not party and await visible_young_person(info, handover.young_person_id) is None:
        return None
    return read_handover(info, handover)
