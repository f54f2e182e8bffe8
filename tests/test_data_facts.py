"""Facts a careful reader checks against the five seed documents (data/sources/).

Each expected value below was read off the article text by hand; the comment names the
article: [000] ITPro on Bromley/BT, [001] TechWeekEurope on BT's £200m framework,
[002] Conservative Home on Bromley and Lewisham, [003] The Register on Pegasus,
[004] The Register on CSC.
"""

import pytest

ID = "https://w3id.org/supplier-graph/id/"
TOWER = "https://w3id.org/supplier-graph/tower/"
SG = "https://w3id.org/supplier-graph/ontology#"


def one(sparql, query):
    rows = sparql(query)
    assert len(rows) == 1, rows
    return rows[0]


def objects(sparql, subject, prop):
    return {str(r["o"]) for r in sparql(f"SELECT ?o WHERE {{ :{subject} {prop} ?o }}")}


def figures(sparql, subject):
    """{(kind notation, amount, currency code)} of a subject's money figures."""
    rows = sparql(f"""SELECT ?kind ?amount ?cur WHERE {{ :{subject} sg:value ?v .
        ?v sg:valueKind/skos:notation ?kind ; epo:hasAmountValue ?amount ; epo:hasCurrency ?cur }}""")
    return {(r["kind"], float(r["amount"]), str(r["cur"]).rsplit("/", 1)[-1]) for r in rows}


# -- [000] [001] Bromley and BT

def test_bromley_desktop_contract_is_with_bt(sparql):
    assert objects(sparql, "contract-bromley-bt-desktop", "sg:buyer") == {ID + "bromley"}
    assert objects(sparql, "contract-bromley-bt-desktop", "sg:supplier") == {ID + "bt"}


def test_bromley_contract_is_9m_total(sparql):
    assert figures(sparql, "contract-bromley-bt-desktop") == {("total", 9_000_000.0, "GBP")}


def test_bromley_contract_lasts_five_years(sparql):
    assert {str(d) for d in objects(sparql, "contract-bromley-bt-desktop", "sg:duration")} == {"P5Y"}


def test_bromley_contract_is_a_call_off_of_the_pan_london_framework(sparql):
    assert objects(sparql, "contract-bromley-bt-desktop", "sg:viaFramework") == {ID + "framework-pan-london"}
    assert one(sparql, "SELECT (COUNT(*) AS ?n) WHERE { :contract-bromley-bt-desktop a sg:CallOff }")["n"] == 1


def test_bromley_contract_covers_desktop_and_data_centre(sparql):
    assert objects(sparql, "contract-bromley-bt-desktop", "sg:tower") == {
        TOWER + "EndUserServices", TOWER + "DataCentre"}


def test_bromley_contract_is_awarded_not_yet_live(sparql):
    # [000]: "services planned to go live in April"
    assert objects(sparql, "contract-bromley-bt-desktop", "sg:status") == {SG + "Awarded"}


def test_pan_london_framework_was_set_up_in_2014_by_the_three_councils(sparql):
    assert objects(sparql, "framework-pan-london", "sg:establishedBy") == {
        ID + "westminster", ID + "kensington-chelsea", ID + "hammersmith-fulham"}
    assert {str(y) for y in objects(sparql, "framework-pan-london", "sg:startYear")} == {"2014"}
    assert objects(sparql, "framework-pan-london", "sg:supplier") == {ID + "bt"}


@pytest.mark.parametrize("buyer", ["westminster", "hammersmith-fulham"])
def test_bt_runs_end_user_computing_and_data_centres_for(sparql, buyer):
    rows = sparql(f"""SELECT ?c WHERE {{ ?c sg:buyer :{buyer} ; sg:supplier :bt ;
        sg:tower tower:EndUserServices , tower:DataCentre ; sg:status sg:Live }}""")
    assert len(rows) == 1


def test_bt_gives_islington_strategic_consultancy_with_no_tower_assumed(sparql):
    row = one(sparql, """SELECT ?scope WHERE { ?c sg:buyer :islington ; sg:supplier :bt ;
        sg:scopeDescription ?scope FILTER NOT EXISTS { ?c sg:tower ?t } }""")
    assert row["scope"] == "strategic consultancy services"


