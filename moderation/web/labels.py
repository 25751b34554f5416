"""Every code the UI shows, as words in the reader's language (never `not_adverse_event` on screen).

Tables map a code to an English phrase marked with N_ for extraction; `label()` translates at display time.
An unknown code (a new collector's status...) falls back to the code with underscores as spaces."""

from __future__ import annotations

from moderation.web.i18n import N_, gettext

LABELS: dict[str, dict[str, str]] = {
    "status": {
        "open": N_("open (new or confirmed)"), "new": N_("new"), "dismissed": N_("dismissed"),
        "confirmed": N_("adverse event confirmed"), "escalated": N_("escalated to PV"),
        "redacted": N_("personal data redacted"), "hidden": N_("hidden on the platform"), "closed": N_("closed"),
    },
    "case_status": {
        "open": N_("open"), "follow_up": N_("follow-up"), "submitted": N_("submitted"), "closed": N_("closed"),
    },
    "flag": {
        "adverse_event": N_("adverse event"), "special_situation": N_("special situation"),
        "personal_data": N_("personal data"),
    },
    "reason": {
        "not_adverse_event": N_("not an adverse event"), "not_about_product": N_("not about our product"),
        "off_topic": N_("off topic"), "spam": N_("spam"), "duplicate": N_("duplicate"), "other": N_("other"),
    },
    "role": {
        "social_moderator": N_("social media moderator"), "compliance_officer": N_("compliance officer"),
        "pv_officer": N_("PV officer"), "admin": N_("administrator"),
    },
    "situation": {
        "pregnancy": N_("pregnancy"), "breastfeeding": N_("breastfeeding"), "overdose": N_("overdose"),
        "abuse_misuse": N_("abuse or misuse"), "off_label": N_("off-label use"),
        "medication_error": N_("medication error"), "lack_of_efficacy": N_("lack of efficacy"),
        "product_quality": N_("product quality issue"), "death": N_("death"),
    },
    "serious": {
        "death": N_("death"), "life_threatening": N_("life-threatening"), "hospitalisation": N_("hospitalisation"),
        "disability": N_("disability"), "congenital_anomaly": N_("congenital anomaly"),
        "other_medically_important": N_("other medically important condition"),
    },
    "icsr": {
        "reporter": N_("identifiable reporter"), "patient": N_("identifiable patient"),
        "suspect_product": N_("suspect product"), "reaction": N_("adverse reaction"),
    },
    "subject": {
        "self": N_("the author"), "child": N_("the author's child"), "relative": N_("a relative"),
        "other": N_("someone else"), "general": N_("general statement"),
    },
    "health": {
        "ok": N_("working"), "degraded": N_("retrying after an error"), "failing": N_("failing"),
        "stale": N_("stalled"), "never_run": N_("never run"),
    },
    "lang": {"fr": N_("French"), "en": N_("English"), "": N_("unknown")},
    # coverage gaps (pvwatch.ports.Coverage): the collectors' reasons; any other reason is shown as written
    "gap": {
        "withheld": N_("withheld by the platform in some countries"),
        "replies beyond max_reply_pages or refused (API limit)":
            N_("replies beyond max_reply_pages or refused (API limit)"),
        "comment [deleted]": N_("comment deleted by its author"), "comment [removed]": N_("comment removed"),
        "submission [deleted]": N_("post deleted by its author"), "submission [removed]": N_("post removed"),
    },
    "evidence": {
        "drug": N_("product"), "reaction": N_("reaction"), "negated_reaction": N_("negated reaction"),
    },
    "action": {
        "item.dismiss": N_("dismissed"), "item.confirm": N_("confirmed the adverse event"),
        "item.escalate": N_("escalated to PV"), "item.redact": N_("redacted personal data"),
        "item.hide": N_("hid on the platform"), "item.remove": N_("removed on the platform"),
        "item.hide_dry_run": N_("rehearsed hiding (dry run)"), "item.remove_dry_run": N_("rehearsed removal (dry run)"),
        "item.note": N_("added a note"), "item.assign": N_("assigned"), "item.update_failed": N_("update failed"),
        "case.create": N_("created the case"), "case.note": N_("added a follow-up note"),
        "case.status": N_("changed the case status"), "case.seriousness": N_("changed the seriousness"),
        "case.export_e2b": N_("exported E2B(R3)"), "case.export_csv": N_("exported cases (CSV)"),
        "auth.login": N_("logged in"), "auth.login_failed": N_("failed login"), "auth.lockout": N_("locked out"),
        "user.add": N_("created a user"), "user.disable": N_("disabled a user"), "user.enable": N_("enabled a user"),
        "user.reset_password": N_("reset a password"), "user.role": N_("changed a role"),
        "user.language": N_("changed the language"),
        "token.create": N_("created an API token"), "token.revoke": N_("revoked an API token"),
        "api.post": N_("received a post through the API"),
    },
    "sort": {
        "priority": N_("priority (serious first)"), "oldest": N_("oldest first"), "newest": N_("newest first"),
        "platform": N_("platform"), "status": N_("status"),
    },
    "age": {
        "": N_("any age"), "lt1d": N_("< 1 day"), "gt1d": N_("> 1 day"), "gt7d": N_("> 7 days"),
        "gt15d": N_("> 15 days"), "gt30d": N_("> 30 days"), "d1_7": N_("1-7 days"), "d7_15": N_("7-15 days"),
        "d15_30": N_("15-30 days"),
    },
    "decision_short": {
        "dismiss": N_("dismissed"), "confirm": N_("confirmed"), "escalate": N_("escalated"), "redact": N_("redacted"),
        "hide": N_("hidden"), "remove": N_("removed"),
    },
    "permission": {
        "view_queue": N_("view the queue"), "view_dashboard": N_("view the dashboard"), "note": N_("add notes"),
        "assign": N_("assign items"), "dismiss": N_("dismiss items"),
        "dismiss_adverse_event": N_("dismiss an item flagged as an adverse event"),
        "confirm_adverse_event": N_("confirm adverse events"), "escalate": N_("escalate to PV"),
        "redact": N_("redact personal data"), "hide": N_("hide posts on the platform"),
        "remove": N_("remove posts on the platform"), "view_cases": N_("view PV cases"),
        "manage_cases": N_("manage PV cases"), "export_cases": N_("export PV cases"),
        "view_audit": N_("view the audit trail"), "view_sources": N_("view source health"),
        "manage_users": N_("manage users"), "manage_tokens": N_("manage API tokens"),
        "manage_sources": N_("manage sources and quarantined records"),
    },
    "sex": {"male": N_("male"), "female": N_("female")},
    "qualification": {
        "physician": N_("physician"), "pharmacist": N_("pharmacist"),
        "other_health_professional": N_("other health professional"), "lawyer": N_("lawyer"),
        "consumer": N_("consumer"),
    },
    "missing": {  # moderation.cases.service.MINIMUM: what a case still lacks
        "identifiable reporter": N_("identifiable reporter"), "identifiable patient": N_("identifiable patient"),
        "suspect product": N_("suspect product"), "adverse reaction": N_("adverse reaction"),
    },
    "field": {
        "status": N_("status"), "assignee": N_("assignee"), "priority": N_("priority"), "day_zero": N_("day zero"),
        "case_id": N_("PV case"), "flags": N_("flags"),
    },
    "bulk": {
        "dismiss": N_("Dismiss"), "confirm": N_("Confirm adverse event"), "escalate": N_("Escalate to PV"),
        "assign": N_("Assign"),
    },
    "sensitivity": {  # [classifiers] sensitivity: the adverse-event preset in force
        "standard": N_("standard"), "high": N_("high"), "maximum": N_("maximum"),
    },
    "decision": {
        "dismiss": N_("dismissed"), "confirm_adverse_event": N_("confirmed the adverse event"),
        "escalate": N_("escalated to PV"), "redact": N_("redacted"), "hide": N_("hid"), "remove": N_("removed"),
    },
}


