"""The schema changes only through migrations: one head, and upgrade matches the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from consult.extensions import db
from tests.conftest import ROOT


def test_single_migration_head():
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_on_empty_database_matches_models(app):
    with app.app_context():
        with db.engine.connect() as connection:
            from consult.search.models import include_object

            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                  "include_object": include_object})
            diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_app_never_creates_tables_itself(tmp_path):
    from consult import create_app

    path = tmp_path / "empty.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        from sqlalchemy import inspect

        assert inspect(db.engine).get_table_names() == []
