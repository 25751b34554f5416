"""config.toml, validated at start-up.

Every section is a pydantic model with `extra="forbid"`, so a typo is an error that names the key.
Secrets never live here: keys ending in `_env` name the environment variable that holds them.
Feature folders own the models of their own sections (alerts.config, collectors' option models): this module
keeps such a section raw and `Config.section(name, Model)` validates it with the feature's model. The composition
root (`pvwatch.app.config`) adds the checks that need the features with `add_check`, so every section is still
validated at start-up, before anything runs.
"""

from __future__ import annotations

import builtins
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from pvwatch.errors import ConfigError, PvwatchError
from pvwatch.models import DayZeroRule, Sensitivity

S = TypeVar("S", bound=BaseModel)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Product(_Section):
    name: str = Field(min_length=1)
    inns: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    misspellings: list[str] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)

    def terms(self) -> list[str]:
        return [self.name, *self.inns, *self.synonyms, *self.misspellings, *self.hashtags]


class SourceConfig(BaseModel):
    """A collector instance. `type` picks the collector; the other keys are its options, validated at start-up by
    the model of that type (collectors.options, through the roof's check) and read back with `checked`."""

    model_config = ConfigDict(extra="allow")
    type: str
    enabled: bool = True
    company_owned: bool = False
    _checked: BaseModel | None = PrivateAttr(default=None)

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def validate_options(self, model: builtins.type[S], name: str, fixes: dict[str, str] | None = None,
                         doc: str = "") -> S:
        """Validate the options with `model`, once; a mistake is a ConfigError naming `sources.<name>.<key>`."""
        done = self._checked
        if isinstance(done, model):
            return done
        try:
            parsed = model.model_validate(self.options())
        except ValidationError as exc:
            raise _format(exc, prefix=("sources", name), fixes=fixes, doc=doc) from None
        self._checked = parsed
        return parsed

    def checked(self, model: builtins.type[S]) -> S:
        """The options as validated at start-up (a collector or platform action never validates them again)."""
        done = self._checked
        if not isinstance(done, model):
            raise PvwatchError(f"the options of a {self.type!r} source were not checked at start-up: read config.toml "
                               "with load_config/parse_config after pvwatch.app.config.install_feature_checks() "
                               "(the pvwatch command does)")
        return done


class ElasticsearchConfig(_Section):
    url: str = "http://127.0.0.1:9200"
    index_prefix: str = "pvwatch"
    api_key_env: str = "PVWATCH_ES_API_KEY"
    spool_dir: str = "spool"
    lease_seconds: float = Field(default=30.0, gt=0)  # workers: a dead worker's sources move after this


class StorageConfig(_Section):
    backend: Literal["sqlite", "elasticsearch"] = "sqlite"
    path: str = "pvwatch.db"
    elasticsearch: ElasticsearchConfig = Field(default_factory=ElasticsearchConfig)


class TransformerConfig(_Section):
    # A local Hugging Face checkpoint, or several fine-tuning runs of one (different seeds) whose scores are
    # averaged; empty disables the tier.
    model: str | list[str] = ""
    weight: float = Field(default=0.5, ge=0.0, le=1.0)

    @property
    def paths(self) -> list[str]:
        return [self.model] if isinstance(self.model, str) and self.model else [p for p in self.model if p]


class EncoderConfig(_Section):
    # The default transformer tier: frozen multilingual sentence encoder + head built by `make model`.
    enabled: bool = True
    head_path: str = ""  # empty: classifiers/models/default/encoder
    cascade: bool = True  # skip the encoder for posts the linear tier scores far below every threshold
    threads: int = Field(default=2, ge=1, le=64)


