"""Countries and territories by name, in English and French ('Estonia', 'Hungary', 'Allemagne', 'Côte
d'Ivoire'): the Unicode CLDR names shipped with Babel (BSD-3). With a town, an employer and a date, the
country narrows down who a post is about, and NER misses many of them on short, headline-like lines."""

from __future__ import annotations

import functools
import re

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, factor_alternatives


@functools.cache
def country_names() -> tuple[str, ...]:
    from babel import Locale

    names: set[str] = set()
    for lang in ("en", "fr"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"):
                names.add(name)
    # longest first so 'South Africa' wins over 'Africa'-like prefixes
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


class PvCountryRecognizer(PvRegexRecognizer):
    ENTITY = "LOCATION"
    FLAGS = 0
    PATTERNS: tuple[tuple[str, float], ...] = ()

    def load(self) -> None:
        alts = factor_alternatives(re.escape(n) for n in country_names())
        self.PATTERNS = ((rf"(?<![\w\-])(?:{alts})(?![\w\-])", 0.55),)
        super().load()
