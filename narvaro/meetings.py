"""Meetings on a case: follow-up meetings with the workflow's four questions, other meetings, tasks, agendas.

The 2017 survey's complaint was that nothing happens between meetings, so a decision can become a task
with an owner and a due date, and the case shows what was decided and is not yet done.
"""
from __future__ import annotations

import datetime as dt
import html

from sqlmodel import Session, col, select

from . import audit, cases, clock, closing, workflow
from .board import coordinator_names
from .config import EHT_KIND, FOLLOW_UP_KIND, Config, get_config
from .models import Case, CaseIntervention, Meeting, School, Task
from .text import percent_in_text
from .workflow import InputError

FOLLOW_UP, EHT = FOLLOW_UP_KIND, EHT_KIND  # checked against data/reference.yaml at start-up
TEXT_MAX = 4000
PARTICIPANTS_MAX = 1000
TASK_MAX = 1000
OWNER_MAX = 120


def _text(value: str | None, field: str, limit: int, required: str | None = None) -> str | None:
    value = (value or "").strip() or None
    if value is None and required:
        raise InputError(field, required)
    if value is not None and len(value) > limit:
        raise InputError(field, f"Texten får vara högst {limit} tecken.")
    return value


def _held_on(held_on: dt.date | None) -> dt.date:
    if held_on is None:
        raise InputError("held_on", "Ange mötesdatum.")
    if held_on > clock.today():
        raise InputError("held_on", "Ett möte registreras när det har hållits: datumet kan inte ligga i framtiden.")
    return held_on


def _next_meeting(next_on: dt.date | None, held_on: dt.date) -> dt.date | None:
    if next_on is not None and next_on <= held_on:
        raise InputError("next_meeting_on", "Nästa möte måste vara efter det här mötet.")
    return next_on


def meetings_for(session: Session, case_id: int) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.case_id == case_id)
                             .order_by(col(Meeting.held_on), col(Meeting.id))).all())


def last_follow_up(session: Session, case_id: int) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.case_id == case_id, Meeting.kind == FOLLOW_UP)
                        .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).first()


def attendance_period_start(session: Session, case: Case) -> dt.date:
    """Attendance at a follow-up meeting covers the time since the last one (or since the work began)."""
    return _period_start(case, last_follow_up(session, case.id))


def _period_start(case: Case, last: Meeting | None) -> dt.date:
    return last.held_on if last is not None else closing.limit_start(case)  # since the work began


def first_follow_up_window(case: Case, cfg: Config | None = None) -> tuple[dt.date, dt.date] | None:
    """When the first follow-up meeting should be (rules: about 3–5 weeks from the first rector contact)."""
    rules = (cfg or get_config()).process.rules
    start = case.first_rector_contact_on
    if start is None:
        return None
    return (start + dt.timedelta(days=rules.first_follow_up_min_days),
            start + dt.timedelta(days=rules.first_follow_up_max_days))


def _repeating_step_after(cfg: Config, step_key: str):
    steps = cfg.process.steps
    i = cfg.process.step_index(step_key)
    return next((s for s in steps[i:] if s.repeats), None)


def record_follow_up(session: Session, case_id: int, expected_version: int, *, held_on: dt.date | None,
                     participants: str | None, situation: str | None, attendance: float | None,
                     further_interventions: str | None, next_meeting_on: dt.date | None,
                     rector_decided_close: bool = False, open_items_reason: str | None = None,
                     by: str) -> Meeting:
    """A follow-up meeting answers the four questions and starts the next round of Steg 3."""
    cfg = get_config()
    held_on = _held_on(held_on)
    participants = _text(participants, "participants", PARTICIPANTS_MAX, "Skriv vilka som deltog.")
    situation = _text(situation, "situation", TEXT_MAX, "Beskriv nuläget.")
    if attendance is None:
        raise InputError("attendance", "Ange närvaron i procent för perioden sedan förra mötet.")
    if not 0 <= attendance <= 100:
        raise InputError("attendance", "Närvaron ska vara mellan 0 och 100 procent.")
    further = _text(further_interventions, "further_interventions", TEXT_MAX)
    next_meeting_on = _next_meeting(next_meeting_on, held_on)
    if rector_decided_close and next_meeting_on is not None:
        raise InputError("next_meeting_on", "Rektor har beslutat att avsluta: boka inget nytt uppföljningsmöte.")
    if not rector_decided_close and next_meeting_on is None:
        raise InputError("next_meeting_on", "Ange datum för nästa uppföljningsmöte.")

    case = cases.claim(session, case_id, expected_version, by)
    step = cfg.process.step(case.current_step) if case.current_step else None
    if step is None or not step.ends_with_meeting:
        names = ", ".join(s.name for s in cfg.process.steps if s.ends_with_meeting)
        raise InputError("held_on", f"Uppföljningsmöten hålls i {names}. Gå vidare till rätt steg först.")
    if held_on < (case.step_started_on or case.received_on):
        raise InputError("held_on", "Mötet kan inte vara före att det aktuella steget började.")
    reason = workflow.check_open_items(session, case, open_items_reason)
    period_from = attendance_period_start(session, case)

    meeting = Meeting(case_id=case_id, kind=FOLLOW_UP, held_on=held_on, participants=participants,
                      situation=situation, attendance_percent=float(attendance), further_interventions=further,
                      next_meeting_on=next_meeting_on, rector_decided_close=rector_decided_close,
                      created_by=by, created_at=clock.now())
    session.add(meeting)
    case.cycle += 1
    case.next_meeting_on = next_meeting_on
    target = _repeating_step_after(cfg, case.current_step) or step
    workflow.enter_step(session, case, target, on=held_on, by=by, reason=reason)
    if rector_decided_close:
        cases.add_event(session, case_id, "rektor", "Rektor beslutade att avsluta ärendet: insatserna har inte gett "
                        "önskad effekt.", by, held_on)
    audit.record(session, by, audit.CHANGE, case_id,
                 f"uppföljningsmöte {held_on}: närvaro {attendance} % sedan {period_from}")
    session.flush()
    return meeting


