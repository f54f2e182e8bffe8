"""What the fields of an OCDS release mean: money and its kind, dates, statuses,
identifiers, and whether a process is a framework, a dynamic purchasing system, a
call-off or a contract.

Plain functions of plain JSON, so each rule can be read, and tested, on its own.
"""

from __future__ import annotations

import html
import json
import math
import re

__all__ = ["planned_period", "awards_by_lots", "framework_value", "lot_title", "text", "amount", "date", "identifier",
           "identifiers", "classify", "MIN_PLAUSIBLE",
           "CONTRACT_STATUS", "AWARD_STATUS", "TENDER_STATUS"]

#: GBP. Smaller amounts are the placeholders publishers' forms require (0, 1, 3...).
MIN_PLAUSIBLE = 100.0

#: OCDS codelists -> the graph's statuses (sg: local names).
CONTRACT_STATUS = {"active": "Live", "terminated": "Ended", "cancelled": "Cancelled", "pending": "Awarded"}
AWARD_STATUS = {"active": "Awarded", "pending": "InProcurement", "cancelled": "Cancelled"}
TENDER_STATUS = {"planning": "Planned", "planned": "Planned", "active": "InProcurement", "cancelled": "Cancelled",
                 "unsuccessful": "Cancelled", "withdrawn": "Cancelled"}

_FRAMEWORK_WORDS = re.compile(r"\bframework\b", re.I)
_CALL_OFF_WORDS = re.compile(r"call[- ]?off|further competition|direct award (?:from|under|via)|mini[- ]competition|"
                             r"\bvia\b.*\bframework\b|from a framework|under a framework", re.I)
_DPS_WORDS = re.compile(r"dynamic purchasing system|\bDPS\b", re.I)

#: org-id schemes whose ids name one organisation (https://org-id.guide); others are a
#: publisher's local numbers and join nothing.
_SCHEME = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}$")
_PARTY_ID = re.compile(r"^([A-Za-z]{2}-[A-Za-z]{3,4})-(\S+)$")
#: Party-id prefixes that look like org-id schemes but number parties within one release.
_LOCAL_SCHEMES = {"GB-FTS"}
_COH = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|[A-Z]{2}\d{5}R)$")
_CURRENCY = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def text(value) -> str:
    """A name or title as a person reads it: HTML entities decoded (some publishers
    encode them twice), whitespace collapsed.

    >>> text("Ernst &amp;amp; Young\\r\\n LLP")
    'Ernst & Young LLP'
    """
    value = str(value or "")
    if "&" in value:
        value = html.unescape(html.unescape(value))
    return " ".join(value.split())


def amount(value) -> tuple[str, float, str] | tuple[str, str] | None:
    """A value object as ``("money", amount, currency)``, ``("placeholder", amount,
    currency)``, ``("invalid", why)`` or None when there is none.

    >>> amount({"amount": 109320, "currency": "GBP"})
    ('money', 109320.0, 'GBP')
    >>> amount({"amount": 3, "currency": "GBP"}), amount({"amount": 0})
    (('placeholder', 3.0, 'GBP'), ('placeholder', 0.0, 'GBP'))
    >>> amount({"amount": float("inf")})[0], amount({"amount": -5})[0], amount({"currency": "GBP"})
    ('invalid', 'invalid', None)
    """
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    try:
        number = float(value["amount"])
    except (TypeError, ValueError):
        return "invalid", f"{value.get('amount')!r} is not a number"
    if not math.isfinite(number):
        return "invalid", f"{value.get('amount')!r} is not finite"
    if number < 0:
        return "invalid", f"{number:g} is negative"
    currency = str(value.get("currency") or "GBP").strip().upper()
    if not _CURRENCY.fullmatch(currency):
        return "invalid", f"currency {currency!r} is not an ISO 4217 code"
    return ("placeholder" if number < MIN_PLAUSIBLE else "money"), number, currency


def date(value) -> str | None:
    """The calendar date of an OCDS date-time, as the source wrote it (no time zone
    conversion: a notice dated 2025-01-23T00:00:00Z was published on the 23rd).

    >>> date("2025-01-23T00:00:00Z"), date(None), date("soon")
    ('2025-01-23', None, None)
    """
    m = _DATE.match(str(value or ""))
    return m.group(1) if m else None


