"""Slack incoming webhook (also accepted by Mattermost and Rocket.Chat): `{"text": ...}` in mrkdwn.

The webhook URL is itself the credential, so it comes from an environment variable (`url_env`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pydantic import Field

from alerts.channels import register
from alerts.channels.base import ChannelOptions, Message, env_url
from alerts.channels.http import HttpChannel
from alerts.payload import render_text


class SlackOptions(ChannelOptions):
    url_env: str = Field(min_length=1)  # env var holding the https://hooks.slack.com/... URL


def _escape(text: str) -> str:
    # Slack control characters; our payloads hold no user text, but product names come from config.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@register
class SlackChannel(HttpChannel):
    type = "slack"
    options_model = SlackOptions
    options: SlackOptions

    def __init__(self, name: str, options: ChannelOptions, env: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options, env)
        self.url = env_url(self, "url_env", self.options.url_env)

    def send(self, msg: Message) -> None:
        url = self.url
        subject, text = render_text(msg.alerts, msg.digest, msg.test)
        body = {"text": f"*{_escape(subject)}*\n{_escape(text)}".rstrip()}
        self.post(url, json.dumps(body, ensure_ascii=False).encode("utf-8"), {})
