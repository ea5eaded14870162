"""The command line: `summarise ARTICLES... -o dossier.json` and its helpers.

Thin on purpose: options are turned into a backend, a cache and run options,
and the work happens in pipeline, evaluate, diff and render.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .articles import DEFAULT_MAX_CHARS
from .backends import Backend, BackendOptions, EmbeddedBackend, EndpointBackend, ReplayBackend, check_timeout
from .cache import CACHE_DIR_ENV, ExtractionCache, default_cache_dir
from .dossier_io import disk_full, run_record_path
from .extract import ExtractionSettings
from .formatting import count_noun
from .corpus import FETCH_MAX_BYTES, FETCH_TIMEOUT, Columns, Fetching
from .pipeline import Outcome, OutputError, RayOptions, RunOptions, run, summary_lines
from . import pipeline

COMMANDS = ("run", "schema", "models", "eval", "diff", "render")
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help=(
        "Turn news articles into one consolidated, source-grounded JSON dossier.\n\n"
        "  summarise seeds/ -o dossier.json         extract + merge (embedded local model)\n\n"
        "  summarise seeds/ --base-url URL --model M  use any OpenAI-compatible server\n\n"
        "  summarise render dossier.json --format html -o report.html\n\n"
        "  summarise diff old.json new.json          what changed, as Markdown\n\n"
        "`summarise ARTICLES...` is short for `summarise run ARTICLES...`."
    ),
)
# soft_wrap: a message stays on one line however narrow the console (logs, CI, grep).
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


# --------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------


def choose_backend(
    *,
    base_url: str | None,
    api_key: str | None,
    model: str | None,
    model_path: Path | None,
    local: bool,
    replay: Path | None,
    record: Path | None,
    threads: int | None,
    attempts: int,
    timeout: float,
    say,
    verbose: bool,
    concurrency: int | None = None,
    max_rpm: float | None = None,
    ask_unrecorded: bool = False,
) -> Backend:
    """Which model to talk to: replay files, an endpoint, or the embedded model (the default)."""
    options = BackendOptions(attempts=attempts, timeout=timeout, record_dir=record, concurrency=concurrency, max_rpm=max_rpm)
    if ask_unrecorded and replay is None:
        raise _fail("--ask-unrecorded goes with --replay DIR: the recordings to answer from first")
    if replay is not None and ask_unrecorded:
        options.recorded_first = replay
    elif replay is not None:
        return ReplayBackend(replay, model or "qwen2.5-coder-1.5b", options)
    if model_path is not None or local or not (base_url or api_key):
        from .embedded import DEFAULT_MODEL

        return EmbeddedBackend(str(model_path) if model_path else (model or DEFAULT_MODEL),
                               threads=threads, options=options, say=say, verbose=verbose)
    if base_url and not model:
        raise _fail("--base-url needs --model (or SUMMARISER_MODEL): the model name that server serves")
    return EndpointBackend(base_url or "https://api.openai.com/v1", model or OPENAI_DEFAULT_MODEL, api_key, options)


def _seconds(value: float) -> float:
    try:
        return check_timeout(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


class RichProgress(pipeline.Progress):
    def __init__(self, console: Console):
        self.console = console
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), console=console, transient=False,
        )
        self.task = None
        self.counts = {"cached": 0, "extracted": 0, "failed": 0}
        self.questions = 0  # answered so far, in finished and current articles

    def _fields(self) -> str:
        return (f"cached {self.counts['cached']} · new {self.counts['extracted']} · failed {self.counts['failed']}"
                f" · {count_noun(self.questions, 'question')} answered")

    def started(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("articles", total=total, counts=self._fields())

    def article_started(self, label: str) -> None:
        self.bar.update(self.task, description=escape(Path(label).name[:40]))

    def question_answered(self, label: str) -> None:
        self.questions += 1  # called from worker threads: a lost count only blurs the display
        self.bar.update(self.task, counts=self._fields())

    def article_done(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        # Labels and errors may quote a file name, an input's text or a model's answer: never markup.
        if outcome.status == "failed":
            self.console.print(f"[red]failed[/] {escape(outcome.label)}: {escape(outcome.error or '')}")
        elif outcome.status == "extracted":
            x = outcome.extraction
            self.console.print(
                f"[green]extracted[/] {escape(outcome.label)} in {outcome.seconds:.1f}s: {len(x.statements)} statements, "
                f"{len(x.events)} events, {len(x.stances)} stances, {x.usage.calls} calls"
            )
        if outcome.article is not None:
            self.bar.advance(self.task)
        self.bar.update(self.task, counts=self._fields())

    def say(self, message: str) -> None:
        self.console.print(f"[dim]{escape(message)}[/]")

    def stop(self) -> None:
        self.bar.stop()


@contextmanager
def _sigterm_as_interrupt():
    """`kill` (SIGTERM) stops a run as Ctrl-C does: finished articles stay cached,
    half-written files are removed, exit code 130."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command("run", no_args_is_help=True)
