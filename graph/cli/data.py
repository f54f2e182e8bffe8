"""Commands that bring data in or make it: the importers, the synthetic generator and the
bulk loader (registered on :data:`graph.cli.main.cli`)."""

from __future__ import annotations

import os
import sys

import click

from .base import Ctx, _notice, cli, resolve


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
            click.echo(f"suggested: {m['name']!r} looks like {m['label']} <{m['iri']}> ("
                       + (m["why"] if m.get("why") else f"similarity {m['similarity']:.2f}")
                       + "); confirm with a line in an --aliases file", err=True)
        for a, b in result.get("same_notice", []):
            click.echo(f"same notice?: {a} and {b} are published by two publishers with one buyer and one "
                       f"title; not joined (no link between them says so)", err=True)
        for iri in result["new_organisations"]:
            click.echo(f"new: <{iri}>", err=True)


def _resolver(obj: Ctx, aliases):
    from ..ingest.resolve import Resolver
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
    from ..ingest.ocds import ingest_ocds
    progress = (lambda n: click.echo(f"\r{n:,} releases", err=True, nl=False)) if sys.stderr.isatty() else None
    result = ingest_ocds(files, out, resolver=_resolver(obj, aliases), progress=progress).to_dict()
    _ingest_report(result, show_report)
    figures = ", ".join(f"{n} {kind}" for kind, n in sorted(result["figures"].items())) or "none"
    click.echo(f"{out}: {result['ingested']} of {result['releases']} releases ingested ({result['skipped']} "
               f"skipped) as {result['processes']} contracting processes: {result['contracts']} contracts, "
               f"{result['call_offs']} call-offs, {result['frameworks']} frameworks "
               f"({result['panel_places']} panel places); money figures: {figures}; "
               f"{result['superseded']} superseded by a later release; "
               + (f"{result['republished']} republished by another publisher and counted once; "
                  if result["republished"] else "")
               + (f"{len(result['same_notice'])} possibly published twice (see --report); "
                  if result["same_notice"] else "")
               + f"{len(result['new_organisations'])} new organisations, "
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
    from ..errors import EntityNotFound
    from ..ingest.spend_csv import COLUMN_ALIASES, ingest_spend_csv
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
        buyer_iri, buyer_label = None, buyer
        click.echo(f"note: {buyer!r} is not in the graph; it is added as a new public body", err=True)
    from ..ingest.resolve import Resolver
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
    from ..ingest.synth import synthesise
    counts = synthesise(contracts, out, seed=seed)
    click.echo(f"{out}: {counts['contracts']:,} contracts, {counts['buyers']:,} buyers, {counts['suppliers']:,} "
               f"suppliers, {counts['frameworks']:,} frameworks; {counts['triples']:,} triples", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "store_spec", required=True, metavar="oxigraph:DIR", help="The on-disk store to build.")
@click.option("--no-ontology", is_flag=True, help="Do not add the ontology (it is added by default).")
@click.option("--prepare", is_flag=True,
              help="Then read what later commands would read first and keep it beside the store: the "
                   "projection's snapshot, the dates and the index of names (minutes more on a national graph, "
                   "saved from the first report and the first lookup).")
def load(files, store_spec, no_ontology, prepare):
    """Bulk-load RDF files into a persistent Oxigraph store once; afterwards every
    command reads it with --store oxigraph:DIR and starts at once.

    Once loaded, the store is compacted: the files a bulk load leaves overlap, and on a
    national graph every query would read them several times slower.

    Loading deletes what commands kept beside the store (the projection's snapshot,
    the dates, the index of names): the first command to need one reads the store
    again, or --prepare does it now.

    Example: supplier-graph load synth.nt --store oxigraph:./store --prepare
    """
    from ..model.rdffiles import data_paths
    from ..store.local import OxigraphStore
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
        from ..store.cache import cache_file
        from ..sparql.nameindex import for_store
        from ..projection.snapshot import snapshot
        from ..timeline.facts import facts
        started = time.perf_counter()
        reading = OxigraphStore(location, read_only=True)
        reading.notice = _notice
        snapshot(reading).labels  # read whole, so kept
        facts(reading).dates()  # asked of the whole graph, so kept
        if cache_file(reading, "snapshot.columns").is_file() and cache_file(reading, "dates").is_file():
            click.echo(f"kept the projection's snapshot and the dates in {time.perf_counter() - started:.1f} s",
                       err=True)
        else:
            click.echo(f"cannot keep the projection's snapshot in {location}; each command will read the store",
                       err=True)
        for_store(reading)
        reading.close()
