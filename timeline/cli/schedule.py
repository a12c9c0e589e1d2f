"""`eventline schedule`: the long-running ingester, one APScheduler job polling due feeds.

Run it in its own process (never inside the API server); run several against one Postgres
to share the work. SIGTERM or Ctrl-C stops it after the article in hand.
"""

from __future__ import annotations

import typer

from timeline.cli.common import err_console


def schedule(
    tick: float = typer.Option(
        60,
        "--tick",
        min=0.1,
        metavar="SECONDS",
        help="Seconds between runs of the 'poll due feeds' job.",
    ),
    lease: float = typer.Option(
        600,
        "--lease",
        min=1,
        metavar="SECONDS",
        help="Seconds a claimed feed stays reserved (renewed per article); a crashed "
        "worker's feeds are picked up again after this.",
    ),
) -> None:
    """Poll due feeds every minute until stopped (SIGTERM/SIGINT stop it cleanly)."""
    from functools import partial

    from ingest.scheduler import run_scheduler
    from timeline.cli.feeds import poller_setup, show_outcome

    settings, engine, config = poller_setup(lease)
    show = partial(show_outcome, quiet=True)

    err_console.print(f"eventline schedule: polling due feeds every {tick:g}s (Ctrl-C stops)")
    run_scheduler(engine, settings, config=config, tick_seconds=tick, on_feed=show)
    err_console.print("eventline schedule: stopped")


def register(app: typer.Typer) -> None:
    """Add the `schedule` command to the main CLI."""
    app.command("schedule")(schedule)