def record_meeting(session: Session, case_id: int, expected_version: int, *, kind: str | None,
                   held_on: dt.date | None, participants: str | None, decisions: str | None,
                   division_of_responsibility: str | None = None, next_meeting_on: dt.date | None = None,
                   tasks: list[dict] | None = None, by: str) -> Meeting:
    """An EHT, network, SIP, SPIS or other meeting: participants and decisions, some of which become tasks.

    In the step counted from the first rector contact (Steg 1), the EHT meeting must carry the written
    division of responsibility, and its follow-up date books the first follow-up meeting.
    """
    cfg = get_config()
    if kind not in cfg.reference.meeting_kinds or kind == FOLLOW_UP:
        raise InputError("kind", "Välj typ av möte (uppföljningsmöten registreras i sitt eget formulär).")
    held_on = _held_on(held_on)
    participants = _text(participants, "participants", PARTICIPANTS_MAX, "Skriv vilka som deltog.")
    decisions = _text(decisions, "decisions", TEXT_MAX)
    division = _text(division_of_responsibility, "division_of_responsibility", TEXT_MAX)
    next_meeting_on = _next_meeting(next_meeting_on, held_on)
    checked = [_task_fields(t.get("text"), t.get("owner"), t.get("due_on")) for t in (tasks or [])
               if (t.get("text") or "").strip() or (t.get("owner") or "").strip()]

    case = cases.claim(session, case_id, expected_version, by)
    if held_on < case.received_on:
        raise InputError("held_on", "Mötet kan inte vara före att ärendet kom in.")
    step = cfg.process.step(case.current_step) if case.current_step else None
    if kind == EHT and step is not None and step.window.start == "first_rector_contact" and not division:
        raise InputError("division_of_responsibility",
                         "Skriv ansvarsfördelningen: vem gör vad (operativt och/eller samordnande) och till när.")
    meeting = Meeting(case_id=case_id, kind=kind, held_on=held_on, participants=participants, decisions=decisions,
                      division_of_responsibility=division, next_meeting_on=next_meeting_on, created_by=by,
                      created_at=clock.now())
    session.add(meeting)
    session.flush()
    if next_meeting_on is not None:
        case.next_meeting_on = next_meeting_on
        session.add(case)
    for text, owner, due_on in checked:
        session.add(Task(case_id=case_id, meeting_id=meeting.id, text=text, owner=owner, due_on=due_on,
                         created_by=by, created_at=clock.now()))
    audit.record(session, by, audit.CHANGE, case_id, f"{kind} {held_on}")
    return meeting


def book_follow_up(session: Session, case_id: int, expected_version: int, *, on: dt.date | None, by: str) -> Case:
    """Book (or move) the next follow-up meeting without recording another meeting."""
    if on is None:
        raise InputError("book_on", "Ange datum för uppföljningsmötet.")
    if on < clock.today():
        raise InputError("book_on", "Ett nytt möte kan inte bokas bakåt i tiden.")
    case = cases.claim(session, case_id, expected_version, by)
    case.next_meeting_on = on
    session.add(case)
    cases.add_event(session, case_id, "möte", f"Uppföljningsmöte bokat till {on.isoformat()}.", by)
    audit.record(session, by, audit.CHANGE, case_id, f"uppföljningsmöte bokat {on}")
    return case


# --- tasks ----------------------------------------------------------------------------------------

def _task_fields(text: str | None, owner: str | None, due_on: dt.date | None) -> tuple[str, str, dt.date | None]:
    text = _text(text, "task_text", TASK_MAX, "Skriv vad som ska göras.")
    owner = _text(owner, "task_owner", OWNER_MAX, "Skriv vem som ansvarar för uppgiften.")
    return text, owner, due_on


