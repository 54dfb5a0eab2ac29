"""The export's value rules as DuckDB SQL, so whole columns are transformed at once.

Each expression here mirrors a Python rule that defines the export's bytes — `Pseudonymiser.of`,
`values.day_of`, `values.days_between`, `writing.csv_text` with Python's minimal CSV quoting, and
`Table.ordered`'s sort key — and the tests check each against its Python twin. Where DuckDB's
own behaviour differs (its `round` scales by a power of ten, Python's is correctly rounded; it
prints -0.0 as `0.0`; its CSV writer quotes `#`, `\\r` and empty strings), the expression
does what Python does.
"""

from domain.vocabulary import Domain
from projections.exports.columns import Column, Kind
from projections.exports.pseudonyms import LENGTH, PREFIX
from projections.exports.values import DAY_DECIMALS, SECONDS_PER_DAY

TYPES: dict[Kind, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
}
PYTHON_ROUND = "python_round"
"""A Python UDF (see staging), called only for the rare values next to a rounding tie."""
TIE_MARGIN = 1e-6
"""Far above the error of scaling a day count by 100 in binary, far below a hundredth."""


def pseudonym(kind: str, identifier: str) -> str:
    """HMAC-SHA256 from two SHA-256 passes over the padded keys, bound as `$inner`/`$outer`."""
    message = f"encode('{PREFIX}{kind}:' || ({identifier})::VARCHAR)"
    inner = f"unhex(sha256($inner || {message}))"
    return f"left(sha256($outer || {inner}), {LENGTH})"


def sensitivity(domain: str) -> str:
    """The consent sensitivity of a domain, from the domain model's own mapping."""
    cases = " ".join(f"WHEN '{d.value}' THEN '{d.sensitivity.value}'" for d in Domain)
    return f"CASE {domain} {cases} END"


def day(stored: str) -> str:
    """The day of a stored instant or day (fixed-width ISO text): its first ten characters."""
    return f"CAST(left({stored}, 10) AS DATE)"


def days_between(start: str, end: str) -> str:
    """As `values.days_between`: exact microseconds, the same two float divisions, and
    Python's correctly rounded `round(x, 2)`."""
    micros = f"({_micros(end)} - {_micros(start)})"
    days = f"(({micros})::DOUBLE / 1000000.0 / {float(SECONDS_PER_DAY)})"
    return python_round(days, DAY_DECIMALS)


def _micros(stored: str) -> str:
    """Microseconds since the epoch of a stored instant (fixed-width UTC ISO text)."""
    return f"epoch_us(CAST(left({stored}, 26) AS TIMESTAMP))"


def python_round(value: str, digits: int) -> str:
    """`round(value, digits)` as Python does it: scaling by 10^digits is exact enough except
    within a hair of a tie, where Python decides on the float's exact binary value."""
    scale = 10**digits
    scaled = f"(({value}) * {scale})"
    near_tie = f"abs({scaled} - floor({scaled}) - 0.5) < {TIE_MARGIN}"
    return (
        f"CASE WHEN {near_tie} THEN {PYTHON_ROUND}({value}, {digits})"
        f" ELSE round({scaled}) / {float(scale)} END"
    )


def csv_field(column: Column) -> str:
    """A column's CSV field: `writing.csv_text`, quoted as Python's `csv` module quotes (only
    fields holding a comma, a quote or a newline); empty for a missing value."""
    name = f'"{column.name}"'
    match column.kind:
        case "string":
            needs_quotes = (
                f"(contains({name}, ',') OR contains({name}, '\"') OR contains({name}, chr(10)))"
            )
            quoted = f"'\"' || replace({name}, '\"', '\"\"') || '\"'"
            text = f"CASE WHEN {needs_quotes} THEN {quoted} ELSE {name} END"
        case "boolean":
            text = f"CASE WHEN {name} THEN 'true' WHEN NOT {name} THEN 'false' END"
        case "decimal":
            text = f"CASE WHEN {name} = 0 AND signbit({name}) THEN '-0.0' ELSE {name}::VARCHAR END"
        case _:
            text = f"{name}::VARCHAR"
    return f"coalesce({text}, '')"


def csv_line(columns: tuple[Column, ...]) -> str:
    """One CSV row with its `\\n` ending, so a batch of rows is one contiguous Arrow buffer."""
    return " || ',' || ".join(csv_field(c) for c in columns) + " || chr(10)"


def sort_key(column: Column) -> str:
    """`Table.ordered`'s key for one column, `None` first: text for strings and decimals (a
    decimal sorts by its printed form), zero-padded text for integers (so negatives sort
    by their digits, as in Python), native order for days and booleans (the same as text)."""
    name = f'"{column.name}"'
    match column.kind:
        case "integer":
            padded = (
                f"CASE WHEN {name} >= 0 THEN lpad({name}::VARCHAR, 20, '0')"
                f" ELSE '-' || lpad((-{name})::VARCHAR, 19, '0') END"
            )
            return f"{padded} NULLS FIRST"
        case "decimal":
            return f"{csv_field(column)} NULLS FIRST"
        case _:
            return f"{name} NULLS FIRST"
