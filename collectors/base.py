"""The base of every collector: the `pvwatch.ports.Collector` port, with its options validated from config.

The pipeline calls `poll(cursor)` repeatedly, stores the returned posts, and only then saves the new
cursor: a crash between the two replays a batch (at-least-once) and the store's idempotent upsert
keyed on (platform, id) removes the duplicates.
"""

from __future__ import annotations

import abc
import builtins
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from pvwatch.errors import ConfigError
from pvwatch.ports import Batch

if TYPE_CHECKING:
    from pvwatch.config import Config, SourceConfig


class Options(BaseModel):
    """Base for each collector's own options: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Collector(abc.ABC):
    type: ClassVar[str]
    options_model: ClassVar[builtins.type[Options]] = Options

    def __init__(self, name: str, source: SourceConfig, cfg: Config) -> None:
        self.name = name
        self.source = source
        self.cfg = cfg
        try:
            self.options = self.options_model.model_validate(source.options())
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"sources.{name}.{key}", first["msg"], "see docs/configuration.md") from None

    @abc.abstractmethod
    def poll(self, cursor: dict[str, Any]) -> Batch:
        """Return the next posts after `cursor` and the cursor to resume from."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
