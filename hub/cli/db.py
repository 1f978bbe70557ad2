"""`hub db`: create and migrate the state store."""

from __future__ import annotations

import typer
from rich.console import Console

from hub.redaction import redact

app = typer.Typer(help="State store (SQLite by default, PostgreSQL by HUB_DATABASE_URL).")


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Alembic revision to migrate to.")) -> None:
    """Migrate the state store to ``revision`` (creating it if needed)."""
    from hub.settings import get_settings, state_store_url
    from hub.store.migrate import current
    from hub.store.migrate import upgrade as run_upgrade

    url = state_store_url(get_settings())
    run_upgrade(url, revision)
    Console().print(f"state store {redact(url)} is at revision [bold]{current(url)}[/]")


@app.command("current")
def show_current() -> None:
    """Print the state store's migration revision."""
    from hub.settings import get_settings, state_store_url
    from hub.store.migrate import current

    url = state_store_url(get_settings())
    Console().print(f"{redact(url)}: {current(url) or 'not migrated'}")
