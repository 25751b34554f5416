"""ICH E2B(R3) ICSR export (HL7 v3 MCCI_IN200100UV01 batch with one PORR_IN049016UV message).

Element placement follows the ICH E2B(R3) Implementation Guide, Appendix I. The official ICH XSD set is not
distributed through PyPI or npm, so exports are validated against `e2b_minimal.xsd` beside this file: the
mandatory elements (batch/message headers, C.1 identification, the four ICSR minimum criteria C.2.r reporter,
D patient, E.i reaction, G.k suspect drug, and H.1 narrative) in the order the ICH schema requires them.
Regulators' gateways must still run the full ICH schema and business rules before submission.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from lxml import etree

from moderation.render import plain_masked
from moderation.roles import Role
from pvwatch.errors import PvwatchError
from pvwatch.models import Case, Item, utcnow

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: HL7, "xsi": XSI}
XSD_PATH = Path(__file__).with_name("e2b_minimal.xsd")

OID_LIST = "2.16.840.1.113883.3.989.2.1.1"  # ICH code lists: OID_LIST.N
OID_OBS = OID_LIST + ".19"
OID_REPORT_ID = "2.16.840.1.113883.3.989.2.1.3.1"  # C.1.1 / N.2.r.1
OID_WORLDWIDE_ID = "2.16.840.1.113883.3.989.2.1.3.2"  # C.1.8.1
OID_BATCH_ID = "2.16.840.1.113883.3.989.2.1.3.22"
OID_SENDER = "2.16.840.1.113883.3.989.2.1.3.13"
OID_RECEIVER = "2.16.840.1.113883.3.989.2.1.3.14"
OID_INTERACTION = "2.16.840.1.113883.1.6"
# E.i.3.2a-f seriousness criteria -> observation codes (code list 19)
SERIOUSNESS_CODES = {"death": "34", "life_threatening": "21", "hospitalisation": "33", "disability": "35",
                     "congenital_anomaly": "12", "other_medically_important": "26"}
MAX_NARRATIVE = 100_000  # H.1 is 100,000 characters at most
PV_ROLE = Role.pv_officer  # the narrative is what the PV department may see


def ts(dt: datetime) -> str:
    return dt.strftime("%Y%m%d%H%M%S") + "+0000"


def _e(parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.Element(f"{{{HL7}}}{tag}", nsmap=NSMAP) if parent is None else etree.SubElement(parent,
                                                                                            f"{{{HL7}}}{tag}")
    for k, v in attrs.items():
        el.set(k.rstrip("_"), v)
    if text is not None:
        el.text = text
    return el


def _typed(parent: etree._Element, tag: str, xsi_type: str, **attrs: str) -> etree._Element:
    el = _e(parent, tag, **attrs)
    el.set(f"{{{XSI}}}type", xsi_type)
    return el


def _device(parent: etree._Element, role: str, root: str, ext: str) -> None:
    wrap = _e(parent, role, typeCode="RCV" if role == "receiver" else "SND")
    dev = _e(wrap, "device", classCode="DEV", determinerCode="INSTANCE")
    _e(dev, "id", root=root, extension=ext)


def narrative(case: Case, item: Item) -> str:
    post = item.post
    text = plain_masked(post.text, item.analysis.personal_data, PV_ROLE)
    lines = [
        f"Report identified on social media ({post.platform}) by pvwatch; case {case.id}.",
        f"Post {post.key}" + (f" at {post.url}" if post.url else "") + ".",
        f"Posted: {post.created_at.isoformat() if post.created_at else 'unknown'}; "
        f"collected: {post.collected_at.isoformat()}.",
        f"Products: {', '.join(item.analysis.products) or 'none recognised'}; "
        f"seriousness hints: {', '.join(item.analysis.seriousness) or 'none'}.",
        "Post text (personal data masked):",
        text,
    ]
    for n in case.notes:
        lines.append(f"Follow-up {n.get('at', '')} by {n.get('by', '')}: {n.get('text', '')}")
    return "\n".join(lines)[:MAX_NARRATIVE]


def reactions_of(item: Item) -> list[tuple[str, str]]:
    """(reaction as reported, normalised term) of every affirmed reaction span; at least one entry."""
    out: dict[str, tuple[str, str]] = {}
    for s in item.analysis.adverse_event.evidence:
        if s.label == "reaction":
            out.setdefault((s.normalized or s.text).lower(), (s.text[:250], (s.normalized or s.text)[:250]))
    return list(out.values()) or [("adverse event reported in post (see narrative)", "")]


def build_e2b(case: Case, item: Item, sender: str = "PVWATCH", receiver: str = "EVHUMAN",
              now: datetime | None = None) -> bytes:
    """One case as an E2B(R3) batch. Raises PvwatchError if the minimal schema rejects it."""
    now = now or utcnow()
    lang = item.analysis.lang or item.post.lang or "en"
    batch = _e(None, "MCCI_IN200100UV01", ITSVersion="XML_1.0")
    batch.set(f"{{{XSI}}}schemaLocation", "urn:hl7-org:v3 MCCI_IN200100UV01.xsd")
    _e(batch, "id", root=OID_BATCH_ID, extension=f"{case.id}-B")  # N.1.2
    _e(batch, "creationTime", value=ts(now))  # N.1.5
    _e(batch, "responseModeCode", code="D")
    _e(batch, "interactionId", root=OID_INTERACTION, extension="MCCI_IN200100UV01")
    _e(batch, "name", code="1", codeSystem=OID_LIST + ".1")  # N.1.1 ichicsr
    _device(batch, "receiver", OID_RECEIVER, receiver)  # N.1.4
    _device(batch, "sender", OID_SENDER, sender)  # N.1.3
    msg = _e(batch, "PORR_IN049016UV")
    _e(msg, "id", root=OID_REPORT_ID, extension=f"{case.id}-M")  # N.2.r.1
    _e(msg, "creationTime", value=ts(now))  # N.2.r.4
    _e(msg, "interactionId", root=OID_INTERACTION, extension="PORR_IN049016UV")
    _e(msg, "processingCode", code="P")
    _e(msg, "processingModeCode", code="T")
    _e(msg, "acceptAckCode", code="AL")
    _device(msg, "receiver", OID_RECEIVER, receiver)  # N.2.r.3
    _device(msg, "sender", OID_SENDER, sender)  # N.2.r.2
    cap = _e(msg, "controlActProcess", classCode="CACT", moodCode="EVN")
    _e(cap, "code", code="PORR_TE049016UV", codeSystem="2.16.840.1.113883.1.18")
    _e(cap, "effectiveTime", value=ts(now))  # C.1.2 date of creation
    ie = _e(_e(cap, "subject", typeCode="SUBJ"), "investigationEvent", classCode="INVSTG", moodCode="EVN")
    _e(ie, "id", root=OID_REPORT_ID, extension=case.id)  # C.1.1
    _e(ie, "id", root=OID_WORLDWIDE_ID, extension=f"{sender}-{case.id}")  # C.1.8.1
    _e(ie, "code", code="PAT_ADV_EVNT", codeSystem="2.16.840.1.113883.5.4")
    _e(ie, "text", narrative(case, item))  # H.1
    _e(ie, "statusCode", code="active")
    _e(_e(ie, "effectiveTime"), "low", value=ts(case.day_zero))  # C.1.4 first received (day zero)
    _e(ie, "availabilityTime", value=ts(now))  # C.1.5 most recent information

    aea = _e(_e(ie, "component", typeCode="COMP"), "adverseEventAssessment", classCode="INVSTG", moodCode="EVN")
    role = _e(_e(aea, "subject1", typeCode="SBJ"), "primaryRole", classCode="INVSBJ")
    player = _e(role, "player1", classCode="PSN", determinerCode="INSTANCE")
    _e(player, "name", nullFlavor="MSK")  # D.1: an identifiable patient exists, identity masked
    for reported, term in reactions_of(item):  # E.i
        obs = _e(_e(role, "subjectOf2", typeCode="SBJ"), "observation", classCode="OBS", moodCode="EVN")
        _e(obs, "id", root=str(uuid.uuid4()))
        _e(obs, "code", code="29", codeSystem=OID_OBS)
        value = _typed(obs, "value", "CE")
        _e(value, "originalText", reported, language=lang)  # E.i.1.1a/b
        for name in ("hospitalisation", "death", "life_threatening", "disability", "congenital_anomaly"):
            rel = _e(obs, "outboundRelationship2", typeCode="PERT")
            crit = _e(rel, "observation", classCode="OBS", moodCode="EVN")
            _e(crit, "code", code=SERIOUSNESS_CODES[name], codeSystem=OID_OBS)
            _typed(crit, "value", "BL", value="true" if name in item.analysis.seriousness else "false")
        if term:
            rel = _e(obs, "outboundRelationship2", typeCode="PERT")
            trans = _e(rel, "observation", classCode="OBS", moodCode="EVN")
            _e(trans, "code", code="30", codeSystem=OID_OBS)  # E.i.1.2 reaction as translated
            _typed(trans, "value", "ST").text = term
    org = _e(_e(role, "subjectOf2", typeCode="SBJ"), "organizer", classCode="CATEGORY", moodCode="EVN")
    _e(org, "code", code="4", codeSystem=OID_LIST + ".20")
    drug_ids: list[str] = []
    for name in (item.analysis.products or [case.product or "unknown product"]):  # G.k
        sa = _e(_e(org, "component", typeCode="COMP"), "substanceAdministration", classCode="SBADM", moodCode="EVN")
        drug_id = str(uuid.uuid4())
        drug_ids.append(drug_id)
        _e(sa, "id", root=drug_id)
        kind = _e(_e(_e(sa, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
                  "kindOfProduct", classCode="MMAT", determinerCode="KIND")
        _e(kind, "name", name[:250])  # G.k.2.2
    for drug_id in drug_ids:  # G.k.1: every recognised product is suspect
        ca = _e(_e(aea, "component", typeCode="COMP"), "causalityAssessment", classCode="OBS", moodCode="EVN")
        _e(ca, "code", code="20", codeSystem=OID_OBS)
        _typed(ca, "value", "CE", code="1", codeSystem=OID_LIST + ".21")
        ref = _e(_e(ca, "subject2", typeCode="SUBJ"), "productUseReference", classCode="SBADM", moodCode="EVN")
        _e(ref, "id", root=drug_id)

    rel = _e(ie, "outboundRelationship", typeCode="SPRT")
    ri = _e(rel, "relatedInvestigation", classCode="INVSTG", moodCode="EVN")
    _e(ri, "code", code="2", codeSystem=OID_LIST + ".22")
    cae = _e(_e(ri, "subjectOf2", typeCode="SUBJ"), "controlActEvent", classCode="CACT", moodCode="EVN")
    ae = _e(_e(cae, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
    person = _e(ae, "assignedPerson", classCode="PSN", determinerCode="INSTANCE")
    _e(person, "name", nullFlavor="MSK")  # C.2.r.1: reporter is the (pseudonymised) author
    qual = _e(person, "asQualifiedEntity", classCode="QUAL")
    _e(qual, "code", code="5", codeSystem=OID_LIST + ".6")  # C.2.r.4: 5 = consumer or other non-HCP

    char = _e(_e(ie, "subjectOf2", typeCode="SUBJ"), "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    _e(char, "code", code="1", codeSystem=OID_LIST + ".23")
    _typed(char, "value", "CE", code="1", codeSystem=OID_LIST + ".2")  # C.1.3: 1 = spontaneous (unsolicited)
    char = _e(_e(ie, "subjectOf2", typeCode="SUBJ"), "investigationCharacteristic", classCode="OBS", moodCode="EVN")
    _e(char, "code", code="2", codeSystem=OID_LIST + ".23")
    _typed(char, "value", "BL", value="true" if case.serious else "false")  # C.1.7 expedited

    data = etree.tostring(batch, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = validate(data)
    if errors:
        raise PvwatchError(f"E2B export of case {case.id} failed schema validation: {errors[0]}")
    return data


_schema: etree.XMLSchema | None = None
_NS = {"h": HL7}
# What XSD 1.0 cannot say about the repeated subjectOf2 elements: the ICSR minimum criteria.
MINIMUM_RULES = {
    "E.i: at least one reaction": "//h:primaryRole/h:subjectOf2/h:observation[h:code/@code='29']",
    "G.k: at least one suspect product": "//h:primaryRole/h:subjectOf2/h:organizer[h:code/@code='4']"
                                         "/h:component/h:substanceAdministration",
}


def validate(data: bytes) -> list[str]:
    """Errors of `data` against the minimal schema ([] when valid). The parser never loads DTDs or the network."""
    global _schema
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(XSD_PATH), parser))
    try:
        doc = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed: {exc}"]
    if not _schema.validate(doc):
        return [f"line {e.line}: {e.message}" for e in _schema.error_log]
    return [f"missing {rule}" for rule, xpath in MINIMUM_RULES.items() if not doc.xpath(xpath, namespaces=_NS)]
