"""The ``supplier-graph`` command line: a thin shell over the library.

Data goes to stdout, messages to stderr. Exit codes: 0 ok; 1 ran but found problems
(SHACL violations); 2 bad input or usage (parse error, bad query, unknown entity).
Each command imports only what it needs, so ``--help`` and ``validate`` stay fast.
"""

from __future__ import annotations

import json
import sys

import click

from .base import Ctx, cli, format_option, resolve, rows_option, shown_rows
from ..errors import InputError


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@format_option(["text", "json"], "text")
@click.pass_obj
def validate(obj: Ctx, paths, fmt):
    """Parse the data and check it against the SHACL shapes.

    Exits 0 when valid, 1 listing each violation (the entity, the property, what is
    wrong), 2 when a file cannot be read (with file:line:col for syntax errors).

    Example: supplier-graph validate data/triples.ttl
    """
    from ..model.validation import validate as run_validate
    obj.files_only("validate", "SHACL checks a graph held in memory")
    report = run_validate(list(paths) or obj.data)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@format_option(["table", "json"], "table")
@rows_option("table", "the sources behind the most entities, the first contracts of each gap")
@click.pass_obj
def stats(obj: Ctx, fmt, rows):
    """Counts by kind, contracts by status, sources, and contracts with no known value,
    date or tower.

    Example: supplier-graph stats --format json
    """
    rows = shown_rows(fmt, rows, "table")
    from ..sparql.stats import format_stats, graph_stats
    result = graph_stats(obj.store())
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_stats(result, rows))


@cli.command()
@click.argument("name")
@format_option(["text", "json"], "text")
@rows_option("text", "the first of each relation, figure and claim")
@click.pass_obj
def show(obj: Ctx, name, fmt, rows):
    """One entity: its relations, figures, claims and the sources for each.

    NAME is a label, an alias, a local id or an IRI, in any case ("the Met", "MPS",
    ":met"). An ambiguous name lists the candidates; an unknown one gets suggestions.
    On an on-disk store, the first name not spelled exactly as the graph spells it
    builds an index of the store's names beside it, kept until the store changes.

    Example: supplier-graph show "Metropolitan Police Service"
    """
    rows = shown_rows(fmt, rows, "text")
    from ..sparql.entity import describe, format_description
    store = obj.store()
    result = describe(store, resolve(store, name))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_description(result, rows))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "graphml", "gexf"]),
              default="turtle", show_default=True,
              help="RDF (turtle, nt, jsonld) or the networkx projection for Gephi (graphml, gexf).")
@click.option("--view", type=click.Choice(["supply", "network", "towers"]), default="network",
              show_default=True, help="Projection to write as graphml/gexf.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (atomically) "
              "instead of stdout.")
@click.pass_obj
def export(obj: Ctx, fmt, view, out):
    """Write the graph (data and ontology) as Turtle, N-Triples or JSON-LD, or its
    projection as GraphML or GEXF for Gephi.

    Example: supplier-graph export --format nt --out graph.nt
    """
    if fmt in ("graphml", "gexf"):
        from ..viz.export import serialise_projection
        text = serialise_projection(obj.project(obj.store(), view), fmt)
    elif obj.endpoint or obj.store_spec:
        from ..model.rdffiles import serialise_rdf
        text = serialise_rdf(obj.store().construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), fmt)
    else:
        from ..model.rdffiles import serialise_rdf
        from ..model.rdffiles import data_paths, load_graph
        text = serialise_rdf(load_graph(data_paths(obj.data)), fmt)
    if out:
        from ..io import write_atomic
        write_atomic(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--out", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write into.")
@click.pass_obj
def build(obj: Ctx, out):
    """The main job: validate, then write the validation report, stats and the graph
    in every RDF format to OUT, with an index.html linking them.

    Exits 1 if validation found problems (the files are still written).

    Example: supplier-graph build --out build
    """
    from ..site import build as run_build
    obj.files_only("build", "it validates the graph in memory with SHACL and writes it out whole")
    result = run_build(out, obj.data, as_of=obj.as_of)
    for name in result["files"]:
        click.echo(f"{out}/{name}")
    report = result["report"]
    click.echo(report.to_text().splitlines()[-1] if not report.conforms else report.to_text(), err=True)
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.argument("q", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries and exit.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable); entity names are resolved like show.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle", "nt", "jsonld"]),
              default=None, help="table|csv|tsv|json for SELECT/ASK (json: SPARQL 1.1 results); "
                                 "turtle|nt|jsonld for CONSTRUCT/DESCRIBE.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Stop the query after this many seconds.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries fetch other URLs).")
@click.option("--iri", is_flag=True, help="Table: show the columns of IRIs beside their labels too "
                                          "(CSV, TSV and JSON always have them).")
@click.pass_obj
def query(obj: Ctx, q, list_, params, fmt, timeout, allow_service, iri):
    """Run a SPARQL query: a library name (see --list), a .rq file, SPARQL text, or - for
    stdin. Updates are refused.

    Example: supplier-graph query suppliers-of-buyer --param buyer="the Met"
    """
    from ..sparql.run import run_query
    from ..sparql.library import format_result, list_queries
    if list_:
        for nq in list_queries():
            ps = " ".join(f"[{p}]" for p in nq.params)
            click.echo(f"{nq.name:<24} {nq.title}" + (f"  {ps}" if ps else ""))
        return
    if not q:
        raise click.UsageError("give a query name, a .rq file, SPARQL text or -; see --list")
    if q == "-":
        q = sys.stdin.read()
    bound = {}
    for p in params:
        name, sep, value = p.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{p!r} is not NAME=VALUE", param_hint="--param")
        bound[name.strip()] = value
    form, result = run_query(obj.store(), q, bound, timeout=timeout, allow_service=allow_service)
    default = "turtle" if form in ("CONSTRUCT", "DESCRIBE") else "table"
    click.echo(format_result(result, form, fmt or default, iri=iri), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="Per-query timeout in seconds.")
@click.pass_obj
def serve(obj: Ctx, host, port, timeout):
    """Serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph's server) at
    http://HOST:PORT/query, with a query page at http://HOST:PORT/ that declares the
    project's prefixes and fetches nothing from the internet. Ctrl-C stops it.

    Example: supplier-graph serve --port 7878
    """
    from ..serve.server import serve as run_serve
    if obj.endpoint:
        raise InputError("serve serves files (--data) or an Oxigraph store (--store), not --endpoint: "
                         "the endpoint named is a SPARQL server already")
    run_serve(data=obj.data, store=obj.store_spec, host=host, port=port, timeout=timeout,
              announce=lambda msg: click.echo(msg, err=True))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="supplier-graph")


# the other commands register themselves on ``cli``
from . import analysis, data  # noqa: E402,F401
