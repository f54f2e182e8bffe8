"""Find a Tender's shapes (tests/fixtures/ocds/find-a-tender-panels.json, written in the
shape of its OCDS for the EU profile): a framework lot said so only by the lot's
techniques, a lot whose awards each name one supplier and repeat one value, withheld
supplier names, and party ids that number parties within one release. Every figure is
read off the fixture by hand.

Process 0b0001 (Eastshire County Council): lot 1 is a framework by its techniques,
maximum £6m; its three awards go to Alpha, Beta and Gamma, at £6m, £5.5m and £6m. Lot 2
is a contract to Delta: award £450,000, contract £420,000. Process 0b0002 (Westshire
Police): one lot, two awards of £2m each, to Omega and to Sigma, and no technique.
"""

import json

import rdflib

from graph.cli.main import cli

from conftest import ROOT

PANELS = ROOT / "tests" / "fixtures" / "ocds" / "find-a-tender-panels.json"
ID = "https://w3id.org/supplier-graph/id/"
SG = rdflib.Namespace("https://w3id.org/supplier-graph/ontology#")
EPO = rdflib.Namespace("http://data.europa.eu/a4g/ontology#")


def _ingest(runner, tmp_path, *files):
    out = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["ingest", "ocds", *map(str, files), "--out", str(out), "--report"])
    assert result.exit_code == 0, result.stderr
    return out, result.stderr, rdflib.Graph().parse(out)


def _json(runner, *args):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _ceilings(g, node):
    return sorted(float(g.value(v, EPO.hasAmountValue)) for v in g.objects(rdflib.URIRef(node), SG.value)
                  if g.value(v, SG.valueKind) == SG.FrameworkCeiling)


def test_lot_techniques_and_a_repeated_value_make_panels(runner, tmp_path):
    out, stderr, g = _ingest(runner, tmp_path, PANELS)
    assert ("2 of 2 releases ingested (0 skipped) as 2 contracting processes: 1 contracts, 0 call-offs, "
            "2 frameworks (5 panel places); money figures: 1 contract value, 3 framework ceiling") in stderr
    lot1 = ID + "ocds/ocds-h6vhtk-0b0001/framework/lot/1"
    assert str(g.value(rdflib.URIRef(lot1), SG.classificationBasis)) == "tender.lots[1].techniques.hasFrameworkAgreement"
    assert len(set(g.objects(rdflib.URIRef(lot1), SG.supplier))) == 3
    assert _ceilings(g, lot1) == [5_500_000.0, 6_000_000.0]  # £6m stated twice and as the maximum: once
    police = ID + "ocds/ocds-h6vhtk-0b0002/framework"
    assert _ceilings(g, police) == [2_000_000.0]
    assert "repeat one value, GBP 2,000,000" in str(g.value(rdflib.URIRef(police), SG.classificationBasis))
    counts = _json(runner, "--data", str(out), "stats", "--format", "json")["counts"]
    assert (counts["frameworks"], counts["contracts"]) == (2, 1)
    assert runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0


def test_no_panel_member_is_given_a_ceiling_as_value_at_risk(runner, tmp_path):
    out, _, _ = _ingest(runner, tmp_path, PANELS)
    for name in ("Alpha Digital", "Beta Networks", "Gamma Cloud", "Omega Consulting", "Sigma Systems"):
        got = _json(runner, "--data", str(out), "impact", name, "--format", "json")
        assert got["value_at_risk"] == {} and got["buyers"] == [], name
    alpha = runner.invoke(cli, ["--data", str(out), "impact", "Alpha Digital"])
    # one framework stating £6m and £5.5m has £6m of headroom, not £11.5m
    assert "sits on 1 framework panel with £6m of framework headroom" in alpha.stdout
    delta = _json(runner, "--data", str(out), "impact", "Delta Support", "--format", "json")
    assert delta["value_at_risk"] == {"total": 420_000.0}  # the contract's value, not the award's
    report = _json(runner, "--data", str(out), "report", "--format", "json")
    assert [(s["label"], m["amount"]) for s in report["suppliers"] for m in s["known_value"]] == \
        [("Delta Support Ltd", 420_000.0)]


