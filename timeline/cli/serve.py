"""`eventline serve`: the HTTP API and the timeline page under uvicorn."""

from __future__ import annotations

import typer

from timeline.cli.common import fail, load_settings


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on.", metavar="HOST"),
    port: int = typer.Option(
        8000, "--port", "-p", min=1, max=65535, metavar="PORT", help="TCP port."
    ),
    workers: int = typer.Option(
        1, "--workers", "-w", min=1, max=64, metavar="N", help="Server processes (stateless)."
    ),
) -> None:
    """Serve the JSON API (/events, /stories, /log, /docs) and the timeline page at /."""
    import uvicorn

    from timeline.api import create_app
    from timeline.store.engine import StoreError, open_store

    settings = load_settings()
    try:  # fail here, with a clear message, rather than inside uvicorn's startup
        open_store(settings.database_url).dispose()
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"eventline: serving http://{host}:{port}/ (API docs at /docs)", err=True)
    if settings.api_token is None:
        typer.echo(
            "eventline: writes (POST /ingest) are off: EVENTLINE_API_TOKEN is unset or empty",
            err=True,
        )
    else:
        typer.echo(
            "eventline: writes (POST /ingest) need the EVENTLINE_API_TOKEN bearer token", err=True
        )
    if workers > 1:  # each process builds its own app from the environment's settings
        uvicorn.run(
            "timeline.api:create_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
            proxy_headers=False,
        )
        return
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
    )


def register(app: typer.Typer) -> None:
    """Add `serve` to the main command."""
    app.command("serve")(serve)
