"""Political opinions of an identifiable person (GDPR Art. 9)."""

from __future__ import annotations

from classifiers.personal_data.recognizers._special import PvSpecialCategoryRecognizer


class PvPoliticalOpinionRecognizer(PvSpecialCategoryRecognizer):
    ENTITY = "POLITICAL_OPINION"
    TERMS = (
        r"(?:je vote|j'ai vot[ée]|je voterai|voter pour|vot[ée] pour) (?:\w+ ){0,3}?(?:lfi|rn|ps|lr|eelv|"
        r"m[ée]lenchon|le pen|macron|bardella|zemmour|renaissance|les verts|reconqu[êe]te|la gauche|la droite)",
        r"militante? (?:\w+ )?(?:lfi|rn|ps|lr|eelv|insoumise?|socialiste|communiste|[ée]cologiste|du parti)",
        r"(?:je suis|moi je suis) (?:de gauche|de droite|d'extr[êe]me (?:gauche|droite)|insoumise?|communiste|"
        r"socialiste|anarchiste|royaliste|macroniste|lepeniste|gaulliste|[ée]colo(?:giste)?)",
        r"(?:membre|adh[ée]rente?|encart[ée]e?) (?:du|au|de) (?:parti|ps|rn|lfi|pcf|lr)",
        r"i(?:'m| am) a (?:democrat|republican|socialist|communist|conservative|liberal|libertarian|tory)",
        r"i voted (?:for )?(?:trump|biden|harris|labour|tory|tories|conservative|democrat|republican|reform)",
        r"(?:member|supporter) of the (?:\w+ )?(?:party|labour|conservatives|democrats|republicans)",
    )
