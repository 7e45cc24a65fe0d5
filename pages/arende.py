"""Ärende: one case, worked through the arbetsgång (steps, meetings, consent, notes, interventions, closing)."""
import streamlit as st

from narvaro import ui
from narvaro.casework import cases, closing
from narvaro.core.errors import NotAllowed, NotFound
from narvaro.core.models import CLOSED, QUEUED
from narvaro.ui.case import attendance_line
from narvaro.ui.case import closing as case_closing
from narvaro.ui.case import common as case_common
from narvaro.ui.case import follow_pupil
from narvaro.ui.case import interventions as interventions_panel
from narvaro.ui.case import meetings as case_meetings
from narvaro.ui.case import people as case_people
from narvaro.ui.case import pupil_school
from narvaro.ui.case import steps as case_steps

user = ui.guard("case")
ss = st.session_state


number = (st.query_params.get("arende") or "").strip().upper()
if not number:
    st.title("Ärende")
    number = st.text_input("Ärendenummer", key="arende_number", placeholder="NK-ÅÅÅÅ-NNNN").strip().upper()
    if not number:
        st.caption("Öppna ett ärende från ärendetavlan eller skriv ärendenumret.")
        st.stop()

try:
    with ui.session() as s:
        # A rerun caused by this page's own buttons is not a new view (QUIET); a page load is.
        access = cases.open_case_for(s, user, number, new_visit=not ss.pop(case_common.QUIET, False))
except (NotFound, NotAllowed) as exc:
    st.error(ui.md(exc), icon=":material/lock:" if isinstance(exc, NotAllowed) else ":material/error:")
    st.stop()
case, can_work = access.case, access.can_work
case_common.remember_version(case.id, case.version)

cfg = ui.config()
st.title(f"Ärende {case.number}")
step_name = cfg.process.step(case.current_step).name if case.current_step else "–"
st.markdown(
    f"**Elev:** {ui.md(case.pupil_code)} · {case.school_form}, {case.provider}"
    + (f" · {cfg.reference.district_name(case.district)}" if case.district else "")
    + (f" · årskurs {ui.md(case.school_year)}" if case.school_year else "")
    + f"  \n**Status:** {case_common.STATUS_LABELS.get(case.status, case.status)} · **Steg:** {step_name}"
    + f" · **Dagar öppet:** {closing.days_open(case)} · **Nästa uppföljningsmöte:** {ui.fmt_date(case.next_meeting_on)}"
    + f" · **Sexmånadersgräns:** {ui.fmt_date(closing.case_limit(case))}"
    + (f" ({ui.md(closing.limit_note(case))})" if closing.limit_note(case) else "")
)
with ui.session() as s:
    follow_pupil.header(s, case)
case_common.take_flash()
if case.status == CLOSED:
    st.info("Ärendet är avslutat och kan bara läsas.", icon=":material/lock:")
elif case.status == QUEUED:
    st.info("Ärendet står i kö och är inte fördelat ännu.", icon=":material/hourglass_empty:")
elif closing.is_past_limit(case):
    st.warning("Ärendet har passerat sexmånadersgränsen. Förläng genom beslut eller avsluta (fliken Avslut).",
               icon=":material/warning:")

# Only the open tab is computed and drawn (each panel reads in its own short session, then draws with none open);
# the tab stays open across saves and reruns and is in the URL (?flik=moten), so a reload or a link opens it.
case_common.tab_from_url(case.id)
tabs = st.tabs(list(case_common.TABS.values()), key=case_common.tab_key(case.id),
               on_change=case_common.tab_changed, args=(case.id,))


def _timeline() -> None:
    attendance_line.render(case)  # issue 19: attendance over time, above the timeline
    case_closing.render_timeline(case)


panels = {
    "arbetsgang": lambda: case_steps.render(case, user, can_work),
    "moten": lambda: case_meetings.render(case, user, can_work),
    "insatser": lambda: interventions_panel.render(case, user, read_only=not can_work, on_case_page=True),
    "samtycke": lambda: case_people.render_consent(case, user, can_work),
    "anteckningar": lambda: case_people.render_notes(case, user, can_work),
    "avslut": lambda: case_closing.render(case, user, can_work, surveys=access.may_enter_surveys),
    "tidslinje": lambda: _timeline(),
    "elev": lambda: pupil_school.render(case, user, can_work),
}
for tab, draw in zip(tabs, panels.values()):
    if tab.open:
        with tab:
            draw()
