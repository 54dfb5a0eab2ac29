"""Small-cell suppression: no published figure rests on 1 to k-1 young people, in the
aggregate tables or in the report; zero is published; the row-level datasets are not
aggregates and keep every row."""

import re
from datetime import date
from pathlib import Path

from projections.exports import tallies
from projections.exports.aggregates import build_aggregates
from projections.exports.columns import Record
from projections.exports.datasets import Data
from projections.exports.headline import indicators
from projections.exports.network_figures import coverage, handovers_between, interventions_by
from projections.exports.referral_figures import (
    END_STATES,
    FUNNEL,
    STAGES,
    TIMES,
    complete_funnel,
    funnel,
    funnel_stage,
    times,
)
from projections.exports.retention import complete_cohorts, retained, retention
from projections.exports.staging import staging
from tests.exports.conftest import Simulated, read_csv

MEASURES = ("young_people", "referrals", "open_needs", "handovers", "interventions", "value")


K = 5


def referral(person: str, *, completed: bool) -> Record:
    return {
        "young_person": person,
        "accepted_on": date(2026, 1, 2),
        "completed_on": date(2026, 1, 9) if completed else None,
        "declined_on": None,
        "withdrawn_on": None,
        "expired_on": None,
        "status": "COMPLETED" if completed else "ACCEPTED",
        "decline_reason": None,
        "closed_loop": completed,
        "days_to_response": 1.0,
        "days_to_completion": 7.0 if completed else None,
    }


def data(**tables: list[Record]) -> Data:
    empty: Data = {
        name: []
        for name in (
            "young_people",
            "needs",
            "referrals",
            "handovers",
            "interventions",
            "associations",
            "competences",
            "programmes",
        )
    }
    return {**empty, **tables}


def test_a_stage_reached_by_fewer_than_k_young_people_is_blanked_and_zero_is_published() -> None:
    referrals = [referral(f"p{i}", completed=i < 2) for i in range(6)]

    stages = {r["stage"]: r for r in funnel(data(referrals=referrals), k=5)}

    assert stages["MADE"]["referrals"] == 6
    assert stages["MADE"]["suppressed"] is False
    assert stages["COMPLETED"] == {
        "stage": "COMPLETED",
        "referrals": None,
        "young_people": None,
        "share_of_made": None,
        "suppressed": True,
    }
    assert stages["DECLINED"]["referrals"] == 0
    assert stages["DECLINED"]["suppressed"] is False


def test_a_rate_is_hidden_when_its_numerator_or_its_complement_is_a_small_cell() -> None:
    nearly_all = [referral(f"p{i}", completed=i > 0) for i in range(8)]

    figures = {r["indicator"]: r for r in indicators(data(referrals=nearly_all), k=5)}

    assert figures["referrals_made"]["value"] == 8
    assert figures["closed_loop_rate"]["suppressed"] is True
    assert figures["closed_loop_rate"]["value"] is None


def test_a_coverage_cell_of_few_young_people_hides_its_needs_and_its_gap_not_the_capacity() -> None:
    people: list[Record] = [
        {"young_person": f"p{i}", "status": "OPEN", "territory": "93" if i < 2 else "94"}
        for i in range(7)
    ]
    needs: list[Record] = [
        {"young_person": p["young_person"], "status": "OPEN", "domain": "HOUSING"} for p in people
    ]
    directory = data(
        young_people=people,
        needs=needs,
        associations=[{"association_id": "a", "territory": "93"}],
        competences=[{"association_id": "a", "domain": "HOUSING", "monthly_capacity": 1}],
    )

    cells = {(r["territory"], r["domain"]): r for r in coverage(directory, k=5)}

    assert cells["93", "HOUSING"]["suppressed"] is True
    assert cells["93", "HOUSING"]["open_needs"] is None
    assert cells["93", "HOUSING"]["service_gap"] is None
    assert cells["93", "HOUSING"]["monthly_capacity"] == 1
    assert cells["94", "HOUSING"]["young_people"] == 5
    assert cells["94", "HOUSING"]["service_gap"] is True


