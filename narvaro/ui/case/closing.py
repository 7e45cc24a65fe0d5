"""The Avslut tab (closing, extending the six-month limit, reopening) and the Tidslinje tab."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.casework import closing, meetings, timeline
from narvaro.casework.inputs import CaseClose
from narvaro.core import clock
from narvaro.core.models import CLOSED, Case
from narvaro.core.permissions import REOPEN_ROLES
from narvaro.ui.case import surveys as surveys_panel
from narvaro.ui.feedback import request_scroll
from narvaro.ui.case.common import QUIET, errors, feedback_for, k, save, show, show_form_error, value

NOT_APPLICABLE = "Ej aktuellt"
TALK = {"Ja": True, "Nej": False}


def _close(case_id: int, seed: int, username: str) -> None:
    v = lambda name: value(case_id, f"{name}_{seed}")  # noqa: E731
    talk = v("cl_talk")
    effects = {field: v(name) for field, name in (("effect_operative", "cl_eff_op"), ("effect_coordinating", "cl_eff_co"))}
    # A real choice for each effect: "Ej aktuellt" is one of the options, never a default the save then refuses.
    unchosen = {field: "Välj effekten, eller Ej aktuellt om det inte fanns sådana insatser."
                for field, chosen in effects.items() if chosen is None}
    if unchosen:
        st.session_state[QUIET] = True
        st.session_state[f"ar_{case_id}_close_errors"] = unchosen
        request_scroll()
        return
    close = CaseClose(reason=v("cl_reason"), closed_on=v("cl_on"), attendance=v("cl_attendance"),
                      **{field: None if chosen == NOT_APPLICABLE else chosen for field, chosen in effects.items()},
                      closing_talk_held=None if talk is None else TALK[talk], confirm_return=bool(v("cl_confirm")))
    save(case_id, "close", lambda s, ver: closing.close_case(s, case_id, ver, close, by=username),
         "Ärendet är avslutat.",
         clear=tuple(f"{n}_{seed}" for n in ("cl_reason", "cl_on", "cl_attendance", "cl_eff_op", "cl_eff_co", "cl_talk",
                                             "cl_confirm")))


def _extend(case_id: int, username: str) -> None:
    until = value(case_id, "ext_until")
    save(case_id, "extend",
         lambda s, v: closing.extend(s, case_id, v, until=until, decision=value(case_id, "ext_decision"), by=username),
         lambda: f"Ärendet är förlängt till {ui.fmt_date(until)}.", clear=("ext_until", "ext_decision"))


def _reopen(case_id: int, username: str, role: str) -> None:
    save(case_id, "reopen",
         lambda s, v: closing.reopen(s, case_id, v, reason=value(case_id, "reopen_reason"), by=username, role=role),
         "Ärendet är återöppnat.", clear=("reopen_reason",))


def render(case: Case, user: ui.CurrentUser, can_work: bool, surveys: bool = False) -> None:
    if case.status == CLOSED:
        _closed(case, user)
    else:
        _open(case, user, can_work)
    if surveys:
        surveys_panel.render(case, user, read_only=False)


def _open(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    limit = closing.case_limit(case)
    extended = " (förlängt genom beslut)" if case.extended_until else ""
    note = closing.limit_note(case)
    st.markdown(f"**Sexmånadersgräns:** {ui.fmt_date(limit)}{extended}" + (f" ({ui.md(note)})" if note else ""))
    if not can_work:
        return
    with ui.session() as s:  # read first; nothing is held open while drawing
        last = meetings.last_follow_up(s, case.id)
        pending = closing.return_conditions_unmet(s, case, True)
    _close_form(case, user, last, pending)
    _extend_form(case, user, limit)


def _close_form(case: Case, user: ui.CurrentUser, last, pending: list[str]) -> None:
    ref = ui.config().reference
    rector_closed = closing.rector_closed_reason()
    default = rector_closed if last is not None and last.rector_decided_close and rector_closed else None
    if default:
        st.warning(f"Rektor beslutade vid uppföljningsmötet {ui.fmt_date(last.held_on)} att avsluta ärendet.",
                   icon=":material/flag:")
    errs = errors(case.id, "close")
    effects = [*ref.effect_ratings, NOT_APPLICABLE]
    # The defaults come from the last follow-up meeting; a new meeting gives the form fresh widgets.
    seed = last.id if last is not None else 0
    f = lambda name: k(case.id, f"{name}_{seed}")  # noqa: E731
    with st.form(k(case.id, "close_form")):
        st.subheader("Avsluta ärendet")
        st.selectbox("Skäl till avslut", ref.closure_labels, index=ref.closure_labels.index(default) if default else None,
                     placeholder="Välj skäl", key=f("cl_reason"))
        show(errs, "reason")
        st.date_input("Avslutsdatum", value=clock.today(), key=f("cl_on"), format="YYYY-MM-DD")
        show(errs, "closed_on")
        st.number_input("Närvaro vid avslut (procent)", step=1.0, format="%.0f", key=f("cl_attendance"),
                        value=last.attendance_percent if last is not None else None)
        show(errs, "attendance")
        st.selectbox("Effekt av operativa insatser", effects, index=None, placeholder="Välj effekt", key=f("cl_eff_op"))
        show(errs, "effect_operative")
        st.selectbox("Effekt av samordnande insatser", effects, index=None, placeholder="Välj effekt",
                     key=f("cl_eff_co"))
        show(errs, "effect_coordinating")
        st.radio("Har avslutningssamtalet med rektor/EHT hållits?", list(TALK), index=None, horizontal=True,
                 key=f("cl_talk"))
        show(errs, "closing_talk_held")
        # The key indicator: "Återgått till undervisning" outside Steg 4's conditions needs a recorded confirmation.
        returned = ref.returned_reason
        if pending:
            st.caption(f"Avslut med *{ui.md(returned)}* kräver bekräftelse: {ui.md('; '.join(pending))}.")
        st.checkbox(f"Bekräfta {returned.lower()} även om villkoren för Steg 4 inte är uppfyllda",
                    key=f("cl_confirm"), help="Steg 4: efter ett uppföljningsmöte där eleven har närvaro i skolan, "
                    "och avslutningssamtal med rektor/EHT. Bekräftelsen sparas på ärendet.")
        show(errs, "confirm_return")
        show_form_error(errs)
        st.form_submit_button("Avsluta ärendet", key=k(case.id, "cl_save"), type="primary", on_click=_close,
                              args=(case.id, seed, user.username))
        feedback_for(case.id, "close")


def _extend_form(case: Case, user: ui.CurrentUser, limit) -> None:
    errs = errors(case.id, "extend")
    with st.form(k(case.id, "extend_form")):
        st.subheader("Förläng sexmånadersgränsen")
        st.caption("Ett ärende ska inte pågå mer än sex månader. Det kan förlängas genom ett nytt beslut.")
        st.date_input("Förläng till", value=None, key=k(case.id, "ext_until"), format="YYYY-MM-DD",
                      min_value=limit)
        show(errs, "until")
        st.text_area("Beslut om förlängning (vem beslutade och varför)", key=k(case.id, "ext_decision"))
        show(errs, "decision")
        show_form_error(errs)
        st.form_submit_button("Förläng", key=k(case.id, "ext_save"), on_click=_extend, args=(case.id, user.username))
        feedback_for(case.id, "extend")


def _closed(case: Case, user: ui.CurrentUser) -> None:
    talk = {True: "ja", False: "nej", None: "–"}[case.closing_talk_held]
    st.markdown(f"**Avslutat {ui.fmt_date(case.closed_on)}:** {ui.md(case.closure_reason)}  \n"
                f"Närvaro vid avslut: {ui.fmt_percent(case.attendance_at_closing)}  \n"
                f"Effekt av operativa insatser: {ui.md(case.effect_operative or NOT_APPLICABLE)}  \n"
                f"Effekt av samordnande insatser: {ui.md(case.effect_coordinating or NOT_APPLICABLE)}  \n"
                f"Avslutningssamtal hållet: {talk}  \n"
                f"Dagar öppet: {closing.days_open(case)}")
    if case.return_confirmed_unmet:
        st.caption("Återgång bekräftad trots att villkoren för Steg 4 inte var uppfyllda:")
        st.text(case.return_confirmed_unmet)
    if user.role not in REOPEN_ROLES:
        st.caption("Ärendet är avslutat och kan bara läsas. Teamledaren kan återöppna det.")
        return
    errs = errors(case.id, "reopen")
    with st.form(k(case.id, "reopen_form")):
        st.subheader("Återöppna ärendet")
        st.text_area("Skäl till återöppning", key=k(case.id, "reopen_reason"))
        show(errs, "reopen_reason")
        show_form_error(errs)
        st.form_submit_button("Återöppna ärendet", key=k(case.id, "reopen_save"), on_click=_reopen,
                              args=(case.id, user.username, user.role))
        feedback_for(case.id, "reopen")


def render_timeline(case: Case) -> None:
    with ui.session() as s:
        rows = timeline.timeline(s, case.id)
    st.subheader("Tidslinje")
    # st.table renders its cells as Markdown: what people wrote (meeting texts, notes, names) goes in escaped.
    frame = pd.DataFrame([{"Datum": ui.fmt_date(e.on_date), "Typ": ui.md(e.kind), "Händelse": ui.md(e.text),
                           "Av": ui.md(e.by) or "–"} for e in rows], columns=["Datum", "Typ", "Händelse", "Av"])
    st.table(frame.set_index("Datum"))
