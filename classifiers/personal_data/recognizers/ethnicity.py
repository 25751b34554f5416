"""Racial or ethnic origin of an identifiable person (GDPR Art. 9)."""

from __future__ import annotations

from classifiers.personal_data.recognizers._special import PvSpecialCategoryRecognizer


class PvEthnicityRecognizer(PvSpecialCategoryRecognizer):
    ENTITY = "ETHNICITY"
    TERMS = (
        r"d'origine (?:maghr[ée]bine|africaine|arabe|asiatique|antillaise|turque|kabyle|berb[èe]re|rom|"
        r"s[ée]n[ée]galaise|malienne|alg[ée]rienne|marocaine|tunisienne|chinoise|vietnamienne|juive|gitane)",
        r"(?:je suis|il est|elle est|en tant que) (?:noire?|m[ée]tisse?|arabe|beur(?:ette)?|asiatique|rom|gitane?)",
        r"personnes? racis[ée]es?", r"racis[ée]e?",
        r"african[- ]american", r"black (?:woman|man|women|men|person|people|girl|boy)", r"hispanic", r"latin[ao]",
        r"(?:i'm|i am|as an?) (?:black|asian|arab|indigenous|native american|aboriginal|mixed[- ]race)",
        r"of (?:african|asian|arab|caribbean|roma|hispanic|mexican|indian|pakistani) (?:descent|origin|heritage)",
    )
