"""Who is never named: private individuals and names a publisher withheld.

Council spend files pay people (foster carers, landlords, sole traders) and procurement
notices award contracts to them, or withhold a supplier's name (the Procurement Act's
section 94). Their names must not reach any output, and a withheld name is not an
organisation: "Withheld Section94 supplier" on two notices is not one company.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleanco import basename

__all__ = ["is_redacted", "is_person", "withheld"]

_REDACTED = re.compile(r"redact|personal data|private individual|^individuals?$|withheld|not disclosed|^\W*$|^x+$",
                       re.I)
#: Words that say a name was withheld, unless they are part of a company's own name ("The
#: Data Protection People Ltd" is a company, "Withheld - Data Protection" is not).
_REDACTED_UNLESS_COMPANY = re.compile(r"data protection", re.I)

_PERSON = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr|rev|revd|sir|dame|lady|lord|prof)\.?\s+\S", re.I)


def is_redacted(name: str) -> bool:
    """Payees whose name the publisher withheld.

    >>> [is_redacted(n) for n in ("REDACTED", "Redacted - Personal Data", "Private Individual", "Acme Ltd")]
    [True, True, True, False]
    >>> [is_redacted(n) for n in ("Data Protection Act", "The Data Protection People Ltd")]
    [True, False]
    """
    name = (name or "").strip()
    if _REDACTED.search(name):
        return True
    return bool(_REDACTED_UNLESS_COMPANY.search(name)) and not _is_company(name)


def is_person(name: str) -> bool:
    """Payees named as private individuals: a title before the name ("MR J SMITH",
    "Mrs A & Mr B Jones"), unless the name is a company's, with a legal suffix that
    cleanco recognises ("Mr Mot Ltd").

    >>> [is_person(n) for n in ("MR J G PATTERSON", "Mrs. Ann Lee", "Dr Foster Ltd", "Mr Mot Limited", "MRI Scans UK")]
    [True, True, False, False, False]
    """
    name = (name or "").strip()
    return bool(_PERSON.match(name)) and not _is_company(name)


def _is_company(name: str) -> bool:
    """The name ends in a legal suffix that cleanco recognises (Ltd, plc, LLP...)."""
    return basename(name).strip().casefold() != re.sub(r"[.,]+$", "", name).strip().casefold()


@lru_cache(maxsize=1 << 16)  # a supplier's name recurs in every notice that names it
def withheld(name: str) -> bool:
    """Payees never named in any output: redacted ones and private individuals."""
    return is_redacted(name) or is_person(name)
