"""A tiny supply graph whose analytics are worked out by hand in the tests.

    North --c1 EUS £3m--> Acme        South --c3 Hosting (no value)--> Acme
    North --c2 Network £1m--> Zeta    South --c4 Hosting (no value)--> Zeta
    East  --c5 Network £5m, cancelled--> Zeta
    East  --c6 Data centre £2m--> Acme and Old (Old was succeeded by Acme)
    Framework F: supplier Acme, open to group G (North, South), set up by North.
"""

ANALYTICS = """\
@prefix :     <http://example.org/> .
@prefix sg:   <https://w3id.org/supplier-graph/ontology#> .
@prefix tower: <https://w3id.org/supplier-graph/tower/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix epo:  <http://data.europa.eu/a4g/ontology#> .
@prefix cur:  <http://publications.europa.eu/resource/authority/currency/> .

:src a sg:SourceDocument ; dcterms:title "Tiny news" ; dcterms:publisher "Tiny Weekly" .
:north a sg:LocalAuthority ; rdfs:label "North" .
:south a sg:LocalAuthority ; rdfs:label "South" .
:east a sg:LocalAuthority ; rdfs:label "East" .
:acme a sg:Supplier ; rdfs:label "Acme" .
:zeta a sg:Supplier ; rdfs:label "Zeta" .
:old a sg:Supplier ; rdfs:label "Old" ; sg:succeededBy :acme .
:ev a sg:CorporateEvent ; rdfs:label "Old joins Acme" ; sg:predecessor :old ; sg:successor :acme ;
    prov:wasDerivedFrom :src .
:g a sg:PublicBodyGroup ; rdfs:label "G" ; org:hasMember :north , :south .
:f a sg:Framework ; rdfs:label "F" ; sg:supplier :acme ; sg:openTo :g ; sg:establishedBy :north ;
    prov:wasDerivedFrom :src .

:c1 a sg:Contract ; rdfs:label "c1" ; sg:buyer :north ; sg:supplier :acme ; sg:tower tower:EndUserServices ;
    sg:status sg:Live ; sg:value :v1 ; prov:wasDerivedFrom :src .
:c2 a sg:Contract ; rdfs:label "c2" ; sg:buyer :north ; sg:supplier :zeta ; sg:tower tower:Network ;
    sg:status sg:Live ; sg:value :v2 ; prov:wasDerivedFrom :src .
:c3 a sg:Contract ; rdfs:label "c3" ; sg:buyer :south ; sg:supplier :acme ; sg:tower tower:Hosting ;
    sg:status sg:Awarded ; prov:wasDerivedFrom :src .
:c4 a sg:Contract ; rdfs:label "c4" ; sg:buyer :south ; sg:supplier :zeta ; sg:tower tower:Hosting ;
    sg:status sg:Live ; prov:wasDerivedFrom :src .
:c5 a sg:Contract ; rdfs:label "c5" ; sg:buyer :east ; sg:supplier :zeta ; sg:tower tower:Network ;
    sg:status sg:Cancelled ; sg:value :v5 ; prov:wasDerivedFrom :src .
:c6 a sg:Contract ; rdfs:label "c6" ; sg:buyer :east ; sg:supplier :acme , :old ; sg:tower tower:DataCentre ;
    sg:status sg:Live ; sg:value :v6 ; prov:wasDerivedFrom :src .

:v1 a epo:MonetaryValue ; rdfs:label "£3m" ; epo:hasAmountValue 3000000.0 ; epo:hasCurrency cur:GBP ;
    sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :src .
:v2 a epo:MonetaryValue ; rdfs:label "£1m" ; epo:hasAmountValue 1000000.0 ; epo:hasCurrency cur:GBP ;
    sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :src .
:v5 a epo:MonetaryValue ; rdfs:label "£5m" ; epo:hasAmountValue 5000000.0 ; epo:hasCurrency cur:GBP ;
    sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :src .
:v6 a epo:MonetaryValue ; rdfs:label "£2m" ; epo:hasAmountValue 2000000.0 ; epo:hasCurrency cur:GBP ;
    sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :src .
"""
