"""MedDRA: the customer's ASCII release (fabricated files in MedDRA's layout), coding in both languages, config."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.cases.coding import MeddraCoder, lemma_key
from moderation.cases.meddra import load_release
from pvwatch.case_record import CodingMethod
from pvwatch.config import parse_config
from pvwatch.errors import ConfigError
from tests.cases_support import MEDDRA


@pytest.fixture(scope="module")
def coder() -> MeddraCoder:
    return MeddraCoder.from_folders({"en": MEDDRA / "en", "fr": MEDDRA / "fr"})


def test_release_layout_is_read() -> None:
    fr = load_release(MEDDRA / "fr", "fr")
    assert fr.version == "99.0" and fr.pts["91000001"] == "Céphalée"
    llt = fr.llts["92000002"]
    assert llt.name == "Maux de tête" and llt.pt_code == "91000001" and llt.current
    assert not fr.llts["92999999"].current  # currency N


@pytest.mark.parametrize(("reported", "normalized", "lang", "llt", "pt", "method"), [
    ("Pancréatite", "", "fr", "Pancréatite", "Pancréatite", CodingMethod.exact),
    ("maux de tête", "céphalée", "fr", "Maux de tête", "Céphalée", CodingMethod.exact),
    ("MAUX DE TETE", "", "fr", "Maux de tête", "Céphalée", CodingMethod.exact),  # case and accents
    ("crampes", "crampe", "fr", "Crampes", "Spasmes musculaires", CodingMethod.exact),
    ("hémorragies", "", "fr", "Hémorragie", "Hémorragie", CodingMethod.lemma),
    ("palpitation", "", "fr", "Palpitations", "Palpitations", CodingMethod.lemma),
    ("somnolente", "", "fr", "Somnolence", "Somnolence", CodingMethod.fuzzy),
    ("headaches", "headache", "en", "Headaches", "Headache", CodingMethod.exact),
    ("seizures", "", "en", "Seizures", "Seizure", CodingMethod.exact),
    ("rashes", "", "en", "Rash", "Rash", CodingMethod.lemma),
    ("diarhoea", "", "en", "Diarrhoea", "Diarrhoea", CodingMethod.fuzzy),  # misspelt
    ("stroke", "", "fr", "Stroke", "Cerebrovascular accident", CodingMethod.exact),  # other language
])
def test_coding(coder: MeddraCoder, reported: str, normalized: str, lang: str, llt: str, pt: str,
                method: CodingMethod) -> None:
    c = coder.code(reported, normalized, lang)
    assert c is not None and (c.llt_name, c.pt_name, c.method) == (llt, pt, method)
    assert c.version == "99.0" and c.pt_code.startswith("910")


def test_no_code_rather_than_a_wrong_one(coder: MeddraCoder) -> None:
    assert coder.code("rush", "", "en") is None  # short words are never matched by similarity
    assert coder.code("Terme obsolète", "", "fr") is None  # non-current LLT
    assert coder.code("zzz", "", "fr") is None
    assert coder.lookup("92000002") is not None and coder.lookup("12345678") is None


def test_lemma_key() -> None:
    assert lemma_key("Douleurs articulaires", "fr") == lemma_key("douleur articulaire", "fr")
    assert lemma_key("allergies", "en") == "allergy"


def test_latin1_release_and_missing_files(tmp_path: Path) -> None:
    d = tmp_path / "MedAscii"
    d.mkdir()
    (d / "llt.asc").write_bytes("93000001$Fièvre$93000001$$$$$$$Y$$\n".encode("latin-1"))
    (d / "pt.asc").write_bytes("93000001$Fièvre$$98000001$$$$$$$$\n".encode("latin-1"))
    rel = load_release(tmp_path, "fr", version="26.1")
    assert rel.llts["93000001"].name == "Fièvre" and rel.version == "26.1"
    with pytest.raises(ConfigError, match="meddra.version"):
        load_release(tmp_path, "fr")  # no meddra_release.asc and no version given
    with pytest.raises(ConfigError, match="no MedDRA ASCII release"):
        load_release(tmp_path / "nothing", "fr")


def test_config_names_the_key_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"meddra\.fr.*not a folder.*MedDRA ASCII release"):
        parse_config({"meddra": {"fr": "no/such/folder"}}, base_dir=tmp_path)
    with pytest.raises(ConfigError, match="meddra.fuzzy_min"):
        parse_config({"meddra": {"fuzzy_min": 20}}, base_dir=tmp_path)
    cfg = parse_config({"meddra": {"fr": str(MEDDRA / "fr")}}, base_dir=tmp_path)
    coder = MeddraCoder.from_config(cfg)
    assert coder is not None and set(coder.indexes) == {"fr"}
    assert MeddraCoder.from_config(parse_config({}, base_dir=tmp_path)) is None
