"""The structured content of a PV case (what an ICSR carries): reactions with MedDRA codes, patient, reporter,
seriousness criteria, validity, follow-up attempts and links to other cases.

Kept apart from `pvwatch.models` so the E2B(R3) vocabulary (enums named after the ICH code lists) lives in one
place; `Case` in `pvwatch.models` holds these as typed fields.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, Field


class SeriousnessCriterion(enum.StrEnum):
    """E.i.3.2a-f seriousness criteria (names as pvwatch's classifiers emit them)."""

    death = "death"
    life_threatening = "life_threatening"
    hospitalisation = "hospitalisation"
    disability = "disability"
    congenital_anomaly = "congenital_anomaly"
    other_medically_important = "other_medically_important"


class Sex(enum.StrEnum):
    """D.5, ISO 5218 codes."""

    male = "1"
    female = "2"


class Qualification(enum.StrEnum):
    """C.2.r.4, ICH code list 6."""

    physician = "1"
    pharmacist = "2"
    other_health_professional = "3"
    lawyer = "4"
    consumer = "5"


class CodingMethod(enum.StrEnum):
    exact = "exact"
    lemma = "lemma"
    fuzzy = "fuzzy"
    manual = "manual"  # set or corrected by a PV officer


class MeddraCoding(BaseModel):
    llt_code: str
    llt_name: str
    pt_code: str
    pt_name: str
    version: str  # E.i.2.1a: the MedDRA release the code comes from
    language: str
    method: CodingMethod
    score: float = 100.0


class CaseReaction(BaseModel):
    reported: str  # E.i.1.1a as the post words it
    lang: str  # E.i.1.1b
    normalized: str = ""  # pvwatch's lexicon term, sent as E.i.1.2 (reaction for translation)
    start: int | None = None  # offsets in the post text, to highlight it
    end: int | None = None
    coding: MeddraCoding | None = None  # None: free text only (no MedDRA configured or no match)
    onset: datetime | None = None  # E.i.4 when the post states it
    onset_precision: str = "day"  # "day" or "month": how precisely the post dates it


class Patient(BaseModel):
    initials: str | None = None  # D.1
    age: int | None = None  # D.2.2a
    age_unit: str = "a"  # D.2.2b UCUM: a = years
    sex: Sex | None = None  # D.5


class Reporter(BaseModel):
    qualification: Qualification = Qualification.consumer  # C.2.r.4: consumer unless stated
    country: str | None = None  # C.2.r.3, ISO 3166-1 alpha-2


class FollowUpAttempt(BaseModel):
    at: datetime
    by: str
    channel: str  # e.g. "platform message", "e-mail"
    text: str


class LinkKind(enum.StrEnum):
    follow_up_of = "follow_up_of"  # a new post about the same patient, product and reaction
    duplicate_of = "duplicate_of"  # the same report seen twice (same text, or same product+reaction+author)


class CaseLink(BaseModel):
    kind: LinkKind
    case_id: str | None = None
    item_key: str | None = None
    reason: str = ""
    confirmed: bool = False  # False: proposed by pvwatch; True: confirmed by a PV officer
    by: str = ""
    at: datetime | None = None


class ValidityCheck(BaseModel):
    """GVP VI.B.2: a case is valid once the four minimum criteria are met."""

    valid: bool
    missing: list[str] = Field(default_factory=list)
