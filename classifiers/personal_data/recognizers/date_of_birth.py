"""Dates of birth: a date next to 'né(e) le', 'date de naissance', 'DOB', 'born on'. Other dates are not
personal data on their own, so the context word is required."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer

_MONTHS = (r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
           r"|décembre|decembre|january|february|march|april|may|june|july|august|september|october|november"
           r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_NUM_WORDS = (r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
              r"|vingt|trente|quarante|cinquante|soixante|cent|mille|premier|et|-| )+")


class PvDateOfBirthRecognizer(PvRegexRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    LOWER = True
    PRECHECK = r"\d|mille"
    NEEDS_CONTEXT = True
    CONTEXT = ("né le", "née le", "ne le", "nee le", "né(e)", "naissance", "ddn", "dob", "born", "birth",
               "birthday", "anniversaire", "mis au monde", "venu au monde", "date de naiss")
    CONTEXT_BOOST = 0.0
    MERGE = True
    PATTERNS = (
        (r"(?<![\w])\d{1,2} ?[/.\-|] ?\d{1,2} ?[/.\-|] ?(?:19|20)?\d{2}(?![\w])", 0.8),
        (r"(?<![\w])\d ?\d ?\d ?\d ?(?:1 ?9|2 ?0) ?\d ?\d(?![\w])", 0.8),
        (rf"(?<![\w])(?:\d{{1,2}}(?:er)?,? )?(?:{_MONTHS})\.?,? (?:19|20)\d{{2}}(?![\w])", 0.8),
        (rf"(?<![\w])(?:(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? (?:19|20)\d{{2}})(?![\w])", 0.8),
        (rf"(?<![\w])(?:{_NUM_WORDS}) (?:{_MONTHS}) (?:mille|deux mille)(?:{_NUM_WORDS})(?![\w])", 0.8),
    )

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        return score if self.has_context(text, start, end) else None
