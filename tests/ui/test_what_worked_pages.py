"""What worked, with numbers, on the Insatser page and the dashboard (AppTest, SQLite); hand-checked figures in
tests/reporting/test_what_worked.py."""
from narvaro.core import db
from tests.conftest import add_user, page_as
from tests.reporting.test_what_worked import build
from tests.ui.test_interventions_page import _rows

HOME = "Komma hem till eleven och skapa relation"


def _fill(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        build(s)
    engine.dispose()


def test_insatser_page_shows_the_medians_and_hides_small_groups(app_env, frozen_clock):
    _fill(app_env)
    add_user(app_env, "anna", "koordinator")
    at = page_as(app_env, "anna", "pages/insatser.py")
    assert not at.exception
    operativa = _rows(at.dataframe[2])
    home, sms = operativa[HOME], operativa["SMS-kontakt varje morgon"]
    assert (home["Median närvaroförändring (procentenheter)"], home["Median månader till avslut"]) == ("20,00", "2,30")
    assert (sms["Median närvaroförändring (procentenheter)"], sms["Median månader till avslut"]) == ("–", "–")
    assert "Median närvaroförändring" in at.caption[0].value or "medianen av närvarons förändring" in at.caption[0].value


def test_dashboard_has_what_worked_for_the_period(app_env, frozen_clock):
    _fill(app_env)
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/indikatorer.py")
    at.selectbox(key="ind_year").select(2024).run()
    assert not at.exception
    from tests.ui.test_dashboard_page import open_section

    tables = [df.value for df in open_section(at, "avslut").dataframe]
    worked = next(t for t in tables if "Median närvaroförändring (procentenheter)" in t.columns)
    rows = {r["Insats"]: r for r in worked.to_dict("records")}
    assert [rows[HOME][c] for c in worked.columns[1:]] == ["6", "20,00", "2,30", "–"]
    assert rows["SMS-kontakt varje morgon"]["Avslutade ärenden med insatsen"] == "<5"  # a teamledare too
