"""Religious or philosophical beliefs of an identifiable person (GDPR Art. 9)."""

from __future__ import annotations

from classifiers.personal_data.recognizers._special import PvSpecialCategoryRecognizer


class PvReligionRecognizer(PvSpecialCategoryRecognizer):
    ENTITY = "RELIGION"
    TERMS = (
        r"musulmane?s?", r"chr[ée]tien(?:ne)?s?", r"catholiques?", r"protestante?s?", r"juive?s?", r"juif",
        r"bouddhistes?", r"hindoue?s?", r"ath[ée]e?s?", r"pratiquante?s?", r"ramadan", r"car[êe]me", r"shabbat",
        r"la messe", r"[àa] la mosqu[ée]e", r"[àa] la synagogue", r"t[ée]moins? de j[ée]hovah", r"[ée]vang[ée]lique",
        r"muslim", r"christian", r"catholic", r"jewish", r"buddhist", r"hindu", r"sikh", r"atheist", r"mormon",
        r"jehovah'?s witness", r"to church", r"to mosque", r"to synagogue", r"kosher", r"halal",
    )
