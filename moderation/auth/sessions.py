"""Sessions: a signed cookie carries a random session id; the session (user, CSRF token) lives in store.kv.

Server-side sessions so logout and account deactivation take effect at once. The signing key comes from the
environment variable named by [ui] session_secret_env.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer

from pvwatch.config import Config
from pvwatch.errors import ConfigError
from pvwatch.models import utcnow
from pvwatch.storage.base import Store

KIND = "session"
COOKIE = "pvwatch_session"
PRE_COOKIE = "pvwatch_login"
MAX_AGE = 12 * 3600  # one working day


@dataclass(frozen=True)
class Session:
    sid: str
    username: str
    csrf: str


def session_secret(cfg: Config) -> str:
    secret = cfg.secret(cfg.ui.session_secret_env)
    if not secret or len(secret) < 16:
        raise ConfigError(
            "ui.session_secret_env",
            f"environment variable {cfg.ui.session_secret_env} is unset or shorter than 16 characters",
            f"export {cfg.ui.session_secret_env}=$(python -c 'import secrets; print(secrets.token_hex(32))')",
        )
    return secret


class SessionManager:
    def __init__(self, cfg: Config, store: Store) -> None:
        self.store = store
        self.signer = URLSafeTimedSerializer(session_secret(cfg), salt="pvwatch-session")
        self.pre_signer = URLSafeTimedSerializer(session_secret(cfg), salt="pvwatch-login-csrf")

    def create(self, username: str) -> tuple[Session, str]:
        """A new session and the cookie value that names it."""
        s = Session(secrets.token_urlsafe(24), username, secrets.token_urlsafe(32))
        self.store.kv.put(KIND, s.sid, {"sid": s.sid, "username": username, "csrf": s.csrf,
                                       "created_at": utcnow().isoformat()})  # sid: ended on a password reset
        return s, self.signer.dumps(s.sid)

    def load(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            sid = self.signer.loads(cookie, max_age=MAX_AGE)
        except BadSignature:  # includes SignatureExpired
            return None
        found = self.store.kv.get(KIND, str(sid))
        if found is None:
            return None
        return Session(str(sid), found[0]["username"], found[0]["csrf"])

    def destroy(self, session: Session) -> None:
        self.store.kv.delete(KIND, session.sid)

    def purge(self, limit: int = 10_000) -> int:
        """Delete sessions older than MAX_AGE (their cookies no longer verify): a session record names a
        user and must not outlive its use. Returns how many were deleted."""
        cutoff = utcnow().timestamp() - MAX_AGE
        n = 0
        for doc in self.store.kv.list(KIND, limit=limit):
            sid, created = doc.get("sid"), doc.get("created_at")
            if not isinstance(sid, str) or not isinstance(created, str):
                continue  # written before sessions carried their id: expires with its cookie, never loads
            try:
                old = datetime.fromisoformat(created).timestamp() < cutoff
            except ValueError:
                old = True
            if old:
                self.store.kv.delete(KIND, sid)
                n += 1
        return n

    # Login form CSRF (no session yet): a signed random token in a cookie, echoed by the form.
    def login_token(self) -> tuple[str, str]:
        token = secrets.token_urlsafe(24)
        return token, self.pre_signer.dumps(token)

    def check_login_token(self, cookie: str | None, form_token: str) -> bool:
        if not cookie or not form_token:
            return False
        try:
            token = self.pre_signer.loads(cookie, max_age=3600)
        except BadSignature:
            return False
        return hmac.compare_digest(str(token), form_token)


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, str(token))
