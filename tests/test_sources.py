"""`supplier-graph sources`: the sources, and what one of them says, read off the articles."""

import json

from graph.cli.main import cli


def _json(runner, *args):
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_sources_with_their_dates_and_whether_they_are_reference_data(runner):
    listed = {s["title"]: s for s in _json(runner, "sources")}
    assert len(listed) == 8
    csc = listed["Met Police hands £250m to CSC in IT outsourcing carve-up"]
    assert (csc["publisher"], csc["issued"], csc["reference_data"]) == ("The Register", "2016-02-24", False)
    assert [t for t, s in listed.items() if s["reference_data"]] == [
        "Bromley council picks BT to deliver desktop and datacentre services",
        "DXC Technology formed by the merger of CSC and the Enterprise Services business of Hewlett Packard "
        "Enterprise, April 2017", "The 32 London borough councils and the City of London Corporation"]


def test_one_source_gives_its_own_words_for_each_fact(runner):
    d = _json(runner, "sources", "Met Police hands £250m to CSC")
    euc = next(e for e in d["entities"] if e["label"].startswith("Met end user computing"))
    # the CSC article's words, not the Pegasus article's ("End User Services to DXC")
    assert euc["evidence"] == ["The Met Police has handed £250m in contracts to CSC",
                               "a £155m end user computing deal to provide managed desktop services, storage over "
                               "the next five years"]
    assert [(f["amount"], f["kind"]) for f in d["figures"] if f["of"] and f["of"].startswith("Met")] == [
        (216_000_000.0, "total"), (155_000_000.0, "total"), (95_000_000.0, "total")]
    assert [(q["speaker"], q["text"]) for q in d["quotes"]] == [("Craig Mackey", "not without risk")]
    assert "The end user computing deal was handed to CSC." in [c["statement"] for c in d["claims"]]


def test_the_text_form_marks_paraphrase_and_verbatim(runner):
    out = runner.invoke(cli, ["sources", "Met Police hands £250m to CSC"]).output
    assert "published 2016-02-24; https://www.theregister.com/2016/02/24/met_hands_250m_to_csc/" in out
    assert "claims (in paraphrase):" in out and "quotes (verbatim):\n  \u201cnot without risk\u201d \u2014 Craig Mackey" in out


def test_a_name_that_is_not_a_source_exits_2(runner):
    result = runner.invoke(cli, ["sources", "BT"])
    assert result.exit_code == 2 and "'BT' is not a source document" in result.stderr
