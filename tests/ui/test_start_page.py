"""Min dag, the start page, for each role through AppTest (frozen clock, dated fixtures from the board tests);
and the least-data rule on the board page."""
import datetime as dt
import json

from narvaro.casework import board
from narvaro.core import audit, db
from narvaro.core.models import Case, Consent, Task
from tests.casework.test_board import build
from tests.conftest import add_user, logged_in_app, page_as, text_of
from tests.ui.test_pages_intake_board import board_cards, board_data

D = dt.date


def _fixture(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        c = build(s)
        # Anna's S1-LATE gets an overdue task and a consent that runs out soon; A-LATE a task later this week.
        s.add(Task(case_id=c["s1_late"].id, text="Ring skolan om schemat", owner="Anna", due_on=D(2025, 9, 12),
                   created_by="t"))
        s.add(Task(case_id=c["a_late"].id, text="Boka EHT-möte", owner="Anna", due_on=D(2025, 9, 18), created_by="t"))
        s.add(Task(case_id=c["s1_ok"].id, text="Bos uppgift", owner="Bo", due_on=D(2025, 9, 16), created_by="t"))
        s.add(Consent(case_id=c["a_late"].id, given_by="Vårdnadshavare", actors="BUP", given_on=D(2025, 8, 25),
                      valid_until=D(2025, 10, 1), created_by="t"))
        c["a_late"].next_meeting_on = D(2025, 9, 17)
        s.add(c["a_late"])
        for key in ("q_new", "q_limit"):
            c[key].created_by = "reg"
            s.add(c[key])
    engine.dispose()
    return c


def test_coordinator_sees_own_cases_most_urgent_first_with_the_next_thing_and_the_week(app_env, frozen_clock):
    _fixture(app_env)
    at = logged_in_app("anna")
    assert not at.exception
    assert at.title[0].value == "Min dag"
    shown = text_of(at)
    # Own open cases only (not Bo's S1-OK, not the queue, not the closed C-0, not F-LATE whose assignment ended).
    links = [pl.label for pl in at.main.get("page_link")]
    assert links == ["NK-2025-0007", "NK-2025-0005"]  # S1-LATE (overdue task 09-12), then A-LATE
    assert "**S1\\-LATE** · Steg 1 · Försenat: Försenad uppgift 2025-09-12 (3 dagar sedan)" in [
        m.value for m in at.markdown]
    assert "Nästa: Uppföljningsmöte 2025-09-17 (om 2 dagar)" in shown
    assert "Samtycket går ut 2025-10-01" in shown
    assert "S1-OK" not in shown and "Q-OLD" not in shown and "Bos uppgift" not in shown
    assert "Onsdag 2025-09-17 · NK-2025-0005 · A-LATE" in shown  # this week's meeting
    assert "2025-09-12 (försenad) · NK-2025-0007 · Ring skolan om schemat" in shown
    assert "2025-09-18 · NK-2025-0005 · Boka EHT-möte" in shown
    assert [m.value for m in at.metric][:4] == ["2", "1", "1", "2"]


def test_team_leader_sees_queue_incomplete_warnings_and_caseload(app_env, frozen_clock):
    _fixture(app_env)
    add_user(app_env, "tl", "teamledare")
    at = logged_in_app("tl")
    assert not at.exception
    with db.session_scope(db.make_engine(app_env)) as s:
        warnings = sum(board.warning_counts(s, D(2025, 9, 15)).values())
    assert warnings > 0 and [m.value for m in at.metric] == ["4", "45 dagar", "1", str(warnings)]
    shown = text_of(at)
    assert "Har väntat i kö mer än 30 dagar: **2**" in shown
    assert "saknas: frånvaroutredning saknas" in shown
    loads = at.dataframe[0].value
    assert dict(zip(loads["Koordinator"], loads["Pågående ärenden"])) == {"Anna": 2, "Bo": 2, "Tl": 0}


def test_registrator_sees_own_registrations_with_status_and_no_case_content(app_env, frozen_clock):
    c = _fixture(app_env)
    add_user(app_env, "reg", "registrator")
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:  # one of hers was handed out since
        case = s.get(Case, c["q_new"].id)
        case.status, case.assigned_on = "tilldelad", D(2025, 9, 12)
        s.add(case)
    at = logged_in_app("reg")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Ärende", "Inkom", "Registrerat", "Status"]
    assert dict(zip(table["Ärende"], table["Status"])) == {"NK-2025-0004": "komplettering behövs",
                                                          "NK-2025-0002": "tilldelad"}
    assert list(table["Ärende"]) == ["NK-2025-0004", "NK-2025-0002"]  # newest registration first
    shown = text_of(at)
    assert "saknas: frånvaroutredning saknas" in shown
    assert "Q-LIMIT" not in shown and "Q-NEW" not in shown  # no pupil code, no case content
    assert all(not pl.label.startswith("NK-") for pl in at.get("page_link"))  # nothing to open


def test_reader_sees_the_years_key_figures_suppressed(app_env, frozen_clock):
    _fixture(app_env)
    add_user(app_env, "las", "lasare")
    at = logged_in_app("las")
    assert not at.exception
    values = [m.value for m in at.metric]
    assert values == ["24", "12", "12", "<5"]  # incoming, closed, open at the end; the 4 in the queue suppressed
    assert "NK-" not in text_of(at)


def test_admin_sees_users_failed_logins_and_the_latest_backup(app_env, frozen_clock):
    _fixture(app_env)
    add_user(app_env, "chef", "admin")
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        audit.record(s, "okand", audit.LOGIN_FAILED)
        audit.record(s, "chef", audit.BACKUP, detail="narvaro-20250915.sqlite3")
    at = logged_in_app("chef")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Aktiva användare"] == "3" and metrics["Misslyckade inloggningar (7 dagar)"] == "1"
    assert metrics["Senaste säkerhetskopia"] != "okänd"
    assert "okand" in list(at.dataframe[1].value["Användarnamn"])


def test_board_shows_a_coordinator_only_cases_they_may_open(app_env, frozen_clock):
    """Least data (issue 16:4): before, Anna's board listed Bo's S1-OK and the six-month cases with their codes."""
    _fixture(app_env)
    at = page_as(app_env, "anna", "pages/arendetavla.py")
    assert not at.exception
    codes = {c["code"] for c in board_cards(at)}
    assert not codes & {"S1-OK", "S2-NO", "OLD", "OLD-EXT", "SIX"}
    assert {"S1-LATE", "Q-OLD", "F-LATE"} <= codes
    notes = {col["key"]: col["notes"] for col in board_data(at)["columns"]}
    assert notes["steg1"] == ["1 andra ärenden (inte dina)."] and notes["uppfoljning"] == ["3 andra ärenden (inte dina)."]
    assert "S1-OK" not in json.dumps(board_data(at))  # not even hidden in the data sent to the browser
