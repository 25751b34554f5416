"""The UI's translations: every string the templates and views mark has a French translation with the same
placeholders; the language follows the user's preference, then Accept-Language; dates are in the configured zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from moderation.web import i18n

REPO = Path(__file__).resolve().parents[1]
PO = REPO / "moderation" / "web" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _marked() -> set[str | tuple[str, ...]]:
    """What `make i18n-extract` extracts, straight from the sources (not from the committed .pot)."""
    method_map = [("moderation/**.py", "python"), ("moderation/web/templates/**.html", "jinja2")]
    options = {"moderation/web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                                    "lstrip_blocks": "true"}}
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(REPO), method_map, options,
                                                                   keywords=KEYWORDS):
        found.add(message)
    return {m for m in found if m}


def test_every_marked_string_has_a_french_translation() -> None:
    catalog = read_po(PO.open("rb"), locale="fr")
    missing, wrong = [], []
    for msgid in _marked():
        entry = catalog.get(msgid)
        strings = (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry else ()
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(msgid)
            continue
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids)) - {"num"}
        for s in strings:
            if set(PLACEHOLDER.findall(s)) - {"num"} != wanted:
                wrong.append((msgid, s))
    assert not missing, f"untranslated (run `make i18n-extract`, translate in {PO.name}): {sorted(map(str, missing))}"
    assert not wrong, f"placeholders differ between English and French: {wrong}"


def test_the_check_fails_on_a_missing_translation(tmp_path: Path) -> None:
    """The test above would catch a new string: a catalog without one entry misses it."""
    catalog = read_po(PO.open("rb"), locale="fr")
    marked = _marked()
    victim = next(m for m in marked if isinstance(m, str))
    catalog.delete(victim)
    assert catalog.get(victim) is None and victim in marked


@pytest.mark.parametrize(("preferred", "header", "default", "expected"), [
    (None, "fr-FR,fr;q=0.9,en;q=0.8", "en", "fr"),
    (None, "en-GB,en;q=0.9", "fr", "en"),
    ("en", "fr-FR", "fr", "en"),       # the saved preference wins over the browser
    (None, "de-DE,de;q=0.9", "fr", "fr"),  # nothing we have: the configured default
    (None, "de;q=1, en;q=0.5", "fr", "en"),
    (None, "", "en", "en"),
    (None, "fr;q=0", "en", "en"),
])
def test_language_negotiation(preferred: str | None, header: str, default: str, expected: str) -> None:
    assert i18n.negotiate(preferred, header, default) == expected


def test_dates_in_the_configured_zone_with_its_name_in_french_formats() -> None:
    winter = datetime(2026, 12, 1, 14, 27, 48, 434426, tzinfo=UTC)
    i18n.activate("fr", "Europe/Paris")
    assert i18n.format_datetime(winter) == "01/12/2026 15:27 CET"
    assert i18n.format_datetime("2026-07-01T14:27:48.434426+00:00") == "01/07/2026 16:27 CEST"  # note timestamps
    assert i18n.format_day("2026-12-01") == "1 déc."
    assert i18n.format_duration(1613.4 * 60).replace("\xa0", " ") == "27 heures"  # never "1613.4 min"
    assert i18n.gettext("Review queue") == "File de revue"
    i18n.activate("en", "UTC")
    assert i18n.format_datetime(winter) == "1 Dec 2026 14:27 UTC"
    assert i18n.gettext("Review queue") == "Review queue"


def test_unknown_time_zone_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    from pvwatch.config import parse_config
    from pvwatch.errors import ConfigError

    with pytest.raises(ConfigError, match=r"ui\.timezone.*IANA"):
        parse_config({"ui": {"timezone": "Paris"}}, base_dir=tmp_path)


def test_catalog_compiles_in_memory_when_the_mo_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "messages.po")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("fr").gettext("Log out") == "Se déconnecter"
    finally:
        i18n.translations.cache_clear()
