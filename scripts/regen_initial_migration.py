"""Rewrite the single initial migration from the models.

Only while nothing is deployed (the first development session): later schema changes must be new
revisions made with `alembic revision --autogenerate`, so existing databases can be upgraded.
"""
import sys
import tempfile
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from narvaro.db import MIGRATIONS, alembic_config, make_engine  # noqa: E402

versions = MIGRATIONS / "versions"
for f in versions.glob("*.py"):
    f.unlink()
with tempfile.TemporaryDirectory() as d:
    engine = make_engine(f"sqlite:///{d}/empty.sqlite3")
    cfg = alembic_config(engine)
    command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
print("wrote", *versions.glob("*.py"))
