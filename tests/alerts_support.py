"""Real local servers for the alert tests: an HTTP receiver that can be told to fail, and an SMTP server
(aiosmtpd) with STARTTLS on a self-signed certificate made for the test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers 200, or `fail_status` for the next `fail_count` requests, after `delay` seconds; with `hold`,
    only once that event is set (at most 60 s). `entered` is set as soon as a request arrives."""

    got: list[Received] = field(default_factory=list)
    fail_count: int = 0
    fail_status: int = 500
    retry_after: str | None = None
    delay: float = 0.0
    hits: int = 0
    server: ThreadingHTTPServer | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)
    hold: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.got) >= n, timeout=timeout)
        return list(self.got)


def start_receiver() -> Receiver:
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            expected = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(expected)
            if len(body) < expected:
                # The sender died mid-request (the kill-loop SIGKILLs it): a real server drops a cut request, it
                # is no delivery; the sender's retry after restart is.
                self.close_connection = True
                return
            rec.hits += 1
            rec.entered.set()
            if rec.hold is not None:
                rec.hold.wait(timeout=60)  # bounded: a failing test must not hang the suite
            if rec.delay:
                time.sleep(rec.delay)
            if rec.fail_count > 0:
                rec.fail_count -= 1
                self.send_response(rec.fail_status)
                if rec.retry_after:
                    self.send_header("Retry-After", rec.retry_after)
                self.end_headers()
                return
            with rec.arrived:
                rec.got.append(Received(self.path, dict(self.headers.items()), body, time.monotonic()))
                rec.arrived.notify_all()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the client gave up (timeout tests): a broken pipe here is expected

    rec.server = Server(("127.0.0.1", 0), Handler)
    rec.server.daemon_threads = True
    threading.Thread(target=rec.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return rec


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A started receiver for one test (shared by the alert test modules via tests/conftest.py)."""
    rec = start_receiver()
    yield rec
    assert rec.server is not None
    rec.server.shutdown()
    rec.server.server_close()


def self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    """aiosmtpd on 127.0.0.1; with a certificate it offers STARTTLS and refuses mail before it."""

    def __init__(self, cert: tuple[Path, Path] | None = None, auth: tuple[str, str] | None = None) -> None:
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[dict[str, Any]] = []
        self.tls_seen: list[bool] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                outer.tls_seen.append(session.ssl is not None)
                outer.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                       "data": envelope.content.decode("utf-8", "replace")})
                return "250 OK"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = auth is not None and (data.login.decode(), data.password.decode()) == auth
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

        kwargs: dict[str, Any] = {}
        if cert is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(cert[0]), str(cert[1]))
            kwargs.update(tls_context=ctx, require_starttls=True)
        if auth is not None:
            kwargs.update(authenticator=authenticator, auth_require_tls=True)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
