"""Ages: '45 ans', 'âgé de 81 ans', "j'ai 32 ans", "I'm 45", 'aged 61', '45 y/o', '45-year-old'."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer


class PvAgeRecognizer(PvRegexRecognizer):
    ENTITY = "AGE"
    LOWER = True
    MIN_DIGITS = 1
    MERGE = True
    PATTERNS = (
        (r"(?<![\w,.])(1[01]\d|\d{1,2}) ?(?:ans|an)\b(?! (?:de traitement|d'|de prise|plus tard|après|apres|que))",
         0.7),
        (r"\b(?:âgée?s?|agée?s?|agee?s?) de (1[01]\d|\d{1,2})\b", 0.85),
        (r"\b(?:i'm|i am|im|he's|she's|he is|she is|aged|age|âge|age:) (1[01]\d|\d{1,2})\b(?![.,]\d| ?%"
         r"| ?(?:mg|ml|kg|lbs?|min|hours?|days?|weeks?|months?|pills?|times?|x|am|pm|h)\b)", 0.75),
        (r"\b(1[01]\d|\d{1,2}) ?(?:y/?o|yo|yrs? old|years? old|-year-old|-years-old|year old)\b", 0.85),
        (r"\b(?:ages?|âge|age) ?:? ?(1[01]\d|\d{1,2})\b", 0.7),
        # 'I just turned 64', "I'll turn 65", 'at the age of 61', 'when he was 65.'
        (r"\b(?:turned|turn|turning|age of|at age|fête ses|fete ses|va avoir|vient d'avoir) (1[01]\d|\d{1,2})\b"
         r"(?![.,]\d| ?%| ?(?:mg|ml|kg|min|hours?|days?|weeks?|months?|pills?|times?|am|pm|h)\b)", 0.75),
        (r"\b(?:he|she|i|they) was (1[01]\d|\d{1,2})(?= ?[.!,;]|$)", 0.6),
    )
    GROUP = 1

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        # "depuis 3 ans" is a duration, not an age.
        before = text[max(0, start - 22):start].lower()
        if any(w in before for w in ("depuis", "pendant", "il y a", "for ", "since", "durant", "ago", "dans ")):
            return None
        return score
