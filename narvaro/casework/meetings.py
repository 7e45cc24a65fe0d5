"""Meetings on a case: the follow-up meeting with the workflow's four questions, other meetings, booking.

The 2017 survey's complaint was that nothing happens between meetings, so a decision can become a task
(narvaro.casework.tasks) with an owner and a due date.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from narvaro.casework import bookings, cases, closing, consent, proofs, tasks, workflow
from narvaro.casework.inputs import FollowUpCreate, MeetingCreate
from narvaro.core import audit, clock
from narvaro.core.config import EHT_KIND, FOLLOW_UP_KIND, Config, FollowUpOutcome, get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import Case, Meeting, Task
from narvaro.core.text import percent_in_text
from narvaro.core.validate import percent, text

FOLLOW_UP, EHT = FOLLOW_UP_KIND, EHT_KIND  # checked against data/reference.yaml at start-up
TEXT_MAX = 4000
PARTICIPANTS_MAX = 1000

# What a held meeting says, in one order and with one label each: the timeline writes it on one line, the
# meetings tab one per line, and the export one column each.
FIELDS = (("participants", "Deltagare"), ("actor_types", "Andra aktörer"), ("attendance_percent", "Närvaro"),
          ("situation", "Nuläge"), ("further_interventions", "Fortsatta insatser"),
          ("division_of_responsibility", "Ansvarsfördelning"), ("decisions", "Beslut"), ("outcome", "Mötet beslutade"),
          ("rector_decided_close", "Rektor beslutade att avsluta"), ("next_meeting_on", "Nytt möte"))


def summary(m: Meeting) -> list[tuple[str, str]]:
    """The meeting's recorded answers as (label, text), empty ones left out."""
    out = []
    for attr, label in FIELDS:
        value = getattr(m, attr)
        if value is None or value == "" or value is False:
            continue
        if attr == "attendance_percent":
            value = percent_in_text(value)
        elif attr == "actor_types":
            value = ", ".join(actor_types_of(m))
        elif attr == "outcome":
            found = get_config().process.outcome(value)
            value = found.text if found else value  # an outcome since removed from data/ keeps its key
        elif isinstance(value, bool):
            value = "ja"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out.append((label, str(value)))
    return out


def summary_line(m: Meeting) -> str:
    """The meeting in one line: "Uppföljningsmöte, deltagare: …, närvaro: 75 %, …"."""
    return ", ".join([m.kind] + [f"{label.lower()}: {value}" for label, value in summary(m)]) + "."


def _held_on(held_on: dt.date | None) -> dt.date:
    if held_on is None:
        raise FieldError("held_on", "Ange mötesdatum.")
    if held_on > clock.today():
        raise FieldError("held_on", "Ett möte registreras när det har hållits: datumet kan inte ligga i framtiden.")
    return held_on


def _next_meeting(next_on: dt.date | None, held_on: dt.date) -> dt.date | None:
    if next_on is not None and next_on <= held_on:
        raise FieldError("next_meeting_on", "Nästa möte måste vara efter det här mötet.")
    return next_on


def meetings_for(session: Session, case_id: int) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.case_id == case_id)
                             .order_by(col(Meeting.held_on), col(Meeting.id))).all())


def last_follow_up(session: Session, case_id: int) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.case_id == case_id, Meeting.kind == FOLLOW_UP)
                        .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).first()


def attendance_period_start(session: Session, case: Case) -> dt.date:
    """Attendance at a follow-up meeting covers the time since the last one (or since the work began)."""
    return period_start(case, last_follow_up(session, case.id))


def period_start(case: Case, last: Meeting | None) -> dt.date:
    return last.held_on if last is not None else closing.limit_start(case)  # since the work began


def first_follow_up_window(case: Case, cfg: Config | None = None,
                           today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None] | None:
    """When the first follow-up meeting should be: Steg 2's window in data/process.yaml (003:504), the only rule."""
    return workflow.follow_up_window(case, today, cfg)


def actor_types_of(m: Meeting) -> list[str]:
    return [a for a in (m.actor_types or "").split(consent.SEPARATOR) if a]


