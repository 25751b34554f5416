"""Trade-union membership of an identifiable person (GDPR Art. 9)."""

from __future__ import annotations

from classifiers.personal_data.recognizers._special import PvSpecialCategoryRecognizer


class PvTradeUnionRecognizer(PvSpecialCategoryRecognizer):
    ENTITY = "TRADE_UNION"
    TERMS = (
        r"syndiqu[ée]e?s?", r"syndicaliste", r"d[ée]l[ée]gu[ée]e? (?:syndical|syndicale|du personnel|cgt|cfdt|fo)",
        r"(?:adh[ée]rente?|membre|encart[ée]e?|militante?) (?:[àa] la |de la |du |chez |[àa] )?"
        r"(?:cgt|cfdt|fo|force ouvri[èe]re|sud|unsa|cfe-cgc|cftc|fsu|syndicat)",
        r"[àa] la cgt", r"[àa] la cfdt", r"chez fo", r"mon syndicat", r"notre syndicat",
        r"union member", r"union rep(?:resentative)?", r"shop steward", r"my union", r"our union",
        r"(?:member|joined) (?:of )?the (?:\w+ )?union", r"teamsters", r"unite the union", r"unison",
    )
