"""Administration pages in French: users (list, add, disable, reset password, change role; all audited), the audit
trail (needs view_audit) with filters and the chain check, source health."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from moderation.auth.users import authenticate, get_user
from tests.test_moderation_web import csrf_of
from tests.test_ui_triage import fr, ui  # noqa: F401 - the fixture

NEW_PW = "un mot de passe tout neuf"


def _post(client: TestClient, path: str, **data: str) -> Any:
    html = client.get("/admin/users").text
    return client.post(path, data={**data, "csrf_token": csrf_of(html)})


def test_admin_manages_users_and_every_change_is_audited(ui) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, store = ui
    admin = fr(app, "admin")
    page = admin.get("/admin/users").text
    assert "Utilisateurs" in page and all(f'id="user-{r}"' in page for r in ("admin", "pv_officer"))
    r = _post(admin, "/admin/users", username="claire", role="pv_officer", password=NEW_PW)
    assert "Utilisateur claire créé avec le rôle pharmacovigilant." in r.text
    r = _post(admin, "/admin/users/claire", action="role", role="compliance_officer")
    assert get_user(store, "claire").role == "compliance_officer" and "responsable conformité" in r.text
    r = _post(admin, "/admin/users/claire", action="password", password="court")
    assert "Non effectué : password too short" in r.text
    _post(admin, "/admin/users/claire", action="password", password=NEW_PW + "!")
    assert authenticate(store, "claire", NEW_PW + "!") is not None and authenticate(store, "claire", NEW_PW) is None
    _post(admin, "/admin/users/claire", action="disable")
    assert get_user(store, "claire").active is False and authenticate(store, "claire", NEW_PW + "!") is None
    _post(admin, "/admin/users/claire", action="enable")
    assert get_user(store, "claire").active is True
    actions = [rec.action for rec in store.audit.iter(entity_id="claire")]
    assert actions == ["user.add", "user.role", "user.reset_password", "user.disable", "user.enable"]
    reset = [rec for rec in store.audit.iter(entity_id="claire") if rec.action == "user.reset_password"][0]
    assert "hash" not in str(reset.after) and NEW_PW not in str(reset.after)
    r = _post(admin, "/admin/users/admin", action="disable")
    assert "Non effectué : you cannot disable your own account" in r.text


def test_reset_password_ends_the_users_sessions(ui) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, _ = ui
    victim = fr(app, "social_moderator")
    assert victim.get("/queue", follow_redirects=False).status_code == 200
    _post(fr(app, "admin"), "/admin/users/social_moderator", action="password", password=NEW_PW)
    assert victim.get("/queue", follow_redirects=False).status_code == 303  # back to the login page


def test_only_admins_manage_users_and_only_view_audit_sees_the_trail(ui) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, store = ui
    mod = fr(app, "social_moderator")
    assert mod.get("/admin/users").status_code == 403
    assert mod.get("/admin/audit").status_code == 403 and "Accès refusé" in mod.get("/admin/audit").text
    html = mod.get("/queue").text
    r = mod.post("/admin/users", data={"username": "x", "role": "admin", "password": NEW_PW,
                                       "csrf_token": csrf_of(html)})
    assert r.status_code == 403 and get_user(store, "x") is None
    admin_index = mod.get("/admin").text
    assert "État des sources" in admin_index and "/admin/users" not in admin_index
    assert "Enregistrements en quarantaine" in admin_index
    assert fr(app, "compliance_officer").get("/admin/audit").status_code == 200
    assert fr(app, "pv_officer").get("/admin/audit").status_code == 403


def test_audit_trail_filters_and_verify_status(ui) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, store = ui
    officer = fr(app, "compliance_officer")
    page = officer.get("/admin/audit?action=user.add").text
    rows = re.findall(r"<tr>\s*<td>\d+</td>", page)
    assert len(rows) == 4 and "a créé un utilisateur" in page  # the four seeded users, as words
    assert "auth.login" not in re.sub(r"<[^>]+>", " ", page)
    who = officer.get("/admin/audit?who=compliance_officer").text
    assert "s’est connecté" in who and "a créé un utilisateur" not in who.split("<tbody>")[1]
    ok = officer.get("/admin/audit?verify=1").text
    assert "Chaîne intacte" in ok
    with store.transaction():
        store.db.conn.execute("UPDATE audit SET doc=replace(doc, '\"actor\":\"test\"', '\"actor\":\"mallory\"') "
                              "WHERE seq=2")
    broken = officer.get("/admin/audit?verify=1").text
    assert "Chaîne rompue" in broken


def test_old_paths_and_source_health(ui) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, _ = ui
    admin = fr(app, "admin")
    assert admin.get("/users", follow_redirects=False).headers["location"] == "/admin/users"
    assert admin.get("/audit", follow_redirects=False).status_code == 308
    page = admin.get("/admin/sources").text
    assert "État des sources" in page and "la dernière interrogation a réussi" in page


def test_source_health_shows_coverage_and_gap_reasons_in_french(ui) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Issue 18: per source, the items the platform says exist against those read, and why the rest is missing."""
    from datetime import UTC, datetime

    from pvwatch.storage.base import Checkpoint

    app, store = ui
    store.checkpoints.save(Checkpoint("youtube-fr", last_success=datetime.now(UTC), collected=187, reported=603,
                                      read=187, gaps={"replies beyond max_reply_pages or refused (API limit)": 416}))
    store.checkpoints.save(Checkpoint("x-fr", last_success=datetime.now(UTC), collected=5,
                                      gaps={"withheld": 2, "<i>new</i> reason": 1}))
    store.checkpoints.save(Checkpoint("reddit-fr", last_success=datetime.now(UTC), collected=3))
    page = fr(app, "admin").get("/admin/sources").text
    table = page[page.index('id="collector-health"'):]
    assert "<th scope=\"col\">couverture</th>" in table and "publications collectées" in table
    yt = table[table.index("youtube-fr"):table.index("</tr>", table.index("youtube-fr"))]
    assert "187 sur 603 annoncés par la plateforme (31 %)" in yt
    assert "416 non collectés : réponses au-delà de max_reply_pages ou refusées (limite de l’API)" in yt
    x = table[table.index("x-fr"):table.index("</tr>", table.index("x-fr"))]
    assert "2 non collectés : retenue par la plateforme dans certains pays" in x
    assert "1 non collecté : &lt;i&gt;new&lt;/i&gt; reason" in x and "<i>new" not in x  # shown as written, escaped
    reddit = table[table.index("reddit-fr"):table.index("</tr>", table.index("reddit-fr"))]
    assert "la plateforme ne donne pas de total" in reddit
