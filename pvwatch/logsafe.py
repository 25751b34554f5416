"""Keep credentials out of third-party log lines.

httpx logs every request at INFO with its full URL ("HTTP Request: POST https://hooks.slack.com/services/T/B/SECRET
..."). Slack and Teams webhook URLs are credentials, and some platform APIs take keys in the query string, so a
filter on the httpx logger rewrites the URL to its scheme and host before any handler sees it. Installed by the
modules that use httpx (alerts channels, collectors), so it holds however pvwatch is started (CLI, UI, tests).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

_LOGGERS = ("httpx", "httpcore")


def redact_url(url: object) -> str:
    """`https://hooks.slack.com/services/T/B/X?k=v` -> `https://hooks.slack.com/…` (path and query hidden)."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<url>"
    if not parts.scheme or not parts.hostname:
        return "<url>"
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    hidden = "/…" if (parts.path not in ("", "/") or parts.query) else "/"
    return f"{parts.scheme}://{host}{hidden}"


class RedactUrls(logging.Filter):
    """Replaces every URL-looking argument of a log record by its redacted form."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        if isinstance(record.msg, str) and "://" in record.msg and not record.args:
            record.msg = " ".join(redact_url(w) if "://" in w else w for w in record.msg.split(" "))
        return True

    @staticmethod
    def _clean(arg: Any) -> Any:
        if type(arg).__name__ == "URL" or (isinstance(arg, str) and "://" in arg):
            return redact_url(arg)
        return arg


_FILTER = RedactUrls()


def install() -> None:
    """Idempotent: attach the filter to the loggers that print request URLs."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
