"""The report's plots, drawn from the published (already suppressed) aggregates as inline SVG.

Plots are drawn from the aggregate tables after suppression, never from the datasets, so a
plot cannot show what a table hides: a suppressed cell is drawn as a hatched "<k" box or an
annotated gap. matplotlib's object API is used without pyplot (no global figure state, safe in
a server thread), with text kept as text and a fixed per-plot id salt, so the SVG is small and
the same data always gives the same bytes. The SVG settings are matplotlib's global rcParams,
though: two exports drawing at once (two downloads) took each other's salt, so one plot is
written at a time.
"""

import io
import threading
from collections import defaultdict
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from projections.exports.columns import Record
from projections.exports.values import DOMAINS

HATCH = "////"
GREY = "#d9d9d9"
_SAVING = threading.Lock()


def svg(figure: Figure, name: str) -> str:
    """The figure as an `<svg>` element (no XML prolog), deterministic for the same data."""
    buffer = io.StringIO()
    with (
        _SAVING,
        mpl.rc_context(
            {"svg.hashsalt": f"parcours-{name}", "svg.fonttype": "none", "svg.id": name}
        ),
    ):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def funnel(records: Sequence[Record], k: int) -> str:
    stages = [r for r in records if ":" not in str(r["stage"])]
    figure = Figure(figsize=(7, 3.2))
    axes = figure.subplots()
    labels = [str(r["stage"]) for r in stages]
    values = [_number(r["referrals"]) for r in stages]
    bars = axes.barh(labels, values, color="#4c78a8")
    for bar, record in zip(bars, stages, strict=True):
        text = f"suppressed (<{k})" if record["suppressed"] else f"{record['referrals']}"
        axes.annotate(
            text,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axes.invert_yaxis()
    axes.set_xlabel("referrals")
    axes.set_title("Referral funnel")
    return svg(figure, "funnel")


def times(records: Sequence[Record], k: int) -> str:
    figure = Figure(figsize=(9, 3.2))
    panels = figure.subplots(1, 2, sharey=True)
    titles = {"days_to_response": "Days to response", "days_to_completion": "Days to completion"}
    for axes, (measure, title) in zip(panels, titles.items(), strict=True):
        chosen = [r for r in records if r["measure"] == measure]
        _bars_with_gaps(axes, [str(r["bin"]) for r in chosen], chosen, "referrals", k)
        axes.set_title(title)
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    panels[0].set_ylabel("referrals")
    return svg(figure, "times")


def coverage(records: Sequence[Record], k: int) -> str:
    territories = sorted({str(r["territory"]) for r in records})
    cells = {(str(r["territory"]), str(r["domain"])): r for r in records}
    values = np.full((max(len(territories), 1), len(DOMAINS)), np.nan)
    figure = Figure(figsize=(10, 1.2 + 0.45 * max(len(territories), 1)))
    axes = figure.subplots()
    for row, territory in enumerate(territories):
        for column, domain in enumerate(DOMAINS):
            cell = cells.get((territory, domain))
            if cell is None:
                values[row, column] = 0
            elif cell["suppressed"]:
                _hatched(axes, column, row, f"<{k}")
            else:
                values[row, column] = _number(cell["young_people"])
                mark = "GAP" if cell["service_gap"] else ""
                label = f"{cell['young_people']}/{cell['monthly_capacity']}\n{mark}".strip()
                axes.text(
                    column,
                    row,
                    label,
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="#b00020" if mark else "black",
                )
    image = axes.imshow(np.ma.masked_invalid(values), cmap="Blues", aspect="auto", vmin=0)
    figure.colorbar(image, ax=axes, label="young people with open needs")
    axes.set_xticks(
        range(len(DOMAINS)),
        [d.replace("_", " ").title() for d in DOMAINS],
        rotation=45,
        ha="right",
        fontsize=7,
    )
    axes.set_yticks(range(len(territories)), territories)
    axes.set_title("Needs coverage: young people with open needs / monthly capacity (GAP: short)")
    return svg(figure, "coverage")


def handovers(records: Sequence[Record], k: int) -> str:
    accepted = [r for r in records if r["status"] == "ACCEPTED"]
    origins = sorted({str(r["from_name"]) for r in accepted})
    targets = sorted({str(r["to_name"]) for r in accepted})
    values = np.full((max(len(origins), 1), max(len(targets), 1)), np.nan)
    figure = Figure(figsize=(2 + 0.7 * len(targets), 1.5 + 0.4 * len(origins)))
    axes = figure.subplots()
    for record in accepted:
        row, column = origins.index(str(record["from_name"])), targets.index(str(record["to_name"]))
        if record["suppressed"]:
            _hatched(axes, column, row, f"<{k}")
        else:
            values[row, column] = _number(record["handovers"])
            axes.text(column, row, str(record["handovers"]), ha="center", va="center", fontsize=7)
    axes.imshow(np.ma.masked_invalid(values), cmap="Oranges", aspect="auto", vmin=0)
    axes.set_xticks(range(len(targets)), targets, rotation=45, ha="right", fontsize=7)
    axes.set_yticks(range(len(origins)), origins, fontsize=7)
    axes.set_xlabel("to (new lead)")
    axes.set_ylabel("from")
    axes.set_title("Handovers of the lead accepted, between associations")
    return svg(figure, "handovers")


def retention(records: Sequence[Record], k: int) -> str:
    figure = Figure(figsize=(7, 3.4))
    axes = figure.subplots()
    curves: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for record in records:
        if not record["suppressed"] and record["retention_rate"] is not None:
            curves[str(record["cohort"])].append(
                (int(str(record["months"])), _number(record["retention_rate"]))
            )
    for cohort, points in curves.items():
        axes.plot(
            [0, *(p[0] for p in points)],
            [1.0, *(p[1] for p in points)],
            marker="o",
            linewidth=2.5 if cohort == "ALL" else 1,
            label=cohort,
        )
    axes.set_ylim(0, 1.05)
    axes.set_xlabel("months since enrolment")
    axes.set_ylabel("share still supported")
    axes.set_title(f"Retention by cohort of enrolment (cells under {k} young people hidden)")
    if curves:
        axes.legend(fontsize=7)
    return svg(figure, "retention")


def interventions(records: Sequence[Record], k: int) -> str:
    published = [r for r in records if not r["suppressed"]]
    domains = sorted({str(r["domain"]) for r in published})
    programmes = sorted({str(r["programme_name"]) for r in published})
    figure = Figure(figsize=(8, 1.5 + 0.35 * max(len(domains), 1)))
    axes = figure.subplots()
    left = np.zeros(len(domains))
    for programme in programmes:
        widths = np.array(
            [
                sum(
                    _number(r["interventions"])
                    for r in published
                    if r["domain"] == domain and r["programme_name"] == programme
                )
                for domain in domains
            ]
        )
        axes.barh(domains, widths, left=left, label=programme)
        left += widths
    hidden = sum(1 for r in records if r["suppressed"])
    axes.set_xlabel("interventions delivered")
    axes.set_title(f"Interventions per domain and programme ({hidden} cell(s) under {k} hidden)")
    if programmes:
        axes.legend(fontsize=7)
    return svg(figure, "interventions")


def _bars_with_gaps(
    axes: Axes, labels: list[str], records: Sequence[Record], field: str, k: int
) -> None:
    heights = [0.0 if r["suppressed"] else _number(r[field]) for r in records]
    bars = axes.bar(labels, heights, color="#72b7b2")
    for bar, record in zip(bars, records, strict=True):
        if record["suppressed"]:
            bar.set_hatch(HATCH)
            axes.annotate(
                f"<{k}",
                (bar.get_x() + bar.get_width() / 2, 0),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )


def _hatched(axes: Axes, column: int, row: int, label: str) -> None:
    axes.add_patch(
        mpl.patches.Rectangle(
            (column - 0.5, row - 0.5),
            1,
            1,
            facecolor=GREY,
            hatch=HATCH,
            edgecolor="white",
            zorder=2,
        )
    )
    axes.text(column, row, label, ha="center", va="center", fontsize=6, zorder=3)


def _number(value: object) -> float:
    return 0.0 if value is None else float(str(value))
