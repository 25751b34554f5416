"""Typed models shared by every feature folder.

Raw platform JSON becomes a `Post` in exactly one place per collector; classifiers return an `Analysis`;
the store keeps `Item`s (a post, its analysis and its review state), `Case`s and `AuditRecord`s.
"""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pvwatch.case_record import CaseLink, CaseReaction, FollowUpAttempt, Patient, Reporter, SeriousnessCriterion
from pvwatch.sanitize import bounded, clean_text, clean_token

MAX_TEXT_CHARS = 20_000  # posts are hostile input: bound what we store and classify
MAX_RAW_BYTES = 200_000


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Post(BaseModel):
    """One post or comment, whatever the platform."""

    model_config = ConfigDict(frozen=True)

    platform: str = Field(min_length=1, max_length=40)
    id: str = Field(min_length=1, max_length=200)
    text: str
    url: str | None = None
    author: str | None = Field(default=None, max_length=300)
    lang: str | None = Field(default=None, max_length=10)
    created_at: datetime | None = None
    collected_at: datetime = Field(default_factory=utcnow)
    parent_id: str | None = None
    thread_id: str | None = None
    source: str = "unknown"
    rule: str | None = None
    company_owned: bool = False
    raw: dict[str, Any] | None = None
    # Set for sources whose senders choose `platform` and `id` themselves (webhooks): the key is then
    # "<namespace>/<platform>:<id>", so a sender can never name, and overwrite, a post another source stored.
    namespace: str | None = Field(default=None, max_length=80)
    # A new version of a stored post (an edit on the platform, or changed content behind a PV case): the key of
    # the first version. The original is never changed in place (pvwatch/versions.py).
    version_of: str | None = None
    # When the platform says the post was last edited (Reddit `edited`, YouTube `updatedAt`, an X edit's time).
    edited_at: datetime | None = None

    # Posts are hostile input, and this is the one place raw input becomes a Post (pvwatch/sanitize.py).
    @field_validator("text", mode="before")
    @classmethod
    def _clean_text(cls, v: Any) -> Any:
        return clean_text(v)[:MAX_TEXT_CHARS] if isinstance(v, str) else v

    @field_validator("platform", "id", "author", "lang", "parent_id", "thread_id", "source", "rule", "url",
                     "namespace", mode="before")
    @classmethod
    def _clean_token(cls, v: Any) -> Any:
        return clean_token(v) if isinstance(v, str) else v

    @field_validator("raw", mode="before")
    @classmethod
    def _bound_raw(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        safe = bounded(v)
        dumped = json.dumps(safe, ensure_ascii=False)
        return safe if len(dumped) <= MAX_RAW_BYTES else {"truncated": dumped[:MAX_RAW_BYTES]}

    @field_validator("created_at", "collected_at", "edited_at")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return as_utc(v) if v is not None else None

    @field_validator("url")
    @classmethod
    def _safe_url(cls, v: str | None) -> str | None:
        # Only http(s) links survive: a javascript: URL must never reach a page.
        if v is None:
            return None
        return v if v.lower().startswith(("http://", "https://")) else None

    @property
    def key(self) -> str:
        """Stable identity across replays: (namespace, platform, post id)."""
        return f"{self.namespace}/{self.platform}:{self.id}" if self.namespace else f"{self.platform}:{self.id}"


class Span(BaseModel):
    """A piece of evidence: character offsets into the post text."""

    label: str
    start: int
    end: int
    text: str
    normalized: str | None = None


class Sensitivity(enum.StrEnum):
    """Adverse-event sensitivity presets ([classifiers] sensitivity): each a target recall, calibrated per
    language by `make model` (classifiers.ae.sensitivity)."""

    standard = "standard"
    high = "high"
    maximum = "maximum"


class AdverseEvent(BaseModel):
    decision: bool = False
    score: float = 0.0
    threshold: float | None = None  # the threshold the decision used (score >= threshold)
    sensitivity: Sensitivity | None = None  # the preset it came from; None: an explicit ae_threshold(_fr)
    evidence: list[Span] = Field(default_factory=list)
    subject: str | None = None  # self, child, relative, other, general
    negated: bool = False
    hypothetical: bool = False


class SpecialSituation(BaseModel):
    type: str  # pregnancy, breastfeeding, overdose, abuse_misuse, off_label, medication_error, ...
    evidence: list[Span] = Field(default_factory=list)


class Criterion(BaseModel):
    met: bool
    reason: str


class PersonalData(BaseModel):
    type: str
    start: int
    end: int
    score: float
    recognizer: str = ""
    special_category: bool = False


class Analysis(BaseModel):
    """Everything the classifiers say about one post."""

    adverse_event: AdverseEvent = Field(default_factory=AdverseEvent)
    products: list[str] = Field(default_factory=list)
    special_situations: list[SpecialSituation] = Field(default_factory=list)
    seriousness: list[str] = Field(default_factory=list)
    icsr: dict[str, Criterion] = Field(default_factory=dict)
    personal_data: list[PersonalData] = Field(default_factory=list)
    gdpr_categories: list[str] = Field(default_factory=list)
    lang: str | None = None
    model: str = ""

    @property
    def gdpr_flag(self) -> bool:
        return bool(self.personal_data)

    @property
    def serious(self) -> bool:
        return bool(self.seriousness)


class FlagType(enum.StrEnum):
    adverse_event = "adverse_event"
    special_situation = "special_situation"
    personal_data = "personal_data"


class ItemStatus(enum.StrEnum):
    new = "new"
    dismissed = "dismissed"
    confirmed = "confirmed"  # adverse event confirmed by a reviewer
    escalated = "escalated"  # became a PV case
    redacted = "redacted"  # personal-data issue handled
    hidden = "hidden"  # hidden/removed on the platform
    closed = "closed"


def flags_of(analysis: Analysis) -> list[FlagType]:
    flags: list[FlagType] = []
    if analysis.adverse_event.decision:
        flags.append(FlagType.adverse_event)
    if analysis.special_situations:
        flags.append(FlagType.special_situation)
    if analysis.personal_data:
        flags.append(FlagType.personal_data)
    return flags


DayZeroRule = Literal["collected", "posted_if_owned"]


def day_zero_for(post: Post, rule: DayZeroRule) -> datetime:
    """GVP VI.B.7: the first day the company had the minimum information. On the company's own pages it had it
    when the post appeared ("posted_if_owned"); elsewhere, when we collected it."""
    if rule == "posted_if_owned" and post.company_owned and post.created_at:
        return post.created_at
    return post.collected_at


class Item(BaseModel):
    """A post in the review queue: the post, what the classifiers said, and its review state."""

    key: str
    post: Post
    analysis: Analysis
    flags: list[FlagType] = Field(default_factory=list)
    status: ItemStatus = ItemStatus.new
    assignee: str | None = None
    priority: int = 0  # higher first: adverse events, serious ones above all
    day_zero: datetime | None = None  # set when an adverse event is first recognised
    case_id: str | None = None
    notes: list[dict[str, Any]] = Field(default_factory=list)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 0  # optimistic concurrency token, owned by the store

    @classmethod
    def from_post(cls, post: Post, analysis: Analysis) -> Item:
        flags = flags_of(analysis)
        priority = 0
        if analysis.adverse_event.decision:
            priority = 2 if analysis.serious else 1
        elif analysis.special_situations:
            priority = 1
        return cls(key=post.key, post=post, analysis=analysis, flags=flags, priority=priority)


class CaseStatus(enum.StrEnum):
    open = "open"
    follow_up = "follow_up"
    submitted = "submitted"
    closed = "closed"

    @property
    def is_open(self) -> bool:
        """Open cases have a running regulatory clock; submitted and closed ones do not."""
        return self in (CaseStatus.open, CaseStatus.follow_up)


class Case(BaseModel):
    """A PV case escalated from an item, with its regulatory clock and the ICSR content a PV officer assesses.

    The case keeps its own copy of what the PV officer assesses (`source_text`, reactions, patient...):
    moderation of the post (redaction, hiding) never changes it."""

    id: str
    item_key: str
    product: str | None = None
    products: list[str] = Field(default_factory=list)
    serious: bool = False
    criteria: list[SeriousnessCriterion] = Field(default_factory=list)  # E.i.3.2, applied to every reaction
    day_zero: datetime  # clock start: when the minimum information was complete (provisional while not valid)
    due_at: datetime
    received_at: datetime | None = None  # C.1.4 first received, even before the case was valid
    latest_info_at: datetime | None = None  # C.1.5 most recent information (follow-up), else day zero
    valid: bool = True  # GVP VI.B.2 four minimum criteria; False = "not yet valid", clock not started
    missing: list[str] = Field(default_factory=list)
    status: CaseStatus = CaseStatus.open
    assignee: str | None = None
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    lang: str = "en"
    source_text: str = ""  # the post as the PV officer sees it, at escalation (no mask tokens)
    fingerprint: str = ""  # SHA-256 of the folded post text: same-text duplicates without reading posts
    author: str | None = None  # the post's (pseudonymised) author and thread: follow-up proposals
    thread_id: str | None = None
    reactions: list[CaseReaction] = Field(default_factory=list)
    meddra_version: str | None = None  # None: reactions are free text (no MedDRA dictionary configured)
    patient: Patient = Field(default_factory=Patient)
    reporter: Reporter = Field(default_factory=Reporter)
    follow_up_attempts: list[FollowUpAttempt] = Field(default_factory=list)
    links: list[CaseLink] = Field(default_factory=list)
    notes: list[dict[str, Any]] = Field(default_factory=list)
    version: int = 0


class AuditRecord(BaseModel):
    """One append-only, hash-chained entry."""

    seq: int = 0
    at: datetime = Field(default_factory=utcnow)
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    prev_hash: str = ""
    hash: str = ""
    mac: str = ""  # HMAC of `hash` with the audit key (storage/audit_chain.py); "" on records older than it