def identifier(party: dict) -> str | None:
    """``SCHEME:ID`` for a party's identifier when it names one organisation, else None
    (empty, local to the publisher, or a malformed Companies House number). Where the
    identifier has no scheme, a party id of the form ``GB-CFS-295556`` gives it. Find a
    Tender's party ids (``GB-FTS-2273``) are unique only within one release, as its API
    documentation says, so they identify nobody across releases.

    >>> identifier({"identifier": {"scheme": "GB-COH", "id": "1788577"}})
    'GB-COH:01788577'
    >>> identifier({"identifier": {"scheme": "gb-coh", "id": " sc123456 "}})
    'GB-COH:SC123456'
    >>> identifier({"identifier": {"scheme": "GB-SRS", "id": "sid4gov.cabinetoffice.gov.uk/7U7AuvS7"}})
    'GB-SRS:sid4gov.cabinetoffice.gov.uk/7U7AuvS7'
    >>> identifier({"id": "GB-CFS-295556", "identifier": {"legalName": "Cabinet Office"}})
    'GB-CFS:295556'
    >>> [identifier({"identifier": i}) for i in ({"scheme": "GB-COH", "id": "123456789"}, {"scheme": "", "id": "4"},
    ...                                          {"scheme": "GB-COH", "id": ""}, {"id": "1"})]
    [None, None, None, None]
    >>> identifier({"id": "GB-FTS-2273", "identifier": {"legalName": "Fife Council"}}) is None
    True
    """
    ident = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    got = _scheme_id(ident.get("scheme"), ident.get("id"))
    if got is None and not (ident.get("scheme") and ident.get("id")):  # the scheme named in the party's id instead
        m = _PARTY_ID.match(str(party.get("id") or "").strip())
        if m:
            got = _scheme_id(m.group(1), m.group(2))
    return got


def identifiers(party: dict) -> list[str]:
    """Every ``SCHEME:ID`` that names the party: its identifier, then its
    ``additionalIdentifiers`` (where Find a Tender puts a Companies House number beside a
    registration of its own).

    >>> identifiers({"identifier": {"scheme": "GB-PPON", "id": "PXYZ-1234-ABCD"},
    ...              "additionalIdentifiers": [{"scheme": "GB-COH", "id": "1234567"}, {"scheme": "GB-COH", "id": "x"}]})
    ['GB-PPON:PXYZ-1234-ABCD', 'GB-COH:01234567']
    """
    out = [identifier(party)]
    for extra in party.get("additionalIdentifiers") or []:
        if isinstance(extra, dict):
            out.append(_scheme_id(extra.get("scheme"), extra.get("id")))
    return list(dict.fromkeys(i for i in out if i))


def _scheme_id(scheme, value) -> str | None:
    scheme = str(scheme or "").strip().upper()
    value = "".join(str(value or "").split())
    if not value or not _SCHEME.match(scheme) or scheme in _LOCAL_SCHEMES:
        return None
    if scheme == "GB-COH":
        value = value.upper()
        if value.isdigit() and len(value) < 8:
            value = value.zfill(8)
        if not _COH.match(value) or value.strip("0") == "":
            return None
    return f"{scheme}:{value}"


def classify(rel: dict, lot: tuple, awards: list[dict]) -> tuple[str, str]:
    """What the part of a compiled release that the awards of one lot (``lot``: their
    ``relatedLots``, () where they name none) describe: ``("dps" | "framework" |
    "call-off" | "contract", why)``. ``awards`` are that lot's awards that were not
    unsuccessful.

    A framework or DPS is said so by ``tender.techniques``, or by the techniques of the
    lot (OCDS's techniques extension, as Find a Tender publishes them). An award to
    several suppliers with one value is a panel too, and so are several awards in one lot,
    each to a different supplier, that repeat one value: that value is owed in full to
    none of them (even where the procurement method calls it a call-off). Otherwise the
    procurement method's words tell a call-off, a DPS or a framework.

    >>> classify({"tender": {"techniques": {"hasFrameworkAgreement": True}}}, (), [])
    ('framework', 'tender.techniques.hasFrameworkAgreement')
    >>> classify({"tender": {"lots": [{"id": "2", "techniques": {"hasFrameworkAgreement": True}}]}}, ("2",), [])
    ('framework', 'tender.lots[2].techniques.hasFrameworkAgreement')
    >>> classify({"tender": {"procurementMethodDetails": "Call-off from a framework agreement"}}, (), [{"suppliers": [1]}])
    ('call-off', "tender.procurementMethodDetails: 'Call-off from a framework agreement'")
    >>> classify({"tender": {}}, (), [{"suppliers": [{"id": 1}, {"id": 2}], "value": {"amount": 5e6}}])[0]
    'framework'
    >>> classify({"tender": {}}, ("1",), [{"id": "a", "suppliers": [{"id": 1}], "value": {"amount": 5e6}},
    ...                                  {"id": "b", "suppliers": [{"id": 2}], "value": {"amount": 5e6}}])[0]
    'framework'
    >>> classify({"tender": {}}, (), [{"suppliers": [{"id": 1}]}])
    ('contract', '')
    """
    tender = rel.get("tender") if isinstance(rel.get("tender"), dict) else {}
    said = _techniques(tender, lot)
    if said:
        return said
    for award in awards:
        suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
        if len(suppliers) > 1:
            return "framework", (f"award {award.get('id')} names {len(suppliers)} suppliers with one "
                                 f"value between them, which is owed in full to none of them")
    shared = _repeated_value(awards)
    if shared:
        return "framework", shared
    method = text(tender.get("procurementMethodDetails"))
    if method and _CALL_OFF_WORDS.search(method):
        return "call-off", f"tender.procurementMethodDetails: {method!r}"
    if method and _DPS_WORDS.search(method):
        return "dps", f"tender.procurementMethodDetails: {method!r}"
    if method and _FRAMEWORK_WORDS.search(method):
        return "framework", f"tender.procurementMethodDetails: {method!r}"
    return "contract", ""


