"""`python -m tools.bench.imports`: time the import of a generated history file (50,000 rows by default) on SQLite
and on PostgreSQL, checking first and writing all or nothing, as `python -m narvaro import` does.

The file is in the export format with realistic variety: numbered and unnumbered rows, open cases with a
coordinator, queued ones, closed ones with reasons and effects, a few hundred schools and some twenty coordinators.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import time

from sqlmodel import Session, func, select

from narvaro.core import db
from narvaro.core.config import get_config
from narvaro.core.models import Case
from narvaro.dataio import importer

PROGRESS = True
HEADER = ["Ärendenummer", "Elev-ID", "Inkom", "Avslutad", "Skolform", "Huvudman", "Kön", "Skola", "Årskurs",
          "Koordinator", "Avslutsorsak", "Tilldelad"]


def history_csv(n: int, seed: int = 16) -> bytes:
    """n rows of invented history (no real person), as the export writes them."""
    rng = random.Random(seed)
    cfg = get_config()
    forms = list(cfg.reference.school_forms)
    providers = list(cfg.reference.providers)
    sexes = list(cfg.reference.sexes)
    reasons = list(cfg.reference.closure_labels)
    schools = [f"Bänkskolan {i}" for i in range(300)]
    coordinators = [f"Koordinator {chr(65 + i)} Imported" for i in range(20)]
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(HEADER)
    per_year: dict[int, int] = {}
    for i in range(n):
        received = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(15 * 365))
        per_year[received.year] = per_year.get(received.year, 0) + 1
        number = f"BI-{received.year}-{per_year[received.year]:05d}" if i % 10 else ""
        closed = received + dt.timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.9 else None
        if closed and closed > dt.date(2024, 12, 31):
            closed = None
        coordinator = rng.choice(coordinators) if closed or rng.random() < 0.7 else ""
        w.writerow([number, f"BI{i:06d}", received.isoformat(), closed.isoformat() if closed else "",
                    rng.choice(forms), rng.choice(providers), rng.choice(sexes), rng.choice(schools),
                    str(rng.randrange(1, 10)), coordinator, rng.choice(reasons) if closed else "",
                    received.isoformat() if coordinator else ""])
    return out.getvalue().encode("utf-8-sig")


def time_import(url: str, data: bytes, progress: bool = False) -> dict:
    engine = db.make_engine(url)
    db.migrate(engine)
    shown = []

    def tell(done: int, total: int) -> None:
        shown.append(done)
        if progress:
            print(f"\r  {done}/{total}", end="", file=sys.stderr)

    started, cpu = time.perf_counter(), time.process_time()
    with db.session_scope(engine) as s:
        report = importer.import_file(s, data, "historik.csv", "bench", **({"progress": tell} if PROGRESS else {}))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with Session(engine) as s:
        count = s.exec(select(func.count(Case.id))).one()
    engine.dispose()
    if progress:
        print(file=sys.stderr)
    if not report.ok:
        raise SystemExit("\n".join(report.lines()[:20]))
    # Wall time, and the CPU time of this process (on a shared machine the wall time is mostly waiting for a core;
    # for PostgreSQL the server's own work is not in the CPU figure).
    return {"rows": report.rows, "cases": count, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "ms_per_row": round(1000 * seconds / max(report.rows, 1), 3), "progress_calls": len(shown)}


def main(argv: list[str] | None = None) -> int:
    import tempfile

    from tools.bench.measure import _pg_database

    p = argparse.ArgumentParser(prog="python -m tools.bench.imports", description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=50_000)
    p.add_argument("--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    p.add_argument("--no-postgres", action="store_true")
    args = p.parse_args(argv)
    data = history_csv(args.rows)
    print(f"Fil: {args.rows} rader, {len(data) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:", time_import(f"sqlite:///{tmp}/bench.sqlite3", data, progress=True))
    if not args.no_postgres:
        url, drop = _pg_database(args.pg_admin_url)
        try:
            print("PostgreSQL:", time_import(url, data, progress=True))
        finally:
            drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