def test_the_two_articles_disagree_on_servers_versus_services(sparql):
    rows = sparql("""SELECT ?statement ?pub WHERE { ?c sg:about :contract-bromley-bt-desktop ;
        sg:statement ?statement ; prov:wasDerivedFrom/dcterms:publisher ?pub }""")
    by_pub = {r["pub"]: r["statement"] for r in rows if "350" in r["statement"]}
    assert "350 servers" in by_pub["ITPro"]
    assert "350 services" in by_pub["TechWeekEurope"]
    # the contract itself takes neither side: each version stays with its source
    assert objects(sparql, "contract-bromley-bt-desktop", "sg:scopeDescription") == set()


def test_bromley_award_dated_between_its_framework_and_a_reference_report(sparql):
    # the framework "was set up in 2014"; PublicTechnology reported the award on 10 Feb 2016
    assert {str(d) for d in objects(sparql, "contract-bromley-bt-desktop", "sg:awardedNotBefore")} == {"2014"}
    assert {str(d) for d in objects(sparql, "contract-bromley-bt-desktop", "sg:awardedNotAfter")} == {"2016-02-10"}
    row = one(sparql, """SELECT ?ref WHERE { ?c sg:about :contract-bromley-bt-desktop ;
        sg:claimedProperty sg:awardedNotAfter ; sg:referenceData ?ref ; prov:wasDerivedFrom ?src .
        ?src a sg:ReferenceSource ; dcterms:issued "2016-02-10"^^xsd:date }""")
    assert row["ref"] is True


# -- [001] BT's £200m communications framework

def test_communications_framework_ceiling_is_up_to_200m(sparql):
    assert figures(sparql, "framework-bt-communications") == {("ceiling", 200_000_000.0, "GBP")}


def test_communications_framework_was_agreed_with_the_tri_borough(sparql):
    assert objects(sparql, "framework-bt-communications", "sg:establishedBy") == {ID + "tri-borough"}
    assert objects(sparql, "framework-bt-communications", "sg:supplier") == {ID + "bt"}


def test_both_bt_frameworks_are_the_tri_boroughs(sparql):
    # "Bromley Council is one of the boroughs to have taken advantage of previous frameworks"
    for f in ("framework-pan-london", "framework-bt-communications"):
        assert objects(sparql, f, "sg:frameworkOf") == {ID + "tri-borough"}


def test_communications_framework_is_open_to(sparql):
    assert objects(sparql, "framework-bt-communications", "sg:openTo") == {
        ID + "london-boroughs", ID + "nhs", ID + "london-schools", ID + "met", ID + "tfl"}


def test_all_33_london_boroughs(sparql):
    row = one(sparql, """SELECT ?count (COUNT(DISTINCT ?m) AS ?members) WHERE {
        :london-boroughs sg:memberCount ?count ; org:hasMember ?m } GROUP BY ?count""")
    assert (row["count"], row["members"]) == (33, 33)


def test_tri_borough_partnership(sparql):
    assert objects(sparql, "tri-borough", "org:hasMember") == {
        ID + "westminster", ID + "kensington-chelsea", ID + "hammersmith-fulham"}
    assert {str(y) for y in objects(sparql, "tri-borough", "sg:startYear")} == {"2010"}


def test_bt_sole_supplier_of_three_of_four_frameworks_is_kept_as_a_claim(sparql):
    row = one(sparql, "SELECT ?s WHERE { ?c sg:about :tri-borough ; sg:statement ?s }")
    assert "four IT frameworks" in row["s"] and "three" in row["s"]


# -- [002] Bromley and Lewisham

def test_bromley_and_lewisham_bought_jointly(sparql):
    assert objects(sparql, "bromley-lewisham-ict", "org:hasMember") == {ID + "bromley", ID + "lewisham"}
    assert one(sparql, "SELECT (COUNT(*) AS ?n) WHERE { :bromley-lewisham-ict a sg:JointProcurement }")["n"] == 1


def test_sungard_has_separate_contracts_with_both_councils(sparql):
    rows = sparql("SELECT ?buyer WHERE { ?c sg:supplier :sungard ; sg:buyer ?buyer ; sg:procuredThrough :bromley-lewisham-ict }")
    assert sorted(str(r["buyer"]) for r in rows) == [ID + "bromley", ID + "lewisham"]