class ClassifiersConfig(_Section):
    languages: list[str] = Field(default_factory=lambda: ["fr", "en"])
    sensitivity: Sensitivity = Sensitivity.standard  # preset: target recall per language, calibrated by make model
    ae_threshold: float | None = Field(default=None, ge=0.0, le=1.0)  # explicit: overrides the preset
    ae_threshold_fr: float | None = Field(default=None, ge=0.0, le=1.0)  # French posts; beats ae_threshold
    model_path: str = ""  # empty: the model built by `make model` inside classifiers/
    personal_data: bool = True
    pd_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    pd_ner: bool = True
    transformer: TransformerConfig = Field(default_factory=TransformerConfig)
    encoder: EncoderConfig = Field(default_factory=EncoderConfig)

    @field_validator("languages")
    @classmethod
    def _some_language(cls, v: list[str]) -> list[str]:
        # Empty would leave every post unscreened; other languages are screened with the closest tier.
        if not v:
            raise ValueError("an empty list would leave every post unscreened; list \"fr\", \"en\" or both "
                             "(posts in other languages are screened with the closest of them)")
        return v


class PrivacyConfig(_Section):
    pseudonym_key_env: str = "PVWATCH_PSEUDONYM_KEY"
    keep_raw: bool = True


class RetentionConfig(_Section):
    non_ae_days: int = Field(default=30, ge=1)
    ae_years: int = Field(default=10, ge=1)
    audit_years: int = Field(default=10, ge=1)


class CasesConfig(_Section):
    day_zero: DayZeroRule = "posted_if_owned"
    serious_days: int = Field(default=15, ge=1)
    non_serious_days: int = Field(default=90, ge=1)
    # --- issue 15 (cases): ICSR content and case linking ---
    reporter_country: str = Field(default="FR", pattern=r"^[A-Z]{2}$")  # C.2.r.3 when the post does not say
    sender_id: str = Field(default="PVWATCH", min_length=1, max_length=60)  # N.1.3 / N.2.r.2, C.1.1 prefix
    receiver_id: str = Field(default="EVHUMAN", min_length=1, max_length=60)  # N.1.4 / N.2.r.3
    duplicate_window_days: int = Field(default=30, ge=0)  # same product + reaction + author within = duplicate
    export_dir: str = ""  # `pvwatch case export --due` default output folder ("" = pass --out)


class MeddraConfig(_Section):
    """The customer's licensed MedDRA ASCII releases (never shipped with pvwatch)."""

    en: str = ""  # folder of the English release (holding MedAscii/llt.asc); "" = no English coding
    fr: str = ""  # folder of the French release; "" = no French coding
    version: str = ""  # "" = read from meddra_release.asc
    fuzzy_min: int = Field(default=90, ge=50, le=100)  # rapidfuzz ratio a fuzzy match needs

    def paths(self) -> dict[str, str]:
        return {lang: p for lang, p in (("en", self.en), ("fr", self.fr)) if p}


class UIConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)
    base_url: str = "http://127.0.0.1:8765"
    session_secret_env: str = "PVWATCH_SESSION_SECRET"  # noqa: S105 - the variable's name, not a secret
    timezone: str = "Europe/Paris"  # IANA zone every date in the UI is shown in (with its abbreviation)
    language: Literal["fr", "en"] = "fr"  # when neither the user's preference nor the browser says

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}; use an IANA name such as \"Europe/Paris\" or \"UTC\"") from None
        return v

    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks). Empty: the peer's
    # address is the client's, whatever headers it sends (else rotating the header dodges the login lock-out).
    trusted_proxies: list[str] = Field(default_factory=list)
    access_log: bool = True  # one line per request: method, route and status only (no query, no item key)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        import ipaddress

        for entry in v:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network; write e.g. \"10.0.0.5\" or "
                                 "\"10.0.0.0/24\"") from None
        return v


class ApiConfig(_Section):
    enabled: bool = True  # POST /api/v1/classify and /api/v1/posts on the review UI's server
    rate_per_minute: int = Field(default=600, ge=1, le=1_000_000)  # per token, per UI worker
    burst: int = Field(default=60, ge=1, le=100_000)  # requests a token may send at once before the rate applies


class PipelineConfig(_Section):
    poll_seconds: float = Field(default=30.0, gt=0)
    batch_size: int = Field(default=50, ge=1, le=10_000)


