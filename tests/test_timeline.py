"""Until when: ends stated, derived and bounded, and statuses as of a date.

Every date below is worked out by hand from the articles (data/sources/) and their dates
of publication, or read off the real Contracts Finder file.
"""

import json
from datetime import date

import pytest

from graph.cli.main import cli
from graph.dates import Partial, Window, parse_duration
from graph.store.backends import open_store
from graph.timeline.dated import read_dates

from conftest import ROOT

REAL = ROOT / "tests" / "fixtures" / "realdata"
ID = "https://w3id.org/supplier-graph/id/"


@pytest.fixture(scope="module")
def dated():
    return {d.iri[len(ID):]: d for d in read_dates(open_store(None)) if d.iri.startswith(ID)}


def _rows(runner, *args):
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_end_user_services_end_is_award_plus_five_years_within_the_pegasus_window(dated):
    # awarded 2015-2017 (Pegasus) and by 24 Feb 2016, the CSC article's date: + 5 years is
    # 2020 to 24 Feb 2021, inside "due to terminate over the next three years" of 20 Nov 2019
    euc = dated["contract-met-end-user-services"]
    assert euc.end_basis == "derived"
    assert (str(euc.end.lo), str(euc.end.hi)) == ("2020", "2021-02-24")
    assert euc.end_rule == "award 2015 to 24 Feb 2016 + 5 years; due to end within 3 years of 20 Nov 2019"
    hosting = dated["contract-met-hosting"]
    assert (str(hosting.end.lo), str(hosting.end.hi)) == ("2021", "2022-02-24")


def test_met_towers_without_a_duration_are_bounded_by_the_article(dated):
    for key in ("contract-met-siam-atos", "contract-met-network-bt", "contract-met-datacentre-keysource",
                "contract-met-application-support-accenture"):
        d = dated[key]
        assert d.end_basis == "bounded"
        assert (str(d.end.lo), str(d.end.hi)) == ("2019-11-20", "2022-11-20")
        assert (d.reported, str(d.reported_on)) == ("live", "2019-11-20")


def test_a_year_plus_a_duration_stays_a_year():
    five = parse_duration("P5Y")
    assert str(Partial(2016).plus(five)) == "2021"
    assert Window(Partial(2016), Partial(2016)).plus(five).to_dict()["latest_day"] == "2021-12-31"


def test_sungard_contracts_ended_by_november_2015_or_2019_with_the_option(dated):
    # "The contracts have been awarded" in an article of November 2010; five years; a
    # further four-year option
    d = dated["contract-bromley-sungard"]
    assert (d.start.lo, str(d.start.hi)) == (None, "2010-11")
    assert (d.end.lo, str(d.end.hi)) == (None, "2015-11")
    assert str(d.end_with_options().hi) == "2019-11"
    assert d.status(date(2026, 12, 4)) == "ended"


def test_bromley_bt_award_is_bounded_by_its_framework_and_the_reference_report(dated):
    d = dated["contract-bromley-bt-desktop"]
    assert (str(d.start.lo), str(d.start.hi)) == ("2014", "2016-02-10")
    assert (str(d.end.lo), str(d.end.hi)) == ("2019", "2021-02-10")


@pytest.mark.parametrize("as_of, status", [("2019-11-20", "live"), ("2021-06-01", "may have ended"),
                                           ("2023-01-01", "ended")])
def test_statuses_follow_the_as_of_date(dated, as_of, status):
    assert dated["contract-met-network-bt"].status(date.fromisoformat(as_of)) == status


def test_a_procurement_reported_years_ago_is_not_still_in_procurement(dated):
    d = dated["contract-met-infrastructure"]
    assert d.status(date(2019, 11, 20)) == "in procurement"
    assert d.status(date(2026, 12, 4)) == "unknown"


def test_timeline_json_on_the_bundled_data(runner):
    doc = _rows(runner, "--as-of", "2020-06-01", "timeline")
    assert doc["as_of"] == "2020-06-01"
    by = {r["contract"][len(ID):]: r for r in doc["rows"]}
    euc = by["contract-met-end-user-services"]
    assert euc["end"]["text"] == "2020 to 24 Feb 2021" and euc["end_basis"] == "derived"
    assert euc["value"] == {"amount": 155_000_000.0, "currency": "GBP", "kind": "total"}
    assert euc["status"] == "may have ended"
    assert euc["reported_status"] == {"status": "live", "on": "2019-11-20"}
    assert euc["buyer"]["label"] == "Metropolitan Police Service"
    assert euc["source"] == ["London cops seeking £600m mega IT contract to knock 'towers' sprawl into 'one throat "
                             "to choke'", "Met Police hands £250m to CSC in IT outsourcing carve-up"]
    # every contract whose article gives a duration and dates its award has a derived end
    derived = {k for k, r in by.items() if r["end_basis"] == "derived"}
    assert derived == {"contract-met-end-user-services", "contract-met-hosting", "contract-bromley-sungard",
                       "contract-lewisham-sungard", "contract-bromley-bt-desktop", "contract-met-sopra-steria"}
    # the ceiling is shown as a ceiling; no end, so last
    assert by["framework-bt-communications"]["value"]["kind"] == "ceiling"
    assert doc["rows"][-1]["end"] is None


