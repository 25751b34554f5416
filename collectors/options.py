"""Every source type's options, as typed models, with no platform SDK imported (pydantic and the ground only).

The roof's config check (`pvwatch.app.config`) validates each enabled `[sources.<name>]` with the model of its
`type` before anything starts, like the `[alerts]` channels: a mistake is a ConfigError naming the key
(`sources.<name>.<option>`) and the fix, exit code 2. Collectors and platform actions then read the validated
model with `SourceConfig.checked(Model)`; nothing validates them a second time.

Each platform's `...Connection` holds what the collector and the moderation actions share (credential variable
names, API base); the actions use its defaults when no source of that type is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from collectors.rules import KeywordMatcher, Rule, x_rules
from pvwatch.errors import ConfigError

if TYPE_CHECKING:
    from pvwatch.config import Config

X_HOST = "https://api.twitter.com"
YOUTUBE_API = "https://www.googleapis.com/youtube/v3"
GRAPH = "https://graph.facebook.com"

Listing = Literal["comments", "submissions"]


class Options(BaseModel):
    """Base for each collector's own options: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")
    doc: ClassVar[str] = "docs/collectors.md"
    # option -> how to fix a wrong value, when the generic advice for the error's kind would not say it
    # ("*": an error across options, from a model validator)
    fixes: ClassVar[dict[str, str]] = {}

    def check_with(self, cfg: Config, key: str) -> None:
        """Checks that need the rest of config.toml (e.g. [[products]]); raise ConfigError under `key`."""


class ReplayOptions(Options):
    """`type = "replay"`: a JSONL or CSV file (social-suite exports, chatbot transcripts, the demo stream)."""

    doc = "docs/configuration.md"
    fixes = {"path": 'give the file to read, e.g. path = "exports/posts.jsonl" (relative to config.toml)'}
    path: str
    format: Literal["auto", "jsonl", "csv"] = "auto"
    platform: str = "import"  # used when a record has no platform of its own
    batch_size: int = Field(default=100, ge=1)


class WebhookOptions(Options):
    doc = "docs/collectors.md#webhook"
    fixes = {"secret_env": 'name the environment variable holding the shared secret, e.g. '
                           'secret_env = "PVWATCH_WEBHOOK_SECRET"'}
    secret_env: str = Field(min_length=1)
    auth: Literal["hmac", "secret"] = "hmac"
    platform: str = "webhook"  # for records that carry no platform of their own
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=50_000_000)
    max_posts: int = Field(default=500, ge=1, le=10_000)
    tolerance_seconds: int = Field(default=300, ge=10)
    batch_size: int = Field(default=100, ge=1, le=10_000)
    keep_seconds: float = Field(default=3600.0, ge=0)  # processed entries are deleted after this long


class XConnection(Options):
    doc = "docs/collectors.md#x"
    bearer_token_env: str = "PVWATCH_X_BEARER_TOKEN"  # noqa: S105 - the variable's name
    # hiding replies acts as the account that owns the conversation (OAuth 1.0a user context)
    consumer_key_env: str = "PVWATCH_X_CONSUMER_KEY"
    consumer_secret_env: str = "PVWATCH_X_CONSUMER_SECRET"  # noqa: S105
    access_token_env: str = "PVWATCH_X_ACCESS_TOKEN"  # noqa: S105
    access_token_secret_env: str = "PVWATCH_X_ACCESS_TOKEN_SECRET"  # noqa: S105
    api_base: str = X_HOST  # change only for an egress proxy


class XOptions(XConnection):
    mode: Literal["stream", "search"] = "stream"
    backfill: bool = True  # stream mode: fill the gap since the last seen tweet with recent search
    keywords: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)  # e.g. ["fr", "en"]; empty: every language
    include_retweets: bool = False
    rule_max_len: int = Field(default=512, ge=64, le=4096)  # 512 on self-serve tiers, 4096 on Enterprise
    max_results: int = Field(default=100, ge=10, le=100)
    stream_seconds: float = Field(default=5.0, gt=0, le=60)
    batch_size: int = Field(default=100, ge=1, le=10_000)
    seen_max: int = Field(default=1000, ge=100)  # ids also ordered: since_id does most
    # Look each collected editable tweet up once its edit window closed, for edits no rule matches any more
    # (collectors/x_edits.py): one request per 100 tweets, each tweet read counts against the cap.
    recheck_edits: bool = True

    def rules(self, cfg: Config) -> list[Rule]:
        """The filtered-stream rules (also recent-search queries) of this source; ValueError if a term is too long."""
        suffix = ("" if self.include_retweets else "-is:retweet") + (
            " (" + " OR ".join(f"lang:{lang}" for lang in self.languages) + ")" if self.languages else "")
        return x_rules(cfg.products, suffix=suffix.strip(), max_len=self.rule_max_len, extra_terms=self.keywords)

    def check_with(self, cfg: Config, key: str) -> None:
        try:
            rules = self.rules(cfg)
        except ValueError as exc:
            raise ConfigError(f"{key}.rule_max_len", str(exc), "shorten the term, or raise rule_max_len "
                              "(4096 on the Enterprise tier)") from None
        if not rules:
            raise ConfigError(key, "no [[products]] or keywords to build X rules from",
                              "add [[products]] or keywords = [...] to the source")


