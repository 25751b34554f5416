"""Role-based masking of post text from its personal-data findings: what each `Role` may see.

Who sees what (GDPR data minimisation; GVP VI: an ICSR needs an identifiable patient and reporter):
- pv_officer: initials of names, age, sex-bearing words stay, the reporter's contact (e-mail, phone, handle)
  stays so the PV department can follow up; every other identifier is masked.
- social_moderator, compliance_officer and anyone else: every finding is masked as [TYPE].
- admin: like pv_officer (administrators may need to check what the detector found), never raw identifiers
  of other kinds.
Any role not listed gets the strictest view. Overlapping findings are merged so no fragment leaks between them.
"""

from __future__ import annotations

from collections.abc import Sequence

from moderation.roles import Role
from pvwatch.models import PersonalData

PV_ROLES = frozenset({Role.pv_officer, Role.admin})
# What an ICSR needs, shown in clear to the PV department.
# Dates stay: the onset and event dates are ICSR data elements (E2B(R3) E.i.4, E.i.5).
PV_CLEAR = frozenset({"EMAIL", "PHONE", "AGE", "HANDLE", "DATE", "TITLE"})
PV_INITIALS = frozenset({"PERSON"})

LABELS = {
    "PERSON": "NAME",
    "EMAIL": "EMAIL",
    "PHONE": "PHONE",
    "IBAN": "IBAN",
    "CREDIT_CARD": "CARD",
    "ADDRESS": "ADDRESS",
    "POSTCODE": "POSTCODE",
    "DATE_OF_BIRTH": "DOB",
    "AGE": "AGE",
    "HANDLE": "HANDLE",
    "PROFILE_URL": "URL",
    "IP_ADDRESS": "IP",
}


def mask_label(pd_type: str) -> str:
    return "[" + LABELS.get(pd_type, pd_type.upper()) + "]"


def initials(name: str) -> str:
    """'Dr Jean-Pierre Martin' -> 'J.-P. M.'; titles and kinship words are kept as they are not identifying."""
    out: list[str] = []
    for word in name.split():
        if word.rstrip(".").lower() in _KEEP_WORDS:
            out.append(word)
            continue
        parts = [p for p in word.split("-") if p]
        letters = [p[0].upper() + "." for p in parts if p[0].isalpha()]
        if letters:
            out.append("-".join(letters))
    return " ".join(out) or "[NAME]"


_KEEP_WORDS = frozenset({
    "dr", "docteur", "doctor", "pr", "professeur", "prof", "mr", "mrs", "ms", "miss", "m", "mme", "mlle",
    "monsieur", "madame", "mademoiselle", "ma", "mon", "mes", "my", "fille", "fils", "mère", "père", "mari",
    "femme", "daughter", "son", "mother", "father", "husband", "wife", "sister", "brother", "sœur", "frère",
})


_TITLES = frozenset({"dr", "docteur", "doctor", "pr", "professeur", "prof", "mr", "mrs", "ms", "miss", "m", "mme",
                     "mlle", "monsieur", "madame", "mademoiselle"})


def _merged(findings: Sequence[PersonalData], n: int) -> list[tuple[int, int, str, bool]]:
    """Sorted, non-overlapping (start, end, type, special) spans; the wider/first type wins on overlap."""
    spans = sorted(
        ((max(0, f.start), min(n, f.end), f.type, f.special_category) for f in findings if f.end > f.start),
        key=lambda s: (s[0], -s[1]),
    )
    out: list[tuple[int, int, str, bool]] = []
    for s, e, t, sp in spans:
        if s >= e:
            continue
        if out and s < out[-1][1]:
            ps, pe, pt, psp = out[-1]
            out[-1] = (ps, max(pe, e), pt, psp)
            continue
        out.append((s, e, t, sp))
    return out


def redact_for_role(text: str, findings: Sequence[PersonalData], role: Role) -> str:
    """Return `text` with each personal-data finding replaced according to `role`."""
    pv = role in PV_ROLES
    parts: list[str] = []
    pos = 0
    for start, end, pd_type, special in _merged(findings, len(text)):
        parts.append(text[pos:start])
        value = text[start:end]
        if special:
            # Special categories (health, religion...) are context, not identifiers: the PV department
            # needs the health context in clear; others see it flagged but not the identifying link.
            parts.append(value if pv else "[" + pd_type.upper() + "]")
        elif pv and pd_type in PV_CLEAR:
            parts.append(value)
        elif pv and pd_type in PV_INITIALS:
            parts.append(initials(value))
        elif pd_type == "PERSON" and " " in value and value.split(" ", 1)[0].rstrip(".").lower() in _TITLES:
            # 'Dr Martin' -> 'Dr [NAME]': the title is not identifying, and tells the reader who spoke
            title = value.split(" ", 1)[0]
            parts.append(title + " " + mask_label(pd_type))
        else:
            parts.append(mask_label(pd_type))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
