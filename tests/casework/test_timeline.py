"""The timeline shows everything that happened on a case, in date order, each fact once."""
import datetime as dt

from sqlmodel import Session

from narvaro.casework import closing, notes, timeline
from tests.casework.test_closing import close
from tests.casework.test_meetings import follow_up, in_steg2
from tests.casework.test_workflow import run

D = dt.date


def test_timeline_in_order_on_fixed_dates(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)          # received 08-18, handed out 08-20, ... EHT 09-01
    frozen_clock(D(2025, 9, 10))
    run(engine, notes.add_note, case_id, text="Hembesök.", written_on=D(2025, 9, 9), by="anna")
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 35, D(2025, 10, 27), open_items_reason="EHT-mötet flyttat")
    frozen_clock(D(2025, 10, 27))
    # The pupil attends school: the meeting decides Steg 4 with no new meeting (003:563).
    follow_up(engine, case_id, D(2025, 10, 27), 75, None, outcome="narvaro_i_skolan",
              open_items_reason="Inget nytt att bocka")
    frozen_clock(D(2025, 11, 3))
    close(engine, case_id)  # Steg 4's conditions met: no confirmation needed
    frozen_clock(D(2025, 11, 5))
    run(engine, closing.reopen, case_id, reason="Frånvaron ökade igen", by="chef", role="teamledare")
    with Session(engine) as s:
        rows = timeline.timeline(s, case_id)
    expected = [
        (D(2025, 8, 18), "registrerat", "Ärendet registrerades (Skolpliktsbevakn"),
        (D(2025, 8, 20), "tilldelat", "Ärendet fördelades till Anna."),
        (D(2025, 8, 25), "rektor", "Första kontakt med rektor."),
        (D(2025, 8, 25), "rektor", "Rektor önskar stöd: Båda."),
        (D(2025, 8, 25), "steg", "Start → Steg 1."),
        (D(2025, 9, 1), "möte", "EHT-möte, deltagare: Rektor, kurator, koo"),
        (D(2025, 9, 1), "uppgift", "Uppgift: Ta fram anpassat schema (Mentor,"),
        (D(2025, 9, 1), "steg", "Steg 1 → Steg 2."),
        (D(2025, 9, 9), "anteckning", "Anteckning 1: Hembesök."),
        (D(2025, 9, 29), "möte", "Uppföljningsmöte, deltagare: EHT, rektor,"),
        (D(2025, 9, 29), "steg", "Steg 2 → Steg 3 (öppna punkter: EHT-möte"),
        (D(2025, 10, 27), "möte", "Uppföljningsmöte, deltagare: EHT, rektor,"),
        (D(2025, 10, 27), "steg", "Steg 3 → Steg 4 (öppna punkter: Inget nyt"),
        (D(2025, 11, 3), "avslut", "Ärendet avslutades: Återgått till underv"),
        (D(2025, 11, 5), "återöppnat", "Ärendet återöppnades (var avslutat: Återg"),
    ]
    assert [(e.on_date, e.kind) for e in rows] == [(d, k) for d, k, _ in expected]
    for entry, (_, _, start) in zip(rows, expected):
        assert entry.text.startswith(start), (entry.text, start)
    assert "närvaro: 35 %" in rows[9].text and "närvaro: 75 %" in rows[11].text
    assert "mötet beslutade: Eleven har närvaro i skolan" in rows[11].text  # the outcome, once, on the meeting
