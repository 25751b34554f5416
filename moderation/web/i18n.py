"""The UI's languages: gettext catalogs (Babel), the request's locale, dates in the configured zone.

Catalogs live in moderation/web/locale/<lang>/LC_MESSAGES/messages.po; `make i18n` extracts the strings and
compiles the .mo files. A .mo that is missing or older than its .po is compiled in memory from the .po, so a
fresh clone shows the same words as a built one (never a silent fallback to English)."""

from __future__ import annotations

import gettext as _gettext
import io
import logging
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger("pvwatch.moderation.i18n")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}  # each in its own language
DEFAULT_LANGUAGE = "fr"
_DATETIME = {"fr": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy HH:mm"}
_DATE = {"fr": "dd/MM/yyyy", "en": "d MMM yyyy"}


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown (tables of labels)."""
    return message


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()  # the msgids are the English text
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if not po.exists():
        raise FileNotFoundError(f"no catalog for {lang!r} at {po}; run `make i18n`")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    log.info("compiled %s in memory (run `make i18n` to build the .mo)", po)
    return _gettext.GNUTranslations(buf)


_lang: ContextVar[str] = ContextVar("pvwatch_ui_lang", default=DEFAULT_LANGUAGE)
_zone: ContextVar[str] = ContextVar("pvwatch_ui_zone", default="Europe/Paris")


def activate(lang: str, zone: str) -> None:
    """Set the language and zone for what is rendered next in this context (one request)."""
    _lang.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    _zone.set(zone)


def current_language() -> str:
    return _lang.get()


def gettext(message: str) -> str:
    return translations(_lang.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_lang.get()).ngettext(singular, plural, n)


_ = gettext


def negotiate(preferred: str | None, accept_language: str | None, default: str) -> str:
    """The user's saved preference, then the browser's Accept-Language, then the configured default."""
    if preferred in LANGUAGES:
        return str(preferred)
    wanted: list[tuple[float, str]] = []
    for part in (accept_language or "")[:500].split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag:
            wanted.append((weight, tag.strip()))
    ordered = [t for w, t in sorted(wanted, key=lambda x: -x[0]) if w > 0]
    found = Locale.negotiate(ordered, list(LANGUAGES), sep="-") if ordered else None
    if found is None and ordered:
        found = Locale.negotiate([t.replace("_", "-") for t in ordered], list(LANGUAGES), sep="_")
    return str(found.language) if found is not None else default


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    d = datetime.fromisoformat(value) if isinstance(value, str) else value
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def format_datetime(value: datetime | str | None) -> str:
    """Local date and time in the configured zone, with the zone's abbreviation (CET, CEST...)."""
    d = _aware(value)
    if d is None:
        return "—"
    local = d.astimezone(ZoneInfo(_zone.get()))
    lang = _lang.get()
    return f"{_format_datetime(local, _DATETIME[lang], locale=lang)} {local.tzname()}"


def format_date(value: datetime | str | None) -> str:
    d = _aware(value)
    if d is None:
        return "—"
    lang = _lang.get()
    return _format_date(d.astimezone(ZoneInfo(_zone.get())), _DATE[lang], locale=lang)


def format_day(day: str, pattern: str = "d MMM") -> str:
    """A YYYY-MM-DD bucket label as the user reads dates ("1 déc.", "1 Dec")."""
    return _format_date(datetime.strptime(day, "%Y-%m-%d").date(), pattern, locale=_lang.get())


def format_duration(seconds: float | None) -> str:
    """"3 hours", "2 jours": never "1613.4 min"."""
    if seconds is None:
        return "—"
    return format_timedelta(timedelta(seconds=seconds), threshold=1.5, locale=_lang.get())


def format_number(n: float) -> str:
    return format_decimal(n, locale=_lang.get())


def zone_name() -> str:
    return _zone.get()


def languages() -> Iterable[tuple[str, str]]:
    return LANGUAGES.items()