def test_retention_hides_a_cohort_when_those_who_left_are_too_few() -> None:
    people: list[Record] = [
        {
            "young_person": f"p{i}",
            "enrolled_on": date(2025, 1, 10),
            "closed_on": date(2025, 1, 20) if i == 0 else None,
            "days_enrolled": 10 if i == 0 else 400,
        }
        for i in range(10)
    ]

    rows = retention(data(young_people=people), k=5, as_at=date(2026, 6, 1))

    first = next(r for r in rows if r["cohort"] == "ALL" and r["months"] == 1)
    assert first["suppressed"] is True
    assert first["retention_rate"] is None


def test_exported_aggregates_and_report_publish_no_small_cell(
    simulated: Simulated, tmp_path: Path
) -> None:
    strict, open_ = tmp_path / "k5", tmp_path / "k1"
    simulated.export(strict, k=5)
    simulated.export(open_, k=1)

    hidden = 0
    for table in sorted((strict / "aggregates").glob("*.csv")):
        for row in read_csv(table):
            if row["suppressed"] == "true":
                hidden += 1
                assert [m for m in MEASURES if row.get(m)] == [], (table.name, row)
            elif row.get("young_people"):
                assert int(row["young_people"]) == 0 or int(row["young_people"]) >= 5
    assert hidden > 0
    loose = [
        row
        for table in (open_ / "aggregates").glob("*.csv")
        for row in read_csv(table)
        if row.get("young_people") and 0 < int(row["young_people"]) < 5
    ]
    assert loose, "with k=1 the same export publishes the small cells"
    assert all(row["suppressed"] == "false" for row in loose)

    report = (strict / "report.html").read_text()
    assert "&lt;5" in report
    assert "<script" not in report
    assert re.search(r"src=[\"']?https?:", report) is None, "self-contained: nothing fetched"
    assert report.count("<svg") == 6


def test_a_cohort_hidden_alone_hides_another_so_all_minus_the_rest_gives_nothing_back() -> None:
    """12 enrolled: 10 in 2025-Q1 (5 left), 2 in 2025-Q2 (1 left). Q2 is small; with Q1 and
    ALL published, ALL minus Q1 gave Q2 back exactly."""

    def person(n: int, enrolled: date, left: bool) -> Record:
        return {
            "young_person": f"p{n}",
            "enrolled_on": enrolled,
            "closed_on": date(2025, 8, 1) if left else None,
            "days_enrolled": 150 if left else 500,
        }

    people = [person(n, date(2025, 1, 10), n < 5) for n in range(10)]
    people += [person(10 + n, date(2025, 4, 10), n == 0) for n in range(2)]

    rows = retention(data(young_people=people), k=5, as_at=date(2026, 6, 1))

    six = {r["cohort"]: r for r in rows if r["months"] == 6}
    assert six["2025-Q2"]["suppressed"] is True
    assert six["2025-Q1"]["suppressed"] is True, "secondary: or ALL - Q1 = Q2"
    assert six["2025-Q1"]["cohort_size"] is None
    assert six["ALL"]["cohort_size"] == 12


def test_an_end_state_hidden_alone_hides_another_so_made_minus_the_rest_gives_nothing() -> None:
    declined = {**referral("d0", completed=False), "declined_on": date(2026, 1, 3)}
    declined |= {"status": "DECLINED", "accepted_on": None, "decline_reason": "OTHER"}
    referrals = [referral(f"p{i}", completed=True) for i in range(8)]
    referrals += [{**declined, "young_person": "d0"}, {**declined, "young_person": "d1"}]

    stages = {r["stage"]: r for r in funnel(data(referrals=referrals), k=5)}

    assert stages["DECLINED"]["suppressed"] is True
    assert stages["COMPLETED"]["suppressed"] is True, "secondary: or MADE - COMPLETED = DECLINED"
    assert stages["MADE"]["referrals"] == 10
    assert stages["WITHDRAWN"]["referrals"] == 0


def test_the_second_cohort_hidden_is_one_observed_at_that_horizon() -> None:
    """At 24 months a recent quarter is observed by nobody: hiding it protected nothing, and
    ALL minus the published quarter gave back the two who left the hidden one."""
    cells = {
        "ALL": (86, 70, 58),
        "2023-Q4": (40, 40, 30),
        "2024-Q1": (30, 30, 28),
        "2025-Q4": (16, 0, 0),
    }

    rows = complete_cohorts([retained((c, 24), *counts, 5) for c, counts in cells.items()])

    hidden = {r["cohort"] for r in rows if r["suppressed"]}
    assert hidden == {"2023-Q4", "2024-Q1"}


