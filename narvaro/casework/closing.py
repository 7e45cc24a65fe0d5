"""Closing a case (with the facts the yearly indicators need), extending the six-month limit, reopening.

Seed 003: nothing recorded why cases closed, so nobody could say how many pupils returned to school.
Closing therefore asks for the reason, attendance at closing, the effect of operative and coordinating
interventions separately, and whether the closing talk took place.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from narvaro.casework import bookings, cases
from narvaro.casework.inputs import CaseClose
from narvaro.core import audit, clock, school_year
from narvaro.core.config import FOLLOW_UP_KIND, get_config
from narvaro.core.errors import CalendarGap, FieldError, NotAllowed
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, Case, Meeting, StepChange
from narvaro.core.permissions import REOPEN_ROLES
from narvaro.core.validate import REASON_MAX, percent

DECISION_MAX = 1000

def rector_closed_reason() -> str | None:
    """The closing reason a follow-up meeting leads to when the rector ends the case for lack of effect
    (the one marked rector_closed in data/reference.yaml), if there is one."""
    return get_config().reference.rector_closed_reason


def limit_start(case: Case) -> dt.date:
    return case.first_rector_contact_on or case.assigned_on or case.received_on


def case_limit(case: Case) -> dt.date | None:
    """The day the case should be done by: six months (rules.case_max_months) from the start, or the extension.
    Counted in school time (rules.case_max_count), holidays do not run; None when the calendar lacks the school
    year (limit_warning says which), never a wrong date."""
    cfg = get_config()
    rules = cfg.process.rules
    if rules.case_max_count == "school_time":
        try:
            base = cfg.calendar.add_school_days(limit_start(case), school_year.months_as_days(rules.case_max_months))
        except CalendarGap:
            return case.extended_until
    else:
        base = clock.add_months(limit_start(case), rules.case_max_months)
    return max(base, case.extended_until) if case.extended_until else base


def limit_note(case: Case) -> str:
    """What the case page says beside the six-month limit: "lov räknas inte", or why there is no date."""
    cfg = get_config()
    if cfg.process.rules.case_max_count != "school_time":
        return ""
    try:
        cfg.calendar.add_school_days(limit_start(case), school_year.months_as_days(cfg.process.rules.case_max_months))
    except CalendarGap as gap:
        return str(gap)
    return school_year.NO_HOLIDAY_NOTE


def is_past_limit(case: Case, today: dt.date | None = None) -> bool:
    limit = case_limit(case)
    return limit is not None and limit < (today or clock.today())


def days_open(case: Case, today: dt.date | None = None) -> int:
    end = case.closed_on or today or clock.today()
    return (end - case.received_on).days


def apply_close(case: Case, close: CaseClose) -> Case:
    """What a closed case is: the one place that sets it, for the close service, the rector's no at Start, the
    import of closed history and the demo data. No session: the caller saves, and writes its own event."""
    case.status = CLOSED
    case.closed_on = close.closed_on
    case.closure_reason = close.reason
    case.attendance_at_closing = close.attendance
    case.effect_operative = close.effect_operative
    case.effect_coordinating = close.effect_coordinating
    case.closing_talk_held = close.closing_talk_held
    case.current_step = None
    case.next_meeting_on = None
    return case


def record_close(session: Session, case: Case, close: CaseClose, *, by: str) -> Case:
    bookings.cancel_all(session, case.id)  # a downloaded .ics of a booked meeting then says it is cancelled
    """Close a case the caller has claimed: the closing fields, the timeline event and the audit entry."""
    apply_close(case, close)
    session.add(case)
    cases.add_event(session, case.id, "avslut", f"Ärendet avslutades: {close.reason}.", by, close.closed_on)
    audit.record(session, by, audit.CLOSE, case.id, close.reason)
    return case


def return_conditions_unmet(session: Session, case: Case, closing_talk_held: bool | None) -> list[str]:
    """What of Steg 4's conditions is not met, in words: "efter uppföljningsmöte och eleven har närvaro i skolan"
    (003:563, the follow-up outcome marked returns_to_school) and the closing talk with rector/EHT (003:567)."""
    cfg = get_config()
    unmet = []
    attends = next((o for o in cfg.process.follow_up_outcomes if o.returns_to_school), None)
    if attends is not None:
        last = session.exec(select(Meeting.outcome).where(Meeting.case_id == case.id, Meeting.kind == FOLLOW_UP_KIND)
                            .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).first()
        if last != attends.key:
            unmet.append(f"inget uppföljningsmöte har beslutat ”{attends.text}”")
    if closing_talk_held is not True:
        unmet.append("avslutningssamtalet med rektor/EHT har inte hållits")
    return unmet


def _confirmed_return(session: Session, case: Case, close: CaseClose, on: dt.date, by: str) -> str | None:
    """The key indicator must not be one click away (issue 17): "Återgått till undervisning" without Steg 4's
    conditions needs an explicit confirmation, which is kept on the case."""
    if close.reason != get_config().reference.returned_reason:
        return None
    unmet = return_conditions_unmet(session, case, close.closing_talk_held)
    if not unmet:
        return None
    if not close.confirm_return:
        raise FieldError("confirm_return", "Villkoren för Steg 4 är inte uppfyllda: " + "; ".join(unmet)
                         + ". Bekräfta att eleven ändå har återgått till undervisning, eller välj ett annat skäl.")
    return f"{'; '.join(unmet)} (bekräftat av {by} {on.isoformat()})"[:500]


def close_case(session: Session, case_id: int, expected_version: int, close: CaseClose, *, by: str) -> Case:
    ref = get_config().reference
    if close.reason not in ref.closure_labels:
        raise FieldError("reason", "Välj skäl till avslut.")
    declined = close.reason == ref.rector_declined_reason
    closed_on = close.closed_on or clock.today()
    if closed_on > clock.today():
        raise FieldError("closed_on", "Avslutsdatum kan inte ligga i framtiden.")
    attendance = percent(close.attendance, "attendance", None if declined else "Ange närvaron i procent (0–100).")
    for value, field in ((close.effect_operative, "effect_operative"),
                         (close.effect_coordinating, "effect_coordinating")):
        if value is not None and value not in ref.effect_ratings:
            raise FieldError(field, f"Välj effekt ur listan ({', '.join(ref.effect_ratings)}).")
    if not declined and close.effect_operative is None and close.effect_coordinating is None:
        raise FieldError("effect_operative", "Ange effekten av de operativa och/eller de samordnande insatserna.")
    if not declined and close.closing_talk_held is None:
        raise FieldError("closing_talk_held", "Ange om avslutningssamtalet med rektor/EHT har hållits.")
    case = cases.claim(session, case_id, expected_version, by)
    if closed_on < case.received_on:
        raise FieldError("closed_on", f"Avslutsdatum kan inte vara före att ärendet kom in ({case.received_on}).")
    if case.status not in (ACTIVE, ASSIGNED):
        raise FieldError("reason", "Bara ett fördelat ärende kan avslutas.")
    confirmed = _confirmed_return(session, case, close, clock.today(), by)
    checked = close.model_copy(update={"closed_on": closed_on, "attendance": attendance})
    record_close(session, case, checked, by=by)
    if confirmed:
        case.return_confirmed_unmet = confirmed
        cases.add_event(session, case.id, "avslut", f"Återgång bekräftad trots att villkoren för Steg 4 inte var "
                        f"uppfyllda: {confirmed}.", by, closed_on)
        audit.record(session, by, audit.CHANGE, case.id, f"återgång bekräftad: {confirmed}")
    return case


def extend(session: Session, case_id: int, expected_version: int, *, until: dt.date | None, decision: str | None,
           by: str) -> Case:
    """Push the six-month limit out by a recorded decision (instead of closing)."""
    decision = (decision or "").strip()
    if not decision:
        raise FieldError("decision", "Skriv beslutet: vem som beslutade och varför ärendet förlängs.")
    if len(decision) > DECISION_MAX:
        raise FieldError("decision", f"Beslutet får vara högst {DECISION_MAX} tecken.")
    if until is None:
        raise FieldError("until", "Ange till vilket datum ärendet förlängs.")
    case = cases.claim(session, case_id, expected_version, by)
    current = case_limit(case)
    if current is not None and until <= current:
        raise FieldError("until", f"Det nya datumet måste vara efter nuvarande gräns {current.isoformat()}.")
    case.extended_until = until
    session.add(case)
    cases.add_event(session, case_id, "förlängning", f"Förlängt till {until.isoformat()}. Beslut: {decision}", by)
    audit.record(session, by, audit.CHANGE, case_id, f"förlängt till {until.isoformat()}")
    return case


def reopen(session: Session, case_id: int, expected_version: int, *, reason: str | None, by: str, role: str) -> Case:
    """The team leader opens a closed case again; it goes back to the step it was in."""
    if role not in REOPEN_ROLES:
        raise NotAllowed("Bara teamledaren kan återöppna ett avslutat ärende.")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reopen_reason", "Skriv varför ärendet återöppnas.")
    if len(reason) > REASON_MAX:
        raise FieldError("reopen_reason", f"Skälet får vara högst {REASON_MAX} tecken.")
    case = cases.claim(session, case_id, expected_version, by, allow_closed=True)
    if case.status != CLOSED:
        raise FieldError("reopen_reason", "Ärendet är inte avslutat.")
    last = session.exec(select(StepChange).where(StepChange.case_id == case_id)
                        .order_by(col(StepChange.on_date).desc(), col(StepChange.id).desc())).first()
    steps = get_config().process.steps
    if last is None:
        # Closed at Start (the rector said no): the rector is asked again.
        case.current_step = steps[0].key
        case.rector_answer = None
    else:
        case.current_step = last.to_step
    was = case.closure_reason
    case.status = ACTIVE
    case.step_started_on = clock.today()
    for name in ("closed_on", "closure_reason", "attendance_at_closing", "effect_operative",
                 "effect_coordinating", "closing_talk_held", "return_confirmed_unmet"):
        setattr(case, name, None)
    session.add(case)
    cases.add_event(session, case_id, "återöppnat", f"Ärendet återöppnades (var avslutat: {was}). Skäl: {reason}", by)
    audit.record(session, by, audit.REOPEN, case_id, reason)
    return case
