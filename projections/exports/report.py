"""`report.html`: the indicator report, one self-contained file (inline CSS and SVG, no script,
nothing fetched), readable offline and safe to mail.

Every figure comes from the aggregate tables after small-cell suppression, the same rows the
`aggregates/` CSV files hold; a suppressed figure reads "<k". The report carries no generation
time, so the same export position, study and k always give the same bytes.
"""

from collections.abc import Sequence
from html import escape

from projections.exports import plots
from projections.exports.columns import Record, Table, Value
from projections.exports.datasets import Data
from projections.exports.writing import csv_text

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:right}
th{background:#f3f3f3}td.t{text-align:left}td.s{color:#999;font-style:italic}
.meta{color:#555;font-size:.9em}figure{margin:1em 0}svg{max-width:100%;height:auto}
"""

MEASURES = frozenset(
    {
        "value",
        "young_people",
        "referrals",
        "share_of_made",
        "open_needs",
        "service_gap",
        "handovers",
        "interventions",
        "hours",
        "cohort_size",
        "observed",
        "still_enrolled",
        "retention_rate",
    }
)
"""The figures suppression blanks (the others, such as a bin's bounds, are always shown)."""


def render(
    study: str,
    position: int,
    chain_hash: str | None,
    k: int,
    aggregates: Data,
    tables: Sequence[Table],
) -> str:
    by_name = {t.name: t for t in tables}

    def section(title: str, why: str, name: str, plot: str | None, rows: Sequence[Record]) -> str:
        figure = "" if plot is None else f"<figure>{plot}</figure>"
        return (
            f"<h2>{escape(title)}</h2><p>{escape(why)}</p>{figure}{_table(by_name[name], rows, k)}"
        )

    a = aggregates
    gaps = [r for r in a["needs_coverage"] if r["service_gap"]]
    body = [
        f"<h1>Network indicators — study {escape(study)}</h1>",
        f"<p class=meta>As at ledger position {position}; chain head "
        f"<code>{escape(chain_hash or 'none')}</code>. Cells counting fewer than {k} young"
        f" people are suppressed (shown as &lt;{k}). Young people erased from the ledger are"
        " not counted anywhere.</p>",
        f"<p><strong>Closed-loop rate: {_closed_loop(a['indicators'], k)}</strong> of referrals"
        " between associations ended with the service delivered.</p>",
        section(
            "Headline indicators", "The network at a glance.", "indicators", None, a["indicators"]
        ),
        section(
            "Referral funnel and closed-loop rate",
            "How far referrals between associations get; the loop is closed when the service"
            " was delivered.",
            "referral_funnel",
            plots.funnel(a["referral_funnel"], k),
            a["referral_funnel"],
        ),
        section(
            "Days to response and to completion",
            "How long associations take to answer a referral, and to deliver the service.",
            "referral_times",
            plots.times(a["referral_times"], k),
            a["referral_times"],
        ),
        section(
            "Needs coverage and service gaps",
            "Open needs of open case files against the monthly capacity declared in each"
            " territory and domain; GAP marks demand beyond supply. Published gaps are listed.",
            "needs_coverage",
            plots.coverage(a["needs_coverage"], k),
            gaps,
        ),
        section(
            "Handovers between associations",
            "Who hands the lead of a case to whom, and how it ends.",
            "handovers_between",
            plots.handovers(a["handovers_between"], k),
            a["handovers_between"],
        ),
        section(
            "Retention over time",
            "Of the young people enrolled in a quarter, the share still supported after so"
            " many months (only those followed that long are counted).",
            "retention",
            plots.retention(a["retention"], k),
            a["retention"],
        ),
        section(
            "Interventions per domain and programme",
            "Services delivered (retracted records left out), within integrated programmes or not.",
            "interventions_by_domain_programme",
            plots.interventions(a["interventions_by_domain_programme"], k),
            a["interventions_by_domain_programme"],
        ),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>Parcours indicators — {escape(study)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _table(table: Table, rows: Sequence[Record], k: int) -> str:
    shown = [c for c in table.columns if c.name != "suppressed" and not c.name.endswith("_id")]
    head = "".join(f"<th>{escape(c.name)}</th>" for c in shown)
    lines = []
    for row in rows:
        cells = []
        for column in shown:
            value = row[column.name]
            if value is None and row.get("suppressed") and column.name in MEASURES:
                cells.append(f"<td class=s>&lt;{k}</td>")
            else:
                kind = " class=t" if column.kind == "string" else ""
                cells.append(f"<td{kind}>{escape(_shown(value))}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    if not lines:
        lines.append(f"<tr><td class=t colspan={len(shown)}>none</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def _shown(value: Value) -> str:
    """As in the CSV, but a whole decimal without its `.0` (a count in a `value` column)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return csv_text(value)


def _closed_loop(indicators: Sequence[Record], k: int) -> str:
    rate = next((r for r in indicators if r["indicator"] == "closed_loop_rate"), None)
    if rate is None or rate["value"] is None:
        return f"suppressed (&lt;{k})" if rate is not None and rate["suppressed"] else "n/a"
    return f"{float(str(rate['value'])) * 100:.1f} %"
