"""Importing real published files (tests/fixtures/realdata/, copied from shared/realdata/):
every figure below is read off the JSON or CSV by hand.

- cf2020_apprenticeships-framework: a Contracts Finder award to 45 suppliers, £20m.
- cf2020_mod_defence-medical-it-futures: an MOD framework, 4 suppliers with GB-COH ids,
  tender value 0 and award value £3.
- cf2025_it-related: 31 Contracts Finder releases (award, tender, awardUpdate).
- cf2025_corrected-award: the award and awardUpdate of one ocid from that file, with the
  first release's amount changed by hand to 3,473,700 (the update says 34,737), as an
  upstream correction would be.
- pcs-scotland_three-tenders: a framework tender, a DPS tender and a plain tender.
- oxford-city-council and lambeth spend files.
"""

import json
import re

import pytest
import rdflib

from graph.cli.main import cli

from conftest import ROOT

REAL = ROOT / "tests" / "fixtures" / "realdata"
SHARED = ROOT.parent / "shared" / "realdata"
SG = rdflib.Namespace("https://w3id.org/supplier-graph/ontology#")
EPO = rdflib.Namespace("http://data.europa.eu/a4g/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def _ingest(runner, tmp_path, *files):
    out = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["ingest", "ocds", *map(str, files), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out, result.stderr, rdflib.Graph().parse(out)


def _spend(runner, tmp_path, path, buyer):
    """Import a spend file; its output, the command's stderr, and whether the output
    validates on its own."""
    out = tmp_path / "spend.ttl"
    result = runner.invoke(cli, ["ingest", "spend-csv", str(path), "--buyer", buyer, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out, result.stderr, runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0


def _json(runner, *args):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_panel_is_one_framework_with_its_members_and_ceiling(runner, tmp_path):
    out, stderr, g = _ingest(runner, tmp_path, REAL / "cf2020_apprenticeships-framework_release-package.json")
    assert "0 contracts, 0 call-offs, 1 frameworks (45 panel places)" in stderr.splitlines()[-1]
    (fw,) = g.subjects(rdflib.RDF.type, SG.Framework)
    assert len(set(g.objects(fw, SG.supplier))) == 45
    ceilings = [v for v in g.objects(fw, SG.value) if g.value(v, SG.valueKind) == SG.FrameworkCeiling]
    assert [float(g.value(v, EPO.hasAmountValue)) for v in ceilings] == [20_000_000.0]
    assert str(g.value(fw, SG.classificationBasis)).endswith(
        "names 45 suppliers with one value between them, which is owed in full to none of them")
    stats = _json(runner, "--data", str(out), "stats", "--format", "json")
    assert (stats["counts"]["frameworks"], stats["counts"]["contracts"]) == (1, 0)
    # a panel member: no value at risk from the ceiling, and it is told it sits on the framework
    member = str(g.value(next(iter(g.objects(fw, SG.supplier))), rdflib.RDFS.label))
    impact = _json(runner, "--data", str(out), "impact", member, "--format", "json")
    assert impact["value_at_risk"] == {} and impact["buyers"] == []
    assert [(f["panel"], f["ceilings"]) for f in impact["frameworks"]] == [
        (45, [{"amount": 20_000_000.0, "currency": "GBP", "kind": "ceiling"}])]
    assert any("sits on 1 framework panel with £20m of framework headroom" in n and "not value at risk" in n
               for n in impact["notes"])
    report = _json(runner, "--data", str(out), "report", "--format", "json")
    assert report["suppliers"] == [] and report["summary"][-1].startswith(
        "1 framework with 45 panel places: framework headroom of £20m in 1 stated ceiling")


def test_placeholders_are_kept_and_never_counted(runner, tmp_path):
    out, _, g = _ingest(runner, tmp_path, REAL / "cf2020_mod_defence-medical-it-futures_release-package.json")
    (fw,) = g.subjects(rdflib.RDF.type, SG.Framework)
    ids = sorted(str(g.value(i, rdflib.namespace.SKOS.notation))
                 for s in g.objects(fw, SG.supplier) for i in g.objects(s, rdflib.URIRef("http://www.w3.org/ns/adms#identifier")))
    assert ids == ["01788577", "02117205", "05272668", "11498931"]
    figures = sorted((str(g.value(v, SG.valueKind)).rsplit("#")[-1], float(g.value(v, EPO.hasAmountValue)))
                     for v in g.objects(fw, SG.value))
    assert figures == [("PlaceholderValue", 0.0), ("PlaceholderValue", 3.0)]  # tender value 0, award £3
    impact = _json(runner, "--data", str(out), "impact", "EGTON MEDICAL INFORMATION SYSTEMS LIMITED", "--format", "json")
    assert impact["value_at_risk"] == {} and impact["frameworks"][0]["ceilings"] == []


def test_releases_of_one_ocid_are_one_process_and_a_correction_supersedes(runner, tmp_path):
    out, stderr, g = _ingest(runner, tmp_path, REAL / "cf2025_corrected-award_releases_array.json")
    assert "2 of 2 releases ingested (0 skipped) as 1 contracting processes: 1 contracts" in stderr
    assert "1 superseded by a later release" in stderr
    (c,) = g.subjects(rdflib.RDF.type, SG.Contract)
    (current,) = g.objects(c, SG.value)
    assert (float(g.value(current, EPO.hasAmountValue)), g.value(current, SG.valueKind)) == (34737.0, SG.AwardValue)
    assert str(g.value(g.value(current, PROV.wasDerivedFrom), rdflib.namespace.DCTERMS.identifier)).endswith("-819899")
    (old,) = g.objects(c, SG.supersededValue)
    assert float(g.value(old, EPO.hasAmountValue)) == 3_473_700.0 and (current, PROV.wasRevisionOf, old) in g
    assert str(g.value(g.value(old, PROV.wasDerivedFrom), rdflib.namespace.DCTERMS.identifier)).endswith("-819887")
    shown = runner.invoke(cli, ["--data", str(out), "show", "ROSA devices for Telecoms Security Act"]).stdout
    assert "figures:\n  £34,737 award  [2]\n" in shown
    assert "£3.474m, superseded (release a77c7639-a95c-4324-8973-f613a9bad5a8-819887 of 2025-01-23)" in shown
    impact = _json(runner, "--data", str(out), "impact", "Cabinet Office", "--format", "json")
    assert impact["value_at_risk"] == {"total": 34737.0}  # the corrected figure alone, never the sum
    assert impact["buyers"][0]["contracts"][0]["total"] == 34737.0
    assert str(g.value(c, SG.statusDate)) == "2025-01-23" and str(g.value(c, SG.awardDate)) == "2024-12-02"
    assert (str(g.value(c, SG.startDate)), str(g.value(c, SG.endDate))) == ("2024-12-04", "2025-12-31")


def test_contracts_finder_2025_counts(runner, tmp_path):
    out, stderr, g = _ingest(runner, tmp_path, REAL / "cf2025_it-related_releases_array.json")
    # 31 releases, two of one ocid; 3 tenders with no award; 27 awards to one supplier each,
    # 7 of them "Call-off from a framework agreement"; tender values None, £40,000, £20,000
    assert ("31 of 31 releases ingested (0 skipped) as 30 contracting processes: 23 contracts, 7 call-offs, "
            "0 frameworks (0 panel places); money figures: 27 award value, 2 tender estimate;") in stderr
    stats = _json(runner, "--data", str(out), "stats", "--format", "json")
    assert (stats["counts"]["contracts"], stats["counts"]["call-offs"]) == (30, 7)
    assert runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0


def test_scottish_tenders_framework_and_dps_in_procurement(runner, tmp_path):
    out, stderr, g = _ingest(runner, tmp_path, REAL / "pcs-scotland_three-tenders_releases_array.json")
    assert "1 contracts, 0 call-offs, 2 frameworks (0 panel places)" in stderr
    dps = list(g.subjects(rdflib.RDF.type, SG.DynamicPurchasingSystem))
    assert len(dps) == 1 and (dps[0], rdflib.RDF.type, SG.Framework) in g
    for fw in g.subjects(rdflib.RDF.type, SG.Framework):  # no panel yet: the shapes accept that
        assert g.value(fw, SG.status) == SG.InProcurement and g.value(fw, SG.supplier) is None
        assert g.value(g.value(fw, SG.value), SG.valueKind) == SG.TenderEstimate
    assert runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0


def test_oxford_spend_never_names_private_individuals(runner, tmp_path):
    path = REAL / "oxford-city-council_expenditure-over-500_2018-jan-mar.csv"
    out, stderr, valid = _spend(runner, tmp_path, path, "Oxford City Council")
    people = [row.split(",")[-1] for row in path.read_text().splitlines()[1:]
              if re.match(r"(MR|MRS|MS|MISS|DR)\.? ", row.split(",")[-1], re.I)]
    unnamed = [row for row in path.read_text().splitlines()[1:] if row.endswith(",")]  # no supplier name at all
    assert (len(people), len(unnamed)) == (11, 9)
    assert "; 20 payments to private individuals or redacted payees (£19,748.67) summed per month" in stderr
    text = out.read_text()
    assert not any(p.strip() in text for p in people)
    assert valid


def test_lambeth_report_header_is_skipped(runner, tmp_path):
    out, stderr, valid = _spend(runner, tmp_path, REAL / "lambeth_payments-to-suppliers_2012-06.csv", "Lambeth")
    assert "the first 9 line(s) are a report header; columns read from line 10" in stderr
    # below the header, 639 rows have lost a delimiter (5 or 4 cells for 6), a "Total" row has
    # no date and one holds only stray "†" characters: all skipped, none counted as a payment
    assert "; 641 rows skipped; read as utf-8-sig" in stderr
    assert "621 more rows skipped for the same reasons" in stderr
    assert valid


def test_header_variants_without_options(runner, tmp_path):
    csv = tmp_path / "old.csv"
    csv.write_text("supplier_name,paid_date,AMOUNT\nAcme Ltd,03/04/2015,1200.00\nMRS A SMITH,04/04/2015,900\n"
                   "Acme Ltd,20/04/2015,(200.00)\n")
    out, stderr, valid = _spend(runner, tmp_path, csv, "Lambeth")
    assert ": 2 payments (£1,000.00) to 1 payees in 2 payee-months; 1 payments to private individuals" in stderr
    assert "SMITH" not in out.read_text() and valid


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/realdata is not beside the project")
@pytest.mark.parametrize("name", sorted(p.name for p in SHARED.glob("*.json")) + ["cf2020_bluetail_raw"]
                         if SHARED.is_dir() else [])
def test_every_real_file_imports_validates_and_reports_truthfully(runner, tmp_path, name):
    path = SHARED / name
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    out, _, g = _ingest(runner, tmp_path, *files)
    assert runner.invoke(cli, ["--data", str(out), "validate"]).exit_code == 0
    report = _json(runner, "--data", str(out), "report", "--format", "json")
    # the value the source gives to one supplier: awards and contracts, each process once
    stated = 0.0
    for f in files:
        doc = json.loads(f.read_text())
        releases = doc if isinstance(doc, list) else doc.get("releases", [])
        latest = {}
        for r in sorted(releases, key=lambda r: r.get("date", "")):
            latest[r["ocid"]] = r
        for r in latest.values():
            for a in r.get("awards") or []:
                amount = (a.get("value") or {}).get("amount") or 0
                stated += amount if len(a.get("suppliers") or []) == 1 and amount >= 100 else 0
    at_risk = sum(m["amount"] for s in report["suppliers"] for m in s["impact"]["value_at_risk"] if m["kind"] == "total")
    assert at_risk <= stated + 0.01
    kinds = {str(g.value(v, SG.valueKind)) for v in g.subjects(SG.valueKind, None)}
    assert str(SG.TotalContractValue) not in kinds or files[0].name.startswith("cf2025")
