"""Interventions, referrals and handovers: what was delivered, asked and handed over, when.

Referral states map onto FHIR `Task.status` (DESIGN.md): MADE → requested, ACCEPTED →
accepted, COMPLETED → completed, DECLINED → rejected, WITHDRAWN and EXPIRED → cancelled.
Days to response and to completion are computed from the exact recorded instants.
"""

from domain.vocabulary import DeclineReason, HandoverStatus, ReferralStatus
from projections.exports.care import SENSITIVITIES
from projections.exports.columns import (
    Record,
    Table,
    association,
    boolean,
    day,
    decimal,
    integer,
    pseudonym,
    string,
)
from projections.exports.context import Context
from projections.exports.values import DOMAINS, day_of, days_between, integer_or_none, sensitivity

FHIR_TASK_STATUS = {
    "MADE": "requested",
    "ACCEPTED": "accepted",
    "COMPLETED": "completed",
    "DECLINED": "rejected",
    "WITHDRAWN": "cancelled",
    "EXPIRED": "cancelled",
}

INTERVENTIONS = Table(
    name="interventions",
    row="an intervention delivered to a young person, as corrected so far (no summary)",
    columns=(
        pseudonym("intervention", "the intervention"),
        pseudonym("young_person", "the young person"),
        association("association_id", "that delivered it"),
        day("day", "Day it took place (business time, UTC), after any amendment."),
        string("domain", "Domain of the service delivered.", *DOMAINS),
        string("sensitivity", "Consent sensitivity of the domain.", *SENSITIVITIES),
        string("kind", "Kind of intervention: a short category label chosen by the worker."),
        integer("duration_minutes", "Duration in minutes, if recorded."),
        string("programme_id", "Programme it served, if any (see programmes.programme_id)."),
        pseudonym("goal", "the goal it served, if any (see goals.goal)"),
        pseudonym("need", "the need it served, if any (see needs.need)"),
        boolean("amended", "It was amended at least once."),
        boolean("retracted", "It was retracted: recorded in error, not delivered."),
    ),
    sort=("young_person", "day", "intervention"),
)

REFERRALS = Table(
    name="referrals",
    row="a referral from one association to another for a young person, with every state",
    columns=(
        pseudonym("referral", "the referral"),
        pseudonym("young_person", "the young person"),
        association("from_association_id", "that made it"),
        association("to_association_id", "asked to serve the young person"),
        string("domain", "Domain of the service asked for.", *DOMAINS),
        pseudonym("need", "the need it serves, if any (see needs.need)"),
        string("status", "State at the export's position.", *(s.value for s in ReferralStatus)),
        string(
            "fhir_task_status",
            "The status as a FHIR Task.status.",
            *sorted(set(FHIR_TASK_STATUS.values())),
        ),
        day("made_on", "Day it was made."),
        day("accepted_on", "Day it was accepted."),
        day("declined_on", "Day it was declined."),
        string("decline_reason", "Coded reason of a decline.", *(r.value for r in DeclineReason)),
        day("withdrawn_on", "Day the sender withdrew it."),
        day("expired_on", "Day it expired unanswered."),
        day("completed_on", "Day the service was delivered (loop closed)."),
        decimal("days_to_response", "Days from made to the first answer (accept or decline)."),
        decimal("days_to_completion", "Days from made to completion."),
        boolean("closed_loop", "The service was delivered (COMPLETED)."),
    ),
    sort=("young_person", "made_on", "referral"),
)

HANDOVERS = Table(
    name="handovers",
    row="a proposal to hand the lead of a case to another association",
    columns=(
        pseudonym("handover", "the handover"),
        pseudonym("young_person", "the young person"),
        association("from_association_id", "leading the case when it was proposed"),
        association("to_association_id", "proposed as the new lead"),
        string("status", "State at the export's position.", *(s.value for s in HandoverStatus)),
        day("proposed_on", "Day it was proposed."),
        day("responded_on", "Day it was accepted, declined or cancelled."),
        decimal("days_to_response", "Days from proposal to that answer."),
    ),
    sort=("young_person", "proposed_on", "handover"),
)


def interventions(ctx: Context) -> list[Record]:
    return [
        {
            "intervention": ctx.hidden("intervention", i["intervention_id"]),
            "young_person": ctx.person(i["young_person_id"]),
            "association_id": str(i["association_id"]),
            "day": day_of(i["occurred_at"]),
            "domain": str(i["domain"]),
            "sensitivity": sensitivity(i["domain"]),
            "kind": str(i["kind"]),
            "duration_minutes": integer_or_none(i["duration_minutes"]),
            "programme_id": None if i["programme_id"] is None else str(i["programme_id"]),
            "goal": ctx.hidden("goal", i["goal_id"]),
            "need": ctx.hidden("need", i["need_id"]),
            "amended": int(str(i["amendments"])) > 0,
            "retracted": i["retracted_at"] is not None,
        }
        for i in ctx.rows("interventions")
    ]


def referrals(ctx: Context) -> list[Record]:
    return [
        {
            "referral": ctx.hidden("referral", r["referral_id"]),
            "young_person": ctx.person(r["young_person_id"]),
            "from_association_id": str(r["from_association_id"]),
            "to_association_id": str(r["to_association_id"]),
            "domain": str(r["domain"]),
            "need": ctx.hidden("need", r["need_id"]),
            "status": str(r["status"]),
            "fhir_task_status": FHIR_TASK_STATUS[str(r["status"])],
            "made_on": day_of(r["made_at"]),
            "accepted_on": day_of(r["accepted_at"]),
            "declined_on": day_of(r["declined_at"]),
            "decline_reason": None if r["decline_reason"] is None else str(r["decline_reason"]),
            "withdrawn_on": day_of(r["withdrawn_at"]),
            "expired_on": day_of(r["expired_at"]),
            "completed_on": day_of(r["completed_at"]),
            "days_to_response": days_between(r["made_at"], r["responded_at"]),
            "days_to_completion": days_between(r["made_at"], r["completed_at"]),
            "closed_loop": r["completed_at"] is not None,
        }
        for r in ctx.rows("referrals")
    ]


def handovers(ctx: Context) -> list[Record]:
    return [
        {
            "handover": ctx.hidden("handover", h["handover_id"]),
            "young_person": ctx.person(h["young_person_id"]),
            "from_association_id": str(h["from_association_id"]),
            "to_association_id": str(h["to_association_id"]),
            "status": str(h["status"]),
            "proposed_on": day_of(h["proposed_at"]),
            "responded_on": day_of(h["responded_at"]),
            "days_to_response": days_between(h["proposed_at"], h["responded_at"]),
        }
        for h in ctx.rows("handovers")
    ]
