"""The command line: a thin layer over the library. Heavy modules are imported inside commands."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

from .lazy import YOUNG_THRESHOLD, defer_package_body, lazy

# Before typer, which imports pydantic: pydantic_core imports asyncio.coroutines, and pydantic's plugin
# loader importlib.metadata's entry_points, whose package bodies a command never uses (~45 ms of a short
# document's start-up).
defer_package_body("asyncio")
defer_package_body("importlib.metadata", functions=("entry_points",))

import typer

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_UNREADABLE, EXIT_USAGE, INPUT_WARNING_CODES, PlanparseError

# What the commands use, imported when a command first touches it (lazy.py): start-up stays small.
archive = lazy("planparse.ingest.archive")
batch_ = lazy("planparse.batch")
check_ = lazy("planparse.check")
check_docs = lazy("planparse.check.docs")
check_run = lazy("planparse.check.run")
compare_ = lazy("planparse.compare")
compare_render = lazy("planparse.compare.render")
debug_pdf = lazy("planparse.report.debug_pdf")
emit = lazy("planparse.emit")
grammar = lazy("planparse.grammar")
grammar_examples = lazy("planparse.grammar_examples")
grammar_programs = lazy("planparse.grammar.programs")
ingest = lazy("planparse.ingest")
models = lazy("planparse.models")
page_images = lazy("planparse.report.page_images")
pipeline = lazy("planparse.pipeline")
report_ = lazy("planparse.report")
rich_cells = lazy("rich.cells")
rich_console = lazy("rich.console")
webbrowser = lazy("webbrowser")

app = typer.Typer(
    name="planparse",
    help="Parse Chinese government policy documents (行动计划, 实施方案, 工作计划, 通知) into JSON: "
    "clause tree, quantified targets, deadlines, responsible agencies, task tables.\n\n"
    "\b\nExamples:\n  planparse extract plan.pdf --pretty\n  planparse check draft.docx\n"
    "  planparse COMMAND --help",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
grammars_app = typer.Typer(help="Inspect and validate grammar (rule) directories.\n\n\b\nExample:\n"
                            "  planparse grammars check my-grammars/", no_args_is_help=True)
app.add_typer(grammars_app, name="grammars")


class OcrOption(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


_OCR_HELP = ("OCR of PDF pages: auto (pages without a text layer or with a garbled one), always (every page), "
             "never. Needs an engine: pip install 'planparse[ocr]' (or Debian tesseract-ocr + tesseract-ocr-chi-sim).")


class OutFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _fail(err: PlanparseError) -> None:
    typer.echo(f"planparse: error: {err.one_line()}", err=True)
    raise typer.Exit(err.exit_code)


def _write_output(out: Path, text: str) -> None:
    """-o: written atomically; a place that cannot be written is the user's to fix (exit 2, one line)."""
    try:
        emit.write_atomic(out, text)
    except OSError as e:
        _cannot_write(out, e)


