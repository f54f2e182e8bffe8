"""The timeline's dates and frameworks, kept beside an on-disk store once asked of the
whole graph: read back, they are what the store gave, value for value and in its order."""

import pytest

from graph.store.local import OxigraphStore
from graph.store.lock import CACHE_PREFIX
from graph.timeline.dated import read_dates
from graph.timeline.facts import facts

ID = "https://w3id.org/supplier-graph/id/"
KEPT = CACHE_PREFIX + "dates"


@pytest.fixture
def asked(monkeypatch) -> list:
    """The timeline's questions to any Oxigraph store from now on ("dates", "frameworks")."""
    real = OxigraphStore.select_strings
    seen = []

    def spy(self, query, **kw):
        if "sg:maxExtentDate" in query:
            seen.append("dates")
        elif "sg:FrameworkCeiling" in query:
            seen.append("frameworks")
        return real(self, query, **kw)
    monkeypatch.setattr(OxigraphStore, "select_strings", spy)
    return seen


def test_the_kept_dates_are_the_ones_the_store_gave(disk, asked):
    first = facts(OxigraphStore(disk, read_only=True))
    whole, frameworks = first.dates(), first.frameworks()
    assert (disk / KEPT).is_file() and asked == ["dates", "frameworks"]
    assert len(frameworks) == 2 and len(whole["statusDate"]) == 12
    kept = facts(OxigraphStore(disk, read_only=True))
    assert kept.dates() == whole and kept.frameworks() == frameworks  # lists in the order the store gave
    wanted = {ID + "contract-met-hosting", ID + "contract-met-end-user-services", frameworks[0][0],
              ID + "not-a-contract"}
    assert kept.dates(wanted) == {facet: {h: v for h, v in bucket.items() if h in wanted}
                                  for facet, bucket in whole.items()}
    assert kept.dates(set()) == {facet: {} for facet in whole}
    assert asked == ["dates", "frameworks"]  # nothing asked again


def test_a_timeline_from_kept_dates_is_the_same(disk, asked):
    """Ends worked out from the kept dates: the Met's hosting is award (2015 to 24 Feb 2016)
    plus five years, as test_timeline works out by hand."""
    fresh = read_dates(OxigraphStore(disk, read_only=True))
    kept = read_dates(OxigraphStore(disk, read_only=True))
    assert kept == fresh and asked == ["frameworks", "dates"]
    some = read_dates(OxigraphStore(disk, read_only=True), only={ID + "contract-met-hosting"})
    assert [(d.iri, str(d.end.lo), str(d.end.hi)) for d in some] == [(ID + "contract-met-hosting", "2021", "2022-02-24")]
    assert asked == ["frameworks", "dates"]


def test_a_few_contracts_are_asked_for_alone_and_nothing_is_kept(disk, asked):
    """Where nothing is kept, a timeline of a few contracts asks for their dates alone (on
    Oxigraph, which has a phrasing for it), and keeps nothing: it has not read them all."""
    some = read_dates(OxigraphStore(disk, read_only=True), only={ID + "contract-met-hosting"})
    assert [str(d.end.hi) for d in some] == ["2022-02-24"]
    assert not (disk / KEPT).exists() and asked == ["frameworks", "dates"]


def test_damaged_kept_dates_are_asked_again(disk, asked):
    first = facts(OxigraphStore(disk, read_only=True)).dates()
    whole = (disk / KEPT).read_bytes()
    (disk / KEPT).write_bytes(whole[:len(whole) // 2])
    assert facts(OxigraphStore(disk, read_only=True)).dates() == first
    assert (disk / KEPT).read_bytes() == whole and asked == ["dates", "frameworks", "dates", "frameworks"]