def test_combined_annual_value_sits_on_the_joint_procurement_not_a_contract(sparql):
    assert ("annual", 3_600_000.0, "GBP") in figures(sparql, "bromley-lewisham-ict")
    assert figures(sparql, "contract-bromley-sungard") == set()
    assert figures(sparql, "contract-lewisham-sungard") == set()


def test_annual_savings_split_1_5m_lewisham_0_5m_bromley_2m_combined(sparql):
    rows = sparql("""SELECT ?amount ?who WHERE { :bromley-lewisham-ict sg:value ?v .
        ?v sg:valueKind sg:Saving ; epo:hasAmountValue ?amount . OPTIONAL { ?v sg:appliesTo ?who } }""")
    got = {(str(r["who"]) if r["who"] else None): float(r["amount"]) for r in rows}
    assert got == {ID + "lewisham": 1_500_000.0, ID + "bromley": 500_000.0, None: 2_000_000.0}
    assert got[ID + "lewisham"] + got[ID + "bromley"] == got[None]


def test_sungard_contracts_five_years_with_four_year_option(sparql):
    for c in ("contract-bromley-sungard", "contract-lewisham-sungard"):
        assert {str(d) for d in objects(sparql, c, "sg:duration")} == {"P5Y"}
        assert {str(d) for d in objects(sparql, c, "sg:extensionOption")} == {"P4Y"}


def test_bromley_other_partnerships(sparql):
    assert objects(sparql, "bromley-greenwich-fraud", "org:hasMember") == {ID + "bromley", ID + "greenwich"}
    assert {str(y) for y in objects(sparql, "bromley-greenwich-fraud", "sg:startYear")} == {"2002"}
    assert objects(sparql, "bromley-bexley-sen-transport", "org:hasMember") == {ID + "bromley", ID + "bexley"}
    assert objects(sparql, "bromley-bexley-croydon-working", "org:hasMember") == {
        ID + "bromley", ID + "bexley", ID + "croydon"}


# -- [003] the Met's towers and Pegasus

@pytest.mark.parametrize("tower, suppliers", [
    ("ServiceIntegration", {"atos"}),
    ("Network", {"bt"}),
    ("DataCentre", {"keysource"}),
    ("Hosting", {"dxc", "csc"}),
    ("EndUserServices", {"dxc", "csc"}),
    ("ApplicationSupport", {"accenture"}),
])
def test_met_tower_suppliers(sparql, tower, suppliers):
    rows = sparql(f"""SELECT ?s WHERE {{ ?c sg:buyer :met ; sg:tower tower:{tower} ;
        sg:supplier ?s ; sg:status sg:Live }}""")
    assert {str(r["s"]) for r in rows} == {ID + s for s in suppliers}


def test_met_tower_contracts_awarded_2015_to_2017_end_dates_unknown(sparql):
    rows = sparql("""SELECT ?c (MIN(STR(?from)) AS ?lo) (MIN(STR(?to)) AS ?hi) WHERE { ?c sg:buyer :met ;
        sg:status sg:Live ; sg:awardedNotBefore ?from ; sg:awardedNotAfter ?to } GROUP BY ?c""")
    assert len(rows) == 6
    assert {(str(r["lo"]), str(r["hi"])) for r in rows} == {("2015", "2016-02-24"), ("2015", "2017")}
    assert sparql("SELECT ?c WHERE { ?c sg:buyer :met ; sg:endDate ?d }") == []


def test_met_towers_live_on_20_november_2019_due_to_end_within_three_years(sparql):
    # "These contracts are due to terminate over the next three years" (Pegasus article,
    # published at theregister.com/2019/11/20/...)
    rows = sparql("""SELECT ?c ?on ?within WHERE { ?c sg:buyer :met ; sg:status sg:Live ;
        sg:statusDate ?on ; sg:dueToEndWithin ?within }""")
    assert len(rows) == 6
    assert {(str(r["on"]), str(r["within"])) for r in rows} == {("2019-11-20", "P3Y")}
    issued = sparql("SELECT ?d WHERE { :src-register-met-pegasus dcterms:issued ?d }")
    assert [str(r["d"]) for r in issued] == ["2019-11-20"]


def test_network_and_applications_awarded_after_the_csc_article(sparql):
    # "Contracts for the network and the applications' 'towers' are still to be awarded."
    # on 24 February 2016
    for c in ("contract-met-network-bt", "contract-met-application-support-accenture"):
        assert {str(d) for d in objects(sparql, c, "sg:awardedNotBefore")} == {"2015", "2016-02-24"}