def _cannot_write(out: Path, e: OSError) -> None:
    typer.echo(f"planparse: error: {out}: cannot write: {e.strerror or e}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"planparse {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """planparse — policy documents to validated JSON."""
    # before any command imports a stage: the stages' own patterns then come compiled from the cache
    grammar_programs.use_for_all_patterns()


def _same_file(a: Path, b: Path) -> bool:
    """`b` names the file `a` is (or the archive `a` is a member of): writing it would destroy the input."""
    outer = str(a).split(archive.MEMBER_SEP, 1)[0]
    return os.path.realpath(outer) == os.path.realpath(b)


def _extract_stdin(grammars: Optional[Path], ocr: str):
    """`extract -`: the document on standard input, read as bytes (its format sniffed, as for a file)."""
    data = sys.stdin.buffer.read()
    return pipeline.extract_raw(ingest.read_bytes("-", data, ingest.ReadOptions(ocr=ocr)),
                                grammar.load_grammars(str(grammars) if grammars else None))


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A .pdf, .txt (any Chinese encoding), .docx, .html, .md, .doc/.wps (via LibreOffice) or .ofd file, an archive (.zip, .tar.gz) holding one, ARCHIVE!/MEMBER, or - (standard input)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of stdout; with --format csv, a directory."),
    fmt: OutFormat = typer.Option(OutFormat.json, "--format", "-f", help="json, jsonl (one line) or csv."),
    pretty: bool = typer.Option(False, "--pretty", help="Indent the JSON."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="A directory of rule files that extend/override the bundled grammars."),
    tables_dir: Optional[Path] = typer.Option(None, "--tables-dir", help="With --format csv: the directory for the CSV files (same as -o)."),
    ocr: OcrOption = typer.Option(OcrOption.auto, "--ocr", help=_OCR_HELP),
    debug_boxes: Optional[Path] = typer.Option(None, "--debug-boxes", help="A PDF input: also write this copy of it with every fact's boxes drawn in its kind's colour."),
) -> None:
    """Extract one document to contract JSON (exit 3 when the input is unreadable).

    --format csv writes tasks.csv, targets.csv and one CSV per table into the directory -o (or
    --tables-dir); without one, targets.csv goes to stdout.

    \b
    Examples:
      planparse extract plan.pdf --pretty -o plan.json
      planparse extract notice.docx --format csv -o plan-tables/
      planparse extract plan.pdf -o plan.json --debug-boxes plan.boxes.pdf"""
    if output and str(file) != "-" and _same_file(file, output):
        typer.echo(f"planparse: error: -o {output}: is the input; give another -o", err=True)
        raise typer.Exit(EXIT_USAGE)
    if debug_boxes and (str(file) == "-" or not file.is_file() or _same_file(file, debug_boxes)
                        or (output and os.path.realpath(output) == os.path.realpath(debug_boxes))):
        why = "needs a PDF file as input" if str(file) == "-" or not file.is_file() else \
            "is the input; give another path" if _same_file(file, debug_boxes) else "is the -o output; give another path"
        typer.echo(f"planparse: error: --debug-boxes {debug_boxes}: {why}", err=True)
        raise typer.Exit(EXIT_USAGE)
    try:
        doc = _extract_stdin(grammars, ocr.value) if str(file) == "-" else pipeline.extract_file(file, grammars_dir=grammars, ocr=ocr.value)
    except PlanparseError as e:
        _fail(e)
    for w in doc.warnings:
        if w.code in INPUT_WARNING_CODES:
            typer.echo(f"planparse: warning: {file}: {w.message}", err=True)
    if debug_boxes:
        _write_debug_boxes(file, doc, debug_boxes)
    if fmt == OutFormat.csv:
        if tables_dir or output:
            directory = tables_dir or output
            try:
                written = emit.write_document_csvs(doc, directory)
            except OSError as e:
                _cannot_write(directory, e)
            for path in written:
                typer.echo(str(path))
        else:
            sys.stdout.write(dict(emit.document_csvs(doc))["targets.csv"].lstrip("\ufeff"))
        return
    # JSON (indented or not, and its one JSON Lines line) is written as it is built, never held whole beside the Document
    indent = pretty and fmt == OutFormat.json
    if output:
        try:
            emit.write_json(output, doc, pretty=indent)
        except OSError as e:
            _cannot_write(output, e)
    else:
        for piece in emit.json_pieces(doc, pretty=indent):
            sys.stdout.write(piece)


def _write_debug_boxes(file: Path, doc, out: Path) -> None:
    """--debug-boxes: the PDF with its facts' boxes, written whole or not at all (exit 2, one line)."""
    if doc.source.format != "pdf":
        typer.echo(f"planparse: error: --debug-boxes {out}: needs a PDF input ({file} is {doc.source.format})", err=True)
        raise typer.Exit(EXIT_USAGE)
    try:
        emit.write_atomic(out, debug_pdf.debug_boxes_pdf(file, doc))
    except OSError as e:
        _cannot_write(out, e)


@app.command()
def report(
    file: Path = typer.Argument(..., help="A document (any input format)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="The HTML file to write (default: NAME.report.html in the current directory)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the report in the default web browser."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="A directory of rule files that extend/override the bundled grammars."),
    pages: bool = typer.Option(False, "--pages", help="A PDF input: show its pages as images beside the text, every fact's boxes drawn on them."),
) -> None:
    """Write a self-contained HTML page: the text with every extracted fact highlighted where it came from.

    \b
    Example:
      planparse report plan.pdf -o plan.html --open
      planparse report plan.pdf --pages"""
    out = output or Path(f"{file.name}.report.html")
    if _same_file(file, out):
        typer.echo(f"planparse: error: -o {out}: is the input; give another -o", err=True)
        raise typer.Exit(EXIT_USAGE)
    try:
        doc, text = pipeline.extract_with_text(file, grammars_dir=grammars)
    except PlanparseError as e:
        _fail(e)
    images = None
    if pages:
        if doc.source.format != "pdf" or not file.is_file():
            typer.echo(f"planparse: error: --pages: needs a PDF file as input ({file} is {doc.source.format})", err=True)
            raise typer.Exit(EXIT_USAGE)
        images = page_images.render_pages(file)
    _write_output(out, report_.render_report(doc, text, pages=images))
    typer.echo(str(out))
    if open_browser:
        webbrowser.open(out.resolve().as_uri())


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output (from the pydantic models).

    \b
    Example:
      planparse schema > schema.json"""
    typer.echo(json.dumps(models.document_json_schema(), ensure_ascii=False, indent=2))


@grammars_app.command("check")
def grammars_check(
    directory: Optional[Path] = typer.Argument(None, help="Grammar directory to merge over the bundled one (default: bundled only)."),
) -> None:
    """Validate a grammar directory and run every rule's examples.

    \b
    Example:
      planparse grammars check my-grammars/"""
    try:
        failures, total = grammar_examples.check_grammars(directory)
    except PlanparseError as e:
        _fail(e)
    for f in failures:
        typer.echo(f"FAIL {f}")
    typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    raise typer.Exit(1 if failures else 0)


# --- batch and check (src/planparse/batch/, src/planparse/check/) ---------------------------------


class BatchFormat(str, Enum):
    auto = "auto"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    duckdb = "duckdb"
    parquet = "parquet"


class BatchEngine(str, Enum):
    pool = "pool"
    dask = "dask"


@app.command()
def batch(
    inputs: list[str] = typer.Argument(..., help="Files, directories (recursive; every supported suffix), globs, and archives (.zip, .tar.gz: every document inside).", show_default=False),
    output: Path = typer.Option(..., "-o", "--output", help="A directory (one NAME.EXT.json per input, mirroring the input tree), a .jsonl file or a .duckdb database."),
    fmt: BatchFormat = typer.Option(BatchFormat.auto, "--format", "-f", help="auto (from OUT), json (directory), jsonl (one file), csv (documents/clauses/targets/tasks/measures.csv in OUT), duckdb (one database), parquet (one NAME.parquet per table in OUT)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Parallel worker processes (default: the CPU count); 1: one document at a time, each in a child process forked for it."),
    resume: bool = typer.Option(False, "--resume", help="Skip inputs whose output exists and records the input's current sha256."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="A directory of rule files that extend/override the bundled grammars."),
    max_tasks_per_child: int = typer.Option(100, "--max-tasks-per-child", min=1, help="Replace a worker after this many documents (bounds memory growth)."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: when stderr is a terminal), else one log line per document."),
    timeout: float = typer.Option(300.0, "--timeout", min=0, help="Seconds one document may take before it is recorded as failed (kind timeout); 0: no limit."),
    report: bool = typer.Option(False, "--report", help="Also write an HTML report per document and an index page (OUT/_report/index.html; NAME.report/ beside a file output)."),
    engine: BatchEngine = typer.Option(BatchEngine.pool, "--engine", help="pool (processes on this machine) or dask (a Dask distributed cluster; needs the dask extra)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --engine dask: the scheduler address (default: a LocalCluster of --workers processes)."),
    ocr: OcrOption = typer.Option(OcrOption.auto, "--ocr", help=_OCR_HELP),
    memory_budget: float = typer.Option(1536.0, "--memory-budget", min=0, help="MB one document's worker may grow by, plus 20x the input's size; past it the worker is killed and the document recorded as failed (kind memory); 0: no limit."),
) -> None:
    """Extract many documents in parallel; one bad file never stops the batch (exit 1 when some failed).

    \b
    Examples:
      planparse batch downloads/ -o out/
      planparse batch 'plans/**/*.pdf' -o all.jsonl --workers 4 --resume"""
    use_rich = sys.stderr.isatty() if progress is None else progress
    opts = batch_.BatchOptions(
        inputs=list(inputs), output=output, fmt=fmt.value, workers=workers, resume=resume,
        grammars=str(grammars) if grammars else None, max_tasks_per_child=max_tasks_per_child, timeout=timeout,
        report=report, engine=engine.value, scheduler=scheduler, ocr=ocr.value, memory_budget_mb=memory_budget,
    )
    try:
        summary = batch_.run_batch(opts, batch_.RichReporter() if use_rich else batch_.PlainReporter())
    except PlanparseError as e:
        _fail(e)
    except OSError as e:  # the output location cannot be written
        typer.echo(f"planparse: error: {e.filename or output}: {e.strerror or e}", err=True)
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(1 if summary.failed else 0)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


@app.command()
def check(
    files: Optional[list[str]] = typer.Argument(None, help="Documents (.pdf .txt .docx .html), directories or globs.", show_default=False),
    fmt: Optional[CheckFormat] = typer.Option(None, "--format", "-f", help="text (default), json, github (workflow annotations), junit (XML) or sarif (SARIF 2.1.0)."),
    select: Optional[str] = typer.Option(None, "--select", help="Rules to run: codes, code prefixes or names, comma-separated (default: all)."),
    ignore: Optional[str] = typer.Option(None, "--ignore", help="Rules not to run (same forms as --select)."),
    config: Optional[Path] = typer.Option(None, "--config", help="A planparse.toml (default: [tool.planparse] in ./pyproject.toml)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that makes the exit code 1: error, warning or info (default: info)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report here (atomically) instead of stdout; with --fix, the fixed document."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="A directory of rule files that extend/override the bundled grammars."),
    list_rules: bool = typer.Option(False, "--list-rules", help="Print the rules (code, severity, name, summary) and exit."),
    explain: Optional[str] = typer.Option(None, "--explain", help="Print what a rule (code or name) checks, why, and an example, and exit.", show_default=False),
    statistics: bool = typer.Option(False, "--statistics", help="Print the number of findings per rule instead of the findings."),
    fix: bool = typer.Option(False, "--fix", help="Apply the mechanical fixes (bracket width, marker separators, 〔〕 in 文号, a number out of 《》) to .txt/.md/.docx files, in place or to -o, and report what is left."),
    ocr: OcrOption = typer.Option(OcrOption.auto, "--ocr", help=_OCR_HELP),
) -> None:
    """Lint documents: numbering, 发文字号, dates, agencies, targets, deadlines, attachments, citations.

    Exit 0 clean, 1 findings, 2 usage error, 3 an input could not be read.

    \b
    Examples:
      planparse check draft.docx
      planparse check drafts/ --select PP0 --ignore PP011 --format github
      planparse check --explain PP012"""
    if list_rules:
        typer.echo(_rules_table(check_.RULES.values()))
        raise typer.Exit(0)
    if explain is not None:
        try:
            [code] = check_.select_rules(explain)
        except (PlanparseError, ValueError):
            typer.echo(f"planparse: error: --explain takes one rule code or name, not {explain!r}", err=True)
            raise typer.Exit(EXIT_USAGE)
        typer.echo(check_docs.explain(code), nl=False)
        raise typer.Exit(0)
    try:
        cfg = check_.load_config(config)
        report_fmt = fmt.value if fmt else cfg.get("format", "text")
        threshold = fail_on or cfg.get("fail_on", "info")
        if threshold not in check_.SEVERITIES:
            typer.echo(f"planparse: error: --fail-on must be one of {', '.join(check_.SEVERITIES)}", err=True)
            raise typer.Exit(EXIT_USAGE)
        rules = check_.select_rules(select if select is not None else cfg.get("select"), ignore if ignore is not None else cfg.get("ignore"))
        paths = check_.expand_files(files or [])
        if not paths:
            typer.echo("planparse: error: no files to check", err=True)
            raise typer.Exit(EXIT_USAGE)
        grammar.load_grammars(str(grammars) if grammars else None)
    except PlanparseError as e:
        _fail(e)
    if fix:
        if output is not None and len(paths) != 1:
            typer.echo("planparse: error: --fix -o FILE takes one document", err=True)
            raise typer.Exit(EXIT_USAGE)
        try:
            findings, errors = check_run.fix_files(paths, rules, str(output) if output else None,
                                         per_file_ignores=cfg.get("per_file_ignores"), grammars_dir=grammars,
                                         ocr=ocr.value, tell=lambda line: typer.echo(line, err=True))
        except PlanparseError as e:
            _fail(e)
        output = None  # -o was the fixed document: the report goes to stdout
    else:
        findings, errors = check_run.check_files(
            paths, rules, per_file_ignores=cfg.get("per_file_ignores"), grammars_dir=grammars, ocr=ocr.value,
            on_error=lambda path, kind, message: typer.echo(f"planparse: error: {path}: {kind}: {message}", err=True),
        )
    if statistics:
        text = check_run.statistics(findings)
    else:
        text = check_.render(findings, report_fmt, files=paths, rules=rules, errors=errors, fail_on=threshold)
    if output:
        _write_output(output, text)
    else:
        sys.stdout.write(text)
    if report_fmt == "text" or statistics:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in check_.SEVERITIES}
        detail = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        unread = f"; {len(errors)} file(s) could not be read" if errors else ""
        typer.echo(f"planparse check: {len(findings)} finding(s){f' ({detail})' if detail else ''} in "
                   f"{len(paths) - len(errors)} file(s){unread}", err=True)
    if errors:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(1 if any(check_.severity_at_least(f.severity, threshold) for f in findings) else 0)


# --- compare (src/planparse/compare/) ------------------------------------------------------------------


class CompareFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"
    dot = "dot"


@app.command()
def compare(
    paths: list[Path] = typer.Argument(..., help="PARENT CHILD (documents in any input format, or their planparse JSON), or one DIRECTORY.", show_default=False),
    fmt: CompareFormat = typer.Option(CompareFormat.text, "--format", "-f", help="text (tables), json, csv or html (side by side); for a DIRECTORY: text (tree), json, dot or html."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of stdout."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="A directory of rule files that extend/override the bundled grammars."),
    clause_threshold: float = typer.Option(0.35, "--clause-threshold", min=0.0, max=1.0, help="Score from which a child clause or task row takes up a parent clause."),
) -> None:
    """How an implementing plan (CHILD) measures up to the plan it implements (PARENT): targets kept,
    tightened, loosened, dropped or added; clauses taken up; citation. With one DIRECTORY: the chain of
    who implements whom.

    Exit 0 done, 2 usage error, 3 an input could not be read.

    \b
    Examples:
      planparse compare national-plan.pdf province-plan.pdf
      planparse compare plans/ --format html -o chain.html"""
    def usage(msg: str) -> None:
        typer.echo(f"planparse: error: {msg}", err=True)
        raise typer.Exit(EXIT_USAGE)

    if len(paths) not in (1, 2):
        usage("compare takes PARENT CHILD, or one DIRECTORY")
    if len(paths) == 1 and not paths[0].is_dir():
        usage(f"{paths[0]}: one argument must be a directory (or give PARENT CHILD)")
    try:
        g = grammar.load_grammars(str(grammars) if grammars else None)
        if len(paths) == 1:
            if fmt == CompareFormat.csv:
                usage("a directory's chain has no csv format (text, json, dot or html)")
            chain = compare_.compare_directory(paths[0], grammars_dir=grammars)
            for path, why in chain.errors.items():
                typer.echo(f"planparse: error: {path}: {why}", err=True)
            render = {CompareFormat.text: compare_render.render_chain_text, CompareFormat.json: compare_render.render_json,
                      CompareFormat.dot: compare_render.render_chain_dot, CompareFormat.html: compare_render.render_chain_html}[fmt]
            text, tree, failed = render(chain), compare_render.chain_tree(chain), bool(chain.errors)
        else:
            if fmt == CompareFormat.dot:
                usage("dot is for a directory's chain; compare PARENT CHILD gives text, json, csv or html")
            parent, child = (compare_.load_side(p, grammars_dir=grammars) for p in paths)
            comparison = compare_.compare_documents(parent, child, g, clause_threshold=clause_threshold)
            text = {CompareFormat.text: lambda: compare_render.render_text(comparison), CompareFormat.json: lambda: compare_render.render_json(comparison),
                    CompareFormat.csv: lambda: compare_render.render_csv(comparison),
                    CompareFormat.html: lambda: compare_render.render_html(comparison, parent, child)}[fmt]()
            tree, failed = None, False
    except PlanparseError as e:
        _fail(e)
    if output:
        _write_output(output, text)
    elif fmt == CompareFormat.text and sys.stdout.isatty():
        console = rich_console.Console()
        for part in ([tree] if tree is not None else compare_render.comparison_renderables(comparison)):
            console.print(part)
    else:
        sys.stdout.write(text)
    raise typer.Exit(EXIT_UNREADABLE if failed else 0)


def _rules_table(rules) -> str:
    """code, severity, name and the summary wrapped under its column, to the terminal's width (80 when
    the output is not a terminal); Chinese characters take two columns."""
    cell_len = rich_cells.cell_len
    width = shutil.get_terminal_size((80, 24)).columns
    lead = 2 + max(len(r.code) for r in rules) + 2 + 7 + 2 + max(len(r.name) for r in rules) + 2
    indent = lead if width - lead >= 30 else 6  # too narrow for a column: the summary goes under the rule
    lines = []
    for r in rules:
        head = f"{r.code}  {r.severity:<7}  {r.name}"
        rows = _wrap_cells(r.summary, width - indent, cell_len)
        if indent == lead:
            lines.append(f"{head:<{lead}}{rows[0]}")
        else:
            lines += [head, " " * indent + rows[0]]
        lines += [" " * indent + row for row in rows[1:]]
    return "\n".join(lines)


def _wrap_cells(text: str, width: int, cell_len) -> list[str]:
    """`text` in lines of at most `width` terminal cells, broken at spaces, or anywhere inside a run of
    Chinese (which has no spaces)."""
    rows, row = [], ""
    for token in re.findall(r"\S+\s*", text):
        while token:
            if cell_len(row + token.rstrip()) <= width:
                row += token
                token = ""
            elif row and cell_len(token.rstrip()) <= width:
                rows.append(row.rstrip())
                row = ""
            else:  # longer than a line: cut it where the line ends
                cut = 1
                while cut < len(token) and cell_len(row + token[:cut + 1]) <= width:
                    cut += 1
                if not row and cell_len(token[:cut]) > width:
                    cut = 1
                rows.append((row + token[:cut]).rstrip())
                row, token = "", token[cut:]
    if row.strip() or not rows:
        rows.append(row.rstrip())
    return rows


def _choices(param) -> list[str] | None:
    desc = getattr(param, "type_descriptor", None)  # typer >= 0.2x keeps the annotation here
    choices = desc.choices if desc is not None and desc.is_choice else getattr(getattr(param, "type", None), "choices", None)
    return [str(getattr(c, "value", c)) for c in choices] if choices else None


def _plain_metavars(command) -> None:
    """Help that reads at 80 columns: FILE, PATH, N, [json|jsonl|csv] instead of typer's <path>,
    <int range>, <list[str]>, and no `[x>=1]` for a count (the help text says what it counts)."""
    for sub in getattr(command, "commands", {}).values():
        _plain_metavars(sub)
    for param in command.params:
        if getattr(param, "is_flag", False) or param.name in ("help", "version"):
            continue
        desc = getattr(param, "type_descriptor", None)
        kind = str(desc.annotation if desc is not None else getattr(param, "type", "")).lower()
        if _choices(param):
            param.metavar = "[" + "|".join(_choices(param)) + "]"
        elif param.param_type_name == "argument":
            param.metavar = param.name.upper()
            param.display_type_rich = lambda ctx: None  # the name says it; no <list[str]> beside it
        elif "path" in kind:
            param.metavar = "PATH"
        elif "int" in kind:
            param.metavar = "N"
            param._get_number_range_help_str = lambda: None  # a count: `[x>=1]` says nothing the help does not
        elif "float" in kind:
            param.metavar = "NUMBER"
        else:
            param.metavar = "TEXT"


def _usage_error_line(e) -> str:
    """A usage error in one line; for a choice, the choices (typer's own message is pydantic's)."""
    param = getattr(e, "param", None)
    if param is not None and _choices(param):
        name = max(getattr(param, "opts", None) or [param.name], key=len)
        return f"{name}: must be one of {', '.join(_choices(param))}"
    return " ".join(e.format_message().split())


def _inert_streams() -> None:
    """Write what a terminal's encoding cannot show (an ASCII or Latin-1 locale, an undecodable file
    name) as backslash escapes, never fail the command on it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # not a text stream of io (a test's capture)
            pass


