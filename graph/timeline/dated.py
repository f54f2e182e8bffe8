"""Until when: each contract's and framework's dates, their basis, and its status as of a date.

Every end carries its basis:

``stated``
    a source gives the end date (OCDS ``contractPeriod.endDate``, ``contracts[].period``);
``derived``
    the start (or the award, where only that is known) plus the stated duration, with the
    rule named: "2015 to 24 Feb 2016 + 5 years". The result is never more precise than
    what it comes from: a year plus five years is a year;
``bounded``
    only a window is known: "due to terminate over the next three years" from the date
    its source reported it.

Unknown stays unknown. A status reported by a source is kept with the date it was reported
on; the status *as of* a date is worked out from the dates, and both are shown where they
differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote

from ..dates import Partial, Window, parse_date, parse_duration, say_duration
from ..projection.snapshot import STATUS_LABELS, snapshot
from ..store.base import Store
from .facts import facts

__all__ = ["Dated", "read_dates", "timeline", "until"]

_AWARDED = ("awarded", "live", "ended")


def _dates(text: str | None) -> list[Partial]:
    return [p for p in (parse_date(t) for t in (text or "").split()) if p]


@dataclass(slots=True)
class Dated:
    """One contract or framework with what is known of its dates."""

    iri: str
    label: str
    framework: bool
    buyers: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    towers: list[str] = field(default_factory=list)
    values: list[tuple[float, str, str]] = field(default_factory=list)  # (amount, currency, kind)
    sources: list[str] = field(default_factory=list)
    reported: str | None = None            # the status a source reported ...
    reported_on: Partial | None = None     # ... on this date, where known
    start: Window = field(default_factory=Window)
    start_basis: str | None = None         # stated | award (only the award is dated) | None
    end: Window = field(default_factory=Window)
    end_basis: str | None = None           # stated | derived | bounded | None
    end_rule: str | None = None
    duration: str | None = None
    extensions: list[str] = field(default_factory=list)
    max_extent: Partial | None = None      # the date it cannot be extended beyond, where stated

    def value(self) -> tuple[float, str, str] | None:
        """The figure a timeline shows: a contract's total (else its award, else its annual
        value); a framework's ceiling. Estimates and placeholders are never shown as value."""
        order = ("ceiling",) if self.framework else ("total", "award", "annual")
        for kind in order:
            found = [v for v in self.values if v[2] == kind and v[1] == "GBP"] or \
                    [v for v in self.values if v[2] == kind]
            if found:
                return (sum(v[0] for v in found if v[1] == found[0][1]), found[0][1], kind)
        return None

    def end_with_options(self) -> Window | None:
        """The latest end if every extension option is taken: the date it cannot be extended
        beyond, where stated, else the end plus the longest option (a source lists options as
        alternatives or as one period); None without either."""
        if self.max_extent is not None:
            return Window(self.end.lo or self.max_extent, self.max_extent)
        longest = max((parse_duration(e) for e in self.extensions if parse_duration(e)),
                      key=lambda d: d.years * 372 + d.months * 31 + d.days, default=None)
        if longest is None or not self.end.hi:
            return None
        return Window(self.end.lo, self.end.hi.plus(longest))

    def status(self, as_of: date) -> str:
        """The status as of ``as_of`` (not started, live, may have ended — the date lies in
        the window its end falls in —, ended, cancelled, or a status reported that day, or
        unknown): what a source reported, on the day it reported it (or
        after, for a cancellation or an end); otherwise what the dates decide; "unknown"
        where they do not (a procurement reported years earlier may since have been
        awarded)."""
        on = self.reported_on.first() if self.reported_on else None
        if self.reported and self.reported_on and self.reported_on.first() <= as_of <= self.reported_on.last():
            return self.reported  # as of the day the source reported it
        if self.reported == "cancelled" and (on is None or on <= as_of):
            return "cancelled"
        if self.reported == "ended" and (on is None or on <= as_of):
            return "ended"
        start_lo, start_hi = self.start.earliest(), self.start.latest()
        if start_lo and start_lo > as_of:
            return "not started"
        end_lo, end_hi = self.end.earliest(), self.end.latest()
        if end_hi and end_hi < as_of:
            return "ended"
        begun = (start_hi is not None and start_hi <= as_of) or (
            self.reported in _AWARDED and on is not None and on <= as_of)
        if end_lo and end_lo > as_of and begun:
            return "live"
        if end_lo and end_hi and end_lo <= as_of <= end_hi:
            return "may have ended"
        return "unknown"


