"""The dashboard shows the adverse-event sensitivity preset and the thresholds in force (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

from classifiers.adverse_events import configured_thresholds
from moderation.web import create_app
from pvwatch.app.serve import sensitivity_view
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import make_config, seed_users
from tests.test_moderation_web import login


def test_dashboard_shows_preset_and_thresholds(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    try:
        app = create_app(cfg, store, sensitivity=sensitivity_view(cfg))
        line = login(app, "admin").get("/dashboard").text
        line = line[line.index('id="ae-sensitivity"'):].split("</p>")[0]
        t = configured_thresholds(cfg)
        assert f"<strong>{cfg.classifiers.sensitivity.value}</strong>" in line
        for lg in cfg.classifiers.languages:
            assert re.search(rf"{lg} {t.threshold_for(lg)}\b", line), line
        cfg.classifiers.ae_threshold_fr = 0.77  # an explicit threshold is shown as such
        assert "fr 0.77 (explicit)" in login(app, "admin").get("/dashboard").text
        bare = create_app(cfg, store)  # without the port: the preset alone
        assert f"<strong>{cfg.classifiers.sensitivity.value}</strong>" in login(bare, "admin").get("/dashboard").text
    finally:
        store.close()