def test_party_ids_local_to_a_release_join_nobody(runner, tmp_path):
    """GB-FTS-1 is Eastshire County Council in one release and Westshire Police in the
    other: Find a Tender numbers parties within a release."""
    _, _, g = _ingest(runner, tmp_path, PANELS)
    buyers = {str(g.value(b, rdflib.RDFS.label)) for b in g.objects(None, SG.establishedBy)}
    assert buyers == {"Eastshire County Council", "Westshire Police"}
    assert not any("gb-fts" in str(s) for s in g.subjects())
    alpha = ID + "org/gb-coh-01111111"  # a Companies House number is an identity
    assert str(g.value(rdflib.URIRef(alpha), rdflib.RDFS.label)) == "Alpha Digital Ltd"


def test_a_withheld_supplier_is_not_an_organisation(runner, tmp_path):
    """Procurement Act notices may withhold a supplier ("Withheld Section94 supplier"):
    two such awards are not one company, and the contract's supplier is unknown."""
    release = {"ocid": "ocds-h6vhtk-0c{}", "id": "02000{}-2026", "date": "2026-03-09T10:23:33Z", "tag": ["award"],
               "buyer": {"id": "GB-PPON-PHQL-7266-VRLH", "name": "Northshire Borough Council"},
               "parties": [{"id": "GB-PPON-PHQL-7266-VRLH", "name": "Northshire Borough Council", "roles": ["buyer"],
                            "identifier": {"scheme": "GB-PPON", "id": "PHQL-7266-VRLH"}},
                           {"id": "GB-PPON-PGYY-2165-QXNQ", "name": "Withheld Section94 supplier - 2nd profile",
                            "roles": ["supplier"], "identifier": {"scheme": "GB-PPON", "id": "PGYY-2165-QXNQ"}}],
               "tender": {"title": "Secure hosting {}", "status": "complete"},
               "awards": [{"id": "1", "status": "active", "suppliers": [{"id": "GB-PPON-PGYY-2165-QXNQ"}],
                           "value": {"amount": 30000.0, "amountGross": 36000.0, "currency": "GBP"}}]}
    text = json.dumps(release)
    path = tmp_path / "withheld.json"
    path.write_text("[" + ",".join(text.replace("{}", str(n)) for n in (1, 2)) + "]")
    out, stderr, g = _ingest(runner, tmp_path, path)
    assert "Withheld" not in out.read_text() and "Withheld" not in stderr
    assert len(set(g.subjects(SG.supplierNotKnown, None))) == 2
    assert list(g.subjects(rdflib.RDF.type, SG.Supplier)) == []


def test_a_company_named_for_data_protection_keeps_its_name(runner, tmp_path):
    """"Data protection" in a payee's name often means the name was withheld, but not in
    a company's own name: "The Data Protection People Ltd" stays named, and its contract
    keeps its supplier; a supplier named "Withheld - Data Protection" is not named."""
    def release(n, name):
        return {"ocid": f"ocds-h6vhtk-0e000{n}", "id": f"04000{n}-2026", "date": "2026-02-0{n}T10:00:00Z",
                "tag": ["award"], "buyer": {"id": "b", "name": "Southshire Council"},
                "parties": [{"id": "b", "name": "Southshire Council", "roles": ["buyer"]},
                            {"id": "s", "name": name, "roles": ["supplier"]}],
                "tender": {"title": f"Records audit {n}", "status": "complete"},
                "awards": [{"id": "1", "status": "active", "suppliers": [{"id": "s"}],
                            "value": {"amount": 40000, "currency": "GBP"}}]}
    path = tmp_path / "dp.json"
    path.write_text(json.dumps([release(1, "The Data Protection People Ltd"), release(2, "Withheld - Data Protection")]))
    out, _, g = _ingest(runner, tmp_path, path)
    assert [str(g.value(s, rdflib.RDFS.label)) for s in g.subjects(rdflib.RDF.type, SG.Supplier)] == \
        ["The Data Protection People Ltd"]
    assert "Withheld" not in out.read_text()
    assert len(set(g.subjects(SG.supplierNotKnown, None))) == 1


