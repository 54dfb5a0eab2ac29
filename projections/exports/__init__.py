"""Evaluation exports: pseudonymised, reproducible datasets, aggregates, a codebook and an
indicator report, built from the read models as at one ledger position.

Evaluators analyse integrated programmes in pandas, R or DuckDB; they must identify nobody,
link no two studies, and be able to reproduce an export a year later. `export.export_evaluation`
writes, into one directory: `data/*.csv|parquet` (one file per table), `aggregates/*.csv`
(small cells suppressed), `report.html`, `codebook.md|json` and `manifest.json`. Study
secrets live in the instance's key store (`study.py`). Imports `domain/`, never `api/`.

This package's `__init__` imports nothing on purpose: pyarrow and matplotlib take half a second
to load, and every `parcours` command and server start would pay it for a rarely used feature.
"""
