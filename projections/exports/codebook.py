"""The codebook: every column of every file of an export, in Markdown (to read) and JSON (to
load), generated from the same table declarations the writers use, so it cannot drift."""

import json
from collections.abc import Sequence

from projections.exports.columns import Table
from projections.exports.values import BIRTH_BAND_YEARS

CONVENTIONS = (
    "One file per table, in two formats with the same rows: CSV (UTF-8, header row, `\\n` line"
    " ends, empty = missing, booleans `true`/`false`, days `YYYY-MM-DD`) and Parquet (typed).",
    "Days are UTC days of business time (when it happened), never times of day.",
    "Young people and every case-level id (need, goal, intervention, referral, handover,"
    " consent) are pseudonyms: keyed HMAC-SHA256 under the study's secret, stable across the"
    " exports of one study, unrelated between studies. Association and programme ids are the"
    " ledger's own: organisations, not people.",
    "No names, contact details, dates of birth or free text are exported. Birth years are"
    f" published in {BIRTH_BAND_YEARS}-year bands. Young people erased from the ledger are left"
    " out of every file.",
    "Aggregates (aggregates/*.csv, report.html) suppress every cell counting between 1 and k-1"
    " distinct young people: its figures are blank and `suppressed` is true.",
    "manifest.json records the ledger position, the chain head at it, projection versions,"
    " row counts and the SHA-256 of every file; `parcours export evaluation --at-position N`"
    " regenerates byte-identical CSV files and content-identical Parquet files.",
)


def as_json(datasets: Sequence[Table], aggregates: Sequence[Table]) -> str:
    document = {
        "format": "parcours-evaluation-codebook/1",
        "conventions": list(CONVENTIONS),
        "datasets": [_table(t) for t in datasets],
        "aggregates": [_table(t) for t in aggregates],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def as_markdown(datasets: Sequence[Table], aggregates: Sequence[Table]) -> str:
    lines = ["# Codebook of a Parcours evaluation export", "", "## Conventions", ""]
    lines += [f"- {c}" for c in CONVENTIONS]
    for title, tables in (("Datasets", datasets), ("Aggregates", aggregates)):
        lines += ["", f"## {title}"]
        for table in tables:
            lines += [
                "",
                f"### `{table.folder}/{table.name}` (.csv{_parquet(table)})",
                "",
                f"One row per {table.row}.",
                "",
                "| column | type | description |",
                "|---|---|---|",
            ]
            for column in table.columns:
                codes = f" Codes: {', '.join(column.values)}." if column.values else ""
                text = f"{column.description}{codes}".replace("|", "\\|")
                lines.append(f"| `{column.name}` | {column.kind} | {text} |")
    return "\n".join(lines) + "\n"


def _parquet(table: Table) -> str:
    return ", .parquet" if table.folder == "data" else ""


def _table(table: Table) -> dict[str, object]:
    files = [f"{table.folder}/{table.name}.csv"]
    if table.folder == "data":
        files.append(f"{table.folder}/{table.name}.parquet")
    return {
        "name": table.name,
        "row": table.row,
        "files": files,
        "columns": [
            {
                "name": c.name,
                "type": c.kind,
                "description": c.description,
                **({"values": list(c.values)} if c.values else {}),
            }
            for c in table.columns
        ],
    }
