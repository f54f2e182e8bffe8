"""Rows to text: aligned tables, CSV, or JSON (the stable interface)."""

from __future__ import annotations

import csv
import io
import json

__all__ = ["render", "money", "spreadsheet_safe", "ROWS"]

#: Listings for reading (the report in Markdown and HTML, the stats table) show at most this
#: many items each by default (``--rows``); JSON lists everything.
ROWS = 100


def money(amount: float | None, currency: str = "GBP") -> str:
    """A money figure for people.

    >>> money(155_000_000), money(500_000), money(None)
    ('£155m', '£500,000', 'unknown')
    """
    if amount is None:
        return "unknown"
    symbol = {"GBP": "£", "USD": "$", "EUR": "€"}.get(currency, "")
    code = "" if symbol else f" {currency}"
    for div, suffix in ((1e9, "bn"), (1e6, "m")):
        if amount >= div:
            return f"{symbol}{amount / div:,.4g}{suffix}{code}"
    return f"{symbol}{amount:,.0f}{code}"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() and abs(v) >= 1 else f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    return str(v)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A cell that a spreadsheet shows as text, never run as a formula: names come
    from the data, and a payee called ``=HYPERLINK("http://...")`` in a council's spend file
    would otherwise become a live link (or worse) in the analyst's spreadsheet. A cell that
    starts as a formula does is prefixed with ``'``, as OWASP advises; numbers (-500) stay
    numbers.

    >>> print(spreadsheet_safe('=HYPERLINK("http://x")'), spreadsheet_safe("-500"), spreadsheet_safe("BT"))
    '=HYPERLINK("http://x") -500 BT
    """
    if cell.startswith(_FORMULA_START):
        try:
            float(cell)
            return cell
        except ValueError:
            return "'" + cell
    return cell


def render(rows: list[dict], columns: list[str], fmt: str, *, document=None) -> str:
    """``rows`` as a table or CSV (``columns`` in order), or ``document`` (default: rows) as JSON."""
    if fmt == "json":
        return json.dumps(rows if document is None else document, indent=2, ensure_ascii=False) + "\n"
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([spreadsheet_safe(c) for c in columns])
        w.writerows([spreadsheet_safe(c) for c in row] for row in cells)
        return buf.getvalue()
    widths = [min(50, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
    clip = lambda s, w: s if len(s) <= w else s[: w - 1] + "\u2026"  # noqa: E731
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(clip(x, w).ljust(w) for x, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"
