"""Hand-out: the suggestion rule, one recorded action, and two team leaders on the same case at once."""
import datetime as dt
import threading

import pytest
from sqlmodel import Session, select

from narvaro.casework import caseload, cases, handout
from narvaro.casework.caseload import Load
from narvaro.core import db, errors
from narvaro.core import users as auth
from narvaro.core.errors import NotAllowed
from narvaro.core.models import ACTIVE, ASSIGNED, QUEUED, Assignment, AuditEntry, Case, CaseEvent

TODAY = dt.date(2025, 9, 15)


def load(name, district, n):
    return Load(user_id=hash(name) % 1000, username=name.lower(), name=name, district=district, open_cases=n)


def test_suggestion_is_the_district_coordinator_under_the_guideline_else_the_least_loaded():
    loads = [load("Anna", "vo1", 14), load("Bo", "vo2", 3), load("Cilla", "vo3", 9), load("Dan", None, 3)]
    assert handout.suggest("vo1", loads, guideline=15).name == "Anna"
    assert handout.suggest("vo1", loads, guideline=14).name == "Bo"  # Anna is at the limit; Bo and Dan tie, by name
    assert handout.suggest("vo9", loads, guideline=15).name == "Bo"
    assert handout.suggest(None, loads, guideline=15).name == "Bo"
    assert handout.suggest("vo1", [], guideline=15) is None


def _setup(s):
    anna = auth.create_user(s, username="anna", name="Anna", role="koordinator", password=None, by="t", district="vo1")
    bo = auth.create_user(s, username="bo", name="Bo", role="koordinator", password=None, by="t", district="vo2")
    case = cases.create_case(s, dict(pupil_code="P-1", received_on=dt.date(2025, 9, 1), school_form="Grundskola",
                                     provider="Kommunal", district="vo1"), "reg")
    return anna, bo, case


def test_assign_is_one_recorded_action(engine, frozen_clock):
    with db.session_scope(engine) as s:
        anna, bo, case = _setup(s)
        done = handout.assign(s, case.id, case.version, user_ids=[bo.id, anna.id], by="tl", role="teamledare", today=TODAY)
    with db.session_scope(engine) as s:
        saved = s.get(Case, case.id)
        assert (saved.status, saved.assigned_on, saved.current_step, saved.step_started_on) == (
            ASSIGNED, TODAY, "start", TODAY)
        rows = s.exec(select(Assignment.user_id, Assignment.lead).where(Assignment.case_id == case.id)
                      .order_by(Assignment.id)).all()
        assert rows == [(bo.id, True), (anna.id, False)]  # a team case, Bo leads
        audit_rows = s.exec(select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.case_id == case.id,
                                                                               AuditEntry.action == "tilldela")).all()
        assert audit_rows == [("tilldela", f"fördelade {done.number} till Bo, Anna")]
        events = s.exec(select(CaseEvent.text).where(CaseEvent.case_id == case.id, CaseEvent.kind == "tilldelat")).all()
        assert events == ["Ärendet fördelades till Bo, Anna."]
        assert {ld.username: ld.open_cases for ld in caseload.handout_candidates(s)} == {"anna": 1, "bo": 1}


def test_only_team_leader_and_real_coordinators(engine, frozen_clock):
    with db.session_scope(engine) as s:
        anna, bo, case = _setup(s)
        reg = auth.create_user(s, username="reg", name="Reg", role="registrator", password=None, by="t")
        with pytest.raises(NotAllowed):
            handout.assign(s, case.id, case.version, user_ids=[anna.id], by="anna", role="koordinator", today=TODAY)
        with pytest.raises(errors.FieldError, match="minst en"):
            handout.assign(s, case.id, case.version, user_ids=[], by="tl", role="teamledare", today=TODAY)
        with pytest.raises(errors.FieldError, match="i listan"):
            handout.assign(s, case.id, case.version, user_ids=[reg.id], by="tl", role="teamledare", today=TODAY)
        assert s.get(Case, case.id).status == QUEUED


def test_two_threads_hand_out_the_same_case_at_the_same_moment(engine, frozen_clock):
    """As in the app: two reruns on two threads, each with its own session, meet at the same instant."""
    with db.session_scope(engine) as s:
        anna, bo, case = _setup(s)
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def hand_out(by: str, user_id: int) -> None:
        try:
            with db.session_scope(engine) as s:
                start.wait(timeout=30)
                handout.assign(s, case.id, case.version, user_ids=[user_id], by=by, role="teamledare", today=TODAY)
            outcome[by] = "fördelat"
        except errors.StaleCaseError as exc:
            outcome[by] = str(exc)
        except Exception as exc:  # anything else (a raw "database is locked") is the failure this test looks for
            outcome[by] = f"FEL: {exc!r}"

    threads = [threading.Thread(target=hand_out, args=("tl1", anna.id)),
               threading.Thread(target=hand_out, args=("tl2", bo.id))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcome) == ["tl1", "tl2"]
    winners = [by for by, what in outcome.items() if what == "fördelat"]
    assert len(winners) == 1, outcome
    loser = "tl2" if winners == ["tl1"] else "tl1"
    assert "redan fördelats" in outcome[loser], outcome
    with db.session_scope(engine) as s:
        assigned = s.exec(select(Assignment.user_id).where(Assignment.case_id == case.id)).all()
        assert assigned == [anna.id if winners == ["tl1"] else bo.id]
        assert s.exec(select(AuditEntry.username).where(AuditEntry.action == "tilldela")).all() == winners


def test_two_team_leaders_hand_out_the_same_case_at_once(engine, frozen_clock):
    with db.session_scope(engine) as s:
        anna, bo, case = _setup(s)
    with Session(engine) as first, Session(engine) as second:
        seen_first = first.get(Case, case.id).version
        seen_second = second.get(Case, case.id).version
        handout.assign(first, case.id, seen_first, user_ids=[anna.id], by="tl1", role="teamledare", today=TODAY)
        first.commit()
        with pytest.raises(errors.StaleCaseError, match="redan fördelats"):
            handout.assign(second, case.id, seen_second, user_ids=[bo.id], by="tl2", role="teamledare", today=TODAY)
        second.rollback()
    with db.session_scope(engine) as s:
        assert s.exec(select(Assignment.user_id).where(Assignment.case_id == case.id)).all() == [anna.id]
        assert s.exec(select(AuditEntry.username).where(AuditEntry.action == "tilldela")).all() == ["tl1"]
        # A case that is no longer queued cannot be handed out again, even with its current version.
        current = s.get(Case, case.id)
        current.status = ACTIVE
        s.add(current)
        s.flush()
        with pytest.raises(errors.StaleCaseError, match="inte längre i kön"):
            handout.assign(s, case.id, current.version, user_ids=[bo.id], by="tl2", role="teamledare", today=TODAY)