def label(code: object, kind: str) -> str:
    """The words for `code` (an enum member or its value) in the current language."""
    value = str(getattr(code, "value", code) or "")
    english = LABELS.get(kind, {}).get(value)
    if english is None:
        return value.replace("_", " ").replace(".", " ")
    return gettext(english)


def show(value: object, field: str) -> str:
    """A before/after value of an audited field, as words."""
    from moderation.web.i18n import format_datetime

    if value is None or value == "" or value == []:
        return "—"
    if field == "status":
        return label(value, "status")
    if field == "flags" and isinstance(value, list):
        return ", ".join(label(v, "flag") for v in value)
    if field == "day_zero":
        return format_datetime(str(value))
    return str(value)


# The classifier explains each ICSR criterion in English (classifiers/ae/icsr.py); shown here in the reader's words.
_REASONS = {
    "the author describes their own experience": N_("the author describes their own experience"),
    "the author describes their child": N_("the author describes their child"),
    "the author describes a relative": N_("the author describes a relative"),
    "the author describes another identifiable person": N_("the author describes another identifiable person"),
    "no patient is described (general information)": N_("no patient is described (general information)"),
    "first-hand account by the post's author, contactable through the platform account":
        N_("first-hand account by the post's author, contactable through the platform account"),
    "general statement or news: no one reports a case they witnessed":
        N_("general statement or news: no one reports a case they witnessed"),
    "no medicinal product recognised": N_("no medicinal product recognised"),
    "every reaction mentioned is negated": N_("every reaction mentioned is negated"),
    "no reaction recognised": N_("no reaction recognised"),
}
_REASON_PREFIXES = {"product mentioned: ": N_("product mentioned: %(what)s"),
                    "reaction mentioned: ": N_("reaction mentioned: %(what)s")}


