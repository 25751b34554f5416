"""Issue-15 targets on the whole demo stream (real pipeline, real SQLite): every export valid against the
official ICH schema and equal field by field once read back by e2br3, no mask token after redaction, >= 95 % of
reaction spans coded with the fabricated MedDRA files. Numbers: docs/benchmarks.md (scripts/measure_cases.py)."""

from __future__ import annotations

from pathlib import Path

from pvwatch.cli.options import TEMPLATE
from pvwatch.config import Config
from tests.cases_measure import measure


def test_demo_targets(tmp_path: Path, demo_copy: Config) -> None:
    m = measure(tmp_path, TEMPLATE, demo=demo_copy)  # every AE item escalated: on a private copy of the demo store
    assert m.cases >= 100 and m.redacted >= 50  # most demo AEs carry personal data: redaction is exercised
    # Every AE item is escalated here, before any review. The standard preset is calibrated for recall on the
    # hardest shippable domain (docs/benchmarks.md), so some flagged posts state no reaction or no product: those
    # cases are refused export, each listed with what to add (14 of 118 on the demo when this bound was set; it
    # was <= 5 of ~100 with the earlier, less sensitive calibration).
    assert m.exported == m.cases - len(m.not_yet_valid) and len(m.not_yet_valid) <= 0.15 * m.cases
    assert m.schema_valid == m.exported  # 100 % against the official schema
    assert m.round_trip_ok == m.exported, m.mismatches
    assert m.mask_tokens == 0
    assert m.coded / m.spans >= 0.95
