"""`eventline feeds add|list|remove|pause|resume|poll`: the feed list and one polling round.

`poll` runs exactly the job `eventline schedule` runs every minute, once, for system cron.
Ingest modules are imported inside the commands: `timeline` never imports `ingest` at load.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from timeline.cli.common import engine_from_settings, err_console, fail, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from config.settings import Settings
    from ingest.scheduler import FeedOutcome, PollConfig
    from timeline.store.models import Feed

feeds_app = typer.Typer(
    help="Manage polled RSS/Atom feeds and poll them once.", no_args_is_help=True
)


def _echo(message: str) -> None:
    typer.echo(message)


def sync_feeds_file(engine: Engine, settings: Settings) -> None:
    """Upsert the feeds of Settings.feeds_file (if set) by URL; a bad file is an error."""
    from ingest.feeds_config import (
        FeedConfigError,
        check_fetchable,
        load_feeds_file,
        upsert_feeds,
    )

    if settings.feeds_file is None:
        return
    try:
        specs = load_feeds_file(settings.feeds_file)
        for spec in specs:  # what polling would refuse is refused here, naming the file
            warning = check_fetchable(spec.url, allow_private=settings.allow_private_urls)
            if warning:
                err_console.print(f"warning: {settings.feeds_file}: {warning}", highlight=False)
    except FeedConfigError as exc:
        fail(
            f"{settings.feeds_file}: {exc}"
            if str(settings.feeds_file) not in str(exc)
            else str(exc)
        )
    created = upsert_feeds(engine, specs, default_interval=settings.default_feed_interval)
    err_console.print(f"{settings.feeds_file}: {len(specs)} feeds ({created} new)", highlight=False)


@feeds_app.command("add")
def add(
    url: str = typer.Argument(..., help="The feed's http(s) URL."),
    every: str | None = typer.Option(
        None,
        "--every",
        metavar="INTERVAL",
        help="Poll interval: 90s, 15m, 2h, 1d (default: the setting).",
    ),
    cron: str | None = typer.Option(
        None,
        "--cron",
        metavar="EXPR",
        help='Poll on a crontab schedule instead, e.g. "*/15 * * * *" (UTC).',
    ),
    name: str | None = typer.Option(
        None, "--name", help="A unique name; other commands accept it for the feed.", metavar="NAME"
    ),
    tags: list[str] = typer.Option(
        [], "--tag", "-t", help="A category (repeat, or a,b): feeds list --tag.", metavar="TAG"
    ),
) -> None:
    """Add a feed; it is due at once."""
    from ingest.feeds_config import FeedConfigError, add_feed, check_fetchable, make_spec

    settings = load_settings()
    try:
        spec = make_spec(url, name=name, every=every, cron=cron, tags=tags)
        warning = check_fetchable(spec.url, allow_private=settings.allow_private_urls)
    except FeedConfigError as exc:
        fail(str(exc), 2)
    if warning:
        err_console.print(f"warning: {warning}", highlight=False, soft_wrap=True)
    engine = engine_from_settings()
    try:
        feed = add_feed(engine, spec, default_interval=settings.default_feed_interval)
    except FeedConfigError as exc:
        fail(str(exc))
    _echo(f"added feed #{feed.id} {feed.url} ({_schedule(feed)})")


@feeds_app.command("import")
def import_(
    path: Path = typer.Argument(
        ..., help="An OPML file (what feed readers export).", metavar="FILE"
    ),
) -> None:
    """Add the feeds of an OPML file (known URLs get the file's name and tags)."""
    from ingest.feeds_config import FeedConfigError, check_fetchable, upsert_feeds
    from ingest.feeds_opml import parse_opml

    settings = load_settings()
    try:
        specs = parse_opml(path.read_bytes())
        for spec in specs:  # what polling would refuse is refused here too
            warning = check_fetchable(spec.url, allow_private=settings.allow_private_urls)
            if warning:
                err_console.print(f"warning: {path}: {warning}", highlight=False)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    except FeedConfigError as exc:
        fail(f"{path}: {exc}")
    engine = engine_from_settings()
    try:
        created = upsert_feeds(
            engine, specs, default_interval=settings.default_feed_interval, imported=True
        )
    except FeedConfigError as exc:
        fail(f"{path}: {exc}")
    _echo(f"{path}: {len(specs)} feeds, {created} new, {len(specs) - created} updated")


@feeds_app.command("export")
def export(
    path: Path | None = typer.Argument(
        None, help="Write here instead of standard output.", metavar="[FILE]"
    ),
    tag: str | None = typer.Option(
        None, "--tag", "-t", help="Only feeds with this tag.", metavar="TAG"
    ),
) -> None:
    """Print the feed list as OPML 2.0 (folders by tag), for any feed reader."""
    import sys

    from ingest.feeds_config import list_feeds
    from ingest.feeds_opml import write_opml

    document = write_opml(list_feeds(engine_from_settings(), tag=tag))
    if path is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return
    try:
        path.write_bytes(document)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    err_console.print(f"wrote {path}", highlight=False)


@feeds_app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    wide: bool = typer.Option(
        False, "--wide", "-w", help="Every column (schedule, exact times, last error)."
    ),
    tag: str | None = typer.Option(
        None, "--tag", "-t", help="Only feeds with this tag.", metavar="TAG"
    ),
) -> None:
    """Every feed with its status, last and next fetch, and errors.

    The table fits an 80-column terminal: a failing feed's last error is the line under its
    URL; --wide shows the schedule, exact times and the error in columns of their own.
    """
    from ingest.feeds_config import list_feeds

    feeds = list_feeds(engine_from_settings(), tag=tag)
    if as_json:
        typer.echo(json.dumps({"feeds": [_feed_json(f) for f in feeds]}, indent=2))
        return
    if not feeds:
        err_console.print(
            f"no feed tagged {tag!r}" if tag else "no feeds yet: eventline feeds add URL"
        )
        return
    _print_feeds(feeds, wide=wide)


