"""No credential and no personal data in any log line at INFO: a full cycle (`pvwatch run` with webhook and
Slack alerts delivered to local receivers, then `pvwatch serve` with logins, searches, item pages, a webhook
ingest) with every line of both processes' logs scanned for the secrets and the personal data we fed in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from collectors.webhook import sign
from pvwatch.storage.sqlite import SqliteStore
from tests.alerts_support import Receiver, free_port
from tests.moderation_helpers import PASSWORD, seed_users
from tests.reliability_support import LEVOTHYROX, login, replay_source, served, webhook_source, write_config

SECRETS = {
    "PVWATCH_TEST_SCAN_HOOK": "scan-hook-secret-4f9a1c",
    "PVWATCH_TEST_SCAN_INGEST": "scan-ingest-secret-77be02",
    "PVWATCH_AUDIT_KEY": "scan-audit-key-0c1d2e3f4a5b",
}
SLACK_TOKEN = "T0SCAN/B0SCAN/slackTokenX9Y8"
PERSONAL = ["marie.dupont@example.com", "06 12 34 56 78", "Marie Dupont", "@marie_l", "jules.martin@example.org",
            "Jules Martin", "1 85 05 78 006 048 22", "palpitations terribles depuis lundi", "@jules_m"]


def _posts() -> list[dict[str, str]]:
    return [
        {"id": "s1", "author": "@marie_l",
         "text": "Marie Dupont ici: Levothyrox et palpitations terribles depuis lundi, "
                 "écrivez-moi à marie.dupont@example.com ou au 06 12 34 56 78"},
        {"id": "jules.martin@example.org", "author": "@jules_m", "text": "Jules Martin: sous Doliprane j'ai des "
                                                                         "vertiges, NIR 1 85 05 78 006 048 22"},
        {"id": "s3", "author": "@marie_l", "text": "Super soirée hier soir avec les copains"},
    ]


@pytest.mark.slow
def test_no_credential_or_personal_data_in_any_log_line(tmp_path: Path, receiver: Receiver) -> None:
    slack_url = receiver.url.replace("/hook", f"/services/{SLACK_TOKEN}")
    env = {**os.environ, **SECRETS, "PVWATCH_TEST_SCAN_SLACK": slack_url}
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in _posts()), encoding="utf-8")
    port = free_port()
    cfg = write_config(tmp_path, replay_source("imp", posts, "scan"), webhook_source("in", "PVWATCH_TEST_SCAN_INGEST"),
                       products=LEVOTHYROX + '[[products]]\nname = "Doliprane"\ninns = ["paracétamol"]\n',
                       personal_data=True, extra=f"[ui]\nport = {port}\n", alerts=f"""
[alerts.channels.hook]
type = "webhook"
url = "{receiver.url}"
secret_env = "PVWATCH_TEST_SCAN_HOOK"
[alerts.channels.slack]
type = "slack"
url_env = "PVWATCH_TEST_SCAN_SLACK"
[[alerts.rules]]
name = "ae"
on = "adverse_event"
channels = ["hook", "slack"]
[[alerts.rules]]
name = "stopped"
on = "collector_stopped"
stopped_after_minutes = 1
channels = ["slack"]
""")
    logs = tmp_path / "logs.txt"
    with logs.open("ab") as fh:
        run = subprocess.run([sys.executable, "-m", "pvwatch", "run", "--once", "-c", str(cfg)], stdout=fh,
                             stderr=fh, env=env, timeout=900)
    assert run.returncode == 0, logs.read_text()[-3000:]
    assert len(receiver.wait_for(4, timeout=30)) >= 4  # two AE posts, webhook + Slack each

    store = SqliteStore(tmp_path / "store.db")
    seed_users(store)
    store.close()
    with served(cfg, port, logs, env) as base:
        for user in ("social_moderator", "compliance_officer", "pv_officer", "admin"):
            with httpx.Client(base_url=base) as c:
                login(c, user, "wrong " + PASSWORD)
                login(c, user, PASSWORD)
                for q in ("Marie Dupont", "marie.dupont@example.com", "06 12 34 56 78"):
                    assert c.get("/queue", params={"q": q}).status_code == 200
                for key in ("scan:s1", "scan:jules.martin@example.org"):
                    assert c.get("/item", params={"key": key}).status_code == 200
                c.get("/dashboard")
                c.get("/cases")
        body = json.dumps({"id": "w1", "author": "@jules_m", "text": "Jules Martin: Levothyrox, palpitations"}).encode()
        ts = str(int(time.time()))
        r = httpx.post(f"{base}/api/ingest/in", content=body, headers={
            "X-Pvwatch-Timestamp": ts, "X-Pvwatch-Signature": sign(SECRETS["PVWATCH_TEST_SCAN_INGEST"], ts, body)})
        assert r.status_code == 202

    lines = logs.read_text(encoding="utf-8", errors="replace").splitlines()
    info = [line for line in lines if " INFO " in line or " WARNING " in line or " ERROR " in line]
    assert any("GET /queue" in line for line in info) and any("HTTP Request" in line for line in info)
    needles = [*SECRETS.values(), SLACK_TOKEN, "slackTokenX9Y8", PASSWORD, os.environ["PVWATCH_SESSION_SECRET"],
               os.environ["PVWATCH_PSEUDONYM_KEY"], *PERSONAL]
    leaks = [(n, line) for line in lines for n in needles if n.lower() in line.lower()]
    assert not leaks, "\n".join(f"{n!r} in: {line}" for n, line in leaks[:20])
