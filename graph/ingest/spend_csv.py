"""Council "spending over £500" CSVs (Local Government Transparency Code) into RDF.

Every council words its headers differently; columns are found through an alias table
(:data:`COLUMN_ALIASES`) that ``--column FIELD=HEADER`` extends. Encodings UTF-8, UTF-8
with a byte-order mark and Windows-1252 are read. Payments are aggregated per payee per
month into ``sg:Spend`` nodes: the total (``sg:value``, kind expenditure), the number of
payments and their transaction ids. The column row is found among the first lines (some
exports open with a report title and parameters). Credit notes are negative amounts,
netted into their month.

Payees who are private individuals (a title such as "MR" or "Mrs" before the name, and no
company suffix) or whose names are redacted are never named: their payments are summed,
month by month, into one line paid to "payees whose names are withheld", and the import
reports how many rows were so treated.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import InputError
from .privacy import withheld
from .rdfout import TripleSink, uri
from .resolve import Resolver, normalise_org_name
from .terms import CUR, DCTERMS, EPO, PROV, RDF, RDFS, SG, lit

__all__ = ["COLUMN_ALIASES", "ingest_spend_csv", "SpendResult", "parse_amount", "parse_date"]

#: field -> header names seen in real councils' files (compared case- and punctuation-blind)
COLUMN_ALIASES = {
    "supplier": ["supplier", "supplier name", "vendor name", "vendor", "beneficiary", "beneficiary name", "payee",
                 "payee name", "merchant name", "creditor name", "creditor", "supplier / payee", "supplier payee",
                 "recipient", "recipient name", "supplier details", "supplier/payee name", "vendor/supplier name",
                 "payee/supplier name", "third party name", "organisation name"],
    "amount": ["amount", "net amount", "net amount £", "amount £", "amount (£)", "total (excludes vat)",
               "total excluding vat", "net value", "value", "total", "amount excl vat", "line amount",
               "nett amount", "invoice nett amount", "invoice net amount", "amount excluding vat", "net",
               "amount paid", "payment amount", "transaction amount", "net amount excl vat", "value £",
               "invoice amount", "total amount", "expenditure", "net cost", "spend"],
    "date": ["date", "paid date", "payment date", "transaction date", "date paid", "invoice date",
             "posting date", "effective date", "date of payment", "payment processed date", "pay date",
             "invoice creation date", "invoice approval date", "date of transaction"],
    "transaction": ["transaction id", "transaction number", "transaction no", "transaction ref",
                    "payment reference", "reference", "invoice number", "document number", "doc no",
                    "trans no", "trans id", "transaction", "invoice no", "voucher number", "payment number"],
}
#: How far down a file its column row may be: some councils' exports open with a report
#: title, parameters and blank lines.
HEADER_SEARCH_ROWS = 30
_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y",
                 "%d %B %Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d"]


@dataclass
class SpendResult:
    rows: int = 0
    payments: int = 0
    skipped_rows: int = 0
    redacted_payments: int = 0
    redacted_total: float = 0.0
    spend_nodes: int = 0
    total: float = 0.0
    payees: int = 0
    new_organisations: list[str] = field(default_factory=list)
    encoding: str = ""
    columns: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    resolution: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _norm_header(h: str) -> str:
    """A header as it is compared: case, ``_`` and spaces, punctuation ignored.

    >>> _norm_header("Supplier_Name"), _norm_header(" PAID  DATE "), _norm_header("Amount (£)")
    ('supplier name', 'paid date', 'amount £')
    """
    h = (h or "").replace("\ufeff", "").replace("£", " £ ").casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z£/]+", " ", h)).strip()


def parse_amount(text: str) -> Decimal | None:
    """A money cell as a Decimal; None if it is not one.

    >>> parse_amount("£1,234.50"), parse_amount("(250.00)"), parse_amount("-3"), parse_amount("n/a")
    (Decimal('1234.50'), Decimal('-250.00'), Decimal('-3'), None)
    >>> parse_amount("250.00-"), parse_amount("250.00 CR")  # credit notes as accounting systems export them
    (Decimal('-250.00'), Decimal('-250.00'))
    """
    t = (text or "").strip().replace("£", "").replace(",", "").replace(" ", "")
    negative = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
    if t.endswith("-") and not t.startswith("-"):
        negative, t = True, t[:-1]
    if t.upper().endswith("CR"):
        negative, t = True, t[:-2]
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return -value if negative else value


def parse_date(text: str) -> datetime | None:
    """A date cell in the formats councils use.

    >>> [parse_date(t).strftime("%Y-%m") for t in ("03/04/2024", "2024-04-03", "3-Apr-2024", "2024-04-03T00:00:00")]
    ['2024-04', '2024-04', '2024-04', '2024-04']
    >>> [parse_date(t).strftime("%Y-%m-%d") for t in ("03/04/2024 00:00:00", "03/04/2024 14:05", "20240403")]
    ['2024-04-03', '2024-04-03', '2024-04-03']
    """
    t = (text or "").strip()
    if re.match(r"\d{4}-\d{2}-\d{2}[T ]", t):
        t = t[:10]
    elif re.fullmatch(r"(\S+) \d{1,2}:\d{2}(?::\d{2})?", t):  # a spreadsheet's date with its time of day
        t = t.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    return None


def _find_columns(header: list[str], extra: dict[str, str], path: Path, *, fail: bool = True) -> dict[str, int] | None:
    normal = [_norm_header(h) for h in header]
    core = [_core_header(h) for h in header]
    found: dict[str, int] = {}
    for name, aliases in COLUMN_ALIASES.items():
        wanted = [_norm_header(extra[name])] if name in extra else [_norm_header(a) for a in aliases]
        for headers in (normal, core):  # as written, then without its unit or format
            hit = next((headers.index(w) for w in wanted if w in headers and headers.index(w) not in
                        found.values()), None)
            if hit is not None:
                found[name] = hit
                break
    missing = [n for n in ("supplier", "amount", "date") if n not in found]
    if missing and not fail:
        return None
    if missing:
        looked = "; ".join(f"{m}: " + ", ".join(repr(a) for a in ([extra[m]] if m in extra else COLUMN_ALIASES[m]))
                           for m in missing)
        raise InputError(f"{path}: no column for {', '.join(missing)} (looked for {looked}); the file's "
                         f"columns are {', '.join(repr(h) for h in header)}; name yours with "
                         f"--column {missing[0]}=HEADER")
    return found


def _core_header(h: str) -> str:
    """A header without what it says of its unit or format, for a second look.

    >>> _core_header("Payment Date (dd/mm/yyyy)"), _core_header("Amount (GBP)"), _core_header("Amount in Sterling")
    ('payment date', 'amount', 'amount')
    """
    h = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", h or "")
    words = [w for w in _norm_header(h).split() if w not in ("£", "gbp", "sterling", "in", "pounds")]
    return " ".join(words)


def _header(rows: list[list[str]], extra: dict[str, str], path: Path) -> tuple[int, dict[str, int]]:
    """The column row (the first of the first rows whose headers name a supplier, an
    amount and a date) and its columns; else the error for the first non-empty row."""
    for n, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(row) >= 2:
            cols = _find_columns(row, extra, path, fail=False)
            if cols is not None:
                return n, cols
    first = next((r for r in rows if any(c.strip() for c in r)), None)
    if not first or len(first) < 2:
        raise InputError(f"{path}: not a CSV file with a header row")
    _find_columns(first, extra, path)
    raise AssertionError("unreachable")  # pragma: no cover - _find_columns raised


def _table(text: str, columns: dict[str, str], path: Path) -> tuple[list[list[str]], int, dict[str, int]]:
    """The file's rows, its column row and columns: split by commas, else by the tabs,
    semicolons or bars some exports use, whichever gives a row that names a supplier, an
    amount and a date (the error is the comma reading's)."""
    error = None
    for delimiter in (",", "\t", ";", "|"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        try:
            return (rows, *_header(rows, columns, path))
        except InputError as e:
            error = error or e
    raise error


def _open_text(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16 with a byte-order mark
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: starts as UTF-16 but is not ({e.reason} at byte {e.start})") from e
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: not a text CSV file (it contains NUL bytes)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # pragma: no cover - cp1252 leaves few bytes undecodable


#: Row-level warnings listed one by one; past this they are counted.
WARNINGS_LISTED = 20
WITHHELD = "withheld"  # the payee key of every private individual and redacted payee


def new_buyer_iri(label: str) -> str:
    """The IRI a publisher that is not in the graph is added under, made from its name."""
    return str(uri("org", normalise_org_name(label)))


def ingest_spend_csv(path: str | Path, out: str | Path, *, buyer_iri: str | None, buyer_label: str,
                     resolver: Resolver, columns: dict[str, str] | None = None) -> SpendResult:
    """Aggregate a spend CSV into ``sg:Spend`` facts at ``out`` (Turtle, written atomically).

    ``buyer_iri`` None: the publisher is not in the graph, and is added as a new public body
    under an IRI made from its name. Payees who are private individuals or whose names are
    redacted are never named: their payments are summed into one line per month, paid to
    "payees whose names are withheld".
    """
    if buyer_iri is None:
        buyer_iri = new_buyer_iri(buyer_label)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    text, encoding = _open_text(path)
    result = SpendResult(encoding=encoding)
    rows, at, cols = _table(text, columns or {}, path)
    header = rows[at]
    result.columns = {k: header[v] for k, v in cols.items()}
    if at:
        result.warnings.append(f"{path}: the first {at} line(s) are a report header; columns read from line {at + 1}")

    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    txids: dict[tuple[str, str], list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    row_warnings = 0

    def row_warning(message: str) -> None:
        nonlocal row_warnings
        row_warnings += 1
        if row_warnings <= WARNINGS_LISTED:
            result.warnings.append(message)

    width = len(header)
    for n, row in enumerate(rows[at + 1:], at + 2):
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        try:
            name = re.sub(r"\s+", " ", row[cols["supplier"]]).strip()
            amount = parse_amount(row[cols["amount"]])
            when = parse_date(row[cols["date"]])
        except IndexError:
            amount = when = None
            name = ""
        if amount is None or when is None:
            short = f" (it has {len(row)} cells, the header {width})" if len(row) != width else ""
            if len(row) <= max(cols.values()):
                row_warning(f"{path}:{n}: row has too few cells{short}; skipped")
            else:
                bad = "amount" if amount is None else "date"
                row_warning(f"{path}:{n}: {bad} {row[cols[bad]]!r} not understood{short}; row skipped")
            result.skipped_rows += 1
            continue
        if withheld(name):
            result.redacted_payments += 1
            result.redacted_total += float(amount)
            key = (WITHHELD, when.strftime("%Y-%m"))
        else:
            key = (normalise_org_name(name) or name.casefold(), when.strftime("%Y-%m"))
            names.setdefault(key[0], name)
            result.payments += 1
            result.total += float(amount)
            if "transaction" in cols and cols["transaction"] < len(row) and row[cols["transaction"]].strip():
                txids[key].append(row[cols["transaction"]].strip())
        totals[key] += amount
        counts[key] += 1
    if row_warnings > WARNINGS_LISTED:
        result.warnings.append(f"{path}: {row_warnings - WARNINGS_LISTED} more rows skipped for the same reasons")
    if result.payments == 0 and result.redacted_payments == 0:
        raise InputError(f"{path}: no payment row could be read"
                         + (f" ({result.warnings[-1]})" if result.warnings else ""))

    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    local = buyer_iri.rsplit("/", 1)[-1]
    with TripleSink(out, header=f"supplier-graph ingest spend-csv {path} --buyer {buyer_label!r}") as sink:
        add = sink.add
        src = uri("spend-file", digest)
        add(src, RDF.type, SG.SourceDocument)
        add(src, DCTERMS.title, lit(f"{path.name}: payments over £500 by {buyer_label}"))
        add(src, DCTERMS.publisher, lit(buyer_label))
        add(src, DCTERMS.identifier, lit(f"sha1:{digest}"))
        add(buyer_iri, RDF.type, SG.PublicBody)  # the output names whom it is about, so it validates alone
        add(buyer_iri, RDFS.label, lit(buyer_label))
        add(buyer_iri, SG.mentionedIn, src)
        payee_iri: dict[str, str] = {}
        for key in sorted(totals):
            payee_key, month = key
            if payee_key == WITHHELD:
                iri = payee_iri.setdefault(WITHHELD, uri("payee", local, "withheld"))
                add(iri, RDF.type, SG.WithheldPayee)
                add(iri, RDFS.label, lit(f"payees of {buyer_label} whose names are withheld"))
                payee_name = "payees whose names are withheld"
            else:
                payee_name = names[payee_key]
                if payee_key not in payee_iri:
                    match = resolver.known(payee_name)
                    if match:
                        iri = match.iri
                        label = resolver.labels.get(match.iri) or payee_name
                    else:
                        iri, label = uri("org", payee_key), payee_name
                        if str(iri) not in resolver.labels:
                            result.new_organisations.append(str(iri))
                        resolver.add(str(iri), payee_name)
                    add(iri, RDF.type, SG.Supplier)
                    add(iri, RDFS.label, lit(label))
                    payee_iri[payee_key] = iri
            iri = payee_iri[payee_key]
            add(iri, SG.mentionedIn, src)
            node = uri("spend", local, payee_key, month)
            add(node, RDF.type, SG.Spend)
            add(node, RDFS.label, lit(f"{buyer_label} to {payee_name}, {month}"))
            add(node, SG.payer, buyer_iri)
            add(node, SG.payee, iri)
            add(node, SG.month, lit(month, "gYearMonth"))
            add(node, SG.paymentCount, lit(counts[key], "integer"))
            add(node, PROV.wasDerivedFrom, src)
            for t in txids[key]:
                add(node, SG.transactionId, lit(t))
            if totals[key] >= 0:
                value = f"{node}/value"
                add(node, SG.value, value)
                add(value, RDF.type, EPO.MonetaryValue)
                add(value, RDFS.label, lit(f"£{totals[key]:,.2f} paid in {month}"))
                add(value, EPO.hasAmountValue, lit(totals[key], "decimal"))
                add(value, EPO.hasCurrency, CUR.GBP)
                add(value, SG.valueKind, SG.Expenditure)
                add(value, PROV.wasDerivedFrom, src)
            else:
                result.warnings.append(f"{path}: {payee_name} in {month}: net total {totals[key]} is "
                                       f"negative (credits exceed payments); no money figure recorded")
            result.spend_nodes += 1
        result.payees = len([k for k in payee_iri if k != WITHHELD])
        result.triples = sink.count
    result.resolution = resolver.report()
    return result
