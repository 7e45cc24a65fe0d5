"""Tasks: what a meeting decided and someone must carry out before the next one."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from narvaro.casework import cases
from narvaro.casework.inputs import TaskCreate
from narvaro.core import audit, clock
from narvaro.core.errors import FieldError
from narvaro.core.models import Meeting, Task
from narvaro.core.validate import text

TASK_MAX = 1000
OWNER_MAX = 120


def check(task: TaskCreate) -> tuple[str, str, dt.date | None]:
    """A task's text, owner and due day, checked (both the text and the owner are needed)."""
    return (text(task.text, "task_text", TASK_MAX, "Skriv vad som ska göras."),
            text(task.owner, "task_owner", OWNER_MAX, "Skriv vem som ansvarar för uppgiften."),
            task.due_on)


def add_task(session: Session, case_id: int, expected_version: int, task: TaskCreate, *,
             meeting_id: int | None = None, by: str) -> Task:
    task_text, owner, due_on = check(task)
    cases.claim(session, case_id, expected_version, by)
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.case_id != case_id:
            raise FieldError("task_meeting", "Mötet finns inte på ärendet.")
    row = Task(case_id=case_id, meeting_id=meeting_id, text=task_text, owner=owner, due_on=due_on, created_by=by,
               created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, by, audit.CHANGE, case_id, "uppgift tillagd")
    return row


def complete_task(session: Session, case_id: int, expected_version: int, task_id: int, *,
                  done_on: dt.date | None = None, by: str) -> Task:
    done_on = done_on or clock.today()
    cases.claim(session, case_id, expected_version, by)
    task = session.get(Task, task_id)
    if task is None or task.case_id != case_id:
        raise FieldError("task", "Uppgiften finns inte på ärendet.")
    if task.done_on is not None:
        raise FieldError("task", "Uppgiften är redan klar.")
    task.done_on = done_on
    session.add(task)
    cases.add_event(session, case_id, "uppgift", f"Uppgift klar: {task.text} ({task.owner}).", by, done_on)
    audit.record(session, by, audit.CHANGE, case_id, "uppgift klar")
    return task


def open_tasks(session: Session, case_id: int) -> list[Task]:
    """What was decided and is not yet done, the earliest due first (tasks without a date last)."""
    rows = session.exec(select(Task).where(Task.case_id == case_id, col(Task.done_on).is_(None))
                        .order_by(col(Task.id))).all()
    return sorted(rows, key=lambda t: (t.due_on is None, t.due_on or dt.date.max, t.id))
