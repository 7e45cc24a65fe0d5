"""In the browser (issue 19): a case's attendance over time is drawn with its table beside it, and a booked meeting
downloads as an .ics file that parses back in Swedish local time."""
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from narvaro.casework import bookings
from narvaro.core import db
from narvaro.core.models import ACTIVE, Case, Meeting
from tests.e2e.conftest import login, open_page
from tests.e2e.test_accessibility import CHARTS_WITHOUT_TABLE, _report, run_axe

pytestmark = pytest.mark.e2e


def _case_with_attendance(url: str) -> str:
    engine = db.make_engine(url)
    with Session(engine) as s:
        number = s.exec(select(Case.number).join(Meeting, Meeting.case_id == Case.id)
                        .where(Case.absence_percent_intake.is_not(None), Meeting.attendance_percent.is_not(None))
                        .order_by(col(Case.id))).first()
    engine.dispose()
    return number


def test_attendance_line_on_the_case_page(demo_server, new_page, axe_source):
    number = _case_with_attendance(demo_server.database_url)
    assert number, "the demo data has a case with attendance at intake and at a follow-up meeting"
    page = new_page(demo_server)
    login(page, demo_server, "e2e.teamledare")
    open_page(page, f"arende?arende={number}&flik=tidslinje")
    expect(page.get_by_role("heading", name="Närvaro över tid")).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_have_count(1)
    expect(chart.locator(".scatterlayer .trace")).to_have_count(1)  # the line is drawn, not only its frame
    expect(page.get_by_text("Streckad linje: en insats startar")).to_be_visible()
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    page.screenshot(path=str(demo_server.log_path.parent / "narvaro-over-tid.png"), full_page=True)
    # The chart has its table beside it, and the tab has no serious accessibility violation (axe-core).
    charts = page.evaluate(CHARTS_WITHOUT_TABLE)
    assert charts["charts"] == 1 and not charts["missing"]
    problems = run_axe(page, axe_source)
    assert not problems, _report({"Tidslinje": problems})


def test_booked_meeting_downloads_as_ics_in_stockholm_time(demo_server, new_page, axe_source):
    engine = db.make_engine(demo_server.database_url)
    with db.session_scope(engine) as s:
        case = s.exec(select(Case).where(Case.status == ACTIVE).order_by(col(Case.id))).first()
        day = dt.date.today() + dt.timedelta(days=20)
        bookings.book(s, case, on=day, at=dt.time(13, 30), place="Skolan, rum 12", minutes=45, by="e2e")
        number = case.number
    engine.dispose()
    page = new_page(demo_server)
    login(page, demo_server, "e2e.teamledare")
    open_page(page, f"arende?arende={number}&flik=moten")
    button = page.get_by_role("button", name="Ladda ner till kalendern (.ics)")
    expect(button).to_be_visible()
    with page.expect_download() as info:
        button.click()
    raw = open(info.value.path(), "rb").read()
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime.combine(day, dt.time(13, 30), tzinfo=ZoneInfo("Europe/Stockholm"))
    assert number in str(event["summary"]) and str(event["location"]) == "Skolan, rum 12"
    assert info.value.suggested_filename == f"mote-{number}-{day.isoformat()}.ics"
    problems = run_axe(page, axe_source)  # the booking form's time, length and place fields too
    assert not problems, _report({"Möten": problems})
