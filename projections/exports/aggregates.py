"""Every aggregate table of an export, built from the exported datasets themselves.

Building the aggregates from the pseudonymised datasets, rather than from the read models,
means the report can never count anyone the datasets leave out (the erased), and an evaluator
can recompute every published figure from the files beside it. They are counted over the staged
datasets (`tallies`); the record-level functions they mirror stay the readable definition.
"""

from datetime import date

from projections.exports import headline, network_figures, referral_figures, retention, tallies
from projections.exports.columns import Table
from projections.exports.datasets import Data
from projections.exports.staging import Staging

AGGREGATES: tuple[Table, ...] = (
    headline.INDICATORS,
    referral_figures.FUNNEL,
    referral_figures.TIMES,
    network_figures.COVERAGE,
    network_figures.HANDOVERS_BETWEEN,
    retention.RETENTION,
    network_figures.INTERVENTIONS_BY,
)


def build_aggregates(data: Data, k: int, as_at: date | None) -> Data:
    """From records in memory: the definition `tallies` is checked against."""
    return _tied(
        {
            headline.INDICATORS.name: headline.indicators(data, k),
            referral_figures.FUNNEL.name: referral_figures.funnel(data, k),
            referral_figures.TIMES.name: referral_figures.times(data, k),
            network_figures.COVERAGE.name: network_figures.coverage(data, k),
            network_figures.HANDOVERS_BETWEEN.name: network_figures.handovers_between(data, k),
            retention.RETENTION.name: retention.retention(data, k, as_at),
            network_figures.INTERVENTIONS_BY.name: network_figures.interventions_by(data, k),
        }
    )


def tally_aggregates(staging: Staging, k: int, as_at: date | None) -> Data:
    """From the staged datasets, whatever their size."""
    return _tied(
        {
            headline.INDICATORS.name: tallies.indicators(staging, k),
            referral_figures.FUNNEL.name: tallies.funnel(staging, k),
            referral_figures.TIMES.name: tallies.times(staging, k),
            network_figures.COVERAGE.name: tallies.coverage(staging, k),
            network_figures.HANDOVERS_BETWEEN.name: tallies.handovers_between(staging, k),
            retention.RETENTION.name: tallies.retention(staging, k, as_at),
            network_figures.INTERVENTIONS_BY.name: tallies.interventions_by(staging, k),
        }
    )


def _tied(tables: Data) -> Data:
    """The funnel and the answer times suppressed together (`complete_together`), knowing
    whether the headline's closed-loop rate gives COMPLETED away."""
    rate = next(r for r in tables[headline.INDICATORS.name] if r["indicator"] == "closed_loop_rate")
    stages, bins = referral_figures.complete_together(
        tables[referral_figures.FUNNEL.name],
        tables[referral_figures.TIMES.name],
        completed_known=not rate["suppressed"] and rate["value"] is not None,
    )
    return tables | {referral_figures.FUNNEL.name: stages, referral_figures.TIMES.name: bins}