def _print_feeds(feeds: list[Feed], *, wide: bool) -> None:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    now = datetime.now(UTC)
    table = Table(title=f"{len(feeds)} feeds", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("feed", overflow="fold", ratio=1, min_width=20)
    table.add_column("status", no_wrap=True)
    if wide:
        table.add_column("schedule", no_wrap=True)
    table.add_column("checked", no_wrap=True)
    table.add_column("next", no_wrap=True)
    table.add_column("err", justify="right", no_wrap=True)
    if wide:
        table.add_column("last error", overflow="fold", ratio=1)
    for f in feeds:
        label = f"{escape(f.name)}\n[dim]{escape(f.url)}[/]" if f.name else escape(f.url)
        if f.tags:
            label += "\n[cyan]" + escape(" ".join(f"#{t}" for t in f.tags)) + "[/]"
        if f.last_error and not wide:
            label += f"\n[red]{escape(f.last_error)}[/]"
        waiting = f.disabled or f.paused
        row = [str(f.id), label, _status(f) if wide else f"{_status(f)}\n[dim]{_schedule(f)}[/]"]
        if wide:
            row.append(_schedule(f))
        row += [
            _when(f.checked_at, now, exact=wide),
            "-" if waiting else _when(f.next_check_at, now, none="due now", exact=wide),
            str(f.error_count),
        ]
        if wide:
            row.append(escape(f.last_error or ""))
        table.add_row(*row)
    console = Console()  # built here so the width follows COLUMNS at run time
    if wide:  # --wide means "lines as long as they need", as `ps -ww` or `kubectl -o wide`
        from rich.measure import Measurement

        table.title = None
        need = Measurement.get(console, console.options.update(width=10_000), table).maximum
        console = Console(width=max(console.width, need))
    console.print(table)


@feeds_app.command("remove")
def remove(ref: str = typer.Argument(..., help="Feed id, URL or name.", metavar="FEED")) -> None:
    """Remove a feed (its articles stay)."""
    from ingest.feeds_config import FeedConfigError, remove_feed

    try:
        feed = remove_feed(engine_from_settings(), ref)
    except FeedConfigError as exc:
        fail(str(exc))
    _echo(f"removed feed #{feed.id} {feed.url}")


@feeds_app.command("pause")
def pause(ref: str = typer.Argument(..., help="Feed id, URL or name.", metavar="FEED")) -> None:
    """Stop polling a feed until `resume`."""
    _set_paused(ref, True)


@feeds_app.command("resume")
def resume(ref: str = typer.Argument(..., help="Feed id, URL or name.", metavar="FEED")) -> None:
    """Poll a paused or error-disabled feed again (errors reset, due now)."""
    _set_paused(ref, False)


def _set_paused(ref: str, paused: bool) -> None:
    from ingest.feeds_config import FeedConfigError, set_paused

    try:
        feed = set_paused(engine_from_settings(), ref, paused)
    except FeedConfigError as exc:
        fail(str(exc))
    _echo(f"{'paused' if paused else 'resumed'} feed #{feed.id} {feed.url}")


@feeds_app.command("poll")
def poll(
    lease: float = typer.Option(
        600,
        "--lease",
        min=1,
        metavar="SECONDS",
        help="Seconds a claimed feed stays reserved for this process.",
    ),
) -> None:
    """Poll every due feed once and exit (for system cron). Exit 1 if any feed failed."""
    from ingest.fetch import make_client
    from ingest.scheduler import poll_due_feeds

    settings, engine, config = poller_setup(lease)

    with make_client(settings) as client:
        summary = poll_due_feeds(
            engine, client=client, settings=settings, config=config, on_feed=show_outcome
        )
    if not summary.outcomes:
        err_console.print("no feed is due")
    if summary.errors:
        fail(f"{len(summary.errors)} of {len(summary.outcomes)} feeds had errors")


def poller_setup(lease: float) -> tuple[Settings, Engine, PollConfig]:
    """What `feeds poll` and `schedule` both start from: settings, the migrated store with
    the feeds file loaded, and the poll configuration."""
    from ingest.scheduler import PollConfig

    settings = load_settings()
    engine = engine_from_settings()
    sync_feeds_file(engine, settings)
    return settings, engine, PollConfig.from_settings(settings, lease_seconds=lease)


def show_outcome(o: FeedOutcome, *, quiet: bool = False) -> None:
    """One line per polled feed on stderr; `quiet` leaves out feeds with nothing new."""
    if o.error:
        err_console.print(f"[red]error[/] feed #{o.feed_id} {o.url}: {o.error}", highlight=False)
    elif quiet and not (o.new or o.failed):
        return
    elif o.not_modified:
        err_console.print(f"feed #{o.feed_id} {o.url}: not modified", highlight=False)
    else:
        err_console.print(
            f"feed #{o.feed_id} {o.url}: {o.new} new, {o.skipped} known, {o.failed} failed"
            + (f" ({o.note})" if o.note else ""),
            highlight=False,
        )


def _status(f: Feed) -> str:
    if f.disabled:
        return "[red]disabled[/]"
    if f.paused:
        return "[yellow]paused[/]"
    if f.error_count:
        return f"[yellow]failing ({f.error_count})[/]"
    return "[green]ok[/]" if f.checked_at else "new"


def _schedule(f: Feed) -> str:
    from ingest.feeds_config import format_every

    return f"cron {f.cron}" if f.cron else f"every {format_every(f.interval_seconds)}"


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _when(
    value: datetime | None, now: datetime, *, none: str = "never", exact: bool = False
) -> str:
    """ "in 12m" / "3h ago" (and the UTC time itself with `exact`)."""
    value = _aware(value)
    if value is None:
        return none
    seconds = int((value - now).total_seconds())
    span = abs(seconds)
    rel = (
        f"{span}s"
        if span < 120
        else f"{span // 60}m"
        if span < 7200
        else f"{span // 3600}h"
        if span < 172800
        else f"{span // 86400}d"
    )
    rel = f"in {rel}" if seconds > 0 else f"{rel} ago"
    return f"{value:%Y-%m-%d %H:%M} ({rel})" if exact else rel


def _feed_json(f: Feed) -> dict[str, object]:
    def iso(v: datetime | None) -> str | None:
        v = _aware(v)
        return v.isoformat() if v else None

    return {
        "id": f.id,
        "url": f.url,
        "name": f.name,
        "tags": list(f.tags or []),
        "status": "disabled" if f.disabled else "paused" if f.paused else "active",
        "interval_seconds": f.interval_seconds,
        "cron": f.cron,
        "checked_at": iso(f.checked_at),
        "next_check_at": iso(f.next_check_at),
        "error_count": f.error_count,
        "last_error": f.last_error,
        "etag": f.etag,
        "last_modified": f.last_modified,
    }


def register(app: typer.Typer) -> None:
    """Add the `feeds` command group to the main CLI."""
    app.add_typer(feeds_app, name="feeds")
