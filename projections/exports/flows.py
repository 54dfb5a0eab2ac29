"""Interventions, referrals and handovers: what was delivered, asked and handed over, when.

Referral states map onto FHIR `Task.status` (DESIGN.md): MADE → requested, ACCEPTED →
accepted, COMPLETED → completed, DECLINED → rejected, WITHDRAWN and EXPIRED → cancelled.
Days to response and to completion are computed from the exact recorded instants.
"""

from domain.vocabulary import DeclineReason, HandoverStatus, ReferralStatus
from projections.exports import sql
from projections.exports.care import SENSITIVITIES
from projections.exports.columns import (
    Table,
    association,
    boolean,
    day,
    decimal,
    integer,
    pseudonym,
    string,
)
from projections.exports.values import DOMAINS

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


INTERVENTIONS_SQL = f"""
SELECT
    {sql.pseudonym("intervention", "i.intervention_id")} AS intervention,
    {sql.pseudonym("young_person", "i.young_person_id")} AS young_person,
    i.association_id,
    {sql.day("i.occurred_at")} AS day,
    i.domain,
    {sql.sensitivity("i.domain")} AS sensitivity,
    i.kind,
    i.duration_minutes,
    i.programme_id,
    {sql.pseudonym("goal", "i.goal_id")} AS goal,
    {sql.pseudonym("need", "i.need_id")} AS need,
    i.amendments > 0 AS amended,
    i.retracted_at IS NOT NULL AS retracted
FROM src_interventions i JOIN kept USING (young_person_id)
"""

_FHIR = " ".join(f"WHEN '{ours}' THEN '{fhir}'" for ours, fhir in FHIR_TASK_STATUS.items())

REFERRALS_SQL = f"""
SELECT
    {sql.pseudonym("referral", "r.referral_id")} AS referral,
    {sql.pseudonym("young_person", "r.young_person_id")} AS young_person,
    r.from_association_id,
    r.to_association_id,
    r.domain,
    {sql.pseudonym("need", "r.need_id")} AS need,
    r.status,
    CASE r.status {_FHIR} END AS fhir_task_status,
    {sql.day("r.made_at")} AS made_on,
    {sql.day("r.accepted_at")} AS accepted_on,
    {sql.day("r.declined_at")} AS declined_on,
    r.decline_reason,
    {sql.day("r.withdrawn_at")} AS withdrawn_on,
    {sql.day("r.expired_at")} AS expired_on,
    {sql.day("r.completed_at")} AS completed_on,
    {sql.days_between("r.made_at", "r.responded_at")} AS days_to_response,
    {sql.days_between("r.made_at", "r.completed_at")} AS days_to_completion,
    r.completed_at IS NOT NULL AS closed_loop
FROM src_referrals r JOIN kept USING (young_person_id)
"""

HANDOVERS_SQL = f"""
SELECT
    {sql.pseudonym("handover", "h.handover_id")} AS handover,
    {sql.pseudonym("young_person", "h.young_person_id")} AS young_person,
    h.from_association_id,
    h.to_association_id,
    h.status,
    {sql.day("h.proposed_at")} AS proposed_on,
    {sql.day("h.responded_at")} AS responded_on,
    {sql.days_between("h.proposed_at", "h.responded_at")} AS days_to_response
FROM src_handovers h JOIN kept USING (young_person_id)
"""
