"""The `YoungPerson` aggregate: the case file, one event stream per young person.

Public methods decide: they check the invariants, compute ids and seal personal text, then trigger
exactly one event. The private `@event` methods only assign state, so replaying the stream never
re-runs a rule that may have changed since. The behaviour lives in `domain.case_file.layers`.
"""

from domain.case_file.layers.base import NO_PARTNERS
from domain.case_file.layers.erasure import CaseErasure


class YoungPerson(CaseErasure):
    """The case file of one young person: their parcours through the network."""


__all__ = ["NO_PARTNERS", "YoungPerson"]
