"""The ``supplier-graph`` command line: a thin shell over the library.

Data goes to stdout, messages to stderr. Exit codes: 0 ok; 1 ran but found problems
(SHACL violations); 2 bad input or usage (parse error, bad query, unknown entity).
Each command imports only what it needs, so ``--help`` and ``validate`` stay fast.
"""

from __future__ import annotations

import json
import os
import sys

import click

from .errors import GraphError, InputError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


#: Objects left for the operating system to reclaim when the process ends (see main()):
#: freeing a national report's projection and rows one object at a time took about 5 s.
#: Only main() ends the process; where the commands run inside a longer-lived one (click's
#: test runner, a notebook), each context keeps its own list and frees it with itself.
_KEPT: list | None = None


class Ctx:
    """Options shared by every command."""

    def __init__(self, data: tuple[str, ...], store: str | None, endpoint: str | None, as_of=None):
        import datetime
        self.data = list(data) or None
        #: the date statuses are given as of (``--as-of``; today by default)
        self.as_of = as_of or datetime.date.today()
        self.store_spec = store
        self.endpoint = endpoint
        #: what a command built, left for the end of the process to reclaim (see main()):
        #: under main() the module's list, not the context's, which click drops (and with it
        #: anything it held, one object at a time) as the command returns
        self.kept: list = [] if _KEPT is None else _KEPT

    def store(self):
        from .store import open_store
        store = open_store(self.data, store=self.store_spec, endpoint=self.endpoint)
        store.notice = _notice
        return store

    def project(self, store, view: str, *, snap=None, **options):
        """:func:`~graph.projection.project` of ``store`` (from ``snap``, its snapshot, if the
        caller has read it); the graph and the snapshot are kept (:attr:`kept`), not freed
        one object at a time as the command returns: 6 s on a million contracts (3.9 s the
        graph, 2.3 s the snapshot)."""
        from .projection import project, snapshot
        snap = snap if snap is not None else snapshot(store)
        g = project(None, view, snap=snap, **options)
        self.kept += [snap, g]
        return g


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
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", callback=lambda c, p, v: _as_of(v),
              help="The date statuses hold on (live, ended, ...): worked out from each contract's dates. "
                   "Default: today.")
@click.version_option(package_name="supplier-graph")
@click.pass_context
def cli(ctx, data, store, endpoint, as_of):
    """A knowledge graph of public-sector IT suppliers: who supplies whom, for what,
    and what fails if a supplier does.

    Example: supplier-graph show "the Met"
    """
    ctx.obj = Ctx(data, store, endpoint, as_of)


def _as_of(value: str | None):
    """``--as-of``: an ISO date (a usage error, exit 2, otherwise)."""
    import datetime
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2021-03-31") from None


def _date_option(name: str, dest: str, text: str):
    return click.option(name, dest, default=None, metavar="YYYY-MM-DD", callback=lambda c, p, v: _as_of(v), help=text)


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
        from .store import data_paths, load_graph
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
@click.pass_obj
def query(obj: Ctx, q, list_, params, fmt, timeout, allow_service):
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
    click.echo(format_result(result, form, fmt or default), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="Per-query timeout in seconds.")
@click.pass_obj
def serve(obj: Ctx, host, port, timeout):
    """Serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph's server) at
    http://HOST:PORT/query. Ctrl-C stops it.

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


@cli.command()
@analysis_options()
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the N highest-ranked nodes.")
@click.pass_obj
def centrality(obj: Ctx, view, include_inactive, fmt, out, top):
    """Degree, betweenness, PageRank and eigenvector centrality of every node.

    Example: supplier-graph centrality --view network --top 10
    """
    from .tables import render
    result = _centrality(obj, obj.store(), view, include_inactive)
    rows = result["nodes"][:top] if top else result["nodes"]
    if fmt != "json":
        click.echo(f"betweenness: {result['betweenness_method']}", err=True)
    text = render(rows, ["rank", "label", "kind", "degree", "betweenness", "pagerank", "eigenvector"], fmt,
                  document={**result, "nodes": rows})
    if fmt == "table":
        text += "\nrank: by PageRank, 1 the highest.\n"
    _emit(text, out)


def _centrality(obj: Ctx, store, view: str, include_inactive: bool) -> dict:
    """:func:`~graph.analytics.centrality.centrality` of a view of ``store``, with
    betweenness computed in an interpreter of its own while this one computes the rest
    (on a large graph), started as soon as a kept snapshot gives the supply view's edges."""
    from .analytics.centrality import BACKGROUND_EDGES, EarlyBetweenness, centrality, edge_list
    from .projection import snapshot, supply_edges
    early = EarlyBetweenness(wanted=view == "supply" and not include_inactive)
    job = None
    try:
        snap = snapshot(store, on_edges=early)
        g = obj.project(store, view, snap=snap, include_inactive=include_inactive, listing=False)
        nodes, edges = (supply_edges(None, include_inactive=include_inactive, snap=snap) if view == "supply"
                        else edge_list(g))
        if len(edges) < BACKGROUND_EDGES:  # milliseconds, from the graph itself
            return centrality(g)
        job = early.job(nodes, edges)
        result = centrality(g, between=False)
        method, scores = job.result()
    finally:
        early.cancel()
        if job is not None:
            job.cancel()
    by_node = dict(zip(nodes, scores))
    for row in result["nodes"]:
        row["betweenness"] = round(by_node[row["iri"]], 6)
    result["betweenness_method"] = method
    return result


