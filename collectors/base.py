"""The base of every collector: the `pvwatch.ports.Collector` port, given its options as checked at start-up.

The pipeline calls `poll(cursor)` repeatedly, stores the returned posts, and only then saves the new
cursor: a crash between the two replays a batch (at-least-once) and the store's idempotent upsert
keyed on (platform, id) removes the duplicates.
"""

from __future__ import annotations

import abc
import builtins
from typing import TYPE_CHECKING, Any, ClassVar

from collectors.options import Options
from pvwatch.ports import Batch

if TYPE_CHECKING:
    from pvwatch.config import Config, SourceConfig


class Collector(abc.ABC):
    type: ClassVar[str]
    options_model: ClassVar[builtins.type[Options]] = Options

    def __init__(self, name: str, source: SourceConfig, cfg: Config) -> None:
        self.name = name
        self.source = source
        self.cfg = cfg
        # validated by the roof's config check (pvwatch.app.config) before anything started
        self.options: Options = source.checked(self.options_model)

    @abc.abstractmethod
    def poll(self, cursor: dict[str, Any]) -> Batch:
        """Return the next posts after `cursor` and the cursor to resume from."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
