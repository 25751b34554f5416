"""Checks of an E2B(R3) export: the official ICH schema set, then the business rules XSD 1.0 cannot express.

Schema: the ICH E2B(R3) ICSR schema files vendored unchanged in `ich_schemas/` (see PROVENANCE.md there),
root `multicacheschemas/MCCI_IN200100UV01.xsd`. The parser never loads DTDs, entities or the network.

Business rules, each citing where it is written (ICH = ICH E2B(R3) Implementation Guide, data element
sections; EU = EMA "EU Individual Case Safety Report (ICSR) Implementation Guide", EMA/51938/2013, business
rules for EudraVigilance; GVP = GVP Module VI). `blocking` rules stop the export; the others are shown on the
case page for the PV officer to resolve before submission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from moderation.cases.pv_view import MASK_TOKEN

SCHEMA_ROOT = Path(__file__).with_name("ich_schemas")
BATCH_XSD = SCHEMA_ROOT / "multicacheschemas" / "MCCI_IN200100UV01.xsd"
NS = {"h": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
OBS = "2.16.840.1.113883.3.989.2.1.1.19"
_ICSR = "//h:controlActProcess/h:subject/h:investigationEvent"
_REACTION = f"{_ICSR}//h:primaryRole/h:subjectOf2/h:observation[h:code/@code='29'][h:code/@codeSystem='{OBS}']"
_SERIOUSNESS = ("34", "21", "33", "35", "12", "26")
_REPORT_ID = re.compile(r"^[A-Z]{2}-[^-\s]+-\S+$")


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@lru_cache(maxsize=1)
def official_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(BATCH_XSD), _parser()))


def schema_errors(data: bytes) -> list[str]:
    try:
        doc = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = official_schema()
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _x(doc: etree._Element, path: str) -> list[etree._Element]:
    return list(doc.xpath(path, namespaces=NS))


def business_rules(doc: etree._Element) -> list[Finding]:
    out: list[Finding] = []
    reactions = _x(doc, _REACTION)
    if not reactions:
        out.append(Finding("ICH E.i / GVP VI.B.2", "no reaction (E.i): the case is not valid; add the reaction "
                                                   "the post describes on the case page"))
    for i, r in enumerate(reactions, 1):
        ot = _x(r, "h:value/h:originalText")
        if not ot or not (ot[0].text or "").strip() or not ot[0].get("language"):
            out.append(Finding("ICH E.i.1.1a/b", f"reaction {i} has no reported term with its language"))
        value = _x(r, "h:value")
        if value and value[0].get("code") and not value[0].get("codeSystemVersion"):
            out.append(Finding("ICH E.i.2.1a", f"reaction {i} has a MedDRA code without the MedDRA version"))
        if value and not value[0].get("code"):
            out.append(Finding("EU ICSR IG E.i.2.1b", f"reaction {i} is free text only: EudraVigilance needs a "
                                                      "MedDRA LLT code; code it on the case page", blocking=False))
        for code in _SERIOUSNESS:
            vals = _x(r, f"h:outboundRelationship2/h:observation[h:code/@code='{code}']/h:value")
            if not vals or not (vals[0].get("value") == "true" or vals[0].get("nullFlavor") == "NI"):
                out.append(Finding("ICH E.i.3.2", f"reaction {i}: seriousness criterion {code} must be true or "
                                                  "nullFlavor NI"))
        if not _x(r, "h:outboundRelationship2/h:observation[h:code/@code='27']/h:value[@code]"):
            out.append(Finding("ICH E.i.7", f"reaction {i} has no outcome"))
    roles = _x(doc, f"{_ICSR}//h:causalityAssessment[h:code/@code='20']/h:value[@code='1' or @code='3']")
    if not roles:
        out.append(Finding("ICH G.k.1 / GVP VI.B.2", "no suspect or interacting product: the case is not valid; "
                                                     "add the product the post names on the case page"))
    sources = _x(doc, f"{_ICSR}/h:outboundRelationship[h:relatedInvestigation/h:code/@code='2']")
    regulatory = [s for s in sources if _x(s, "h:priorityNumber[@value='1']")]
    if len(regulatory) != 1:
        out.append(Finding("ICH C.2.r.5", "exactly one primary source must be the one for regulatory purposes"))
    for s in regulatory:
        if not _x(s, ".//h:asQualifiedEntity/h:code[@code]"):
            out.append(Finding("ICH C.2.r.4", "the primary source has no qualification"))
        if not _x(s, ".//h:asLocatedEntity/h:location/h:code[@code]"):
            out.append(Finding("EU ICSR IG C.2.r.3", "the primary source for regulatory purposes has no country"))
    for path, name in ((f"{_ICSR}/h:id[@root='2.16.840.1.113883.3.989.2.1.3.1']", "C.1.1"),
                       (f"{_ICSR}/h:id[@root='2.16.840.1.113883.3.989.2.1.3.2']", "C.1.8.1")):
        ids = _x(doc, path)
        if not ids or not _REPORT_ID.match(ids[0].get("extension", "")):
            out.append(Finding(f"EU ICSR IG {name}", "the identifier must read COUNTRY-SENDER-NUMBER "
                                                     "(e.g. FR-ACME-PV-2026-000001)"))
    received = _x(doc, f"{_ICSR}/h:effectiveTime/h:low/@value")
    latest = _x(doc, f"{_ICSR}/h:availabilityTime/@value")
    created = _x(doc, "//h:controlActProcess/h:effectiveTime/@value")
    if received and latest and created and not (str(received[0])[:14] <= str(latest[0])[:14] <= str(created[0])[:14]):
        out.append(Finding("ICH C.1.4/C.1.5/C.1.2", "dates out of order: first received <= most recent <= created"))
    text = "".join(_x(doc, f"{_ICSR}/h:text/text()"))  # type: ignore[arg-type]
    if len(text) > 100_000:
        out.append(Finding("ICH H.1", "the narrative is longer than 100,000 characters"))
    all_text = " ".join(t for t in doc.itertext())
    if MASK_TOKEN.search(all_text):
        out.append(Finding("pvwatch", "a UI mask token such as [HEALTH] reached the export"))
    return out


def check(data: bytes) -> list[Finding]:
    """Schema errors (blocking), then business rules. [] = valid and nothing to resolve."""
    errors = schema_errors(data)
    if errors:
        return [Finding("ICH schema", e) for e in errors]
    return business_rules(etree.fromstring(data, _parser()))
