"""The command line: a thin layer over the library. Heavy modules are imported inside commands."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .errors import EXIT_UNREADABLE, EXIT_USAGE, PlanparseError

app = typer.Typer(
    name="planparse",
    help="Parse Chinese government policy documents (行动计划, 实施方案, 工作计划, 通知) into JSON: "
    "clause tree, quantified targets, deadlines, responsible agencies, task tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
grammars_app = typer.Typer(help="Inspect and validate grammar (rule) directories.", no_args_is_help=True)
app.add_typer(grammars_app, name="grammars")


class OutFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _fail(err: PlanparseError) -> None:
    typer.echo(f"planparse: error: {err.one_line()}", err=True)
    raise typer.Exit(err.exit_code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"planparse {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """planparse — policy documents to validated JSON."""


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A .pdf, .txt (any Chinese encoding), .docx or .html file."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of stdout."),
    fmt: OutFormat = typer.Option(OutFormat.json, "--format", "-f", help="json, jsonl (one line), or csv (with --tables-dir)."),
    pretty: bool = typer.Option(False, "--pretty", help="Indent the JSON."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="A directory of rule files that extend/override the bundled grammars."),
    tables_dir: Optional[Path] = typer.Option(None, "--tables-dir", help="With --format csv: write tasks.csv, targets.csv and one CSV per table here."),
) -> None:
    """Extract one document to contract JSON (exit 3 when the input is unreadable)."""
    from .emit import to_json, to_jsonl, write_atomic
    from .pipeline import extract_file

    try:
        doc = extract_file(file, grammars_dir=grammars)
    except PlanparseError as e:
        _fail(e)
    if fmt == OutFormat.csv:
        from .emit import write_document_csvs

        if tables_dir is None:
            typer.echo("planparse: error: --format csv needs --tables-dir DIR", err=True)
            raise typer.Exit(EXIT_USAGE)
        for written in write_document_csvs(doc, tables_dir):
            typer.echo(str(written))
        return
    text = to_jsonl(doc) if fmt == OutFormat.jsonl else to_json(doc, pretty=pretty)
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output (from the pydantic models)."""
    import json

    from .models import Document

    typer.echo(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=2))


@grammars_app.command("check")
def grammars_check(
    directory: Optional[Path] = typer.Argument(None, help="Grammar directory to merge over the bundled one (default: bundled only)."),
) -> None:
    """Validate a grammar directory and run every rule's examples."""
    from .grammar_check import run_examples

    try:
        failures, total = run_examples(str(directory) if directory else None)
    except PlanparseError as e:
        _fail(e)
    for f in failures:
        typer.echo(f"FAIL {f}")
    typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    raise typer.Exit(1 if failures else 0)


def main() -> None:
    try:
        app()
    except PlanparseError as e:  # anything the commands did not catch themselves
        typer.echo(f"planparse: error: {e.one_line()}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        typer.echo("planparse: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
