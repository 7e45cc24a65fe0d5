"""Intake shows a pupil's earlier closed case and the case page marks the new case återaktualiserat (AppTest)."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.core import db
from narvaro.core.models import Case
from tests.casework.test_reactivated import close, register
from tests.conftest import add_user, page_as, text_of
from tests.ui.test_case_page import open_page
from tests.ui.test_pages_intake_board import GOOD, _fill, _submit

D = dt.date


def test_intake_and_case_page_show_the_earlier_closed_case(app_env, frozen_clock):
    engine = db.make_engine(app_env)
    first = register(engine, pupil_code="AB-12", received_on=D(2024, 1, 10))
    close(engine, first, D(2024, 5, 2), "Återgått till undervisning")
    with Session(engine) as s:
        old_number = s.get(Case, first).number
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/inkommande.py")
    _fill(at, **{**GOOD, "pupil_code": "ab-12"})
    _submit(at)
    assert not at.exception and not at.error
    shown = text_of(at)
    assert f"eleven har ett tidigare avslutat ärende, {old_number}, avslutat 2024-05-02 (Återgått till undervisning)" \
        in shown and "markerat som återaktualiserat" in shown
    with Session(engine) as s:
        new = s.exec(select(Case).where(Case.id != first)).one()
    page = open_page(app_env, "chef", new.number)
    assert not page.exception
    assert f"**Återaktualiserat ärende.** Eleven har ett tidigare avslutat ärende: {old_number}, avslutat 2024-05-02" \
        in text_of(page)
    engine.dispose()
