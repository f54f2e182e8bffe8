"""Regenerate docs/commands/*.md with real output: python docs/regenerate.py

Each page is a short explanation followed by examples run against the bundled data (from
the repository root, so paths like tests/fixtures/... resolve). tests/test_docs.py runs
every example again and checks the output still matches.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from graph.cli.main import cli  # noqa: E402

PAGES = {
    "validate": ("Parse the data and check it against the SHACL shapes in `ontology/shapes.ttl`. "
                 "Exit 0 when valid; 1 with one line per violation (the entity's label and IRI, the property, "
                 "what is wrong); 2 when a file cannot be read, with `file:line:col` for syntax errors.",
                 ["validate", "validate tests/fixtures/rdf/contract-without-supplier.ttl",
                  "validate tests/fixtures/rdf/missing-dot.ttl"]),
    "stats": ("Entities by kind (subclasses included), contracts by status, the sources and how many entities "
              "cite each, and the data gaps: contracts with no known value, end or tower. An end is known as the "
              "`timeline` knows it: stated, derived from a duration, or bounded by a source.",
              ["stats"]),
    "show": ("One entity: its kinds, other names, attributes, relations in both directions (each with the "
             "other side's label and numbered sources), money figures, claims, evidence quotes and sources. "
             "NAME is a label, an alias, a local id or an IRI, in any case. An ambiguous name lists the "
             "candidates; an unknown one gets suggestions (both exit 2).",
             ["show MPS", "show Keysorce"]),
    "sources": ("The sources: each document with its publisher, its date of publication (where its text or its "
                "address gives one) and how many entities cite it. With NAME, what one source says: every entity it "
                "supports, with the evidence quoted from this source only (where its text is bundled), its figures, "
                "its claims (in paraphrase) and the quotes it prints (verbatim).",
                ["sources", 'sources "Bromley Council pays BT"']),
    "query": ("Run a named query (`query --list`), a `.rq` file, SPARQL text or `-` for stdin. `--param NAME=VALUE` "
              "binds a parameter, resolving entity names. `--format table|csv|tsv|json` for SELECT/ASK "
              "(json is SPARQL 1.1 Query Results JSON), `turtle|nt|jsonld` for CONSTRUCT/DESCRIBE. "
              "`--timeout` bounds every query (default 30 s). Updates are refused; so is SERVICE unless "
              "`--allow-service`.",
              ["query --list", "query buyers-of-supplier --param supplier=SunGard --format csv",
               "query \"SELECT (COUNT(*) AS ?n) WHERE { ?c a sg:Contract }\" --format json",
               "query \"DELETE WHERE { ?s ?p ?o }\""]),
    "serve": ("Serve the graph as a read-only SPARQL 1.1 Protocol endpoint (Oxigraph's server) on 127.0.0.1. "
              "GET and POST; JSON, XML, CSV and TSV results and Turtle and N-Triples graphs by content "
              "negotiation; a per-query `--timeout`; no update endpoint; at `/`, a query page of the "
              "project's own, its prefixes declared, which fetches nothing from the internet. Ctrl-C stops it. See "
              "[running against a SPARQL server](../sparql-server.md).",
              []),
    "centrality": ("Degree, betweenness (weighted so that more contracts mean closer), PageRank and eigenvector "
                   "centrality (per connected component, scaled by size) of every node of a projection "
                   "(`--view supply|network|towers`). Betweenness is exact up to 2,000 nodes and sampled from 200 sources "
                   "with a fixed seed above (computed by igraph above 200 nodes, with networkx's definition); the "
                   "first line on stderr says which.",
                   ["centrality --top 5", "centrality --view network --top 3 --format csv"]),
    "shared": ("Every pair of buyers that buy from a common supplier, and which suppliers; `--format json` adds "
               "the towers each shared supplier provides to each buyer.",
               ["shared"]),
    "paths": ("The k shortest paths between two entities (network view by default), each hop naming its relation "
              "and the documents that state it.",
              ["paths Lewisham Westminster -k 1", "paths Bromley Atlantis"]),
    "impact": ("What fails if a supplier exits: the buyers affected, the towers each is left without (no other "
               "supplier of that buyer covers them), value at risk by kind, until when each buyer's dependency lasts "
               "(the latest end of its contracts with the supplier, as `timeline` places it), and the frameworks "
               "the supplier sits on, with their ceilings as framework headroom. "
               "`--group` takes its corporate predecessors and successors with it.",
               ["--as-of 2021-06-01 impact BT", "--as-of 2021-06-01 impact CSC --group --format json"]),
    "report": ("The supplier-dependency report, statuses as of `--as-of` (default today), with the cliff edge: what "
               "ends in each year, the buyer–tower pairs left without a contract, and concentration over time. "
               "`--format md|json|html`; `--buyer NAME` narrows it to one body; "
               "`--out FILE` writes it atomically. The JSON follows [the report schema](../report-schema.md) and "
               "lists everything; Markdown and HTML show at most `--rows N` items in each listing (default 100: "
               "the buyers with the most counted contracts, the most central suppliers, the first of the rest) "
               "and say how many more there are, so that a national report stays readable; `--rows 0` shows "
               "everything.",
               ["--as-of 2021-06-01 report --buyer Lewisham", '--as-of 2021-06-01 report --buyer "the Met" --rows 3']),
    "timeline": ("Contracts and frameworks by end date. Each end has its basis: `stated` (a source gives the date, "
                 "e.g. OCDS `contractPeriod.endDate`), `derived` (a dated start or award plus the stated duration, "
                 "the rule shown, never more precise than its inputs: a year plus five years is a year) or "
                 "`bounded` (a source says the contract is due to end within a period of its own date). Each "
                 "status is worked out as of the global `--as-of DATE` (default today) and shown beside the "
                 "status a source reported on its own date where they differ. `--from`/`--to` keep what may "
                 "end in that window; `--buyer`, `--supplier`, `--tower` narrow it; `--format table|csv|json` "
                 "(JSON is `{\"as_of\", \"rows\"}`).",
                 ['--as-of 2021-06-01 timeline --buyer "the Met"',
                  "--as-of 2021-06-01 timeline --supplier SunGard --format json",
                  "--as-of 2021-13-01 timeline"]),
    "viz": ("An interactive graph page: the whole graph, or one of `--focus NAME --depth N`, `--path A B`, "
            "`--impact SUPPLIER`, `--tower TOWER`. Self-contained (vis-network inlined), works from file:// "
            "with no connection; names from the data are only ever inserted as text.",
            ["viz --impact CSC --out /tmp/supplier-graph-docs-csc.html"]),
    "ingest": ("`ingest ocds FILE... --out OUT.ttl` imports OCDS from Contracts Finder and Find a Tender; "
               "`ingest spend-csv FILE --buyer NAME --out OUT.ttl` imports a council's spending-over-£500 CSV. "
               "Organisations join existing entities by identifier, then normalised name; near matches are "
               "suggested (`--report`), and confirmed in an `--aliases` CSV (`name,iri`).",
               ["ingest ocds tests/fixtures/ocds/releases-array.json --out /tmp/supplier-graph-docs.ttl --report",
                "ingest spend-csv tests/fixtures/spend/utf8-bom-vendor.csv --buyer Lewisham "
                "--out /tmp/supplier-graph-docs-spend.ttl",
                "ingest spend-csv tests/fixtures/spend/missing-columns.csv --buyer Lewisham "
                "--out /tmp/supplier-graph-docs-spend.ttl"]),
    "export": ("The graph as Turtle, N-Triples (sorted) or JSON-LD, or a projection as GraphML or GEXF for Gephi.",
               ["export --format graphml --view supply --out /tmp/supplier-graph-docs.graphml"]),
    "synth": ("A synthetic procurement graph of N contracts that conforms to the shapes (buyers of each kind, "
              "Zipf-distributed suppliers, frameworks and call-offs, values, dates, statuses, partnerships, "
              "lineage, a source per fact). Deterministic for a seed. For scale tests and `benchmarks/`.",
              ["synth --contracts 1000 --seed 1 --out /tmp/supplier-graph-docs-synth.nt"]),
    "load": ("Bulk-load RDF files (and the ontology) into a persistent Oxigraph store once, with a progress bar "
             "on a terminal; afterwards every command reads it with `--store oxigraph:DIR` without parsing.",
             []),
    "build": ("The main job: validation, statistics, the report in every format, the graph in every RDF format, "
              "the projections for Gephi and the graph pages, with an `index.html` linking them. Exit 1 if "
              "validation found problems (everything is still written).",
              ["build --out /tmp/supplier-graph-docs-build"]),
}


def run(args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, shlex.split(args), prog_name="supplier-graph")
    return result.exit_code, result.output


def main() -> None:
    import os
    os.chdir(ROOT)
    out = ROOT / "docs" / "commands"
    out.mkdir(parents=True, exist_ok=True)
    for name, (prose, examples) in PAGES.items():
        help_text = run(f"{name} --help")[1].strip()
        lines = [f"# `supplier-graph {name}`", "", prose, ""]
        for ex in examples:
            code, output = run(ex)
            text = output.rstrip("\n").splitlines()
            if len(text) > 40:
                text = text[:30] + ["..."] + text[-5:]
            lines += ["```console", f"$ supplier-graph {ex}", *text, "```", f"(exit {code})", ""]
        lines += ["## Help", "", "```text", help_text, "```", ""]
        (out / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote docs/commands/{name}.md")


if __name__ == "__main__":
    main()
