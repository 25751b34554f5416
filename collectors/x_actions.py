"""Moderation on X: hide a reply in a conversation the company's account started (OAuth 1.0a user context)."""

from __future__ import annotations

import tweepy

from collectors.actions import PlatformActions
from collectors.options import XConnection
from collectors.x import explain, route
from pvwatch.errors import CollectorError
from pvwatch.models import Post


class XActions(PlatformActions):
    """Hide a reply in a conversation the company's account started; X has no removal of others' posts."""

    connection_model = XConnection
    conn: XConnection

    def _hide(self, post: Post) -> str:
        c = self.conn
        keys = [self.secret(env) for env in (c.consumer_key_env, c.consumer_secret_env, c.access_token_env,
                                             c.access_token_secret_env)]
        client = tweepy.Client(consumer_key=keys[0], consumer_secret=keys[1], access_token=keys[2],
                               access_token_secret=keys[3], return_type=dict)
        route(client.session, c.api_base)
        try:
            resp = client.hide_reply(post.id, user_auth=True)
        except Exception as exc:  # noqa: BLE001
            raise explain(exc, f"hide reply {post.id}") from None
        if not (isinstance(resp, dict) and (resp.get("data") or {}).get("hidden")):
            raise CollectorError(f"X did not confirm hiding {post.id}: {str(resp)[:200]}")
        return f"reply {post.id} hidden on X"

    def _remove(self, post: Post) -> str:
        from collectors.actions import UnsupportedAction

        raise UnsupportedAction("X does not let an account delete other people's posts; hide the reply instead")