def add_task(session: Session, case_id: int, expected_version: int, *, text: str | None, owner: str | None,
             due_on: dt.date | None, meeting_id: int | None = None, by: str) -> Task:
    text, owner, due_on = _task_fields(text, owner, due_on)
    cases.claim(session, case_id, expected_version, by)
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.case_id != case_id:
            raise InputError("task_meeting", "Mötet finns inte på ärendet.")
    task = Task(case_id=case_id, meeting_id=meeting_id, text=text, owner=owner, due_on=due_on, created_by=by,
                created_at=clock.now())
    session.add(task)
    session.flush()
    audit.record(session, by, audit.CHANGE, case_id, "uppgift tillagd")
    return task


def complete_task(session: Session, case_id: int, expected_version: int, task_id: int, *,
                  done_on: dt.date | None = None, by: str) -> Task:
    done_on = done_on or clock.today()
    cases.claim(session, case_id, expected_version, by)
    task = session.get(Task, task_id)
    if task is None or task.case_id != case_id:
        raise InputError("task", "Uppgiften finns inte på ärendet.")
    if task.done_on is not None:
        raise InputError("task", "Uppgiften är redan klar.")
    task.done_on = done_on
    session.add(task)
    cases.add_event(session, case_id, "uppgift", f"Uppgift klar: {task.text} ({task.owner}).", by, done_on)
    audit.record(session, by, audit.CHANGE, case_id, "uppgift klar")
    return task


def open_tasks(session: Session, case_id: int) -> list[Task]:
    """What was decided and is not yet done, the earliest due first (tasks without a date last)."""
    rows = session.exec(select(Task).where(Task.case_id == case_id, Task.done_on.is_(None))  # type: ignore[union-attr]
                        .order_by(col(Task.id))).all()
    return sorted(rows, key=lambda t: (t.due_on is None, t.due_on or dt.date.max, t.id))


# --- agenda ----------------------------------------------------------------------------------------

def agenda_lines(session: Session, case: Case, kind: str, on: dt.date | None) -> list[str]:
    """The agenda as lines of plain text. Only the pupil's code, never the name or personal number."""
    cfg = get_config()
    school = session.get(School, case.school_id) if case.school_id else None
    leads = coordinator_names(session, [case.id]).get(case.id, [])
    lines = [f"Dagordning: {kind}", "",
             f"Ärende: {case.number}   Elev: {case.pupil_code}" + (f"   Skola: {school.name}" if school else ""),
             f"Datum: {on.isoformat() if on else '____-__-__'}",
             f"Mötesledare: {', '.join(leads) if leads else 'koordinator'}",
             f"Mål: {cfg.process.goal}", "", "Deltagare:", "", ""]
    last = last_follow_up(session, case.id)
    ongoing = session.exec(select(CaseIntervention).where(
        CaseIntervention.case_id == case.id, CaseIntervention.status.in_(cfg.reference.open_intervention_statuses))  # type: ignore[attr-defined]
        .order_by(col(CaseIntervention.id))).all()
    tasks = open_tasks(session, case.id)
    if kind == FOLLOW_UP:
        since = _period_start(case, last)
        for n, q in enumerate(cfg.process.follow_up_questions, start=1):
            lines.append(f"{n}. {q.text}")
            if q.key == "narvaro":
                lines.append(f"   Perioden sedan {since.isoformat()}."
                             + (f" Förra mötet: {percent_in_text(last.attendance_percent)}." if last and
                                last.attendance_percent is not None else ""))
            if q.key == "fortsatta_insatser":
                lines += [f"   - {ci.name} ({ci.status})" for ci in ongoing] or ["   - Inga pågående insatser."]
            lines.append("")
        lines.append("Om insatserna inte gett önskad effekt: rektor beslutar om ärendet ska avslutas.")
    else:
        lines += ["1. Nuläge", "", "2. Insatser"]
        lines += [f"   - {ci.name} ({ci.status})" for ci in ongoing] or ["   - Inga pågående insatser."]
        lines += ["", "3. Beslut och ansvarsfördelning: vem gör vad, operativt/samordnande, till när", "",
                  "4. Nästa möte", ""]
    lines.append("Beslutat men inte klart:")
    lines += [f"   - {t.text} – {t.owner}" + (f", senast {t.due_on.isoformat()}" if t.due_on else "")
              for t in tasks] or ["   - Inget."]
    return lines


def agenda_text(session: Session, case: Case, kind: str, on: dt.date | None) -> str:
    return lines_as_text(agenda_lines(session, case, kind, on))


def agenda_html(session: Session, case: Case, kind: str, on: dt.date | None) -> str:
    return lines_as_html(agenda_lines(session, case, kind, on))


def lines_as_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def lines_as_html(lines: list[str]) -> str:
    """A page to print: the agenda with room to write under each point."""
    body = "\n".join(f"<p>{html.escape(line)}</p>" if line else '<div class="space"></div>' for line in lines[1:])
    return ("<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(lines[0])}</title><style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}}"
            "p{margin:.2em 0}.space{height:2.5em;border-bottom:1px dotted #999}</style></head><body>"
            f"<h1>{html.escape(lines[0])}</h1>{body}</body></html>")
