"""Issue-15 targets on the demo stream: E2B(R3) exports valid against the official ICH schema and round-tripped
through e2br3, mask tokens after redaction, reaction spans coded with the fabricated MedDRA files.

    PYTHONPATH=$PWD python scripts/measure_cases.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pvwatch.app.config import install_feature_checks  # noqa: E402
from pvwatch.cli.options import TEMPLATE  # noqa: E402
from tests.cases_measure import measure  # noqa: E402


def main() -> None:
    install_feature_checks()  # the demo's sources are checked (and kept for the collectors) as the pvwatch command does
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        m = measure(Path(tmp), TEMPLATE)
    print(f"demo adverse-event items escalated: {m.cases} (redacted first: {m.redacted})")
    print(f"not yet valid (no reaction or no product stated: export refused, saying what to add): "
          f"{len(m.not_yet_valid)} {m.not_yet_valid}")
    print(f"exports valid against the official ICH schema: {m.schema_valid}/{m.exported} "
          f"({100 * m.schema_valid / max(1, m.exported):.1f} %)")
    print(f"round-tripped through e2br3 with every compared field equal: {m.round_trip_ok}/{m.exported}")
    for x in m.mismatches[:20]:
        print("  mismatch", x)
    print(f"cases or exports containing a mask token: {m.mask_tokens}")
    print(f"reaction spans coded (fabricated MedDRA): {m.coded}/{m.spans} ({100 * m.coded / max(1, m.spans):.1f} %)")
    print(f"{time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    main()