def _techniques(tender: dict, lot: tuple) -> tuple[str, str] | None:
    """A framework or DPS as the tender's techniques say, else as those of its lots
    ``lot``: ``hasDynamicPurchasingSystem``, ``hasFrameworkAgreement``, or the details of
    a framework agreement without a flag that denies one."""
    def said(techniques, path):
        if not isinstance(techniques, dict):
            return None
        if techniques.get("hasDynamicPurchasingSystem") is True:
            return "dps", f"{path}.hasDynamicPurchasingSystem"
        if techniques.get("hasFrameworkAgreement") is True:
            return "framework", f"{path}.hasFrameworkAgreement"
        if techniques.get("hasFrameworkAgreement") is None and isinstance(techniques.get("frameworkAgreement"), dict) \
                and techniques["frameworkAgreement"]:
            return "framework", f"{path}.frameworkAgreement"
        return None

    found = said(tender.get("techniques"), "tender.techniques")
    for x in _lots(tender, lot):
        found = found or said(x.get("techniques"), f"tender.lots[{x.get('id')}].techniques")
    return found


def _lots(tender: dict, lot: tuple) -> list[dict]:
    """The tender's lots named in ``lot`` (all of them where it is ())."""
    lots = tender.get("lots") if isinstance(tender.get("lots"), list) else []
    return [x for x in lots if isinstance(x, dict) and (not lot or str(x.get("id")) in lot)]


def _repeated_value(awards: list[dict]) -> str | None:
    """Why awards of one lot, each to a different supplier, that all give one amount are
    a panel sharing it; None where they are not."""
    if len(awards) < 2:
        return None
    values, suppliers = set(), set()
    for a in awards:
        got = amount(a.get("value"))
        names = [json.dumps(s, sort_keys=True) for s in a.get("suppliers") or [] if isinstance(s, dict)]
        if got is None or got[0] != "money" or len(names) != 1:
            return None
        values.add(got[1:])
        suppliers.add(names[0])
    if len(values) != 1 or len(suppliers) != len(awards):
        return None
    (number, currency), = values
    ids = ", ".join(str(a.get("id")) for a in awards)
    return (f"awards {ids} name {len(awards)} different suppliers and repeat one value, {currency} {number:,.0f}, "
            f"which is owed in full to none of them")


def framework_value(tender: dict, lot: tuple) -> list[tuple[dict, tuple]]:
    """The maximum value of a framework agreement as its techniques state it (the tender's,
    or its lots' ``lot``): ``[(value, path in the release), ...]``."""
    def stated(owner: dict):
        tech = owner.get("techniques") if isinstance(owner.get("techniques"), dict) else {}
        fa = tech.get("frameworkAgreement") if isinstance(tech.get("frameworkAgreement"), dict) else {}
        return fa.get("value") if isinstance(fa.get("value"), dict) else None

    out = [(stated(tender), ("tender", "techniques", "frameworkAgreement", "value", "amount"))]
    out += [(stated(x), ("tender", ("lots", str(x.get("id"))), "techniques", "frameworkAgreement", "value", "amount"))
            for x in _lots(tender, lot)]
    return [(value, path) for value, path in out if value is not None]


def planned_period(tender: dict, lot: tuple = ()) -> dict | None:
    """The contract period a tender plans: its own, else its lot's (``lot``: the lot ids of
    one framework), else the one every lot that gives a period shares."""
    if isinstance(tender.get("contractPeriod"), dict):
        return tender["contractPeriod"]
    lots = [x for x in tender.get("lots") or [] if isinstance(x, dict) and isinstance(x.get("contractPeriod"), dict)]
    if lot:
        lots = [x for x in lots if str(x.get("id")) in lot] or lots
    periods = {json.dumps(x["contractPeriod"], sort_keys=True) for x in lots}
    return json.loads(periods.pop()) if len(periods) == 1 else None


def awards_by_lots(awards: list[dict]) -> dict[tuple, list[dict]]:
    """The awards grouped by the lots each names (``relatedLots``; () for none)."""
    out: dict[tuple, list[dict]] = {}
    for a in awards:
        out.setdefault(tuple(sorted(str(x) for x in a.get("relatedLots") or [])), []).append(a)
    return out


def lot_title(tender: dict, title: str, lots: tuple) -> str:
    """A contract's name where it has none of its own: the tender's ``title``, with its lot
    where the tender has several ("ICT infrastructure (lot 1: Hosting)")."""
    tender_lots = [x for x in tender.get("lots") or [] if isinstance(x, dict)]
    if not lots or len(tender_lots) < 2:
        return title
    titles = {str(x.get("id")): text(x.get("title")) for x in tender_lots}
    named = "; ".join(f"{i}: {titles[i]}" if titles.get(i) else i for i in lots)
    return f"{title} (lot {named})"