def test_timeline_filters(runner):
    doc = _rows(runner, "timeline", "--from", "2021-01-01", "--to", "2021-12-31", "--buyer", "the Met")
    assert [r["contract"][len(ID):] for r in doc["rows"]] == [
        "contract-met-application-support-accenture", "contract-met-datacentre-keysource",
        "contract-met-network-bt", "contract-met-siam-atos", "contract-met-end-user-services", "contract-met-hosting",
        # "by 24 Feb 2026", from an award of unknown earliest date: it may have ended in 2021
        "contract-met-sopra-steria"]
    assert {r["contract"] for r in _rows(runner, "timeline", "--supplier", "SunGard")["rows"]} == {
        ID + "contract-bromley-sungard", ID + "contract-lewisham-sungard"}
    assert [r["label"] for r in _rows(runner, "timeline", "--tower", "Hosting services")["rows"]] == [
        "Met hosting services contract (CSC, now DXC Technology)"]



@pytest.mark.parametrize("option, name, key", [("--buyer", ID + "met", "buyers"),
                                                ("--supplier", ID + "bt", "suppliers"),
                                                ("--tower", "End user services", "towers")])
def test_a_filtered_timeline_is_the_whole_ones_rows_that_match(runner, option, name, key):
    """Only the matching contracts and frameworks are dated; each row as the whole timeline gives it."""
    whole = _rows(runner, "timeline")["rows"]
    picked = _rows(runner, "timeline", option, name)["rows"]
    expected = [r for r in whole if name in (r[key] if key == "towers" else [x["iri"] for x in r[key]])]
    assert picked == expected and len(picked) >= 3

def test_timeline_table_states_its_as_of_date_and_the_rule(runner):
    result = runner.invoke(cli, ["--as-of", "2020-06-01", "timeline", "--buyer", "Bromley"])
    assert result.exit_code == 0, result.stderr
    assert ("2019 to 10 Feb 2021 · Bromley desktop and data centre services contract (BT) · London Borough of "
            "Bromley · Data centre services, End user services · BT · £9m total · derived (award 2014 to "
            "10 Feb 2016 + 5 years) · may have ended (reported awarded)") in result.stdout
    assert result.stdout.rstrip().endswith("statuses as of 2020-06-01.")


def test_a_bad_as_of_date_is_a_usage_error(runner):
    result = runner.invoke(cli, ["--as-of", "2020-13-01", "timeline"])
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_real_ocds_end_is_stated_and_the_status_turns_on_it(runner, tmp_path):
    # Trustmarque's award in the 2025 Contracts Finder file: contractPeriod 2025-02-28 to
    # 2028-02-28T23:59:59Z
    out = tmp_path / "cf.ttl"
    result = runner.invoke(cli, ["ingest", "ocds", str(REAL / "cf2025_it-related_releases_array.json"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.stderr

    def row(as_of):
        rows = _rows(runner, "--data", str(out), "--as-of", as_of, "timeline", "--supplier", "Trustmarque")["rows"]
        (r,) = rows
        return r

    before, after = row("2026-01-01"), row("2028-03-01")
    assert before["end"]["earliest"] == before["end"]["latest"] == "2028-02-28"
    assert before["end_basis"] == "stated" and before["start"]["earliest"] == "2025-02-28"
    assert (before["status"], after["status"]) == ("live", "ended")


def test_a_tenders_planned_length_in_days_is_kept_without_inventing_an_end(runner, tmp_path):
    # Public Contracts Scotland: tender.lots[0].contractPeriod.durationInDays 1080 on the
    # plain tender, 1440 on every lot of the framework; no start, so no end
    out = tmp_path / "pcs.ttl"
    result = runner.invoke(cli, ["ingest", "ocds", str(REAL / "pcs-scotland_three-tenders_releases_array.json"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = _rows(runner, "--data", str(out), "timeline")["rows"]
    assert sorted((r["kind"], r["duration"]) for r in rows) == [
        ("contract", "P1080D"), ("framework", "P1440D"), ("framework", "P1440D")]
    assert all(r["end"] is None and r["status"] == "unknown" for r in rows)


def test_the_latest_extension_is_the_stated_max_extent_else_the_longest_option():
    from graph.timeline.dated import Dated
    d = Dated("c", "C", False, end=Window.at(Partial(2026, 3, 31)), extensions=["P1Y", "P2Y"])
    assert d.end_with_options().say() == "31 Mar 2026 to 31 Mar 2028"
    d.max_extent = Partial(2027, 3, 31)
    assert d.end_with_options().say() == "31 Mar 2026 to 31 Mar 2027"
    assert Dated("e", "E", False, end=Window.at(Partial(2026))).end_with_options() is None


def test_a_window_open_at_one_side_is_kept_where_it_may_end(runner):
    # the SunGard contracts end "by Nov 2015": not from 2016, but before 2016
    assert _rows(runner, "timeline", "--supplier", "SunGard", "--from", "2016-01-01")["rows"] == []
    assert len(_rows(runner, "timeline", "--supplier", "SunGard", "--to", "2016-01-01")["rows"]) == 2
    assert len(_rows(runner, "timeline", "--supplier", "SunGard", "--to", "2010-12-31")["rows"]) == 2