def test_one_name_two_company_numbers_is_two_companies(runner, tmp_path):
    """Two notices name "Acme Solutions Ltd" with different Companies House numbers, a
    third with the second number in additionalIdentifiers beside a PPON: two companies,
    the third joins the second by its number, and the name match is only suggested."""
    def release(n, party):
        return {"ocid": f"ocds-h6vhtk-0d000{n}", "id": f"03000{n}-2026", "date": "2026-01-0{n}T10:00:00Z",
                "tag": ["award"], "buyer": {"id": "b", "name": "Southshire Council"},
                "parties": [{"id": "b", "name": "Southshire Council", "roles": ["buyer"]}, {**party, "id": "s"}],
                "tender": {"title": f"Service desk {n}", "status": "complete"},
                "awards": [{"id": "1", "status": "active", "suppliers": [{"id": "s"}],
                            "value": {"amount": 100000 * n, "currency": "GBP"}}]}
    path = tmp_path / "acme.json"
    path.write_text(json.dumps([
        release(1, {"name": "Acme Solutions Ltd", "identifier": {"scheme": "GB-COH", "id": "1234567"}}),
        release(2, {"name": "ACME SOLUTIONS LIMITED", "identifier": {"scheme": "GB-COH", "id": "07654321"}}),
        release(3, {"name": "Acme Solutions", "identifier": {"scheme": "GB-PPON", "id": "PABC-1234-WXYZ"},
                    "additionalIdentifiers": [{"scheme": "GB-COH", "id": "7654321"}]})]))
    _, stderr, g = _ingest(runner, tmp_path, path)
    suppliers = {str(s): {str(o) for o in g.objects(None, SG.supplier) if o == s}
                 for s in g.subjects(rdflib.RDF.type, SG.Supplier)}
    assert sorted(suppliers) == [ID + "org/gb-coh-01234567", ID + "org/gb-coh-07654321"]
    second = rdflib.URIRef(ID + "org/gb-coh-07654321")
    assert len([c for c in g.subjects(SG.supplier, second)]) == 2
    assert ("suggested: 'ACME SOLUTIONS LIMITED' looks like Acme Solutions Ltd <" + ID + "org/gb-coh-01234567> (the "
            "same name, another registered number: two companies unless you know otherwise)") in stderr
    assert "merged: 'Acme Solutions'" in stderr and "(by identifier)" in stderr


PCS = ROOT / "tests" / "fixtures" / "realdata" / "pcs-scotland_three-tenders_releases_array.json"


def _republication(tmp_path):
    """Find a Tender's copy of the real PCS tender ocds-r6ebe6-0000581503 (University of
    Edinburgh, £1.5m estimate), minted under its own ocid and party numbers and linked
    back to the PCS notice as canonical, as OCDS's guidance shows for these two."""
    copy = {"ocid": "ocds-h6vhtk-0395de", "id": "000521-2019", "date": "2019-05-01T12:26:29Z", "tag": ["tender"],
            "buyer": {"id": "GB-FTS-2273", "name": "University Of Edinburgh"},
            "parties": [{"id": "GB-FTS-2273", "name": "University Of Edinburgh", "roles": ["buyer"]}],
            "tender": {"id": "ocds-h6vhtk-0395de", "title": "Media buying agency for on and off line advertising space",
                       "status": "active", "value": {"amount": 1500000, "currency": "GBP"}},
            "links": [{"rel": "canonical",
                       "href": "https://api.publiccontractsscotland.gov.uk/v1/Notice?id=ocds-r6ebe6-0000581503"}]}
    path = tmp_path / "fts-copy.json"
    path.write_text(json.dumps({"uri": "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages",
                                "publisher": {"name": "Find a Tender"}, "releases": [copy]}))
    return path


