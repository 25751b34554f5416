"""General URLs and bare web domains: a personal blog, shop or photo page identifies its owner as well as a
profile link does. `https://…`, `www.…`, and `name.tld/path` or `name.tld` for common top-level domains; the
trailing full stop or bracket of a sentence is left out. E-mail domains are not URLs (email.py owns them);
profile links on the big platforms are PROFILE_URL (profile_url.py scores them higher, so they win).
"""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_TLDS = (r"com|fr|org|net|info|biz|eu|be|ch|ca|uk|de|es|it|nl|se|dk|no|fi|pl|cz|hu|si|ee|pt|br|au|us|io|co|me"
         r"|blog|shop|site|online|store|tv|ly")
_TAIL = r"(?:[/?#][^\s<>\"']*)?"


class PvUrlRecognizer(PvRegexRecognizer):
    ENTITY = "URL"
    LOWER = True
    TRIGGER = "."
    MERGE = True
    PATTERNS = (
        (r"(?<![\w@])(?:https?://|www\.)[^\s<>\"']+", 0.6),
        (rf"(?<![\w@.\-])(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})(?![\w@\-]|\.\w){_TAIL}", 0.5),
    )

    def _scored(self, text: str, start: int, end: int, base: float):  # type: ignore[no-untyped-def]
        while end > start and text[end - 1] in ".,;:!?)]}'\"’»":
            end -= 1
        if end - start < 4:
            return None
        return super()._scored(text, start, end, base)