def test_a_hidden_total_is_an_equation_too() -> None:
    """DECLINED (a total of its reasons) hidden alone while its one reason is published gave
    it back, and with it EXPIRED = MADE - COMPLETED - DECLINED."""
    counts = {"MADE": 27, "ACCEPTED": 20, "COMPLETED": 20, "DECLINED": 5, "EXPIRED": 2}
    people = {**counts, "DECLINED": 4, "EXPIRED": 2}
    counts["DECLINED:AT_CAPACITY"] = people["DECLINED:AT_CAPACITY"] = 5
    records = [
        funnel_stage(stage, counts.get(stage, 0), people.get(stage, 0), 27, 5)
        for stage, _ in STAGES
    ]

    stages = {r["stage"]: r for r in complete_funnel(records)}

    assert stages["DECLINED"]["suppressed"] is True
    assert stages["DECLINED:AT_CAPACITY"]["suppressed"] is True
    assert stages["EXPIRED"]["suppressed"] is True
    assert stages["MADE"]["referrals"] == 27


def intervention(person: str, domain: str, minutes: int) -> Record:
    return {
        "young_person": person,
        "domain": domain,
        "programme_id": None,
        "retracted": False,
        "duration_minutes": minutes,
    }


def test_an_intervention_cell_hidden_alone_hides_another_so_the_headline_gives_nothing() -> None:
    """The cells add up to the headline's interventions and hours, which are published: with
    MENTAL_HEALTH (2 young people) hidden alone, headline minus HOUSING gave its 2 and 1.5 h."""
    delivered = [intervention(f"p{i}", "HOUSING", 60) for i in range(6)]
    delivered += [intervention("x1", "MENTAL_HEALTH", 45), intervention("x2", "MENTAL_HEALTH", 45)]
    published = data(interventions=delivered)

    headline = {r["indicator"]: r for r in indicators(published, K)}
    cells = {str(c["domain"]): c for c in interventions_by(published, K)}

    assert (headline["interventions"]["value"], headline["hours_delivered"]["value"]) == (8, 7.5)
    assert cells["MENTAL_HEALTH"]["suppressed"] is True
    assert cells["HOUSING"]["suppressed"] is True, "secondary: or the headline minus HOUSING"
    assert cells["HOUSING"]["hours"] is None


def test_an_accepted_handover_cell_hidden_alone_hides_another_accepted_one() -> None:
    def handover(person: str, to: str, status: str) -> Record:
        return {
            "young_person": person,
            "from_association_id": "a",
            "to_association_id": to,
            "status": status,
        }

    handovers = [handover(f"p{i}", "b", "ACCEPTED") for i in range(6)]
    handovers += [handover(f"x{i}", "c", "ACCEPTED") for i in range(2)]
    handovers += [handover(f"q{i}", "d", "PROPOSED") for i in range(6)]

    cells = {
        (str(c["to_association_id"]), str(c["status"])): c
        for c in handovers_between(data(handovers=handovers), K)
    }

    assert cells["c", "ACCEPTED"]["suppressed"] is True
    assert cells["b", "ACCEPTED"]["suppressed"] is True, "secondary: handovers_accepted minus b"
    assert cells["d", "PROPOSED"]["handovers"] == 6, "no published total of proposals"


def test_a_time_bin_hidden_alone_hides_another_of_its_measure() -> None:
    """The days-to-response bins add up to the referrals answered, which the funnel gives."""
    referrals = [referral(f"p{i}", completed=True) for i in range(6)]
    referrals += [{**referral(f"s{i}", completed=True), "days_to_response": 10.0} for i in range(2)]

    bins = times(data(referrals=referrals), K)
    response = [b for b in bins if b["measure"] == "days_to_response"]
    completion = [b for b in bins if b["measure"] == "days_to_completion"]

    hidden = [b["bin"] for b in response if b["suppressed"]]
    assert "7-14 days" in hidden
    assert len(hidden) >= 2, "secondary: or the answered referrals minus the rest"
    assert not any(b["suppressed"] for b in completion), "8 completed in one bin: nothing small"


