"""Roles and what each may do. One table, checked by every service call (never only by the UI)."""

from __future__ import annotations

import enum

from pvwatch.errors import PermissionDenied


class Role(enum.StrEnum):
    social_moderator = "social_moderator"
    compliance_officer = "compliance_officer"
    pv_officer = "pv_officer"
    admin = "admin"


_ALL = frozenset(Role)
_PV = frozenset({Role.pv_officer, Role.admin})

# Any staff member who sees a possible adverse event must be able to pass it to PV (GVP VI), so
# moderators escalate; dismissing a machine-flagged adverse event is a PV decision.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "view_queue": _ALL,
    "view_dashboard": _ALL,
    "note": _ALL,
    "assign": _ALL,
    "dismiss": frozenset({Role.social_moderator, Role.compliance_officer, Role.pv_officer, Role.admin}),
    "dismiss_adverse_event": _PV,
    "confirm_adverse_event": frozenset({Role.social_moderator, Role.pv_officer, Role.admin}),
    "escalate": frozenset({Role.social_moderator, Role.pv_officer, Role.admin}),
    "redact": frozenset({Role.compliance_officer, Role.admin}),
    "hide": frozenset({Role.social_moderator, Role.compliance_officer, Role.admin}),
    "remove": frozenset({Role.social_moderator, Role.compliance_officer, Role.admin}),
    "view_cases": frozenset({Role.compliance_officer, Role.pv_officer, Role.admin}),
    "manage_cases": _PV,
    "export_cases": _PV,
    "view_audit": frozenset({Role.compliance_officer, Role.admin}),
    "view_sources": _ALL,
    "manage_users": frozenset({Role.admin}),
    "manage_tokens": frozenset({Role.admin}),
    "manage_sources": frozenset({Role.admin}),  # source health and the dead-letter store (raw records)
}


class RoleDenied(PermissionDenied):
    """A role lacks a permission; carries both so the UI can say it in the reader's language."""

    def __init__(self, role: str, permission: str, allowed_roles: list[str]) -> None:
        self.role, self.permission, self.allowed_roles = role, permission, allowed_roles
        super().__init__(f"role {role!r} may not {permission.replace('_', ' ')}; "
                         f"this needs one of: {', '.join(allowed_roles)}")


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise PermissionDenied(f"unknown role {value!r}; use one of {', '.join(r.value for r in Role)}") from None


def allowed(role: Role, permission: str) -> bool:
    roles = PERMISSIONS.get(permission)
    if roles is None:
        raise KeyError(f"unknown permission {permission!r}")
    return role in roles


def require(role: Role, permission: str) -> None:
    """Raise PermissionDenied naming the roles that may do it."""
    if not allowed(role, permission):
        raise RoleDenied(role, permission, sorted(r.value for r in PERMISSIONS[permission]))
