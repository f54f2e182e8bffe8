"""Importing OCDS and spend CSVs: quirks survived, entities joined, numbers derived by hand.

Fixtures (tests/fixtures/) are shaped like Contracts Finder (ocds-b5fd17) release and
record packages, Find a Tender (ocds-h6vhtk) JSON Lines, a bare array of releases, and
council spend files with different headers and encodings.
"""

import json

import pytest
import rdflib

from graph.cli.main import cli

from conftest import DATA, ROOT

FIX = ROOT / "tests" / "fixtures"
OCDS = [FIX / "ocds" / n for n in ("contracts-finder-release-package.json", "find-a-tender.jsonl",
                                   "record-package.json", "releases-array.json")]
ID = "https://w3id.org/supplier-graph/id/"
SG = rdflib.Namespace("https://w3id.org/supplier-graph/ontology#")
TOWER = "https://w3id.org/supplier-graph/tower/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from click.testing import CliRunner
    out = tmp_path_factory.mktemp("ingest") / "mine.ttl"
    result = CliRunner().invoke(cli, ["ingest", "ocds", *map(str, OCDS), "--out", str(out), "--report"])
    assert result.exit_code == 0, result.stderr
    return out, result.stderr, rdflib.Graph().parse(out, format="turtle")


def _label(g, iri):
    return str(g.value(rdflib.URIRef(iri), rdflib.RDFS.label))


def test_counts_and_summary(imported):
    out, stderr, g = imported
    assert stderr.splitlines()[-1] == (
        f"{out}: 10 of 11 releases ingested (1 skipped) as 10 contracting processes: 7 contracts, 1 call-offs, "
        f"1 frameworks (2 panel places); money figures: 2 award value, 2 contract value, 2 placeholder, "
        f"2 tender estimate; 0 superseded by a later release; 6 new organisations, 10 merged, 1 suggested; "
        f"{len(g)} triples")


def test_new_organisations(imported):
    _, stderr, g = imported
    new = sorted(l[len("new: <"):-1] for l in stderr.splitlines() if l.startswith("new: "))
    assert new == [ID + "org/computacentre", ID + "org/gb-coh-01584718", ID + "org/gb-coh-02174990",
                   ID + "org/gb-coh-02299747", ID + "org/gb-coh-oc300001", ID + "org/gb-gor-ea1126"]
    assert _label(g, ID + "org/gb-coh-oc300001") == "Ernst & Young LLP"  # HTML entity decoded
    assert _label(g, ID + "org/gb-coh-01584718") == "Computacenter (UK) Limited"


def test_merged_into_existing_entities(imported):
    _, stderr, g = imported
    merged = {l.split("'")[1]: l.split("<")[1].split(">")[0] for l in stderr.splitlines() if l.startswith("merged: ")}
    assert merged["Bromley Council"] == merged["London Borough of Bromley"] == ID + "bromley"
    assert merged["British Telecommunications plc"] == ID + "bt"
    assert merged["Lewisham Council"] == ID + "lewisham"
    assert merged["Metropolitan Police Service"] == ID + "met"
    assert merged["Accenture (UK) Limited"] == ID + "accenture"
    # the same company under another spelling and a zero-stripped Companies House number
    assert merged["COMPUTACENTER (UK) LIMITED"] == ID + "org/gb-coh-01584718"
    assert "(by identifier)" in next(l for l in stderr.splitlines() if "COMPUTACENTER" in l)


def test_near_match_is_only_suggested(imported):
    _, stderr, g = imported
    assert ("suggested: 'Computacentre Ltd' looks like Computacenter (UK) Limited "
            f"<{ID}org/gb-coh-01584718> (similarity 0.92)") in stderr
    assert _label(g, ID + "org/computacentre") == "Computacentre Ltd"