def declined(person: str) -> Record:
    return {
        **referral(person, completed=False),
        "declined_on": date(2026, 1, 3),
        "status": "DECLINED",
        "accepted_on": None,
        "decline_reason": "OTHER",
    }


def still_open(person: str) -> Record:
    return {**referral(person, completed=False), "accepted_on": None, "status": "MADE"}


def test_a_stage_hidden_in_the_funnel_does_not_come_back_through_the_rate_and_the_bins() -> None:
    """5 completed, 20 declined, 2 still open: the funnel hid STILL_OPEN and then COMPLETED,
    which the headline's closed-loop rate (and the completion bins) publish anyway, so made
    minus completed minus declined gave the 2 back."""
    referrals = [referral(f"c{i}", completed=True) for i in range(5)]
    referrals += [declined(f"d{i}") for i in range(20)] + [still_open(f"o{i}") for i in range(2)]

    tables = build_aggregates(data(referrals=referrals), K, None)
    stages = {str(r["stage"]): r for r in tables[FUNNEL.name]}

    assert stages["STILL_OPEN"]["suppressed"] is True
    hidden = [s for s in END_STATES if s != "COMPLETED" and stages[s]["suppressed"]]
    assert len(hidden) >= 2, f"made minus the rest gives {hidden} back"


def test_accepted_hidden_in_the_funnel_does_not_come_back_from_the_response_bins() -> None:
    """Every answer is an acceptance or a decline: with ACCEPTED hidden and DECLINED and the
    response bins shown, ACCEPTED was the bins minus DECLINED."""
    referrals = [declined(f"d{i}") for i in range(10)]
    referrals += [{**still_open(f"a{i}"), "accepted_on": date(2026, 1, 2)} for i in range(2)]
    referrals += [still_open(f"o{i}") for i in range(10)]

    tables = build_aggregates(data(referrals=referrals), K, None)
    stages = {str(r["stage"]): r for r in tables[FUNNEL.name]}
    response = [b for b in tables[TIMES.name] if b["measure"] == "days_to_response"]

    assert stages["ACCEPTED"]["suppressed"] is True
    assert stages["DECLINED"]["suppressed"] or any(b["suppressed"] for b in response)


def test_the_counted_path_hides_the_same_second_cells() -> None:
    """The export counts its aggregates in DuckDB (`tallies`): the same secondary suppression
    there as in the record-level definition above."""
    with staging() as work:
        work.db.execute(
            "CREATE TABLE ds_interventions (young_person VARCHAR, domain VARCHAR,"
            " programme_id VARCHAR, retracted BOOLEAN, duration_minutes BIGINT)"
        )
        work.db.execute("CREATE TABLE ds_programmes (programme_id VARCHAR, name VARCHAR)")
        work.db.executemany(
            "INSERT INTO ds_interventions VALUES (?, ?, NULL, FALSE, ?)",
            [(f"p{i}", "HOUSING", 60) for i in range(6)]
            + [("x1", "MENTAL_HEALTH", 45), ("x2", "MENTAL_HEALTH", 45)],
        )
        work.db.execute(
            "CREATE TABLE ds_handovers (young_person VARCHAR, from_association_id VARCHAR,"
            " to_association_id VARCHAR, status VARCHAR)"
        )
        work.db.execute("CREATE TABLE ds_associations (association_id VARCHAR, name VARCHAR)")
        work.db.executemany(
            "INSERT INTO ds_handovers VALUES (?, 'a', ?, 'ACCEPTED')",
            [(f"p{i}", "b") for i in range(6)] + [(f"x{i}", "c") for i in range(2)],
        )

        interventions = {str(c["domain"]): c for c in tallies.interventions_by(work, K)}
        handovers = {str(c["to_association_id"]): c for c in tallies.handovers_between(work, K)}

    assert interventions["MENTAL_HEALTH"]["suppressed"] is True
    assert interventions["HOUSING"]["suppressed"] is True
    assert (handovers["c"]["suppressed"], handovers["b"]["suppressed"]) == (True, True)