def read_dates(store: Store, snap=None, only: set | None = None, keep=None) -> list[Dated]:
    """Every contract and framework with its dates, ends derived (``only``: just those IRIs;
    ``keep``: just those for which ``keep(d)`` holds, asked before ``d``'s dates are read,
    of what the snapshot and the frameworks' query say: buyers, suppliers, towers).

    The contracts come from the projection's snapshot (``snap``, read if not given: the
    report has it already); their dates from one grouped query, one row per date value
    rather than per contract; the frameworks, which are few, from one more. Both are kept
    beside an on-disk store once asked of the whole graph (:mod:`graph.timeline.facts`)."""
    snap = snap if snap is not None else snapshot(store)
    contracts = snap.contracts.values() if only is None else [snap.contracts[i] for i in sorted(only)
                                                                  if i in snap.contracts]
    # the snapshot's lists are sorted and are not changed here
    out = [Dated(c.iri, c.label, False, buyers=[c.buyer], suppliers=c.suppliers, towers=c.towers,
                 values=c.values, sources=c.sources, reported=c.status) for c in contracts]
    told = facts(store)
    frameworks = []
    for item, label, status, buyers, suppliers, towers, ceilings, titles in told.frameworks():
        if only is not None and item not in only:
            continue
        d = Dated(item, label, True, buyers=sorted((buyers or "").split()),
                  suppliers=sorted((suppliers or "").split()), towers=sorted((towers or "").split()),
                  sources=sorted(unquote(t) for t in (titles or "").split()),
                  reported=STATUS_LABELS.get(status) if status is not None else None)
        for packed in sorted(set((ceilings or "").split())):  # each figure once
            amount, cur, _ = packed.split("|", 2)
            d.values.append((float(amount), cur, "ceiling"))
        frameworks.append(d)
    frameworks.sort(key=lambda d: d.iri)
    if keep is not None:
        out, frameworks = [d for d in out if keep(d)], [d for d in frameworks if keep(d)]
    wanted = None if only is None and keep is None else {d.iri for d in out} | {d.iri for d in frameworks}
    facets = told.dates(wanted)
    return [_dated(d, facets) for d in out] + [_dated(d, facets) for d in frameworks]


_JOINED = ("awardedNotBefore", "awardedNotAfter")  # every value counts; of the others, the first


def _dated(d: Dated, facets: dict[str, dict[str, list[str]]]) -> Dated:
    """``d`` with its dates (from ``facets``: each kind of date's values by holder) and its
    end derived."""
    found = {}
    for facet, bucket in facets.items():
        held = bucket.get(d.iri)
        if held is not None:
            found[facet] = held
    if found:
        d.reported_on = parse_date(min(found["statusDate"])) if "statusDate" in found else None
        d.duration = min(found["duration"]) if "duration" in found else None
        d.extensions = sorted(found.get("extension", []))
        d.max_extent = parse_date(min(found["maxExtent"])) if "maxExtent" in found else None
        found = {k: " ".join(v) if k in _JOINED else min(v) for k, v in found.items()}
    _derive(d, found)
    return d


def _derive(d: Dated, r) -> None:
    """Start and end windows, with their basis and rule."""
    get = r.get
    stated = parse_date(get("start")) or parse_date(get("startYear"))
    if stated:
        d.start, d.start_basis = Window.at(stated), "stated"
    else:
        award = parse_date(get("dateSigned")) or parse_date(get("awardDate"))
        lows = _dates(get("awardedNotBefore")) + ([award] if award else [])
        highs = _dates(get("awardedNotAfter")) + ([award] if award else [])
        if d.reported in _AWARDED and d.reported_on:  # awarded by the date a source said so
            highs.append(d.reported_on)
        d.start = Window(max(lows, key=Partial.first, default=None), min(highs, key=Partial.last, default=None))
        d.start_basis = "award" if d.start.known else None
    end = parse_date(get("end"))
    due = parse_duration(get("dueWithin"))
    bound = Window(d.reported_on, d.reported_on.plus(due)) if due and d.reported_on else None
    said = f"due to end within {say_duration(get('dueWithin'))} of {d.reported_on.say()}" if bound else None
    duration = parse_duration(d.duration)
    if end:
        d.end, d.end_basis, d.end_rule = Window.at(end), "stated", "the source's end date"
    elif duration and d.start.known:
        d.end = d.start.plus(duration)
        what = "start" if d.start_basis == "stated" else "award"
        d.end_rule = f"{what} {d.start.say()} + {say_duration(d.duration)}"
        if bound:
            d.end, d.end_rule = d.end.within(bound), f"{d.end_rule}; {said}"
        d.end_basis = "derived"
    elif bound:
        d.end, d.end_basis, d.end_rule = bound, "bounded", said


