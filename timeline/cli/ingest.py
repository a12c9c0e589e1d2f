"""`eventline ingest PATH|URL...`: ingest files, folders or article URLs now."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from timeline.cli.common import engine_from_settings, err_console, fail, load_settings

if TYPE_CHECKING:
    from ingest.article import ArticleInput, SourceProblem


def ingest(
    sources: list[str] = typer.Argument(
        ..., help="Files, folders (.txt/.json/.jsonl) or URLs.", metavar="PATH|URL..."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    jobs: int = typer.Option(
        1,
        "--jobs",
        "-j",
        min=1,
        max=64,
        metavar="N",
        help="Processes analysing articles (writes stay in one).",
    ),
) -> None:
    """Ingest articles now. Exit status 0 only when nothing failed (duplicates are fine)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from sqlalchemy.exc import InterfaceError, OperationalError

    from ingest.article import SourceProblem
    from ingest.pipeline import ItemResult, ingest_batch
    from ingest.sources.files import iter_paths, read_articles

    settings = load_settings()
    engine = engine_from_settings()
    console = Console(stderr=True)
    items: list[ArticleInput | SourceProblem] = []
    urls = [s for s in sources if s.startswith(("http://", "https://"))]
    for entry in iter_paths([Path(s) for s in sources if s not in urls]):
        if isinstance(entry, SourceProblem):
            items.append(entry)
        else:
            items.extend(read_articles(entry, max_bytes=settings.max_article_bytes))
    items.extend(_fetch_pages(urls))

    failures: list[ItemResult] = []
    with Progress(
        TextColumn("[bold]{task.fields[step]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    ) as progress:
        # analysed a window at a time, then stored (ingest_batch): two bars
        read = progress.add_task("", total=len(items), step="analyse")
        task = progress.add_task("", total=len(items), step="store")

        def on_analysed(location: str) -> None:
            progress.update(read, advance=1, description=Path(location).name)

        def on_item(result: ItemResult) -> None:
            progress.update(task, advance=1, description=Path(result.location).name)
            if result.status == "failed":
                failures.append(result)
                err_console.print(
                    f"[red]failed[/] {result.location}: {result.reason}",
                    highlight=False,
                    soft_wrap=True,
                )

        try:
            run = ingest_batch(
                items,
                engine=engine,
                source="cli",
                on_item=on_item,
                use_spacy=settings.use_spacy,
                jobs=jobs,
                on_analysed=on_analysed,
            )
        except (OperationalError, InterfaceError) as exc:
            fail(f"database unavailable: {str(exc).splitlines()[0]}")
    if not quiet:
        console.print(
            f"run #{run.id}: {run.seen} seen, {run.new} new, {run.skipped} skipped, "
            f"{run.failed} failed; events {run.events_new} new, {run.events_merged} merged",
            highlight=False,
            soft_wrap=True,
        )
        for item in run.items:
            if item["status"] == "skipped":
                console.print(
                    f"skipped {item['location']}: {item['reason']}", highlight=False, soft_wrap=True
                )
    if run.failed:
        raise typer.Exit(1)


def _fetch_pages(urls: list[str]) -> list[ArticleInput | SourceProblem]:
    """Article pages named on the command line (the feeds module owns fetching)."""
    if not urls:
        return []
    from ingest.article import SourceProblem

    try:
        from ingest.fetch import make_client
        from ingest.sources.pages import fetch_page_article
    except ImportError:
        return [SourceProblem(u, "fetching URLs is not available in this build") for u in urls]
    settings = load_settings()
    with make_client(settings) as client:
        return [fetch_page_article(u, client=client, settings=settings) for u in urls]


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