def _actor_types(values: list[str] | None) -> str | None:
    known = get_config().reference.actor_types
    unknown = [a for a in values or [] if a not in known]
    if unknown:
        raise FieldError("actor_types", f"Okänd aktör: {unknown[0]}.")
    return consent.SEPARATOR.join(dict.fromkeys(values or [])) or None


def outcome_of(meeting: FollowUpCreate, cfg: Config) -> FollowUpOutcome:
    """What the meeting decided. Callers that only say "the rector closes" (rector_decided_close) get that outcome."""
    outcomes = cfg.process.follow_up_outcomes
    if meeting.outcome is None and meeting.rector_decided_close:
        found = next((o for o in outcomes if o.closes), None)
    else:
        found = cfg.process.outcome(meeting.outcome)
    if found is None:
        raise FieldError("outcome", "Välj vad mötet beslutade: " + "; ".join(o.text for o in outcomes) + ".")
    return found


def record_follow_up(session: Session, case_id: int, expected_version: int, meeting: FollowUpCreate, *,
                     by: str) -> Meeting:
    """A follow-up meeting answers the four questions and decides one outcome from data/process.yaml: a new meeting
    (next round of Steg 3), the pupil attends school (Steg 4, no new meeting), or the rector closes."""
    cfg = get_config()
    held_on = _held_on(meeting.held_on)
    participants = text(meeting.participants, "participants", PARTICIPANTS_MAX, "Skriv vilka som deltog.")
    situation = text(meeting.situation, "situation", TEXT_MAX, "Beskriv nuläget.")
    attendance = percent(meeting.attendance, "attendance", "Ange närvaron i procent för perioden sedan förra mötet.")
    further = text(meeting.further_interventions, "further_interventions", TEXT_MAX)
    next_meeting_on = _next_meeting(meeting.next_meeting_on, held_on)
    outcome = outcome_of(meeting, cfg)
    if outcome.next_meeting and next_meeting_on is None:
        raise FieldError("next_meeting_on", "Ange datum för nästa uppföljningsmöte.")
    if not outcome.next_meeting and next_meeting_on is not None:
        raise FieldError("next_meeting_on", f"Mötet beslutade: {outcome.text}. Boka inget nytt uppföljningsmöte "
                                            "(töm datumet).")

    case = cases.claim(session, case_id, expected_version, by)
    step = cfg.process.step(case.current_step) if case.current_step else None
    if step is None or not step.ends_with_meeting:
        names = ", ".join(s.name for s in cfg.process.steps if s.ends_with_meeting)
        raise FieldError("held_on", f"Uppföljningsmöten hålls i {names}. Gå vidare till rätt steg först.")
    if held_on < (case.step_started_on or case.received_on):
        raise FieldError("held_on", "Mötet kan inte vara före att det aktuella steget började.")
    if case.next_meeting_on is not None and held_on != case.next_meeting_on and not meeting.confirm_other_day:
        raise FieldError("confirm_other_day", f"Mötet var bokat till {case.next_meeting_on.isoformat()}, inte "
                                              f"{held_on.isoformat()}. Stämmer datumet? Bekräfta att mötet hölls "
                                              "en annan dag än det bokade.")
    reason = workflow.check_open_items(session, case, meeting.open_items_reason)
    period_from = attendance_period_start(session, case)

    row = Meeting(case_id=case_id, kind=FOLLOW_UP, held_on=held_on, participants=participants,
                  situation=situation, attendance_percent=attendance, further_interventions=further,
                  next_meeting_on=next_meeting_on, outcome=outcome.key, rector_decided_close=outcome.closes,
                  created_by=by, created_at=clock.now())
    session.add(row)
    case.cycle += 1
    case.next_meeting_on = next_meeting_on
    bookings.mark_held(session, case_id)
    if next_meeting_on is not None:
        bookings.book(session, case, on=next_meeting_on, by=by)
    workflow.enter_step(session, case, cfg.process.step(outcome.to), on=held_on, by=by, reason=reason)
    if outcome.closes:
        cases.add_event(session, case_id, "rektor", "Rektor beslutade att avsluta ärendet: insatserna har inte gett "
                        "önskad effekt.", by, held_on)
    audit.record(session, by, audit.CHANGE, case_id,
                 f"uppföljningsmöte {held_on}: närvaro {attendance} % sedan {period_from}")
    session.flush()
    return row