@cli.command()
@analysis_options(view=False)
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Only the N pairs that share the most suppliers (all pairs are still counted); "
                   "needed above 1,000,000 pairs.")
@click.pass_obj
def shared(obj: Ctx, include_inactive, fmt, out, top):
    """Pairs of buyers that share suppliers, which suppliers, and in which towers.

    Example: supplier-graph shared --format csv
    """
    from .analytics.shared import shared_suppliers, top_shared_pairs
    from .tables import render
    g = obj.project(obj.store(), "supply", include_inactive=include_inactive)
    if top is None:
        result = shared_suppliers(g)  # above a million pairs: an error that asks for --top
    else:
        total, result = top_shared_pairs(g, limit=top)
        click.echo(f"the {len(result):,} of {total:,} pairs that share the most suppliers", err=True)
    rows = [{"buyer_a": r["buyers"][0]["label"], "buyer_b": r["buyers"][1]["label"],
             "shared": len(r["suppliers"]), "suppliers": [s["label"] for s in r["suppliers"]]} for r in result]
    _emit(render(rows, ["buyer_a", "buyer_b", "shared", "suppliers"], fmt, document=result), out)


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("-k", "k", type=click.IntRange(min=1), default=3, show_default=True, help="How many paths.")
@analysis_options(default="table", view_default="network")
@click.pass_obj
def paths(obj: Ctx, a, b, k, view, include_inactive, fmt, out):
    """The shortest explained paths between two entities, each hop with its relation
    and sources. Uses the network view unless --view says otherwise.

    Example: supplier-graph paths "Bromley Council" "the Met"
    """
    from .analytics.paths import explained_paths
    from .tables import render
    store = obj.store()
    source, target = resolve(store, a), resolve(store, b)
    g = obj.project(store, view, include_inactive=include_inactive)
    result = explained_paths(g, source.iri, target.iri, k=k)
    if not result:
        click.echo(f"no path between {source.label} and {target.label}", err=True)
    rows = [{"path": i, "hop": j, "from": h["from"]["label"], "relation": h["relation"], "to": h["to"]["label"],
             "sources": h["sources"]} for i, p in enumerate(result, 1) for j, h in enumerate(p["hops"], 1)]
    _emit(render(rows, ["path", "hop", "from", "relation", "to", "sources"], fmt,
                 document={"from": {"iri": source.iri, "label": source.label},
                           "to": {"iri": target.iri, "label": target.label}, "paths": result}), out)