def test_a_republished_notice_is_one_process(runner, tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    pcs_out, pcs_err, _ = _ingest(runner, alone, PCS)
    copy = _republication(tmp_path)
    out, stderr, g = _ingest(runner, tmp_path, copy, PCS)  # the copy first: the original may come later
    assert ("4 of 4 releases ingested (0 skipped) as 3 contracting processes: 1 contracts, 0 call-offs, "
            "2 frameworks (0 panel places); money figures: 3 tender estimate; 0 superseded by a later release; "
            "1 republished by another publisher and counted once;") in stderr
    (fts, pcs), = g.subject_objects(rdflib.URIRef("http://www.w3.org/ns/prov#alternateOf"))
    assert str(fts).endswith("ocds-h6vhtk-0395de/000521-2019")
    assert str(pcs).endswith("ocds/ocds-r6ebe6-0000581503/ocds-r6ebe6-0000581503-2019-04-26t00-00-00z")
    mine = _json(runner, "--data", str(out), "stats", "--format", "json")["counts"]
    theirs = _json(runner, "--data", str(pcs_out), "stats", "--format", "json")["counts"]
    assert mine["contracts"] == theirs["contracts"] and mine["frameworks"] == theirs["frameworks"]
    assert mine["sources"] == theirs["sources"] + 1
    assert runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0
    # without its original, the copy is a process of its own
    _, stderr, _ = _ingest(runner, alone, copy)
    assert "as 1 contracting processes" in stderr and "counted once" not in stderr


def test_one_title_and_buyer_on_two_publishers_is_listed_not_joined(runner, tmp_path):
    """The same copy without its canonical link: one buyer, one title, two publishers.
    Nothing in the data joins them, so both stay and --report lists the pair."""
    copy = _republication(tmp_path)
    data = json.loads(copy.read_text())
    del data["releases"][0]["links"]
    copy.write_text(json.dumps(data))
    _, stderr, _ = _ingest(runner, tmp_path, PCS, copy)
    assert "as 4 contracting processes" in stderr and "1 possibly published twice (see --report)" in stderr
    assert ("same notice?: ocds-r6ebe6-0000581503 and ocds-h6vhtk-0395de are published by two publishers with "
            "one buyer and one title; not joined") in stderr


def test_a_copy_of_a_copy_is_the_same_process(runner, tmp_path):
    copy = _republication(tmp_path)
    data = json.loads(copy.read_text())
    second = {**data["releases"][0], "ocid": "ocds-kuma6s-0000000001", "id": "rls-1-WAL1",
              "links": [{"rel": "canonical", "href": "https://www.find-tender.service.gov.uk/api/1.0/"
                                                   "ocdsRecordPackages/ocds-h6vhtk-0395de"}]}
    again = tmp_path / "copy-of-copy.json"
    again.write_text(json.dumps([second]))
    out, stderr, g = _ingest(runner, tmp_path, again, copy, PCS)
    assert "5 of 5 releases ingested (0 skipped) as 3 contracting processes" in stderr
    assert "2 republished by another publisher and counted once" in stderr
    original = {o for _s, o in g.subject_objects(rdflib.URIRef("http://www.w3.org/ns/prov#alternateOf"))}
    assert len(original) == 1 and "ocds-r6ebe6-0000581503" in str(original.pop())


def test_gzipped_files_import_and_a_cut_one_is_bad_input(runner, tmp_path):
    """Bulk downloads come gzipped (the OCP Data Registry's .jsonl.gz): the same triples as
    the plain file; a file cut short is exit 2, naming it, and nothing is written."""
    import gzip
    plain = _ingest(runner, tmp_path, PANELS)[0].read_text().split("\n", 1)[1]
    packed = tmp_path / "panels.json.gz"
    packed.write_bytes(gzip.compress(PANELS.read_bytes()))
    (tmp_path / "z").mkdir()
    assert _ingest(runner, tmp_path / "z", packed)[0].read_text().split("\n", 1)[1] == plain
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(packed.read_bytes()[:400])
    result = runner.invoke(cli, ["ingest", "ocds", str(cut), "--out", str(tmp_path / "cut.ttl")])
    assert result.exit_code == 2 and not (tmp_path / "cut.ttl").exists()
    assert f"{cut}: the gzip file is cut short or damaged" in result.stderr
