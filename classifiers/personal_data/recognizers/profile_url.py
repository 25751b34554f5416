"""Links to a person's profile (facebook.com/jean.dupont, x.com/name, instagram.com/name, linkedin.com/in/...,
tiktok.com/@name, youtube.com/@name, reddit.com/u/name). Links to a post or a brand page are left alone only
when they are clearly not profiles (share, status, watch...)."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_NOT_PROFILES = frozenset({"share", "sharer", "status", "watch", "hashtag", "search", "explore", "groups",
                           "events", "pages", "help", "login", "home", "p", "reel", "posts", "r", "i",
                           "intent", "policies", "privacy", "settings"})


class PvProfileUrlRecognizer(PvRegexRecognizer):
    ENTITY = "PROFILE_URL"
    LOWER = True
    PRECHECK = r"\.com/"
    TRIGGER = "."
    PATTERNS = (
        (r"(?:https?://)?(?:www\.|m\.|[a-z]{2}\.)?(?:facebook|fb|instagram|twitter|x|tiktok|threads|linkedin"
         r"|youtube|reddit|doctissimo|pinterest|snapchat)\.com/(?:in/|u/|user/|profile\.php\?id=)?@?"
         r"([\w.\-]{2,60})", 0.8),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        import re

        m = re.search(r"\.com/(?:in/|u/|user/|profile\.php\?id=)?@?([\w.\-]+)", value)
        if m is None or m.group(1).lower() in _NOT_PROFILES:
            return None
        # A profile URL ends at the user name: "/status/123" after it means a post, not a profile.
        tail = text[end:end + 2]
        if tail.startswith("/") and len(tail) > 1 and tail[1].isalnum():
            return None
        return score