@cli.command()
@click.argument("supplier")
@click.option("--group", is_flag=True, help="Take the supplier's corporate predecessors and successors with it.")
@analysis_options(view=False)
@click.pass_obj
def impact(obj: Ctx, supplier, group, include_inactive, fmt, out):
    """What fails if a supplier exits: buyers affected, the towers each is left
    without, value at risk by kind, frameworks affected.

    Example: supplier-graph impact DXC --group
    """
    from .failure import summary_line, supplier_failure
    from .projection import snapshot
    from .tables import money, render
    store = obj.store()
    who = resolve(store, supplier, "supplier")
    snap = snapshot(store)
    g = obj.project(store, "supply", snap=snap, include_inactive=include_inactive)
    result = supplier_failure(store, g, snap, who.iri, group=group, as_of=obj.as_of)
    # for people, money as money; CSV keeps the numbers, and the answer's summary goes to
    # stdout above a table, to stderr beside CSV, whose stdout is data only
    fig = (lambda v: money(v) if v is not None else None) if fmt == "table" else (lambda v: v)
    head = "\n".join([summary_line(result)] + [f"note: {n}" for n in result["notes"]]) + "\n"
    if fmt == "csv":
        click.echo(head, err=True, nl=False)
    rows = [{"buyer": b["label"], "contracts": len(b["contracts"]), "towers_lost": b["towers_lost"],
             "towers_with_alternative": b["towers_with_alternative"],
             "total_at_risk": fig(b["value_at_risk"].get("total")), "annual_at_risk": fig(b["value_at_risk"].get("annual")),
             "contracts_without_value": b["contracts_without_value"],
             "depends_until": b["until"]["text"]} for b in result["buyers"]]
    rows += [{"buyer": f"(framework) {f['label']}", "contracts": 0,
              "towers_lost": [], "towers_with_alternative": [],
              "contracts_without_value": 0,
              "framework_headroom": ", ".join(f"{money(m['amount'], m['currency'])} ceiling, shared by a panel of "
                                              f"{f['panel']}" for m in f["ceilings"]) or None}
             for f in result["frameworks"]]
    text = render(rows, ["buyer", "contracts", "towers_lost", "towers_with_alternative", "total_at_risk",
                         "annual_at_risk", "contracts_without_value", "depends_until", "framework_headroom"], fmt,
                  document=result)
    if fmt == "table":
        text = head + text + f"\nstatuses as of {obj.as_of.isoformat()}; 'depends until' is the latest end of the buyer's contracts " \
                f"with it (see `timeline`).\n"
    _emit(text, out)


@cli.command()
@click.argument("name", required=False)
@format_option(["text", "json"], "text")
@click.pass_obj
def sources(obj: Ctx, name, fmt):
    """The sources, with their publishers, dates and how many entities cite each; with
    NAME (a title, its label or an IRI), everything one source says: the facts it
    supports with its own words as evidence, its figures, its claims (in paraphrase) and
    the quotes it prints (verbatim).

    Example: supplier-graph sources "Met Police hands £250m to CSC"
    """
    from .sources import format_source, list_sources, source_facts
    store = obj.store()
    if name is None:
        listed = list_sources(store)
        if fmt == "json":
            click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
            return
        for s in listed:
            when = s["issued"] or "date not known"
            tag = "  [reference data]" if s["reference_data"] else ""
            click.echo(f"{s['facts']:>4}  {s['title']} \u2014 {s['publisher'] or 'publisher unknown'} ({when}){tag}")
        return
    d = source_facts(store, resolve(store, name))
    click.echo(json.dumps(d, indent=2, ensure_ascii=False) if fmt == "json" else format_source(d), nl=fmt == "json")


@cli.command()
@_date_option("--from", "from_", "Keep what may end on or after this date.")
@_date_option("--to", "to", "Keep what may end on or before this date.")
@click.option("--buyer", default=None, help="Keep the contracts of this buyer (a name, alias or IRI).")
@click.option("--supplier", default=None, help="Keep the contracts of this supplier.")
@click.option("--tower", default=None, help="Keep the contracts covering this service tower.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write to this file (atomically).")
@click.pass_obj
def timeline(obj: Ctx, from_, to, buyer, supplier, tower, fmt, out):
    """Contracts and frameworks by end date: when each ends, on what basis (stated,
    derived from a start and a duration, or bounded by a source), and its status as of
    --as-of.

    Example: supplier-graph timeline --buyer "the Met" --from 2021-01-01
    """
    from .tables import render
    from .timeline import timeline as build
    store = obj.store()
    pick = {key: resolve(store, name).iri if name else None
            for key, name in (("buyer", buyer), ("supplier", supplier), ("tower", tower))}
    result = build(store, as_of=obj.as_of, start=from_, end=to, **pick)
    if fmt == "json":
        _emit(render([], [], "json", document=result), out)
        return
    columns = ["end", "label", "buyer", "towers", "suppliers", "value", "basis", "status"]
    rows = [_timeline_row(r) for r in result["rows"]]
    if fmt == "csv":
        _emit(render(rows, columns, fmt), out)
        return
    # one line per contract, its parts joined: a table of seven wide columns fits no terminal
    known = sum(1 for r in result["rows"] if r["end"])
    lines = [" · ".join(row[c] for c in columns) for row in rows]
    lines += ["", f"{len(rows)} contract(s) and framework(s), {known} with a known or bounded end; "
                  f"statuses as of {obj.as_of.isoformat()}."]
    _emit("\n".join(lines) + "\n", out)


