"""Ärende: one case, worked through the arbetsgång (steps, meetings, consent, notes, interventions, closing)."""
import importlib
import importlib.util

import streamlit as st

from narvaro import cases, clock, closing, ui, workflow
from narvaro.models import CLOSED, QUEUED
from narvaro.views import case_closing, case_common, case_meetings, case_people, case_steps

user = ui.guard("case")
ss = st.session_state


def _panel(name: str):
    """A panel another part of the app provides; the page works without it."""
    full = f"narvaro.views.{name}"
    return importlib.import_module(full) if importlib.util.find_spec(full) else None


number = (st.query_params.get("arende") or "").strip().upper()
if not number:
    st.title("Ärende")
    number = st.text_input("Ärendenummer", key="arende_number", placeholder="NK-ÅÅÅÅ-NNNN").strip().upper()
    if not number:
        st.caption("Öppna ett ärende från ärendetavlan eller skriv ärendenumret.")
        st.stop()

with ui.session() as s:
    case = cases.find_by_number(s, number)
    allowed = case is not None and workflow.may_open(s, user.role, user.id, case)
    if allowed:
        if not ss.pop(case_common.QUIET, False):
            case = cases.open_case(s, case.id, user.username)  # every view is in the audit log
        can_work = workflow.may_work_on(s, user.role, user.id, case)
        member = case.status != QUEUED  # on the case (or its team leader): may enter survey answers
if case is None:
    st.error(f"Det finns inget ärende med nummer {number}.", icon=":material/error:")
    st.stop()
if not allowed:
    st.error(case_common.NOT_YOURS, icon=":material/lock:")
    st.stop()
case_common.remember_version(case.id, case.version)

cfg = ui.config()
st.title(f"Ärende {case.number}")
step_name = cfg.process.step(case.current_step).name if case.current_step else "–"
st.markdown(
    f"**Elev:** {case.pupil_code} · {case.school_form}, {case.provider}"
    + (f" · {cfg.reference.district_name(case.district)}" if case.district else "")
    + (f" · årskurs {case.school_year}" if case.school_year else "")
    + f"  \n**Status:** {case_common.STATUS_LABELS.get(case.status, case.status)} · **Steg:** {step_name}"
    + f" · **Dagar öppet:** {closing.days_open(case)} · **Nästa uppföljningsmöte:** {ui.fmt_date(case.next_meeting_on)}"
    + f" · **Sexmånadersgräns:** {ui.fmt_date(closing.case_limit(case))}"
)
flash = ss.pop(case_common.FLASH, None)
if flash:
    st.success(flash, icon=":material/check_circle:")
if case.status == CLOSED:
    st.info("Ärendet är avslutat och kan bara läsas.", icon=":material/lock:")
elif case.status == QUEUED:
    st.info("Ärendet står i kö och är inte fördelat ännu.", icon=":material/hourglass_empty:")
elif closing.case_limit(case) < clock.today():
    st.warning("Ärendet har passerat sexmånadersgränsen. Förläng genom beslut eller avsluta (fliken Avslut).",
               icon=":material/warning:")

tabs = st.tabs(["Arbetsgång", "Möten", "Insatser", "Samtycke och aktörer", "Anteckningar", "Avslut", "Tidslinje"])
with ui.session() as s:
    with tabs[0]:
        case_steps.render(s, case, user, can_work)
    with tabs[1]:
        case_meetings.render(s, case, user, can_work)
    with tabs[3]:
        case_people.render_consent(s, case, user, can_work)
    with tabs[4]:
        case_people.render_notes(s, case, user, can_work)
    with tabs[5]:
        case_closing.render(s, case, user, can_work)
    with tabs[6]:
        case_closing.render_timeline(s, case)
with tabs[2]:
    interventions_panel = _panel("interventions_panel")
    if interventions_panel is None:
        st.caption("Insatspanelen är inte installerad.")
    else:
        interventions_panel.render(case, user, read_only=not can_work)
with tabs[5]:
    surveys_panel = _panel("surveys_panel")
    if surveys_panel is not None and member:
        surveys_panel.render(case, user, read_only=False)
