"""The Möten tab: what was decided and is not done, the follow-up meeting, other meetings, agendas, history."""
from __future__ import annotations

import streamlit as st

from narvaro import ui
from narvaro.casework import agenda, bookings, meetings, tasks, workflow
from narvaro.casework.inputs import FollowUpCreate, MeetingCreate, TaskCreate
from narvaro.casework.meetings import FOLLOW_UP
from narvaro.core import clock
from narvaro.core.models import Case
from narvaro.ui.case import calendar_files as case_calendar_files
from narvaro.ui.case.common import errors, feedback_for, k, quiet, save, show, show_form_error, value

TASK_ROWS = 2


# --- callbacks -----------------------------------------------------------------------------------

def _follow_up(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    meeting = FollowUpCreate(held_on=v("fu_held"), participants=v("fu_participants"), situation=v("fu_situation"),
                             attendance=v("fu_attendance"), further_interventions=v("fu_further"),
                             next_meeting_on=v("fu_next"), outcome=v("fu_outcome"), open_items_reason=v("fu_reason"),
                             confirm_other_day=bool(v("fu_confirm")))
    outcome = ui.config().process.outcome(meeting.outcome)
    to = ui.config().process.step(outcome.to).name if outcome else ""
    flash = ("Uppföljningsmötet är sparat. Rektor har beslutat att avsluta: fyll i avslutet under Avslut."
             if outcome and outcome.closes else f"Uppföljningsmötet är sparat och ärendet är i {to}.")
    save(case_id, "fu", lambda s, ver: meetings.record_follow_up(s, case_id, ver, meeting, by=username), flash,
         clear=("fu_held", "fu_participants", "fu_situation", "fu_attendance", "fu_further", "fu_next", "fu_outcome",
                "fu_reason", "fu_confirm"))


def _meeting(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    decided = [TaskCreate(text=v(f"mt_task_{i}"), owner=v(f"mt_owner_{i}"), due_on=v(f"mt_due_{i}"))
               for i in range(1, TASK_ROWS + 1)]
    names = [f"mt_{n}_{i}" for i in range(1, TASK_ROWS + 1) for n in ("task", "owner", "due")]
    meeting = MeetingCreate(kind=v("mt_kind"), held_on=v("mt_held"), participants=v("mt_participants"),
                            decisions=v("mt_decisions"), division_of_responsibility=v("mt_division"),
                            next_meeting_on=v("mt_next"), actor_types=list(v("mt_actors") or []), tasks=decided)
    save(case_id, "mt", lambda s, ver: meetings.record_meeting(s, case_id, ver, meeting, by=username),
         "Mötet är sparat.",
         clear=("mt_kind", "mt_held", "mt_participants", "mt_decisions", "mt_division", "mt_next", "mt_actors",
                *names))


def _task_done(case_id: int, task_id: int, username: str) -> None:
    save(case_id, f"task_{task_id}", lambda s, v: tasks.complete_task(s, case_id, v, task_id, by=username),
         "Uppgiften är klar.")


def _add_task(case_id: int, username: str) -> None:
    save(case_id, "task",
         lambda s, v: tasks.add_task(s, case_id, v, TaskCreate(text=value(case_id, "task_text"),
                                                               owner=value(case_id, "task_owner"),
                                                               due_on=value(case_id, "task_due")), by=username),
         "Uppgiften är tillagd.", clear=("task_text", "task_owner", "task_due"))


def _book(case_id: int, username: str) -> None:
    on, at, place = value(case_id, "book_on"), value(case_id, "book_at"), value(case_id, "book_place")
    minutes = int(value(case_id, "book_minutes") or 60)
    save(case_id, "book", lambda s, v: meetings.book_follow_up(s, case_id, v, on=on, at=at, place=place,
                                                               minutes=minutes, by=username),
         f"Uppföljningsmöte bokat till {ui.fmt_date(on)}.", clear=("book_on", "book_at", "book_place"))


# --- rendering -----------------------------------------------------------------------------------

def render(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    cfg = ui.config()
    with ui.session() as s:  # read first; nothing is held open while drawing
        waiting = tasks.open_tasks(s, case.id)
        since = meetings.attendance_period_start(s, case)
        left = workflow.open_items(s, case)
        held = meetings.meetings_for(s, case.id)
        booked = bookings.booked(s, case.id)
    st.subheader("Beslutat men inte klart")
    if not waiting:
        st.caption("Inga öppna uppgifter.")
    for t in waiting:
        late = t.due_on is not None and t.due_on < clock.today()
        due = f", senast {ui.fmt_date(t.due_on)}" + (" :orange[**försenad**]" if late else "") if t.due_on else ""
        st.markdown(f"- {ui.md(t.text)} – **{ui.md(t.owner)}**{due}")
        if can_work:
            st.button("Markera klar", key=k(case.id, f"task_done_{t.id}"), on_click=_task_done,
                      args=(case.id, t.id, user.username), type="tertiary")
            show_form_error(errors(case.id, f"task_{t.id}"))
    if can_work:
        _task_form(case, user)
        step = cfg.process.step(case.current_step) if case.current_step else None
        st.subheader("Uppföljningsmöte")
        if step is not None and step.ends_with_meeting:
            _follow_up_form(case, user, since, left)
        else:
            names = ", ".join(s.name for s in cfg.process.steps if s.ends_with_meeting)
            st.info(f"Uppföljningsmöten registreras i {names}.", icon=":material/info:")
        _book_form(case, user)
    case_calendar_files.render(booked, case, user)
    if can_work:
        st.subheader("Annat möte")
        _meeting_form(case, user)
    _agenda(case)
    _history(held)


def _task_form(case: Case, user: ui.CurrentUser) -> None:
    errs = errors(case.id, "task")
    with st.expander("Lägg till uppgift", expanded=bool(errs)):
        with st.form(k(case.id, "task_form"), border=False):
            st.text_input("Vad ska göras", key=k(case.id, "task_text"))
            show(errs, "task_text")
            st.text_input("Ansvarig", key=k(case.id, "task_owner"))
            show(errs, "task_owner")
            st.date_input("Klart senast", value=None, key=k(case.id, "task_due"), format="YYYY-MM-DD")
            show_form_error(errs)
            st.form_submit_button("Lägg till uppgift", key=k(case.id, "task_save"), on_click=_add_task,
                                  args=(case.id, user.username))
    feedback_for(case.id, "task")  # outside the expander, which closes on the rerun


def _follow_up_form(case: Case, user: ui.CurrentUser, since, left: list) -> None:
    cfg = ui.config()
    q = cfg.process.follow_up_question
    errs = errors(case.id, "fu")
    st.caption("Med EHT och rektor. Har insatserna inte gett önskad effekt beslutar rektor om ärendet ska avslutas.")
    with st.form(k(case.id, "fu_form")):
        st.date_input("Mötesdatum", value=clock.today(), key=k(case.id, "fu_held"), format="YYYY-MM-DD")
        show(errs, "held_on")
        if case.next_meeting_on is not None:
            st.checkbox(f"Mötet hölls en annan dag än det bokade ({ui.fmt_date(case.next_meeting_on)})",
                        key=k(case.id, "fu_confirm"))
            show(errs, "confirm_other_day")
        st.text_input("Deltagare", key=k(case.id, "fu_participants"))
        show(errs, "participants")
        st.text_area(q("nulage"), key=k(case.id, "fu_situation"))
        show(errs, "situation")
        st.number_input(f"{q('narvaro')} Procent för perioden sedan {ui.fmt_date(since)}", value=None,
                        step=1.0, format="%.0f", key=k(case.id, "fu_attendance"))
        show(errs, "attendance")
        st.text_area(q("fortsatta_insatser"), key=k(case.id, "fu_further"))
        show(errs, "further_interventions")
        outcomes = {o.key: o.text for o in cfg.process.follow_up_outcomes}
        st.radio("Mötet beslutar", list(outcomes), index=None, format_func=outcomes.get, key=k(case.id, "fu_outcome"))
        show(errs, "outcome")
        st.date_input(f"{q('nytt_mote')} (bara när ett nytt uppföljningsmöte bokas)", value=None,
                      key=k(case.id, "fu_next"), format="YYYY-MM-DD")
        show(errs, "next_meeting_on")
        if left:
            st.text_area(f"Skäl att lämna steget med {ui.count(len(left), 'öppen punkt', 'öppna punkter')}",
                         key=k(case.id, "fu_reason"))
            show(errs, "open_items_reason")
        show_form_error(errs)
        st.form_submit_button("Spara uppföljningsmöte", key=k(case.id, "fu_save"), type="primary",
                              on_click=_follow_up, args=(case.id, user.username))
        feedback_for(case.id, "fu")


def _book_form(case: Case, user: ui.CurrentUser) -> None:
    errs = errors(case.id, "book")
    booked = f"Bokat: {ui.fmt_date(case.next_meeting_on)}." if case.next_meeting_on else "Inget uppföljningsmöte bokat."
    with st.expander(f"Boka eller flytta uppföljningsmöte ({booked})", expanded=bool(errs)):
        with st.form(k(case.id, "book_form"), border=False):
            st.date_input("Datum för uppföljningsmöte", value=None, key=k(case.id, "book_on"), format="YYYY-MM-DD")
            show(errs, "book_on")
            c = st.columns(2)
            c[0].time_input("Klockan (för kalenderfilen)", value=None, key=k(case.id, "book_at"), step=900)
            c[1].number_input("Minuter", min_value=15, max_value=480, value=60, step=15, key=k(case.id, "book_minutes"))
            show(errs, "book_minutes")
            st.text_input("Plats (ingen elevs namn)", key=k(case.id, "book_place"), max_chars=200)
            show(errs, "book_place")
            show_form_error(errs)
            st.form_submit_button("Boka", key=k(case.id, "book_save"), on_click=_book, args=(case.id, user.username))
    feedback_for(case.id, "book")  # outside the expander, which closes on the rerun


def _meeting_form(case: Case, user: ui.CurrentUser) -> None:
    kinds = [m for m in ui.config().reference.meeting_kinds if m != FOLLOW_UP]
    errs = errors(case.id, "mt")
    with st.form(k(case.id, "mt_form")):
        st.selectbox("Typ av möte", kinds, index=None, placeholder="Välj typ", key=k(case.id, "mt_kind"))
        show(errs, "kind")
        st.date_input("Mötesdatum", value=clock.today(), key=k(case.id, "mt_held"), format="YYYY-MM-DD")
        show(errs, "held_on")
        st.text_input("Deltagare", key=k(case.id, "mt_participants"))
        show(errs, "participants")
        st.text_area("Beslut", key=k(case.id, "mt_decisions"))
        show(errs, "decisions")
        st.text_area("Ansvarsfördelning: vem gör vad (operativt/samordnande) och till när",
                     key=k(case.id, "mt_division"), help="Krävs för EHT-mötet i Steg 1 (skriftligt formulär).")
        show(errs, "division_of_responsibility")
        st.date_input("Datum för uppföljningsmöte (om det bokades)", value=None, key=k(case.id, "mt_next"),
                      format="YYYY-MM-DD")
        show(errs, "next_meeting_on")
        st.multiselect("Andra aktörer som deltog", ui.config().reference.actor_types, key=k(case.id, "mt_actors"),
                       placeholder="Inga", help="Räknas i indikatorn Samverkan med andra aktörer.")
        show(errs, "actor_types")
        st.markdown("**Beslut som blir uppgifter**")
        for i in range(1, TASK_ROWS + 1):
            a, b, c = st.columns([3, 2, 2])
            a.text_input(f"Uppgift {i}", key=k(case.id, f"mt_task_{i}"))
            b.text_input(f"Ansvarig för uppgift {i}", key=k(case.id, f"mt_owner_{i}"))
            c.date_input(f"Klart senast, uppgift {i}", value=None, key=k(case.id, f"mt_due_{i}"), format="YYYY-MM-DD")
        show(errs, "task_text")
        show(errs, "task_owner")
        show_form_error(errs)
        st.form_submit_button("Spara möte", key=k(case.id, "mt_save"), on_click=_meeting, args=(case.id, user.username))
        feedback_for(case.id, "mt")


def _agenda(case: Case) -> None:
    st.subheader("Dagordning")
    kinds = ui.config().reference.meeting_kinds
    left, right = st.columns(2)
    kind = left.selectbox("Dagordning för", kinds, key=k(case.id, "ag_kind"), on_change=quiet)
    on = right.date_input("Mötesdatum för dagordningen", value=case.next_meeting_on, key=k(case.id, "ag_on"),
                          format="YYYY-MM-DD", on_change=quiet)
    with ui.session() as s:
        lines = agenda.agenda_lines(s, case, kind, on)
    plain, page = agenda.lines_as_text(lines), agenda.lines_as_html(lines)
    stem = f"dagordning-{case.number}-{on.isoformat() if on else 'utan-datum'}"
    a, b = st.columns(2)
    a.download_button("Ladda ner dagordning (text)", plain, file_name=f"{stem}.txt", mime="text/plain",
                      key=k(case.id, "ag_txt"), on_click="ignore")
    b.download_button("Ladda ner dagordning för utskrift (HTML)", page, file_name=f"{stem}.html", mime="text/html",
                      key=k(case.id, "ag_html"), on_click="ignore")
    with st.expander("Visa dagordningen"):
        st.text(plain)


def _history(rows: list) -> None:
    st.subheader("Hållna möten")
    if not rows:
        st.caption("Inga möten registrerade.")
    for m in reversed(rows):
        with st.container(border=True):
            st.markdown(f"**{m.kind}** {ui.fmt_date(m.held_on)}")  # both from data/ and the app, never typed text
            # What people wrote is shown as text, never as Markdown (a typed link or image stays text).
            st.text("\n".join(f"{label}: {value}" for label, value in meetings.summary(m)))
