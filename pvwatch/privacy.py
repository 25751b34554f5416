"""Author pseudonymisation with a keyed hash (HMAC-SHA256), and raw-payload minimisation.

The key comes from the environment variable named by [privacy] pseudonym_key_env. The same handle always
maps to the same pseudonym under one key (so an erasure request can find an author's posts), and nobody
without the key can reverse or recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from typing import Any

from pvwatch.config import Config
from pvwatch.errors import ConfigError
from pvwatch.models import Item, Post

PSEUDONYM_PREFIX = "pz:"  # a colon never appears in a platform handle
# Raw-payload fields that name the author on the platforms we collect from (X, Reddit, YouTube, Meta, exports).
AUTHOR_FIELDS = frozenset({"author", "author_name", "authorname", "username", "user_name", "screen_name", "name",
                           "authordisplayname", "display_name", "from_name", "handle", "user", "login"})


def scrub_authors(raw: Any, author: str | None, pseudonym: Callable[[str], str]) -> Any:
    """A copy of `raw` where the author's handle (wherever it appears as a value) and every author-naming
    field are replaced by pseudonyms (recursion is safe: `Post` bounds raw payloads to 32 levels)."""
    clear = author.strip().lstrip("@").casefold() if author and not author.startswith(PSEUDONYM_PREFIX) else None

    def fix(key: str | None, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PSEUDONYM_PREFIX):
            return value
        if isinstance(value, str) and ((clear and value.strip().lstrip("@").casefold() == clear)
                                       or (key is not None and key.casefold() in AUTHOR_FIELDS and value)):
            return pseudonym(value)
        if isinstance(value, dict):
            return {k: fix(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(None, v) for v in value]
        return value

    return fix(None, raw)


class Pseudonymizer:
    def __init__(self, key: bytes, keep_raw: bool = True) -> None:
        if len(key) < 16:
            raise ConfigError("privacy.pseudonym_key_env", "the pseudonymisation key is shorter than 16 bytes",
                              "export a random key: python -c 'import secrets;print(secrets.token_hex(32))'")
        self.key = key
        self.keep_raw = keep_raw

    @classmethod
    def from_config(cls, cfg: Config) -> Pseudonymizer:
        env = cfg.privacy.pseudonym_key_env
        value = os.environ.get(env)
        if not value:
            raise ConfigError(
                "privacy.pseudonym_key_env",
                f"environment variable {env} is not set",
                f"export {env}=$(python -c 'import secrets;print(secrets.token_hex(32))') and keep it safe: "
                "losing it breaks erasure requests for past posts",
            )
        return cls(value.encode("utf-8"), keep_raw=cfg.privacy.keep_raw)

    def pseudonym(self, platform: str, handle: str) -> str:
        norm = handle.strip().lstrip("@").lower()
        digest = hmac.new(self.key, f"{platform}:{norm}".encode(), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:20]

    def protect(self, post: Post) -> Post:
        """Replace the author with its pseudonym; drop the raw payload unless configured to keep it."""
        update: dict[str, object] = {}
        if post.author and not post.author.startswith(PSEUDONYM_PREFIX):
            update["author"] = self.pseudonym(post.platform, post.author)
        if not self.keep_raw and post.raw is not None:
            update["raw"] = None
        elif post.raw is not None:  # kept for audit, but never with the author in clear beside the pseudonym
            update["raw"] = scrub_authors(post.raw, post.author, lambda h: self.pseudonym(post.platform, h))
        return post.model_copy(update=update) if update else post

    def author_matcher(self, handle: str, platform: str | None = None) -> Callable[[Item], bool]:
        """A predicate selecting the items written by `handle` (on `platform`, or on any platform).

        Authors are stored pseudonymised, so the handle is pseudonymised per item platform; an author stored
        in clear (pseudonymisation added later) matches too."""
        norm = handle.strip().lstrip("@").lower()
        cache: dict[str, str] = {}

        def matches(item: Item) -> bool:
            post = item.post
            if post.author is None or (platform is not None and post.platform != platform):
                return False
            if post.platform not in cache:
                cache[post.platform] = self.pseudonym(post.platform, norm)
            return post.author == cache[post.platform] or post.author.strip().lstrip("@").lower() == norm

        return matches
