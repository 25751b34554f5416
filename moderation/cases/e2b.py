"""ICH E2B(R3) ICSR export: an HL7 v3 MCCI_IN200100UV01 batch holding one PORR_IN049016UV message.

Built from the case (the PV record), never from the moderated post: redaction or hiding of the post does not
change what is exported. Element placement follows the ICH E2B(R3) Implementation Guide, Appendix I, and FDA's
published example instances. Every export is checked before it is returned (`e2b_rules.check`): the official ICH
schema set vendored in `ich_schemas/`, then the ICH/EMA business rules that XSD cannot express.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from lxml import etree

from pvwatch.case_record import SeriousnessCriterion
from pvwatch.errors import PvwatchError
from pvwatch.models import Case, Item, utcnow

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: HL7, "xsi": XSI}

OID_LIST = "2.16.840.1.113883.3.989.2.1.1"  # ICH code lists: OID_LIST.N
OID_OBS = OID_LIST + ".19"
OID_REPORT_ID = "2.16.840.1.113883.3.989.2.1.3.1"  # C.1.1 / N.2.r.1
OID_WORLDWIDE_ID = "2.16.840.1.113883.3.989.2.1.3.2"  # C.1.8.1
OID_BATCH_ID = "2.16.840.1.113883.3.989.2.1.3.22"
OID_MSG_SENDER = "2.16.840.1.113883.3.989.2.1.3.11"
OID_MSG_RECEIVER = "2.16.840.1.113883.3.989.2.1.3.12"
OID_SENDER = "2.16.840.1.113883.3.989.2.1.3.13"
OID_RECEIVER = "2.16.840.1.113883.3.989.2.1.3.14"
OID_INTERACTION = "2.16.840.1.113883.1.6"
OID_MEDDRA = "2.16.840.1.113883.6.163"
OID_COUNTRY = "1.0.3166.1.2.2"
OID_SEX = "1.0.5218"
# E.i.3.2a-f seriousness criteria -> observation codes (code list 19), in the order of the guide
SERIOUSNESS_CODES = {SeriousnessCriterion.death: "34", SeriousnessCriterion.life_threatening: "21",
                     SeriousnessCriterion.hospitalisation: "33", SeriousnessCriterion.disability: "35",
                     SeriousnessCriterion.congenital_anomaly: "12",
                     SeriousnessCriterion.other_medically_important: "26"}
MAX_NARRATIVE = 100_000  # H.1 is 100,000 characters at most
# XML 1.0 forbids NUL and the C0 controls other than tab, LF and CR (and lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot carry become U+FFFD: a post with \\x01 or \\x1b still exports (issue 14)."""
    return _NOT_XML.sub("\ufffd", text)


def ts(dt: datetime) -> str:
    return dt.strftime("%Y%m%d%H%M%S") + "+0000"