def test_euc_and_hosting_were_handed_to_csc_by_the_csc_articles_date(sparql):
    for c in ("contract-met-end-user-services", "contract-met-hosting"):
        assert {str(d) for d in objects(sparql, c, "sg:awardedNotAfter")} == {"2017", "2016-02-24"}


def test_infrastructure_tower_contract_is_in_procurement_600m_five_years(sparql):
    c = "contract-met-infrastructure"
    assert objects(sparql, c, "sg:status") == {SG + "InProcurement"}
    assert objects(sparql, c, "sg:supplier") == set()
    # a tower still in procurement has an estimate, not a contract value
    assert figures(sparql, c) == {("estimate", 600_000_000.0, "GBP")}
    assert {str(d) for d in objects(sparql, c, "sg:duration")} == {"P5Y"}
    assert objects(sparql, "notice-met-infrastructure", "sg:announces") == {ID + c}


def test_pegasus_consolidates_six_towers_into_two(sparql):
    assert len(objects(sparql, "pegasus", "sg:consolidatesTower")) == 6
    assert objects(sparql, "pegasus", "sg:targetTower") == {
        TOWER + "InfrastructureServices", TOWER + "ApplicationServices"}
    assert objects(sparql, "contract-met-application-services", "sg:status") == {SG + "Planned"}


def test_northrop_grumman_999_system_cancelled_at_90m(sparql):
    assert objects(sparql, "contract-met-command-control", "sg:status") == {SG + "Cancelled"}
    # "its £90m command-and-control system": the system's figure, not the contract's value
    assert figures(sparql, "contract-met-command-control") == {("reported", 90_000_000.0, "GBP")}
    assert {str(d) for d in objects(sparql, "contract-met-command-control", "sg:statusDate")} == {"2019-11-20"}


def test_project_cull_spend_is_expenditure_not_contract_value(sparql):
    assert figures(sparql, "met-project-cull") == {("expenditure", 100_000_000.0, "GBP")}


def test_project_cull_has_no_start_year_the_article_gives_none(sparql):
    # "In 2016 it admitted to spending £100m": 2016 is when it admitted it
    assert objects(sparql, "met-project-cull", "sg:startYear") == set()
    rows = sparql("SELECT ?s WHERE { ?c sg:about :met-project-cull ; sg:statement ?s }")
    assert [str(r["s"]).startswith("In 2016 the Met admitted") for r in rows] == [True]


# -- [004] CSC

def test_csc_deals_155m_euc_five_years_95m_hosting_six_years(sparql):
    assert figures(sparql, "contract-met-end-user-services") == {("total", 155_000_000.0, "GBP")}
    assert figures(sparql, "contract-met-hosting") == {("total", 95_000_000.0, "GBP")}
    assert {str(d) for d in objects(sparql, "contract-met-end-user-services", "sg:duration")} == {"P5Y"}
    assert {str(d) for d in objects(sparql, "contract-met-hosting", "sg:duration")} == {"P6Y"}


def test_the_250m_headline_is_the_two_csc_deals(sparql):
    rows = sparql("""SELECT (SUM(?a) AS ?total) WHERE { ?c sg:supplier :csc ; sg:value ?v .
        ?v sg:valueKind sg:TotalContractValue ; epo:hasAmountValue ?a }""")
    assert float(rows[0]["total"]) == 250_000_000.0


def test_euc_and_hosting_attributions_kept_one_claim_per_source(sparql):
    rows = sparql("""SELECT ?value ?pub WHERE { ?c sg:about :contract-met-hosting ;
        sg:claimedProperty sg:supplier ; sg:claimedValue ?value ; prov:wasDerivedFrom ?src .
        ?src sg:sourceFile ?pub }""")
    assert {(str(r["value"]), r["pub"][8:11]) for r in rows} == {(ID + "csc", "004"), (ID + "dxc", "003")}


def test_csc_deals_are_part_of_total_technology(sparql):
    rows = sparql("SELECT ?c WHERE { ?c sg:partOfProgramme :met-total-technology }")
    assert {str(r["c"]) for r in rows} == {ID + "contract-met-end-user-services", ID + "contract-met-hosting"}
    assert figures(sparql, "met-total-technology") == {("saving", 200_000_000.0, "GBP")}
    assert {str(y) for y in objects(sparql, "met-total-technology", "sg:startYear")} == {"2014"}


