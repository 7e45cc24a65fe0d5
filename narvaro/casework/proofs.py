"""No double entry: checklist items the app already knows are ticked by the action that proves them.

Which item each action proves is data (`proven_by` on an item in data/process.yaml); the actions are the hand-out,
the absence investigation's date at intake, the first contact with the rector, the rector's answer, an EHT meeting
with its written division of responsibility, and a booked follow-up meeting. Such a mark says what ticked it and
when; it can still be taken back, with a reason (workflow.unmark_item).
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from narvaro.core import audit, clock
from narvaro.core.config import Step, get_config
from narvaro.core.models import ChecklistMark, Case


def mark_cycle(case: Case, step: Step) -> int:
    """Checklist marks of a repeating step are kept per round; other steps have one round."""
    return case.cycle if step.repeats else 0


def prove(session: Session, case: Case, proof: str, what: str, on: dt.date | None, by: str) -> list[ChecklistMark]:
    """Tick every item proven by `proof` in the current step and the steps still to come (an EHT meeting held while
    the case is still in Start ticks Steg 1's item), unless it is marked already. `what` names the action in
    Swedish ("EHT-möte"); the mark reads "bockad av EHT-möte 2025-09-01"."""
    cfg = get_config()
    if case.current_step is None:
        return []
    here = cfg.process.step_index(case.current_step)
    made = []
    label = f"{what} {on.isoformat()}" if on else what
    for step in cfg.process.steps[here:]:
        for item in step.items:
            if item.proven_by != proof:
                continue
            rnd = mark_cycle(case, step)
            exists = session.exec(select(ChecklistMark.id).where(
                ChecklistMark.case_id == case.id, ChecklistMark.step_key == step.key, ChecklistMark.cycle == rnd,
                ChecklistMark.item_key == item.key)).first()
            if exists is not None:
                continue
            mark = ChecklistMark(case_id=case.id, step_key=step.key, cycle=rnd, item_key=item.key, marked_by=by,
                                 marked_at=clock.now(), proof=label)
            session.add(mark)
            audit.record(session, by, audit.CHANGE, case.id, f"{step.name}: {item.key} klar (bockad av {label})")
            made.append(mark)
    session.flush()
    return made