def run_command(
    articles: list[Path] = typer.Argument(
        ..., help="Article files (.txt, .md, .html), folders of them, corpora with one article per row "
                  "(.jsonl, .csv, .parquet) or lists of web addresses to fetch (.urls)."),
    output: Path = typer.Option(Path("dossier.json"), "-o", "--output", help="Where to write the dossier."),
    extractions_dir: Optional[Path] = typer.Option(
        None, "--extractions", help="Folder for per-article extraction files \\[default: extractions/ next to the dossier]."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar="OPENAI_BASE_URL",
                                           help="OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama)."),
    api_key: Optional[str] = typer.Option(None, "--api-key", envvar="OPENAI_API_KEY", help="API key for --base-url or OpenAI."),
    model: Optional[str] = typer.Option(None, "--model", envvar="SUMMARISER_MODEL",
                                        help="Model name: an embedded model (see `summarise models`) or the server's model."),
    model_path: Optional[Path] = typer.Option(None, "--model-path", help="Run any local GGUF file as the embedded model."),
    local: bool = typer.Option(False, "--local", help="Use the embedded model even if OPENAI_API_KEY is set."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", envvar=CACHE_DIR_ENV, help="Extraction cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ignore and do not update the cache."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", help="Refuse articles longer than this."),
    attempts: int = typer.Option(2, "--attempts", min=1, help="Answers per question: the first plus re-asks on invalid answers."),
    chunk_chars: int = typer.Option(ExtractionSettings.chunk_chars, "--chunk-chars", min=200,
                                    help="Characters of article per prompt; lower it for a model with a short context."),
    http_attempts: int = typer.Option(3, "--http-attempts", min=1, help="Tries per request on timeouts, 429 and 5xx."),
    timeout: float = typer.Option(300.0, "--timeout", callback=_seconds,
                                  help="Seconds one model answer may take, all of it (each try)."),
    concurrency: Optional[int] = typer.Option(
        None, "--concurrency", "-j", envvar="SUMMARISER_CONCURRENCY", min=1,
        help="Model requests in flight at once, across articles and within one \\[default: 8 for --base-url/OpenAI; "
             "1 for the embedded model, whose server gets one slot per request in flight]."),
    max_rpm: Optional[float] = typer.Option(
        None, "--max-rpm", envvar="SUMMARISER_MAX_RPM", min=0.001,
        help="Start at most this many model requests a minute (keeps a paid API under its rate limit)."),
    threads: Optional[int] = typer.Option(None, "--threads", help="CPU threads for the embedded model \\[default: all cores]."),
    replay: Optional[Path] = typer.Option(None, "--replay", help="Answer from recorded responses in this folder (tests)."),
    record: Optional[Path] = typer.Option(None, "--record", help="Save every model exchange into this folder."),
    ask_unrecorded: bool = typer.Option(
        False, "--ask-unrecorded",
        help="With --replay: ask the model (embedded, or --base-url) what the recordings lack, instead of failing "
             "the article; add --record DIR to save those answers."),
    column: list[str] = typer.Option(
        [], "--column", metavar="FIELD=COLUMN",
        help="Which corpus column holds a field (text, id, title, outlet, published, url), e.g. --column text=body."),
    fetch_timeout: int = typer.Option(FETCH_TIMEOUT, "--fetch-timeout", min=1, help="Seconds to wait for one web page (.urls)."),
    fetch_max_bytes: int = typer.Option(FETCH_MAX_BYTES, "--fetch-max-bytes", min=1, help="Refuse web pages larger than this."),
    fetch_private: bool = typer.Option(False, "--fetch-private",
                                       help="Allow web addresses on this machine or a private network."),
    ray_address: Optional[str] = typer.Option(
        None, "--ray", metavar="[ADDRESS]",
        help="Extract on Ray (pip install 'summariser\\[ray]'): --ray alone uses RAY_ADDRESS, else a cluster "
             "started here, else starts Ray here; --ray auto joins only the cluster started here; --ray HOST:PORT or ray://HOST:PORT another one."),
    ray_workers: Optional[int] = typer.Option(
        None, "--ray-workers", min=1, help="Ray workers, each with --concurrency requests in flight \\[default: one per node]."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Log every model call with its tokens."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Only errors and the summary."),
) -> None:
    """Extract statements, events and stances from ARTICLES and merge them into a dossier.

    Each article is asked a few narrow questions; every kept item carries a
    verbatim evidence span with offsets into its article. Results are cached
    per article, so re-running on unchanged articles makes no model call.
    Exit code: 0 all articles done, 1 some failed, 2 nothing usable.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        # instructor logs each failed attempt at ERROR; the run reports them itself, one line per article.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
        for noisy in ("httpx2", "httpcore2", "openai"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    console = Console(stderr=True, quiet=quiet, highlight=False, soft_wrap=True)
    progress = RichProgress(console)
    backend = choose_backend(
        base_url=base_url, api_key=api_key, model=model, model_path=model_path, local=local, replay=replay,
        record=record, threads=threads, attempts=http_attempts, timeout=timeout, say=progress.say, verbose=verbose,
        concurrency=concurrency, max_rpm=max_rpm, ask_unrecorded=ask_unrecorded,
    )
    try:
        columns = Columns.parse(column)
    except ValueError as error:
        raise _fail(str(error))
    if ray_workers is not None and ray_address is None:
        raise _fail("--ray-workers needs --ray")
    options = RunOptions(
        output=output,
        extractions_dir=extractions_dir or output.parent / "extractions",
        max_chars=max_chars,
        settings=ExtractionSettings(attempts=attempts, chunk_chars=chunk_chars),
        use_cache=not no_cache,
        concurrency=backend.concurrency,
        columns=columns,
        fetching=Fetching(timeout=fetch_timeout, max_bytes=fetch_max_bytes, allow_private=fetch_private),
        ray=None if ray_address is None else RayOptions(address=ray_address or None, workers=ray_workers),
    )
    cache = None
    try:
        if not no_cache:
            cache = ExtractionCache(cache_dir or default_cache_dir())
        with _sigterm_as_interrupt(), backend:
            result = run(list(articles), backend, options, cache=cache, progress=progress)
    except KeyboardInterrupt:
        progress.stop()
        err.print("[yellow]interrupted:[/] finished articles are cached; run the same command again to resume.")
        raise typer.Exit(130)
    except OutputError as error:
        progress.stop()
        raise _fail(str(error))
    except Exception as error:  # a model that cannot start, a disk that is full: say so, no traceback
        progress.stop()
        if disk_full(error):
            raise _fail(f"disk full ({error}) — free some space and run the same command again; {output} was not changed")
        if verbose:
            raise
        raise _fail(f"{error.__class__.__name__}: {error} (run with -v for details)")
    finally:
        if cache is not None:
            cache.close()
    progress.stop()
    for notice in cache.notices if cache is not None else ():
        err.print(f"[yellow]warning:[/] {notice}")
    for line in summary_lines(result):
        err.print(line, markup=False)
    if result.dossier_written:
        written = [str(output), str(run_record_path(output))] + ([f"{options.extractions_dir}/"] if options.extractions_dir else [])
        err.print(f"wrote {', '.join(written[:-1])} and {written[-1]}", markup=False)
    else:
        err.print(f"no article could be processed; {output} was not written", markup=False)
    if not result.dossier_written:
        raise typer.Exit(2)
    if result.failures:
        raise typer.Exit(1)


# --------------------------------------------------------------------------
# schema, models
# --------------------------------------------------------------------------


@app.command("schema")
def schema_command(
    write: bool = typer.Option(False, "--write", help="Write the JSON Schemas into schemas/."),
    check: bool = typer.Option(False, "--check", help="Exit 1 if schemas/ is stale."),
    directory: Path = typer.Option(Path("schemas"), "--dir", help="Where the schema files live."),
) -> None:
    """Export the JSON Schemas generated from the Pydantic models (the source of truth)."""
    from .schema_export import schema_files, stale_files

    files = schema_files()
    if check:
        stale = stale_files(directory)
        if stale:
            raise _fail(f"stale schemas in {directory}: {', '.join(stale)} — run `summarise schema --write`", 1)
        typer.echo(f"{directory}: {len(files)} schemas up to date")
        return
    if write:
        from .dossier_io import atomic_write_text

        for name, text in files.items():
            atomic_write_text(directory / name, text)
        typer.echo(f"wrote {len(files)} schemas to {directory}/")
        return
    typer.echo(files["dossier.schema.json"], nl=False)


@app.command("models")
def models_command() -> None:
    """List the embedded models, their size and whether they are installed."""
    from .embedded import DEFAULT_MODEL, list_models

    for info in list_models():
        name = info.get("name")
        mark = "*" if name == DEFAULT_MODEL else " "
        state = "ready" if info.get("assembled") else ("installed" if info.get("installed") else "not installed")
        typer.echo(f"{mark} {name:<20} {info.get('size', 0) / 1e6:>7,.0f} MB  {state:<13} {info.get('description', '')}")
        if not info.get("installed") and not info.get("assembled") and info.get("install"):
            typer.echo(f"    install: {info['install']}")
    typer.echo("* default. Any GGUF file works too: --model-path FILE.gguf")


# --------------------------------------------------------------------------
# eval, diff, render
# --------------------------------------------------------------------------


@app.command("eval")
def eval_command(
    predictions: Path = typer.Argument(..., help="A dossier.json, an extraction file, or a folder of extraction files."),
    gold: Path = typer.Option(
        Path("seeds/gold"), "--gold",
        help="Folder of gold annotations (one JSON per article; the seeds' gold is seeds/gold in a checkout).",
    ),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    only_predicted: bool = typer.Option(False, "--only-predicted", help="Score only gold articles that have predictions."),
) -> None:
    """Score extractions against gold: precision, recall, F1 per kind, grounding rate."""
    from .evaluate import run_eval_command

    raise typer.Exit(run_eval_command(predictions, gold, fmt, only_predicted=only_predicted))


@app.command("diff")
def diff_command(
    old: Path = typer.Argument(..., help="The old dossier (or /dev/null)."),
    new: Path = typer.Argument(..., help="The new dossier."),
    fmt: str = typer.Option("md", "--format", help="md (for a PR comment) or json."),
) -> None:
    """What changed between two dossiers, by kind. Exit 0 identical, 1 different, 2 error."""
    from .diff import run_diff_command

    raise typer.Exit(run_diff_command(old, new, fmt))


@app.command("render")
def render_command(
    dossier: Path = typer.Argument(..., help="The dossier to render."),
    fmt: str = typer.Option("md", "--format", help="md or html (self-contained, works from file://)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file \\[default: stdout]."),
    texts: Optional[Path] = typer.Option(None, "--texts", help="Folder with the articles, to show highlighted evidence."),
) -> None:
    """Render a dossier for people: Markdown, or an HTML report with highlighted evidence."""
    from .render import run_render_command

    raise typer.Exit(run_render_command(dossier, fmt, output, texts))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarise {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version.")) -> None:
    pass


# What may follow --ray as its address: auto, local, HOST:PORT, ray://HOST:PORT.
RAY_ADDRESS = re.compile(r"auto|local|(ray://)?[\w.\-\[\]:]+:\d+")


def with_default_command(argv: list[str]) -> list[str]:
    """`summarise seeds/` means `summarise run seeds/`."""
    if argv and argv[0] not in COMMANDS and argv[0] not in ("--help", "-h", "--version"):
        argv = ["run", *argv]
    return with_ray_address(argv)


def with_ray_address(argv: list[str]) -> list[str]:
    """`--ray` alone means Ray's default address (given as `--ray=`); what follows it
    is its address only when it reads as one, so `--ray corpus.jsonl` keeps the file."""
    out = []
    for i, arg in enumerate(argv):
        following = argv[i + 1] if i + 1 < len(argv) else None
        out.append("--ray=" if arg == "--ray" and (following is None or not RAY_ADDRESS.fullmatch(following)) else arg)
    return out


def main(argv: list[str] | None = None) -> None:
    args = with_default_command(list(sys.argv[1:] if argv is None else argv))
    app(args=args, prog_name="summarise")


if __name__ == "__main__":  # pragma: no cover
    main()
