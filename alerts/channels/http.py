"""Shared HTTP POST for the webhook-style channels: status codes become DeliveryError, Retry-After is kept."""

from __future__ import annotations

import httpx

from alerts.channels.base import Channel, DeliveryError
from pvwatch.logsafe import install as _redact_http_logs

_redact_http_logs()  # webhook URLs and API keys are credentials: never in a log line


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # HTTP-date form: fall back to our own backoff


class HttpChannel(Channel):
    _client: httpx.Client | None = None

    def client(self) -> httpx.Client:
        if self._client is None:
            # No redirects: a webhook that redirects is misconfigured, and following could leak the signature.
            self._client = httpx.Client(timeout=self.options.timeout_seconds, follow_redirects=False)
        return self._client

    def post(self, url: str, content: bytes, headers: dict[str, str]) -> None:
        try:
            resp = self.client().post(url, content=content, headers={"Content-Type": "application/json", **headers})
        except httpx.TimeoutException:
            raise DeliveryError(f"channel {self.name}: no answer within {self.options.timeout_seconds}s") from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"channel {self.name}: {type(exc).__name__}: {exc}") from None
        if not 200 <= resp.status_code < 300:
            raise DeliveryError(f"channel {self.name}: HTTP {resp.status_code}", retry_after=_retry_after(resp))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
