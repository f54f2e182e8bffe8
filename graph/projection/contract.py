"""A contract as the analytics see it, and the words the snapshot reads its kinds and
statuses in."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.namespaces import PREFIXES

__all__ = ["Contract", "KINDS", "STATUS_LABELS", "INACTIVE"]

SG = PREFIXES["sg"]
KINDS = {SG + "PublicBody": "buyer", SG + "PublicBodyGroup": "group", SG + "Supplier": "supplier",
         SG + "Framework": "framework", SG + "Partnership": "partnership",
         SG + "Programme": "programme", SG + "ServiceTower": "tower"}
#: The statuses of a contract the analytics leave out unless asked to count them.
INACTIVE = ("cancelled", "ended")
#: A contract status as the analytics and the timeline read it, from its concept.
STATUS_LABELS = {SG + "Awarded": "awarded", SG + "Live": "live", SG + "Ended": "ended",
           SG + "Cancelled": "cancelled", SG + "InProcurement": "in procurement", SG + "Planned": "planned"}


@dataclass
class Contract:
    """One contract as the analytics see it."""

    iri: str
    label: str
    buyer: str
    suppliers: list[str] = field(default_factory=list)
    status: str | None = None
    towers: list[str] = field(default_factory=list)
    #: (amount, currency, kind, titles of the figure's own sources; empty if it names none)
    values: list[tuple[float, str, str, tuple[str, ...]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    duration: str | None = None
    end_date: str | None = None

    @property
    def active(self) -> bool:
        return self.status not in INACTIVE

    def value(self, kind: str, currency: str = "GBP") -> float | None:
        """Sum of this contract's figures of one kind and currency, or None if unknown.

        A contract's ``total`` is its total contract value or, where the source publishes
        none, the value of its award to its supplier (an OCDS award with no contract
        block). Estimates, ceilings and placeholders are never a total.

        >>> c = Contract("c", "C", "b", values=[(1.0, "GBP", "annual", ()), (2.0, "GBP", "total", ()),
        ...                                     (3.0, "GBP", "total", ("A notice",))])
        >>> c.value("total"), c.value("annual"), c.value("saving")
        (5.0, 1.0, None)
        >>> one = Contract("d", "D", "b", values=[(4.0, "EUR", "total", ())])
        >>> one.value("total"), one.value("total", "EUR"), one.value("annual", "EUR")
        (None, 4.0, None)
        >>> Contract("e", "E", "b", values=[(5.0, "GBP", "award", ()), (9.0, "GBP", "estimate", ())]).value("total")
        5.0
        """
        if not self.values:
            return None
        if len(self.values) == 1:  # most contracts: one figure, nothing to add up
            amount, cur, k, _ = self.values[0]
            return amount if cur == currency and (k == kind or (kind == "total" and k == "award")) else None
        amounts = [a for a, c, k, _ in self.values if k == kind and c == currency]
        if not amounts and kind == "total":
            amounts = [a for a, c, k, _ in self.values if k == "award" and c == currency]
        return sum(amounts) if amounts else None