def main() -> None:
    # pydantic looks for plugins (instrumentation) in the entry points of every installed distribution
    # when it builds its first model: ~20 ms of a short document's start-up. The command line does not
    # use them; a user who does can set PYDANTIC_DISABLE_PLUGINS to anything else (e.g. an empty value).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Start-up makes a few hundred thousand objects that live as long as the process (modules, the
    # models' schemas, the grammars): at the default threshold (700) the collector walks them again and
    # again, ~10% of a short document's CPU. The whole command collects as a document's extraction does.
    import gc

    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    _inert_streams()
    command = typer.main.get_command(app)
    _plain_metavars(command)
    try:
        code = command.main(standalone_mode=False)
    except PlanparseError as e:  # anything the commands did not catch themselves
        typer.echo(f"planparse: error: {e.one_line()}", err=True)
        code = e.exit_code
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("planparse: interrupted", err=True)
        code = 130
    except Exception as e:
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):  # click's usage errors
            if type(e).__name__ == "NoArgsIsHelpError":  # `planparse` alone: the help, as before
                typer.echo(e.ctx.get_help())
                code = 0
            else:
                typer.echo(f"planparse: error: {_usage_error_line(e)} (see --help)", err=True)
                code = e.exit_code
        elif os.environ.get("PLANPARSE_DEBUG"):
            raise
        else:  # a bug: still one line, unless PLANPARSE_DEBUG asks for the traceback
            msg = " ".join(str(e).split())[:300]
            typer.echo(f"planparse: internal error: {type(e).__name__}: {msg} (set PLANPARSE_DEBUG=1 for details; please report)", err=True)
            code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
