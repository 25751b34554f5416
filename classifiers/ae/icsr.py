"""ICSR minimum criteria (GVP VI.B.2): identifiable reporter, identifiable patient, suspect product, reaction.
Each criterion says why it is met or not, so a reviewer can follow up on what is missing."""

from __future__ import annotations

from pvwatch.models import Criterion

_PATIENT = {
    "self": "the author describes their own experience",
    "child": "the author describes their child",
    "relative": "the author describes a relative",
    "other": "the author describes another identifiable person",
}


def icsr_criteria(subject: str, products: list[str], reactions: list[str], negated_all: bool) -> dict[str, Criterion]:
    personal = subject in _PATIENT
    return {
        "reporter": Criterion(
            met=personal,
            reason=(
                "first-hand account by the post's author, contactable through the platform account"
                if personal
                else "general statement or news: no one reports a case they witnessed"
            ),
        ),
        "patient": Criterion(
            met=personal,
            reason=_PATIENT.get(subject, "no patient is described (general information)"),
        ),
        "suspect_product": Criterion(
            met=bool(products),
            reason=f"product mentioned: {', '.join(products)}" if products else "no medicinal product recognised",
        ),
        "reaction": Criterion(
            met=bool(reactions) and not negated_all,
            reason=(
                "every reaction mentioned is negated"
                if reactions and negated_all
                else f"reaction mentioned: {', '.join(reactions)}" if reactions else "no reaction recognised"
            ),
        ),
    }
