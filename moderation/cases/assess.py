"""A PV officer's assessment of a case, every change audited (CaseService._update): seriousness criteria
(lowering them needs a justification), MedDRA codes, reactions, assignee, follow-up attempts, validity and
links to other cases."""

from __future__ import annotations

from datetime import datetime

from moderation.queue.service import Actor
from moderation.roles import require
from pvwatch.case_record import CaseReaction, FollowUpAttempt, LinkKind, SeriousnessCriterion
from pvwatch.errors import PvwatchError
from pvwatch.models import Case, utcnow

MAX_REASON = 2000


class AssessmentMixin:
    # provided by CaseService
    def get(self, actor: Actor, case_id: str) -> Case:
        raise NotImplementedError

    def _update(self, actor: Actor, case_id: str, version: int | None, action: str, **changes: object) -> Case:
        raise NotImplementedError

    def due_for(self, day_zero: datetime, serious: bool) -> datetime:
        raise NotImplementedError

    @property
    def coder(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    # -- seriousness -----------------------------------------------------------------------------
    def set_criteria(self, actor: Actor, case_id: str, version: int | None, criteria: list[str],
                     justification: str = "") -> Case:
        """E.i.3.2 criteria; the deadline follows. Removing any criterion needs a written justification."""
        try:
            new = sorted({SeriousnessCriterion(c) for c in criteria})
        except ValueError:
            raise PvwatchError(f"unknown seriousness criterion in {criteria}; use "
                               f"{[c.value for c in SeriousnessCriterion]}") from None
        case = self.get(actor, case_id)
        removed = set(case.criteria) - set(new)
        justification = justification.strip()[:MAX_REASON]
        if removed and not justification:
            raise PvwatchError("lowering seriousness needs a justification: say why "
                               f"{', '.join(sorted(c.value for c in removed))} no longer applies")
        note = [{"by": actor.username, "at": utcnow().isoformat(), "kind": "seriousness",
                 "text": f"Seriousness lowered (removed {', '.join(sorted(c.value for c in removed))}): "
                         f"{justification}"}] if removed else []
        serious = bool(new)
        due = self.due_for(case.day_zero, serious)
        return self._update(actor, case_id, version, "case.seriousness", criteria=new, serious=serious,
                            due_at=due, notes=[*case.notes, *note])

    def set_serious(self, actor: Actor, case_id: str, version: int | None, serious: bool,
                    justification: str = "") -> Case:
        """Serious / non-serious in one click: non-serious clears every criterion (justification required)."""
        case = self.get(actor, case_id)
        if serious:
            keep = [c.value for c in case.criteria] or [SeriousnessCriterion.other_medically_important.value]
            return self.set_criteria(actor, case_id, version, keep, justification)
        return self.set_criteria(actor, case_id, version, [], justification)

    # -- reactions and MedDRA --------------------------------------------------------------------
    def set_coding(self, actor: Actor, case_id: str, version: int | None, index: int, llt_code: str) -> Case:
        """The PV officer's LLT for reaction `index` ("" removes the code: free text)."""
        case = self.get(actor, case_id)
        if not 0 <= index < len(case.reactions):
            raise PvwatchError(f"case {case_id} has no reaction {index + 1}; reload the case page")
        coding = None
        if llt_code.strip():
            if self.coder is None:
                raise PvwatchError("no MedDRA dictionary is configured; set [meddra] en / fr in config.toml")
            coding = self.coder.lookup(llt_code, case.lang)
            if coding is None:
                raise PvwatchError(f"LLT {llt_code.strip()!r} is not in the configured MedDRA release "
                                   f"({self.coder.version}); check the code")
        reactions = list(case.reactions)
        reactions[index] = reactions[index].model_copy(update={"coding": coding})
        return self._update(actor, case_id, version, "case.coding", reactions=reactions,
                            meddra_version=coding.version if coding else case.meddra_version)

    def add_reaction(self, actor: Actor, case_id: str, version: int | None, reported: str,
                     llt_code: str = "") -> Case:
        """A reaction the extraction missed, read from the post by the PV officer (so it was there at day zero)."""
        reported = " ".join(reported.split())[:250]
        if not reported:
            raise PvwatchError("write the reaction as the post reports it")
        case = self.get(actor, case_id)
        coder = self.coder
        coding = coder.lookup(llt_code, case.lang) if coder and llt_code.strip() else (
            coder.code(reported, "", case.lang) if coder else None)
        if llt_code.strip() and coding is None:
            raise PvwatchError(f"LLT {llt_code.strip()!r} is not in the configured MedDRA release; check the code")
        reactions = [*case.reactions, CaseReaction(reported=reported, lang=case.lang, coding=coding)]
        missing = [m for m in case.missing if m != "adverse reaction"]
        return self._update(actor, case_id, version, "case.add_reaction", reactions=reactions, missing=missing,
                            **self._validity(case, missing, from_post=True))

    def add_product(self, actor: Actor, case_id: str, version: int | None, name: str) -> Case:
        """A suspect product the post names but pvwatch did not recognise (G.k.2.2, characterisation suspect)."""
        name = " ".join(name.split())[:250]
        if not name:
            raise PvwatchError("write the product name as the post gives it")
        case = self.get(actor, case_id)
        missing = [m for m in case.missing if m != "suspect product"]
        return self._update(actor, case_id, version, "case.add_product", products=[*case.products, name],
                            product=case.product or name, missing=missing,
                            **self._validity(case, missing, from_post=True))

    # -- validity and follow-up ------------------------------------------------------------------
    def _validity(self, case: Case, missing: list[str], from_post: bool) -> dict[str, object]:
        """When the last missing criterion arrives the clock starts: at first receipt if it was in the post
        all along, else now (the follow-up brought it)."""
        if case.valid or missing:
            return {"valid": case.valid and not missing}
        day_zero = (case.received_at or case.day_zero) if from_post else utcnow()
        latest = {} if from_post else {"latest_info_at": day_zero}
        return {"valid": True, "day_zero": day_zero, "due_at": self.due_for(day_zero, case.serious), **latest}

    def confirm_minimum(self, actor: Actor, case_id: str, version: int | None, criterion: str,
                        from_post: bool, reason: str) -> Case:
        """The PV officer records that a missing minimum criterion is now known (from the post or follow-up)."""
        case = self.get(actor, case_id)
        if criterion not in case.missing:
            raise PvwatchError(f"{criterion!r} is not missing on case {case_id}; missing: {case.missing}")
        if not reason.strip():
            raise PvwatchError("say where the information comes from (e.g. the author's reply of 3 May)")
        missing = [m for m in case.missing if m != criterion]
        note = {"by": actor.username, "at": utcnow().isoformat(), "text": f"Minimum criterion {criterion}: "
                                                                         f"{reason.strip()[:MAX_REASON]}"}
        return self._update(actor, case_id, version, "case.validity", missing=missing,
                            notes=[*case.notes, note], **self._validity(case, missing, from_post))

    def add_follow_up_attempt(self, actor: Actor, case_id: str, version: int | None, channel: str,
                              text: str) -> Case:
        text = text.strip()[:MAX_REASON]
        if not text:
            raise PvwatchError("describe the follow-up attempt (what was asked, to whom)")
        case = self.get(actor, case_id)
        attempt = FollowUpAttempt(at=utcnow(), by=actor.username, channel=channel.strip()[:60] or "platform",
                                  text=text)
        return self._update(actor, case_id, version, "case.follow_up_attempt",
                            follow_up_attempts=[*case.follow_up_attempts, attempt])

    def assign(self, actor: Actor, case_id: str, version: int | None, assignee: str) -> Case:
        require(actor.role, "manage_cases")
        return self._update(actor, case_id, version, "case.assign", assignee=assignee.strip()[:100] or None)

    def confirm_link(self, actor: Actor, case_id: str, version: int | None, index: int, confirmed: bool) -> Case:
        """Confirm (or reject: the link is removed) a proposed follow-up / duplicate link."""
        case = self.get(actor, case_id)
        if not 0 <= index < len(case.links):
            raise PvwatchError(f"case {case_id} has no link {index + 1}; reload the case page")
        links = list(case.links)
        if confirmed:
            links[index] = links[index].model_copy(update={"confirmed": True, "by": actor.username,
                                                           "at": utcnow()})
        else:
            links.pop(index)
        kind = case.links[index].kind
        action = f"case.link_{'confirm' if confirmed else 'reject'}_{kind.value}"
        return self._update(actor, case_id, version, action, links=links)

    @staticmethod
    def duplicates(case: Case) -> list[str]:
        return [lk.case_id for lk in case.links if lk.kind == LinkKind.duplicate_of and lk.case_id]