def _timeline_row(r: dict) -> dict:
    """One timeline row for people: money as money, the basis with its rule, and a
    reported status beside the computed one where they differ."""
    from .tables import money
    v = r["value"]
    rep = r["reported_status"]
    status = r["status"]
    if rep and rep["status"] != status:
        status += f" (reported {rep['status']}" + (f" on {rep['on']})" if rep["on"] else ")")
    from .dates import say_duration
    basis = (f"{r['end_basis']} ({r['end_rule']})" if r["end_basis"] != "stated" else "stated") \
        if r["end_basis"] else "end unknown" + (f" (lasts {say_duration(r['duration'])})" if r["duration"] else "")
    return {"end": r["end"]["text"] if r["end"] else "unknown", "label": r["label"],
            "buyer": ", ".join(b["label"] for b in r["buyers"]) or "not stated",
            "towers": ", ".join(r["towers"]) or "—",
            "suppliers": ", ".join(s["label"] for s in r["suppliers"]) or "not known",
            "value": f"{money(v['amount'], v['currency'])} {v['kind']}" if v else "unknown",
            "basis": basis, "status": status}


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="md", show_default=True,
              help="json (a documented schema), md (Markdown) or html (self-contained, with charts).")
@click.option("--buyer", default=None, help="Narrow the report to one buyer (a name, alias or IRI).")
@click.option("--include-inactive", is_flag=True, help="Count cancelled and ended contracts too.")
@rows_option("md and html", "the largest buyers, the most central suppliers, the first of the rest")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@click.pass_obj
def report(obj: Ctx, fmt, buyer, include_inactive, rows, out):
    """The supplier-dependency report: summary, buyers, suppliers, shared suppliers,
    contracts by status, the cliff edge (what ends when), framework routes, data gaps and
    sources; statuses as of --as-of.

    Example: supplier-graph report --format html --out report.html
    """
    rows = shown_rows(fmt, rows, "md and html reports")
    from .report import build_report, iter_json, render_html, render_markdown
    store = obj.store()
    data = build_report(store, buyer=resolve(store, buyer, "buyer") if buyer else None, include_inactive=include_inactive,
                        keep=obj.kept, as_of=obj.as_of)
    obj.kept.append(data)
    if fmt == "json":
        _emit(iter_json(data), out)
    else:
        render = {"md": render_markdown, "html": render_html}[fmt]
        _emit(render(data, rows), _page_out(out, "supplier-graph-report.html") if fmt == "html" else out)


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write the page here (atomically); default stdout.")
@click.option("--focus", default=None, help="Show only what lies within --depth hops of this entity.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Hops for --focus.")
@click.option("--path", "path_", nargs=2, default=None, metavar="A B",
              help="Highlight the shortest explained paths between A and B.")
@click.option("--impact", default=None, metavar="SUPPLIER", help="Highlight what fails if SUPPLIER exits.")
@click.option("--no-group", is_flag=True, help="With --impact: leave the supplier's corporate group out.")
@click.option("--tower", default=None, help="Who supplies this service tower to whom.")
@click.pass_obj
def viz(obj: Ctx, out, focus, depth, path_, impact, no_group, tower):
    """An interactive graph page (vis-network, self-contained, works offline): the whole
    graph, or one of --focus, --path, --impact, --tower.

    Example: supplier-graph viz --impact DXC --out dxc.html
    """
    from . import visualise
    chosen = [x for x in (focus, path_, impact, tower) if x]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --focus, --path, --impact, --tower")
    store = obj.store()
    if focus:
        page = visualise.focus_view(store, resolve(store, focus).iri, depth=depth)
    elif path_:
        page = visualise.path_view(store, resolve(store, path_[0]).iri, resolve(store, path_[1]).iri)
    elif impact:
        page = visualise.impact_view(store, resolve(store, impact).iri, group=not no_group)
    elif tower:
        page = visualise.tower_view(store, resolve(store, tower).iri)
    else:
        page = visualise.whole_view(store)
    _emit(page, _page_out(out, "supplier-graph-viz.html"))


@cli.group()
def ingest():
    """Bring your own data: OCDS (Contracts Finder, Find a Tender) or a council's
    spend-over-£500 CSV, into Turtle that joins the graph's existing entities.

    Example: supplier-graph ingest ocds releases.json --out mine.ttl --report
    """