class RedditConnection(Options):
    """How to reach Reddit: what the collector and the moderation actions share."""

    doc = "docs/collectors.md#reddit"
    user_agent: str = "pvwatch/0.1 (pharmacovigilance monitoring)"
    client_id_env: str = "PVWATCH_REDDIT_CLIENT_ID"
    client_secret_env: str = "PVWATCH_REDDIT_CLIENT_SECRET"  # noqa: S105 - the variable's name
    username_env: str = "PVWATCH_REDDIT_USERNAME"  # moderation actions only (a moderator account)
    password_env: str = "PVWATCH_REDDIT_PASSWORD"  # noqa: S105 - the variable's name
    oauth_url: str = "https://oauth.reddit.com"  # change only for an egress proxy
    reddit_url: str = "https://www.reddit.com"
    timeout: int = Field(default=30, gt=0)


class RedditOptions(RedditConnection):
    fixes = {"subreddits": 'list at least one subreddit, e.g. subreddits = ["Hypothyroidism"]',
             "streams": 'use "comments", "submissions" or both'}
    subreddits: list[str] = Field(min_length=1)
    streams: list[Listing] = Field(default_factory=lambda: list[Listing](["comments", "submissions"]))
    keywords: list[str] = Field(default_factory=list)  # extra terms besides the products'
    filter: bool = True  # keep only items that mention a product or keyword
    limit: int = Field(default=100, ge=1, le=1000)  # newest items read per listing per poll (catch-up bound)
    seen_max: int = Field(default=2000, ge=100, le=100_000)
    # Edits: how many of the newest items per listing are looked at again each poll (None: min(limit, 100), the
    # items of the first request, at no extra call), and only those younger than reread_hours. 0 turns it off.
    reread_items: int | None = Field(default=None, ge=0, le=1000)
    reread_hours: float = Field(default=48.0, ge=0, le=24 * 30)

    def check_with(self, cfg: Config, key: str) -> None:
        if self.filter and KeywordMatcher(cfg.products, self.keywords).empty:
            raise ConfigError(f"{key}.filter", "no [[products]] and no keywords to filter on",
                              "add products or keywords, or set filter = false")


class YouTubeConnection(Options):
    doc = "docs/collectors.md#youtube"
    api_key_env: str = "PVWATCH_YOUTUBE_API_KEY"
    oauth_token_env: str = "PVWATCH_YOUTUBE_OAUTH_TOKEN"  # noqa: S105 - moderation actions only
    base_url: str = YOUTUBE_API


class YouTubeOptions(YouTubeConnection):
    fixes = {"*": 'list channel ids (UC...) or video ids, e.g. videos = ["dQw4w9WgXcQ"]'}
    channels: list[str] = Field(default_factory=list)  # channel ids (UC...): every comment on their videos
    videos: list[str] = Field(default_factory=list)  # video ids
    filter: bool = False  # company channels: screen every comment; true keeps product mentions only
    keywords: list[str] = Field(default_factory=list)
    max_results: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=5, ge=1, le=100)  # per target per poll: bounds quota use
    max_reply_pages: int = Field(default=10, ge=0, le=100)  # comments.list pages per thread beyond the embedded
    seen_max: int = Field(default=2000, ge=100)
    reread_pages: int = Field(default=1, ge=0, le=20)  # thread pages per target re-read for edits (page 1: free)

    @model_validator(mode="after")
    def _some_target(self) -> YouTubeOptions:
        if not self.channels and not self.videos:
            raise ValueError("set channels or videos")
        return self


class MetaConnection(Options):
    doc = "docs/collectors.md#facebook-and-instagram"
    access_token_env: str = "PVWATCH_META_ACCESS_TOKEN"  # noqa: S105 - the variable's name
    graph_version: str = "v21.0"
    base_url: str = GRAPH


class MetaOptions(MetaConnection):
    fixes = {"platform": 'write platform = "facebook" or platform = "instagram"',
             "accounts": 'list the Page or Instagram professional account ids, e.g. accounts = ["1234567890"]'}
    platform: Literal["facebook", "instagram"]
    accounts: list[str] = Field(min_length=1)  # Facebook Page ids or Instagram professional account ids
    posts_limit: int = Field(default=10, ge=1, le=100)  # latest posts/media whose comments are read
    max_pages: int = Field(default=5, ge=1, le=100)  # comment pages per post per poll
    filter: bool = False  # owned media: screen every comment
    keywords: list[str] = Field(default_factory=list)
    seen_max: int = Field(default=5000, ge=100)


# source `type` -> its options; collectors/registry.py maps the same names to the collector classes.
OPTIONS: dict[str, type[Options]] = {
    "replay": ReplayOptions,
    "webhook": WebhookOptions,
    "x": XOptions,
    "reddit": RedditOptions,
    "youtube": YouTubeOptions,
    "meta": MetaOptions,
}
