"""Retention: closed cases are anonymised N years after closing; the indicators stay the same (SQLite and PostgreSQL)."""
import datetime as dt
import json

from sqlmodel import Session, select

from narvaro import cli
from narvaro.core import db
from narvaro.core.models import (
    AuditEntry,
    Case,
    CaseActor,
    CaseEvent,
    CaseIntervention,
    EffectRating,
    Meeting,
    ServiceNote,
    SurveyResponse,
    Task,
)
from narvaro.core.models_booking import MeetingBooking
from narvaro.dataio import retention
from narvaro.reporting import indicators
from narvaro.reporting.indicators import Period
from tests.reporting.test_indicators import build_fixture

# rules.retention_years_after_close is 5: on 2030-01-02 cases closed on or before 2025-01-02 are due.
PURGE_DAY = dt.datetime(2030, 1, 2, 10, 0)
DUE = ["T-H", "T-A", "T-E", "T-B"]  # closed 2023-12-31, 2024-01-01, 2024-06-01, 2024-12-31; C closed 2025-02-01


def _fill(engine):
    with db.session_scope(engine) as s:
        ids = build_fixture(s)
        a = s.get(Case, ids["A"])
        a.personal_number, a.birth_year, a.school_year = "201001011234", 2010, "8"
        a.requesting_rector, a.rector_contact, a.absence_period = "Rektor Rut", "070-1234567", "ht 2023"
        s.add(a)
        s.add(ServiceNote(case_id=a.id, written_on=dt.date(2023, 12, 1), author="k", text="Eleven mår dåligt."))
        meeting = Meeting(case_id=a.id, kind="Uppföljningsmöte", held_on=dt.date(2023, 12, 10), participants="Mamma",
                          situation="Svårt hemma", attendance_percent=70, decisions="BUP-kontakt", created_by="k")
        s.add(meeting)
        s.flush()
        s.add(Task(case_id=a.id, meeting_id=meeting.id, text="Ring mamma", owner="Kim", created_by="k"))
        s.add(MeetingBooking(case_id=a.id, kind="Uppföljningsmöte", on_date=dt.date(2023, 12, 20), place="Hemma",
                             uid="purge-test@narvaro", state="avbokat", created_by="k"))
        s.add(CaseActor(case_id=a.id, actor_type="BUP", organisation="BUP Norr", contact_person="Dr X", created_by="k"))
        ci = CaseIntervention(case_id=a.id, name="Hembesök", kind="operativa", performed_by="Kim",
                              plan="Varje måndag", created_by="k")
        s.add(ci)
        s.flush()
        s.add(EffectRating(case_intervention_id=ci.id, rating="Viss effekt", comment="Gick bättre", rated_by="k"))
        s.add(SurveyResponse(case_id=a.id, survey_key="vardnadshavare", respondent_role="Vårdnadshavare 1",
                             answered_on=dt.date(2024, 1, 1), entered_by="k",
                             answers_json=json.dumps({"bemotande": "Bra", "kommentar": "Tack, Kim!"})))
        c = s.get(Case, ids["C"])
        c.requesting_rector = "Rektor Kvar"
        s.add(c)
    return ids


def _figures(engine):
    with Session(engine) as s:
        return {year: indicators.as_json(indicators.compute(s, Period.year(year))) for year in (2023, 2024, 2025)}


def test_purge_anonymises_due_cases_and_keeps_the_indicators(engine, frozen_clock):
    ids = _fill(engine)
    before = _figures(engine)
    frozen_clock(PURGE_DAY)
    with db.session_scope(engine) as s:
        done = retention.purge(s, "admin")
    assert [d.number for d in done] == DUE
    assert _figures(engine) == before

    with Session(engine) as s:
        a = s.get(Case, ids["A"])
        assert a.pupil_code == f"GALLRAD-{a.id}" and a.anonymised_on == dt.date(2030, 1, 2)
        assert (a.personal_number, a.birth_year, a.school_year, a.requesting_rector, a.rector_contact,
                a.absence_period) == (None,) * 6
        # The statistical fields stay.
        assert (a.received_on, a.closed_on, a.closure_reason, a.attendance_at_closing, a.effect_operative) == (
            dt.date(2023, 11, 10), dt.date(2024, 1, 1), "Återgått till undervisning", 90, "Tydlig effekt")
        assert s.exec(select(ServiceNote.text).where(ServiceNote.case_id == a.id)).one() == retention.REMOVED
        m = s.exec(select(Meeting).where(Meeting.case_id == a.id)).one()
        assert (m.participants, m.situation, m.decisions, m.attendance_percent) == (None, None, None, 70)
        assert s.exec(select(Task.text).where(Task.case_id == a.id)).one() == retention.REMOVED
        assert s.exec(select(MeetingBooking.place).where(MeetingBooking.case_id == a.id)).one() is None
        actor = s.exec(select(CaseActor).where(CaseActor.case_id == a.id)).one()
        assert (actor.actor_type, actor.organisation, actor.contact_person) == ("BUP", None, None)
        ci = s.exec(select(CaseIntervention).where(CaseIntervention.case_id == a.id)).one()
        assert (ci.kind, ci.performed_by, ci.plan) == ("operativa", None, None)
        assert s.exec(select(EffectRating)).one().comment is None
        answers = json.loads(s.exec(select(SurveyResponse.answers_json)).one())
        assert answers == {"bemotande": "Bra"}  # the free-text answer is gone, the scale answer kept
        assert set(s.exec(select(CaseEvent.text).where(CaseEvent.case_id == a.id)).all()) == {retention.REMOVED}
        c = s.get(Case, ids["C"])  # closed too recently
        assert c.anonymised_on is None and c.requesting_rector == "Rektor Kvar" and c.pupil_code == "T-T-C"
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "gallring")).all()
        assert sorted(e.case_id for e in entries) == sorted(ids[k[-1]] for k in DUE)
        assert all(e.username == "admin" for e in entries)

    with db.session_scope(engine) as s:
        assert retention.purge(s, "admin") == []  # already anonymised: nothing is due twice


def test_cli_dry_run_lists_and_changes_nothing(db_url, frozen_clock, capsys):
    engine = db.make_engine(db_url)
    _fill(engine)
    frozen_clock(PURGE_DAY)
    assert cli.main(["--database-url", db_url, "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "4 avslutade ärenden skulle gallras" in out and all(n in out for n in DUE) and "T-C" not in out
    with Session(engine) as s:
        assert s.exec(select(Case).where(Case.anonymised_on.is_not(None))).all() == []
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "gallring")).all() == []
    assert cli.main(["--database-url", db_url, "purge"]) == 0
    assert "4 ärenden gallrades" in capsys.readouterr().out
    with Session(engine) as s:
        assert len(s.exec(select(Case).where(Case.anonymised_on.is_not(None))).all()) == 4
    engine.dispose()


def test_cutoff_on_leap_day():
    assert retention.cutoff(dt.date(2028, 2, 29), 5) == dt.date(2023, 2, 28)
    assert retention.cutoff(dt.date(2030, 1, 2), 5) == dt.date(2025, 1, 2)
