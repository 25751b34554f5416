"""Person names, French and English, without a heavy NER pass (no English NER model on PyPI):

- cues before the name, found in one pass over the lower-cased post: a title ('Dr Martin', 'Mme Dupont',
  'Mr. MENARD'), a relative ('ma fille Léa', 'my son Tom'), an introduction ("je m'appelle Lucie", 'my name is
  Ann Lee', 'name: ...', 'signé Paul', 'Dear Sarah', '-- Julia Novak'), a greeting ('Hi Bartek,'), or a weak cue
  ('contact X', "I'm X", 'directed by X Y') that also needs a known first name or two capitalised words;
- cues after it: "Peter's daughter", 'Emma lives in';
- a known first name with a surname after it ('Rémi Foliet', 'Olga S.') or before it in capitals
  ('JALONNET Christine'), a surname-like word ('Petrović', 'Jónsdóttir'), or alone in mid-sentence;
- later mentions of a found name's words, and capitalised words listed with a found name.
Places and organisations ('New Zealand', 'Acme Solutions', 'Julia Street 12') are not names.
The span is the name only (titles and kinship words stay readable after redaction)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from classifiers.personal_data import names_lexicon
from classifiers.personal_data.presidio_base import RecognizerResult
from classifiers.personal_data.recognizers._base import PvRegexRecognizer, cue_key, factor_alternatives

# Latin-1 plus Latin Extended-A (Ł, Ž, ř, ő...: Polish, Czech, Croatian, Hungarian names); Extended-A mixes
# cases, so it is in both sets.
_UP = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_LO = "a-zà-öø-ÿ\u0100-\u017f"
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


_TITLE_WORDS = frozenset(cue_key(t) for t in _TITLES.split("|"))


def _lower_alts(alternatives: str) -> str:
    return "|".join(dict.fromkeys(a.lower() for a in alternatives.split("|")))


# Cues before a name, matched in one pass over the lower-cased post (several passes of the original patterns
# were the person recognizer's main cost); the name after a cue is matched case-sensitively in the original.
# Strong cues carry their score; weak ones ('contact X', 'I'm X', 'directed by X') need lexicon support.
_ROLES = (r"producer|songwriter|singer|actor|actress|director|author|writer|ceo|founder|president|manager"
          r"|pharmacist|pharmacien|pharmacienne|patient|patiente|colleague")
_NAME_IS = r"(?: is| was| ?:| ?\?)"
_INTRO = ("je m'appelle", "je m’appelle", "moi c'est", "my name is", "my name's", "name's", "i am called", "i'm called",
          "signé", "signed", "cordialement", "regards", "bisous", "merci", "dear", "cher", "chère", "chere",
          *(f"{w}name{_NAME_IS}" for w in ("first ", "last ", "full ", "maiden ", "sur", "")),
          "nom ?:", "prénom ?:", "prenom ?:")
_WEAK = (r"i'm|i am|named|called|contact|contacter|ask for|ask|with|avec|by|par|says|said|dit|according to|selon"
         rf"|starring|from|de la part de|{_ROLES}")


def _alts(alternatives: str) -> str:
    return factor_alternatives(_lower_alts(alternatives).split("|"))


_CUE_RX = re.compile(  # the leading look-behind lets re skip mid-word positions fast (3x cheaper)
    r"(?<![\w'’])(?:"
    rf"(?P<title>(?:{_alts(_TITLES)})(?:\. ?| ))"
    rf"|(?P<kin>(?:{_alts('ma|mon|mes|my|notre|our|la|le|sa|son|his|her|their')})(?: petite?| grande?| little"
    rf"| big| older| younger| ex| late| great)? (?:{_alts(_KIN)}),? )"
    rf"|(?P<intro>(?:{factor_alternatives(_INTRO)}),? *)"
    r"|(?P<dash>(?:^|(?<=\n)) *(?:--|—|–) ?)"
    rf"|(?P<greet>(?:{_alts('hi|hello|hey|bonjour|salut|coucou|thanks|thank you')})[,!]? )"
    rf"|(?P<weak>(?:{_alts(_WEAK)})[,:]? +))"
)
# Cues after a name: "Peter's daughter", "Lena's kid", 'Emma lives in', 'Tomas is from'. A separate
# pass, run only when one of _BACK_KEYS is in the post (an alternative in _CUE_RX cost a third more).
_BACK_RX = re.compile(
    rf"(?P<poss>['’]s (?:{_lower_alts(_KIN)}|address|phone|number|e-?mail|house|home|place|birthday|kids?"
    r"|children)(?![\w]))"
    r"|(?P<verb> (?:lives|lived|was born|is from|grew up)(?![\w]))"
)
_BACK_KEYS = ("'s ", "’s ", " lives", " lived", " was born", " is from", " grew up")
_CUE_SCORE = {"title": 0.85, "kin": 0.85, "intro": 0.8, "dash": 0.8}
_NAME_AFTER = {
    "title": re.compile(rf"(?:{_INITIAL})?{_NAMES}"),
    "kin": re.compile(rf"{_NAME}(?: {_NAME})?"),
    "intro": re.compile(_NAMES), "dash": re.compile(_NAMES), "weak": re.compile(_NAMES), "greet": re.compile(_NAMES),
}
# Surname endings common across Europe (Slavic -ov/-ova/-ović/-ski, Nordic -sson/-sen/-dóttir, Romanian -escu,
# Greek -poulos, Finnish -nen...): a capitalised word ending so is a likely surname.
_SURNAME_END = re.compile(r"(?:ov|ova|ová|ev|eva|ić|ski|ska|sky|ský|enko|chuk|sson|ssen|sen|dóttir|dottir|ström"
                          r"|qvist|gren|escu|poulos|akis|idis|inen|nen|oğlu|yan|shvili|dze)$")


_INITIAL_SURNAME = re.compile(rf"{_INITIAL}\S.*|[{_UP}]\.\S+")
_UPPER_FIRST = re.compile(rf"[{_UP}]{{3,}}(?:-[{_UP}]{{2,}})? {_CAP}")
_fold_word = functools.lru_cache(maxsize=8192)(cue_key)  # names recur; unicodedata per character does not come cheap
_WORD_SPLIT = re.compile(r"[ \-]")


def _surname_like(word: str) -> bool:
    """Matched on the word as written (lower-cased, accents kept: 'ić' is a surname ending, 'ic' is not)."""
    return len(word) > 4 and _SURNAME_END.search(word.lower()) is not None


_LOWER_NAME = re.compile(rf"[{_LO}]{{3,}}(?: [{_LO}]{{3,}})?(?![\w])")
_NAME_BEFORE = re.compile(rf"(?<![\w])({_NAME}(?: {_NAME})?)\Z")
_HOUSE_NUMBER_AFTER = re.compile(r" \d{1,4}(?!\d)(?! ?\d)")
_END = re.compile(r"(?![\w])")
# Names listed together: 'Jana, Tom and Okafor', 'Smith, Brandt and Okafor'.
_NEXT_IN_LIST = re.compile(rf"(?:,| and| et| &| or| ou)(?: and| et)? ({_NAME}(?: {_NAME})?)(?![\w])")
_PREV_IN_LIST = re.compile(rf"(?<![\w])({_NAME}(?: {_NAME})?)(?:,| and| et| &| or| ou) $")
# Words that make a capitalised sequence a place or an organisation ('United Kingdom', 'Henry Park').
_NOT_NAME_WORDS = names_lexicon.not_name_words()
_NEXT_WORD = re.compile(rf"[ \-]([{_UP}][\w'’]+)")


class PvPersonRecognizer(PvRegexRecognizer):
    ENTITY = "PERSON"
    FLAGS = 0
    PATTERNS = (
        (rf"((?:{_INITIAL}|[{_UP}]\.)(?:{_CAP}|{_UPPER}))", 0.0),  # 'E. PENICOT', 'A.Mariniere'
        (rf"([{_UP}]{{3,}}(?:-[{_UP}]{{2,}})? {_CAP})(?![\w])", 0.0),  # 'BOFFIN Lily'
        (rf"({_NAME}(?:[ \-]{_NAME}){{1,3}})", 0.0),  # judged by the lexicons in `check`
        (rf"(?<![\w])({_CAP}) (?:[{_UP}]\.?)(?![\w])", 0.0),  # 'Olga S.'
        # a lone word in mid-sentence, or opening a line or a sentence ('Emma said ...'): a known first
        # name or a surname-like word
        (rf"(?<![^\s])({_CAP})(?![\w])", 0.0),
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
        return [_fold_word(w) for w in _WORD_SPLIT.split(value) if w]

    def check(self, value: str, text: str, start: int, end: int, score: float) -> float | None:
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’"):
            return None  # the regexes have no leading boundary test, for speed
        words = self._words(value)
        if not words or words[0] in self._core_stop or words[0] in _TITLE_WORDS:
            return None
        if score == 0:  # cheap rejections first: most capitalised words end here
            if words[0] in self._stop:
                return None
            if len(words) == 1 and "." not in value:
                return self._lone(words[0], value, text, start, end)
        if _NOT_PEOPLE.search(text, max(0, start - 12), start):
            return None
        if len(words) >= 2 and any(w in _NOT_NAME_WORDS for w in words):
            return None
        if score > 0:  # cue-based patterns: the cue is the evidence
            return score
        if words[0] in self._stop or self._near_number(text, start, end) or self._place_follows(text, end):
            return None
        if _INITIAL_SURNAME.fullmatch(value):  # an initial and a surname
            return 0.8 if words[-1] not in self._stop and (value[3:].isupper() or len(words[-1]) > 3) else None
        if _UPPER_FIRST.fullmatch(value):
            return 0.85 if words[-1] in self._first_all else (0.6 if words[-1] not in self._stop else None)
        known_first = [w in self._first for w in words]
        raw_words = [w for w in _WORD_SPLIT.split(value) if w]
        known_last = [w in self._last or _surname_like(raw) for w, raw in zip(words, raw_words, strict=False)]
        if len(words) >= 2:
            if any(w in self._stop for w in words):
                return None
            if known_first[0] or words[-1] in self._first:
                return 0.85
            if known_last[-1] and not value.isupper():
                return 0.6
            return None
        return None

    def _lone(self, word: str, value: str, text: str, start: int, end: int) -> float | None:
        """One capitalised word with no cue: a known first name or a surname-like word, not a place."""
        if len(value) <= 2 or not (word in self._first or _surname_like(value)) or word in _NOT_NAME_WORDS:
            return None
        if not (end == len(text) or text[end] in " ,.!?;:)\n"):
            return None
        if self._near_number(text, start, end) or self._place_follows(text, end):
            return None
        return None if _NOT_PEOPLE.search(text, max(0, start - 12), start) else 0.6

    def _weak(self, value: str, text: str, start: int, end: int, alone: float = 0.0) -> float | None:
        """A name next to a weak cue ('contact X', 'directed by X Y', "I'm X", "X's daughter"): a known first
        name, or two or three capitalised words none of which is a common word; a lone word that is not a
        common word only scores `alone` (0: not enough)."""
        lexicon = self.check(value, text, start, end, 0.0)
        if lexicon is not None:
            return max(lexicon, 0.75)
        words = self._words(value)
        if any(w in self._stop or w in _NOT_NAME_WORDS or w in _TITLE_WORDS for w in words) or value.isupper():
            return None
        if self._near_number(text, start, end) or self._place_follows(text, end):
            return None
        if words[0] in self._first_all and len(words[0]) > 2:
            return 0.7
        if 2 <= len(words) <= 3:
            return 0.75
        return alone or None

    @staticmethod
    def _near_number(text: str, start: int, end: int) -> bool:
        """'Julia Street 12', 'Lopez 290': a capitalised sequence followed by a short house number is a
        street (a phone number or a NIR after a name, as in a letterhead, is not a house number)."""
        return _HOUSE_NUMBER_AFTER.match(text, end) is not None

    @staticmethod
    def _place_follows(text: str, end: int) -> bool:
        """'Henry Park', 'Julia Street', 'Acme Solutions': the word after the name makes it a place."""
        m = _NEXT_WORD.match(text, end)
        return m is not None and _fold_word(m.group(1)) in _NOT_NAME_WORDS

    def _cues(self, text: str, lower: str | None) -> Iterable[RecognizerResult]:
        if lower is None or len(lower) != len(text):
            lower = text.lower()
            if len(lower) != len(text):  # a character lengthened when lower-cased: offsets would not hold
                return
        matches = list(_CUE_RX.finditer(lower))
        if any(k in lower for k in _BACK_KEYS):
            matches.extend(_BACK_RX.finditer(lower))
        for m in matches:
            kind = str(m.lastgroup)
            if kind in ("poss", "verb"):
                name = _NAME_BEFORE.search(text, max(0, m.start() - 40), m.start())
                if name is None:
                    continue
                start, end = name.span(1)
                final = self._weak(text[start:end], text, start, end, alone=0.7 if kind == "poss" else 0.6)
            else:
                name = _NAME_AFTER[kind].match(text, m.end())
                if name is None and kind == "intro" and m.group().startswith(("my name", "je m", "name")):
                    name = self._lower_name(text, m.end())  # 'my name is vitoria': posts are often lower-case
                if name is None or not _END.match(text, name.end()):
                    continue
                start, end = name.span()
                if kind == "greet":
                    alone = 0.7 if text[end:end + 1] in ",!:\n" or end == len(text) else 0.0
                    final = self._weak(text[start:end], text, start, end, alone=alone)
                elif kind == "weak":  # '..., says Brandt.': a lone surname after a reporting verb
                    said = m.group().startswith(("says", "said")) and text[end:end + 1] in ".,!?"
                    final = self._weak(text[start:end], text, start, end, alone=0.6 if said else 0.0)
                else:
                    final = self.check(text[start:end], text, start, end, _CUE_SCORE[kind])
            if final is not None:
                yield self.result(start, end, final)

    def _scan(self, text: str, lower: str | None = None) -> Iterable[RecognizerResult]:
        # Longest span wins where patterns overlap ('Jean-Pierre Martin' over 'Jean').
        found = [*self._cues(text, lower), *super()._scan(text, lower)]
        if found:
            found.extend(self._listed(text, found))
            found.extend(self._mentions(text, found))
        results = sorted(found, key=lambda r: (r.start, -(r.end - r.start)))
        kept: list[RecognizerResult] = []
        for r in results:
            if kept and r.start < kept[-1].end:
                if r.score > kept[-1].score and r.end <= kept[-1].end:
                    kept[-1].score = r.score
                continue
            kept.append(r)
        return kept

    def _listed(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """Capitalised words listed next to a found name are names too (0.6), unless they are common words."""
        out: list[RecognizerResult] = []
        todo, seen = list(found), {(r.start, r.end) for r in found}
        while todo and len(out) < 20:
            r = todo.pop()
            nxt = _NEXT_IN_LIST.match(text, r.end)
            prv = _PREV_IN_LIST.search(text, max(0, r.start - 40), r.start)
            for m in (nxt, prv):
                if m is None or m.span(1) in seen:
                    continue
                words = self._words(m.group(1))
                if (m.group(1).isupper() and len(m.group(1)) <= 3) or self._place_follows(text, m.end(1)) or \
                        any(w in self._stop or w in _NOT_NAME_WORDS or w in _TITLE_WORDS for w in words):
                    continue
                seen.add(m.span(1))
                new = self.result(m.start(1), m.end(1), 0.6)
                out.append(new)
                todo.append(new)
        return out

    def _lower_name(self, text: str, pos: int) -> re.Match[str] | None:
        """One or two lower-case words after 'my name is', unless they are common words ('my name is not...')."""
        m = _LOWER_NAME.match(text, pos)
        if m is None:
            return None
        words = m.group().split()
        if words[0] in self._stop:
            return None
        if len(words) == 2 and words[1] in self._stop:
            return _LOWER_NAME.match(text, pos, pos + len(words[0]))
        return m

    def _mentions(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """Later mentions of a found name's words ('Dr Anna Berg called. Berg said...')."""
        words = {w for r in found for w in _WORD_SPLIT.split(text[r.start:r.end])
                 if len(w) > 2 and w[0].isupper() and _fold_word(w) not in self._stop}
        taken = [(r.start, r.end) for r in found]
        out: list[RecognizerResult] = []
        for w in words:
            pos = text.find(w)
            while pos >= 0:
                end = pos + len(w)
                if (pos == 0 or not text[pos - 1].isalnum()) and (end == len(text) or not text[end].isalnum()) \
                        and not any(s <= pos < e for s, e in taken):
                    out.append(self.result(pos, end, 0.6))
                    taken.append((pos, end))
                pos = text.find(w, end)
        return out