def test_towers_from_cpv_codes(imported):
    _, _, g = imported
    got = {str(c)[len(ID) + len("ocds/"):].split("/")[0]: str(t).rsplit("/", 1)[-1]
           for c, t in g.subject_objects(SG.tower)}
    assert got == {
        "ocds-b5fd17-0a1b2c3d-0001": "ICTSupport",        # 72253000 helpdesk and support
        "ocds-b5fd17-0a1b2c3d-0002": "Network",           # 72700000-7, check digit ignored
        "ocds-b5fd17-0a1b2c3d-0003": "DataCentre",        # 72514000 computer facilities management
        "ocds-b5fd17-77a1c3": "Hosting",                  # 72415000
        "ocds-b5fd17-99zz01": "ApplicationSupport",       # 72267000, from an award's items
    }  # 30213100 (laptops), 79512000 (call centre) and 30200000 map to no IT tower


def test_quirks(imported):
    _, stderr, g = imported
    assert "value Decimal('1E+9999') is not finite; recorded as unknown" in stderr
    EPO = rdflib.Namespace("http://data.europa.eu/a4g/ontology#")
    for ocid, amount in (("0003", 0.0), ("0004", 0.01)):  # placeholders are kept as such, never as money
        figure = g.value(rdflib.URIRef(ID + f"ocds/ocds-b5fd17-0a1b2c3d-{ocid}/award/1"), SG.value)
        assert g.value(figure, SG.valueKind) == SG.PlaceholderValue
        assert float(g.value(figure, EPO.hasAmountValue)) == amount
    assert "supplier name 'Provision of Managed Print Services' looks like a project title" in stderr
    assert "ocds-b5fd17-0a1b2c3d-0005 (1 release(s)) skipped: it names no buyer or procuring entity" in stderr
    award = rdflib.URIRef(ID + "ocds/ocds-b5fd17-0a1b2c3d-0002/award/1")  # an award with no contracts array
    assert g.value(award, SG.supplier) == rdflib.URIRef(ID + "bt")
    assert g.value(award, SG.value) is None
    print_contract = rdflib.URIRef(ID + "ocds/ocds-b5fd17-0a1b2c3d-0004/award/1")
    # awarded, to a supplier the source does not name: the status stays, the supplier is unknown
    assert g.value(print_contract, SG.status) == SG.Awarded and g.value(print_contract, SG.supplier) is None
    assert str(g.value(print_contract, SG.supplierNotKnown)) == "the source names no supplier that is an organisation"
    assert not any("x_cf" in str(p) for p in g.predicates())  # extension fields ignored
    # an empty identifier scheme gives no identifier
    assert g.value(rdflib.URIRef(ID + "org/computacentre"), rdflib.URIRef("http://www.w3.org/ns/adms#identifier")) is None


