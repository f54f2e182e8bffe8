"""The ``supplier-graph`` command line: a thin shell over the library.

Data goes to stdout, messages to stderr. Exit codes: 0 ok; 1 ran but found problems
(SHACL violations); 2 bad input or usage (parse error, bad query, unknown entity).
Each command imports only what it needs, so ``--help`` and ``validate`` stay fast.
"""

from __future__ import annotations

import json
import sys

import click

from .errors import GraphError, InputError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Ctx:
    """Options shared by every command."""

    def __init__(self, data: tuple[str, ...], store: str | None, endpoint: str | None, as_of=None, *,
                 endpoint_max_rows: int | None = None):
        import datetime
        self.data = list(data) or None
        #: the date statuses are given as of (``--as-of``; today by default)
        self.as_of = as_of or datetime.date.today()
        self.store_spec = store
        self.endpoint = endpoint
        self.endpoint_max_rows = endpoint_max_rows

    def store(self):
        from .store import open_store
        store = open_store(self.data, store=self.store_spec, endpoint=self.endpoint,
                           endpoint_max_rows=self.endpoint_max_rows)
        store.notice = _notice
        return store

    def about(self) -> str:
        """What a page shows, for its reader: the data it was made from, and when."""
        data = ", ".join(self.data) if self.data else "the bundled graph (data/triples.ttl)"
        if self.endpoint:
            data = self.endpoint
        elif self.store_spec and self.store_spec != "memory":
            data = self.store_spec
        return (f"Data: {data}. Statuses as the sources reported them, each on its own date; "
                f"made as of {self.as_of.isoformat()}.")

    def project(self, store, view: str, *, snap=None, **options):
        """:func:`~graph.projection.project` of ``store`` (from ``snap``, its snapshot, if the
        caller has read it)."""
        from .projection import project, snapshot
        snap = snap if snap is not None else snapshot(store)
        return project(None, view, snap=snap, **options)


def resolve(store, name: str, kind: str | None = None):
    """:func:`graph.lookup.resolve`, saying on stderr what else the name matched where an
    organisation won; with ``kind`` ("buyer" or "supplier"), an entity of another kind is a
    usage error (exit 2) that says what it is and what to ask instead."""
    from .lookup import resolve as find
    entity = find(store, name)
    if entity.also:
        others = "; ".join(f"{label} <{iri}>" for label, iri in entity.also[:5])
        click.echo(f"note: {name!r} is taken as the organisation {entity.label}; it also matches: {others}", err=True)
    if kind is not None:
        from .lookup import kind_of
        found = kind_of(store, entity.iri)
        if kind not in found:
            what = " and ".join(sorted(found)) or "neither a buyer nor a supplier"
            hint = {"buyer": f'supplier-graph report --buyer "{entity.label}"',
                    "supplier": f'supplier-graph impact "{entity.label}"'}
            ask = next((hint[k] for k in ("supplier", "buyer") if k in found), f'supplier-graph show "{entity.label}"')
            raise InputError(f"{name!r} is {entity.label}, {('a ' + what) if found else what}, not a {kind}; "
                             f"try: {ask}")
    return entity


def _notice(message: str) -> None:
    """A slow step beginning, said to the person running the command (on stderr)."""
    click.echo(message, err=True)


def fail(error: GraphError) -> None:
    """Print a library error on stderr and exit with its code."""
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


