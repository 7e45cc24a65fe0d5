"""Issue 17, items 10 and 14: transitions between schools (003:693, 003:317), dated with the history kept, counted
under the school form the case came in with; and the named contact at the school (002:894). Both databases."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.casework import case_school, cases, voices
from narvaro.core import db
from narvaro.core.errors import FieldError
from narvaro.core.models import CaseEvent, School, SchoolTransition
from narvaro.dataio import retention
from narvaro.reporting import indicators
from narvaro.reporting.indicators import Period
from tests.casework.test_workflow import new_case, run

D = dt.date


@pytest.fixture
def case_id(engine, frozen_clock):
    with db.session_scope(engine) as s:
        school = School(name="Norrskolan", school_form="Grundskola", provider="Kommunal", district="vo1")
        s.add(school)
        s.flush()
        school_id = school.id
    return new_case(engine, school_id=school_id, district="vo1")


def test_a_transition_is_dated_keeps_history_and_does_not_move_the_statistics(engine, frozen_clock, case_id):
    with pytest.raises(FieldError) as err:  # nothing changes
        run(engine, case_school.record_transition, case_id, on_date=D(2025, 9, 1), by="anna")
    assert err.value.field == "school_id"
    with pytest.raises(FieldError) as err:
        run(engine, case_school.record_transition, case_id, on_date=D(2025, 8, 1), school_form="Anpassad grundskola",
            by="anna")
    assert err.value.field == "on_date"  # before the case came in (2025-08-18)
    # Same school, another school form; then a new upper-secondary school with another provider.
    run(engine, case_school.record_transition, case_id, on_date=D(2025, 9, 1), school_form="Anpassad grundskola",
        by="anna")
    with pytest.raises(FieldError) as err:
        run(engine, case_school.record_transition, case_id, on_date=D(2025, 8, 30), new_school_name="Södra gymnasiet",
            new_school_form="Gymnasieskola", new_school_provider="Fristående", by="anna")
    assert err.value.field == "on_date"  # before the previous transition
    run(engine, case_school.record_transition, case_id, on_date=D(2025, 9, 10), new_school_name="Södra gymnasiet",
        new_school_form="Gymnasieskola", new_school_provider="Fristående", note="Övergång till gymnasiet",
        by="anna")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        history = case_school.transitions_for(s, case_id)
        now = case_school.current(s, case)
        events = s.exec(select(CaseEvent.text).where(CaseEvent.case_id == case_id, CaseEvent.kind == "övergång")).all()
        incoming = indicators.compute(s, Period.year(2025)).incoming_breakdown
        stats = indicators.statistics_table(s, 2025, 2025)[0].incoming
    assert [(t.on_date, t.from_school_form, t.to_school_form, t.from_provider, t.to_provider) for t in history] == [
        (D(2025, 9, 1), "Grundskola", "Anpassad grundskola", "Kommunal", "Kommunal"),
        (D(2025, 9, 10), "Anpassad grundskola", "Gymnasieskola", "Kommunal", "Fristående")]
    assert (now.school_form, now.provider, now.since) == ("Gymnasieskola", "Fristående", D(2025, 9, 10))
    assert history[0].from_school_id == history[0].to_school_id == history[1].from_school_id
    assert events == ["Byte till Norrskolan (Anpassad grundskola, kommunal).",
                      "Byte till Södra gymnasiet (Gymnasieskola, fristående)."]
    # The case still counts under the school form and provider it came in with.
    assert (case.school_form, case.provider) == ("Grundskola", "Kommunal")
    assert [(r["skolform"], r["huvudman"], r["count"]) for r in incoming] == [("Grundskola", "Kommunal", 1)]
    assert stats == {("GRSK", "Kommunal", "Flicka"): 1}
    # ... and the definition on the dashboard says so.
    from narvaro.reporting import tables

    with Session(engine) as s:
        report = tables.build(s, Period.year(2025), role="teamledare")
    assert tables.AT_INTAKE in report.table("inkomna").note and tables.AT_INTAKE in report.table("statistik").note
    assert report.table("inkomna").df[["Skolform", "Huvudman"]].values.tolist() == [["Grundskola", "Kommunal"]]


def test_retention_keeps_the_forms_of_a_transition_but_not_the_schools(engine, frozen_clock, case_id):
    from narvaro.casework import closing
    from narvaro.casework.inputs import CaseClose

    run(engine, case_school.record_transition, case_id, on_date=D(2025, 9, 1), new_school_name="Södra gymnasiet",
        new_school_form="Gymnasieskola", new_school_provider="Fristående", note="Flytt", by="anna")
    run(engine, case_school.update_contacts, case_id, requesting_rector="Rektor R", rector_contact=None,
        school_contact="Kurator K", school_contact_info="070-1", by="anna")
    run(engine, voices.add_voice, case_id, speaker="Elev", on_date=D(2025, 9, 1), view="Vill byta klass.", by="anna")
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case_id)
        closing.apply_close(case, CaseClose(reason="Övrigt", closed_on=D(2019, 1, 1)))
        s.add(case)
    with db.session_scope(engine) as s:
        assert [d.case_id for d in retention.purge(s, "admin", D(2025, 9, 15))] == [case_id]
    with Session(engine) as s:
        t = s.exec(select(SchoolTransition)).one()
        case = cases.get_case(s, case_id)
    assert (t.from_school_id, t.to_school_id, t.note, t.to_school_form) == (None, None, None, "Gymnasieskola")
    assert (case.school_contact, case.school_contact_info) == (None, None)
    with Session(engine) as s:
        assert [v.text for v in voices.voices_for(s, case_id)] == [retention.REMOVED]


def test_named_contact_at_the_school_next_to_the_rector(engine, frozen_clock, case_id):
    with pytest.raises(FieldError) as err:
        run(engine, case_school.update_contacts, case_id, requesting_rector="R", rector_contact=None,
            school_contact="K" * 121, school_contact_info=None, by="anna")
    assert err.value.field == "school_contact"
    run(engine, case_school.update_contacts, case_id, requesting_rector="Rektor R", rector_contact="070-0",
        school_contact=" Kurator K ", school_contact_info="kurator@example.org", by="anna")
    with pytest.raises(FieldError, match="Inget är ändrat"):
        run(engine, case_school.update_contacts, case_id, requesting_rector="Rektor R", rector_contact="070-0",
            school_contact="Kurator K", school_contact_info="kurator@example.org", by="anna")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        events = s.exec(select(CaseEvent.text).where(CaseEvent.case_id == case_id, CaseEvent.kind == "kontakt")).all()
    assert (case.requesting_rector, case.school_contact, case.school_contact_info) == (
        "Rektor R", "Kurator K", "kurator@example.org")
    assert events == ["Kontaktuppgifter ändrade (kontaktperson på skolan: Kurator K)."]
