"""Places a person lives in, comes from or travels to, after a cue: 'lives in Espoo', 'I am in Ullaste',
'flew to RYSSBY', 'moved here from ESPOO', 'habite à Lonzac', 'née à Paris', 'originaire de Nantes'. The cue
says the place is about someone; NER misses many small towns, all-caps or unknown names."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, factor_alternatives

_CUES = ("lives in", "lived in", "live in", "living in", "i am in", "i'm in", "im in", "we are in", "moved to",
         "moved here from", "moved from", "flew to", "flew in from", "returned to", "arrived at", "arrived in",
         "born in", "grew up in", "from the town of", "home city", "habite à", "habite a", "j'habite à",
         "vit à", "vivons à", "résidant à", "residant à", "résidant au", "née à", "né à", "nee a", "ne a",
         "originaire de", "natif de", "native de", "natif du", "déménagé à", "demenage a", "ville de")
_PLACE = r"([A-ZÀ-ÖØ-Þ][\wÀ-ÖØ-öø-ÿ'’\-]+(?: (?:[A-ZÀ-ÖØ-Þ][\wÀ-ÖØ-öø-ÿ'’\-]+|sur|sous|de|du|la|le|en)){0,3})"


class PvPlaceRecognizer(PvRegexRecognizer):
    ENTITY = "LOCATION"
    FLAGS = 0
    GROUP = 1
    PATTERNS = ((rf"(?<![\w])(?i:{factor_alternatives(_CUES)}) {_PLACE}", 0.6),)

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        words = value.split()
        while words and words[-1][0].islower():  # 'Nogent sur Marne' keeps 'sur'; a trailing 'de' goes
            words.pop()
        return score if words and len(" ".join(words)) == len(value) else None