class GraphGroup(click.Group):
    """A group that turns library errors into messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GraphError as e:
            fail(e)


def format_option(choices: list[str], default: str):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


@click.group(cls=GraphGroup, context_settings=CONTEXT)
@click.option("--data", "data", multiple=True, type=click.Path(),
              help="RDF file or folder to read (repeatable), instead of the bundled "
                   "data/triples.ttl. The ontology is always added.")
@click.option("--store", "store", default=None, metavar="memory|oxigraph:DIR",
              help="Where to keep the graph: in memory (default) or a persistent Oxigraph "
                   "store in DIR, loaded from --data the first time.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Read from a running SPARQL 1.1 endpoint instead of local files.")
@click.option("--endpoint-max-rows", "endpoint_max_rows", default=None, type=click.IntRange(min=1), metavar="N",
              help="The most rows the endpoint sends in one answer (Virtuoso's ResultSetMaxRows; 10,000 "
                   "taken for Virtuoso unless given): an answer that long is counted again on the "
                   "server, and one that was cut stops the command.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", callback=lambda c, p, v: _iso_date(v),
              help="The date statuses hold on (live, ended, ...): worked out from each contract's dates. "
                   "Default: today.")
@click.version_option(package_name="supplier-graph")
@click.pass_context
def cli(ctx, data, store, endpoint, endpoint_max_rows, as_of):
    """A knowledge graph of public-sector IT suppliers: who supplies whom, for what,
    and what fails if a supplier does.

    Example: supplier-graph show "the Met"
    """
    ctx.obj = Ctx(data, store, endpoint, as_of, endpoint_max_rows=endpoint_max_rows)


def _iso_date(value: str | None):
    """A date option (``--as-of``, ``--from``, ``--to``): an ISO date, a usage error (exit 2) otherwise."""
    import datetime
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2021-03-31") from None


def _date_option(name: str, dest: str, text: str):
    return click.option(name, dest, default=None, metavar="YYYY-MM-DD", callback=lambda c, p, v: _iso_date(v), help=text)


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
    from .validation import validate as run_validate
    report = run_validate(list(paths) or obj.data)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text())
    sys.exit(0 if report.conforms else 1)


def rows_option(form: str, which: str):
    """``--rows N``: the most items each listing of the ``form`` output shows (``which``
    says which are kept); JSON always lists everything."""
    return click.option("--rows", type=click.IntRange(min=0), default=None, metavar="N",
                        help=f"{form}: show at most N items in each listing (default 100; {which}), saying "
                             f"how many more; 0: everything. JSON always lists everything.")


def shown_rows(fmt: str, rows: int | None, form: str) -> int | None:
    """What ``--rows`` asks of a rendering for people: None for everything. Given with
    ``--format json`` it is a usage error (exit 2), before any work is done."""
    if fmt == "json" and rows is not None:
        raise click.UsageError(f"--rows abridges the {form}; JSON always lists everything")
    from .tables import ROWS
    return ROWS if rows is None else rows or None


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
    from .stats import format_stats, graph_stats
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
    from .entity import describe, format_description
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
        from .export import serialise_projection
        text = serialise_projection(obj.project(obj.store(), view), fmt)
    elif obj.endpoint or obj.store_spec:
        from .export import serialise_rdf
        text = serialise_rdf(obj.store().construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), fmt)
    else:
        from .export import serialise_rdf
        from .rdffiles import data_paths, load_graph
        text = serialise_rdf(load_graph(data_paths(obj.data)), fmt)
    if out:
        from .io import write_atomic
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
    from .site import build as run_build
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
    from .sparql import format_result, list_queries, run_query
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
    from .serve import serve as run_serve
    run_serve(data=obj.data, store=obj.store_spec, host=host, port=port, timeout=timeout,
              announce=lambda msg: click.echo(msg, err=True))


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _page_out(out: str | None, default: str) -> str | None:
    """Where an HTML page goes: ``out``, else stdout, except that a page is never poured
    into a terminal: there it is written to ``default`` in the current folder."""
    return out if out or not _stdout_is_terminal() else default


def _emit(content, out: str | None) -> None:
    """Write ``content`` to ``out`` (atomically) or to stdout. ``content`` is text, or an
    iterable of UTF-8 byte chunks written as they come, so a national report is never
    held in memory a second time as one string."""
    if out:
        from .io import write_atomic, write_chunks
        if isinstance(content, str):
            write_atomic(out, content)
        else:
            write_chunks(out, content)
        click.echo(f"wrote {out}", err=True)
    elif isinstance(content, str):
        click.echo(content, nl=False)
    else:
        sys.stdout.writelines(chunk.decode("utf-8") for chunk in content)
        sys.stdout.flush()


def analysis_options(formats=("table", "json", "csv"), default="table", view=True, view_default="supply"):
    def wrap(f):
        f = click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (atomically).")(f)
        f = click.option("--format", "fmt", type=click.Choice(list(formats)), default=default,
                         show_default=True, help="Output format.")(f)
        f = click.option("--include-inactive", is_flag=True,
                         help="Count cancelled and ended contracts too.")(f)
        if view:
            f = click.option("--view", type=click.Choice(["supply", "network", "towers"]), default=view_default,
                             show_default=True, help="Projection: buyer-supplier (supply); with frameworks, "
                             "partnerships and lineage (network); buyer-tower-supplier (towers).")(f)
        return f
    return wrap


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="supplier-graph")


# the other commands register themselves on ``cli``
from . import cli_analysis, cli_data  # noqa: E402,F401