def timeline(store: Store, *, as_of: date, start: date | None = None, end: date | None = None,
             buyer: str | None = None, supplier: str | None = None, tower: str | None = None,
             snap=None) -> dict:
    """Contracts and frameworks by end date, as plain data: ``{"as_of", "rows"}``.

    ``start``/``end`` keep those whose end may fall between them (an unknown end then
    leaves a contract out); ``buyer``, ``supplier``, ``tower`` are IRIs to keep. Rows with
    an unknown end come last."""
    picked = {k: v for k, v in (("buyer", buyer), ("supplier", supplier), ("tower", tower)) if v}
    snap = snap if snap is not None else snapshot(store, of=picked or None)

    def chosen(d: Dated) -> bool:
        return not (buyer and buyer not in d.buyers or supplier and supplier not in d.suppliers
                    or tower and tower not in d.towers)
    items = read_dates(store, snap, keep=chosen if picked else None)
    keep = []
    for d in items:
        if start or end:
            lo, hi = d.end.earliest(), d.end.latest()
            # a window open at one side may end anywhere on that side of its known bound
            if not d.end.known or (start and hi and hi < start) or (end and lo and lo > end):
                continue
        keep.append(d)
    keep.sort(key=lambda d: (d.end.earliest() or d.end.latest() or date.max, d.end.latest() or date.max, d.label))
    name = snap.label
    ref = lambda i: {"iri": i, "label": name(i)}  # noqa: E731
    rows = []
    for d in keep:
        value = d.value()
        options = d.end_with_options()
        status = d.status(as_of)
        rows.append({
            "contract": d.iri, "label": d.label, "kind": "framework" if d.framework else "contract",
            "buyer": ref(d.buyers[0]) if d.buyers else None, "buyers": [ref(b) for b in d.buyers],
            "suppliers": [ref(s) for s in d.suppliers], "towers": [name(t) for t in d.towers],
            "start": d.start.to_dict(), "start_basis": d.start_basis,
            "end": d.end.to_dict(), "end_basis": d.end_basis, "end_rule": d.end_rule,
            "duration": d.duration, "extension_options": d.extensions,
            "end_with_options": options.to_dict() if options else None,
            "status": status,
            "reported_status": {"status": d.reported, "on": str(d.reported_on) if d.reported_on else None}
            if d.reported else None,
            "value": {"amount": value[0], "currency": value[1], "kind": value[2]} if value else None,
            "source": sorted(d.sources),
        })
    return {"as_of": as_of.isoformat(), "rows": rows}


def until(contracts: list[Dated], as_of: date) -> dict:
    """Until when a dependency on these contracts lasts: the latest of their ends, as plain
    data (``text``, ``latest``, ``basis``, ``contracts_without_end``). Unknown if any of
    them has no known end, since that one may run longest.

    >>> a = Dated("a", "A", False, end=Window(Partial(2020), Partial(2021)), end_basis="derived")
    >>> b = Dated("b", "B", False, end=Window.at(Partial(2024, 3, 31)), end_basis="stated")
    >>> until([a, b], date(2022, 1, 1))["text"], until([a, Dated("c", "C", False)], date(2022, 1, 1))["text"]
    ('31 Mar 2024 (stated)', 'unknown: 1 contract has no known end; the others end by 2021')
    """
    open_ended = [d for d in contracts if not d.end.hi]
    ends = [d for d in contracts if d.end.hi]
    last = max(ends, key=lambda d: d.end.latest(), default=None)
    if not contracts:
        text = "no contract"
    elif open_ended:
        n = len(open_ended)
        text = f"unknown: {n} contract{'s' if n != 1 else ''} ha{'ve' if n != 1 else 's'} no known end" + (
            f"; the others end by {last.end.hi.say()}" if last else "")
    else:
        text = f"{last.end.say()} ({last.end_basis})"
    return {"text": text, "latest": last.end.latest().isoformat() if last and not open_ended else None,
            "basis": last.end_basis if last and not open_ended else None,
            "contracts_without_end": len(open_ended),
            "ended": bool(contracts) and not open_ended and last.end.latest() < as_of}
