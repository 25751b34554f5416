"""Microsoft Teams incoming webhook (Workflows / Power Automate "post to a channel when a webhook request
is received"): a message with one Adaptive Card. The URL carries its own signature, so it comes from an
environment variable (`url_env`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from alerts.channels import register
from alerts.channels.base import ChannelOptions, Message, env_url
from alerts.channels.http import HttpChannel
from alerts.payload import details, render_text, title


class TeamsOptions(ChannelOptions):
    url_env: str = Field(min_length=1)  # env var holding the webhook URL


def card(msg: Message) -> dict[str, Any]:
    subject, _ = render_text(msg.alerts, msg.digest, msg.test)
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": subject, "weight": "Bolder", "wrap": True}]
    if not msg.test:
        for p in msg.alerts:
            if msg.digest:
                body.append({"type": "TextBlock", "text": title(p), "wrap": True, "separator": True})
            body.extend({"type": "TextBlock", "text": line, "wrap": True, "isSubtle": True} for line in details(p))
    actions = [{"type": "Action.OpenUrl", "title": "Open in pvwatch", "url": p["link"]}
               for p in msg.alerts[:5] if p.get("link") and not msg.digest]
    content = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
               "version": "1.4", "body": body, "actions": actions}
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": content}]}


@register
class TeamsChannel(HttpChannel):
    type = "teams"
    options_model = TeamsOptions
    options: TeamsOptions

    def __init__(self, name: str, options: ChannelOptions, env: Mapping[str, str] | None = None) -> None:
        super().__init__(name, options, env)
        self.url = env_url(self, "url_env", self.options.url_env)

    def send(self, msg: Message) -> None:
        url = self.url
        self.post(url, json.dumps(card(msg), ensure_ascii=False).encode("utf-8"), {})
