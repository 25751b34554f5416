"""E-mail over SMTP with STARTTLS (required by default).

`starttls = false` is only accepted when `host` is this machine (a local relay such as Postfix on
127.0.0.1, or a test server): alerts must never cross a network in clear text, even without personal data,
because they say which product has a serious case. The password comes from `password_env`.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid

from pydantic import Field, field_validator, model_validator

from alerts.channels import register
from alerts.channels.base import Channel, ChannelOptions, DeliveryError, Message, is_loopback
from alerts.payload import render_text

_ADDR = r"^[^@\s<>,;]+@[^@\s<>,;]+$"


class EmailOptions(ChannelOptions):
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    ca_file: str = ""  # PEM bundle for a private CA; empty: the system's trust store
    username: str = ""  # empty: no SMTP AUTH
    password_env: str = ""  # env var holding the password (required when username is set)
    from_addr: str = Field(pattern=_ADDR)
    to: list[str] = Field(min_length=1)
    subject_prefix: str = Field(default="[pvwatch]", max_length=40)

    @field_validator("to")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        import re

        bad = [a for a in v if not re.match(_ADDR, a)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an e-mail address")
        return v

    @model_validator(mode="after")
    def _tls_and_auth(self) -> EmailOptions:
        if not self.starttls and not is_loopback(self.host):
            raise ValueError("starttls = false is only allowed for a relay on 127.0.0.1/localhost; remove it")
        if self.username and not self.password_env:
            raise ValueError("username is set but password_env is not; name the variable holding the password")
        if self.username and not self.starttls:
            raise ValueError("SMTP AUTH without STARTTLS would send the password in clear; enable starttls")
        return self


@register
class EmailChannel(Channel):
    type = "email"
    options_model = EmailOptions
    options: EmailOptions

    def __init__(self, name: str, options: ChannelOptions, env: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options, env)
        o = self.options
        self._password = self.secret("password_env", o.password_env) if o.username else ""
        self._tls = ssl.create_default_context(cafile=o.ca_file or None) if o.starttls else None

    def compose(self, msg: Message) -> EmailMessage:
        subject, text = render_text(msg.alerts, msg.digest, msg.test)
        em = EmailMessage()
        em["Subject"] = f"{self.options.subject_prefix} {subject}".strip()
        em["From"] = self.options.from_addr
        em["To"] = ", ".join(self.options.to)
        em["Message-ID"] = make_msgid(idstring=msg.delivery_id[:16], domain="pvwatch")
        em["X-Pvwatch-Delivery"] = msg.delivery_id
        em.set_content(text + "\n\n-- \npvwatch: no personal data is sent by e-mail; open the link to review.\n")
        return em

    def send(self, msg: Message) -> None:
        o = self.options
        em = self.compose(msg)
        try:
            with smtplib.SMTP(o.host, o.port, timeout=o.timeout_seconds) as smtp:
                smtp.ehlo()
                if self._tls is not None:
                    if not smtp.has_extn("starttls"):
                        raise DeliveryError(f"channel {self.name}: {o.host} offers no STARTTLS; refusing clear text")
                    smtp.starttls(context=self._tls)
                    smtp.ehlo()
                if o.username:
                    smtp.login(o.username, self._password)
                smtp.send_message(em)
        except DeliveryError:
            raise
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            # str(exc) of SMTP errors holds the server's reply, never our password.
            raise DeliveryError(f"channel {self.name}: {type(exc).__name__}: {exc}") from None
