"""The `eventline` command: thin typer commands over the library."""
