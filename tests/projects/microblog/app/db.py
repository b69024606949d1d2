import sqlite3

import click
from flask import current_app, g

SCHEMA = """
CREATE TABLE IF NOT EXISTS post (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL
);
"""


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE_PATH"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def upgrade():
    db = get_db()
    db.executescript(SCHEMA)
    db.commit()


@click.command("db-upgrade")
def db_upgrade_command():
    """Create or upgrade the database tables."""
    upgrade()
    click.echo("database is up to date")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(db_upgrade_command)
