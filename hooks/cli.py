"""`template-hooks`: the template's own maintenance commands."""

import json
import tempfile
from pathlib import Path
from typing import Annotated

import copier
import typer
import yaml

from . import locks, suite
from .matrix import TEMPLATE_ROOT, answer_sets

app = typer.Typer(
    help="Maintenance commands of the Better Auth + FastAPI template.", no_args_is_help=True
)


@app.command()
def matrix(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of YAML.")] = False,
) -> None:
    """Print the answer sets the template's tests render (every choice, odd claims and endpoints)."""
    sets = answer_sets()
    typer.echo(json.dumps(sets, indent=2) if as_json else yaml.safe_dump(sets, sort_keys=False))


@app.command()
def render(
    answer_set: Annotated[
        str, typer.Argument(help="Name of an answer set (see `matrix`).")
    ] = "defaults",
    destination: Annotated[
        Path | None, typer.Option(help="Folder to render into; a new temporary folder by default.")
    ] = None,
) -> None:
    """Render this working tree of the template with one answer set, to look at the result."""
    sets = answer_sets()
    if answer_set not in sets:
        typer.echo(f"Unknown answer set {answer_set!r}; choose one of: {', '.join(sets)}", err=True)
        raise typer.Exit(2)
    target = destination or Path(tempfile.mkdtemp(prefix=f"render-{answer_set.replace('=', '-')}-"))
    copier.run_copy(
        str(TEMPLATE_ROOT), target, data=sets[answer_set], defaults=True, vcs_ref="HEAD", quiet=True
    )
    typer.echo(target)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def test(
    context: typer.Context,
    stop_at_failure: Annotated[
        bool, typer.Option("--stop-at-failure", help="Skip the later phases once one fails.")
    ] = False,
) -> None:
    """Run every test as CI does: the fast tier, then the slow tests two at a time, then the
    serial ones alone; then the 25 slowest tests and each phase's time. Extra arguments go to
    each pytest run (e.g. -k update)."""
    if not suite.run_all(list(context.args), stop_at_failure):
        raise typer.Exit(1)


@app.command()
def lock() -> None:
    """Make the lockfiles a generated project ships anew (npm and uv; after a dependency change)."""
    for path in [*locks.refresh(), locks.refresh_uv_requirements()]:
        typer.echo(f"wrote {path.relative_to(TEMPLATE_ROOT)}")


def main() -> None:
    app()
