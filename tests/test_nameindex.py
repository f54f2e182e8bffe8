"""The name index kept beside an on-disk store answers as the in-memory index does, is
built once, and is built again when the store changes."""

import random

import pytest

from graph.errors import AmbiguousName, EntityNotFound
from graph.sparql.lookup import resolve
from graph.sparql.names import MINOR, name_index
from graph.sparql.nameindex import FILE
from graph.store.local import MemoryStore, OxigraphStore
from graph.store.lock import CACHE_PREFIX

from conftest import outcome

ID = "https://w3id.org/supplier-graph/id/"




def _names(bundled_graph):
    """Names to look up, in forms the graph does not spell: 150 words and phrases of its
    names in upper case, and a typo of each of 60 names (a letter dropped, or changed)."""
    keys = [k for k in name_index(MemoryStore(bundled_graph)) if k != MINOR]
    rng = random.Random(7)
    names = set()
    for k in rng.sample(keys, 150):
        words = k.split()
        i = rng.randrange(len(words))
        names.add(" ".join(words[i:i + rng.choice([1, 2, 3])]).upper())
    for k in rng.sample(keys, 60):
        i = rng.randrange(len(k))
        names.add(k[:i] + rng.choice(["", "x"]) + k[i + 1:])
    return sorted(names)


def test_the_index_on_disk_answers_as_the_index_in_memory(bundled_graph, disk):
    """Each name gets the same answer (one entity, the same candidates, the same
    suggestions) from the SQLite index as from the names read into memory."""
    memory = MemoryStore(bundled_graph)
    name_index(memory)
    reading = OxigraphStore(disk, read_only=True)
    outcomes = []
    for name in _names(bundled_graph):
        outcomes.append(outcome(reading, name))
        assert outcomes[-1] == outcome(memory, name), name
    assert "names" not in reading.kept  # answered from the file, not from memory
    assert (disk / FILE).is_file()
    kinds = {o if isinstance(o, str) else o[0] for o in outcomes}
    assert {"ambiguous", "not found"} < kinds and any(isinstance(o, str) for o in outcomes)
    assert any(o[1] for o in outcomes if o[0] == "not found")  # with suggestions


def test_the_index_is_built_once_and_read_after(disk, monkeypatch):
    import graph.sparql.nameindex
    notices = []
    first = OxigraphStore(disk, read_only=True)
    first.notice = notices.append
    assert resolve(first, "metropolitan police").iri == ID + "met"
    assert len(notices) == 2 and notices[0].startswith(f"indexing the names in {disk} for lookups")
    first.close()

    def never(store):
        raise AssertionError("read every name again")
    monkeypatch.setattr(graph.sparql.nameindex, "read_names", never)
    second = OxigraphStore(disk, read_only=True)
    second.notice = notices.append
    assert resolve(second, "METROPOLITAN POLICE").iri == ID + "met"
    with pytest.raises(EntityNotFound) as e:
        resolve(second, "Keysorce")
    assert e.value.suggestions == ["Keysource"]
    assert len(notices) == 2  # nothing more to say


