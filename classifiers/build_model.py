"""Rebuild the shipped lexicons and the default model: `python -m classifiers.build_model` (`make model`).

Only licence-compatible sources (../shared/data/README.md): PsyTAR (CC BY 4.0), Druglib/UCI (CC BY 4.0),
BDPM (Licence Ouverte), plus the data we wrote (classifiers/data/, pvwatch/demo/posts.jsonl). Deterministic:
same inputs, same files. Benchmark hold-outs stay out: PsyTAR's test split and Druglib's test file.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections import Counter
from pathlib import Path

from classifiers.ae.lexicon import LEXICON_DIR, load_lexicon
from classifiers.ae.readers import Example, read_corpus
from classifiers.ae.text import fold_aligned

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
OWN_DATA = [REPO / "classifiers" / "data" / "ae_examples_fr.jsonl",
            REPO / "classifiers" / "data" / "ae_examples_en.jsonl",
            REPO / "classifiers" / "data" / "written_fr.jsonl",
            REPO / "classifiers" / "data" / "written_en.jsonl",
            REPO / "pvwatch" / "demo" / "posts.jsonl"]
OWN_WEIGHT = 3  # our few tweet-style and French examples are repeated so the reviews do not drown them
MODEL_DIR = REPO / "classifiers" / "models" / "default"
# French posts: our written French posts are cleaner than real tweets, so the French threshold is the one that
# keeps 95 % of them (out-of-fold_aligned), not 80 %. Printed by the build; config.toml's ae_threshold_fr uses it.
FRENCH_RECALL = {"fr": 0.95}

_SALT_PREFIX = re.compile(r"^(chlorhydrate|bromhydrate|maleate|sulfate|citrate|tartrate|fumarate|succinate|mesilate|"
                          r"besilate|acetate|phosphate|lactate|gluconate|oxalate|nitrate|valerate|dipropionate|"
                          r"propionate|hyclate|mesylate|tosilate|hydrogenotartrate) (de |d')")
_SALT_SUFFIX = re.compile(r" (sodique|potassique|calcique|magnesique|monohydrate|anhydre|dihydrate|hemihydrate|"
                          r"trihydrate|sesquihydrate|base|micronise|micronisee)\b.*$")
# Brand names that are everyday French words: matching them would flag ordinary posts.
_COMMON = {"vitamine", "calcium", "magnesium", "fer", "zinc", "eau", "oxygene", "azote", "alcool", "huile", "serum",
           "solution", "sirop", "creme", "gel", "lait", "miel", "arnica", "soufre", "charbon", "argile", "sel",
           "glucose", "vaseline", "cafe", "the", "menthe", "citron", "camomille", "tilleul", "orange", "rose",
           "plus", "forte", "fort", "junior", "enfant", "adulte", "nourrisson", "bebe", "gouttes", "spray", "mousse",
           "argent", "cobalt", "cuivre", "nickel", "helium", "methane", "levure", "jasmine", "diane", "daily", "drill",
           "cyclo", "minerva", "divina", "estima", "iode", "ether", "bismuth", "baryum", "fucus", "magne", "lenia",
           "keal", "kinox", "lyso", "lytos", "femi", "lipur", "marga", "xylene", "rhenium", "melodia", "camilia",
           "carlin", "clemis", "leeloo", "refresh", "sojourn", "thais", "sodium", "talc", "sulfate", "uree", "toco",
           "tobi", "tcaps", "proline", "serine", "valine", "taurine", "leucine", "alanine", "glycine", "cystine",
           "lysine", "phenol", "camphre", "cineole", "eugenol", "thymol", "menthol", "boldine", "borax", "dota"}


def _bdpm_terms(d: Path) -> list[tuple[str, str]]:
    terms: dict[str, str] = {}
    with (d / "CIS_bdpm.txt").open(encoding="latin-1") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 6 or "homéo" in row[5].lower() or "homeo" in row[5].lower():
                continue
            name = row[1].split(",")[0].strip()
            words = []
            for w in name.split():
                if any(ch.isdigit() for ch in w):
                    break
                words.append(w)
            if len(words) == 1 and len(words[0]) >= 4 and fold_aligned(words[0]) not in _COMMON:
                terms.setdefault(fold_aligned(words[0]), words[0].capitalize())
    with (d / "CIS_COMPO_bdpm.txt").open(encoding="latin-1") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 4 or "homeopathi" in fold_aligned(row[3]):
                continue
            sub = _SALT_SUFFIX.sub("", _SALT_PREFIX.sub("", fold_aligned(row[3]).strip()))
            if len(sub) >= 4 and len(sub.split()) <= 3 and sub not in _COMMON and sub.replace(" ", "").isalpha():
                terms.setdefault(sub, sub)
    return sorted(terms.items())


def _druglib_names(d: Path) -> list[str]:
    names: set[str] = set()
    with (d / "drugLibTrain_raw.tsv").open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            n = (row.get("urlDrugName") or "").strip().lower()
            if 4 <= len(n) <= 30 and re.fullmatch(r"[a-z][a-z-]+", n):
                names.add(n)
    return sorted(names)


def _psytar_reactions(d: Path) -> list[str]:
    """ADR strings of PsyTAR training-split sentences, seen at least twice, 1-4 words."""
    train = {e.text.strip() for e in read_corpus(d / "splits_binary" / "train.csv", "tsv")}
    counts: Counter[str] = Counter()
    with (d / "sheets_csv" / "ADR_Identified.csv").open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            if (row.get("sentences") or "").strip() not in train:
                continue
            for k, v in row.items():
                if k and k.startswith("ADR") and v and v.strip():
                    t = re.sub(r"\s+", " ", fold_aligned(v.strip().strip(".,;!")))
                    if 3 <= len(t) <= 40 and 1 <= len(t.split()) <= 4:
                        counts[t] += 1
    return sorted(t for t, n in counts.items() if n >= 2)


def _write(name: str, header: str, lines: list[str]) -> None:
    (LEXICON_DIR / f"{name}.txt").write_text(f"# {header}\n" + "".join(f"{x}\n" for x in lines), encoding="utf-8")


def build_lexicons(shared: Path) -> None:
    _write("drugs_fr_built", "Built by classifiers/build_model.py from BDPM (ANSM, Licence Ouverte / Etalab).",
           [t if t == c else f"{t}\t{c}" for t, c in _bdpm_terms(shared / "bdpm_fr_drugs")])
    _write("drugs_en_built", "Built by classifiers/build_model.py: drug names of Druglib/UCI (CC BY 4.0, "
           "Gräßer et al. 2018).", _druglib_names(shared / "druglib_uci"))
    _write("reactions_en_built", "Built by classifiers/build_model.py: ADR strings of PsyTAR (CC BY 4.0, "
           "Zolnoori et al. 2019), training split.", _psytar_reactions(shared / "psytar"))
    load_lexicon.cache_clear()


def own_data() -> list[Example]:
    out: list[Example] = []
    for p in OWN_DATA:
        if p.exists():
            out += read_corpus(p, "jsonl")
    return out


def default_training_data(require_shared: bool = True) -> list[Example]:
    """Our data (repeated OWN_WEIGHT times) plus the licence-compatible corpora's training parts."""
    data = own_data() * OWN_WEIGHT
    if SHARED.is_dir():
        data += read_corpus(SHARED / "psytar" / "splits_binary" / "train.csv", "tsv", lang="en")
        data += read_corpus(SHARED / "druglib_uci" / "drugLibTrain_raw.tsv", "druglib")
    elif require_shared:
        raise FileNotFoundError(SHARED)
    return data


def main() -> int:
    if not SHARED.is_dir():
        print(f"error: {SHARED} not found. The default model is built from the corpora in ../shared/data "
              f"(PsyTAR, Druglib, BDPM); set PVWATCH_SHARED_DATA to their folder. The committed model in "
              f"{MODEL_DIR} was left untouched.", file=sys.stderr)
        return 1
    from classifiers.ae.layers import Layers
    from classifiers.ae.training import train

    build_lexicons(SHARED)
    data = default_training_data()
    model = train(Layers([]), data, meta={"name": "default", "sources": ["classifiers/data", "pvwatch/demo/posts.jsonl",
                                                                      "psytar train split", "druglib train"]},
                  lang_recall=FRENCH_RECALL)
    model.save(MODEL_DIR)
    print(f"wrote {MODEL_DIR}: {len(data)} examples, {sum(e.label for e in data)} positive; "
          f"out-of-fold_aligned threshold for recall 0.8: {model.meta['threshold']}; French "
          f"(our written posts, recall {FRENCH_RECALL['fr']}; candidate for [classifiers] ae_threshold_fr): "
          f"{model.meta.get('threshold_by_lang', {}).get('fr')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
