"""The ``supplier-graph`` command line: a thin shell over the library.

Data goes to stdout, messages to stderr. Exit codes: 0 ok; 1 ran but found problems
(SHACL violations); 2 bad input or usage (parse error, bad query, unknown entity).
Each command imports only what it needs, so ``--help`` and ``validate`` stay fast.
"""

from __future__ import annotations

import json
import sys

import click

from .errors import GraphError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Ctx:
    """Options shared by every command."""

    def __init__(self, data: tuple[str, ...]):
        self.data = list(data) or None

    def store(self):
        from .store import open_store
        return open_store(self.data)


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
@click.version_option(package_name="supplier-graph")
@click.pass_context
def cli(ctx, data):
    """A knowledge graph of public-sector IT suppliers: who supplies whom, for what,
    and what fails if a supplier does.

    Example: supplier-graph show "the Met"
    """
    ctx.obj = Ctx(data)


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
    elif report.conforms:
        click.echo(report.to_text())
    else:
        click.echo(report.to_text())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@format_option(["table", "json"], "table")
@click.pass_obj
def stats(obj: Ctx, fmt):
    """Counts by kind, contracts by status, sources, and contracts with no known value,
    date or tower.

    Example: supplier-graph stats --format json
    """
    from .stats import format_stats, graph_stats
    result = graph_stats(obj.store())
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_stats(result))


@cli.command()
@click.argument("name")
@format_option(["text", "json"], "text")
@click.pass_obj
def show(obj: Ctx, name, fmt):
    """One entity: its relations, figures, claims and the sources for each.

    NAME is a label, an alias, a local id or an IRI, in any case ("the Met", "MPS",
    ":met"). An ambiguous name lists the candidates; an unknown one gets suggestions.

    Example: supplier-graph show "Metropolitan Police Service"
    """
    from .entity import describe, format_description
    from .lookup import resolve
    store = obj.store()
    result = describe(store, resolve(store, name))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_description(result))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld"]), default="turtle",
              show_default=True, help="RDF serialisation.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (atomically) "
              "instead of stdout.")
@click.pass_obj
def export(obj: Ctx, fmt, out):
    """Write the graph (data and ontology) as Turtle, N-Triples or JSON-LD.

    Example: supplier-graph export --format nt --out graph.nt
    """
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
    result = run_build(out, obj.data)
    for name in result["files"]:
        click.echo(f"{out}/{name}")
    report = result["report"]
    click.echo(report.to_text().splitlines()[-1] if not report.conforms else report.to_text(), err=True)
    sys.exit(0 if report.conforms else 1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="supplier-graph")