class Config(_Section):
    products: list[Product] = Field(default_factory=list)
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    classifiers: ClassifiersConfig = Field(default_factory=ClassifiersConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    cases: CasesConfig = Field(default_factory=CasesConfig)
    meddra: MeddraConfig = Field(default_factory=MeddraConfig)
    alerts: dict[str, Any] = Field(default_factory=dict)  # owned by alerts/ (alerts.config.AlertsConfig)
    ui: UIConfig = Field(default_factory=UIConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    pipeline: PipelineConfig = Field(default_factory=PipelineConfig)
    base_dir: Path = Field(default=Path("."), exclude=True)
    _sections: dict[str, BaseModel] = PrivateAttr(default_factory=dict)

    def section(self, name: str, model: type[S]) -> S:
        """A feature's own section (e.g. [alerts]) validated by the feature's model, parsed once."""
        cached = self._sections.get(name)
        if isinstance(cached, model):
            return cached
        try:
            parsed = model.model_validate(getattr(self, name))
        except ValidationError as exc:
            raise _format(exc, prefix=(name,)) from None
        self._sections[name] = parsed
        return parsed

    def resolve(self, path: str) -> Path:
        """Relative paths in the config are relative to the config file."""
        p = Path(path)
        return p if p.is_absolute() else self.base_dir / p

    def secret(self, env_name: str) -> str | None:
        return os.environ.get(env_name) or None


_FIXES = {
    "extra_forbidden": "remove it or check its spelling against `pvwatch init`'s commented config",
    "missing": "add it",
    "literal_error": "use one of the allowed values",
    "enum": "use one of the allowed values",
    "too_short": "give at least one value",
    "greater_than": "use a larger value",
    "greater_than_equal": "use a larger value",
    "less_than": "use a smaller value",
    "less_than_equal": "use a smaller value",
    "list_type": 'write a list, e.g. ["a", "b"]',
    "string_type": 'write a string in quotes',
    "int_parsing": "write a whole number",
    "bool_parsing": "write true or false",
}


def _format(err: ValidationError, prefix: tuple[str, ...] = (), fixes: dict[str, str] | None = None,
            doc: str = "") -> ConfigError:
    """The first error as a ConfigError: its key, pydantic's message and the fix (`fixes` per option first)."""
    first = err.errors()[0]
    key = ".".join(str(p) for p in (*prefix, *first["loc"])) or "(top level)"
    option = str(first["loc"][0]) if first["loc"] else "*"  # "*": a rule across options (a model validator)
    fix = (fixes or {}).get(option) or _FIXES.get(first["type"], "correct the value as described")
    return ConfigError(key, first["msg"], f"{fix} (see {doc})" if doc else fix)


ConfigCheck = Callable[[Config], None]
_CHECKS: list[ConfigCheck] = []


def add_check(check: ConfigCheck) -> None:
    """Run `check` on every parsed config (it raises ConfigError); the composition root adds the features' checks."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def parse_config(data: dict[str, Any], base_dir: Path | None = None) -> Config:
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise _format(exc) from None
    if base_dir is not None:
        cfg.base_dir = base_dir
    for lang, path in cfg.meddra.paths().items():  # checked here: relative paths need base_dir
        if not cfg.resolve(path).is_dir():
            raise ConfigError(f"meddra.{lang}", f"{path!r} is not a folder",
                              'point it at your unpacked MedDRA ASCII release, or set it to "" to code nothing')
    for check in _CHECKS:
        check(cfg)
    return cfg


def load_config(path: str | Path) -> Config:
    p = Path(path)
    if not p.exists():
        raise ConfigError("", "file not found", f"run `pvwatch init {p}` to write a commented config", file=str(p))
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("", f"not valid TOML ({exc})", "fix the syntax at the position given", file=str(p)) from None
    try:
        return parse_config(data, base_dir=p.resolve().parent)
    except ConfigError as exc:  # name the file that was read, once
        raise ConfigError(exc.key, exc.problem, exc.fix, file=str(p)) from None
