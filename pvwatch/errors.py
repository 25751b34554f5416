"""One root exception; every message says how to fix the problem."""

from __future__ import annotations


class PvwatchError(Exception):
    """Root of every error pvwatch raises on purpose."""


class ConfigError(PvwatchError):
    """config.toml is missing, unreadable or invalid. Exit code 2."""

    def __init__(self, key: str, problem: str, fix: str, file: str = "config.toml") -> None:
        self.key = key
        self.problem = problem
        self.fix = fix
        self.file = file
        # one prefix: the file, then the key when the problem is inside it ("x/config.toml: ui.port: ...")
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}. Fix: {fix}")


class StorageError(PvwatchError):
    """The store could not do what was asked."""


class StoreUnavailable(StorageError):
    """The store cannot be used right now (full disk, read-only file, cluster down): retry, do not quarantine."""


class ConflictError(StorageError):
    """Optimistic concurrency: someone else changed the record first; reload and retry."""


class NotFoundError(StorageError):
    """The record does not exist."""


class CollectorError(PvwatchError):
    """A platform collector failed in a way retrying will not fix."""


class SourceMissing(CollectorError):
    """What the source reads does not exist (a replay file): retrying within this run cannot help."""


class PermissionDenied(PvwatchError):
    """The user's role does not allow this action."""
