"""Person names, French and English, without a heavy NER pass:

- a title before a capitalised word: 'Dr Martin', 'Mme Dupont', 'Mr. MENARD';
- a relative before a capitalised word: 'ma fille Léa', 'mon père Henri', 'my son Tom';
- introductions: "je m'appelle Lucie", 'my name is Ann Lee', 'signé Paul';
- a known first name with a surname after it ('Rémi Foliet', 'Olga S.') or before it in capitals
  ('JALONNET Christine'), or alone in mid-sentence.
The span is the name only (titles and kinship words stay readable after redaction).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import RecognizerResult

from classifiers.personal_data import names_lexicon
from classifiers.personal_data.recognizers._base import RegexRecognizer, fold

_UP = "A-ZÀ-ÖØ-Þ"
_LO = "a-zà-öø-ÿ"
_CAP = rf"[{_UP}][{_LO}]+(?:[-'’][{_UP}]?[{_LO}]+)*"
_UPPER = rf"[{_UP}]{{2,}}(?:[-'’ ][{_UP}]{{2,}})?"
_NAME = rf"(?:{_CAP}|{_UPPER})"
_NAMES = rf"{_NAME}(?:[ \-]{_NAME}){{0,2}}"
_INITIAL = rf"[{_UP}](?:-[{_UP}])?(?:\. ?| )"  # 'Z. ', 'P-A. ', 'H '
_NOT_PEOPLE = re.compile(r"(?i:h[ôo]pital|chu|clinique|rue|avenue|boulevard|bd|place|quai|institut|centre|lyc[ée]e"
                         r"|coll[èe]ge|[ée]cole|universit[ée]|saint|sainte|st|hospital|street|avenue|school)\W*$")
_TITLES = (r"Dr|Dre|Docteur|Doctor|Doc|Pr|Prof|Professeur|Professor|M|Mr|Mrs|Ms|Mme|Mlle|Madame|Monsieur"
           r"|Mademoiselle|Miss|Sir|Maître|Me|Nurse|Infirmière|Infirmier")
_KIN = (r"fille|fils|femme|mari|mère|mere|père|pere|sœur|soeur|frère|frere|copine|copain|compagne|compagnon"
        r"|grand-mère|grand-père|mamie|papi|papy|tante|oncle|cousine?|nièce|niece|neveu|belle-mère|beau-père"
        r"|amie?|voisine?|collègue|bébé|petite?-fille|petit-fils|daughter|son|wife|husband|mother|mom|mum"
        r"|father|dad|sister|brother|girlfriend|boyfriend|partner|grandma|grandmother|grandpa|grandfather"
        r"|aunt|uncle|cousin|nephew|friend|neighbou?r|colleague|baby|kid|médecin|généraliste|doctor|gp")


_TITLE_WORDS = frozenset(fold(t) for t in _TITLES.split("|"))


def _cased(alternatives: str) -> str:
    """'ma|mon' -> 'ma|Ma|MA|mon|Mon|MON': case variants spelled out, because an inline (?i:) group stops
    Python's re from skipping ahead to candidate positions and costs several times more."""
    out: list[str] = []
    for alt in alternatives.split("|"):
        for v in (alt, alt[:1].upper() + alt[1:], alt.upper(), alt.lower()):
            if v not in out:
                out.append(v)
    return "|".join(out)


class PersonRecognizer(RegexRecognizer):
    ENTITY = "PERSON"
    FLAGS = 0
    PATTERNS = (
        (rf"(?<![\w])(?:{_cased(_TITLES)})(?:\. ?| )((?:{_INITIAL})?{_NAMES})", 0.85),
        (rf"((?:{_INITIAL}|[{_UP}]\.)(?:{_CAP}|{_UPPER}))", 0.0),  # 'E. PENICOT', 'A.Mariniere'
        (rf"([{_UP}]{{3,}}(?:-[{_UP}]{{2,}})? {_CAP})(?![\w])", 0.0),  # 'BOFFIN Lily'

        (rf"(?<![\w])(?:{_cased('ma|mon|mes|my|notre|our|la|le|sa|son')})(?: petite?| petit| grande?| little| big"
         rf"| older| younger| ex)? (?:{_cased(_KIN)}),? ({_NAME}(?: {_NAME})?)", 0.85),
        (rf"(?i:je m'appelle|je m’appelle|moi c'est|my name is|name's|i am called|signé|signed|cordialement"
         rf"|regards|bisous|merci),? ({_NAMES})", 0.8),
        (rf"({_NAME}(?:[ \-]{_NAME}){{1,3}})", 0.0),  # judged by the lexicons in `check`
        (rf"(?<![\w])({_CAP}) (?:[{_UP}]\.?)(?![\w])", 0.0),  # 'Olga S.'
        (rf"[^\s.!?] ({_CAP})(?![\w])", 0.0),  # a lone word in mid-sentence
    )
    GROUP = 1

    def load(self) -> None:
        super().load()
        self._first = names_lexicon.first_names()
        self._last = names_lexicon.last_names()
        self._stop = names_lexicon.stopwords()
        self._core_stop = names_lexicon.stopwords(with_ambiguous=False)
        self._first_all = names_lexicon.first_names(with_ambiguous=True)
        self._context = ()

    def _words(self, value: str) -> list[str]:
        return [fold(w) for w in re.split(r"[ \-]", value) if w]

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’"):
            return None  # the regexes have no leading boundary test, for speed
        words = self._words(value)
        if not words or words[0] in self._core_stop or words[0] in _TITLE_WORDS:
            return None
        if _NOT_PEOPLE.search(text, max(0, start - 12), start):
            return None
        if score > 0:  # cue-based patterns: the cue is the evidence
            return score
        if words[0] in self._stop:
            return None
        if re.fullmatch(rf"{_INITIAL}\S.*|[{_UP}]\.\S+", value):  # an initial and a surname
            return 0.8 if words[-1] not in self._stop and (value[3:].isupper() or len(words[-1]) > 3) else None
        if re.fullmatch(rf"[{_UP}]{{3,}}(?:-[{_UP}]{{2,}})? {_CAP}", value):
            return 0.85 if words[-1] in self._first_all else (0.6 if words[-1] not in self._stop else None)
        known_first = [w in self._first for w in words]
        known_last = [w in self._last for w in words]
        if len(words) >= 2:
            if any(w in self._stop for w in words):
                return None
            if known_first[0] or words[-1] in self._first:
                return 0.85
            if known_last[-1] and not value.isupper():
                return 0.6
            return None
        if known_first[0] and len(value) > 2:
            return 0.6 if text[end:end + 1] in " ,.!?;:)\n" or end == len(text) else None
        return None

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        # Longest span wins where patterns overlap ('Jean-Pierre Martin' over 'Jean').
        results = sorted(super()._scan(text, lower), key=lambda r: (r.start, -(r.end - r.start)))
        kept: list[RecognizerResult] = []
        for r in results:
            if kept and r.start < kept[-1].end:
                if r.score > kept[-1].score and r.end <= kept[-1].end:
                    kept[-1].score = r.score
                continue
            kept.append(r)
        return kept
