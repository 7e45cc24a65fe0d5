"""The board, the start page and the case page say that holidays do not count, and warn when a school year is
missing in data/calendar.yaml (AppTest on SQLite; the rules themselves are tested in tests/casework)."""
import datetime as dt

from tests.casework.test_board import build
from tests.conftest import add_user, logged_in_app, page_as, text_of
from tests.ui.test_case_page import new_case, open_page

from narvaro.core import db

NOTE = "Tidsgränserna för Steg 1, Steg 2, sexmånadersgränsen räknas i skoltid: lov räknas inte."


def test_board_and_start_page_say_holidays_do_not_count(app_env, frozen_clock):
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        build(s)
    engine.dispose()
    add_user(app_env, "tl", "teamledare")
    for at in (page_as(app_env, "tl", "pages/arendetavla.py"), logged_in_app("tl")):
        assert not at.exception
        assert NOTE in text_of(at)
        assert "saknas i data/calendar.yaml" not in text_of(at)


def test_a_missing_school_year_is_a_warning_on_the_start_page(app_env, frozen_clock):
    frozen_clock(dt.date(2031, 9, 1))
    add_user(app_env, "tl", "teamledare")
    at = logged_in_app("tl")
    assert any("Läsåret 2031/32 saknas i data/calendar.yaml" in w.value for w in at.warning)


def test_case_page_says_the_six_month_limit_skips_holidays(app_env, frozen_clock):
    add_user(app_env, "anna", "koordinator")
    _, _, number = new_case(app_env)
    shown = text_of(open_page(app_env, "anna", number))
    assert "**Sexmånadersgräns:** " in shown and "(lov räknas inte)" in shown
