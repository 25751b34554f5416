"""Moderation actions back on the platform, behind one interface; dry-run by default.

The moderation queue calls `actions(post.platform, dry_run).hide(post)` (or `.remove(post)`), where `actions` is
`actions_for(cfg)`, plugged in by pvwatch.app. In dry-run mode
nothing leaves the machine: the action is logged and reported as `dry_run=True`. A live action needs the
credentials named in the platform's [sources.*] block (see docs/collectors.md); a failure is returned as
`ok=False` with a message saying what to fix, never raised into the reviewer's request.

Support per platform:    hide                                  remove
  x                      hide the reply (owner of the thread)   not possible for others' posts
  reddit                 moderator removal (reversible)          moderator removal
  youtube                held for review                         rejected
  facebook               is_hidden=true                          delete
  instagram              hide=true                               delete
"""

from __future__ import annotations

import abc
import builtins
import importlib
import logging
from typing import TYPE_CHECKING, ClassVar, Literal

from collectors.options import Options
from pvwatch.errors import ConfigError, PvwatchError
from pvwatch.ports import ActionResult, ActionsFor
from pvwatch.versions import platform_id

if TYPE_CHECKING:
    from pvwatch.config import Config, SourceConfig
    from pvwatch.models import Post

log = logging.getLogger("pvwatch.collectors.actions")

Action = Literal["hide", "remove"]

# platform -> (source type whose options carry the credentials, "module:Class")
ACTIONS: dict[str, tuple[str, str]] = {
    "x": ("x", "collectors.x_actions:XActions"),
    "reddit": ("reddit", "collectors.reddit:RedditActions"),
    "youtube": ("youtube", "collectors.youtube:YouTubeActions"),
    "facebook": ("meta", "collectors.meta:MetaActions"),
    "instagram": ("meta", "collectors.meta:MetaActions"),
}


class UnsupportedAction(PvwatchError):
    """The platform has no such action for this kind of post."""


class PlatformActions(abc.ABC):
    """The base of each platform's `pvwatch.ports.PlatformActions`: dry-run, platform check, logging."""

    platform: str = ""
    # the platform's shared connection options (credential variables, API base); its defaults without a source
    connection_model: ClassVar[builtins.type[Options]] = Options

    def __init__(self, cfg: Config, source: SourceConfig | None, platform: str, dry_run: bool = True) -> None:
        self.cfg = cfg
        self.source = source
        self.platform = platform
        self.dry_run = dry_run
        self.conn = source.checked(self.connection_model) if source else self.connection_model()

    def hide(self, post: Post) -> ActionResult:
        return self._run("hide", post)

    def remove(self, post: Post) -> ActionResult:
        return self._run("remove", post)

    def _run(self, action: Action, post: Post) -> ActionResult:
        if post.platform != self.platform:
            return self._result(False, action, post, f"post is from {post.platform}, not {self.platform}")
        if self.dry_run:
            log.info("dry run: would %s %s on %s", action, post.key, self.platform)
            return self._result(True, action, post, f"dry run: would {action} {post.key} on {self.platform}")
        target = post.model_copy(update={"id": platform_id(post)})  # a stored version acts on the platform's post
        try:
            message = self._hide(target) if action == "hide" else self._remove(target)
        except PvwatchError as exc:
            log.warning("%s of %s failed: %s", action, post.key, exc)
            return self._result(False, action, post, str(exc))
        log.info("%s %s on %s: %s", action, post.key, self.platform, message)
        return self._result(True, action, post, message)

    def _result(self, ok: bool, action: str, post: Post, message: str) -> ActionResult:
        return ActionResult(ok=ok, platform=self.platform, action=action, post_key=post.key,
                            dry_run=self.dry_run, message=message)

    def secret(self, env: str) -> str:
        """The value of the environment variable an option names (e.g. `self.conn.access_token_env`)."""
        value = self.cfg.secret(env)
        if not value:
            raise ConfigError(f"sources.*.{self.platform}", f"environment variable {env} is empty",
                              f"export {env}=... (see docs/collectors.md for how to obtain it)")
        return value

    @abc.abstractmethod
    def _hide(self, post: Post) -> str:
        """Do it on the platform; return what happened. Raise PvwatchError on failure."""

    @abc.abstractmethod
    def _remove(self, post: Post) -> str: ...


def get_actions(cfg: Config, platform: str, dry_run: bool = True) -> PlatformActions:
    """The actions for a platform, with credentials from its first enabled source."""
    try:
        source_type, target = ACTIONS[platform]
    except KeyError:
        raise UnsupportedAction(f"no moderation actions for platform {platform!r}; "
                                f"supported: {sorted(ACTIONS)}") from None
    source = next((s for s in cfg.sources.values() if s.type == source_type and s.enabled), None)
    module, cls = target.split(":")
    klass: type[PlatformActions] = getattr(importlib.import_module(module), cls)
    return klass(cfg, source, platform, dry_run=dry_run)


def actions_for(cfg: Config) -> ActionsFor:
    """`get_actions` bound to one config: the `pvwatch.ports.ActionsFor` the review queue is given."""
    return lambda platform, dry_run: get_actions(cfg, platform, dry_run=dry_run)
