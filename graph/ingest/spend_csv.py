"""Council "spending over £500" CSVs (Local Government Transparency Code) into RDF.

Every council words its headers differently; columns are found through an alias table
(:data:`COLUMN_ALIASES`) that ``--column FIELD=HEADER`` extends. Encodings UTF-8, UTF-8
with a byte-order mark and Windows-1252 are read. Payments are aggregated per payee per
month into ``sg:Spend`` nodes: the total (``sg:value``, kind expenditure), the number of
payments and their transaction ids. Payees that are redacted or look like private
individuals are never turned into organisations; their payments are counted in the
report only.
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

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..errors import InputError
from ..namespaces import CUR, EPO, PROV, SG
from .rdfout import TripleSink, uri
from .resolve import Resolver, normalise_org_name

__all__ = ["COLUMN_ALIASES", "ingest_spend_csv", "SpendResult", "parse_amount", "parse_date", "is_redacted"]

#: field -> header names seen in real councils' files (compared case- and punctuation-blind)
COLUMN_ALIASES = {
    "supplier": ["supplier", "supplier name", "vendor name", "vendor", "beneficiary", "payee", "payee name",
                 "merchant name", "creditor name", "creditor", "supplier / payee"],
    "amount": ["amount", "net amount", "net amount £", "amount £", "amount (£)", "total (excludes vat)",
               "total excluding vat", "net value", "value", "total", "amount excl vat", "line amount"],
    "date": ["date", "paid date", "payment date", "transaction date", "date paid", "invoice date",
             "posting date", "effective date"],
    "transaction": ["transaction id", "transaction number", "transaction no", "transaction ref",
                    "payment reference", "reference", "invoice number", "document number", "doc no"],
}
_REDACTED = re.compile(r"redact|personal data|private individual|^individuals?$|name withheld|withheld|"
                       r"data protection|not disclosed|^\W*$|^x+$", re.I)
_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y",
                 "%d %B %Y", "%d.%m.%Y", "%Y/%m/%d"]


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
    h = (h or "").replace("\ufeff", "").replace("£", " £ ").casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w£/]+", " ", h)).strip()


def parse_amount(text: str) -> Decimal | None:
    """A money cell as a Decimal; None if it is not one.

    >>> parse_amount("£1,234.50"), parse_amount("(250.00)"), parse_amount("-3"), parse_amount("n/a")
    (Decimal('1234.50'), Decimal('-250.00'), Decimal('-3'), None)
    """
    t = (text or "").strip().replace("£", "").replace(",", "").replace(" ", "")
    negative = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
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
    """
    t = (text or "").strip()
    if re.match(r"\d{4}-\d{2}-\d{2}[T ]", t):
        t = t[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    return None


def is_redacted(name: str) -> bool:
    """Payees that must not become organisations.

    >>> [is_redacted(n) for n in ("REDACTED", "Redacted - Personal Data", "Private Individual", "Acme Ltd")]
    [True, True, True, False]
    """
    return bool(_REDACTED.search((name or "").strip()))


def _find_columns(header: list[str], extra: dict[str, str], path: Path) -> dict[str, int]:
    normal = [_norm_header(h) for h in header]
    found: dict[str, int] = {}
    for name, aliases in COLUMN_ALIASES.items():
        wanted = [_norm_header(extra[name])] if name in extra else [_norm_header(a) for a in aliases]
        for w in wanted:
            if w in normal:
                found[name] = normal.index(w)
                break
    missing = [n for n in ("supplier", "amount", "date") if n not in found]
    if missing:
        looked = "; ".join(f"{m}: " + ", ".join(repr(a) for a in ([extra[m]] if m in extra else COLUMN_ALIASES[m]))
                           for m in missing)
        raise InputError(f"{path}: no column for {', '.join(missing)} (looked for {looked}); the file's "
                         f"columns are {', '.join(repr(h) for h in header)}; name yours with "
                         f"--column {missing[0]}=HEADER")
    return found


def _open_text(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: not a text CSV file (it contains NUL bytes)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # pragma: no cover - cp1252 leaves few bytes undecodable


def ingest_spend_csv(path: str | Path, out: str | Path, *, buyer_iri: str, buyer_label: str,
                     resolver: Resolver, columns: dict[str, str] | None = None,
                     new_buyer: bool = False) -> SpendResult:
    """Aggregate a spend CSV into ``sg:Spend`` facts at ``out`` (Turtle, written atomically)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    text, encoding = _open_text(path)
    result = SpendResult(encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or len(header) < 2:
        raise InputError(f"{path}: not a CSV file with a header row")
    cols = _find_columns(header, columns or {}, path)
    result.columns = {k: header[v] for k, v in cols.items()}

    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    txids: dict[tuple[str, str], list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for n, row in enumerate(reader, 2):
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        try:
            name = re.sub(r"\s+", " ", row[cols["supplier"]]).strip()
            amount = parse_amount(row[cols["amount"]])
            when = parse_date(row[cols["date"]])
        except IndexError:
            result.warnings.append(f"{path}:{n}: row has too few cells; skipped")
            result.skipped_rows += 1
            continue
        if amount is None or when is None:
            bad = "amount" if amount is None else "date"
            cell = row[cols[bad]]
            result.warnings.append(f"{path}:{n}: {bad} {cell!r} not understood; row skipped")
            result.skipped_rows += 1
            continue
        if is_redacted(name):
            result.redacted_payments += 1
            result.redacted_total += float(amount)
            continue
        key = (normalise_org_name(name) or name.casefold(), when.strftime("%Y-%m"))
        names.setdefault(key[0], name)
        totals[key] += amount
        counts[key] += 1
        if "transaction" in cols and cols["transaction"] < len(row) and row[cols["transaction"]].strip():
            txids[key].append(row[cols["transaction"]].strip())
        result.payments += 1
        result.total += float(amount)
    if result.payments == 0 and result.redacted_payments == 0:
        raise InputError(f"{path}: no payment row could be read"
                         + (f" ({result.warnings[-1]})" if result.warnings else ""))

    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    buyer = rdflib.URIRef(buyer_iri)
    with TripleSink(out, header=f"supplier-graph ingest spend-csv {path} --buyer {buyer_label!r}") as sink:
        add = sink.add
        src = uri("spend-file", digest)
        add(src, RDF.type, SG.SourceDocument)
        add(src, DCTERMS.title, rdflib.Literal(f"{path.name}: payments over £500 by {buyer_label}"))
        add(src, DCTERMS.publisher, rdflib.Literal(buyer_label))
        add(src, DCTERMS.identifier, rdflib.Literal(f"sha1:{digest}"))
        if new_buyer:
            add(buyer, RDF.type, SG.PublicBody)
            add(buyer, RDFS.label, rdflib.Literal(buyer_label))
        add(buyer, SG.mentionedIn, src)
        payee_iri: dict[str, rdflib.URIRef] = {}
        for key in sorted(totals):
            payee_key, month = key
            if payee_key not in payee_iri:
                name = names[payee_key]
                match = resolver.known(name)
                if match:
                    iri = rdflib.URIRef(match.iri)
                else:
                    iri = uri("org", payee_key)
                    resolver.add(str(iri), name)
                    result.new_organisations.append(str(iri))
                    add(iri, RDF.type, SG.Supplier)
                    add(iri, RDFS.label, rdflib.Literal(name))
                add(iri, SG.mentionedIn, src)
                payee_iri[payee_key] = iri
            node = uri("spend", buyer_iri.rsplit("/", 1)[-1], payee_key, month)
            add(node, RDF.type, SG.Spend)
            add(node, RDFS.label, rdflib.Literal(f"{buyer_label} to {names[payee_key]}, {month}"))
            add(node, SG.payer, buyer)
            add(node, SG.payee, payee_iri[payee_key])
            add(node, SG.month, rdflib.Literal(month, datatype=XSD.gYearMonth))
            add(node, SG.paymentCount, rdflib.Literal(counts[key], datatype=XSD.integer))
            add(node, PROV.wasDerivedFrom, src)
            for t in txids[key]:
                add(node, SG.transactionId, rdflib.Literal(t))
            if totals[key] >= 0:
                value = rdflib.URIRef(f"{node}/value")
                add(node, SG.value, value)
                add(value, RDF.type, EPO.MonetaryValue)
                add(value, RDFS.label, rdflib.Literal(f"£{totals[key]:,.2f} paid in {month}"))
                add(value, EPO.hasAmountValue, rdflib.Literal(totals[key], datatype=XSD.decimal))
                add(value, EPO.hasCurrency, CUR.GBP)
                add(value, SG.valueKind, SG.Expenditure)
                add(value, PROV.wasDerivedFrom, src)
            else:
                result.warnings.append(f"{path}: {names[payee_key]} in {month}: net total {totals[key]} is "
                                       f"negative (credits exceed payments); no money figure recorded")
            result.spend_nodes += 1
        result.payees = len(payee_iri)
        result.triples = sink.count
    result.resolution = resolver.report()
    return result
