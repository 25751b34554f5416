"""The post as the PV department assesses and exports it: personal data masked by the PV policy
(moderation.masking: health context, initials, age and the reporter's contact in clear), and every
identifier the PV department does not need written as plain words instead of a UI mask token ("[NIR]").

A mask token is UI vocabulary: in an ICSR a safety database would take "[HEALTH]" for reported text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from moderation.render import plain_masked
from moderation.roles import Role
from pvwatch.models import PersonalData

PV_ROLE = Role.pv_officer
WITHHELD = "(identifier withheld)"
MASK_TOKEN = re.compile(r"\[[A-Z][A-Z_]{1,30}\]")  # what redact_for_role writes: [NAME], [NIR], [HEALTH]...


def pv_text(text: str, findings: Sequence[PersonalData]) -> str:
    return MASK_TOKEN.sub(WITHHELD, plain_masked(text, findings, PV_ROLE))


def has_mask_token(text: str) -> bool:
    return MASK_TOKEN.search(text) is not None
