"""Shared HTTP helpers: rate-limit header parsing and a small JSON client on httpx.

Collectors do not sleep inside `poll`: a rate limit becomes `RateLimited(wait_seconds)`, which the
collector turns into `Batch.wait_seconds` so the pipeline pauses that source only.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from pvwatch.errors import CollectorError
from pvwatch.logsafe import install as _redact_http_logs

_redact_http_logs()  # webhook URLs and API keys are credentials: never in a log line

MAX_RESPONSE_BYTES = 10_000_000  # a page of comments is far smaller; anything bigger is refused
DEFAULT_WAIT = 60.0
MAX_WAIT = 24 * 3600.0


class RateLimited(CollectorError):
    """The platform asked us to wait; `wait_seconds` says how long."""

    def __init__(self, message: str, wait_seconds: float) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class TransientError(CollectorError):
    """A 5xx or a network failure: the pipeline retries with backoff and jitter."""


def _clamp(seconds: float) -> float:
    return max(1.0, min(MAX_WAIT, seconds))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return _clamp(float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return _clamp(when.timestamp() - (now if now is not None else time.time()))


def parse_reset_epoch(value: str | None, now: float | None = None) -> float | None:
    """x-rate-limit-reset (X) is the Unix time at which the window resets."""
    if not value:
        return None
    try:
        reset = float(value)
    except ValueError:
        return None
    return _clamp(reset - (now if now is not None else time.time()) + 1)


def wait_from_headers(headers: Mapping[str, str], default: float = DEFAULT_WAIT, now: float | None = None) -> float:
    """The wait a 429 asks for: Retry-After, then x-rate-limit-reset, then a default."""
    low = {k.lower(): v for k, v in headers.items()}
    retry_after = parse_retry_after(low.get("retry-after"), now)
    if retry_after is not None:
        return retry_after
    reset = parse_reset_epoch(low.get("x-rate-limit-reset"), now)
    if reset is not None:
        return reset
    return default


class JsonApi:
    """GET/POST JSON with bounded responses; maps HTTP failures to collector errors.

    `classify` lets a platform module turn its own error payloads (quota, permissions) into errors
    with a fix in the message; it returns None for "not mine, use the generic mapping"."""

    def __init__(self, base_url: str, *, params: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.client = httpx.Client(base_url=base_url.rstrip("/"), params=params or {}, headers=headers or {},
                                   timeout=timeout, transport=transport, follow_redirects=False)

    def request(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        try:
            resp = self.client.request(method, path, params={k: v for k, v in (params or {}).items() if v is not None})
        except httpx.TransportError as exc:
            raise TransientError(f"network error on {method} {path}: {type(exc).__name__}") from None
        if len(resp.content) > MAX_RESPONSE_BYTES:
            raise TransientError(f"{method} {path}: response larger than {MAX_RESPONSE_BYTES} bytes refused")
        body = self._json(resp)
        self.check(resp, body, f"{method} {path}")
        return body

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params)

    @staticmethod
    def _json(resp: httpx.Response) -> Any:
        try:
            return resp.json() if resp.content else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None

    def check(self, resp: httpx.Response, body: Any, what: str) -> None:
        """Raise for non-2xx; subclasses refine with the platform's error payloads."""
        status = resp.status_code
        if 200 <= status < 300:
            if body is None:
                raise TransientError(f"{what}: response is not JSON")
            return
        if status == 429:
            wait = wait_from_headers(resp.headers)
            raise RateLimited(f"{what}: rate limited (429); waiting {wait:.0f}s", wait)
        if status >= 500:
            raise TransientError(f"{what}: server error {status}")
        raise CollectorError(f"{what}: HTTP {status}")

    def close(self) -> None:
        self.client.close()