def test_a_change_to_the_store_is_seen(disk):
    """Written by another program (which leaves the index in place), the store's state
    differs from the one the index records: the next lookup builds it again."""
    import pyoxigraph as ox
    reading = OxigraphStore(disk, read_only=True)
    with pytest.raises(EntityNotFound):
        resolve(reading, "zebra widgets")
    reading.close()
    assert (disk / FILE).is_file()
    other = ox.Store(str(disk))
    other.add(ox.Quad(ox.NamedNode(ID + "zebra"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("Zebra Widgets Ltd")))
    other.flush()
    del other
    assert (disk / FILE).is_file()
    assert resolve(OxigraphStore(disk, read_only=True), "zebra widgets").iri == ID + "zebra"


def test_opening_the_store_for_writing_deletes_the_index(disk):
    reading = OxigraphStore(disk, read_only=True)
    resolve(reading, "metropolitan police")
    reading.close()
    assert [p.name for p in disk.glob(CACHE_PREFIX + "*")] == [FILE]
    OxigraphStore(disk).close()
    assert not list(disk.glob(CACHE_PREFIX + "*"))


def test_reading_does_not_change_the_state(disk):
    before = OxigraphStore(disk, read_only=True)
    state = before.state()
    resolve(before, "metropolitan police")  # writes the index beside the store
    before.select_strings("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    before.close()
    assert OxigraphStore(disk, read_only=True).state() == state


def test_a_damaged_index_is_built_again(disk):
    (disk / FILE).write_bytes(b"not a database")
    assert resolve(OxigraphStore(disk, read_only=True), "metropolitan police").iri == ID + "met"
    from graph.sparql.nameindex import NameTable
    assert len(NameTable(disk / FILE)) > 100


def test_an_index_that_cannot_be_written_leaves_names_in_memory(disk, monkeypatch):
    import graph.sparql.nameindex

    def full(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(graph.sparql.nameindex, "build", full)
    notices = []
    reading = OxigraphStore(disk, read_only=True)
    reading.notice = notices.append
    assert resolve(reading, "metropolitan police").iri == ID + "met"
    assert notices[-1] == (f"cannot keep the name index in {disk} ([Errno 28] No space left on device); "
                           f"names are read into memory instead")
    assert not list(disk.glob(CACHE_PREFIX + "*"))
    assert resolve(reading, "KEYSOURCE").iri == ID + "keysource"  # from the names in memory


def test_words_without_letters_are_compared_with_every_name(tmp_path):
    """FTS5 has no word for "£": a key with no letter or digit is compared with every
    name; FTS5 finds the candidates of the others, the whole-word pattern decides."""
    path = tmp_path / "store"
    writing = OxigraphStore(path)
    writing.store.update(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA {{ <{ID}fund> rdfs:label "£ Fund" . <{ID}funds> rdfs:label "£5 Funds" .
                      <{ID}refund> rdfs:label "Refund £" . <{ID}other> rdfs:label "Fund Two" . }}""")
    writing.close()
    reading = OxigraphStore(path, read_only=True)
    assert resolve(reading, "£ fund").iri == ID + "fund"
    assert "names" not in reading.kept
    with pytest.raises(AmbiguousName) as e:
        resolve(reading, "£")
    assert {iri for _, iri in e.value.candidates} == {ID + "fund", ID + "refund"}
    with pytest.raises(AmbiguousName) as e:
        resolve(reading, "FUND")
    assert {iri for _, iri in e.value.candidates} == {ID + "fund", ID + "other"}


def test_the_command_line_says_when_it_builds_the_index(disk, runner):
    from graph.cli.main import cli
    first = runner.invoke(cli, ["--store", f"oxigraph:{disk}", "show", "metropolitan police service"])
    assert first.exit_code == 0
    assert first.stdout.startswith("Metropolitan Police Service\n")
    assert first.stderr.startswith(f"indexing the names in {disk} for lookups (once: the index is kept "
                                   f"until the store changes)\nindexed ")
    second = runner.invoke(cli, ["--store", f"oxigraph:{disk}", "show", "metropolitan police service"])
    assert (second.exit_code, second.stderr, second.stdout) == (0, "", first.stdout)


def test_an_index_other_code_wrote_is_built_again(disk, monkeypatch):
    """Say another version normalises names otherwise: its index is not read."""
    import graph.sparql.nameindex
    from graph.sparql.nameindex import NameTable
    resolve(OxigraphStore(disk, read_only=True), "metropolitan police")
    monkeypatch.setattr(graph.sparql.nameindex, "source", lambda *modules: b"another version")
    notices = []
    reading = OxigraphStore(disk, read_only=True)
    reading.notice = notices.append
    assert resolve(reading, "metropolitan police").iri == ID + "met"
    assert notices[0].startswith("indexing the names")
    assert dict(NameTable(disk / FILE).db.execute("SELECT key, value FROM meta"))["key"] == \
        graph.sparql.nameindex._key(reading)  # the other version's
