"""The agenda for a meeting the coordinator leads: as text to paste and as a page to print, with room to write.

Only the pupil's code is on it, never the name or personal number.
"""
from __future__ import annotations

import datetime as dt
import html

from sqlmodel import Session, col, select

from narvaro.casework import attendance_over_time
from narvaro.casework.board import coordinator_names
from narvaro.casework.meetings import FOLLOW_UP, last_follow_up, period_start
from narvaro.casework.tasks import open_tasks
from narvaro.core.config import get_config
from narvaro.core.models import Case, CaseIntervention, School
from narvaro.core.text import percent_in_text


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
        since = period_start(case, last)
        for n, q in enumerate(cfg.process.follow_up_questions, start=1):
            lines.append(f"{n}. {q.text}")
            if q.key == "narvaro":
                lines.append(f"   Perioden sedan {since.isoformat()}."
                             + (f" Förra mötet: {percent_in_text(last.attendance_percent)}." if last and
                                last.attendance_percent is not None else ""))
                recent = attendance_over_time.last_values(session, case, 3)
                if recent:
                    lines.append("   Senaste närvarovärden: " + "; ".join(p.text() for p in recent) + ".")
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
