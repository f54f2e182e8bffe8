"""The project's vocabulary as rdflib namespaces.

``SG`` and ``TOWER`` are :class:`rdflib.namespace.DefinedNamespace` subclasses with
``_fail = True``: a misspelt term (``SG.suplier``) raises ``AttributeError`` at once
instead of silently minting a new IRI. ``tests/test_namespaces.py`` checks that these
lists and ``ontology/*.ttl`` agree term for term.
"""

import functools

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["SG", "TOWER", "ID", "ORG", "PROV", "EPO", "M8G", "CUR", "CPV", "SHAPES",
           "PREFIXES", "sparql_prefixes", "internal_query", "has_variant"]


class SG(DefinedNamespace):
    """supplier-graph ontology terms (``ontology/supplier-graph.ttl``)."""

    _NS = Namespace("https://w3id.org/supplier-graph/ontology#")
    _fail = True

    AnnualValue: URIRef
    AwardValue: URIRef
    Awarded: URIRef
    CallOff: URIRef
    Cancelled: URIRef
    CentralGovernmentBody: URIRef
    Claim: URIRef
    Contract: URIRef
    ContractStatus: URIRef
    ContractStatusScheme: URIRef
    CorporateEvent: URIRef
    DynamicPurchasingSystem: URIRef
    Ended: URIRef
    Expenditure: URIRef
    Framework: URIRef
    FrameworkCeiling: URIRef
    HealthBody: URIRef
    InProcurement: URIRef
    JointInitiative: URIRef
    JointProcurement: URIRef
    Live: URIRef
    LocalAuthority: URIRef
    Partnership: URIRef
    PlaceholderValue: URIRef
    Planned: URIRef
    PoliceForce: URIRef
    ProcurementNotice: URIRef
    Programme: URIRef
    PublicBody: URIRef
    PublicBodyGroup: URIRef
    Quote: URIRef
    ReferenceSource: URIRef
    ReportedValue: URIRef
    Saving: URIRef
    ServiceTower: URIRef
    SharedServicePartnership: URIRef
    SourceDocument: URIRef
    SourcingModel: URIRef
    Spend: URIRef
    Strategy: URIRef
    Supplier: URIRef
    TenderEstimate: URIRef
    TotalContractValue: URIRef
    TransportBody: URIRef
    ValueKind: URIRef
    ValueKindScheme: URIRef
    WithheldPayee: URIRef
    WriteOff: URIRef
    WriteOffValue: URIRef
    about: URIRef
    announces: URIRef
    appliesTo: URIRef
    awardDate: URIRef
    awardedNotAfter: URIRef
    awardedNotBefore: URIRef
    buyer: URIRef
    claimedProperty: URIRef
    claimedValue: URIRef
    classificationBasis: URIRef
    consolidatesTower: URIRef
    coversTower: URIRef
    date: URIRef
    dateSigned: URIRef
    dueToEndWithin: URIRef
    duration: URIRef
    endDate: URIRef
    establishedBy: URIRef
    evidence: URIRef
    extensionOption: URIRef
    frameworkOf: URIRef
    maxExtentDate: URIRef
    memberCount: URIRef
    mentionedIn: URIRef
    month: URIRef
    openTo: URIRef
    organisation: URIRef
    owner: URIRef
    partOfProgramme: URIRef
    payee: URIRef
    payer: URIRef
    paymentCount: URIRef
    predecessor: URIRef
    procuredThrough: URIRef
    procurementMethod: URIRef
    publishedBy: URIRef
    qualifier: URIRef
    quotedText: URIRef
    referenceData: URIRef
    relatesTo: URIRef
    role: URIRef
    scopeDescription: URIRef
    sourceFile: URIRef
    speaker: URIRef
    startDate: URIRef
    startYear: URIRef
    statement: URIRef
    status: URIRef
    statusDate: URIRef
    succeededBy: URIRef
    succeeds: URIRef
    successor: URIRef
    supersededValue: URIRef
    supplier: URIRef
    supplierNotKnown: URIRef
    targetTower: URIRef
    tenderDeadline: URIRef
    tower: URIRef
    transactionId: URIRef
    usesSourcingModel: URIRef
    value: URIRef
    valueKind: URIRef
    viaFramework: URIRef
    year: URIRef


class TOWER(DefinedNamespace):
    """The service-tower concept scheme (``ontology/towers.ttl``)."""

    _NS = Namespace("https://w3id.org/supplier-graph/tower/")
    _fail = True

    scheme: URIRef
    ApplicationServices: URIRef
    ApplicationSupport: URIRef
    DataCentre: URIRef
    EndUserServices: URIRef
    Hosting: URIRef
    ICTSupport: URIRef
    InfrastructureServices: URIRef
    Network: URIRef
    ServiceIntegration: URIRef
    Telecommunications: URIRef


ID = Namespace("https://w3id.org/supplier-graph/id/")
SHAPES = Namespace("https://w3id.org/supplier-graph/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
EPO = Namespace("http://data.europa.eu/a4g/ontology#")
M8G = Namespace("http://data.europa.eu/m8g/")
CUR = Namespace("http://publications.europa.eu/resource/authority/currency/")
CPV = Namespace("http://data.europa.eu/cpv/cpv/")

#: Prefixes every named query and every serialisation uses.
PREFIXES: dict[str, str] = {
    "": str(ID),
    "sg": "https://w3id.org/supplier-graph/ontology#",
    "tower": "https://w3id.org/supplier-graph/tower/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": str(ORG),
    "prov": str(PROV),
    "epo": str(EPO),
    "m8g": str(M8G),
    "cur": str(CUR),
    "cpv": str(CPV),
    "adms": "http://www.w3.org/ns/adms#",
}


def sparql_prefixes() -> str:
    """Return ``PREFIX`` lines for :data:`PREFIXES`, to put before a query.

    >>> "PREFIX sg: <https://w3id.org/supplier-graph/ontology#>" in sparql_prefixes()
    True
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@functools.lru_cache(maxsize=None)
def internal_query(name: str, engine: str | None = None) -> str:
    """The text of ``graph/queries/internal/NAME.rq``, a query the code asks itself (not one
    of the library's named queries), without its header comment: some are templates whose
    %-fields the asking code fills in, and the header says which code that is.

    With ``engine``, its variant in ``graph/queries/internal/<engine>/`` where there is one:
    the same question phrased so that engine answers it sooner (the tests check both agree).

    >>> internal_query("visualise-aliases").startswith("SELECT ?s ?alt WHERE")
    True
    """
    path = _variant(name, engine) or _internal_folder() / f"{name}.rq"
    text = path.read_text(encoding="utf-8")
    while text.startswith("#"):
        text = text.split("\n", 1)[1]
    return text


def _internal_folder():
    from importlib import resources  # not on the path of commands that ask none of these
    return resources.files("graph") / "queries" / "internal"


def _variant(name: str, engine: str | None):
    path = _internal_folder() / engine / f"{name}.rq" if engine else None
    return path if path is not None and path.is_file() else None


def has_variant(name: str, engine: str | None) -> bool:
    """Whether ``engine`` has its own phrasing of the internal query NAME.

    >>> has_variant("timeline-dates", "oxigraph"), has_variant("timeline-dates", None)
    (True, False)
    """
    return _variant(name, engine) is not None