def record_meeting(session: Session, case_id: int, expected_version: int, meeting: MeetingCreate, *,
                   by: str) -> Meeting:
    """An EHT, network, SIP, SPIS or other meeting: participants and decisions, some of which become tasks.

    In the step counted from the first rector contact (Steg 1), the EHT meeting must carry the written
    division of responsibility, and its follow-up date books the first follow-up meeting.
    """
    cfg = get_config()
    kind = meeting.kind
    if kind not in cfg.reference.meeting_kinds or kind == FOLLOW_UP:
        raise FieldError("kind", "Välj typ av möte (uppföljningsmöten registreras i sitt eget formulär).")
    held_on = _held_on(meeting.held_on)
    participants = text(meeting.participants, "participants", PARTICIPANTS_MAX, "Skriv vilka som deltog.")
    decisions = text(meeting.decisions, "decisions", TEXT_MAX)
    division = text(meeting.division_of_responsibility, "division_of_responsibility", TEXT_MAX)
    next_meeting_on = _next_meeting(meeting.next_meeting_on, held_on)
    actor_types = _actor_types(meeting.actor_types)
    checked = [tasks.check(t) for t in meeting.tasks if (t.text or "").strip() or (t.owner or "").strip()]

    case = cases.claim(session, case_id, expected_version, by)
    if held_on < case.received_on:
        raise FieldError("held_on", "Mötet kan inte vara före att ärendet kom in.")
    step = cfg.process.step(case.current_step) if case.current_step else None
    if kind == EHT and step is not None and step.window.start == "first_rector_contact" and not division:
        raise FieldError("division_of_responsibility",
                         "Skriv ansvarsfördelningen: vem gör vad (operativt och/eller samordnande) och till när.")
    row = Meeting(case_id=case_id, kind=kind, held_on=held_on, participants=participants, decisions=decisions,
                  division_of_responsibility=division, next_meeting_on=next_meeting_on, actor_types=actor_types,
                  created_by=by, created_at=clock.now())
    session.add(row)
    session.flush()
    if next_meeting_on is not None:
        case.next_meeting_on = next_meeting_on
        session.add(case)
        bookings.move_day(session, case, on=next_meeting_on, by=by)
    for task_text, owner, due_on in checked:
        session.add(Task(case_id=case_id, meeting_id=row.id, text=task_text, owner=owner, due_on=due_on,
                         created_by=by, created_at=clock.now()))
    audit.record(session, by, audit.CHANGE, case_id, f"{kind} {held_on}")
    if kind == EHT and division:
        proofs.prove(session, case, "eht_meeting", "EHT-möte med ansvarsfördelning", held_on, by)
    if next_meeting_on is not None:
        proofs.prove(session, case, "follow_up_booked", f"{kind} som bokade uppföljningsmötet", held_on, by)
    return row


def book_follow_up(session: Session, case_id: int, expected_version: int, *, on: dt.date | None, by: str,
                   at: dt.time | None = None, place: str | None = None, minutes: int = 60) -> Case:
    """Book (or move) the next follow-up meeting without recording another meeting; with a time and place it can be
    downloaded as an .ics file, and a move keeps that file's UID (narvaro.casework.bookings)."""
    if on is None:
        raise FieldError("book_on", "Ange datum för uppföljningsmötet.")
    if on < clock.today():
        raise FieldError("book_on", "Ett nytt möte kan inte bokas bakåt i tiden.")
    case = cases.claim(session, case_id, expected_version, by)
    case.next_meeting_on = on
    session.add(case)
    row = bookings.book(session, case, on=on, at=at, place=place, minutes=minutes, by=by)
    when = on.isoformat() + (f" kl. {at.strftime('%H:%M')}" if at else "")
    cases.add_event(session, case_id, "möte", f"Uppföljningsmöte bokat till {when}"
                    + (f", {row.place}" if row.place else "") + ".", by)
    audit.record(session, by, audit.CHANGE, case_id, f"uppföljningsmöte bokat {on}")
    proofs.prove(session, case, "follow_up_booked", "bokat uppföljningsmöte", clock.today(), by)
    return case
