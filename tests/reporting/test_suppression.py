"""Small-number suppression: läsare never see a count under the threshold, nor a share or mean built on one."""
import numbers

import pytest
from sqlmodel import Session

from narvaro.core import db
from narvaro.core.config import get_config
from narvaro.reporting import suppression, tables
from narvaro.reporting.indicators import Period
from tests.reporting.test_indicators import build_fixture


def test_counts_and_derived_values():
    assert [suppression.count(n, 5) for n in (0, 1, 4, 5, 12)] == ["<5", "<5", "<5", 5, 12]
    assert suppression.count(None, 5) is None
    assert suppression.derived(66.67, 4, 5) == "–"
    assert suppression.derived(66.67, 5, 5) == 66.67
    assert suppression.count(2, 3) == "<3"
    assert suppression.is_suppressed("<5") and suppression.is_suppressed("–") and not suppression.is_suppressed(5)


def _cells(report):
    for table in report.tables:
        for col in table.df.columns:
            for value in table.df[col]:
                yield table.key, col, value


@pytest.fixture
def small_db(engine):
    with db.session_scope(engine) as s:
        build_fixture(s)
    return engine


def test_reader_gets_no_small_count_anywhere(small_db):
    with Session(small_db) as s:
        report = tables.build(s, Period.year(2024), (2023, 2024), role="lasare")
    assert report.suppressed
    overview = dict(zip(report.table("oversikt").df["Indikator"], report.table("oversikt").df["Värde"]))
    assert overview["Inkomna ärenden"] == "<5"
    assert overview["Andel avslutade: återgått till undervisning (%)"] == "–"
    assert report.table("arendetid").df["Värde"].tolist() == ["<5", "–", "–"]
    assert report.table("narvaro").df["Genomsnittlig närvaro (%)"].tolist() == ["–", "–"]
    # The only numbers a läsare gets are configuration (the caseload guideline) and years.
    for key, col, value in _cells(report):
        if isinstance(value, numbers.Number) and col not in ("År", "Riktvärde"):
            pytest.fail(f"{key}/{col} visar {value!r} för läsare")


def test_staff_see_exact_numbers(small_db):
    with Session(small_db) as s:
        report = tables.build(s, Period.year(2024), (2023, 2024), role="teamledare")
    overview = dict(zip(report.table("oversikt").df["Indikator"], report.table("oversikt").df["Värde"]))
    assert overview["Inkomna ärenden"] == 4
    assert overview["Andel avslutade: återgått till undervisning (%)"] == 66.67
    assert report.table("arendetid").df["Värde"].tolist() == [3, 5.57, 3.02]


def test_threshold_comes_from_configuration(small_db):
    cfg = get_config()
    rules = cfg.process.rules.model_copy(update={"small_number_threshold": 3})
    cfg3 = cfg.model_copy(update={"process": cfg.process.model_copy(update={"rules": rules})})
    with Session(small_db) as s:
        report = tables.build(s, Period.year(2024), (2024, 2024), role="lasare", config=cfg3)
    overview = dict(zip(report.table("oversikt").df["Indikator"], report.table("oversikt").df["Värde"]))
    assert overview["Inkomna ärenden"] == 4 and overview["Avslutade ärenden"] == 3
    assert overview["Väntar i kö vid periodens slut"] == "<3"
    # Closing time rests on 3 cases: allowed at threshold 3.
    assert report.table("arendetid").df["Värde"].tolist() == [3, 5.57, 3.02]


def test_reader_does_not_see_coordinator_names(small_db):
    from narvaro.core import users as auth

    with db.session_scope(small_db) as s:
        auth.create_user(s, username="anna", name="Anna Andersson", role="koordinator", password=None, by="t")
    with Session(small_db) as s:
        reader = tables.build(s, Period.year(2024), role="lasare")
        staff = tables.build(s, Period.year(2024), role="koordinator")
    assert reader.table("belastning").df["Koordinator"].tolist() == ["Koordinator 1"]
    assert staff.table("belastning").df["Koordinator"].tolist() == ["Anna Andersson"]


def test_line_hides_more_until_the_hidden_cells_cannot_be_subtracted_out():
    # 2 alone would follow from the total 19 - 10 - 7: the smallest visible cell goes too.
    assert suppression.counts_in_line([10, 2, 7], 5) == [10, "<5", "<5"]
    # Zeros are facts about small groups as well: with 20 visible the reader would know both are 0.
    assert suppression.counts_in_line([20, 0, 0], 5) == ["<5", "<5", "<5"]
    # Two hidden cells that together reach the threshold are enough.
    assert suppression.counts_in_line([30, 3, 4, 12], 5) == [30, "<5", "<5", 12]
    assert suppression.counts_in_line([30, 12], 5) == [30, 12]
    assert suppression.counts_in_line([], 5) == []


def test_statistics_table_rows_and_group_totals_do_not_give_a_hidden_cell_away():
    from narvaro.reporting.indicators import YearRow

    cfg = get_config()
    boy, girl = cfg.reference.sexes[:2]
    municipal, independent = cfg.reference.providers[:2]
    year = YearRow(2024, {("GRSK", municipal, boy): 10, ("GRSK", municipal, girl): 2,
                          ("GRSK", independent, boy): 7, ("GYM", municipal, boy): 20,
                          ("GYM", independent, girl): 3}, incoming_total=42, closed=6, mean_months=4.2)
    df = tables._statistics([year], cfg, hide=True, t=5).df.set_index("Skolform")
    cells = [c for c in df.columns if " – " in c]
    grsk, gym = df.loc["GRSK", cells], df.loc["GYM", cells]
    assert grsk[f"{municipal} – {boy}"] == 10 and [v for v in grsk if v != "<5"] == [10]
    assert df.loc["GRSK", "Totalt"] == 19
    # GYM: 20 and 3 with the total 23 shown: both must go.
    assert set(gym) == {"<5"} and df.loc["GYM", "Totalt"] == 23
    assert df.loc["Inkomna totalt", "Totalt"] == 42
    staff = tables._statistics([year], cfg, hide=False, t=5).df.set_index("Skolform")
    assert staff.loc["GRSK", f"{municipal} – {girl}"] == 2 and staff.loc["GYM", f"{independent} – {girl}"] == 3


def test_reader_closing_reasons_hide_share_with_count(small_db):
    with Session(small_db) as s:
        report = tables.build(s, Period.year(2024), (2024, 2024), role="lasare")
    for _, row in report.table("avslutsskal").df.iterrows():
        if suppression.is_suppressed(row["Antal"]):
            assert row["Andel (%)"] in ("–", None)
