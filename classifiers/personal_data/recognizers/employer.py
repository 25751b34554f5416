"""Employers and schools after a cue: 'I work for Wolters Kluwer', 'works at Acme', 'employed by', 'je
travaille chez Sanofi', 'bosse chez', 'student at'. An employer with a town and a job narrows a post down to a
handful of people."""

from __future__ import annotations

from classifiers.personal_data.recognizers._base import PvRegexRecognizer, factor_alternatives

_CUES = ("work for", "works for", "worked for", "working for", "work at", "works at", "worked at", "working at",
         "employed by", "employed at", "employee of", "employee at", "intern at", "student at", "studying at",
         "travaille chez", "travaille pour", "travaillais chez", "bosse chez", "employé chez", "employée chez",
         "salarié de", "salariée de", "salarié chez", "salariée chez", "stagiaire chez", "étudiant à",
         "étudiante à")
_CAPWORD = r"[A-ZÀ-ÖØ-Þ][\w&'’\-]*(?:\.(?=\w))?"
_NAME = rf"({_CAPWORD}(?:(?:,? (?:and|&|et|de|du|des))? {_CAPWORD}){{0,4}})"


class PvEmployerRecognizer(PvRegexRecognizer):
    ENTITY = "ORGANIZATION"
    FLAGS = 0
    GROUP = 1
    PATTERNS = ((rf"(?<![\w])(?i:{factor_alternatives(_CUES)}) (?:the |la |le |l')?{_NAME}", 0.6),)

