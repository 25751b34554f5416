"""Sex life or sexual orientation of an identifiable person (GDPR Art. 9)."""

from __future__ import annotations

from classifiers.personal_data.recognizers._special import PvSpecialCategoryRecognizer


class PvSexualOrientationRecognizer(PvSpecialCategoryRecognizer):
    ENTITY = "SEXUAL_ORIENTATION"
    TERMS = (
        r"gays?", r"lesbiennes?", r"homosexuel(?:le)?s?", r"bisexuel(?:le)?s?", r"pans[ea]xuel(?:le)?",
        r"asexuel(?:le)?", r"queer", r"lgbt\w*", r"mon compagnon et moi", r"ma compagne et moi",
        r"lesbians?", r"homosexual", r"bisexual", r"pansexual", r"asexual", r"my boyfriend and i(?= are gay)",
        r"coming[- ]out", r"came out", r"fait mon coming[- ]out",
    )
