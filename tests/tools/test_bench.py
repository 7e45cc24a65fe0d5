"""The benchmark keeps working: on two small synthetic databases every page renders without error and each
target gets a verdict. Timings are not asserted (shared machines are noisy); `python -m tools.bench` measures."""
import json

from sqlalchemy import func
from sqlmodel import Session, select

from narvaro.casework import cases
from narvaro.core import clock, db, permissions
from narvaro.core.models import Case
from tools import bench


def test_bench_fills_databases_and_every_page_reruns_without_error(tmp_path):
    results = bench.run([30, 1200], repeats=1, browser=False, out_dir=tmp_path, progress=lambda m: None)

    pages = {spec.key for spec in permissions.PAGES if (db.ROOT / spec.path).exists()}
    for size in ("30", "1200"):
        rerun = results["sizes"][size]["rerun"]
        assert set(rerun) == pages
        assert all(not fig["errors"] for fig in rerun.values()), {k: v["errors"] for k, v in rerun.items()}
        assert all(fig["median_ms"] > 0 for fig in rerun.values())
    targets = {check["target"] for check in results["verdict"]}
    assert {f"omkörning {key}: 1200 inom 3.0× 30" for key in pages} == targets
    assert json.loads((tmp_path / "latest.json").read_text())["sizes"].keys() == {"30", "1200"}
    assert "| board | teamledare |" in bench.format_table(results)


def test_replicated_cases_keep_unique_numbers_and_new_intake_continues_after_them(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    bench.build_database(url, bench.TEMPLATE + 250)
    engine = db.make_engine(url)
    with Session(engine) as s:
        total, distinct = s.exec(select(func.count(Case.id), func.count(func.distinct(Case.number)))).one()
        assert total == distinct == bench.TEMPLATE + 250
        # The copies are history: no open case is added, and none of them falls in the template's three years.
        open_all = s.exec(select(func.count(Case.id)).where(Case.status != "closed")).one()
        open_template = s.exec(select(func.count(Case.id)).where(Case.status != "closed",
                                                                 Case.id <= bench.TEMPLATE)).one()
        assert open_all == open_template > 0
        oldest_template = s.exec(select(func.min(Case.received_on)).where(Case.id <= bench.TEMPLATE)).one()
        newest_copy = s.exec(select(func.max(Case.received_on)).where(Case.id > bench.TEMPLATE)).one()
        assert newest_copy < oldest_template.replace(year=oldest_template.year + 1)
        assert s.exec(select(func.count(Case.id)).where(Case.id > bench.TEMPLATE, Case.closed_on.is_(None))).one() == 0
    with db.session_scope(engine) as s:
        number = cases.create_case(s, {"pupil_code": "NY-1", "school_form": "Grundskola", "provider": "Kommunal",
                                       "received_on": clock.today()}, "test").number
    with Session(engine) as s:
        assert s.exec(select(func.count(Case.id)).where(Case.number == number)).one() == 1
    engine.dispose()