def test_contract_value_period_status_and_provenance(imported):
    _, _, g = imported
    c = rdflib.URIRef(ID + "ocds/ocds-b5fd17-0a1b2c3d-0001/contract/brom-ict-2024-01-c1")
    assert g.value(c, SG.status) == SG.Live
    assert str(g.value(c, SG.endDate)) == "2026-03-31"
    value = g.value(c, SG.value)
    assert float(g.value(value, rdflib.URIRef("http://data.europa.eu/a4g/ontology#hasAmountValue"))) == 250000.0
    src = g.value(c, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    DC = rdflib.namespace.DCTERMS
    assert str(g.value(src, DC.publisher)) == "Crown Commercial Service"
    assert str(g.value(src, DC.identifier)) == "ocds-b5fd17-0a1b2c3d-0001-award-1"
    assert str(g.value(src, DC.license)).startswith("http://www.nationalarchives.gov.uk/doc/open-government-licence")
    assert str(g.value(src, DC.source)).startswith("https://www.contractsfinder.service.gov.uk/")


def test_frameworks_and_call_offs(imported):
    _, _, g = imported
    fw = rdflib.URIRef(ID + "ocds/ocds-h6vhtk-04c1d2/framework")
    assert (fw, rdflib.RDF.type, SG.Framework) in g
    assert {str(s) for s in g.objects(fw, SG.supplier)} == {
        ID + "org/gb-coh-02174990", ID + "org/gb-coh-01584718", ID + "org/computacentre"}
    assert str(g.value(fw, SG.classificationBasis)) == "tender.techniques.hasFrameworkAgreement"
    estimate = g.value(fw, SG.value)  # tender.value: the buyer's estimate, not a ceiling any award stated
    assert g.value(estimate, SG.valueKind) == SG.TenderEstimate
    assert not list(g.subjects(SG.valueKind, SG.FrameworkCeiling))
    call_off = rdflib.URIRef(ID + "ocds/ocds-h6vhtk-04c1e9/contract/mps-laptops-2024-1")
    assert (call_off, rdflib.RDF.type, SG.CallOff) in g and g.value(call_off, SG.viaFramework) == fw


def test_record_packages(imported):
    _, _, g = imported
    merged = rdflib.URIRef(ID + "ocds/ocds-b5fd17-77a1b2/award/1")  # tender and award releases merged
    assert g.value(merged, SG.buyer) == rdflib.URIRef(ID + "westminster")
    assert g.value(merged, SG.supplier) == rdflib.URIRef(ID + "org/gb-coh-02299747")
    compiled = rdflib.URIRef(ID + "ocds/ocds-b5fd17-77a1c3/tender")
    assert g.value(compiled, SG.status) == SG.InProcurement
    assert g.value(compiled, SG.tower) == rdflib.URIRef(TOWER + "Hosting")


def test_reingesting_gives_the_same_file(imported, runner, tmp_path):
    out, _, _ = imported
    again = tmp_path / "again.ttl"
    assert runner.invoke(cli, ["ingest", "ocds", *map(str, OCDS), "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_output_validates_with_the_bundled_graph(imported, runner):
    out, _, _ = imported
    result = runner.invoke(cli, ["validate", str(DATA), str(out)])
    assert result.exit_code == 0, result.output


def test_awkward_text_and_huge_amounts_round_trip(runner, tmp_path):
    """The importer writes its terms itself: a release id with a quote, a backslash and a
    line break, and an amount too large for a float's plain form (1e21), come back exactly
    when the output is parsed, and the amount as an xsd:decimal, which has no exponent."""
    rid = 'notice "7"\\v2\nrevised'
    release = {"ocid": "ocds-b5fd17-awkward", "id": rid, "date": "2025-01-01T00:00:00Z", "tag": ["award"],
               "parties": [{"id": "B", "name": "Bromley Council", "roles": ["buyer"]},
                           {"id": "S", "name": "Acme Systems Ltd", "roles": ["supplier"]}],
               "buyer": {"id": "B", "name": "Bromley Council"},
               "tender": {"title": "Hosting"},
               "awards": [{"id": "a1", "status": "active", "suppliers": [{"id": "S", "name": "Acme Systems Ltd"}],
                           "value": {"amount": 1e21, "currency": "GBP"}}]}
    src = tmp_path / "awkward.json"
    src.write_text(json.dumps({"releases": [release]}))
    out = tmp_path / "awkward.ttl"
    assert runner.invoke(cli, ["ingest", "ocds", str(src), "--out", str(out)]).exit_code == 0
    g = rdflib.Graph().parse(out, format="turtle")
    assert {str(o) for o in g.objects(None, rdflib.DCTERMS.identifier)} == {rid}
    amounts = list(g.objects(None, rdflib.URIRef("http://data.europa.eu/a4g/ontology#hasAmountValue")))
    assert [(a.datatype, a.value) for a in amounts] == [(rdflib.XSD.decimal, 10 ** 21)]
    assert '"1000000000000000000000"^^' in out.read_text()


def test_aliases_file_confirms_a_merge(runner, tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(f"name,iri\nComputacentre Ltd,{ID}org/gb-coh-01584718\n")
    out = tmp_path / "x.ttl"
    result = runner.invoke(cli, ["ingest", "ocds", *map(str, OCDS), "--out", str(out), "--aliases", str(aliases),
                                 "--report"])
    assert f"merged: 'Computacentre Ltd' -> Computacenter (UK) Limited <{ID}org/gb-coh-01584718> (by alias)" in result.stderr
    assert "org/computacentre" not in out.read_text()


@pytest.mark.parametrize("content, message", [
    (b"ocid,title\n1,2\n", "not JSON (it starts with b'ocid,title"),
    (b'{"name": "not ocds"}', "not OCDS: no 'releases', 'records' or 'ocid' at the top level (found: name)"),
    (b'{"releases": [{"ocid": "x", }]}', "not valid JSON"),
])
def test_bad_files_exit_2_and_write_nothing(runner, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    out = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["ingest", "ocds", str(OCDS[0]), str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}") and message in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


# -- spend CSVs

def test_spend_on_top_of_the_bundled_graph_and_an_import(imported, runner, tmp_path):
    ocds_out, _, _ = imported
    out = tmp_path / "spend.ttl"
    result = runner.invoke(cli, ["--data", str(DATA), "--data", str(ocds_out), "ingest", "spend-csv",
                                 str(FIX / "spend" / "bromley-spend-2024-04.csv"), "--buyer", "Bromley Council",
                                 "--out", str(out), "--report"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{out}: 7 payments (£6,499.99) to 4 payees in 6 payee-months; 1 payments to private individuals or "
        f"redacted payees (£650.00) summed per month, unnamed; 0 rows skipped; read as utf-8-sig")
    assert f"merged: 'Computacentre Ltd' -> Computacentre Ltd <{ID}org/computacentre> (by name)" in result.stderr
    assert f"new: <{ID}org/acme-facilities>" in result.stderr
    g = rdflib.Graph().parse(out)
    bt_april = rdflib.URIRef(ID + "spend/bromley/bt/2024-04")
    assert int(g.value(bt_april, SG.paymentCount)) == 2
    assert float(g.value(g.value(bt_april, SG.value), rdflib.URIRef("http://data.europa.eu/a4g/ontology#hasAmountValue"))) == 2000.0
    assert sorted(map(str, g.objects(bt_april, SG.transactionId))) == ["T0001", "T0002"]
    assert not any("redacted" in str(o).lower() for o in g.objects(None, rdflib.RDFS.label))
    # and the whole thing works with every command: the report over all three files
    report = runner.invoke(cli, ["--data", str(DATA), "--data", str(ocds_out), "--data", str(out),
                                 "report", "--format", "json"])
    data = json.loads(report.stdout)
    assert data["summary"][0] == "7 public bodies buy from 11 suppliers under 23 counted contracts."
    assert runner.invoke(cli, ["validate", str(DATA), str(ocds_out), str(out)]).exit_code == 0


@pytest.mark.parametrize("name, encoding, payments, total, payees", [
    ("utf8-bom-vendor.csv", "utf-8-sig", 2, "£4,000.00", 1),
    # Excel's "Unicode text": UTF-16, tabs; a time of day in the dates; £1,200 less a 200.00- credit
    ("utf16-tabs.txt", "utf-16", 2, "£1,000.00", 1),
    ("cp1252-beneficiary.csv", "cp1252", 3, "£20,095.50", 2),
    ("total-excludes-vat.csv", "utf-8-sig", 1, "£4,000.00", 1),
])
def test_spend_header_variants_and_encodings(runner, tmp_path, name, encoding, payments, total, payees):
    out = tmp_path / "s.ttl"
    result = runner.invoke(cli, ["ingest", "spend-csv", str(FIX / "spend" / name), "--buyer", "Lewisham",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    last = result.stderr.splitlines()[-1]
    assert f": {payments} payments ({total}) to {payees} payees" in last and last.endswith(f"read as {encoding}")


def test_cp1252_names_are_decoded(runner, tmp_path):
    out = tmp_path / "s.ttl"
    runner.invoke(cli, ["ingest", "spend-csv", str(FIX / "spend" / "cp1252-beneficiary.csv"), "--buyer", "Lewisham",
                        "--out", str(out)])
    assert "Café Nero" in out.read_text(encoding="utf-8")


def test_missing_columns_is_a_clear_error_and_column_option_fixes_it(runner, tmp_path):
    path = FIX / "spend" / "missing-columns.csv"
    out = tmp_path / "s.ttl"
    result = runner.invoke(cli, ["ingest", "spend-csv", str(path), "--buyer", "Lewisham", "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.startswith(f"error: {path}: no column for amount, date (looked for amount: 'amount'")
    assert "the file's columns are 'Payee', 'Cost', 'When'; name yours with --column amount=HEADER" in result.stderr
    result = runner.invoke(cli, ["ingest", "spend-csv", str(path), "--buyer", "Lewisham", "--out", str(out),
                                 "--column", "amount=Cost", "--column", "date=When"])
    assert result.exit_code == 0 and out.exists()


def test_new_buyer_is_added(runner, tmp_path):
    out = tmp_path / "s.ttl"
    result = runner.invoke(cli, ["ingest", "spend-csv", str(FIX / "spend" / "total-excludes-vat.csv"),
                                 "--buyer", "Newtown District Council", "--out", str(out)])
    assert "note: 'Newtown District Council' is not in the graph; it is added as a new public body" in result.stderr
    assert runner.invoke(cli, ["validate", str(DATA), str(out)]).exit_code == 0


def test_each_lot_award_is_a_contract_for_its_own_lot(runner, tmp_path):
    """A Find a Tender process of two lots (hosting, network), an award for each, and a
    contract release for the first: each contract has its own supplier, its lot's tower
    only, its lot in its name, and the first its signed value and period."""
    out = tmp_path / "lots.ttl"
    assert runner.invoke(cli, ["ingest", "ocds", str(FIX / "ocds" / "find-a-tender-lots.json"),
                               "--out", str(out)]).exit_code == 0
    assert runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0
    result = runner.invoke(cli, ["--data", str(out), "--as-of", "2025-01-01", "timeline", "--format", "json"])
    rows = {r["label"]: r for r in json.loads(result.stdout)["rows"]}
    hosting, network = rows["ICT infrastructure (lot 1: Hosting)"], rows["ICT infrastructure (lot 2: Network)"]
    assert ([s["label"] for s in hosting["suppliers"]], hosting["towers"]) == (["Hostco Ltd"], ["Hosting services"])
    assert ([s["label"] for s in network["suppliers"]], network["towers"]) == (["Netco Limited"], ["Network services"])
    assert hosting["value"] == {"amount": 1_150_000.0, "currency": "GBP", "kind": "total"}  # the contract's, not the award's
    assert network["value"] == {"amount": 800_000.0, "currency": "GBP", "kind": "award"}
    assert (hosting["end"]["latest"], hosting["end_basis"], hosting["status"]) == ("2027-04-30", "stated", "live")
    assert hosting["end_with_options"]["latest"] == "2028-04-30"  # period.maxExtentDate


def test_headers_that_name_their_unit_or_format_are_recognised(runner, tmp_path):
    """"Payment Date (dd/mm/yyyy)", "Amount (GBP)", "Supplier/Payee Name", with "Supplier ID"
    beside it: no --column needed. Acme: £1,200 less a £200 credit note = £1,000 net; the
    private individual's £650 unnamed."""
    out = tmp_path / "s.ttl"
    result = runner.invoke(cli, ["ingest", "spend-csv", str(FIX / "spend" / "units-in-headers.csv"),
                                 "--buyer", "Lewisham", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert (": 2 payments (£1,000.00) to 1 payees in 2 payee-months; 1 payments to private individuals or "
            "redacted payees (£650.00) summed per month") in result.stderr
    g = rdflib.Graph().parse(out)
    assert not any("OTHER" in str(o) for o in g.objects(None, rdflib.RDFS.label))
    amounts = sorted(float(a) for a in g.objects(None, rdflib.URIRef("http://data.europa.eu/a4g/ontology#hasAmountValue")))
    assert amounts == [650.0, 1000.0]