def test_atos_siam_value_undisclosed_so_absent(sparql):
    assert figures(sparql, "contract-met-siam-atos") == set()


def test_network_and_apps_were_unawarded_per_the_earlier_article(sparql):
    row = one(sparql, """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?claim sg:about ?c ;
        sg:claimedValue sg:InProcurement ; prov:wasDerivedFrom :src-register-met-csc }""")
    assert row["n"] == 2


def test_sopra_steria_ten_year_216m(sparql):
    assert figures(sparql, "contract-met-sopra-steria") == {("total", 216_000_000.0, "GBP")}
    assert {str(d) for d in objects(sparql, "contract-met-sopra-steria", "sg:duration")} == {"P10Y"}


def test_csc_write_off_2012_in_both_currencies(sparql):
    assert figures(sparql, "writeoff-csc-npfit") == {
        ("write-off", 1_500_000_000.0, "USD"), ("write-off", 1_100_000_000.0, "GBP")}
    assert {str(y) for y in objects(sparql, "writeoff-csc-npfit", "sg:year")} == {"2012"}


def test_csc_to_dxc_lineage_is_reference_data(sparql):
    assert objects(sparql, "csc", "sg:succeededBy") == {ID + "dxc"}
    row = one(sparql, """SELECT ?ref WHERE { ?e sg:predecessor :csc ; sg:successor :dxc ;
        sg:referenceData ?ref ; prov:wasDerivedFrom ?src . ?src a sg:ReferenceSource }""")
    assert row["ref"] is True
    # no seed article says CSC became DXC: the succession itself is marked as reference data
    claim = one(sparql, """SELECT ?ref WHERE { ?c sg:about :csc ; sg:claimedProperty sg:succeededBy ;
        sg:claimedValue :dxc ; sg:referenceData ?ref ; prov:wasDerivedFrom/a sg:ReferenceSource }""")
    assert claim["ref"] is True


# -- people quoted

@pytest.mark.parametrize("person, role, org, quotes", [
    ("stephen-carr", "councillor, leader of Bromley Council", "bromley", 2),
    ("ian-dalton", "president of global government and health at BT Global Services", "bt-global-services", 1),
    ("colm-oneill", "managing director of major and public sector at BT", "bt", 1),
    ("neil-reddin", "councillor, Bromley Council's Portfolio Holder for Resources", "bromley", 2),
    ("paul-jobbins", "Managed Services Director for SunGard", "sungard", 1),
    ("dale-peters", "at TechMarketView", "techmarketview", 2),
    ("craig-mackey", "deputy commissioner of the Met Police", "met", 1),
])
def test_people_quoted_with_role_organisation_and_their_words(sparql, person, role, org, quotes):
    assert {str(r) for r in objects(sparql, person, "sg:role")} == {role}
    assert objects(sparql, person, "org:memberOf") == {ID + org}
    rows = sparql(f"SELECT ?q WHERE {{ ?q a sg:Quote ; sg:speaker :{person} ; sg:quotedText ?t }}")
    assert len(rows) == quotes


def test_the_dates_of_the_sources_come_from_their_addresses(sparql):
    rows = sparql("SELECT ?s ?d WHERE { ?s a sg:SourceDocument ; dcterms:issued ?d }")
    assert {(str(r["s"])[len(ID):], str(r["d"])) for r in rows} == {
        ("src-register-met-pegasus", "2019-11-20"), ("src-register-met-csc", "2016-02-24"),
        ("src-conhome-bromley-lewisham", "2010-11"), ("src-ref-publictechnology-bromley-bt", "2016-02-10")}


# -- what the graph must not say

def test_no_contract_value_is_summed_with_a_ceiling(sparql):
    rows = sparql("""SELECT ?v WHERE { ?c rdf:type/rdfs:subClassOf* sg:Contract ; sg:value ?v .
        ?v sg:valueKind sg:FrameworkCeiling }""")
    assert rows == []


def test_every_contract_status_is_stated(sparql):
    rows = sparql("""SELECT ?c WHERE { ?c rdf:type/rdfs:subClassOf* sg:Contract
        FILTER NOT EXISTS { ?c sg:status ?s } }""")
    assert rows == []
