"""What every command shares: the ``cli`` group and its global options, the context
(:class:`Ctx`), errors as messages and exit codes, and the options and output helpers
the commands reuse. The commands themselves are in :mod:`graph.cli.main` (the graph and its
queries), :mod:`graph.cli.analysis` and :mod:`graph.cli.data`; each registers on ``cli``.
"""

from __future__ import annotations

import sys

import click

from ..errors import GraphError, InputError

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
        from ..store.backends import open_store
        store = open_store(self.data, store=self.store_spec, endpoint=self.endpoint,
                           endpoint_max_rows=self.endpoint_max_rows)
        store.notice = _notice
        return store

    def files_only(self, command: str, why: str) -> None:
        """Refuse (exit 2) ``--endpoint`` and ``--store`` for a command that reads files only,
        rather than answer from other data than the user named."""
        named = "--endpoint" if self.endpoint else "--store" if self.store_spec not in (None, "memory") else None
        if named:
            raise InputError(f"{command} reads RDF files, not {named}: {why}; name the files with --data")

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
        """:func:`~graph.projection.views.project` of ``store`` (from ``snap``, its snapshot, if the
        caller has read it)."""
        from ..projection.views import project
        from ..projection.snapshot import snapshot
        snap = snap if snap is not None else snapshot(store)
        return project(None, view, snap=snap, **options)


def resolve(store, name: str, kind: str | None = None):
    """:func:`graph.sparql.lookup.resolve`, saying on stderr what else the name matched where an
    organisation won; with ``kind`` ("buyer" or "supplier"), an entity of another kind is a
    usage error (exit 2) that says what it is and what to ask instead."""
    from ..sparql.lookup import resolve as find
    entity = find(store, name)
    if entity.also:
        others = "; ".join(f"{label} <{iri}>" for label, iri in entity.also[:5])
        click.echo(f"note: {name!r} is taken as the organisation {entity.label}; it also matches: {others}", err=True)
    if kind is not None:
        from ..sparql.lookup import kind_of
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
    from ..tables import ROWS
    return ROWS if rows is None else rows or None


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
        from ..io import write_atomic, write_chunks
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
