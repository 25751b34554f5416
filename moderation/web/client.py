"""The client's address, as the login throttle and the audit see it.

X-Forwarded-For is a request header: any client can send one. It is believed only when the connecting peer
is a configured reverse proxy ([ui] trusted_proxies), and then the right-most address that is not itself a
trusted proxy is the client (the left-most entries are whatever the client chose to write).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _trusted(addr: str, nets: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(addr.strip())
    except ValueError:
        return False
    return any(ip in n for n in nets)


def resolve(peer: str, forwarded_for: str | None, trusted: Sequence[str]) -> str:
    nets = _networks(tuple(trusted))
    if not nets or not forwarded_for or not _trusted(peer, nets):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, nets):
            return hop[:64]
    return peer


def client_address(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.cfg.ui.trusted_proxies
    return resolve(peer, request.headers.get("x-forwarded-for"), trusted)
