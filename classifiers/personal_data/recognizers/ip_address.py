"""IPv4 and IPv6 addresses (each IPv4 octet checked to be <= 255; version strings like 1.2.3 are not IPs)."""

from __future__ import annotations

import ipaddress

from classifiers.personal_data.recognizers._base import PvRegexRecognizer


class PvIpAddressRecognizer(PvRegexRecognizer):
    ENTITY = "IP_ADDRESS"
    LOWER = True
    MIN_DIGITS = 1
    PRECHECK = r"\d\.\d|[0-9a-f]:[0-9a-f]*:"
    CONTEXT = ("ip", "adresse ip", "address", "serveur", "server")
    CONTEXT_BOOST = 0.1
    MERGE = True
    PATTERNS = (
        (r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)", 0.85),
        (r"(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?:[0-9a-f:]*)(?![\w:])", 0.7),
    )

    def triggered(self, text: str, lower: str | None = None, ndigits: int | None = None) -> bool:
        # IPv4 has three dots, IPv6 at least two colons: str.count is far cheaper than the precheck regex.
        if text.count(".") < 3 and text.count(":") < 2:
            return False
        return super().triggered(text, lower, ndigits)

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            return None
        if ip.version == 6 and value.count(":") < 3:
            return None
        return score
