"""The arbetsgång on one case: steps and their time windows, the checklist, the Start answer, moving on.

Everything about the steps (order, items, windows) comes from data/process.yaml; this module only knows
the contract fields on Case (current_step, step_started_on, cycle, first_rector_contact_on, ...).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from narvaro.casework import cases, closing, proofs
from narvaro.casework.inputs import CaseClose
from narvaro.core import audit, clock, school_year, versions
from narvaro.core.config import FOLLOW_UP_KIND, ChecklistItem, Config, Step, get_config
from narvaro.core.errors import CalendarGap, FieldError
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, QUEUED, Case, ChecklistMark, Meeting, StepChange
from narvaro.core.text import count as count_of
from narvaro.core.validate import REASON_MAX

NO_SUPPORT = "Nej"  # the rector's answer when no support is wanted


# --- steps and their windows ---------------------------------------------------------------------

mark_cycle = proofs.mark_cycle


def step_entries(session: Session, case_id: int) -> list[StepChange]:
    return list(session.exec(select(StepChange).where(StepChange.case_id == case_id)
                             .order_by(col(StepChange.on_date), col(StepChange.id))).all())


@dataclass
class Stage:
    """One box in the step overview: a step (a repeating one once per round), a follow-up meeting, or closing."""
    key: str               # step key, "uppfoljning" or "avslut"
    label: str
    state: str             # "klar" | "aktuell" | "kommande" | "hoppades över"
    step: Step | None = None
    cycle: int = 0
    start: dt.date | None = None
    due: dt.date | None = None
    end: dt.date | None = None
    overdue: bool = False
    note: str = ""
    earliest: dt.date | None = None  # a window with a lower bound (Steg 2: "ca 3-5 veckor")
    local_choice: bool = False       # the deadline is the municipality's own, not the seed's


def _window_start(case: Case, step: Step, entered: dt.date | None) -> dt.date | None:
    if step.window.start == "received":
        return case.received_on
    if step.window.start == "first_rector_contact":
        return case.first_rector_contact_on
    return entered


def window_dates(step: Step, start: dt.date | None,
                 cfg: Config | None = None) -> tuple[dt.date | None, dt.date | None]:
    """(earliest, due) of a step's window counted from `start`: the one place where a deadline becomes a date.
    A window counted in school time skips holidays; a school year missing in the calendar raises CalendarGap."""
    if start is None:
        return None, None
    w = step.window
    cal = (cfg or get_config()).calendar
    earliest = school_year.add_days(cal, w.count, start, w.min_days) if w.min_days is not None else None
    return earliest, (school_year.add_days(cal, w.count, start, w.days) if w.days else None)


def window_note(step: Step) -> str:
    """What the case page says beside a deadline counted in school time."""
    return school_year.NO_HOLIDAY_NOTE if step.window.count == "school_time" and step.window.days else ""


def first_meeting_step(cfg: Config) -> Step:
    """The step that ends with the first follow-up meeting (Steg 2); config guarantees there is one."""
    return next(s for s in cfg.process.steps if s.ends_with_meeting)


def follow_up_window(case: Case, today: dt.date | None = None,
                     cfg: Config | None = None) -> tuple[dt.date | None, dt.date | None] | None:
    """When the first follow-up meeting should be held: the window of the step that ends with it (003:504), counted
    from the day the case entered that step, or, before it has, as if it entered today. None once it is past."""
    cfg = cfg or get_config()
    step = first_meeting_step(cfg)
    if case.current_step is None or case.first_rector_contact_on is None or case.status == CLOSED:
        return None
    here, there = cfg.process.step_index(case.current_step), cfg.process.step_index(step.key)
    if here > there or case.cycle > 0:
        return None
    entered = case.step_started_on if here == there else (today or clock.today())
    try:
        return window_dates(step, _window_start(case, step, entered), cfg)
    except CalendarGap:
        return None  # the case page shows the calendar warning on the step itself


def stages(session: Session, case: Case, today: dt.date | None = None, cfg: Config | None = None) -> list[Stage]:
    """Start → Steg 1 → Steg 2 → Uppföljning → Steg 3 (per round) → Steg 4 → Avslut, with dates and state."""
    cfg = cfg or versions.for_case(session, case)
    today = today or clock.today()
    steps = cfg.process.steps
    changes = step_entries(session, case.id)
    # When the case entered (step, round) and when it left it, from the recorded step moves.
    entered: dict[tuple[str, int], dt.date] = {}
    left: dict[tuple[str, int], dt.date] = {}
    prev: tuple[str, int] | None = (steps[0].key, 0)
    entered[prev] = case.assigned_on or case.received_on
    for ch in changes:
        if prev is not None and prev not in left:
            left[prev] = ch.on_date
        prev = (ch.to_step, ch.cycle)
        entered[prev] = ch.on_date
        left.pop(prev, None)
    if case.status == CLOSED and prev is not None and case.closed_on:
        left.setdefault(prev, case.closed_on)
    if case.status == CLOSED and not changes and case.closed_on:
        left.setdefault((steps[0].key, 0), case.closed_on)

    held = _follow_up_dates(session, case.id)
    closed = case.status == CLOSED
    out: list[Stage] = []
    for step in steps:
        rounds = _rounds(case, step, entered)
        for rnd in rounds:
            key = (step.key, rnd)
            label = f"{step.name}, omgång {rnd}" if step.repeats and case.cycle > 1 else step.name
            stage = Stage(key=step.key, label=label, state="kommande", step=step, cycle=rnd)
            stage.start = _window_start(case, step, entered.get(key))
            try:
                stage.earliest, stage.due = window_dates(step, stage.start, cfg)
                stage.note = window_note(step) if stage.due else ""
            except CalendarGap as gap:
                stage.note = str(gap)
            stage.local_choice = step.window.local_choice and stage.due is not None
            stage.end = left.get(key)
            is_current = not closed and case.current_step == step.key and (not step.repeats or rnd == case.cycle)
            if is_current:
                stage.state = "aktuell"
                stage.overdue = stage.due is not None and stage.due < today
            elif key in entered and (key in left or closed):
                stage.state = "klar"
            elif closed or _passed(cfg, case, step):
                stage.state = "hoppades över"  # e.g. Steg 3 when the first follow-up meeting led to Steg 4
            out.append(stage)
            if not step.ends_with_meeting:
                continue
            # Meeting n ends round n-1; the meeting after the current round is the booked one.
            n = rnd + 1 if step.repeats else 1
            if n <= len(held):
                out.append(Stage(key="uppfoljning", label=f"Uppföljningsmöte {n}", state="klar", cycle=n,
                                 start=held[n - 1], end=held[n - 1]))
            elif is_current or (not step.repeats and not closed):
                booked = case.next_meeting_on if not closed else None
                out.append(Stage(key="uppfoljning", label=f"Uppföljningsmöte {n}", state="kommande", cycle=n,
                                 start=booked, due=booked, overdue=booked is not None and booked < today,
                                 note="" if booked else "Inget datum bokat"))
    out.append(Stage(key="avslut", label="Avslut", state="klar" if closed else "kommande",
                     end=case.closed_on, note=case.closure_reason or ""))
    return out


def _rounds(case: Case, step: Step, entered: dict[tuple[str, int], dt.date]) -> list[int]:
    """The rounds of a step to show: one for a step that does not repeat; for Steg 3, the rounds the case was in
    (a follow-up meeting that led on to Steg 4 opened none), or the one to come."""
    if not step.repeats:
        return [0]
    held = [r for r in range(1, max(case.cycle, 1) + 1)
            if (step.key, r) in entered or (case.current_step == step.key and r == case.cycle)]
    return held or [max(case.cycle, 1)]


def _passed(cfg: Config, case: Case, step: Step) -> bool:
    return case.current_step is not None and cfg.process.step_index(step.key) < cfg.process.step_index(case.current_step)


def _follow_up_dates(session: Session, case_id: int) -> list[dt.date]:
    return list(session.exec(select(Meeting.held_on).where(Meeting.case_id == case_id, Meeting.kind == FOLLOW_UP_KIND)
                             .order_by(col(Meeting.held_on), col(Meeting.id))).all())


def current_stage(session: Session, case: Case, today: dt.date | None = None) -> Stage | None:
    return next((s for s in stages(session, case, today) if s.state == "aktuell"), None)


# --- the checklist -------------------------------------------------------------------------------

@dataclass
class ItemState:
    item: ChecklistItem
    mark: ChecklistMark | None = None

    @property
    def done(self) -> bool:
        return self.mark is not None


def checklist(session: Session, case: Case, step_key: str | None = None, cycle: int | None = None) -> list[ItemState]:
    """The items of a step (the current one by default) with their marks for the round."""
    step_key = step_key or case.current_step
    if step_key is None:
        return []
    step = versions.for_case(session, case).process.step(step_key)
    rnd = mark_cycle(case, step) if cycle is None else cycle
    marks = {m.item_key: m for m in session.exec(
        select(ChecklistMark).where(ChecklistMark.case_id == case.id, ChecklistMark.step_key == step_key,
                                    ChecklistMark.cycle == rnd)).all()}
    # An item ticked under an earlier version and since taken out of the step is still shown as ticked.
    gone = [ChecklistItem(key=k, text=f"{k} (finns inte längre i arbetsgången)") for k in marks
            if step.item(k) is None]
    return [ItemState(item=i, mark=marks.get(i.key)) for i in [*step.items, *gone]]


def open_items(session: Session, case: Case) -> list[ChecklistItem]:
    return [s.item for s in checklist(session, case) if not s.done]


def _current_step_item(case: Case, step_key: str, item_key: str) -> tuple[Step, ChecklistItem]:
    if case.current_step != step_key:
        raise FieldError("item", "Punkter kan bara bockas av i det aktuella steget.")
    step = get_config().process.step(step_key)
    item = step.item(item_key)
    if item is None:
        raise FieldError("item", "Punkten finns inte i steget.")
    return step, item


def mark_item(session: Session, case_id: int, expected_version: int, *, step_key: str, item_key: str, by: str,
              not_applicable: bool = False, reason: str | None = None) -> ChecklistMark:
    """Tick an item (who and when are stored), or mark it not applicable, which needs a reason."""
    reason = (reason or "").strip() or None
    if not_applicable and not reason:
        raise FieldError("reason", "Skriv varför punkten inte är aktuell.")
    if reason and len(reason) > REASON_MAX:
        raise FieldError("reason", f"Skälet får vara högst {REASON_MAX} tecken.")
    case = cases.claim(session, case_id, expected_version, by)
    step, item = _current_step_item(case, step_key, item_key)
    rnd = mark_cycle(case, step)
    existing = session.exec(select(ChecklistMark).where(
        ChecklistMark.case_id == case_id, ChecklistMark.step_key == step_key, ChecklistMark.cycle == rnd,
        ChecklistMark.item_key == item_key)).first()
    if existing is not None:
        raise FieldError("item", "Punkten är redan markerad.")
    mark = ChecklistMark(case_id=case_id, step_key=step_key, cycle=rnd, item_key=item_key,
                         not_applicable=not_applicable, reason=reason, marked_by=by, marked_at=clock.now())
    session.add(mark)
    session.flush()
    what = f"ej aktuell ({reason})" if not_applicable else "klar"
    audit.record(session, by, audit.CHANGE, case_id, f"{step.name}: {item.key} {what}")
    return mark


def unmark_item(session: Session, case_id: int, expected_version: int, *, step_key: str, item_key: str,
                by: str, reason: str | None = None) -> None:
    """Take back a mark set by mistake; the audit log keeps that it was there. A mark ticked by an action (the
    hand-out, the rector's answer, ...) is taken back only with a reason, which the timeline keeps."""
    reason = (reason or "").strip() or None
    if reason and len(reason) > REASON_MAX:
        raise FieldError("unmark_reason", f"Skälet får vara högst {REASON_MAX} tecken.")
    case = cases.claim(session, case_id, expected_version, by)
    step, item = _current_step_item(case, step_key, item_key)
    mark = session.exec(select(ChecklistMark).where(
        ChecklistMark.case_id == case_id, ChecklistMark.step_key == step_key,
        ChecklistMark.cycle == mark_cycle(case, step), ChecklistMark.item_key == item_key)).first()
    if mark is None:
        raise FieldError("item", "Punkten är inte markerad.")
    if mark.proof and not reason:
        raise FieldError("unmark_reason", f"Punkten bockades av {mark.proof}. Skriv varför markeringen tas bort.")
    session.delete(mark)
    audit.record(session, by, audit.CHANGE, case_id, f"{step.name}: {item.key} markering borttagen"
                 + (f" ({reason})" if reason else ""))
    if mark.proof:
        cases.add_event(session, case_id, "arbetsgång", f"{step.name}: markeringen ”{item.text[:60]}” togs bort: "
                        f"{reason}", by)


# --- Start: the rector's answer ------------------------------------------------------------------

def answers() -> list[str]:
    return [*get_config().reference.support_kinds, NO_SUPPORT]


def record_start(session: Session, case_id: int, expected_version: int, *, contacted_on: dt.date | None,
                 answer: str | None, by: str) -> Case:
    """First contact with the rector and (when given) the answer; "Nej" closes the case with its reason."""
    today = clock.today()
    if contacted_on is None:
        raise FieldError("contacted_on", "Ange datum för första kontakten med rektor.")
    if contacted_on > today:
        raise FieldError("contacted_on", "Datumet kan inte ligga i framtiden.")
    answer = answer or None
    if answer is not None and answer not in answers():
        raise FieldError("answer", f"Välj rektors besked ({', '.join(answers())}).")
    case = cases.claim(session, case_id, expected_version, by)
    if contacted_on < case.received_on:
        raise FieldError("contacted_on", f"Datumet kan inte vara före att ärendet kom in ({case.received_on}).")
    if case.status == QUEUED:
        raise FieldError("contacted_on", "Ärendet är inte fördelat ännu.")
    if case.current_step != get_config().process.steps[0].key:
        raise FieldError("answer", "Rektors besked registreras i steget Start.")
    if case.first_rector_contact_on != contacted_on:
        case.first_rector_contact_on = contacted_on
        cases.add_event(session, case_id, "rektor", "Första kontakt med rektor.", by, contacted_on)
    if answer is not None and answer != case.rector_answer:
        case.rector_answer = answer
        text = "Rektor önskar inte stöd." if answer == NO_SUPPORT else f"Rektor önskar stöd: {answer}."
        cases.add_event(session, case_id, "rektor", text, by, today)
    session.add(case)
    audit.record(session, by, audit.CHANGE, case_id, f"start: kontakt {contacted_on}, besked {answer or '–'}")
    proofs.prove(session, case, "rector_contact", "kontakt med rektor", contacted_on, by)
    if answer is not None:
        proofs.prove(session, case, "rector_answer", f"rektors besked ({answer})", today, by)
    if answer == NO_SUPPORT:
        reason = get_config().reference.rector_declined_reason
        if reason is None:
            raise FieldError("answer", "Inget avslutsskäl för 'rektor önskar inte stöd' finns i data/reference.yaml.")
        closing.record_close(session, case, CaseClose(reason=reason, closed_on=today), by=by)
    return case


# --- moving on ------------------------------------------------------------------------------------

def move_target(case: Case, cfg: Config | None = None) -> tuple[Step | None, str]:
    """The step an explicit move leads to, or None with the reason in words."""
    cfg = cfg or get_config()
    if case.status in (QUEUED, CLOSED) or case.current_step is None:
        return None, "Ärendet är inte i arbetsgången."
    steps = cfg.process.steps
    i = cfg.process.step_index(case.current_step)
    step = steps[i]
    if i == 0 and case.rector_answer not in cfg.reference.support_kinds:
        return None, "Registrera rektors besked (att stöd önskas) innan ärendet går vidare till nästa steg."
    if step.ends_with_meeting:
        # The follow-up meeting leads into the repeating step; moving past it needs a meeting held.
        later = [s for s in steps[i + 1:] if not s.repeats]
        if case.cycle == 0 or not later:
            return None, f"{step.name} avslutas med ett uppföljningsmöte. Registrera mötet under Möten."
        return later[0], ""
    if i + 1 >= len(steps):
        return None, "Det här är sista steget. Avsluta ärendet under Avslut."
    return steps[i + 1], ""


def _open_items_text(items: list[ChecklistItem]) -> str:
    return "; ".join(i.text.rstrip(".") for i in items)


def check_open_items(session: Session, case: Case, reason: str | None) -> str | None:
    """Leaving a step with unticked items needs a reason; returns the cleaned reason."""
    reason = (reason or "").strip() or None
    if reason and len(reason) > REASON_MAX:
        raise FieldError("open_items_reason", f"Skälet får vara högst {REASON_MAX} tecken.")
    left = open_items(session, case)
    if left and not reason:
        raise FieldError("open_items_reason",
                         f"{count_of(len(left), 'punkt', 'punkter')} i steget är inte klara: {_open_items_text(left)}. "
                         "Bocka av dem eller skriv varför ärendet går vidare ändå.")
    return reason if left else None


def enter_step(session: Session, case: Case, to: Step, *, on: dt.date, by: str, reason: str | None) -> StepChange:
    """Write the step move (no claim: callers have claimed the case already)."""
    change = StepChange(case_id=case.id, from_step=case.current_step, to_step=to.key, cycle=mark_cycle(case, to),
                        on_date=on, open_items_reason=reason, changed_by=by, changed_at=clock.now())
    session.add(change)
    case.current_step = to.key
    case.step_started_on = on
    if case.next_meeting_on is not None and get_config().process.after_meetings(to.key):
        # Steg 4 follows the last follow-up meeting: a date still booked would only warn "meeting passed" later.
        cases.add_event(session, case.id, "möte", f"Bokat uppföljningsmöte {case.next_meeting_on.isoformat()} "
                        f"avbokat: ärendet gick vidare till {to.name}.", by, on)
        case.next_meeting_on = None
    session.add(case)
    audit.record(session, by, audit.CHANGE, case.id, f"steg: {change.from_step} → {to.key}")
    return change


def move_on(session: Session, case_id: int, expected_version: int, *, by: str,
            open_items_reason: str | None = None, on: dt.date | None = None) -> StepChange:
    """Explicitly move the case to its next step (Start → Steg 1 also makes it active)."""
    on = on or clock.today()
    case = cases.claim(session, case_id, expected_version, by)
    target, why = move_target(case)
    if target is None:
        raise FieldError("move", why)
    reason = check_open_items(session, case, open_items_reason)
    if on < (case.step_started_on or case.received_on):
        raise FieldError("move", "Datumet kan inte vara före att steget började.")
    if case.status == ASSIGNED:
        case.status = ACTIVE
    change = enter_step(session, case, target, on=on, by=by, reason=reason)
    session.flush()
    return change
