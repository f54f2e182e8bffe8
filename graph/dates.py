"""Dates as sources give them: a year, a month or a day, never more precise than said.

A :class:`Partial` is a date at the precision a source states ("2016", "2016-02",
"2016-02-24"). A :class:`Window` is what is known of a date that a source only bounds:
its earliest and latest possible values, either of which may be unknown. Adding a
duration keeps the precision: a year plus five years is a year, not 1 January.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = ["Partial", "Window", "Duration", "parse_date", "parse_duration", "say_duration"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, order=True, slots=True)
class Partial:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def first(self) -> date:
        """The earliest day it can be."""
        return date(self.year, self.month or 1, self.day or 1)

    def last(self) -> date:
        """The latest day it can be."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def plus(self, d: "Duration", sign: int = 1) -> "Partial":
        """This date moved by ``d`` (``sign`` -1: back), at the same precision.

        >>> str(Partial(2016).plus(parse_duration("P5Y"))), str(Partial(2016, 2, 29).plus(parse_duration("P1Y")))
        ('2021', '2017-02-28')
        >>> str(Partial(2019, 11, 20).plus(parse_duration("P3Y"))), str(Partial(2020, 11).plus(parse_duration("P18M")))
        ('2022-11-20', '2022-05')
        """
        return _moved(self, d, sign)

    def __str__(self) -> str:
        """ISO 8601 at its precision: ``2016``, ``2016-02``, ``2016-02-24``."""
        return "-".join([f"{self.year:04d}"] + [f"{x:02d}" for x in (self.month, self.day) if x])

    def say(self) -> str:
        """As people read it: ``2016``, ``Feb 2016``, ``24 Feb 2016``."""
        if not self.month:
            return str(self.year)
        return (f"{self.day} " if self.day else "") + f"{_MONTHS[self.month - 1]} {self.year}"


# Remembered: a national graph moves the same few hundred dates by the same few durations,
# and parses the same few hundred date strings, for every one of its contracts.
@lru_cache(maxsize=4096)
def _moved(p: Partial, d: "Duration", sign: int) -> Partial:
    if p.month is None:
        return Partial(p.year + sign * (d.years + d.months // 12))
    months = p.year * 12 + p.month - 1 + sign * (d.years * 12 + d.months)
    year, month = divmod(months, 12)
    if p.day is None:
        return Partial(year, month + 1)
    day = min(p.day, calendar.monthrange(year, month + 1)[1])
    if d.days:
        from datetime import timedelta
        moved = date(year, month + 1, day) + timedelta(days=sign * d.days)
        return Partial(moved.year, moved.month, moved.day)
    return Partial(year, month + 1, day)


@lru_cache(maxsize=4096)
def parse_date(text: str | None) -> Partial | None:
    """A date from an xsd:date, xsd:dateTime, xsd:gYearMonth or xsd:gYear lexical form.

    >>> parse_date("2016"), parse_date("2016-02"), parse_date("2024-03-31T00:00:00Z")
    (Partial(year=2016, month=None, day=None), Partial(year=2016, month=2, day=None), Partial(year=2024, month=3, day=31))
    >>> parse_date("spring") is None
    True
    """
    m = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text or "")
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        p = Partial(year, month, day)
        p.last()  # rejects month 13, 30 February
    except ValueError:
        return None
    return p


@dataclass(frozen=True, slots=True)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0


@lru_cache(maxsize=1024)
def parse_duration(text: str | None) -> Duration | None:
    """An xsd:duration of years, months, weeks and days (``P5Y``, ``P1Y6M``, ``P90D``).

    >>> parse_duration("P1Y6M"), parse_duration("P2W"), parse_duration("5 years")
    (Duration(years=1, months=6, days=0), Duration(years=0, months=0, days=14), None)
    """
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?", (text or "").strip())
    if not m or not any(m.groups()):
        return None
    y, mo, w, d = (int(g or 0) for g in m.groups())
    return Duration(y, mo, d + 7 * w)


@lru_cache(maxsize=1024)
def say_duration(text: str | None) -> str:
    """An xsd:duration as people read it: ``P5Y`` is "5 years", ``P1Y6M`` "1 year 6 months".

    >>> say_duration("P5Y"), say_duration("P1Y6M"), say_duration("P1M"), say_duration("bad")
    ('5 years', '1 year 6 months', '1 month', 'bad')
    """
    d = parse_duration(text)
    if d is None:
        return text or ""
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((d.years, "year"), (d.months, "month"),
                                                                    (d.days, "day")) if n]
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Window:
    """A date known to lie between ``lo`` and ``hi`` (either may be unknown)."""

    lo: Partial | None = None
    hi: Partial | None = None

    @classmethod
    def at(cls, p: Partial | None) -> "Window":
        return cls(p, p)

    @property
    def known(self) -> bool:
        return self.lo is not None or self.hi is not None

    def earliest(self) -> date | None:
        return self.lo.first() if self.lo else None

    def latest(self) -> date | None:
        return self.hi.last() if self.hi else None

    def plus(self, d: Duration) -> "Window":
        return Window(self.lo.plus(d) if self.lo else None, self.hi.plus(d) if self.hi else None)

    def within(self, other: "Window") -> "Window":
        """What both windows allow: the later of the earliest dates, the earlier of the latest.

        >>> w = Window(Partial(2020), Partial(2021, 2, 24)).within(Window(Partial(2019, 11, 20), Partial(2022, 11, 20)))
        >>> w.say()
        '2020 to 24 Feb 2021'
        """
        lo = max((p for p in (self.lo, other.lo) if p), key=lambda p: p.first(), default=None)
        hi = min((p for p in (self.hi, other.hi) if p), key=lambda p: p.last(), default=None)
        return Window(lo, hi)

    def say(self) -> str:
        """As people read it: ``2021``, ``2020 to 2022``, ``by Feb 2026``, ``not before 2019``.

        >>> Window(Partial(2021), Partial(2021)).say(), Window(Partial(2020), Partial(2022)).say()
        ('2021', '2020 to 2022')
        >>> Window(None, Partial(2026, 2, 24)).say(), Window(Partial(2019), None).say(), Window().say()
        ('by 24 Feb 2026', 'not before 2019', 'unknown')
        """
        if self.lo and self.hi:
            return self.lo.say() if self.lo == self.hi else f"{self.lo.say()} to {self.hi.say()}"
        if self.hi:
            return f"by {self.hi.say()}"
        if self.lo:
            return f"not before {self.lo.say()}"
        return "unknown"

    def to_dict(self, days: bool = True) -> dict | None:
        """JSON: the window's bounds as the source's precision gives them, and (``days``) as
        the earliest and latest days they allow."""
        if not self.known:
            return None
        out = {"text": self.say(), "earliest": str(self.lo) if self.lo else None,
               "latest": str(self.hi) if self.hi else None}
        if days:
            out["earliest_day"] = self.earliest().isoformat() if self.lo else None
            out["latest_day"] = self.latest().isoformat() if self.hi else None
        return out
