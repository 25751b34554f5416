"""IPv4 and IPv6 addresses, validated by `ipaddress` (each IPv4 octet <= 255).

IPv6 in all its written forms: compressed (`::1`, `fe80::1`), full, and with an IPv4 tail (`::ffff:192.0.2.1`,
`2001:db8::192.168.1.1`), taken whole. Version strings (`version 2.1.0.4`, `v1.2.3.4`) are not IPs.
"""

from __future__ import annotations

import ipaddress
import re

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_V4 = r"(?:\d{1,3}\.){3}\d{1,3}"
# '01 47.70.28.64': the tail of a phone number with mixed separators, not an IP
_NUMBER_BEFORE = re.compile(r"\d[ \-]\Z")
_VERSION_BEFORE = re.compile(r"(?:version|release|build|firmware|v|ver)\.? ?\Z")


class PvIpAddressRecognizer(PvRegexRecognizer):
    ENTITY = "IP_ADDRESS"
    LOWER = True
    MIN_DIGITS = 1
    PRECHECK = r"\d\.\d|[0-9a-f]?:[0-9a-f]*:"
    CONTEXT = ("ip", "adresse ip", "address", "serveur", "server")
    CONTEXT_BOOST = 0.1
    MERGE = True
    PATTERNS = (
        # IPv6 first: at the same place it takes its IPv4 tail with it
        (rf"(?<![\w:.])(?:[0-9a-f]{{1,4}}|:)?(?::[0-9a-f]{{0,4}}){{1,7}}(?::{_V4}|(?<=:){_V4})?(?![\w:]|\.\d)",
         0.7),
        (rf"(?<![\w.]){_V4}(?![\w]|\.\d)", 0.85),
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
        if ip.version == 6 and ((value.count(":") < 3 and "::" not in value) or value.strip(":") == ""):
            return None
        if ip.version == 4 and (_VERSION_BEFORE.search(text[max(0, start - 10):start].lower())
                                or _NUMBER_BEFORE.search(text[max(0, start - 3):start])):
            return None
        return score
