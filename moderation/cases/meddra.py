"""The customer's MedDRA release, read from its ASCII distribution (MedAscii/llt.asc, pt.asc, mdhier.asc,
meddra_release.asc).

MedDRA is licensed to each company by the MSSO, so pvwatch never ships it: `[meddra]` in config.toml points at
the customer's English and French releases. Files are `$`-separated, one record per line, fields as in the MedDRA
"ASCII and Unicode file formats" document:
- llt.asc: llt_code $ llt_name $ pt_code $ (six legacy codes) $ llt_currency (Y/N) $ ...
- pt.asc: pt_code $ pt_name $ null $ pt_soc_code $ ...
- mdhier.asc: pt_code $ hlt_code $ hlgt_code $ soc_code $ pt_name $ ... (used only to check the PT exists)
- meddra_release.asc: version $ language $ ...
Non-current LLTs (currency N) are kept for reading old codes but never proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pvwatch.errors import ConfigError

REQUIRED = ("llt.asc", "pt.asc")


@dataclass(frozen=True)
class Llt:
    code: str
    name: str
    pt_code: str
    current: bool


@dataclass
class MeddraRelease:
    language: str  # "en" / "fr": the configuration key it was loaded under
    version: str
    llts: dict[str, Llt] = field(default_factory=dict)
    pts: dict[str, str] = field(default_factory=dict)  # pt_code -> pt_name

    def pt_name(self, pt_code: str) -> str:
        return self.pts.get(pt_code, "")


def ascii_dir(path: Path) -> Path:
    """The folder holding llt.asc: the path itself or its MedAscii/ subfolder (as the MSSO zip unpacks)."""
    for cand in (path, path / "MedAscii", path / "medascii"):
        if all((cand / name).is_file() for name in REQUIRED):
            return cand
    raise ConfigError(
        "meddra", f"{path} holds no MedDRA ASCII release (no {' and '.join(REQUIRED)} there or in MedAscii/)",
        "point [meddra] en / fr at the unpacked release folder of your MedDRA subscription",
    )


def _rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # older releases of Western European languages are Latin-1
        text = raw.decode("latin-1")
    return [line.rstrip("\r").split("$") for line in text.splitlines() if line.strip()]


def load_release(path: Path, language: str, version: str = "") -> MeddraRelease:
    """Read one language's release. `version` overrides meddra_release.asc (needed when it is missing)."""
    d = ascii_dir(path)
    release_file = d / "meddra_release.asc"
    found_version = _rows(release_file)[0][0].strip() if release_file.is_file() else ""
    version = version or found_version
    if not version:
        raise ConfigError("meddra.version", f"{d} has no meddra_release.asc",
                          'set [meddra] version = "27.0" (the release you load)')
    rel = MeddraRelease(language=language, version=version)
    for row in _rows(d / "pt.asc"):
        if len(row) >= 2 and row[0].strip().isdigit():
            rel.pts[row[0].strip()] = row[1].strip()
    for row in _rows(d / "llt.asc"):
        if len(row) < 3 or not row[0].strip().isdigit():
            continue
        current = (row[9].strip().upper() != "N") if len(row) > 9 else True
        rel.llts[row[0].strip()] = Llt(row[0].strip(), row[1].strip(), row[2].strip(), current)
    if not rel.llts:
        raise ConfigError("meddra", f"{d / 'llt.asc'} has no LLT record",
                          "check the folder is an unpacked MedDRA ASCII release")
    return rel