def _ingest_report(result: dict, show: bool) -> None:
    for w in result["warnings"]:
        click.echo(f"warning: {w}", err=True)
    if show:
        res = result["resolution"]
        for m in res["merged"]:
            click.echo(f"merged: {m['name']!r} -> {m['label']} <{m['iri']}> (by {m['how']})", err=True)
        for m in res["suggested"]:
            click.echo(f"suggested: {m['name']!r} looks like {m['label']} <{m['iri']}> (similarity "
                       f"{m['similarity']:.2f}); confirm with a line in an --aliases file", err=True)
        for iri in result["new_organisations"]:
            click.echo(f"new: <{iri}>", err=True)


def _resolver(obj: Ctx, aliases):
    from .ingest.resolve import Resolver
    return Resolver.from_store(obj.store(), aliases=aliases)


@ingest.command("ocds")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Turtle file to write (atomically).")
@click.option("--aliases", type=click.Path(dir_okay=False), help="CSV name,iri: names you confirmed as an entity.")
@click.option("--report", "show_report", is_flag=True, help="List merged, suggested and new organisations.")
@click.pass_obj
def ingest_ocds_command(obj: Ctx, files, out, aliases, show_report):
    """OCDS release packages, record packages, JSON Lines or arrays of releases.

    Example: supplier-graph ingest ocds contracts-finder.json --out mine.ttl --report
    """
    from .ingest.ocds import ingest_ocds
    progress = (lambda n: click.echo(f"\r{n:,} releases", err=True, nl=False)) if sys.stderr.isatty() else None
    result = ingest_ocds(files, out, resolver=_resolver(obj, aliases), progress=progress).to_dict()
    _ingest_report(result, show_report)
    figures = ", ".join(f"{n} {kind}" for kind, n in sorted(result["figures"].items())) or "none"
    click.echo(f"{out}: {result['ingested']} of {result['releases']} releases ingested ({result['skipped']} "
               f"skipped) as {result['processes']} contracting processes: {result['contracts']} contracts, "
               f"{result['call_offs']} call-offs, {result['frameworks']} frameworks "
               f"({result['panel_places']} panel places); money figures: {figures}; "
               f"{result['superseded']} superseded by a later release; "
               f"{len(result['new_organisations'])} new organisations, "
               f"{len(result['resolution']['merged'])} merged, {len(result['resolution']['suggested'])} "
               f"suggested; {result['triples']} triples", err=True)


@ingest.command("spend-csv")
@click.argument("file", type=click.Path())
@click.option("--buyer", required=True, help="The body that published the file (a name in the graph, or a new one).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Turtle file to write (atomically).")
@click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER",
              help="Name the header of supplier, amount, date or transaction (repeatable).")
@click.option("--aliases", type=click.Path(dir_okay=False), help="CSV name,iri: names you confirmed as an entity.")
@click.option("--report", "show_report", is_flag=True, help="List merged, suggested and new organisations.")
@click.pass_obj
def ingest_spend_command(obj: Ctx, file, buyer, out, columns, aliases, show_report):
    """A council's spending-over-£500 CSV, aggregated per payee per month.

    Example: supplier-graph ingest spend-csv spend-2024-04.csv --buyer "Bromley Council" --out spend.ttl
    """
    from .errors import EntityNotFound
    from .ingest.rdfout import uri
    from .ingest.spend_csv import COLUMN_ALIASES, ingest_spend_csv
    extra = {}
    for c in columns:
        name, sep, header = c.partition("=")
        if not sep or name not in COLUMN_ALIASES:
            raise click.BadParameter(f"{c!r}: use FIELD=HEADER with FIELD one of {', '.join(COLUMN_ALIASES)}",
                                     param_hint="--column")
        extra[name] = header
    store = obj.store()
    try:
        who = resolve(store, buyer)
        buyer_iri, buyer_label = who.iri, who.label
    except EntityNotFound:
        from .ingest.resolve import normalise_org_name
        buyer_iri, buyer_label = str(uri("org", normalise_org_name(buyer))), buyer
        click.echo(f"note: {buyer!r} is not in the graph; it is added as a new public body", err=True)
    from .ingest.resolve import Resolver
    result = ingest_spend_csv(file, out, buyer_iri=buyer_iri, buyer_label=buyer_label,
                              resolver=Resolver.from_store(store, aliases=aliases), columns=extra).to_dict()
    _ingest_report(result, show_report)
    click.echo(f"{out}: {result['payments']} payments (£{result['total']:,.2f}) to {result['payees']} payees in "
               f"{result['spend_nodes']} payee-months; {result['redacted_payments']} payments to private "
               f"individuals or redacted payees (£{result['redacted_total']:,.2f}) summed per month, unnamed; "
               f"{result['skipped_rows']} rows skipped; "
               f"read as {result['encoding']}", err=True)