def _e(parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.Element(f"{{{HL7}}}{tag}", nsmap=NSMAP) if parent is None else etree.SubElement(parent,
                                                                                            f"{{{HL7}}}{tag}")
    for k, v in attrs.items():
        el.set(k.rstrip("_"), xml_safe(v))
    if text is not None:
        el.text = xml_safe(text)
    return el


def _typed(parent: etree._Element, tag: str, xsi_type: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = _e(parent, tag, text, **attrs)
    el.set(f"{{{XSI}}}type", xsi_type)
    return el


def _device(parent: etree._Element, role: str, root: str, ext: str) -> None:
    wrap = _e(parent, role, typeCode="RCV" if role == "receiver" else "SND")
    _e(_e(wrap, "device", classCode="DEV", determinerCode="INSTANCE"), "id", root=root, extension=ext)


def report_id(case: Case, sender: str) -> str:
    """C.1.1 / C.1.8.1: country of the primary source - sender - local number (ICH IG C.1.1)."""
    return f"{case.reporter.country or 'FR'}-{sender}-{case.id}"


def narrative(case: Case, item: Item | None) -> str:
    """H.1 as the PV officer sees the case: where it came from, the post as assessed, and the follow-up."""
    where = f"{item.post.platform} post {item.post.key}" if item else f"post {case.item_key}"
    url = f" at {item.post.url}" if item and item.post.url else ""
    posted = item.post.created_at.isoformat() if item and item.post.created_at else "unknown"
    lines = [f"Report identified on social media ({where}{url}) by pvwatch; case {case.id}.",
             f"Posted: {posted}; first received: {(case.received_at or case.day_zero).isoformat()}.",
             f"Suspect product(s): {', '.join(case.products) or case.product or 'none recognised'}.",
             "Reactions: " + ("; ".join(r.reported for r in case.reactions) or "not stated") + ".",
             f"Seriousness: {', '.join(c.value for c in case.criteria) or 'non-serious'}.",
             "Post text as assessed by the PV department:", case.source_text]
    for a in case.follow_up_attempts:
        lines.append(f"Follow-up attempt {a.at.isoformat()} by {a.by} ({a.channel}): {a.text}")
    for n in case.notes:
        lines.append(f"Follow-up {n.get('at', '')} by {n.get('by', '')}: {n.get('text', '')}")
    return "\n".join(lines)[:MAX_NARRATIVE]


def _patient(aea: etree._Element, case: Case) -> etree._Element:
    role = _e(_e(aea, "subject1", typeCode="SBJ"), "primaryRole", classCode="INVSBJ")
    player = _e(role, "player1", classCode="PSN", determinerCode="INSTANCE")
    if case.patient.initials:
        _e(player, "name", case.patient.initials[:60])  # D.1
    else:
        _e(player, "name", nullFlavor="UNK")  # an identifiable patient exists; the post does not name them
    if case.patient.sex is not None:
        _e(player, "administrativeGenderCode", code=case.patient.sex.value, codeSystem=OID_SEX)  # D.5
    if case.patient.age is not None:  # D.2.2a/b age at onset
        obs = _e(_e(role, "subjectOf2", typeCode="SBJ"), "observation", classCode="OBS", moodCode="EVN")
        _e(obs, "code", code="3", codeSystem=OID_OBS, displayName="age")
        _typed(obs, "value", "PQ", value=str(case.patient.age), unit=case.patient.age_unit)
    return role


def _reactions(role: etree._Element, case: Case) -> None:
    died = SeriousnessCriterion.death in case.criteria
    reactions = case.reactions or []
    for r in reactions:  # E.i
        obs = _e(_e(role, "subjectOf2", typeCode="SBJ"), "observation", classCode="OBS", moodCode="EVN")
        _e(obs, "id", root=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{case.id}/{r.normalized or r.reported}")))
        _e(obs, "code", code="29", codeSystem=OID_OBS, displayName="reaction")
        if r.onset is not None:  # E.i.4
            fmt = "%Y%m" if r.onset_precision == "month" else "%Y%m%d"
            _e(_typed(obs, "effectiveTime", "IVL_TS"), "low", value=r.onset.strftime(fmt))
        if r.coding is not None:  # E.i.2.1a version, E.i.2.1b LLT code
            value = _typed(obs, "value", "CE", code=r.coding.llt_code, codeSystem=OID_MEDDRA,
                           codeSystemVersion=r.coding.version)
        else:
            value = _typed(obs, "value", "CE")  # free text only: no MedDRA configured or no match
        _e(value, "originalText", r.reported, language=r.lang)  # E.i.1.1a/b
        if r.normalized and r.normalized.lower() != r.reported.lower():
            rel = _e(_e(obs, "outboundRelationship2", typeCode="PERT"), "observation", classCode="OBS",
                     moodCode="EVN")
            _e(rel, "code", code="30", codeSystem=OID_OBS, displayName="reactionForTranslation")  # E.i.1.2
            _typed(rel, "value", "ED", r.normalized)
        for crit, code in SERIOUSNESS_CODES.items():  # E.i.3.2: true, or nullFlavor NI (ICH IG)
            rel = _e(_e(obs, "outboundRelationship2", typeCode="PERT"), "observation", classCode="OBS",
                     moodCode="EVN")
            _e(rel, "code", code=code, codeSystem=OID_OBS)
            if crit in case.criteria:
                _typed(rel, "value", "BL", value="true")
            else:
                _typed(rel, "value", "BL", nullFlavor="NI")
        rel = _e(_e(obs, "outboundRelationship2", typeCode="PERT"), "observation", classCode="OBS", moodCode="EVN")
        _e(rel, "code", code="27", codeSystem=OID_OBS, displayName="outcome")  # E.i.7: 5 fatal, 0 unknown
        _typed(rel, "value", "CE", code="5" if died else "0", codeSystem=OID_LIST + ".11")


def _drugs(role: etree._Element, aea: etree._Element, case: Case) -> None:
    org = _e(_e(role, "subjectOf2", typeCode="SBJ"), "organizer", classCode="CATEGORY", moodCode="EVN")
    _e(org, "code", code="4", codeSystem=OID_LIST + ".20", displayName="drugInformation")
    drug_ids: list[str] = []
    for name in (case.products or ([case.product] if case.product else [])):  # G.k (none: rule G.k.1 refuses)
        sa = _e(_e(org, "component", typeCode="COMP"), "substanceAdministration", classCode="SBADM", moodCode="EVN")
        drug_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{case.id}/drug/{name}"))
        drug_ids.append(drug_id)
        _e(sa, "id", root=drug_id)
        kind = _e(_e(_e(sa, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
                  "kindOfProduct", classCode="MMAT", determinerCode="KIND")
        _e(kind, "name", name[:250])  # G.k.2.2
    for drug_id in drug_ids:  # G.k.1: every recognised product is suspect (1)
        ca = _e(_e(aea, "component", typeCode="COMP"), "causalityAssessment", classCode="OBS", moodCode="EVN")
        _e(ca, "code", code="20", codeSystem=OID_OBS)
        _typed(ca, "value", "CE", code="1", codeSystem=OID_LIST + ".21")
        ref = _e(_e(ca, "subject2", typeCode="SUBJ"), "productUseReference", classCode="SBADM", moodCode="EVN")
        _e(ref, "id", root=drug_id)


def _observation_event(ie: etree._Element, code: str, value: bool) -> None:
    ev = _e(_e(ie, "component", typeCode="COMP"), "observationEvent", classCode="OBS", moodCode="EVN")
    _e(ev, "code", code=code, codeSystem=OID_OBS)
    _typed(ev, "value", "BL", value="true" if value else "false")


def _primary_source(ie: etree._Element, case: Case) -> None:
    rel = _e(ie, "outboundRelationship", typeCode="SPRT")
    _e(rel, "priorityNumber", value="1")  # C.2.r.5: the primary source for regulatory purposes
    ri = _e(rel, "relatedInvestigation", classCode="INVSTG", moodCode="EVN")
    _e(ri, "code", code="2", codeSystem=OID_LIST + ".22", displayName="sourceReport")
    cae = _e(_e(ri, "subjectOf2", typeCode="SUBJ"), "controlActEvent", classCode="CACT", moodCode="EVN")
    ae = _e(_e(cae, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
    person = _e(ae, "assignedPerson", classCode="PSN", determinerCode="INSTANCE")
    _e(person, "name", nullFlavor="MSK")  # C.2.r.1: the (pseudonymised) author, contactable via the platform
    qual = _e(person, "asQualifiedEntity", classCode="QUAL")
    _e(qual, "code", code=case.reporter.qualification.value, codeSystem=OID_LIST + ".6")  # C.2.r.4
    if case.reporter.country:  # C.2.r.3
        loc = _e(_e(person, "asLocatedEntity", classCode="LOCE"), "location", classCode="COUNTRY",
                 determinerCode="INSTANCE")
        _e(loc, "code", code=case.reporter.country, codeSystem=OID_COUNTRY)


def _sender(ie: etree._Element, sender: str) -> None:
    cae = _e(_e(ie, "subjectOf1", typeCode="SUBJ"), "controlActEvent", classCode="CACT", moodCode="EVN")
    ae = _e(_e(cae, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
    _e(ae, "code", code="1", codeSystem=OID_LIST + ".7")  # C.3.1: 1 = pharmaceutical company
    org = _e(ae, "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
    inner = _e(_e(org, "assignedEntity", classCode="ASSIGNED"), "representedOrganization", classCode="ORG",
               determinerCode="INSTANCE")
    _e(inner, "name", sender[:60])  # C.3.2 sender's organisation


def build_e2b(case: Case, item: Item | None, sender: str = "PVWATCH", receiver: str = "EVHUMAN",
              now: datetime | None = None) -> bytes:
    """One case as an E2B(R3) batch. Raises PvwatchError naming the first schema or business-rule error."""
    from moderation.cases.e2b_rules import check

    now = now or utcnow()
    rid = report_id(case, sender)
    batch = _e(None, "MCCI_IN200100UV01", ITSVersion="XML_1.0")
    _e(batch, "id", root=OID_BATCH_ID, extension=f"{case.id}-B{now:%Y%m%d%H%M%S}")  # N.1.2
    _e(batch, "creationTime", value=ts(now))  # N.1.5
    _e(batch, "responseModeCode", code="D")
    _e(batch, "interactionId", root=OID_INTERACTION, extension="MCCI_IN200100UV01")
    _e(batch, "name", code="1", codeSystem=OID_LIST + ".1")  # N.1.1 ichicsr
    msg = _e(batch, "PORR_IN049016UV")
    _e(msg, "id", root=OID_REPORT_ID, extension=rid)  # N.2.r.1
    _e(msg, "creationTime", value=ts(now))  # N.2.r.4
    _e(msg, "interactionId", root=OID_INTERACTION, extension="PORR_IN049016UV")
    _e(msg, "processingCode", code="P")
    _e(msg, "processingModeCode", code="T")
    _e(msg, "acceptAckCode", code="AL")
    _device(msg, "receiver", OID_MSG_RECEIVER, receiver)  # N.2.r.3
    _device(msg, "sender", OID_MSG_SENDER, sender)  # N.2.r.2
    cap = _e(msg, "controlActProcess", classCode="CACT", moodCode="EVN")
    _e(cap, "code", code="PORR_TE049016UV", codeSystem="2.16.840.1.113883.1.18")
    _e(cap, "effectiveTime", value=ts(now))  # C.1.2 date of creation
    ie = _e(_e(cap, "subject", typeCode="SUBJ"), "investigationEvent", classCode="INVSTG", moodCode="EVN")
    _e(ie, "id", root=OID_REPORT_ID, extension=rid)  # C.1.1
    _e(ie, "id", root=OID_WORLDWIDE_ID, extension=rid)  # C.1.8.1 (first transmission: same as C.1.1)
    _e(ie, "code", code="PAT_ADV_EVNT", codeSystem="2.16.840.1.113883.5.4")
    _e(ie, "text", narrative(case, item))  # H.1
    _e(ie, "statusCode", code="active")
    _e(_e(ie, "effectiveTime"), "low", value=ts(case.received_at or case.day_zero))  # C.1.4 first received
    latest = max(d for d in (case.day_zero, case.latest_info_at, case.received_at) if d is not None)
    _e(ie, "availabilityTime", value=ts(min(latest, now)))  # C.1.5 date of most recent information

    aea = _e(_e(ie, "component", typeCode="COMP"), "adverseEventAssessment", classCode="INVSTG", moodCode="EVN")
    role = _patient(aea, case)
    _reactions(role, case)
    _drugs(role, aea, case)
    _observation_event(ie, "1", False)  # C.1.6.1 additional documents available
    _observation_event(ie, "23", case.serious)  # C.1.7 fulfils local criteria for an expedited report
    _primary_source(ie, case)
    _sender(ie, sender)
    char = _e(_e(ie, "subjectOf2", typeCode="SUBJ"), "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    _e(char, "code", code="1", codeSystem=OID_LIST + ".23")
    _typed(char, "value", "CE", code="1", codeSystem=OID_LIST + ".2")  # C.1.3: 1 = spontaneous report
    _device(batch, "receiver", OID_RECEIVER, receiver)  # N.1.4: after the messages (MCCI_MT200100UV.Batch)
    _device(batch, "sender", OID_SENDER, sender)  # N.1.3

    data = etree.tostring(batch, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = [f for f in check(data) if f.blocking]
    if errors:
        fix = ("report this to the pvwatch maintainers with the case id" if errors[0].rule == "ICH schema"
               else "complete the case on its page, then export again")
        raise PvwatchError(f"case {case.id} cannot be exported as E2B(R3) yet: {errors[0]}; {fix}")
    return data