def reason(text: str) -> str:
    """An ICSR criterion's reason in the current language (unknown wording: as the classifier wrote it)."""
    if text in _REASONS:
        return gettext(_REASONS[text])
    for prefix, template in _REASON_PREFIXES.items():
        if text.startswith(prefix):
            return gettext(template) % {"what": text.removeprefix(prefix)}
    return text


def denied(exc: object) -> str:
    """A permission refusal in the reader's words (moderation.roles.RoleDenied), else its own message."""
    role, permission, allowed_roles = (getattr(exc, a, None) for a in ("role", "permission", "allowed_roles"))
    if role is None or permission is None:
        return str(exc)
    return gettext("The role %(role)s may not %(what)s; this needs: %(who)s.") % {
        "role": label(role, "role"), "what": label(permission, "permission"),
        "who": ", ".join(label(r, "role") for r in allowed_roles or [])}


def deadline_words(deadline: object, now: object) -> str:
    """A case deadline (moderation.cases.deadlines.Deadline) in the reader's words: "3 jours restants"."""
    from datetime import datetime

    due, state, english = (getattr(deadline, a, None) for a in ("due", "state", "label"))
    if due is None or not isinstance(now, datetime):
        return gettext("clock not started (not yet valid)") if due is None else str(english)
    if state == "none":  # submitted or closed: the label is the case status
        return label(english, "case_status")
    if state == "breached":
        return gettext("overdue by %(span)s") % {"span": _span(now - due)}
    return gettext("%(span)s left") % {"span": _span(due - now)}


def _span(delta: object) -> str:
    """Days and hours, as a PV officer counts a deadline ("4 d 3 h", "4 j 3 h")."""
    seconds = int(getattr(delta, "total_seconds", lambda: 0)())
    days, rest = divmod(max(0, seconds), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
