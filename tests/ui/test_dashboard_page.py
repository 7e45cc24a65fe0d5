"""The dashboard and the meeting view through AppTest; the page and the command line agree on one database."""
import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from narvaro import cli, ui
from narvaro.core import db
from narvaro.ui import charts
from tests.conftest import ROOT, add_user, page_as, text_of
from tests.reporting.test_indicators import build_fixture


def _fill(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        build_fixture(s)
    engine.dispose()


# The page shows the tables in this order (narvaro.reporting.tables.build).
ORDER = ["oversikt", "avslutsskal", "aterkomst", "arendetid", "effekt", "vad_gav_effekt", "narvaro", "statistik", "kon", "kon_utfall", "inkomna",
         "belastning", "kotid", "samverkan", "skolarbete", "enkat_svarsfrekvens"]
NO_CHART = {"enkat_svarsfrekvens", "vad_gav_effekt",  # vad_gav_effekt: no intervention in this fixture, no chart
            "oversikt"}  # the overview's key figures are shown as large numbers (st.metric), not as a chart


# The section (tab) that holds each table (narvaro.reporting.tables.SECTIONS); only the open one is drawn.
SECTION_OF = {"oversikt": "oversikt", "avslutsskal": "avslut", "aterkomst": "avslut", "arendetid": "avslut",
              "effekt": "avslut", "vad_gav_effekt": "avslut", "narvaro": "avslut", "statistik": "statistik",
              "kon": "statistik", "kon_utfall": "statistik", "inkomna": "inflode", "belastning": "inflode",
              "kotid": "inflode", "samverkan": "samverkan", "skolarbete": "samverkan",
              "enkat_svarsfrekvens": "enkater"}


def open_section(at, slug):
    """Open a section's tab, as a click on it does (its on_change reruns the page with it open)."""
    from narvaro.reporting import tables

    label = {**tables.SECTIONS, "arsrapport": "Årsrapport till nämnden"}[slug]
    if at.session_state["ind_section"] != label:
        at.session_state["ind_section"] = label
        at.run()
    return at


def _table(at, key):
    section = SECTION_OF[key]
    open_section(at, section)
    shown = [k for k in ORDER if SECTION_OF[k] == section]
    assert len(at.dataframe) == len(shown)  # only the open section is drawn
    return at.dataframe[shown.index(key)].value


def test_page_and_command_line_agree(app_env, frozen_clock, capsys):
    _fill(app_env)
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/indikatorer.py")
    assert not at.exception
    at.selectbox(key="ind_year").select(2024).run()
    assert cli.main(["--database-url", app_env, "indicators", "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    data = json.loads(capsys.readouterr().out)

    overview = dict(zip(*[_table(at, "oversikt")[c] for c in ("Indikator", "Värde")]))
    expected = {"Inkomna ärenden": data["incoming"], "Avslutade ärenden": data["closed"],
                "Pågående vid periodens slut": data["open_at_end"],
                "Väntar i kö vid periodens slut": data["queued_at_end"],
                "Avslutade: återgått till undervisning": data["returned_to_school"],
                "Andel avslutade: återgått till undervisning (%)": data["returned_share_percent"]}
    assert overview == {k: charts.cell_text(v) for k, v in expected.items()}
    assert overview["Inkomna ärenden"] == "4" and overview["Andel avslutade: återgått till undervisning (%)"] == "66,67"
    times = dict(zip(*[_table(at, "arendetid")[c] for c in ("Mått", "Värde")]))
    assert times["Genomsnitt (månader)"] == charts.cell_text(data["mean_months"]) == "5,57"
    assert times["Median (månader)"] == charts.cell_text(data["median_months"]) == "3,02"
    reasons = dict(zip(*[_table(at, "avslutsskal")[c] for c in ("Avslutsskäl", "Antal")]))
    assert reasons == {k: charts.cell_text(v) for k, v in data["closure_reasons"].items()}
    back = dict(zip(*[_table(at, "aterkomst")[c] for c in ("Mått", "Värde")]))
    assert back["Elever med nytt ärende inom 12 månader"] == charts.cell_text(data["rereferred_within_12_months"])
    shown = _table(at, "inkomna")
    assert sorted(zip(shown["Skolform"], shown["Huvudman"], shown["Kön"], shown["Antal"])) == sorted(
        (r["skolform"], r["huvudman"], r["kon"], str(r["count"])) for r in data["incoming_breakdown"])
    # Every table has a chart beside it (except tables without one), section by section.
    drawn, charts_drawn = 0, 0
    for section in dict.fromkeys(SECTION_OF.values()):
        open_section(at, section)
        drawn += len(at.dataframe)
        charts_drawn += len(at.get("plotly_chart"))
    assert drawn == len(ORDER) and charts_drawn == len(ORDER) - len(NO_CHART)
    # Issue 17, item 9: the dashboard's figures per kön are the CLI's `by_sex`.
    per_sex = _table(at, "kon_utfall")
    for i, sex in enumerate(per_sex["Kön"]):
        got = data["by_sex"][sex]
        assert [per_sex[c][i] for c in ("Inkomna", "Avslutade", "Återgått till undervisning",
                                        "Genomsnittlig tid öppet (mån)", "Median kötid (dagar)")] == [
            charts.cell_text(got[k]) for k in ("incoming", "closed", "returned_to_school", "mean_months",
                                               "median_queue_days")]
    assert list(per_sex["Kön"]) == list(data["by_sex"])
    open_section(at, "arsrapport")
    assert [b.label for b in at.get("download_button")] == ["Årsrapport (Excel)", "Årsrapport (HTML)"]

    # A custom period whose end is before its start: a message next to the field, the dates kept.
    at.radio(key="ind_kind").set_value("Egna datum").run()
    at.date_input(key="ind_from").set_value(dt.date(2024, 6, 1)).run()
    at.date_input(key="ind_to").set_value(dt.date(2024, 1, 1)).run()
    assert "Slutdatumet ligger före startdatumet" in text_of(at)
    assert at.date_input(key="ind_from").value == dt.date(2024, 6, 1)


def test_reader_sees_only_suppressed_aggregates(app_env, frozen_clock):
    _fill(app_env)
    add_user(app_env, "lasa", "lasare")
    at = page_as(app_env, "lasa", "pages/indikatorer.py")
    at.selectbox(key="ind_year").select(2024).run()
    assert "visas som \"<5\"" in text_of(at)
    overview = _table(at, "oversikt")
    assert set(overview["Värde"]) == {"<5", "–"}
    for section in dict.fromkeys(SECTION_OF.values()):
        for frame in open_section(at, section).dataframe:
            df = frame.value
            for col in df.columns:
                if col in ("År", "Riktvärde"):
                    continue
                assert not any(v.isdigit() for v in df[col].astype(str)), (col, list(df[col]))


def test_meeting_view_one_indicator_per_screen(app_env, frozen_clock):
    _fill(app_env)
    add_user(app_env, "anna", "koordinator")
    engine = db.make_engine(app_env)
    from sqlmodel import Session

    from narvaro.core import users as auth

    with Session(engine) as s:
        row = auth.get_user(s, "anna")
        user = ui.CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "pages/motesvy.py"), default_timeout=60)
    at.session_state[ui.USER_KEY] = user
    at.query_params["indikator"] = "arendetid"
    at.query_params["ar"] = "2024"
    at.run()
    assert not at.exception
    assert at.selectbox(key="mv_indicator").value == "arendetid"
    assert "Tid ärendet var öppet" in text_of(at) and "5,57" in text_of(at)
    assert len(at.dataframe) == 1  # one indicator per screen
    at.button(key="mv_next").click().run()
    assert at.selectbox(key="mv_indicator").value == "effekt"
    assert at.query_params["indikator"] == "effekt"
    at.button(key="mv_prev").click().run()
    at.button(key="mv_prev").click().run()
    # Issue 19: the pupils who came back within 12 months have their own screen, after the closing reasons.
    assert at.selectbox(key="mv_indicator").value == "aterkomst"
    assert "Återaktualiserade inom 12 månader" in text_of(at) and "Elever med nytt ärende inom 12 månader" in text_of(at)


def test_pages_refuse_roles_without_access(app_env):
    add_user(app_env, "reg", "registrator")
    for page in ("pages/indikatorer.py", "pages/motesvy.py"):
        at = page_as(app_env, "reg", page)
        assert "Du har inte behörighet" in text_of(at)
        assert len(at.dataframe) == 0


def test_figures_are_reused_between_reruns_but_follow_every_save(app_env, frozen_clock, monkeypatch):
    """ui.report caches the tables, and ui.figure their charts, per state of the data; a save (which writes an
    audit entry) shows at once."""
    from narvaro.casework import cases
    from narvaro.core.models import CLOSED
    from narvaro.reporting import tables
    from narvaro.ui import charts

    built, drawn = [], []
    real_build, real_figure = tables.build, charts.figure
    monkeypatch.setattr(tables, "build", lambda *a, **kw: built.append(a[1]) or real_build(*a, **kw))
    monkeypatch.setattr(charts, "figure", lambda table, *a: drawn.append(table.key) or real_figure(table, *a))
    _fill(app_env)
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/indikatorer.py")
    at.selectbox(key="ind_year").select(2024).run()
    open_section(at, "avslut")  # a section with charts
    closed = lambda: int(dict(zip(*[_table(at, "avslutsskal")[c] for c in ("Avslutsskäl", "Antal")]))[  # noqa: E731
        "Återgått till undervisning"])
    before, n_built, n_drawn = closed(), len(built), len(drawn)
    charts_shown = len(at.get("plotly_chart"))
    assert charts_shown >= 3 and n_drawn >= charts_shown
    at.run()
    assert closed() == before and len(built) == n_built  # a plain rerun: the same figures, no new queries
    assert len(drawn) == n_drawn and len(at.get("plotly_chart")) == charts_shown  # charts shown, not redrawn
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        cases.create_case(s, dict(pupil_code="NY-1", school_form="Grundskola", provider="Kommunal",
                                  received_on=dt.date(2024, 3, 1), assigned_on=dt.date(2024, 3, 2),
                                  closed_on=dt.date(2024, 6, 1), status=CLOSED,
                                  closure_reason="Återgått till undervisning"), "bo")
    engine.dispose()
    at.run()
    assert int(closed()) == int(before) + 1 and len(built) == n_built + 1
    assert len(drawn) > n_drawn  # the charts follow the save too


def test_only_the_open_section_is_computed(app_env, frozen_clock, monkeypatch):
    """Issue 14:4: the overview first; every other section is built (queries and charts) only when it is opened,
    and every table only for the yearly report."""
    from narvaro.reporting import tables

    asked = []
    real_build = tables.build
    monkeypatch.setattr(tables, "build", lambda *a, **kw: asked.append(kw.get("sections")) or real_build(*a, **kw))
    _fill(app_env)
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/indikatorer.py")
    at.selectbox(key="ind_year").select(2024).run()
    assert asked and all(sections == ["oversikt"] for sections in asked)
    assert [t.label for t in at.tabs][:2] == ["Översikt", "Avslut, tid och effekt"] and len(at.dataframe) == 1
    asked.clear()
    open_section(at, "statistik")
    assert asked == [["statistik"]] and len(at.dataframe) == 3
    asked.clear()
    open_section(at, "arsrapport")
    assert asked == [None] and not at.dataframe  # the yearly report needs every table