@cli.command()
@click.option("--contracts", type=click.IntRange(min=1), default=1000, show_default=True, help="How many contracts.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same graph).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="N-Triples file to write (.nt).")
def synth(contracts, seed, out):
    """A synthetic procurement graph that conforms to the shapes: buyers of each kind,
    Zipf-distributed suppliers, frameworks and call-offs, values, dates, statuses,
    partnerships, lineage, a source per fact. For scale tests and benchmarks.

    Example: supplier-graph synth --contracts 100000 --seed 1 --out synth.nt
    """
    from .synth import synthesise
    counts = synthesise(contracts, out, seed=seed)
    click.echo(f"{out}: {counts['contracts']:,} contracts, {counts['buyers']:,} buyers, {counts['suppliers']:,} "
               f"suppliers, {counts['frameworks']:,} frameworks; {counts['triples']:,} triples", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "store_spec", required=True, metavar="oxigraph:DIR", help="The on-disk store to build.")
@click.option("--no-ontology", is_flag=True, help="Do not add the ontology (it is added by default).")
@click.option("--prepare", is_flag=True,
              help="Then read what later commands would read first and keep it beside the store: the "
                   "projection's snapshot and the index of names (on a million contracts, about 5½ "
                   "minutes more here, saved from the first report and the first lookup).")
def load(files, store_spec, no_ontology, prepare):
    """Bulk-load RDF files into a persistent Oxigraph store once; afterwards every
    command reads it with --store oxigraph:DIR and starts at once.

    Once loaded, the store is compacted: the files a bulk load leaves overlap, and on a
    national graph every query would read them several times slower.

    Loading deletes what commands kept beside the store (the projection's snapshot,
    the index of names): the first command to need either reads the store again, or
    --prepare does it now.

    Example: supplier-graph load synth.nt --store oxigraph:./store --prepare
    """
    from .store import OxigraphStore, data_paths
    kind, _, location = store_spec.partition(":")
    if kind != "oxigraph" or not location:
        raise click.BadParameter(f"{store_spec!r}: use oxigraph:DIR", param_hint="--store")
    store = OxigraphStore(location)
    paths = list(files) if no_ontology else data_paths(files)
    total = sum(os.path.getsize(p) for p in paths)
    with click.progressbar(length=total, label="loading", file=sys.stderr,
                           show_pos=False, item_show_func=lambda _: None) as bar:
        count = store.load(paths, progress=bar.update, compact=False)
    import time
    started = time.perf_counter()
    click.echo("compacting the store (so that every later query reads it faster)", err=True)
    store.compact()
    store.close()
    click.echo(f"{location}: {count:,} triples (compacted in {time.perf_counter() - started:.1f} s)", err=True)
    if prepare:
        from .cache import cache_file
        from .nameindex import for_store
        from .projection import snapshot
        started = time.perf_counter()
        reading = OxigraphStore(location, read_only=True)
        reading.notice = _notice
        snapshot(reading).labels  # read whole, so kept
        if cache_file(reading, "snapshot.json").is_file():
            click.echo(f"kept the projection's snapshot in {time.perf_counter() - started:.1f} s", err=True)
        else:
            click.echo(f"cannot keep the projection's snapshot in {location}; each command will read the store",
                       err=True)
        for_store(reading)
        reading.close()


def main() -> None:
    """Console-script entry point.

    A command is a short batch job that builds millions of small dicts and lists on a
    national graph and leaves no reference cycles worth collecting; the cyclic garbage
    collector, walking them again and again, added a quarter to the report's time on
    100,000 contracts, so it is off. For the same reason the process ends without
    freeing those objects one by one (a second at 100,000 contracts): once the command
    has returned, its files are written and renamed, the store is flushed, and the
    standard streams are flushed here, the operating system reclaims the memory at once.
    """
    import gc
    global _KEPT
    gc.disable()
    _KEPT = []
    try:
        cli(prog_name="supplier-graph")
        code = 0
    except SystemExit as done:  # how click ends every command, with its exit code
        code = done.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`... | head`); what it wanted it has
        pass
    sys.stderr.flush()
    os._exit(code)
